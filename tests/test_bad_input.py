"""Bad input (issue #18): each class gets a clear error naming file, line and column, or the value
and the valid choices, and never a traceback; input that is legitimate is accepted, and what is
stored equals what was read."""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from evgraph.cli import app
from evgraph.errors import ValidationError
from evgraph.exchange import read_csv_tables, read_json, write_csv, write_json, write_tables
from evgraph.loaders import load_curated, load_kb
from evgraph.loaders.build import SourceSpec, build
from evgraph.model import to_graph
from evgraph.tables import Tables, validate
from tests.conftest import GOOD_ROWS, KB_COLUMNS, TERMS, write_tsv

FIX = Path(__file__).parent / "fixtures" / "sources"
runner = CliRunner()


def run(*args):
    """An evgraph command that must end with exit 0 or a clean exit 1, never a traceback."""
    r = runner.invoke(app, [str(a) for a in args])
    assert r.exception is None or isinstance(r.exception, SystemExit), r.output
    assert "Traceback" not in r.output
    return r


def refused(path, *messages):
    r = run("validate", path)
    assert r.exit_code == 1, r.output
    for m in messages:
        assert m in r.output, (m, r.output)
    return r.output


def problems_of(folder):
    with pytest.raises(ValidationError) as err:
        load_curated(folder)
    return [str(p) for p in err.value.problems]


@pytest.fixture
def canonical(tmp_path, make_kb):
    """A canonical folder (nodes.csv, edges.csv, meta.json) of the tiny knowledge base."""
    folder = tmp_path / "canon"
    write_tables(load_curated(make_kb()), folder)
    return folder


def with_lines(path: Path, edit) -> Path:
    lines = path.read_text("utf-8").split("\n")
    edit(lines)
    path.write_text("\n".join(lines), "utf-8")
    return path


# ---- kb.yaml ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, message", [
    ("- name\n- version\n", "kb.yaml:1: must be a mapping of name, version, license, curated_on (key: value "
                            "lines), found a list"),
    ("just a sentence\n", "kb.yaml:1: must be a mapping of name, version, license, curated_on (key: value "
                          "lines), found the single value 'just a sentence'"),
    ("name: [a, b]\n", "kb.yaml:1: column 'name': must be a single value, found a list"),
    ("version: '1'\nversion: '2'\n", "kb.yaml:2: column 'version': given twice (first at line 1)"),
    ("version: ''\n", "kb.yaml:1: column 'version': is empty"),
    ("name: x\nversion: [1\n", "kb.yaml:3: invalid YAML"),
])
def test_kb_yaml_that_is_not_a_mapping_of_values(make_kb, text, message):
    folder = make_kb(files={"kb.yaml": text})
    refused(folder, message)


def test_kb_yaml_values_are_read_as_written(make_kb):
    # unquoted, 2026.10 is the number 2026.1 to YAML; the version written is kept
    t = load_curated(make_kb(files={"kb.yaml": "name: mine\nversion: 2026.10\ncurated_on: 2026-12-02\n"}))
    assert t.meta["kb"]["version"] == "2026.10" and t.meta["kb"]["curated_on"] == "2026-12-02"
    assert set(t.edges["source_version"]) == {"2026.10"}


# ---- meta.json and node-link JSON -----------------------------------------------------------------

@pytest.mark.parametrize("text, message", [
    ('{"kb": ', "meta.json:1: invalid JSON: Expecting value (column 8)"),
    ("[1, 2]", "meta.json:1: must hold a JSON object (name: value pairs), found a list"),
    ('"text"', "meta.json:1: must hold a JSON object (name: value pairs), found a string"),
])
def test_meta_json_invalid_or_not_an_object(canonical, text, message):
    (canonical / "meta.json").write_text(text, "utf-8")
    refused(canonical, str(canonical / "meta.json") + message.removeprefix("meta.json"))


GOOD_NODE = {"id": "CL:0000057", "category": "CellType", "name": "fibroblast"}


