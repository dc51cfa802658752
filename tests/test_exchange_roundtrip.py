"""The exchange format round-trips random valid tables, and a single corrupted byte in any input file
gives a clean error or a file that is read back as stored, never a traceback (issue #18)."""

from __future__ import annotations

import math
import shutil

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from evgraph.cli import app
from evgraph.exchange import read_csv_tables, read_json, write_json, write_tables
from evgraph.loaders import load_kb
from evgraph.model import to_graph
from evgraph.schema import load_schema
from evgraph.tables import BOUNDED_METRICS, MAX_PMID, RATIO_METRICS, Tables, validate
from tests.conftest import GOOD_ROWS, KB_COLUMNS, TERMS, write_tsv

SCHEMA = load_schema()
runner = CliRunner()

# Characters the writers must quote or that readers have mistaken for line breaks, comments or byte-order
# marks, mixed with any other character UTF-8 can hold (no lone surrogates). NUL and CR are no text
# value's (tables.FORBIDDEN_TEXT).
SPECIAL = ['"', "'", ",", ";", "\t", "\n", "\u2028", "\u2029", "\x85", "\x0c", "\x0b", "\x1c", "\x1d", "\x1e",
           "#", "\\", " ", "\ufeff", "\x01", "\u00e9", "\U0001f600", "\U0001d518", "\U0010fffd"]
CHAR = st.one_of(st.sampled_from(SPECIAL), st.characters(blacklist_categories=("Cs",), blacklist_characters="\0\r"))
TEXT = st.text(CHAR, min_size=1, max_size=20)
NAME = TEXT.filter(str.strip)  # a blank name is a missing name
ITEM = st.text(CHAR.filter(lambda c: c != ";"), min_size=1, max_size=12)  # ';' joins list items
PMIDS = st.lists(st.integers(1, MAX_PMID).map(str), min_size=1, max_size=3, unique=True)


def maybe(strategy):
    return st.one_of(st.none(), strategy)


@st.composite
def valid_tables(draw) -> Tables:
    enums = SCHEMA.enums
    records = [f"EVC:{i:04d}" for i in range(1, draw(st.integers(1, 3)) + 1)]
    nodes = [{"id": "CL:0000057", "category": "CellType", "name": draw(NAME)},
             {"id": "MONDO:0007254", "category": "Cancer", "name": draw(NAME)},
             {"id": "hgnc.symbol:PTEN", "category": "Gene", "name": draw(NAME), "symbol": "PTEN"},
             {"id": "protein:PTEN", "category": "Protein", "name": draw(NAME), "symbol": draw(maybe(TEXT))}]
    for rid in records:
        nodes.append({"id": rid, "category": "CommunicationRecord", "name": draw(NAME),
                      "cargo_type": draw(st.sampled_from(enums["cargo_type"])),
                      "ev_subtype": draw(st.sampled_from(SCHEMA.ev_subtypes)),
                      "species": draw(st.lists(st.sampled_from(SCHEMA.species), min_size=1, unique=True)),
                      "model_system": draw(st.lists(st.sampled_from(SCHEMA.model_systems), min_size=1, unique=True)),
                      "patient_samples": draw(maybe(st.booleans())), "pmids": draw(PMIDS),
                      "claim": draw(maybe(TEXT)), "donor_as_written": draw(maybe(TEXT)),
                      "cargo_as_written": draw(maybe(TEXT)), "recipient_as_written": draw(maybe(TEXT))})
    metric = draw(st.one_of(st.sampled_from(BOUNDED_METRICS + RATIO_METRICS),
                            TEXT.filter(lambda m: m.strip() and m not in BOUNDED_METRICS + RATIO_METRICS)))
    value = (st.floats(0, 1) if metric in BOUNDED_METRICS else
             st.floats(min_value=0, exclude_min=True, allow_infinity=False) if metric in RATIO_METRICS else
             st.floats(allow_nan=False, allow_infinity=False))
    nodes.append({"id": "EVB:0001", "category": "BiomarkerClaim", "name": draw(NAME), "metric": metric,
                  "use": draw(st.sampled_from(enums["use"])), "status": draw(st.sampled_from(enums["status"])),
                  "value": draw(maybe(value)), "cohort_size": draw(maybe(st.integers(1, 2**53))),
                  "pmids": draw(PMIDS), "claim": draw(maybe(TEXT))})

    def prov(source="evgraph-curated"):
        return {"pmids": draw(PMIDS), "knowledge_source": source, "source_version": draw(NAME),
                "license": draw(NAME), "evidence_level": draw(st.sampled_from(SCHEMA.evidence_levels))}

    edges = []
    for rid in records:
        edges += [{"source": "CL:0000057", "target": rid, "type": "RELEASES", **prov()},
                  {"source": rid, "target": "MONDO:0007254", "type": "IN_CONTEXT_OF", **prov()}]
    edges.append({"source": "protein:PTEN", "target": "hgnc.symbol:PTEN", "type": "REGULATES", **prov(),
                  "effect": draw(st.sampled_from(enums["effect"])), "records": records,
                  "experiments": draw(maybe(st.lists(ITEM, min_size=1, max_size=3)))})
    edges.append({"source": "protein:PTEN", "target": "CL:0000057", "type": "DETECTED_IN",
                  **{**prov("exocarta"), "pmids": draw(st.one_of(st.just([]), PMIDS))},
                  "samples": draw(st.lists(ITEM, min_size=1, max_size=3)),
                  "methods": draw(maybe(st.lists(ITEM, min_size=1, max_size=3)))})
    return Tables(pd.DataFrame(nodes), pd.DataFrame(edges), {"kb": {"name": draw(TEXT)}})


