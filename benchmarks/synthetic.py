"""Synthetic EV knowledge graphs with the real layer structure and heavy-tailed degrees.

Donor cell types release communication records that carry cargo, act on recipient
cell types in a cancer and cause phenotypes; cargo regulates genes (most edges, as
in an integrated graph with miRTarBase), genes alter pathways. Cargo, gene and
pathway popularity follow Zipf laws, so a few hubs collect many edges.
"""

from __future__ import annotations

import networkx as nx
import numpy as np

PROV = {"knowledge_source": "synthetic", "source_version": "1", "license": "CC0-1.0"}
LEVELS = np.array(["in_vitro", "in_vivo", "patient_samples"])


def _zipf_choice(rng, n_items, size, a=1.6):
    ranks = np.arange(1, n_items + 1, dtype=float)
    p = ranks ** -a
    p /= p.sum()
    return rng.choice(n_items, size=size, p=p)


def synthetic_graph(n_edges: int, *, seed: int = 0) -> nx.MultiDiGraph:
    """About ``n_edges`` edges and ``n_edges / 33`` nodes (3x10^4 nodes at 10^6 edges)."""
    rng = np.random.default_rng(seed)
    n_nodes = max(n_edges // 33, min(n_edges // 4, 400))
    n_records = max(10, n_nodes // 10)
    n_cells, n_cancers, n_phen, n_path = 40, 25, 60, max(20, n_nodes // 30)
    n_cargo = max(10, n_nodes // 4)
    n_genes = max(10, n_nodes - n_records - n_cargo - n_path - n_cells - n_cancers - n_phen)
    G = nx.MultiDiGraph()
    cells = [f"CL:{i:07d}" for i in range(n_cells)]
    cancers = [f"MONDO:{i:07d}" for i in range(n_cancers)]
    phen = [f"GO:{i:07d}" for i in range(n_phen)]
    paths = [f"REACT:R-HSA-{i}" for i in range(n_path)]
    cargo = [f"hsa-miR-{i + 1}" for i in range(n_cargo)]
    genes = [f"hgnc.symbol:G{i}" for i in range(n_genes)]
    records = [f"EVC:{i:06d}" for i in range(n_records)]
    for ids, cat in ((cells, "CellType"), (cancers, "Cancer"), (phen, "Phenotype"), (paths, "Pathway"),
                     (cargo, "MiRNA"), (genes, "Gene")):
        G.add_nodes_from((x, {"category": cat, "name": x}) for x in ids)
    levels = LEVELS[rng.integers(0, 3, n_records)]
    for i, r in enumerate(records):
        # the schema keeps patient association apart from where the transfer was shown
        patient = levels[i] == "patient_samples"
        G.add_node(r, category="CommunicationRecord", name=r, cargo_type="miRNA", ev_subtype="exosome",
                   species=["human"], model_system=["in_vivo" if patient else str(levels[i])],
                   patient_samples=bool(patient), pmids=[str(10_000_000 + i)])
    edges = []

    def add(u, v, k, level, pmids, **extra):
        edges.append((u, v, k, {"type": k, "pmids": pmids, "evidence_level": level, **PROV, **extra}))

    donors = _zipf_choice(rng, n_cells, n_records, a=1.2)
    cancer_of = rng.integers(0, n_cancers, n_records)
    for i, r in enumerate(records):
        lv, pm = str(levels[i]), [str(10_000_000 + i)]
        add(cells[donors[i]], r, "RELEASES", lv, pm)
        add(r, cancers[cancer_of[i]], "IN_CONTEXT_OF", lv, pm)
        for c in set(_zipf_choice(rng, n_cargo, rng.integers(1, 4))):
            add(r, cargo[c], "CARRIES", lv, pm)
        for c in set(rng.integers(0, n_cells, rng.integers(1, 3))):
            add(r, cells[c], "TAKEN_UP_BY", lv, pm)
        for f in set(rng.integers(0, n_phen, rng.integers(1, 4))):
            add(r, phen[f], "CAUSES", lv, pm, effect="promotes", records=[r])
    remaining = max(0, n_edges - len(edges))
    n_alters = remaining // 10
    n_regulates = remaining - n_alters
    def unique_pairs(n_src, n_dst, want, a_src, a_dst):
        """``want`` distinct (src, dst) pairs drawn from two Zipf laws (capped by what exists)."""
        want = min(want, n_src * n_dst)
        pairs = np.empty((0, 2), dtype=np.int64)
        while len(pairs) < want:
            k = max(1000, 2 * (want - len(pairs)))
            new = np.stack([_zipf_choice(rng, n_src, k, a_src), _zipf_choice(rng, n_dst, k, a_dst)], axis=1)
            pairs = np.unique(np.concatenate([pairs, new]), axis=0)
        return pairs[rng.permutation(len(pairs))[:want]]

    for s, d in unique_pairs(n_cargo, n_genes, n_regulates, 1.1, 0.7):
        add(cargo[s], genes[d], "REGULATES", str(LEVELS[(s + d) % 3]), [str(20_000_000 + (s * 7 + d) % 900_000)],
            effect="represses")
    for g, p in unique_pairs(n_genes, n_path, n_alters, 0.6, 0.8):
        add(genes[g], paths[p], "ALTERS", "in_vitro", [str(30_000_000 + (g + p) % 500_000)])
    G.add_edges_from(edges)
    G.remove_nodes_from([n for n in list(G) if G.degree(n) == 0])
    return G