@pytest.mark.parametrize("data, message", [
    ([1, 2], "not a node-link JSON graph: expected an object with 'nodes' and 'edges', found a list"),
    ({"nodes": {}, "edges": []}, "'nodes' must be a list, found an object"),
    ({"nodes": [GOOD_NODE], "links": [{"source": "CL:0000057", "target": "EVC:0001", "type": "RELEASES"}]},
     "edges[0]: target 'EVC:0001' is not in 'nodes'"),  # edges under networkx's older 'links' key are read
    ({"nodes": []}, "no 'edges' key"),
    ({"directed": False, "nodes": [], "edges": []}, "'directed' is false; evgraph graphs are directed multigraphs"),
    ({"nodes": ["CL:0000057"], "edges": []}, "nodes[0] is a string, not an object"),
    ({"nodes": [{"name": "x"}], "edges": []}, "nodes[0] lacks 'id' as text"),
    ({"nodes": [{**GOOD_NODE, "name": {"en": "fibroblast"}}], "edges": []}, "nodes[0]: 'name' must be text"),
    ({"nodes": [{**GOOD_NODE, "symbol": [["x"]]}], "edges": []}, "nodes[0]: property 'symbol' holds a list of "
                                                                  "lists or objects"),
    ({"nodes": [GOOD_NODE, GOOD_NODE], "edges": []}, "nodes[1] repeats the id 'CL:0000057' of nodes[0]"),
    ({"nodes": [GOOD_NODE], "edges": [{"source": "CL:0000057", "target": "EVC:0001", "type": "RELEASES"}]},
     "edges[0]: target 'EVC:0001' is not in 'nodes'"),
    ({"nodes": [GOOD_NODE], "edges": [{"source": "CL:0000057", "target": "CL:0000057"}]},
     "edges[0]: 'type' must be text"),
])
def test_node_link_json_of_the_wrong_shape_names_the_file(tmp_path, data, message):
    path = tmp_path / "graph.json"
    path.write_text(json.dumps(data), "utf-8")
    out = refused(path, f"{path}: ", message)
    assert out.count(str(path)) >= 1


def test_node_link_json_problems_name_the_file(tmp_path):
    path = tmp_path / "graph.json"
    path.write_text(json.dumps({"nodes": [{**GOOD_NODE, "id": "CL:57"}], "edges": []}), "utf-8")
    refused(path, f"{path}: column 'id': 'CL:57' does not match the CellType pattern")
    path.write_text('{"nodes": [', "utf-8")
    refused(path, f"{path}:1: invalid JSON")


def test_node_link_json_holding_a_nul_names_the_node(tmp_path, make_kb):
    G = to_graph(load_curated(make_kb()))
    G.nodes["EVC:0001"]["claim"] = "miR-105\0 targets ZO-1."
    path = write_json(G, tmp_path / "g.json")
    refused(path, f"{path}: column 'claim': node 'EVC:0001': the text holds a NUL character")


# ---- one reader policy for tabular files ------------------------------------------------------------

def test_duplicate_column_names_are_refused(make_kb, canonical):
    folder = make_kb()
    path = folder / "communications.tsv"
    write_tsv(path, KB_COLUMNS + ("claim",), [{**r} for r in GOOD_ROWS])
    found = problems_of(folder)
    assert any(f"{path}:1: column 'claim': the header names this column twice (cells 17 and 20)" in p
               for p in found), found
    nodes = canonical / "nodes.csv"
    width = nodes.read_text("utf-8").split("\n")[0].count(",") + 1
    with_lines(nodes, lambda lines: lines.__setitem__(0, lines[0] + ",name"))
    with_lines(nodes, lambda lines: [lines.__setitem__(i, lines[i] + ",x") for i in range(1, len(lines) - 1)])
    refused(canonical, f"{nodes}:1: column 'name': the header names this column twice (cells 3 and {width + 1})")


