#!/bin/sh
# run.sh: runs the checker scripts in this folder on the CPython variants
# in build/cpython and compares what happens with what each variant must
# do. One line per check, then "N passed, N failed"; exits 1 on a failure.
# Checks of variants not in $PYFAULT_VARIANTS are left out.
set -eu

CPY=build/cpython
HERE=tools/cpython/verify
TIMEOUT=${PYFAULT_VERIFY_TIMEOUT:-10}
# The variants to check: those make cpython built (it exports
# PYFAULT_VARIANTS); run by hand, the default five.
VARIANTS=${PYFAULT_VARIANTS:-3.11-vanilla 3.11-patched 3.11-regress 3.13-vanilla 3.13-patched}
passed=0 failed=0
out=$(mktemp) err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT

# check VARIANT SCRIPT EXPECT: EXPECT is one of
#   hang        still running after $TIMEOUT s (the unwind loop)
#   segv        killed by SIGSEGV
#   memerror    ends in time, non-zero, MemoryError on stderr
#   out:TEXT    exit 0 and TEXT on stdout
check() {
    variant=$1 script=$2 expect=$3
    # Only the variants make built (PYFAULT_VARIANTS, mk/cpython.mk).
    case " $VARIANTS " in *" $variant "*) ;; *) return 0 ;; esac
    py=$CPY/$variant/python
    if [ ! -x "$py" ]; then
        echo "FAIL $variant $script: no interpreter at $py (run make cpython)"
        failed=$((failed + 1)); return 0
    fi
    start=$(date +%s.%N)
    rc=0
    timeout -k 2 "$TIMEOUT" "$py" "$HERE/$script" >"$out" 2>"$err" </dev/null || rc=$?
    secs=$(echo "$start $(date +%s.%N)" | awk '{printf "%.1f", $2 - $1}')
    case $rc in
        0) got="exit 0" ;;
        124|137) got="hang (timeout ${TIMEOUT}s)" ;;
        139) got="SIGSEGV" ;;
        134) got="SIGABRT" ;;
        *) if [ "$rc" -gt 128 ]; then got="signal $((rc - 128))"; else got="exit $rc"; fi ;;
    esac
    ok=0
    case $expect in
        hang) [ "$rc" = 124 ] || [ "$rc" = 137 ] && ok=1 ;;
        segv) [ "$rc" = 139 ] && ok=1 ;;
        memerror) [ "$rc" -ne 0 ] && [ "$rc" -lt 124 ] && grep -q MemoryError "$err" && ok=1 ;;
        out:*) [ "$rc" = 0 ] && grep -qF "${expect#out:}" "$out" && ok=1 ;;
        *) echo "run.sh: unknown expectation '$expect'" >&2; exit 2 ;;
    esac
    last=$(tail -n 1 "$err" | cut -c1-80)
    [ -n "$last" ] || last=$(tail -n 1 "$out" | cut -c1-80)
    if [ "$ok" = 1 ]; then
        echo "PASS $variant $script: $got in ${secs}s (expected $expect)"
        passed=$((passed + 1))
    else
        echo "FAIL $variant $script: $got in ${secs}s, expected $expect; last line: $last"
        failed=$((failed + 1))
    fi
}

# gh-134163: the unwind loop on vanilla, a prompt MemoryError when fixed.
check 3.11-vanilla gh134163_except.py hang
check 3.13-vanilla gh134163_except.py hang
check 3.11-patched gh134163_except.py memerror
check 3.13-patched gh134163_except.py memerror
# 3.14 and 3.15 push a handler's lasti as a tagged int (gh-132508): the
# unwinder allocates nothing there, so there is nothing to retry.
check 3.14-vanilla gh134163_except.py memerror
check 3.14t-vanilla gh134163_except.py memerror
check 3.15-vanilla gh134163_except.py memerror

# GH-91636: a weakref made by a finalizer reaches a tp_clear-ed function.
check 3.11-vanilla gh91636_weakref_finalizer.py segv
check 3.13-vanilla gh91636_weakref_finalizer.py segv
check 3.11-patched gh91636_weakref_finalizer.py "out:weakref cleared"
check 3.13-patched gh91636_weakref_finalizer.py "out:weakref cleared"

# gh-152107: a dict item iterator freed before it was GC-tracked.
check 3.11-vanilla gh152107_dictiter_nomem.py segv
check 3.13-vanilla gh152107_dictiter_nomem.py segv
check 3.11-patched gh152107_dictiter_nomem.py "out:no crash"
check 3.13-patched gh152107_dictiter_nomem.py "out:no crash"

# bpo-38006: only the regression build lets a garbage weakref fire.
check 3.11-vanilla bpo38006_trash_weakref.py "out:callback not called"
check 3.11-patched bpo38006_trash_weakref.py "out:callback not called"
check 3.11-regress bpo38006_trash_weakref.py segv
check 3.13-vanilla bpo38006_trash_weakref.py "out:callback not called"
check 3.13-patched bpo38006_trash_weakref.py "out:callback not called"

# 3.11/0009: a failed identifier in the AST types' lazy init is no
# longer ignored (a NULL attribute name reached PyObject_SetAttr()).
check 3.11-vanilla ast_init_types_nomem.py segv
check 3.11-patched ast_init_types_nomem.py "out:no crash"

# 3.11/0011: shrinking a list keeps its block when realloc() fails.
check 3.11-vanilla list_shrink_nomem.py memerror
check 3.11-patched list_shrink_nomem.py "out:list shrunk"

# 3.13/0006: dict.setdefault() fails cleanly when the table cannot grow.
check 3.13-vanilla dict_setdefault_nomem.py "out:dict broken"
check 3.13-patched dict_setdefault_nomem.py "out:dict ok"
check 3.11-patched dict_setdefault_nomem.py "out:dict ok"

# gh-122752 (3.13/0007): MAKE_FUNCTION does not release the code object
# twice when the function cannot be allocated.
check 3.13-vanilla gh122752_make_function_nomem.py "out:code object lost a reference"
check 3.13-patched gh122752_make_function_nomem.py "out:code refcount kept"
check 3.11-patched gh122752_make_function_nomem.py "out:code refcount kept"

# gh-151112 (3.11/0012, 3.13/0008): assemble_init() does not leave
# freed objects in the assembler for assemble_free() to decref again.
check 3.11-vanilla assemble_init_nomem.py segv
check 3.11-patched assemble_init_nomem.py "out:no crash"
check 3.13-patched assemble_init_nomem.py "out:no crash"

echo "cpython-verify: $passed passed, $failed failed"
[ "$failed" = 0 ]
