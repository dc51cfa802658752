"""Benchmark ``evgraph build`` on synthetic files in the real layouts at full-database size.

Writes Vesiclepedia (protein/mRNA, miRNA, experiments), miRTarBase (``hsa_MTI.csv``),
Reactome (pathways, hierarchy, NCBI2Reactome), STRING (links with every pair twice and
most links below 700, plus protein.info) and an HGNC file, sized like the human
releases (about 3*10^4 nodes and 10^6 edges after filtering), then times
``evgraph build`` (and, with ``--rank``, a first ``evgraph rank`` on the result) as fresh
processes and reports wall time and peak RSS (max resident set size of the child).

    python benchmarks/build_bench.py [--scale 1.0] [--workdir DIR] [--rank]

The data are random: identifiers and names are synthetic, never real records.
"""

from __future__ import annotations

import argparse
import gzip
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

SAMPLES = ["Breast cancer cells", "Colorectal cancer cells", "Melanoma cells", "Glioblastoma cells", "Plasma",
           "Serum", "Urine", "Saliva", "Macrophages", "Dendritic cells", "Mast cells", "B cells", "T cells",
           "Fibroblasts", "Endothelial cells", "Mesenchymal stem cells", "Platelets", "Neurons",
           "Prostate cancer cells", "Ovarian cancer cells", "HEK293", "Cell line X"]


def _write(path: Path, header: str | None, columns: list[np.ndarray], sep: str = "\t", gz: bool = False) -> None:
    lines = columns[0].astype(str)
    for col in columns[1:]:
        lines = np.char.add(np.char.add(lines, sep), col.astype(str))
    text = ("" if header is None else header + "\n") + "\n".join(lines.tolist()) + "\n"
    data = text.encode("utf-8")
    path.write_bytes(gzip.compress(data, compresslevel=1) if gz else data)


