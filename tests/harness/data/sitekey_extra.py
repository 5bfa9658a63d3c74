# pyfault-scenario: sitekey-extra-allocation
# issue: https://github.com/python/cpython/issues/134163
# plan: oneshot
# layer: libc
# timeout: 10
# expect: *=ok|error|segfault
# Run by the stand-in interpreters build/targets/sitekey_vanilla and
# sitekey_patched (tests/harness/test_sitekeys.c), which ignore it.