def test_a_row_starting_with_a_hash_is_data(make_kb):
    rows = copy.deepcopy(GOOD_ROWS) + [{**GOOD_ROWS[0], "record_id": "#EVC:0003", "pmids": "5"}]
    found = problems_of(make_kb(rows))
    assert any("communications.tsv:4: column 'record_id': '#EVC:0003' is not an id like EVC:0001" in p
               for p in found), found
    # an id that happens to start with '#' where ids are free is read and kept
    rows[2]["record_id"] = "EVC:0003"
    rows[2]["claim"] = "# not a comment"
    t = load_curated(make_kb(rows, name="kept"))
    assert t.nodes.set_index("id").loc["EVC:0003", "claim"] == "# not a comment"


def test_unbalanced_quote_that_never_closes(canonical):
    nodes = canonical / "nodes.csv"
    lines = nodes.read_text("utf-8").split("\n")
    lines.insert(-1, 'CL:0000099,CellType,"a quote without its pair' + "," * (lines[0].count(",") - 2))
    nodes.write_text("\n".join(lines), "utf-8")
    refused(canonical, f"{nodes}:{len(lines) - 1}: a double quote opens a quoted cell here that never closes (an "
                       "unbalanced quote)")


def test_unbalanced_quote_that_swallows_lines(canonical, make_kb):
    # the quote opened in a name closes at the start of a quoted claim further down: a strict reader
    # sees a closing quote followed by text; pandas read on, and lines vanished
    nodes = canonical / "nodes.csv"
    lines = nodes.read_text("utf-8").split("\n")
    record = next(i for i, line in enumerate(lines) if line.startswith("EVC:0002"))
    lines[2] = lines[2].replace(",", ',"fibro', 2).replace(',"fibro', ",", 1)
    nodes.write_text("\n".join(lines), "utf-8")
    assert '"made-up' not in lines[record]  # the claim is unquoted in the file...
    lines[record] = lines[record].replace("made-up row for tests", '"made-up"" row" for tests')
    nodes.write_text("\n".join(lines), "utf-8")
    refused(canonical, f"{nodes}:{record + 1}: a quoted cell must end with a double quote followed by a comma or "
                       f"the line end (the quoted cell opened at line 3)")


def test_quoted_cell_over_several_lines_is_kept_and_lines_stay_right(tmp_path, make_kb):
    t = load_curated(make_kb())
    i = t.nodes.index[t.nodes["id"] == "EVC:0001"][0]
    t.nodes.loc[i, "claim"] = 'first line\nsecond, "quoted" line'
    folder = tmp_path / "multi"
    write_tables(t, folder)
    back = read_csv_tables(folder)
    assert back.nodes.set_index("id").loc["EVC:0001", "claim"] == 'first line\nsecond, "quoted" line'
    # a problem after the multi-line cell names its own physical line
    nodes = folder / "nodes.csv"
    lines = nodes.read_text("utf-8").split("\n")
    last = len(lines) - 2
    lines[last] = "CL:57" + lines[last][lines[last].index(","):]
    nodes.write_text("\n".join(lines), "utf-8")
    refused(folder, f"{nodes}:{last + 1}: column 'id': 'CL:57' does not match the")


def test_short_and_long_rows_in_canonical_csv(canonical):
    edges = canonical / "edges.csv"
    width = edges.read_text("utf-8").split("\n")[0].count(",") + 1
    with_lines(edges, lambda lines: lines.__setitem__(2, ",".join(lines[2].split(",")[:4])))
    with_lines(edges, lambda lines: lines.__setitem__(4, lines[4] + ",x"))
    refused(canonical, f"{edges}:3: expected {width} comma-separated cells, found 4",
            f"{edges}:5: expected {width} comma-separated cells, found {width + 1}")