def _present(value) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value))


def stored(frame: pd.DataFrame, key: tuple[str, ...]) -> dict:
    """Each row's present cells, by key: what a round trip must keep."""
    return {tuple(r[k] for k in key): {c: v for c, v in r.items() if c != "_origin" and _present(v)}
            for r in frame.to_dict("records")}


def assert_same(a: Tables, b: Tables) -> None:
    assert len(a.nodes) == len(b.nodes) and len(a.edges) == len(b.edges)
    assert stored(a.nodes, ("id",)) == stored(b.nodes, ("id",))
    assert stored(a.edges, ("source", "target", "type")) == stored(b.edges, ("source", "target", "type"))


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow])
@given(t=valid_tables())
def test_valid_tables_round_trip_through_the_exchange_formats(tmp_path_factory, t):
    assert validate(t) == []
    folder = tmp_path_factory.mktemp("csv")
    write_tables(t, folder)
    back = read_csv_tables(folder)
    assert_same(back, t)
    assert back.meta == t.meta
    assert validate(back) == []
    path = write_json(to_graph(t), tmp_path_factory.mktemp("json") / "g.json")
    assert_same(read_json(path), t)


@settings(max_examples=200, deadline=None)
@given(rows=st.lists(st.lists(st.text(CHAR.filter(lambda c: c not in '",\n'), max_size=6), min_size=1, max_size=4),
                     max_size=8), final_newline=st.booleans())
def test_a_file_without_quotes_is_split_as_the_csv_module_splits_it(rows, final_newline):
    import csv
    import io

    from evgraph.exchange import _records

    text = "\n".join(",".join(r) for r in rows) + ("\n" if final_newline and rows else "")
    assert '"' not in text  # the fast path
    expected = [r or [""] for r in csv.reader(io.StringIO(text, newline=""), strict=True)]
    found = list(_records(text, ","))
    assert [r for r, _, _ in found] == expected
    assert [(start, end) for _, start, end in found] == [(i, i) for i in range(1, len(expected) + 1)]


# ---- single-byte corruption -------------------------------------------------------------------------

TERMS_MORE = TERMS + "CL:0000094\tgranulocyte\tcell\n"
REFERENCES = ("pmid\tdoi\tfirst_author\tyear\tjournal\ttitle\n"
              "24735924\t10.1016/j.ccr.2014.03.007\tZhou W\t2014\tCancer Cell\tCancer-secreted miR-105\n"
              "1\t\tA\t2001\tJ\tOne\n2\t\tB\t2002\tJ\tTwo \"quoted\" words\n7\t\tC\t2007\tJ\tSeven\n"
              "8\t\tD\t2008\tJ\tEight\n42\t\tE\t2012\tJ\tForty-two\n")
BIOMARKERS = ("biomarker_id\tcargo_type\tcargo_id\tcargo_as_written\tcancer\tbody_fluid\tuse\tdirection\tmetric\t"
              "value\tcohort_size\tstatus\tpmids\tclaim\n"
              "EVB:0001\tmiRNA\thsa-miR-21-5p;hsa-miR-1246\tpanel\tMONDO:0007254\tUBERON:0001977\tdiagnosis\tup\t"
              "AUC\t0.91\t120\tsupported\t42\tpanel claim\n")
