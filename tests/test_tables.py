"""Schema validation of canonical tables: good rows pass, each bad row names its problem."""

import pandas as pd
import pytest

from evgraph.errors import ValidationError
from evgraph.tables import Tables, check, merge, strongest_evidence, validate

PROV = {"pmids": ["123"], "knowledge_source": "evgraph-curated", "source_version": "1",
        "license": "CC-BY-4.0", "evidence_level": "in_vitro"}


def tables(nodes=None, edges=None):
    base = [
        {"id": "CL:0001064", "category": "CellType", "name": "malignant cell"},
        {"id": "EVC:0001", "category": "CommunicationRecord", "name": "r", "ev_subtype": "exosome",
         "cargo_type": "miRNA", "species": ["human"], "model_system": ["in_vitro"], "pmids": ["123"]},
        {"id": "hsa-miR-21-5p", "category": "MiRNA", "name": "hsa-miR-21-5p"},
        {"id": "hgnc.symbol:PTEN", "category": "Gene", "name": "PTEN"},
    ]
    e = [
        {"source": "CL:0001064", "target": "EVC:0001", "type": "RELEASES", **PROV},
        {"source": "EVC:0001", "target": "hsa-miR-21-5p", "type": "CARRIES", **PROV},
        {"source": "hsa-miR-21-5p", "target": "hgnc.symbol:PTEN", "type": "REGULATES", "effect": "represses",
         **PROV},
    ]
    return Tables(pd.DataFrame(base + (nodes or [])), pd.DataFrame(e + (edges or [])))


def reasons(t):
    return [str(p) for p in validate(t)]


def test_good_tables_validate():
    assert validate(tables()) == []
    assert check(tables()).nodes.shape[0] == 4


@pytest.mark.parametrize(
    "nodes, edges, message",
    [
        ([{"id": "CL:1", "category": "CellType", "name": "x"}], [],
         "column 'id': 'CL:1' does not match the CellType pattern"),
        ([{"id": "x:1", "category": "Cell", "name": "x"}], [], "unknown category 'Cell'"),
        ([{"id": "CL:0001064", "category": "CellType", "name": "again"}], [], "duplicate node id 'CL:0001064'"),
        ([{"id": "CL:0000057", "category": "CellType", "name": ""}], [], "has no name"),
        ([{"id": "EVC:0002", "category": "CommunicationRecord", "name": "r", "ev_subtype": "blob",
           "cargo_type": "miRNA", "species": ["human"], "model_system": ["in_vitro"], "pmids": ["1"]}], [],
         "column 'ev_subtype': 'blob' is not one of exosome"),
        ([{"id": "EVC:0003", "category": "CommunicationRecord", "name": "r", "ev_subtype": "exosome",
           "cargo_type": "miRNA", "species": ["human"], "model_system": ["in_vitro"], "pmids": ["PMID:1"]}], [],
         "PMIDs must be positive whole numbers, got 'PMID:1'"),
        ([{"id": "EVC:0003", "category": "CommunicationRecord", "name": "r", "ev_subtype": "exosome",
           "cargo_type": "miRNA", "species": ["human"], "model_system": ["in_vitro"], "pmids": ["1"],
           "dois": ["doi.org/10.1/x"]}], [], "'doi.org/10.1/x' is not a DOI like 10.1000/xyz123"),
        ([{"id": "EVC:0003", "category": "CommunicationRecord", "name": "r", "ev_subtype": "exosome",
           "cargo_type": "miRNA", "species": ["human", "dog"], "model_system": ["in_vitro"], "pmids": ["1"]}], [],
         "'dog' is not one of human, mouse, rat"),
        ([{"id": "EVC:0004", "category": "CommunicationRecord", "name": "r", "ev_subtype": "exosome",
           "species": ["human"], "model_system": ["in_vitro"]}], [], "lacks required property 'cargo_type'"),
        ([], [{"source": "CL:0001064", "target": "EVC:0009", "type": "RELEASES", **PROV}],
         "RELEASES edge refers to unknown node 'EVC:0009'"),
        ([], [{"source": "hgnc.symbol:PTEN", "target": "EVC:0001", "type": "RELEASES", **PROV}],
         "RELEASES cannot start at a Gene"),
        ([], [{"source": "CL:0001064", "target": "EVC:0001", "type": "RELEASES", **PROV}],
         "duplicate RELEASES edge"),
        ([], [{"source": "EVC:0001", "target": "CL:0001064", "type": "TAKES", **PROV}],
         "unknown relationship type 'TAKES'"),
        ([], [{"source": "EVC:0001", "target": "CL:0001064", "type": "TAKEN_UP_BY", **{**PROV, "pmids": []}}],
         "curated TAKEN_UP_BY edge 'EVC:0001' -> 'CL:0001064' cites no PMID"),
        ([], [{"source": "EVC:0001", "target": "CL:0001064", "type": "TAKEN_UP_BY", **{**PROV, "license": None}}],
         "lacks provenance 'license'"),
        ([], [{"source": "EVC:0001", "target": "CL:0001064", "type": "TAKEN_UP_BY",
               **{**PROV, "evidence_level": "anecdote"}}], "'anecdote' is not one of patient_samples"),
    ],
)
def test_each_bad_row_names_its_problem(nodes, edges, message):
    found = reasons(tables(nodes, edges))
    assert any(message in r for r in found), found
    with pytest.raises(ValidationError, match="problem"):
        check(tables(nodes, edges))


def test_origin_column_locates_problems():
    t = tables([{"id": "CL:1", "category": "CellType", "name": "x", "_origin": "my.tsv:7"}])
    assert reasons(t) == ["my.tsv:7: column 'id': 'CL:1' does not match the CellType pattern ^CL:\\d{7}$"]


def test_strongest_evidence():
    assert strongest_evidence(["in_vitro", "in_vivo"]) == "in_vivo"
    assert strongest_evidence(["patient_samples", "in_vitro"]) == "patient_samples"
    assert strongest_evidence([]) == "unspecified"


def test_merge_unites_pmids_and_keeps_provenance_per_source():
    a, b = tables(), tables()
    b.edges.loc[0, "pmids"] = ["456"]
    b.edges.loc[0, "knowledge_source"] = "other"
    b.edges.loc[0, "evidence_level"] = "in_vivo"
    m = merge([a, b])
    row = m.edges[m.edges["type"] == "RELEASES"].iloc[0]
    assert row["pmids"] == ["123", "456"]
    assert row["knowledge_source"] == "evgraph-curated;other"
    assert row["evidence_level"] == "in_vivo"
    assert len(m.nodes) == 4
    assert validate(m) == []


def test_merge_rejects_category_conflict():
    b = tables()
    b.nodes.loc[3, "category"] = "Protein"
    with pytest.raises(ValidationError, match="conflicting categories"):
        merge([tables(), b])
