# pyfault-scenario: finally-and-generator-close
# issue: https://github.com/python/cpython/issues/134163
# plan: oneshot
# layer: pymem
# inject: site=_PyRun_SimpleFileObject
# stride: 20
# timeout: 10
# expect: 3.13-vanilla=ok|error|segfault *=ok|error
#
# finally blocks that allocate while a generator is closed (GeneratorExit
# thrown in) and while exceptions unwind through nested finally blocks,
# with one allocation failing at each point of the run.
#
# 3.13-vanilla: segfault since the pymem layer keeps pymalloc: "dict_dealloc
# < _PyAST_Compile < run_mod" (nth=941, compiling this file): a failed
# resize in PyDict_SetDefaultRef() (the compiler's constant cache) still
# counts the key as inserted; fixed in 3.13-patched by
# patches/3.13/0006-dict-PyDict_SetDefaultRef-must-fail-when-the-insert-.patch.


def gen(log):
    try:
        try:
            yield 1
            yield 2
        finally:
            log.append(["inner", "finally"])
    finally:
        log.append({"outer": "finally"})


def nested(n, log):
    try:
        try:
            if n % 2:
                raise ValueError(n)
            return n
        finally:
            log.append(str(n) * 3)
    finally:
        log.append((n, n + 1))


def main():
    log = []
    for i in range(30):
        g = gen(log)
        next(g)
        g.close()
        try:
            nested(i, log)
        except ValueError:
            pass
    return len(log)


main()
