#!/usr/bin/env python3
"""Writes baton(8) from baton.8.in and what `baton --help` says (the command table is the one
source of the commands, their options and the exit statuses).

usage: packaging/make-manpage.py BATON TEMPLATE OUT VERSION DATE
"""
import re
import subprocess
import sys


def roff(text: str) -> str:
    text = text.replace("\\", "\\e").replace("-", "\\-")
    return "\n".join(("\\&" + l if l.startswith((".", "'")) else l) for l in text.splitlines())


def main() -> int:
    baton, template, out, version, date = sys.argv[1:6]
    helptext = subprocess.run([baton, "--help"], check=True, capture_output=True,
                              text=True).stdout
    body, _, exits = helptext.partition("\nExit status:\n")
    commands = []
    for block in re.split(r"\n\n+", body):
        lines = block.splitlines()
        if not lines or not lines[0].startswith("baton "):
            continue
        synopsis = [lines[0]] + [l for l in lines[1:] if l.startswith("   ") and
                                 l.strip().startswith("[")]
        rest = [l.strip() for l in lines[len(synopsis):]]
        commands.append(".TP\n.B " + roff(synopsis[0].split(" [")[0]) + "\n" +
                        ".nf\n" + roff("\n".join(synopsis)) + "\n.fi\n" + roff(" ".join(rest)))
    if not commands:
        print("make-manpage: baton --help lists no command", file=sys.stderr)
        return 1
    statuses = []
    for line in exits.splitlines():
        m = re.match(r"\s+(\d)\s+(.*)", line)
        if m:
            statuses.append(f".TP\n.B {m.group(1)}\n{roff(m.group(2))}")
    if len(statuses) < 5:
        print("make-manpage: baton --help lists no exit statuses", file=sys.stderr)
        return 1
    page = open(template).read()
    page = (page.replace("@COMMANDS@", "\n".join(commands))
            .replace("@EXIT@", "\n".join(statuses))
            .replace("@VERSION@", version).replace("@DATE@", date))
    open(out, "w").write(page)
    return 0


if __name__ == "__main__":
    sys.exit(main())
