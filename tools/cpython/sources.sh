#!/bin/sh
# sources.sh: makes sure apt can fetch the two CPython source packages:
# python3.11 from bookworm, python3.13 from trixie. Adds deb-src entries
# only when missing, and pins trixie so no binary ever comes from it.
set -eu

LIST_DIR=/etc/apt/sources.list.d
PREF=/etc/apt/preferences.d/pyfault-trixie
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

changed=0
if has_src bookworm; then
    echo "cpython: deb-src for bookworm already configured"
else
    [ "$(id -u)" = 0 ] || { echo "cpython: no deb-src for bookworm and not root; add one to $LIST_DIR" >&2; exit 1; }
    cat > "$LIST_DIR/pyfault-bookworm-src.sources" <<EOT
# Added by pyfault (tools/cpython/sources.sh): source packages only.
Types: deb-src
URIs: $MIRROR
Suites: bookworm
Components: main
Signed-By: $KEYRING
EOT
    echo "cpython: added deb-src for bookworm ($LIST_DIR/pyfault-bookworm-src.sources)"
    changed=1
fi

if has_src trixie; then
    echo "cpython: deb-src for trixie already configured"
else
    [ "$(id -u)" = 0 ] || { echo "cpython: no deb-src for trixie and not root; add one to $LIST_DIR" >&2; exit 1; }
    # deb-src only: apt sees no trixie binaries at all from this entry.
    cat > "$LIST_DIR/pyfault-trixie-src.sources" <<EOT
# Added by pyfault (tools/cpython/sources.sh): trixie SOURCE packages only,
# to fetch CPython 3.13.5. Never binaries (see $PREF).
Types: deb-src
URIs: $MIRROR
Suites: trixie
Components: main
Signed-By: $KEYRING
EOT
    echo "cpython: added deb-src for trixie ($LIST_DIR/pyfault-trixie-src.sources)"
    changed=1
fi

# Belt and braces: should a trixie 'deb' line ever appear, its binaries
# still never become candidates (priority < 0 means never install).
if [ ! -f "$PREF" ] && [ "$(id -u)" = 0 ]; then
    cat > "$PREF" <<EOT
# Added by pyfault (tools/cpython/sources.sh): trixie is for sources only.
Package: *
Pin: release n=trixie
Pin-Priority: -1
EOT
    echo "cpython: pinned trixie binaries to -1 ($PREF)"
fi

if [ "$changed" = 1 ]; then
    apt-get update -qq
fi