@pytest.mark.parametrize("file", ["communications.tsv", "nodes.csv"])
def test_latin1_names_line_and_byte_offset(make_kb, canonical, file):
    folder = make_kb() if file.endswith(".tsv") else canonical
    path = folder / file
    lines = path.read_text("utf-8").split("\n")
    lines[2] = lines[2].replace("fibro", "fibr\u00e9") if "fibro" in lines[2] else lines[2] + "\u00e9"
    data = "\n".join(lines).encode("latin-1")
    path.write_bytes(data)
    offset = data.index(b"\xe9")
    column = offset - data.rindex(b"\n", 0, offset)
    refused(folder, f"{path}:3: not UTF-8 text: byte 0xe9 at byte offset {offset} (column {column} of the line)",
            "save it as UTF-8")


def test_utf8_bom_is_accepted(make_kb, canonical):
    folder = make_kb()
    path = folder / "communications.tsv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert validate(load_curated(folder)) == []
    assert "EVC:0001" in set(load_curated(folder).nodes["id"])
    nodes = canonical / "nodes.csv"
    before = read_csv_tables(canonical).nodes.drop(columns="_origin")
    nodes.write_bytes(b"\xef\xbb\xbf" + nodes.read_bytes())
    pd.testing.assert_frame_equal(read_csv_tables(canonical).nodes.drop(columns="_origin"), before)
    assert run("validate", canonical).exit_code == 0


def test_utf16_is_named(canonical):
    nodes = canonical / "nodes.csv"
    nodes.write_bytes(nodes.read_text("utf-8").encode("utf-16"))
    refused(canonical, f"{nodes}:1: UTF-16 text (it starts with a UTF-16 byte-order mark); save it as UTF-8")
    nodes.write_bytes(nodes.read_text("utf-16").encode("utf-16-le"))  # no byte-order mark
    refused(canonical, f"{nodes}:1: NUL characters in the header: a binary file, or UTF-16 text?")


LINE_BREAKS = "\u2028\u2029\x85\x0c\x0b\x1c\x1d\x1e"


def test_line_separators_stay_inside_a_claim_and_round_trip(make_kb, tmp_path):
    claim = f"miR-105{LINE_BREAKS}targets ZO-1.{LINE_BREAKS}"
    rows = copy.deepcopy(GOOD_ROWS)
    rows[0]["claim"] = claim
    rows[1]["claim"] = "\x0cstarts with a form feed"
    t = load_curated(make_kb(rows))
    stored = t.nodes.set_index("id")["claim"]
    assert stored["EVC:0001"] == claim and stored["EVC:0002"] == "\x0cstarts with a form feed"
    write_tables(t, tmp_path / "tables")
    assert read_csv_tables(tmp_path / "tables").nodes.set_index("id")["claim"]["EVC:0001"] == claim
    G = to_graph(t)
    write_csv(G, tmp_path / "export")
    assert read_csv_tables(tmp_path / "export").nodes.set_index("id")["claim"]["EVC:0001"] == claim
    assert pd.read_csv(tmp_path / "export" / "communications.csv", dtype=str).set_index("id")["claim"][
        "EVC:0001"] == claim
    write_json(G, tmp_path / "g.json")
    assert read_json(tmp_path / "g.json").nodes.set_index("id")["claim"]["EVC:0001"] == claim


def test_carriage_returns(make_kb):
    folder = make_kb()
    path = folder / "communications.tsv"
    crlf = path.read_bytes().replace(b"\n", b"\r\n")
    path.write_bytes(crlf)
    assert load_curated(folder).nodes.set_index("id")["claim"]["EVC:0001"] == "miR-105 targets ZO-1."
    path.write_bytes(crlf.replace(b"ZO-1.", b"ZO-1.\rand more"))
    found = problems_of(folder)
    assert any(f"{path}:2: carriage return (CR) at column" in p and "lines end with LF or CRLF" in p
               for p in found), found


