/*
 * loader_lock.h: the dynamic loader's lock as the shim's lock for the
 * site= and dso= filters.
 *
 * glibc's dl_iterate_phdr holds the loader's recursive write lock
 * (dl_load_write_lock) over every callback it makes, so state that is read
 * and written only inside such callbacks is serialized by it: no lock of
 * ours to deadlock on (a callback that allocates on the same thread
 * re-enters the recursive lock), none to reset at fork. The lock is
 * glibc's own and ThreadSanitizer cannot see it: under TSan the two calls
 * below tell it where the lock is held; elsewhere they are empty.
 */
#ifndef PYFAULT_LOADER_LOCK_H
#define PYFAULT_LOADER_LOCK_H

#if defined(__SANITIZE_THREAD__)
#define PF_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define PF_TSAN 1
#endif
#endif

#ifdef PF_TSAN
void __tsan_acquire(void *addr);
void __tsan_release(void *addr);
/* A stand-in address for the loader's lock in TSan's bookkeeping. */
static char pf_loader_lock_token;
/* At the start of a dl_iterate_phdr callback: the lock is held. */
static inline void pf_loader_locked_enter(void) { __tsan_acquire(&pf_loader_lock_token); }
/* At the end of one: everything written is ordered before the next holder. */
static inline void pf_loader_locked_leave(void) { __tsan_release(&pf_loader_lock_token); }
#else
/* At the start of a dl_iterate_phdr callback: the lock is held. */
static inline void pf_loader_locked_enter(void) {}
/* At the end of one: everything written is ordered before the next holder. */
static inline void pf_loader_locked_leave(void) {}
#endif

#endif /* PYFAULT_LOADER_LOCK_H */
