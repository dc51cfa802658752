"""The embedded FalkorDB engine: server start-up, load time and query latency.

    python benchmarks/embedded_load.py [--sizes 1e5] [--repeat 20]

Prints, in a fresh temporary folder: the time to start the server on an empty folder and on the
saved bundled knowledge base; `load_graph` of the bundled KB (and of synthetic graphs) with
start, load, save and stop included, first into an empty database and then again (idempotent
MERGE over existing data); the median latency of every library query in an open session; and
the wall time of `evgraph db query` as a user runs it (a new process: Python start-up, server
start, query, stop).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))


def timed(fn):
    t = time.perf_counter()
    out = fn()
    return time.perf_counter() - t, out


def main():
    from evgraph.cli._common import load_graph as bundled
    from evgraph.db.embedded import EmbeddedSettings, Server, locked
    from evgraph.db.engine import open_engine
    from evgraph.db.library import REQUIREMENTS, library, parse_params, run_on
    from evgraph.db.load import load_graph
    from synthetic import synthetic_graph

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", nargs="*", default=["1e5"])
    ap.add_argument("--repeat", type=int, default=20)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "db"
        settings = EmbeddedSettings(folder)

        def start_stop():
            with locked(folder, 10):
                dt, server = timed(lambda: Server(folder, 60))
                server.stop(save=False)
            return dt

        print(f"server start, empty folder:        {start_stop() * 1000:8.0f} ms")
        G = bundled(None)
        dt, _ = timed(lambda: load_graph(G, settings))
        print(f"load bundled KB, new database:     {dt:8.2f} s  ({G.number_of_nodes()} nodes, "
              f"{G.number_of_edges()} relationships; start, load, save, stop)")
        dt, _ = timed(lambda: load_graph(G, settings))
        print(f"load bundled KB again (idempotent): {dt:7.2f} s")
        print(f"server start, bundled KB saved:    {start_stop() * 1000:8.0f} ms")
        print(f"\n{'query':<32} {'rows':>5} {'median ms':>10}")
        with open_engine(settings) as engine:
            for q in library().values():
                if set(q.requires) & set(REQUIREMENTS):
                    continue
                params = parse_params(q, [])
                times = []
                for _ in range(args.repeat):
                    dt, (_, rows) = timed(lambda: run_on(engine, q, params))
                    times.append(dt)
                print(f"{q.name:<32} {len(rows):>5} {statistics.median(times) * 1000:>10.1f}")
        cli = [sys.executable, "-m", "evgraph", "db", "query", "summary_counts", "--embedded", str(folder)]
        walls = [timed(lambda: subprocess.run(cli, check=True, capture_output=True))[0] for _ in range(5)]
        print(f"\n`evgraph db query summary_counts` (new process), median of 5: {statistics.median(walls):.2f} s")
        fresh = [sys.executable, "-m", "evgraph", "db", "query", "summary_counts", "--embedded", str(Path(tmp) / "new")]
        dt, _ = timed(lambda: subprocess.run(fresh, check=True, capture_output=True))
        print(f"first `evgraph db query` on a new database (loads the bundled KB first): {dt:.2f} s")
        for s in args.sizes:
            H = synthetic_graph(int(float(s)), seed=1)
            big = EmbeddedSettings(Path(tmp) / f"synthetic-{s}")
            dt, _ = timed(lambda: load_graph(H, big, batch_size=5000))
            m = H.number_of_edges()
            print(f"load synthetic {s}: {H.number_of_nodes()} nodes, {m} relationships: {dt:.1f} s "
                  f"({m / dt:.0f} rel/s)")


if __name__ == "__main__":
    main()