def test_nul_in_a_claim_is_refused_with_file_line_and_column(make_kb, tmp_path):
    rows = copy.deepcopy(GOOD_ROWS)
    rows[1]["claim"] = "made-up\0row"
    folder = make_kb(rows)
    message = f"{folder / 'communications.tsv'}:3: column 'claim': the cell holds a NUL character"
    refused(folder, message)
    # db load refuses it before any database is touched (and names where it is)
    r = run("db", "load", "--kb", folder, "--embedded", tmp_path / "db")
    assert r.exit_code == 1 and message in r.output
    assert not (tmp_path / "db").exists()


def test_booleans_in_canonical_csv_are_true_or_false(canonical):
    nodes = canonical / "nodes.csv"
    header = nodes.read_text("utf-8").split("\n")[0].split(",")
    col = header.index("patient_samples")

    def edit(lines):
        i = next(n for n, line in enumerate(lines) if line.startswith("EVC:0001"))
        cells = lines[i].split(",")
        assert cells[col] == "False"
        cells[col] = "maybe"
        lines[i] = ",".join(cells)

    with_lines(nodes, edit)
    refused(canonical, "column 'patient_samples': 'maybe' is not true or false")


# ---- terms.tsv and references.tsv -------------------------------------------------------------------

def test_term_redefined_as_another_kind_is_reported_at_its_own_line(make_kb):
    from evgraph.loaders.curated import bundled_path

    terms = TERMS.replace("CL:0000057\tfibroblast\tcell", "CL:0000057\tfibroblast\tcancer")
    folder = make_kb(terms=terms)
    found = problems_of(folder)
    bundled = bundled_path() / "terms.tsv"
    line = next(i for i, text in enumerate(bundled.read_text().split("\n"), start=1) if text.startswith("CL:0000057"))
    assert f"{folder / 'terms.tsv'}:3: column 'kind': 'CL:0000057' is a cell term at {bundled}:{line}; it cannot be " \
           "redefined as a cancer" in found
    assert sum("CL:0000057" in p for p in found) == 1, found  # not again through each use


def test_a_term_defined_twice_in_one_file(make_kb):
    folder = make_kb(terms=TERMS + "CL:0000057\tfibroblasts\tcell\n")
    found = problems_of(folder)
    assert f"{folder / 'terms.tsv'}:12: column 'id': term 'CL:0000057' is defined again (first at line 3); a " \
           "terms file defines each term once" in found


REF_HEADER = "pmid\tdoi\tfirst_author\tyear\tjournal\ttitle\n"
REF_OK = "24735924\t10.1016/j.ccr.2014.03.007\tZhou W\t2014\tCancer Cell\tCancer-secreted miR-105\n"


@pytest.mark.parametrize("rows, message", [
    ("0\t\ta\t2014\tj\tt\n", "references.tsv:3: column 'pmid': PMID '0' is not a positive whole number"),
    ("123456789012\t\ta\t2014\tj\tt\n", "references.tsv:3: column 'pmid': PMID '123456789012' is larger than "
                                        "any PubMed id"),
    ("PMC123\t\ta\t2014\tj\tt\n", "references.tsv:3: column 'pmid': PMID 'PMC123' is not a positive whole number"),
    ("2\u00b2\t\ta\t2014\tj\tt\n", "references.tsv:3: column 'pmid': PMID '2\u00b2' is not a positive whole number"),
    ("\thttps://doi.org/10.1/x\ta\t2014\tj\tt\n", "references.tsv:3: column 'doi': 'https://doi.org/10.1/x' is not "
                                                  "a DOI like 10.1000/xyz123"),
    ("\t\ta\t2014\tj\tt\n", "references.tsv:3: column 'pmid': a reference needs a PMID or, in 'doi', a DOI"),
    ("24735924\t\tZhou W\t2015\tCancer Cell\tanother title\n",
     "references.tsv:3: column 'pmid': PMID '24735924' is listed again with other details (first at line 2); "
     "one row per paper"),
    (REF_OK, "references.tsv:3: column 'pmid': PMID '24735924' is listed again (first at line 2)"),
    ("\t10.1016/J.CCR.2014.03.007\ta\t2014\tj\tt\n",
     "references.tsv:3: column 'doi': DOI '10.1016/J.CCR.2014.03.007' is listed again with other details"),
])
def test_references_are_checked(make_kb, rows, message):
    folder = make_kb(files={"references.tsv": REF_HEADER + REF_OK + rows})
    found = problems_of(folder)
    assert any(message in p for p in found), found
    refused(folder, message)


