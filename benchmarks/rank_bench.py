"""Time `evgraph rank` end to end on synthetic knowledge graphs, per size and engine, side by side.

    python benchmarks/rank_bench.py [--sizes 1e3 1e4 1e5 1e6] [--timeout 600] [--bootstrap 100]

For each size the graph is generated (benchmarks/synthetic.py), written as canonical CSV tables,
and `evgraph rank --kb DIR` runs as a fresh process: once cold (parse + validate + cache) and
then warm (the validated graph comes from the cache), for each engine, then warm with
`--bootstrap N` (igraph). Wall time and peak memory (max RSS) are read from /usr/bin/time.
It also measures the PageRank floor: one sparse matrix-vector product per power iteration
until convergence, against igraph's PageRank on the same graph.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))


def run(args, timeout, env):
    cmd = ["/usr/bin/time", "-f", "%e %M", sys.executable, "-m", "evgraph", *args]
    # its own process group, so that a timeout also ends the worker processes of --jobs
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                            start_new_session=True)
    try:
        _, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        return None, None, f"> {timeout:.0f} s"
    p = subprocess.CompletedProcess(cmd, proc.returncode, "", err)
    if p.returncode != 0:
        return None, None, "failed: " + p.stderr.strip().splitlines()[-2][-120:]
    wall, rss = p.stderr.strip().splitlines()[-1].split()
    return float(wall), int(rss) / 1024, ""


def pagerank_floor(G):
    """Seconds of igraph PageRank vs a CSR mat-vec power-iteration floor on the same graph."""
    import numpy as np
    import scipy.sparse as sp

    from evgraph.analysis.network import Network

    net = Network.from_knowledge(G, "igraph")
    g = net.ig_undirected
    t = time.perf_counter()
    g.personalized_pagerank(damping=0.85, weights="weight", implementation="prpack")
    t_pr = time.perf_counter() - t
    a, b, w = net.undirected_arrays
    n = len(net)
    A = sp.csr_matrix((np.concatenate([w, w]), (np.concatenate([a, b]), np.concatenate([b, a]))), shape=(n, n))
    deg = np.asarray(A.sum(axis=1)).ravel()
    M = sp.diags(np.where(deg > 0, 1.0 / np.where(deg > 0, deg, 1), 0.0)) @ A
    MT = M.T.tocsr()
    x = np.full(n, 1.0 / n)
    iters = 0
    t = time.perf_counter()
    while iters < 1000:
        new = 0.85 * (MT @ x) + (1 - 0.85) / n + 0.85 * x[deg == 0].sum() / n
        iters += 1
        if np.abs(new - x).sum() < 1e-10:
            break
        x = new
    t_floor = time.perf_counter() - t
    return t_pr, t_floor, iters


def main():
    from evgraph.exchange import write_csv
    from synthetic import synthetic_graph

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", nargs="*", default=["1e3", "1e4", "1e5", "1e6"])
    ap.add_argument("--engines", nargs="*", default=["igraph", "networkx"])  # the first also runs cold
    ap.add_argument("--timeout", type=float, default=600)
    ap.add_argument("--bootstrap", type=int, default=100)
    args = ap.parse_args()
    env = dict(os.environ)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        env["EVGRAPH_CACHE_DIR"] = str(Path(tmp) / "cache")
        print(f"{'edges':>9} {'nodes':>7} {'engine':<9} {'run':<14} {'wall s':>8} {'peak MB':>8}  note", flush=True)
        for size in args.sizes:
            G = synthetic_graph(int(float(size)), seed=1)
            folder = Path(tmp) / f"g{size}"
            write_csv(G, folder)
            n, m = G.number_of_nodes(), G.number_of_edges()
            base = ["rank", "--kb", str(folder), "--format", "json", "--top", "20", "--out", os.devnull]
            first = True
            for engine in args.engines:
                runs = [("cold", [])] if first else []
                runs += [("warm", []), ("warm+boot", ["--bootstrap", str(args.bootstrap), "--jobs", "2"])]
                first = False
                for label, extra in runs:
                    if label == "warm+boot" and engine == "networkx" and m > 20_000:
                        rows.append((m, n, engine, label, None, None, "skipped (networkx, large)"))
                        print(f"{m:>9} {n:>7} {engine:<9} {label:<14} {'-':>8} {'-':>8}  skipped", flush=True)
                        continue
                    wall, rss, note = run(base + ["--engine", engine] + extra, args.timeout, env)
                    rows.append((m, n, engine, label, wall, rss, note))
                    w = f"{wall:.2f}" if wall is not None else "-"
                    r = f"{rss:.0f}" if rss is not None else "-"
                    print(f"{m:>9} {n:>7} {engine:<9} {label:<14} {w:>8} {r:>8}  {note}", flush=True)
            t_pr, t_floor, iters = pagerank_floor(G)
            print(f"{m:>9} {n:>7} pagerank: igraph {t_pr * 1000:.1f} ms, mat-vec floor {t_floor * 1000:.1f} ms "
                  f"({iters} iterations), ratio {t_pr / t_floor:.2f}", flush=True)
    print("\nratios (networkx / igraph, warm):")
    by = {(r[0], r[2], r[3]): r[4] for r in rows}
    for size in sorted({r[0] for r in rows}):
        a, b = by.get((size, "networkx", "warm")), by.get((size, "igraph", "warm"))
        ratio = f"{a / b:.1f}x" if a and b else ("> " + f"{args.timeout / b:.0f}x" if b and a is None else "-")
        print(f"{size:>9} edges: {ratio}")


if __name__ == "__main__":
    main()
