"""The CSV export writes the same bytes as the writer it replaced (issue #16: export speed).

``_reference_*`` below is the writer as it was before the speed-up, kept verbatim as the oracle.
"""

import importlib.util
import json
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest

from evgraph.errors import Problem, ValidationError
from evgraph.exchange import LIST_SEP, write_csv
from evgraph.model import from_graph, nodes_of
from evgraph.schema import load_schema
from evgraph.tables import EDGE_COLUMNS, NODE_COLUMNS, ORIGIN


def _reference_ordered(df, first):
    cols = [c for c in first if c in df.columns] + sorted(c for c in df.columns if c not in first and c != ORIGIN)
    return df[cols]


def _reference_flatten(df, lists):
    out = df.copy()
    for col in out.columns:
        if out[col].dtype != object or (col not in lists and pd.api.types.infer_dtype(out[col], skipna=True)
                                        in ("string", "integer", "floating", "boolean", "empty")):
            continue
        is_list = out[col].map(type).isin([list, tuple])
        if col in lists or is_list.any():
            for i, (v, f) in enumerate(zip(out[col], is_list)):
                bad = [x for x in v if LIST_SEP in str(x)] if f else []
                if bad:
                    row = out.iloc[i]
                    what = row.get("id") or f"{row.get('source')} -> {row.get('target')} ({row.get('type')})"
                    raise ValidationError([Problem("", 0, col, f"{what}: list item {bad[0]!r} holds {LIST_SEP!r}, "
                                                               "which the CSV exchange format uses between items")])
            out[col] = [LIST_SEP.join(map(str, v)) if f else v for v, f in zip(out[col], is_list)]
    return out


def _listed(value):
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def _reference_communications(G):
    rows = []
    for rec in nodes_of(G, "CommunicationRecord"):
        d = G.nodes[rec]
        donors = sorted(u for u, _, k in G.in_edges(rec, keys=True) if k == "RELEASES")
        out = [(v, k, data) for _, v, k, data in G.out_edges(rec, keys=True, data=True)]
        cargo = sorted(v for v, k, _ in out if k == "CARRIES")
        targets, sponged = set(), set()
        for c in cargo:
            for _, g, k, data in G.out_edges(c, keys=True, data=True):
                if k in ("REGULATES", "SPONGES") and rec in data.get("records", ()):
                    (targets if k == "REGULATES" else sponged).add(g)
        phen = sorted(v if data.get("effect", "promotes") == "promotes" else f"{v}:{data['effect']}"
                      for v, k, data in out if k == "CAUSES")
        rows.append({
            "id": rec, "donor_cell": ";".join(donors), "cargo": ";".join(cargo),
            "cargo_type": ";".join(G.nodes[c]["category"] for c in cargo) or d.get("cargo_type", ""),
            "recipient_cell": ";".join(sorted(v for v, k, _ in out if k == "TAKEN_UP_BY")),
            "cancer": ";".join(sorted(v for v, k, _ in out if k == "IN_CONTEXT_OF")),
            "target_genes": ";".join(sorted(targets)), "sponged_mirnas": ";".join(sorted(sponged)),
            "phenotypes": ";".join(phen), "pmids": ";".join(d.get("pmids", [])), "dois": ";".join(d.get("dois", [])),
            "species": ";".join(_listed(d.get("species"))), "model_system": ";".join(d.get("model_system", [])),
            "patient_samples": bool(d.get("patient_samples", False)), "ev_subtype": d.get("ev_subtype", ""),
            "claim": d.get("claim", ""),
        })
    cols = ["id", "donor_cell", "cargo", "cargo_type", "recipient_cell", "cancer", "target_genes", "sponged_mirnas",
            "phenotypes", "pmids", "dois", "species", "model_system", "patient_samples", "ev_subtype", "claim"]
    return pd.DataFrame(rows, columns=cols)