# ---- semantic checks on canonical tables --------------------------------------------------------------

PROV = {"pmids": ["123"], "knowledge_source": "evgraph-curated", "source_version": "1",
        "license": "CC-BY-4.0", "evidence_level": "in_vitro"}


def pathways(edges):
    nodes = [{"id": f"REACT:R-HSA-{i}", "category": "Pathway", "name": f"p{i}"} for i in range(1, 5)]
    rows = [{"source": f"REACT:R-HSA-{s}", "target": f"REACT:R-HSA-{t}", "type": "PART_OF", **PROV,
             "_origin": f"edges.csv:{n}"} for n, (s, t) in enumerate(edges, start=2)]
    return Tables(pd.DataFrame(nodes), pd.DataFrame(rows))


def test_part_of_self_loops_and_cycles_are_refused():
    assert validate(pathways([(1, 2), (2, 3), (4, 3)])) == []
    found = [str(p) for p in validate(pathways([(1, 1), (1, 2), (2, 3), (3, 1), (4, 3)]))]
    assert found == [
        "edges.csv:2: column 'target': PART_OF edge 'REACT:R-HSA-1' -> 'REACT:R-HSA-1' points at itself; a "
        "hierarchy has no self-loops",
        "edges.csv:3: column 'target': PART_OF edges form a cycle 'REACT:R-HSA-1' -> 'REACT:R-HSA-2' -> "
        "'REACT:R-HSA-3' -> 'REACT:R-HSA-1'; a hierarchy has none",
    ]


def test_part_of_cycle_from_a_reactome_file_fails_the_build(tmp_path):
    folder = tmp_path / "reactome"
    shutil.copytree(FIX / "reactome", folder)
    rel = folder / "ReactomePathwaysRelation.txt"
    first = rel.read_text().split("\n")[0].split("\t")
    rel.write_text(rel.read_text() + f"{first[1]}\t{first[0]}\n")  # the child is also the parent
    with pytest.raises(ValidationError, match="PART_OF edges form a cycle"):
        build([SourceSpec("hgnc", [FIX / "hgnc"]), SourceSpec("reactome", [folder])], curated=())


def test_part_of_cycle_in_a_canonical_folder(tmp_path):
    write_tables(pathways([(1, 2), (2, 1)]), tmp_path / "g")
    refused(tmp_path / "g", f"{tmp_path / 'g' / 'edges.csv'}:2: column 'target': PART_OF edges form a cycle")


def biomarker_tables(**props):
    nodes = [{"id": "EVB:0001", "category": "BiomarkerClaim", "name": "c", "use": "diagnosis", "direction": "up",
              "status": "supported", "metric": "AUC", "value": 0.9, "cohort_size": 10, "pmids": ["1"],
              "_origin": "nodes.csv:2", **props}]
    return Tables(pd.DataFrame(nodes), pd.DataFrame())