def generate(folder: Path, scale: float = 1.0, seed: int = 0) -> dict[str, Path]:
    """Write the synthetic sources into ``folder``; returns {source: folder}."""
    rng = np.random.default_rng(seed)
    n_genes, n_mirna, n_pathways = int(12_000 * scale), int(2_600 * scale), int(2_600 * scale)
    genes = np.array([f"GENE{i}" for i in range(n_genes)])
    entrez = np.arange(100_000, 100_000 + n_genes)
    out = {}

    hg = folder / "hgnc"
    hg.mkdir(parents=True, exist_ok=True)
    _write(hg / "hgnc_complete_set.txt", "hgnc_id\tsymbol\tname\tstatus\talias_symbol\tprev_symbol\tentrez_id\t"
           "ensembl_gene_id", [np.char.add("HGNC:", np.arange(n_genes).astype(str)), genes,
                               np.char.add("synthetic gene ", np.arange(n_genes).astype(str)),
                               np.full(n_genes, "Approved"), np.char.add("ALIAS", np.arange(n_genes).astype(str)),
                               np.full(n_genes, ""), entrez, np.char.add("ENSG", np.arange(n_genes).astype(str))])
    out["hgnc"] = hg

    ves = folder / "vesiclepedia"
    ves.mkdir(exist_ok=True)
    n_exp = int(3_000 * scale)
    exp_ids = np.arange(1, n_exp + 1)
    _write(ves / "VESICLEPEDIA_EXPERIMENT_DETAILS_5.1.txt", "EXPERIMENT ID\tPUBMED ID\tSPECIES\tSAMPLE",
           [exp_ids, rng.integers(10_000_000, 39_000_000, n_exp), np.full(n_exp, "Homo sapiens"),
            rng.choice(SAMPLES, n_exp)])
    n_prot = int(400_000 * scale)
    kind = np.where(rng.random(n_prot) < 0.9, "protein", "mRNA")
    # mRNA cargo is reported for fewer genes than protein cargo
    g = np.where(kind == "protein", rng.integers(0, n_genes, n_prot), rng.integers(0, max(n_genes // 4, 1), n_prot))
    _write(ves / "VESICLEPEDIA_PROTEIN_MRNA_DETAILS_5.1.txt",
           "CONTENT ID\tCONTENT TYPE\tENTREZ GENE ID\tGENE SYMBOL\tSPECIES\tEXPERIMENT ID\tMETHODS",
           [np.arange(n_prot), kind, entrez[g], genes[g], np.full(n_prot, "Homo sapiens"),
            rng.choice(exp_ids, n_prot), rng.choice(["Mass spectrometry", "Western blotting", "Microarray"], n_prot)])
    n_mi = int(40_000 * scale)
    mirnas = np.array([f"hsa-miR-{i + 1}-{'5p' if i % 2 else '3p'}" for i in range(n_mirna)])
    ev_names = np.char.replace(mirnas, "hsa-", "")
    _write(ves / "VESICLEPEDIA_MIRNA_DETAILS_5.1.txt", "CONTENT ID\tCONTENT TYPE\tMIRNA ID\tSPECIES\tEXPERIMENT ID\t"
           "METHODS", [np.arange(n_mi), np.full(n_mi, "miRNA"), rng.choice(ev_names, n_mi),
                       np.full(n_mi, "Homo sapiens"), rng.choice(exp_ids, n_mi), np.full(n_mi, "qRT-PCR")])
    out["vesiclepedia"] = ves

    mt = folder / "mirtarbase"
    mt.mkdir(exist_ok=True)
    n_mti = int(450_000 * scale)
    mi, tg = rng.integers(0, n_mirna, n_mti), rng.integers(0, n_genes, n_mti)
    refs = rng.integers(1, 3, n_mti)                      # 1-2 reference rows per interaction
    idx = np.repeat(np.arange(n_mti), refs)
    support = rng.choice(["Functional MTI", "Functional MTI (Weak)", "Non-Functional MTI (Weak)"], n_mti)
    _write(mt / "hsa_MTI.csv", "miRTarBase ID,miRNA,Species (miRNA),Target Gene,Target Gene (Entrez Gene ID),"
           "Species (Target Gene),Experiments,Support Type,References (PMID)",
           [np.char.add("MIRT", idx.astype(str)), mirnas[mi[idx]], np.full(len(idx), "Homo sapiens"),
            genes[tg[idx]], entrez[tg[idx]], np.full(len(idx), "Homo sapiens"),
            rng.choice(["Luciferase reporter assay//Western blot", "qRT-PCR", "CLIP-seq"], len(idx)),
            support[idx], rng.integers(10_000_000, 39_000_000, len(idx))], sep=",")
    out["mirtarbase"] = mt

    re_ = folder / "reactome"
    re_.mkdir(exist_ok=True)
    pids = np.char.add("R-HSA-", np.arange(1_000, 1_000 + n_pathways).astype(str))
    _write(re_ / "ReactomePathways.txt", None, [pids, np.char.add("Pathway ", np.arange(n_pathways).astype(str)),
                                                np.full(n_pathways, "Homo sapiens")])
    child = np.arange(1, n_pathways)
    parent = (rng.random(n_pathways - 1) * child).astype(int)   # a random tree (a DAG)
    _write(re_ / "ReactomePathwaysRelation.txt", None, [pids[parent], pids[child]])
    n_mem = int(120_000 * scale)
    mg, mp = rng.integers(0, n_genes, n_mem), rng.integers(0, n_pathways, n_mem)
    _write(re_ / "NCBI2Reactome.txt", None, [entrez[mg], pids[mp], np.char.add("https://reactome.org/", pids[mp]),
                                             np.char.add("Pathway ", mp.astype(str)),
                                             rng.choice(["IEA", "TAS"], n_mem), np.full(n_mem, "Homo sapiens")])
    out["reactome"] = re_

    st = folder / "string"
    st.mkdir(exist_ok=True)
    prot = np.char.add("9606.ENSP", np.arange(n_genes).astype(str))
    _write(st / "9606.protein.info.v12.0.txt.gz", "#string_protein_id\tpreferred_name\tprotein_size\tannotation",
           [prot, genes, rng.integers(100, 3_000, n_genes), np.full(n_genes, "synthetic")], gz=True)
    n_pairs = int(600_000 * scale)                          # about 40% score >= 700
    a, b = rng.integers(0, n_genes, n_pairs), rng.integers(0, n_genes, n_pairs)
    score = np.where(rng.random(n_pairs) < 0.4, rng.integers(700, 1_000, n_pairs), rng.integers(150, 700, n_pairs))
    both_a, both_b = np.concatenate([a, b]), np.concatenate([b, a])
    _write(st / "9606.protein.links.v12.0.txt.gz", "protein1 protein2 combined_score",
           [prot[both_a], prot[both_b], np.concatenate([score, score])], sep=" ", gz=True)
    out["string"] = st
    return out


def _sources(folder: Path, scale: float) -> dict[str, Path]:
    """The generated sources, written once per workdir and scale and reused by later runs."""
    stamp = folder / "generated.json"
    import json

    if stamp.exists() and json.loads(stamp.read_text()) == {"scale": scale}:
        return {name: folder / name for name in ("hgnc", "vesiclepedia", "mirtarbase", "reactome", "string")}
    out = generate(folder, scale)
    stamp.write_text(json.dumps({"scale": scale}))
    return out


# times each step the build reports through its progress callback, then the writing
_STAGES = """
import json, sys, time
from pathlib import Path
from evgraph.loaders.build import SourceSpec, build, write_output
folders, out = json.loads(sys.argv[1]), Path(sys.argv[2])
marks = [("start", time.perf_counter())]
tables, summary = build([SourceSpec(n, [Path(p)]) for n, p in folders.items()],
                        progress=lambda message: marks.append((message, time.perf_counter())))
marks.append(("writing", time.perf_counter()))
write_output(tables, summary, out, force=True)
marks.append(("end", time.perf_counter()))
print(json.dumps([[a[0], b[1] - a[1]] for a, b in zip(marks, marks[1:])]))
"""


def _stages(folders: dict[str, Path], out: Path) -> list[tuple[str, float]]:
    """Seconds per build step (curated base, each source's reading, merging, validating, writing)."""
    import json

    proc = subprocess.run([sys.executable, "-c", _STAGES, json.dumps({k: str(v) for k, v in folders.items()}),
                           str(out)], capture_output=True, text=True, check=True)
    return [tuple(x) for x in json.loads(proc.stdout.strip().splitlines()[-1])]


def _run(cmd: list[str]) -> tuple[float, float, int]:
    """Wall seconds, peak RSS (MB) and exit code of a fresh process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if proc.returncode:
        sys.stderr.write(proc.stderr[-3000:])
    return wall, max(peak, before) / 1024, proc.returncode


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--workdir", type=Path)
    ap.add_argument("--rank", action="store_true", help="also time a first 'evgraph rank' on the result")
    args = ap.parse_args()
    work = args.workdir or Path(tempfile.mkdtemp(prefix="evgraph-build-bench-"))
    t0 = time.perf_counter()
    folders = _sources(work / "sources", args.scale)
    sizes = sum(f.stat().st_size for d in folders.values() for f in d.iterdir())
    print(f"{sizes / 1e6:.0f} MB of source files ready in {time.perf_counter() - t0:.1f} s under {work}")
    out = work / "graph"
    cmd = [sys.executable, "-m", "evgraph", "build", "--force", "--out", str(out)]
    for name, folder in folders.items():
        cmd += ["--source", f"{name}={folder}"]
    wall, peak, rc = _run(cmd)
    if rc:
        raise SystemExit(f"evgraph build failed (exit {rc})")
    import json

    summary = json.loads((out / "build-summary.json").read_text())
    print(f"evgraph build: {summary['nodes']:,} nodes, {summary['edges']:,} edges in {wall:.1f} s, "
          f"peak RSS {peak:,.0f} MB (cpus: {os.cpu_count()})")
    stages = _stages(folders, work / "graph-stages")
    print("  stages (a second run, in one process): "
          + ", ".join(f"{name} {sec:.1f} s" for name, sec in stages))
    for s in summary["sources"]:
        if "edges_added" in s:
            print(f"  {s['source']:<18} rows {s.get('rows_read', 0):>9,}  edges added {s['edges_added']:>9,}  "
                  f"merged {s['edges_merged']:>7,}  rejected {sum(s.get('rejected', {}).values()):>9,}")
    if args.rank:
        env_cache = str(work / "cache")
        os.environ["EVGRAPH_CACHE_DIR"] = env_cache
        for label in ("cold (parse, validate, cache)", "warm (cached graph)"):
            wall, peak, rc = _run([sys.executable, "-m", "evgraph", "rank", "--kb", str(out), "--top", "10",
                                   "--format", "csv", "--engine", "igraph"])
            print(f"evgraph rank {label}: {wall:.1f} s, peak RSS {peak:,.0f} MB, exit {rc}")


if __name__ == "__main__":
    main()