MACHINERY = ("gene\trole\tcancer\tcell_type\tintervention\tphenotypes\tpmids\tclaim\n"
             "RAB27A\tsecretion\tMONDO:0007254\tCL:0001064\tknockdown\tevgraph:metastasis\t7\tfewer metastases\n")
DRUGS = ("drug\tdrug_id\ttarget\ttarget_kind\taction\tpmids\tclaim\n"
         "GW4869\t\tSMPD3\tgene\tinhibitor\t8\tblocks exosome release\n")
KB_YAML = "name: tiny\nversion: '1.0'\nlicense: CC-BY-4.0\n"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """Valid inputs of every kind: a curated folder, a canonical folder and a node-link JSON file."""
    root = tmp_path_factory.mktemp("corpus")
    kb = root / "kb"
    kb.mkdir()
    rows = [{**r, "claim": r["claim"] + " \u2028 with a line separator"} for r in GOOD_ROWS]
    write_tsv(kb / "communications.tsv", KB_COLUMNS, rows)
    for name, text in (("terms.tsv", TERMS_MORE), ("references.tsv", REFERENCES), ("biomarkers.tsv", BIOMARKERS),
                       ("machinery.tsv", MACHINERY), ("drugs.tsv", DRUGS), ("kb.yaml", KB_YAML)):
        (kb / name).write_text(text, "utf-8")
    tables = load_kb(kb)
    write_tables(tables, root / "canon")
    write_json(to_graph(tables), root / "graph.json")
    for source in (kb, root / "canon", root / "graph.json"):
        r = runner.invoke(app, ["validate", str(source)])
        assert r.exit_code == 0, r.output
    return root


FILES = [("kb", f) for f in ("communications.tsv", "terms.tsv", "references.tsv", "biomarkers.tsv", "machinery.tsv",
                             "drugs.tsv", "kb.yaml")] + [("canon", f) for f in ("nodes.csv", "edges.csv", "meta.json")] \
    + [("", "graph.json")]


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow])
@given(data=st.data())
def test_a_corrupted_byte_is_refused_cleanly_or_read_back_as_stored(corpus, tmp_path_factory, data):
    where, name = data.draw(st.sampled_from(FILES), label="file")
    work = tmp_path_factory.mktemp("corrupt")
    if where:
        shutil.copytree(corpus / where, work / where)
        target = work / where
    else:
        shutil.copy(corpus / name, work / name)
        target = work / name
    path = work / where / name if where else target
    raw = path.read_bytes()
    at = data.draw(st.integers(0, len(raw) - 1), label="offset")
    byte = bytes([data.draw(st.integers(0, 255), label="byte")])
    how = data.draw(st.sampled_from(["replace", "insert", "delete"]), label="how")
    raw = raw[:at] + (b"" if how == "delete" else byte) + raw[at + (0 if how == "insert" else 1):]
    path.write_bytes(raw)
    r = runner.invoke(app, ["validate", str(target)])
    assert r.exception is None or isinstance(r.exception, SystemExit), (r.output, r.exception)
    assert r.exit_code in (0, 1) and "Traceback" not in r.output, r.output
    if r.exit_code == 1:
        assert r.output.strip(), "an error says what is wrong"
        return
    tables = load_kb(target)
    write_tables(tables, work / "out")
    assert_same(read_csv_tables(work / "out"), tables)


def test_a_list_item_holding_the_list_separator_is_refused_not_split(tmp_path):
    import pandas as pd

    from evgraph.errors import ValidationError
    from evgraph.exchange import write_tables
    from evgraph.tables import Tables

    nodes = pd.DataFrame([{"id": "EVC:0001", "category": "CommunicationRecord", "name": "r", "cargo_type": "miRNA",
                           "ev_subtype": "exosome", "species": ["human"], "model_system": ["in_vitro"],
                           "pmids": ["1;2"]}])
    with pytest.raises(ValidationError, match="list item '1;2' holds ';'"):
        write_tables(Tables(nodes, pd.DataFrame()), tmp_path / "out")
    assert not (tmp_path / "out" / "nodes.csv").exists()
