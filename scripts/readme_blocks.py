"""Regenerate the README's example outputs from the current code and the bundled knowledge base:

    python scripts/readme_blocks.py           # rewrite the blocks in README.md
    python scripts/readme_blocks.py --check   # exit 1, naming each block that differs

Each block sits between ``<!-- evgraph:begin NAME -->`` and ``<!-- evgraph:end NAME -->``. A
command's block is what a 100-column terminal shows (a pseudo-terminal, ``NO_COLOR=1``): the
command, what it says on stderr, then its output. ``tests/test_readme.py`` runs the check, so the
README cannot drift from the program. The figures come from ``scripts/readme_images.py``.
"""

from __future__ import annotations

import argparse
import json
import os
import pty
import re
import shlex
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
WIDTH = 100
BLOCK = re.compile(r"(<!-- evgraph:begin (?P<name>[\w-]+) -->\n)(?P<body>.*?)(<!-- evgraph:end (?P=name) -->)", re.S)


def terminal(args: list[str]) -> tuple[str, str]:
    """stdout (through a pseudo-terminal of WIDTH columns) and stderr of ``evgraph ARGS``."""
    import fcntl
    import struct
    import termios

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, WIDTH, 0, 0))
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    env.update(NO_COLOR="1", COLUMNS=str(WIDTH))
    proc = subprocess.Popen([sys.executable, "-m", "evgraph", *args], stdout=slave, stderr=subprocess.PIPE,
                            stdin=subprocess.DEVNULL, env=env, cwd=ROOT)
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    err = proc.stderr.read().decode()
    if proc.wait() != 0:
        raise SystemExit(f"evgraph {shlex.join(args)} failed:\n{err}")
    return b"".join(chunks).decode().replace("\r\n", "\n"), err


def piped(args: list[str]) -> str:
    out = subprocess.run([sys.executable, "-m", "evgraph", *args], capture_output=True, text=True, cwd=ROOT)
    if out.returncode != 0:
        raise SystemExit(f"evgraph {shlex.join(args)} failed:\n{out.stderr}")
    return out.stdout


def session(*commands: list[str]) -> str:
    """A terminal session: each command after ``$``, then what it printed."""
    lines = []
    for args in commands:
        out, err = terminal(args)
        lines.append(f"$ evgraph {shlex.join(args)}")
        lines += err.rstrip("\n").split("\n") if err.strip() else []
        lines += out.rstrip("\n").split("\n")
    return "```text\n" + "\n".join(line.rstrip() for line in lines) + "\n```\n"


def _candidates(args: list[str]) -> str:
    data = json.loads(piped(["rank", *args, "-f", "json", "--top", "1"]))
    return f"{data['params']['n_candidates']} candidates"


def cancer_scopes() -> str:
    commands = [["rank", "--cancer", "lung cancer"], ["rank", "--cancer", "NSCLC"],
                ["rank", "--cancer", "lung cancer", "--exact"], ["rank", "--cancer", "PDAC"]]
    width = max(len(f"$ evgraph {shlex.join(c)}") for c in commands) + 2
    lines = []
    for c in commands:
        head = f"$ evgraph {shlex.join(c)}"
        lines.append(f"{head.ljust(width)}# {_candidates(c[1:])}")
        _, err = terminal([*c, "--top", "1"])
        lines += [line for line in err.rstrip("\n").split("\n") if line]
    return "```text\n" + "\n".join(lines) + "\n```\n"


def _metric_table(out: dict, metrics: dict, first: str) -> list[str]:
    head = "| ranking | recall@10 | recall@25 | recall@50 | AUROC | median rank |"
    rows = [head, "|---|---|---|---|---|---|"]
    names = {"consensus": f"consensus ({', '.join(out['methods'])})" if first else "consensus",
             "n_papers": "number of papers (literature baseline)", "pagerank": "PageRank", "katz": "Katz"}
    for name, m in metrics.items():
        if name == "random":
            label = f"random ({m['n_orders']} orders, mean ± sd)" if first else "random"
            cells = [f"{m[k]:.2f} ± {m[k + '_sd']:.2f}" for k in ("recall@10", "recall@25", "recall@50", "auroc")]
            cells.append(f"{m['median_rank']:.0f} ± {m['median_rank_sd']:.0f}")
        else:
            label = names.get(name, name)
            cells = [f"{m[k]:.2f}" for k in ("recall@10", "recall@25", "recall@50", "auroc")]
            cells.append(f"{m['median_rank']:g}")
        rows.append(f"| {label} | " + " | ".join(cells) + " |")
    return rows


def evaluation() -> str:
    out = json.loads(piped(["evaluate", "-f", "json"]))
    lines = [f"On the bundled knowledge base ({out['n_candidates']} candidates; {out['evaluated']} known targets, "
             f"{len(out['missing'])} more not candidates):", ""]
    lines += _metric_table(out, out["metrics"], first="all")
    lines += ["", f"The {out['with_other_evidence']} known targets that keep evidence once their own papers are "
                  "left out:", ""]
    lines += _metric_table(out, out["metrics_with_other_evidence"], first="")
    return "\n".join(lines) + "\n"


BLOCKS = {
    "rank-breast": lambda: session(["rank", "--cancer", "breast cancer", "--top", "8", "--bootstrap", "100",
                                    "--permutations", "100", "--random-seed", "1"]),
    "explain-pkm": lambda: session(["explain", "PKM", "--cancer", "breast cancer", "--top", "1"]),
    "cancer-scopes": cancer_scopes,
    "evaluate": evaluation,
}


def render(text: str, only=None) -> tuple[str, list[str]]:
    """``text`` with every block regenerated, and the names of the blocks that changed."""
    changed = []

    def replace(m):
        name = m["name"]
        if name not in BLOCKS:
            raise SystemExit(f"README block {name!r} has no generator in scripts/readme_blocks.py")
        if only and name not in only:
            return m.group(0)
        body = BLOCKS[name]()
        if body != m["body"]:
            changed.append(name)
        return m.group(1) + body + m.group(4)

    return BLOCK.sub(replace, text), changed


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="only compare; exit 1 when a block differs")
    ap.add_argument("blocks", nargs="*", help="only these blocks")
    args = ap.parse_args(argv)
    text = README.read_text("utf-8")
    missing = set(BLOCKS) - {m["name"] for m in BLOCK.finditer(text)}
    if missing:
        print(f"README.md lacks the block(s) {', '.join(sorted(missing))}", file=sys.stderr)
        return 1
    new, changed = render(text, args.blocks)
    if args.check:
        for name in changed:
            print(f"README.md block {name!r} differs from what the program prints now; "
                  "run python scripts/readme_blocks.py", file=sys.stderr)
        return 1 if changed else 0
    README.write_text(new, "utf-8")
    print("rewrote", ", ".join(changed) or "nothing (all blocks current)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
