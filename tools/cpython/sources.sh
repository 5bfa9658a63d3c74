#!/bin/sh
# sources.sh: makes sure apt can fetch the CPython source packages:
# python3.11 from bookworm, python3.13 from trixie, python3.14 and
# python3.15 from sid. Adds deb-src entries only when missing, and pins
# trixie and sid so no binary ever comes from them.
set -eu

LIST_DIR=/etc/apt/sources.list.d
PREF_DIR=/etc/apt/preferences.d
MIRROR=http://deb.debian.org/debian
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg

# has_src SUITE: is there any deb-src line or deb822 stanza for SUITE?
has_src() {
    suite=$1
    # One-line format (sources.list, *.list).
    for f in /etc/apt/sources.list "$LIST_DIR"/*.list; do
        [ -f "$f" ] || continue
        if grep -Eq "^[[:space:]]*deb-src([[:space:]]+\[[^]]*\])?[[:space:]]+[^[:space:]]+[[:space:]]+$suite([[:space:]]|\$)" "$f"; then
            return 0
        fi
    done
    # deb822 format: a stanza whose Types has deb-src and whose Suites
    # has SUITE (stanzas are separated by blank lines).
    for f in "$LIST_DIR"/*.sources; do
        [ -f "$f" ] || continue
        if awk -v s="$suite" '
            function check() { if (t && su && en) found = 1; t = su = 0; en = 1 }
            BEGIN { en = 1 }
            /^[[:space:]]*$/ { check(); next }
            /^[[:space:]]*#/ { next }
            tolower($1) == "types:"   { for (i = 2; i <= NF; i++) if ($i == "deb-src") t = 1 }
            tolower($1) == "suites:"  { for (i = 2; i <= NF; i++) if ($i == s) su = 1 }
            tolower($1) == "enabled:" { if (tolower($2) == "no") en = 0 }
            END { check(); exit found ? 0 : 1 }' "$f"; then
            return 0
        fi
    done
    return 1
}

# add_src SUITE WHY: adds a deb-src entry for SUITE unless one exists.
# deb-src only: apt sees no binaries at all from this entry.
add_src() {
    suite=$1 why=$2
    if has_src "$suite"; then
        echo "cpython: deb-src for $suite already configured"
        return 0
    fi
    [ "$(id -u)" = 0 ] || { echo "cpython: no deb-src for $suite and not root; add one to $LIST_DIR" >&2; exit 1; }
    cat > "$LIST_DIR/pyfault-$suite-src.sources" <<EOT
# Added by pyfault (tools/cpython/sources.sh): $suite SOURCE packages only,
# $why. Never binaries (see $PREF_DIR/pyfault-$suite).
Types: deb-src
URIs: $MIRROR
Suites: $suite
Components: main
Signed-By: $KEYRING
EOT
    echo "cpython: added deb-src for $suite ($LIST_DIR/pyfault-$suite-src.sources)"
    changed=1
}

# pin_never SUITE: belt and braces: should a 'deb' line for SUITE ever
# appear, its binaries still never become candidates (priority < 0 means
# never install).
pin_never() {
    suite=$1 pref=$PREF_DIR/pyfault-$1
    [ ! -f "$pref" ] && [ "$(id -u)" = 0 ] || return 0
    cat > "$pref" <<EOT
# Added by pyfault (tools/cpython/sources.sh): $suite is for sources only.
Package: *
Pin: release n=$suite
Pin-Priority: -1
EOT
    echo "cpython: pinned $suite binaries to -1 ($pref)"
}

changed=0
add_src bookworm "to fetch CPython 3.11.2"
add_src trixie "to fetch CPython 3.13.5"
add_src sid "to fetch CPython 3.14.9 and 3.15.2"
pin_never trixie
pin_never sid

if [ "$changed" = 1 ]; then
    apt-get update -qq
fi