def _reference_write_csv(G, folder):
    schema = load_schema()
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    t = from_graph(G)
    lists = schema.list_properties()
    paths = [folder / "nodes.csv", folder / "edges.csv", folder / "communications.csv", folder / "meta.json"]
    _reference_flatten(_reference_ordered(t.nodes, NODE_COLUMNS), lists).to_csv(paths[0], index=False)
    _reference_flatten(_reference_ordered(t.edges, EDGE_COLUMNS), lists).to_csv(paths[1], index=False)
    _reference_communications(G).to_csv(paths[2], index=False)
    paths[3].write_text(json.dumps(G.graph, indent=1, sort_keys=True, default=str), "utf-8")
    return paths


def _tricky_graph() -> nx.MultiDiGraph:
    """Shared cargo across records (the path the speed-up changed), and values CSV must quote."""
    G = nx.MultiDiGraph(name='a "quoted", graph', note="ünïcødé ✓")
    prov = {"pmids": ["24735924"], "knowledge_source": "curated, \"hand\"", "source_version": "1;2",
            "license": "CC BY 4.0", "evidence_level": "in_vitro"}
    G.add_node("CL:0000057", category="CellType", name='fibro"blast, human')
    G.add_node("CL:0000236", category="CellType", name="B cell\nline two")
    G.add_node("MONDO:0007254", category="Cancer", name="NaN")
    G.add_node("MIR:1", category="miRNA", name="nan")
    G.add_node("MIR:2", category="miRNA", name="None")
    G.add_node("HGNC:1", category="Gene", name="")
    G.add_node("HGNC:2", category="Gene", name="Ωmega;gene")
    G.add_node("HGNC:3", category="Gene", name="  spaced  ")
    for i, (cargo, extra) in enumerate([("MIR:1", {}), ("MIR:1", {"claim": 'said "so", twice'}),
                                        ("MIR:2", {"claim": "", "dois": []}), ("MIR:1", {"ev_subtype": "NA"})]):
        rec = f"EVREC:{i}"
        G.add_node(rec, category="CommunicationRecord", name=f"record {i}", pmids=["24735924", "1"],
                   species=["Homo sapiens"] if i % 2 else "Homo sapiens", model_system=["cell_line"], **extra)
        G.add_edge("CL:0000057", rec, key="RELEASES", type="RELEASES", **prov)
        G.add_edge(rec, cargo, key="CARRIES", type="CARRIES", **prov)
        G.add_edge(rec, "CL:0000236", key="TAKEN_UP_BY", type="TAKEN_UP_BY", **prov)
        G.add_edge(rec, "MONDO:0007254", key="IN_CONTEXT_OF", type="IN_CONTEXT_OF", **prov)
        G.add_edge(rec, "HGNC:1", key="CAUSES", type="CAUSES", effect="inhibits" if i else "promotes", **prov)
    G.add_edge("MIR:1", "HGNC:1", key="REGULATES", type="REGULATES", records=["EVREC:0", "EVREC:3", "EVREC:0"], **prov)
    G.add_edge("MIR:1", "HGNC:2", key="REGULATES", type="REGULATES", records=["EVREC:1"], **prov)
    G.add_edge("MIR:1", "HGNC:3", key="SPONGES", type="SPONGES", records=("EVREC:1", "EVREC:3"), **prov)
    G.add_edge("MIR:2", "HGNC:2", key="REGULATES", type="REGULATES", records="EVREC:2", **prov)  # a bare string
    G.add_edge("MIR:2", "HGNC:3", key="SPONGES", type="SPONGES", records=[], **prov)
    G.add_edge("MIR:2", "HGNC:1", key="REGULATES", type="REGULATES", **prov)  # no records at all
    return G


def _synthetic_graph():
    spec = importlib.util.spec_from_file_location("synthetic", Path(__file__).parents[1] / "benchmarks" / "synthetic.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.synthetic_graph(3000, seed=1)


@pytest.mark.parametrize("make", [_tricky_graph, _synthetic_graph, "bundled"])
def test_write_csv_bytes_match_the_reference_writer(make, tmp_path, bundled_graph):
    G = bundled_graph if make == "bundled" else make()
    new = write_csv(G, tmp_path / "new")
    old = _reference_write_csv(G, tmp_path / "old")
    assert [p.name for p in new] == [p.name for p in old]
    for a, b in zip(new, old):
        assert a.read_bytes() == b.read_bytes(), a.name
    assert len((tmp_path / "new" / "communications.csv").read_bytes()) > 100