@pytest.mark.parametrize("props, message", [
    ({"value": 1.5}, "nodes.csv:2: column 'value': claim 'EVB:0001': a AUC lies between 0 and 1, got 1.5"),
    ({"metric": "sensitivity", "value": -0.1}, "a sensitivity lies between 0 and 1, got -0.1"),
    ({"metric": "HR", "value": 0.0}, "column 'value': claim 'EVB:0001': a HR is a positive ratio, got 0"),
    ({"value": float("inf")}, "column 'value': expected a finite number, got inf"),
    ({"cohort_size": 0}, "column 'cohort_size': claim 'EVB:0001': a cohort has at least one person, got 0"),
    ({"pmids": ["123456789012"]}, "column 'pmids': PMID '123456789012' is larger than any PubMed id"),
    ({"pmids": ["0123"]}, "column 'pmids': PMIDs must be positive whole numbers, got '0123'"),
])
def test_biomarker_values_in_canonical_tables(props, message):
    assert validate(biomarker_tables()) == []
    found = [str(p) for p in validate(biomarker_tables(**props))]
    assert any(message in p for p in found), found


def test_biomarker_values_in_a_canonical_folder(tmp_path):
    write_tables(biomarker_tables(value=float("inf")), tmp_path / "g")
    refused(tmp_path / "g", f"{tmp_path / 'g' / 'nodes.csv'}:2: column 'value': expected a finite number, got inf")


BIOMARKERS = ("biomarker_id\tcargo_type\tcargo_id\tcargo_as_written\tcancer\tbody_fluid\tuse\tdirection\tmetric\t"
              "value\tcohort_size\tstatus\tpmids\tclaim\n"
              "EVB:0001\tmiRNA\thsa-miR-21-5p\tx\tMONDO:0007254\tUBERON:0001977\tdiagnosis\tup\t{metric}\t{value}\t"
              "{cohort}\tsupported\t1\tc\n")


@pytest.mark.parametrize("metric, value, cohort, message", [
    ("AUC", "nan", "10", "column 'value': 'nan' is not a finite number"),
    ("AUC", "inf", "10", "column 'value': 'inf' is not a finite number"),
    ("AUC", "-Infinity", "10", "column 'value': '-Infinity' is not a finite number"),
    ("AUC", "1.2", "10", "column 'value': a AUC lies between 0 and 1, got 1.2"),
    ("specificity", "-0.5", "10", "column 'value': a specificity lies between 0 and 1, got -0.5"),
    ("HR", "-1", "10", "column 'value': a HR is a positive ratio, got -1.0"),
    ("OR", "0", "10", "column 'value': a OR is a positive ratio, got 0.0"),
    ("AUC", "0.8", "0", "column 'cohort_size': a cohort has at least one person, got 0"),
    ("AUC", "0.8", "-5", "column 'cohort_size': a cohort has at least one person, got -5"),
])
def test_curated_biomarker_values(make_kb, metric, value, cohort, message):
    text = BIOMARKERS.format(metric=metric, value=value, cohort=cohort)
    found = problems_of(make_kb(files={"biomarkers.tsv": text}))
    assert any(message in p and "biomarkers.tsv:2" in p for p in found), found


def test_undeclared_properties_are_refused(tmp_path, make_kb, canonical):
    # a misspelt property would be stored under its typo, and could not come back with its type
    import networkx as nx

    data = nx.node_link_data(to_graph(load_curated(make_kb())), edges="edges")
    edge = next(e for e in data["edges"] if e["type"] == "REGULATES")
    edge["recipient_clls"] = edge.pop("recipient_cells")
    path = tmp_path / "typo.json"
    path.write_text(json.dumps(data), "utf-8")
    refused(path, f"{path}: column 'recipient_clls': unknown property 'recipient_clls' of the REGULATES edge "
                  f"{edge['source']!r} -> {edge['target']!r}; its properties: effect, records, recipient_cells")
    nodes = canonical / "nodes.csv"
    with_lines(nodes, lambda lines: [lines.__setitem__(i, lines[i] + ("," if i else ",notes"))
                                     for i in range(len(lines) - 1)])
    assert run("validate", canonical).exit_code == 0  # an empty column holds nothing
    with_lines(nodes, lambda lines: lines.__setitem__(1, lines[1] + "my note"))
    refused(canonical, f"{nodes}:2: column 'notes': unknown property 'notes' of the CellType node 'CL:0001064'; "
                       "its properties: name")
