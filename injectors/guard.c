/*
 * guard.c: the per-thread recursion guard (a leaf: it calls nothing).
 *
 * Initial-exec TLS, so reading it never allocates. Anything the shim does
 * on its own behalf (unwinding, logging, symbols) runs with the guard
 * held, and allocations made meanwhile pass straight through.
 */
#include "internal.h"

__thread int pf_guard_depth __attribute__((tls_model("initial-exec")));
