"""Cell lines in EV-database samples: Cellosaurus diseases and cell types, CellLine nodes, counts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from evgraph.cli import app
from evgraph.errors import ValidationError
from evgraph.loaders.build import SourceSpec, build
from evgraph.loaders.cellosaurus import read_cellosaurus
from evgraph.loaders.normalise import UNMAPPED, CellLine, CellLines, SampleMapper
from evgraph.model import to_graph
from evgraph.names import scope
from evgraph.tables import validate
from tests.test_ontology import HAS_GUIDE

FIX = Path(__file__).parent / "fixtures" / "sources"
CELLO = FIX / "cellosaurus" / "cellosaurus.txt"
MALIGNANT = ("CellType", "CL:0001064")
runner = CliRunner()


@pytest.fixture(scope="module")
def lines():
    return read_cellosaurus(CELLO)


def test_the_flat_file_is_read_entry_by_entry(lines):
    assert len(lines) == 8 and lines.version == "55.0" and lines.has_details
    mda = lines.lines["CVCL_0062"]
    assert (mda.name, mda.diseases, mda.category) == ("MDA-MB-231", (("C5214", "Breast adenocarcinoma"),),
                                                      "Cancer cell line")
    assert mda.cell_type == "CL:0002327" and mda.cell_type_name == "Epithelial cell of mammary gland"
    assert lines.lines["CVCL_1906"].problem.startswith("Contaminated. Shown to be a HeLa derivative")
    assert lines.lines["CVCL_2959"].cell_type == "CL:0002618"
    assert lines.find("mdamb231").accession == "CVCL_0062"              # a synonym, any punctuation
    assert lines.find("LN1") is None                                    # the name of two lines


def test_a_malformed_file_names_its_line(tmp_path):
    with pytest.raises(ValidationError, match=r"cellosaurus.txt:6: column 'AC': entry 'NOACC' has no accession"):
        read_cellosaurus(FIX / "malformed" / "cellosaurus.txt")
    empty = tmp_path / "cellosaurus.txt"
    empty.write_text(" Version: 55.0\n", "utf-8")
    with pytest.raises(ValidationError, match="no Cellosaurus entry found"):
        read_cellosaurus(empty)


@pytest.mark.parametrize("sample, terms, reason", [
    # a cancer line: malignant cell and its disease, as a MONDO term when its NCIt name is a MONDO label
    ("Breast cancer cells (MDA-MB-231)", [MALIGNANT, ("Cancer", "MONDO:0004988")], "cell line: its Cellosaurus"),
    ("MDA-MB-231 cells", [MALIGNANT, ("Cancer", "MONDO:0004988")], "cell line: its Cellosaurus"),
    ("Colorectal cancer cells (SW480)", [MALIGNANT, ("Cancer", "MONDO:0002271")], "cell line: its Cellosaurus"),
    # a disease MONDO does not name stays an NCIt code
    ("mouse 4T1 mammary carcinoma cells", [MALIGNANT, ("Cancer", "NCIT:C99999")], "cell line: its Cellosaurus"),
    # another line: the cell type Cellosaurus states
    ("HUVEC-C", [("CellType", "CL:0002618")], "cell line: its Cellosaurus"),
    # nothing reliable: a CellLine node, never a dropped row
    ("HEK293", [("CellLine", "CVCL_0045")], "states no disease or cell type"),
    ("Hep-2 cells", [("CellLine", "CVCL_1906")], "problematic"),
    # not a line: as before
    ("Macrophages", [("CellType", "CL:0000235")], "Cell Ontology or UBERON name"),
    ("pancreatic cancer cell line PANC-1", [MALIGNANT], "cancer cell by name"),
    ("LN1 cells", [], UNMAPPED),                                         # names two lines
])
def test_samples_map_through_their_cell_line(lines, sample, terms, reason):
    found, why = SampleMapper.bundled(cell_lines=lines).map_with_reason(sample)
    assert found == terms and reason in why


def test_line_names_alone_give_cellline_nodes_and_the_words_still_map():
    names_only = CellLines([CellLine("CVCL_0045", "HEK293"), CellLine("CVCL_0062", "MDA-MB-231")],
                           source="cellxgene-ontology-guide")
    m = SampleMapper.bundled(cell_lines=names_only)
    assert m.map_with_reason("HEK293") == ([("CellLine", "CVCL_0045")], "cell line kept as CellLine (name only: give "
                                           "cellosaurus.txt for its disease and cell type)")
    assert m.map("Breast cancer cells (MDA-MB-231)") == [MALIGNANT, ("Cancer", "MONDO:0007254")]
    assert m.names["CVCL_0045"] == "HEK293"
    assert SampleMapper.bundled().map("HEK293") == []                   # no cell lines at all: unmapped


@pytest.fixture(scope="module")
def built():
    return build([SourceSpec(n, [FIX / n]) for n in ("cellosaurus", "exocarta", "vesiclepedia")])


def test_a_build_with_cellosaurus_maps_lines_and_counts_how(built):
    tables, summary = built
    assert validate(tables) == []
    nodes = tables.nodes.set_index("id")
    assert nodes.loc["CVCL_0045", ["category", "name"]].tolist() == ["CellLine", "HEK293"]
    assert nodes.loc["MONDO:0004988", ["category", "name"]].tolist() == ["Cancer", "breast adenocarcinoma"]
    det = tables.edges.loc[tables.edges["type"] == "DETECTED_IN"].set_index(["source", "target"])
    assert ("protein:MET", "CVCL_0045") in det.index                    # kept, not dropped
    assert det.loc[("protein:MET", "CVCL_0045"), "samples"] == ["HEK293"]
    per = {s["source"]: s for s in summary.per_source}
    assert per["cellosaurus"] == {"source": "cellosaurus", "version": "55.0", "kind": "identifier mapping",
                                  "entries": 8}
    notes = per["exocarta"]["notes"]
    assert notes["experiments whose sample mapped by cell line: its Cellosaurus disease and cell type"] == 1
    assert notes["experiments whose sample mapped by cell line kept as CellLine (its Cellosaurus entry states no "
                 "disease or cell type)"] == 1
    assert notes["experiments whose sample mapped by Cell Ontology or UBERON name"] == 2
    assert "sample (no unambiguous Cell Ontology / UBERON / MONDO term or cell line)" not in per["exocarta"]["unmapped"]


def test_a_line_disease_is_under_the_cancer_users_ask_for(built):
    G = to_graph(built[0])
    assert "MONDO:0004988" in scope(G, "breast cancer", category="Cancer").ids
    assert "MONDO:0002271" in scope(G, "colorectal cancer", category="Cancer").ids


@pytest.mark.skipif(not HAS_GUIDE, reason="needs the evgraph[ontology] extra")
def test_without_cellosaurus_the_guide_names_still_give_cellline_nodes():
    tables, summary = build([SourceSpec("exocarta", [FIX / "exocarta"])])
    assert "CVCL_0045" in set(tables.nodes["id"])
    guide = next(s for s in summary.per_source if s["source"] == "cellosaurus names (cellxgene-ontology-guide)")
    assert guide["entries"] > 100_000 and guide["kind"] == "identifier mapping"


def test_build_command_with_cellosaurus_then_terms(tmp_path):
    out = tmp_path / "g"
    r = runner.invoke(app, ["build", "--out", str(out), "--source", f"cellosaurus={CELLO}",
                            "--source", f"exocarta={FIX / 'exocarta'}"])
    assert r.exit_code == 0, r.output
    assert "cellosaurus" in r.stdout and "8 names" in r.stdout
    summary = json.loads((out / "build-summary.json").read_text())
    assert any(s["source"] == "cellosaurus" for s in summary["sources"])
    terms = runner.invoke(app, ["terms", "--kb", str(out), "-c", "CellLine", "-f", "json"])
    assert terms.exit_code == 0, terms.output
    assert [(t["id"], t["name"], t["detections"]) for t in json.loads(terms.stdout)] == [("CVCL_0045", "HEK293", 1)]
    src = runner.invoke(app, ["sources", "--format", "json"])
    row = next(s for s in json.loads(src.stdout) if s["name"] == "cellosaurus")
    assert row["license"] == "CC-BY-4.0" and row["kind"] == "mapping"
