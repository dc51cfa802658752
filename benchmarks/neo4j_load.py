"""Neo4j load throughput: the bundled knowledge base and synthetic graphs of 10^5 and 10^6
relationships, through the driver (`evgraph db load`) and through `neo4j-admin import`.

Needs a server started by scripts/neo4j-server.sh (the admin import runs against its home):

    EVGRAPH_NEO4J_HOME=~/.cache/evgraph/neo4j-5.26-test NEO4J_BOLT_PORT=7688 scripts/neo4j-server.sh start
    NEO4J_URI=bolt://127.0.0.1:7688 NEO4J_PASSWORD=evgraph-test-pw python benchmarks/neo4j_load.py [--sizes 1e5 1e6]

Prints one row per graph and method: relationships, seconds, relationships per second.
The database is wiped first.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))


def main():
    from evgraph.cli._common import load_graph as bundled
    from evgraph.db.bulk import write_import_csvs
    from evgraph.db.connection import Settings
    from evgraph.db.load import load_graph, wipe
    from synthetic import synthetic_graph

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", nargs="*", default=["1e5", "1e6"])
    ap.add_argument("--batch-size", type=int, default=5000)
    args = ap.parse_args()
    settings = Settings.from_env()
    graphs = [("bundled KB", bundled(None))]
    graphs += [(f"synthetic {s}", synthetic_graph(int(float(s)), seed=1)) for s in args.sizes]
    print(f"{'graph':<16} {'nodes':>8} {'rels':>9} {'method':<14} {'seconds':>8} {'rels/s':>9}")
    for name, G in graphs:
        wipe(settings)
        t = time.perf_counter()
        load_graph(G, settings, batch_size=args.batch_size)
        dt = time.perf_counter() - t
        m = G.number_of_edges()
        print(f"{name:<16} {G.number_of_nodes():>8} {m:>9} {'driver':<14} {dt:>8.1f} {m / dt:>9.0f}", flush=True)
        with tempfile.TemporaryDirectory() as tmp:
            t = time.perf_counter()
            out = write_import_csvs(G, tmp)
            t_csv = time.perf_counter() - t
            files = [a for a in out["command"] if a.startswith("--")]
            t = time.perf_counter()
            subprocess.run(["bash", str(ROOT / "scripts" / "neo4j-server.sh"), "admin", "database", "import",
                            "full", "benchimport", "--overwrite-destination", *files], check=True,
                           capture_output=True, env=dict(os.environ))
            dt = time.perf_counter() - t
            print(f"{name:<16} {G.number_of_nodes():>8} {m:>9} {'admin import':<14} {dt:>8.1f} {m / dt:>9.0f}"
                  f"   (+{t_csv:.1f} s writing CSVs)", flush=True)
    wipe(settings)


if __name__ == "__main__":
    main()
