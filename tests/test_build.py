"""``evgraph build`` and ``evgraph sources``: merging public sources with the curated knowledge base."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from evgraph.cli import app
from evgraph.errors import ValidationError
from evgraph.exchange import read_csv_tables
from evgraph.loaders.build import SourceSpec, build, parse_option_arg
from evgraph.tables import validate

FIX = Path(__file__).parent / "fixtures" / "sources"
ALL = ["hgnc", "mirbase", "exocarta", "vesiclepedia", "mirtarbase", "targetscan", "reactome", "gmt", "string"]
runner = CliRunner()


def specs(*names):
    return [SourceSpec(n, [FIX / n]) for n in names]


@pytest.fixture(scope="module")
def built():
    return build(specs(*ALL))


def test_build_merges_sources_with_the_curated_kb(built, bundled_tables):
    tables, summary = built
    assert validate(tables) == []
    e = tables.edges.set_index(["source", "target", "type"])
    # the curated miR-105 -> TJP1 edge and miRTarBase's interaction are one edge, evidence merged
    row = e.loc[("hsa-miR-105-5p", "hgnc.symbol:TJP1", "REGULATES")]
    assert row["records"] == ["EVC:0001"] and row["interaction_ids"] == ["MIRT900001"]
    assert row["support"] == "strong" and row["pmids"] == ["24735924"]
    assert row["knowledge_source"] == "evgraph-curated;mirtarbase"
    assert row["license"].split(";")[1].startswith("miRTarBase licence")
    # detections from two EV databases merge; provenance stays aligned per source
    det = e.loc[("protein:TGFB1", "CL:0001064", "DETECTED_IN")]
    assert det["experiments"] == ["exocarta:1", "vesiclepedia:101"]
    assert det["knowledge_source"] == "exocarta;vesiclepedia" and det["source_version"] == "5;5.1"
    # every curated node and edge survives
    assert set(bundled_tables.nodes["id"]) <= set(tables.nodes["id"])
    assert len(tables.nodes) == tables.nodes["id"].nunique()
    per = {s["source"]: s for s in summary.per_source}
    assert per["hgnc"]["entries"] == 12 and per["mirbase"]["entries"] == 3
    assert per["string"]["edges_added"] == 3


def test_miRTarBase_edges_merged_with_curated_ones_are_counted(built, bundled_tables):
    tables, summary = built
    curated = set(zip(bundled_tables.edges["source"], bundled_tables.edges["target"], bundled_tables.edges["type"]))
    per = {s["source"]: s for s in summary.per_source}
    mine = {("hsa-miR-20a-5p", "hgnc.symbol:HIF1A"), ("hsa-miR-105-5p", "hgnc.symbol:TJP1"),
            ("hsa-miR-222-3p", "hgnc.symbol:PTEN"), ("hsa-miR-21-5p", "hgnc.symbol:PDCD4")}
    expected = sum((s, t, "REGULATES") in curated for s, t in mine)
    assert per["mirtarbase"]["edges_merged"] == expected
    assert per["mirtarbase"]["edges_added"] == 4 - expected


def test_build_rejects_bad_files_before_loading(tmp_path):
    with pytest.raises(ValidationError) as err:
        build([SourceSpec("reactome", [tmp_path]), SourceSpec("string", [tmp_path / "missing"])])
    text = str(err.value)
    assert "reactome needs a pathways file" in text and "no such file or folder (source string)" in text


def test_option_parsing():
    assert parse_option_arg("string.min_score=900") == ("string", "min_score", 900)
    with pytest.raises(Exception, match="unknown option of source 'string' 'cutoff'"):
        parse_option_arg("string.cutoff=1")


def test_sources_command_lists_licence_citation_files_and_download():
    res = runner.invoke(app, ["sources", "--format", "json"])
    assert res.exit_code == 0
    rows = {r["name"]: r for r in json.loads(res.stdout)}
    assert rows["reactome"]["license"] == "CC0-1.0"
    assert "ReactomePathwaysRelation.txt" in rows["reactome"]["files"][1]["patterns"]
    assert rows["string"]["options"][0] == {"name": "min_score", "type": "int", "default": 700,
                                            "help": rows["string"]["options"][0]["help"]}
    table = runner.invoke(app, ["sources"])
    assert table.exit_code == 0 and "mirtarbase" in table.stdout and "Huang HY" in table.stdout


def test_build_command_then_rank_and_info_on_the_built_graph(tmp_path):
    out = tmp_path / "graph"
    args = ["build", "--out", str(out), "--option", "string.min_score=700"]
    for name in ("exocarta", "mirtarbase", "reactome", "string", "hgnc"):
        args += ["--source", f"{name}={FIX / name}"]
    res = runner.invoke(app, args)
    assert res.exit_code == 0, res.output
    assert "mirtarbase" in res.stdout and "edges merged" in res.stdout
    assert "exocarta: 1 unmapped miRNA name (1 rows), e.g. miR-21*" in res.stderr
    summary = json.loads((out / "build-summary.json").read_text())
    assert {s["source"] for s in summary["sources"]} >= {"exocarta", "mirtarbase", "reactome", "string"}
    t = read_csv_tables(out)
    assert validate(t) == []
    assert {"DETECTED_IN", "PARTICIPATES_IN", "PART_OF", "INTERACTS_WITH", "REGULATES"} <= set(t.edges["type"])
    ranked = runner.invoke(app, ["rank", "--graph", str(out), "--format", "json", "--top", "0"])
    assert ranked.exit_code == 0, ranked.output
    ids = [r["id"] for r in json.loads(ranked.stdout)["rows"]]
    assert "hgnc.symbol:MDM2" in ids          # only STRING links MDM2 into the graph
    info = runner.invoke(app, ["info", "--kb", str(out), "--format", "json"])
    assert json.loads(info.stdout)["edges"]["INTERACTS_WITH"] == 3
    again = runner.invoke(app, args)
    assert again.exit_code == 1 and "already holds a graph; use --force" in again.stderr


def test_build_command_reports_a_malformed_file_without_traceback(tmp_path):
    res = runner.invoke(app, ["build", "--out", str(tmp_path / "g"), "--source",
                              f"targetscan={FIX / 'malformed' / 'Summary_Counts.default_predictions.txt'}"])
    assert res.exit_code == 1
    assert "Summary_Counts.default_predictions.txt:3: column 'Cumulative weighted context++ score'" in res.stderr
    assert "Traceback" not in res.output
    assert not (tmp_path / "g" / "nodes.csv").exists()


def test_build_command_bad_source_argument(tmp_path):
    res = runner.invoke(app, ["build", "--out", str(tmp_path / "g"), "--source", "nosuch=x"])
    assert res.exit_code == 1 and "unknown source 'nosuch'; valid choices:" in res.stderr
    res = runner.invoke(app, ["build", "--out", str(tmp_path / "g"), "--source", "string"])
    assert res.exit_code == 1 and "expected NAME=PATH" in res.stderr


def test_projection_weighs_database_layers_and_runs_undirected_links_both_ways(built):
    from evgraph.analysis.projection import project
    from evgraph.model import to_graph

    G = to_graph(built[0])
    P = project(G)
    a, b = "hgnc.symbol:MDM2", "hgnc.symbol:TP53"
    assert P[a][b]["weight"] == P[b][a]["weight"] == pytest.approx(0.25 * 950 / 1000)
    assert P["hgnc.symbol:MET"]["REACT:R-HSA-9999999"]["weight"] == pytest.approx(0.25)
    assert P["hgnc.symbol:HIF1A"]["geneset:HALLMARK_HYPOXIA"]["weight"] == pytest.approx(0.1)
    assert "hgnc.symbol:MET" not in P["REACT:R-HSA-9999999"]          # membership stays directed


def test_context_restriction_keeps_database_layers_around_the_context(built):
    from evgraph.analysis.context import restrict
    from evgraph.model import to_graph

    G = to_graph(built[0])
    H = restrict(G, cancer="breast cancer")
    assert H.has_edge("hsa-miR-105-5p", "hgnc.symbol:TJP1", "REGULATES")
    # PTEN is regulated by breast-cancer cargo: its STRING and Reactome links come along
    assert H.has_edge("hgnc.symbol:PTEN", "hgnc.symbol:TP53", "INTERACTS_WITH")
    assert H.has_edge("hgnc.symbol:PTEN", "REACT:R-HSA-1257604", "PARTICIPATES_IN")
    # a detection in colorectal-cancer EVs is not breast-cancer context
    assert not H.has_edge("protein:HIF1A", "MONDO:0005575", "DETECTED_IN")
    assert H.has_edge("protein:TGFB1", "MONDO:0007254", "DETECTED_IN")


# ---- the output folder is replaced whole ------------------------------------------------------------

GRAPH = ("nodes.csv", "edges.csv", "meta.json", "build-summary.json")
OLD_SOURCES = ["--source", f"hgnc={FIX / 'hgnc'}", "--source", f"reactome={FIX / 'reactome'}", "--no-curated"]
NEW_SOURCES = OLD_SOURCES + ["--source", f"string={FIX / 'string'}"]


def snapshot(folder: Path) -> dict:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())} if folder.exists() else {}


def hidden_siblings(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.parent.iterdir() if p.name.startswith(f".{folder.name}."))


KILLING_BUILD = """
import os, signal, sys
import evgraph.loaders.build as b
calls = {"n": 0}
def killing(real, at):
    def f(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == at:
            os.kill(os.getpid(), signal.SIGKILL)
        return real(*args, **kwargs)
    return f
what, at = sys.argv[1], int(sys.argv[2])
if what == "fallback":  # a system without an atomic exchange: two renames, killed between them
    b._exchange = lambda new, out: False
    os.rename = killing(os.rename, at)
else:
    os.replace = killing(os.replace, at)
from evgraph.cli import app
app(sys.argv[3:])
"""


@pytest.mark.parametrize("what, at", [("replace", 1), ("replace", 2), ("replace", 3), ("replace", 4),
                                      ("fallback", 1), ("fallback", 2)])
def test_a_killed_forced_build_leaves_the_old_graph_or_the_new_one(tmp_path, what, at):
    import subprocess
    import sys

    out, fresh = tmp_path / "graph", tmp_path / "fresh"
    assert runner.invoke(app, ["build", "--out", str(out), *OLD_SOURCES]).exit_code == 0
    assert runner.invoke(app, ["build", "--out", str(fresh), *NEW_SOURCES]).exit_code == 0
    old, new = snapshot(out), snapshot(fresh)
    assert set(old) == set(GRAPH) and old["edges.csv"] != new["edges.csv"]
    args = ["build", "--out", str(out), "--force", *NEW_SOURCES]
    r = subprocess.run([sys.executable, "-c", KILLING_BUILD, what, str(at), *args], capture_output=True,
                       text=True, timeout=300)
    if r.returncode == 0:  # the build made fewer such calls: it ended well
        assert snapshot(out) == new and hidden_siblings(out) == []
        return
    assert r.returncode == -9, r.stderr
    # the folder holds the old graph or none (between the two renames); never a mix
    assert snapshot(out) in (old, {}) if what == "fallback" else snapshot(out) == old
    # the next build cleans up (putting the old graph back first), and refuses to overwrite it unforced
    again = runner.invoke(app, ["build", "--out", str(out), *NEW_SOURCES])
    assert again.exit_code == 1 and "already holds a graph; use --force" in again.output
    assert snapshot(out) == old and hidden_siblings(out) == []
    assert runner.invoke(app, args).exit_code == 0
    assert snapshot(out) == new and hidden_siblings(out) == []


def test_build_never_replaces_a_folder_holding_other_files(tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("my notes")
    r = runner.invoke(app, ["build", "--out", str(out), "--force", *OLD_SOURCES])
    assert r.exit_code == 1
    assert f"{out} holds files a build did not write (notes.txt); a build replaces its output folder whole" \
        in r.output
    assert snapshot(out) == {"notes.txt": b"my notes"}
    empty = tmp_path / "empty"
    empty.mkdir()
    assert runner.invoke(app, ["build", "--out", str(empty), *OLD_SOURCES]).exit_code == 0
    assert set(snapshot(empty)) == set(GRAPH) and hidden_siblings(empty) == []
