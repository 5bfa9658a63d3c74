#!/bin/sh
# gate_bisect_repo.sh DIR: makes DIR a git repository of a tiny C program
# (a Makefile and app.c) with eight commits, for the bisect-run tests:
#   c0 checks malloc           c4 fixes the build (still unchecked)
#   c1 unrelated (README)      c5 checks malloc again: the fix
#   c2 drops the NULL check:   c6 unrelated (README)
#      the crash under from=1  c7 unrelated (a comment)
#   c3 breaks the build
# Each commit's subject starts with its name ("c2: ...").
set -eu
d=$1
mkdir -p "$d"
cd "$d"
git init -q
git config user.email t@example.com
git config user.name test
git config commit.gpgsign false
printf 'app: app.c\n\tcc -O0 -g -o app app.c\n' > Makefile
checked() {
    cat > app.c <<'C'
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
int main(void)
{
    char *buf = malloc(4096);
    if (!buf) {
        fputs("app: out of memory\n", stderr);
        return 1;
    }
    strcpy(buf, "hello");
    puts(buf);
    free(buf);
    return 0;
}
C
}
unchecked() {
    cat > app.c <<'C'
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
int main(void)
{
    char *buf = malloc(4096);
    strcpy(buf, "hello"); /* no NULL check: SIGSEGV when malloc fails */
    puts(buf);
    free(buf);
    return 0;
}
C
}
commit() { git add -A && git commit -q -m "$1"; }
checked; commit "c0: app checks malloc"
echo "tiny app" > README; commit "c1: README"
unchecked; commit "c2: drop the NULL check"
echo 'this is not C' >> app.c; commit "c3: break the build"
unchecked; commit "c4: fix the build"
checked; commit "c5: check malloc again"
echo "tiny app, checked" > README; commit "c6: README again"
sed -i '1i /* app.c: a tiny program */' app.c; commit "c7: a comment"
