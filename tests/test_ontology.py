"""The slim ontology table shipped with evgraph, and cellxgene-ontology-guide for terms outside it."""

from __future__ import annotations

import importlib.util
from importlib import resources
from pathlib import Path

import pytest

from evgraph import ontology
from evgraph.ontology import Term, TermTable, name_key

ROOT = Path(__file__).resolve().parent.parent
KB_TERMS = ROOT / "evgraph" / "data" / "kb" / "terms.tsv"
ROOTS = {"CL": "CL:0000000", "MONDO": "MONDO:0000001", "UBERON": "UBERON:0001062"}
HAS_GUIDE = importlib.util.find_spec("cellxgene_ontology_guide") is not None


def kb_terms() -> list[tuple[str, str]]:
    rows = [line.split("\t") for line in KB_TERMS.read_text("utf-8").splitlines()[1:] if line.strip()]
    return [(r[0], r[1]) for r in rows if r[0].split(":")[0] in ROOTS]


def test_every_kb_term_is_in_the_slim_table_with_its_label_and_ancestors_to_the_root():
    table = ontology.slim()
    terms = kb_terms()
    assert len(terms) >= 70
    for tid, label in terms:
        t = table.get(tid)
        assert t is not None, tid
        assert name_key(label) in {name_key(n) for n in (t.label, *t.synonyms)}, (tid, label, t.label)
        assert ROOTS[t.prefix] in table.ancestors(tid), tid


def test_the_table_is_closed_under_parents_and_records_its_releases():
    table = ontology.slim()
    for t in table.terms.values():
        assert all(p in table for p in t.parents), t.id
    v = ontology.versions()
    assert v["source"].startswith("cellxgene-ontology-guide ")
    for name in ("CL", "MONDO", "UBERON"):
        assert v[name].startswith("v20") and v[name].endswith("(CC BY 4.0)")


def test_the_table_holds_the_subtrees_users_ask_for_and_stays_small():
    table = ontology.slim()
    cancer = table.descendants("MONDO:0004992")
    assert {"MONDO:0005184", "MONDO:0008433", "MONDO:0005494"} <= cancer   # PDAC, SCLC, TNBC
    assert "CL:0000890" in table.descendants("CL:0000235")                 # M2 macrophage under macrophage
    assert "CL:0000625" in table.descendants("CL:0000084")                 # CD8 T cell under T cell
    assert "MONDO:0005233" in table.descendants("MONDO:0008903")           # NSCLC under lung cancer
    assert "MONDO:0018177" in table.descendants("MONDO:0021042")           # glioblastoma under glioma
    size = len(resources.files("evgraph").joinpath("data", "ontology.tsv.gz").read_bytes())
    assert size < 400_000


def test_synonyms_abbreviations_and_curated_names():
    table = ontology.slim()
    assert ("MONDO:0005233", "synonym") in table.by_name("nsclc")
    assert ("MONDO:0018177", "synonym") in table.by_name("GBM")
    assert ("MONDO:0009831", "synonym") in table.by_name("Pancreatic Cancer")
    assert ("MONDO:0005184", "curated name") in table.by_name("PDAC")
    assert table.by_name("no such disease") == []


def test_each_curated_abbreviation_is_written_so_in_the_bundled_kb():
    """The source note of curation/abbreviations.tsv: users (and papers) write these names."""
    rows = [line.split("\t") for line in (ROOT / "curation" / "abbreviations.tsv").read_text("utf-8").splitlines()[1:]]
    kb = "".join((ROOT / "evgraph" / "data" / "kb" / f).read_text("utf-8")
                 for f in ("communications.tsv", "biomarkers.tsv"))
    table = ontology.slim()
    for tid, name, kind, source in rows:
        assert name in table.get(tid).curated_names, (tid, name)
        assert source
        if kind == "abbreviation":
            assert name in kb, name


def test_term_table_hierarchy_on_a_hand_made_dag():
    # a diamond: 4 is under 2 and 3, both under 1
    T = TermTable([Term("X:1", "root"), Term("X:2", "left", parents=("X:1",)), Term("X:3", "right", parents=("X:1",)),
                   Term("X:4", "bottom", ("B",), ("BB",), parents=("X:2", "X:3"))])
    assert T.ancestors("X:4") == {"X:1", "X:2", "X:3"}
    assert T.ancestors("X:1") == frozenset()
    assert T.descendants("X:1") == {"X:2", "X:3", "X:4"}
    assert T.descendants("X:4") == frozenset()
    assert T.by_name("bb") == [("X:4", "curated name")]
    assert T.ancestors("X:404") == frozenset()


def test_name_key_folds_case_hyphens_and_british_spelling():
    assert name_key("Non-small-cell lung cancer") == name_key("non small cell  LUNG cancer")
    assert name_key("Leukaemia") == "leukemia" and name_key("tumour") == "tumor"
    assert name_key(name_key("Oesophageal Tumour")) == name_key("Oesophageal Tumour")


def test_without_the_guide_only_the_slim_table_answers(monkeypatch):
    monkeypatch.setattr(ontology, "_load_guide", lambda: None)
    assert ontology.guide() is None
    assert ontology.term("MONDO:0005233").label == "non-small cell lung carcinoma"
    assert ontology.term("MONDO:0005148") is None          # type 2 diabetes: outside the slim table
    assert ontology.ancestors("MONDO:0005148") == frozenset()
    assert ontology.find("type 2 diabetes mellitus") == []


@pytest.mark.skipif(not HAS_GUIDE, reason="needs the evgraph[ontology] extra")
def test_terms_outside_the_slim_table_come_from_the_guide():
    assert "MONDO:0005148" not in ontology.slim()
    t = ontology.term("MONDO:0005148")
    assert t is not None and "diabetes" in t.label
    assert "MONDO:0000001" in ontology.ancestors("MONDO:0005148")
    assert ("MONDO:0005148", "label") in ontology.find(t.label)
    assert ontology.guide().labels("CVCL")["CVCL_0062"] == "MDA-MB-231"


@pytest.mark.skipif(not HAS_GUIDE, reason="needs the evgraph[ontology] extra")
def test_the_shipped_table_is_what_the_curation_script_writes(tmp_path, monkeypatch):
    """Catches a KB term added to terms.tsv without regenerating the table (python curation/make_ontology.py)."""
    spec = importlib.util.spec_from_file_location("make_ontology", ROOT / "curation" / "make_ontology.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    monkeypatch.setattr(script, "OUT", tmp_path / "ontology.tsv.gz")
    script.main([])
    shipped = resources.files("evgraph").joinpath("data", "ontology.tsv.gz").read_bytes()
    assert (tmp_path / "ontology.tsv.gz").read_bytes() == shipped
