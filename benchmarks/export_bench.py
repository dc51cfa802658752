"""Time the canonical CSV export (`exchange.write_csv`) on synthetic graphs, per size, side by side.

    python benchmarks/export_bench.py [--sizes 1e4 1e5 1e6] [--reference PYTHON]

For each size the graph is generated (benchmarks/synthetic.py) and written once with this
checkout's writer. With ``--reference``, another interpreter (one whose evgraph is the code to
compare against, e.g. the main checkout's venv) writes the same graph in the same run, the two
folders are compared byte for byte and the ratio is printed. Only the write is timed: generating
the graph is not part of an export.
"""

from __future__ import annotations

import argparse
import filecmp
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent
FILES = ("nodes.csv", "edges.csv", "communications.csv", "meta.json")
# run in a fresh interpreter so each writer is measured with the evgraph it is installed with
WORKER = """
import sys, time
sys.path.insert(0, sys.argv[1])
from synthetic import synthetic_graph
from evgraph.exchange import write_csv
G = synthetic_graph(int(float(sys.argv[2])), seed=1)
t = time.perf_counter()
write_csv(G, sys.argv[3])
print(time.perf_counter() - t)
"""


def timed_write(python: str, size: str, folder: Path) -> float:
    out = subprocess.run([python, "-c", WORKER, str(ROOT), size, str(folder)], capture_output=True, text=True,
                         check=True)
    return float(out.stdout.split()[-1])


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", nargs="*", default=["1e4", "1e5", "1e6"])
    ap.add_argument("--reference", help="a Python whose evgraph's write_csv is the baseline")
    a = ap.parse_args()
    print(f"{'edges':>9} {'write_csv s':>12}" + (f" {'reference s':>12} {'ratio':>6} {'same bytes':>10}"
                                                  if a.reference else ""))
    with tempfile.TemporaryDirectory() as tmp:
        for size in a.sizes:
            new = Path(tmp, f"new-{size}")
            t_new = timed_write(sys.executable, size, new)
            line = f"{int(float(size)):>9} {t_new:>12.2f}"
            if a.reference:
                old = Path(tmp, f"old-{size}")
                t_old = timed_write(a.reference, size, old)
                same = all(filecmp.cmp(new / f, old / f, shallow=False) for f in FILES)
                line += f" {t_old:>12.2f} {t_old / t_new:>5.1f}x {'yes' if same else 'NO':>10}"
            print(line, flush=True)


if __name__ == "__main__":
    main()
