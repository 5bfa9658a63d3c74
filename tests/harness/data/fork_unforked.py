# fork_unforked.py: a target holding what a forked trial is given its
# own of (an eventfd counter, an epoll set, a socket pair, a memfd's
# copy), that then denies itself the system call making a new one
# (FORK_DENY: eventfd2, epoll_create1, socketpair or memfd_create) with
# a seccomp filter, which every trial forked from it inherits. Such a trial cannot be given its own: it must
# not run on sharing the server's (a later trial would see an earlier
# one's write and abort) but say so, and be exec'd. An exec'd trial made
# its own before its filter: every one ends ok. x86-64 system call
# numbers.
import ctypes
import os
import select
import socket
import struct

import pyfault

NUMBERS = {"eventfd2": 290, "epoll_create1": 291, "socketpair": 53, "memfd_create": 319}
deny = os.environ["FORK_DENY"]
if deny not in NUMBERS:
    raise SystemExit(f"unknown FORK_DENY {deny!r}")

r = w = ep = None
if deny == "eventfd2":
    r = w = os.eventfd(0, os.EFD_NONBLOCK)
elif deny == "epoll_create1":
    r, w = os.pipe()
    os.set_blocking(r, False)
    ep = select.epoll()
    ep.register(r, select.EPOLLIN)
elif deny == "memfd_create":
    r = w = os.memfd_create("state")
    os.write(r, bytes(8))
    os.lseek(r, 0, os.SEEK_SET)
else:
    a, b = socket.socketpair()
    r, w = a.fileno(), b.fileno()
    os.set_blocking(r, False)


def deny_syscall(number):
    """Makes system call NUMBER fail with EPERM from here on (and in every
    process forked from here): seccomp's filter mode, after
    PR_SET_NO_NEW_PRIVS, as an unprivileged process may."""
    LD_W_ABS, JEQ_K, RET_K = 0x20, 0x15, 0x06
    AUDIT_ARCH_X86_64, ALLOW, ERRNO_EPERM = 0xC000003E, 0x7FFF0000, 0x00050001
    prog = [
        (LD_W_ABS, 0, 0, 4),  # the architecture
        (JEQ_K, 1, 0, AUDIT_ARCH_X86_64),
        (RET_K, 0, 0, ALLOW),
        (LD_W_ABS, 0, 0, 0),  # the system call's number
        (JEQ_K, 0, 1, number),
        (RET_K, 0, 0, ERRNO_EPERM),
        (RET_K, 0, 0, ALLOW),
    ]
    code = b"".join(struct.pack("HBBI", *insn) for insn in prog)
    filt = ctypes.create_string_buffer(code)
    fprog = struct.pack("HxxxxxxP", len(prog), ctypes.addressof(filt))
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_void_p, ctypes.c_ulong,
                           ctypes.c_ulong]
    PR_SET_NO_NEW_PRIVS, PR_SET_SECCOMP, SECCOMP_MODE_FILTER = 38, 22, 2
    fbuf = ctypes.create_string_buffer(fprog)
    if (libc.prctl(PR_SET_NO_NEW_PRIVS, 1, None, 0, 0) != 0 or
            libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, fbuf, 0, 0) != 0):
        raise OSError(ctypes.get_errno(), "seccomp")


deny_syscall(NUMBERS[deny])
with pyfault.region():
    try:
        words = [str(j) * 600 for j in range(20)]
    except MemoryError:
        pass
# nothing an earlier trial wrote, then this trial's own write
if deny == "memfd_create":
    if os.pread(r, 8, 0) != bytes(8):
        os.abort()  # an earlier trial's
    os.pwrite(w, struct.pack("Q", 1), 0)
    raise SystemExit(0)
try:
    if os.read(r, 8):
        os.abort()  # an earlier trial's
except BlockingIOError:
    pass
if ep is not None and ep.poll(0):
    os.abort()  # the set watches the server's pipe, written to
os.write(w, struct.pack("Q", 1))
if ep is not None and ep.poll(0) != [(r, select.EPOLLIN)]:
    os.abort()
print("done")
