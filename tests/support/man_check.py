"""man_check.py PYFAULT MAN1.scd MAN7.scd PYFAULT_H: the man pages against
the program, so that the two cannot drift.

pyfault(1): its "## pyfault CMD" sections are exactly the commands that
`pyfault --help` lists, and each section's options (lines that start with
*-x* or *--name*) are exactly the options of `pyfault CMD --help`; the
OPTIONS section has the top level's --help and --version.
pyfault-spec(7): its "# THE SPEC" tokens are exactly the ones pyfault.h's
spec grammar lists.
Prints one line per difference; exit status 0 when there is none.
"""
import re
import subprocess
import sys

problems = []


def sections(text, level):
    """{title: body} for the headings of LEVEL ('#' or '##')."""
    out = {}
    parts = re.split(r'^(%s [^\n]*)$' % re.escape(level), text, flags=re.M)
    for head, body in zip(parts[1::2], parts[2::2]):
        out[head[len(level) + 1:].strip()] = body
    return out


def man_options(body):
    """Options named at the start of a definition line: *-q*, *--quiet*."""
    opts = set()
    for line in body.splitlines():
        if line.startswith("*-"):
            opts.update(re.findall(r'\*(--?[A-Za-z][\w-]*)\*', line))
    return opts


def help_options(text):
    """Options in an option column of --help: "  -q, --quiet  ...",
    and --version on the top level's last lines."""
    opts = set()
    for line in text.splitlines():
        m = re.match(r'^  (-\w, )?(--[\w-]+)', line)
        if m:
            if m.group(1):
                opts.add(m.group(1)[:2])
            opts.add(m.group(2))
    return opts


def run(*args):
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def compare(what, in_help, in_man, source="--help"):
    for o in sorted(in_help - in_man):
        problems.append("%s: %s is in %s but not in the man page" % (what, o, source))
    for o in sorted(in_man - in_help):
        problems.append("%s: %s is in the man page but not in %s" % (what, o, source))


def check_pyfault1(pyfault, path):
    text = open(path).read()
    top = run(pyfault, "--help")
    commands = re.findall(r'^  ([a-z][\w-]*) ', top, flags=re.M)
    subs = {t[len("pyfault "):]: b for t, b in sections(text, "##").items()
            if t.startswith("pyfault ")}
    compare("commands", {"pyfault " + c for c in commands}, {"pyfault " + s for s in subs})
    for c in commands:
        if c in subs:
            compare("pyfault " + c, help_options(run(pyfault, c, "--help")), man_options(subs[c]))
    top_opts = {"-h", "--help"} | ({"--version"} if "--version" in top else set())
    compare("pyfault", top_opts, man_options(sections(text, "#").get("OPTIONS", "")))


def spec_tokens_h(path):
    """The tokens of pyfault.h's spec grammar: " *   token[=...]  text"
    lines between "The spec" and the first enum."""
    text = open(path).read()
    start = text.index(" * The spec")
    block = text[start:text.index("enum pyfault_mode", start)]
    return set(re.findall(r'^ \*   ([a-z][\w-]*=?)', block, flags=re.M))


def spec_tokens_man(path):
    body = sections(open(path).read(), "#").get("THE SPEC", "")
    return set(re.findall(r'^\*([a-z][\w-]*=?)', body, flags=re.M))


def main():
    pyfault, man1, man7, header = sys.argv[1:5]
    check_pyfault1(pyfault, man1)
    compare("spec tokens", spec_tokens_h(header), spec_tokens_man(man7), "pyfault.h")
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
