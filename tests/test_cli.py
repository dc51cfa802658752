"""Every CLI command and format, through Typer's runner and as a real subprocess."""

import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from evgraph.cli import app
from tests.test_loader_curated import MIN_RECORDS

runner = CliRunner()


def run(*args):
    return runner.invoke(app, list(args), catch_exceptions=False)


def test_help_and_version():
    r = run("--help")
    assert r.exit_code == 0 and "rank" in r.output and "explain" in r.output
    assert run("--version").output.startswith("evgraph ")


def test_info_json_and_table():
    r = run("info", "--format", "json")
    assert r.exit_code == 0
    data = json.loads(r.output)
    assert {"nodes", "edges", "communications", "cancers", "cell_types", "pmids", "version"} <= set(data)
    assert data["communications"] >= MIN_RECORDS and data["cancers"] >= 12 and data["cell_types"] >= 15
    assert data["nodes"]["CommunicationRecord"] == data["communications"]
    t = run("info")
    assert t.exit_code == 0 and "CommunicationRecord" in t.output


def test_validate_bundled_and_bad(make_kb, tmp_path):
    r = run("validate")
    assert r.exit_code == 0, r.output
    assert "ok" in r.output
    folder = make_kb()
    text = (folder / "communications.tsv").read_text().replace("24735924", "24735x24")
    (folder / "communications.tsv").write_text(text)
    bad = run("validate", str(folder))
    assert bad.exit_code == 1
    assert "communications.tsv:2: column 'pmids': PMID '24735x24' is not a positive whole number" in bad.output
    assert "Traceback" not in bad.output


def test_validate_reports_missing_reference(make_kb):
    folder = make_kb(files={"references.tsv": "pmid\tfirst_author\tyear\tjournal\ttitle\n24735924\tZhou\t2014\tCC\tt\n"})
    r = run("validate", str(folder))
    assert r.exit_code == 1
    assert "PMID 1 is not in references.tsv" in r.output


def test_export_csv_round_trip(tmp_path):
    out = tmp_path / "csv"
    assert run("export", "--format", "csv", "--out", str(out)).exit_code == 0
    for name in ("nodes.csv", "edges.csv", "communications.csv"):
        assert (out / name).exists()
    import pandas as pd

    comm = pd.read_csv(out / "communications.csv", dtype=str)
    for col in ["id", "donor_cell", "cargo", "cargo_type", "recipient_cell", "cancer", "target_genes",
                "phenotypes", "pmids", "species", "model_system"]:
        assert col in comm.columns
    edges = pd.read_csv(out / "edges.csv", dtype=str)
    assert {"source", "target", "type", "pmids"} <= set(edges.columns)
    a = json.loads(run("info", "-f", "json").output)
    b = json.loads(run("info", "-f", "json", "--kb", str(out)).output)
    assert a == b
    # re-import gives the same graph, attribute for attribute
    from evgraph.loaders import load_kb
    from evgraph.model import to_graph

    G, H = to_graph(load_kb()), to_graph(load_kb(out))
    assert set(G.edges(keys=True)) == set(H.edges(keys=True))
    for n in G:
        assert G.nodes[n] == H.nodes[n], n
    for u, v, k in G.edges(keys=True):
        assert G.edges[u, v, k] == H.edges[u, v, k], (u, v, k)


def test_export_json_and_graphml(tmp_path):
    js = tmp_path / "g.json"
    assert run("export", "-f", "json", "--out", str(js)).exit_code == 0
    data = json.loads(js.read_text())
    assert "nodes" in data and "edges" in data
    assert json.loads(run("info", "-f", "json", "--kb", str(js)).output)["communications"] >= MIN_RECORDS
    gml = tmp_path / "g.graphml"
    assert run("export", "-f", "graphml", "--out", str(gml)).exit_code == 0
    import networkx as nx

    G = nx.read_graphml(gml)
    some = next(d for _, d in G.nodes(data=True) if d.get("category") == "CommunicationRecord")
    assert isinstance(some["pmids"], str) and "name" in some


def test_rank_json_is_complete_and_deterministic():
    args = ["rank", "--format", "json", "--top", "25", "--bootstrap", "10", "--permutations", "5",
            "--random-seed", "1"]
    a, b = run(*args), run(*args)
    assert a.exit_code == 0
    assert a.output == b.output
    rows = json.loads(a.output)["rows"]
    assert len(rows) == 25
    for r in rows:
        for key in ["rank", "id", "name", "category", "score", "rank_low", "rank_high", "p_value", "n_pmids",
                    "drugs", "degree_score", "pagerank_score"]:
            assert key in r
        assert r["rank_low"] <= r["rank_high"]
    assert [r["rank"] for r in rows] == list(range(1, 26))


def test_rank_csv_table_cells_and_options(tmp_path):
    out = tmp_path / "r.csv"
    r = run("rank", "-f", "csv", "--out", str(out), "--cancer", "breast cancer", "--candidates", "cargo",
            "--method", "degree,betweenness", "--context", "breast cancer")
    assert r.exit_code == 0
    import pandas as pd

    header = list(pd.read_csv(out, comment="#").columns)
    assert {"rank", "id", "degree_rank", "ppr_rank", "pmids", "dois"} <= set(header)
    t = run("rank", "--top", "5")
    assert t.exit_code == 0 and "PTEN" in t.output or "\t" in t.output
    cells = run("rank", "--candidates", "cells", "-f", "json")
    assert cells.exit_code == 0
    assert json.loads(cells.output)["rows"][0]["main_role"] in {"sender", "receiver", "mediator", "influencer"}
    assert run("rank", "--candidates", "machinery", "--method", "cytohubba", "-f", "json").exit_code == 0


@pytest.mark.parametrize(
    "args, code, message",
    [
        (["rank", "--method", "nope"], 2, "unknown method 'nope'; valid choices:"),
        (["rank", "--cancer", "nope"], 1, "unknown cancer 'nope'; names in this graph: acute lymphoblastic leukemia "
                                          "(MONDO:0004967), acute myeloid leukemia (MONDO:0018874)"),
        (["rank", "--candidates", "stuff"], 2, "'stuff' is not one of all, cargo, targets"),
        (["rank", "--context", "nope"], 1, "unknown node 'nope'"),
        (["rank", "--evidence", "great"], 2, "'great' is not one of in_vitro, in_vivo, patient_samples"),
        (["rank", "--kb", "/no/such/dir"], 1, "no such file or folder"),
        (["rank", "--candidates", "cells", "--bootstrap", "3"], 2, "apply to molecular candidates"),
        (["explain", "NOT_A_NODE_123"], 1, "unknown node 'NOT_A_NODE_123'"),
        (["explain", ""], 2, "is empty: give an id, a name or a symbol"),
        (["rank", "--cancer", ""], 2, "'--cancer': is empty"),
        (["rank", "--cancer", "  "], 2, "'--cancer': is empty"),
        (["rank", "--granularity", "gene"], 2, "'gene' is not one of target, molecule"),
        (["evaluate", "--cancer", ""], 2, "'--cancer': is empty"),
        (["evaluate", "--random-orders", "0"], 2, "0 is out of range: give 1 or more"),
        (["export", "--out", "x.csv", "--format", "xml"], 2, "'xml' is not one of csv, json, graphml, cx2"),
        (["rank", "--format", "xml"], 2, "'xml' is not one of table, csv, json"),
        (["rank", "--top", "abc"], 2, "'abc' is not a whole number"),
        (["rank", "--random-seed", "-1"], 2, "-1 is out of range: give between 0 and 4294967295"),
        (["viz", "--out", "x.html", "--random-seed", "-1"], 2, "-1 is out of range"),
        (["plot", "rank", "--out", "x.png", "--dpi", "0"], 2, "0 is out of range: give between 1 and 2400"),
        (["plot", "rank", "--out", "x.png", "--width", "-2"], 2, "'-2' is out of range: give a number above 0"),
        (["plot", "flow", "--out", "x.png", "--height", "nan"], 2, "'nan' is out of range"),
        (["plot", "flow", "--out", "x.gif"], 2, "'x.gif' must end in .png, .svg or .pdf"),
        (["rank", "--out", "x.txt"], 2, "--out needs --format csv or json"),
        (["export", "--format", "json"], 2, "Missing option '--out'"),
    ],
)
def test_bad_input_is_a_clear_error(args, code, message):
    r = run(*args)
    assert r.exit_code == code, r.output
    assert message in r.output
    assert "Traceback" not in r.output and "Value error" not in r.output and "Error:" in r.output
    assert "ValueError" not in r.output and "Input should be" not in r.output


def test_explain_table_and_json():
    r = run("explain", "PTEN", "--top", "2")
    assert r.exit_code == 0 and "consensus rank" in r.output and "PMID" in r.output
    j = json.loads(run("explain", "hsa-miR-105-5p", "-f", "json").output)
    assert j["ranking"]["rank"] >= 1 and j["chains"]
    assert set(j["ranking"]["methods"]) >= {"degree", "pagerank"}
    ph = json.loads(run("explain", "angiogenesis", "-f", "json").output)
    assert ph["ranking"] is None and ph["n_chains"] > 0


def test_methods_lists_references():
    r = run("methods")
    assert r.exit_code == 0 and "Kolde" not in r.output and "Brandes" in r.output


def test_console_script_exit_code(tmp_path):
    exe = [sys.executable, "-m", "evgraph", "rank", "--method", "nope"]
    p = subprocess.run(exe, capture_output=True, text=True)
    assert p.returncode == 2  # bad usage
    assert "unknown method" in p.stderr and "Traceback" not in p.stderr
    p = subprocess.run([sys.executable, "-m", "evgraph", "rank", "--cancer", "nope"], capture_output=True, text=True)
    assert p.returncode == 1  # bad data: no such cancer in the graph
    assert "unknown cancer" in p.stderr and "Traceback" not in p.stderr


def test_graph_cache_follows_edits_to_the_knowledge_base(make_kb):
    folder = make_kb()
    a = json.loads(run("info", "-f", "json", "--kb", str(folder)).output)
    path = folder / "communications.tsv"
    lines = path.read_text().splitlines()
    path.write_text("\n".join(lines[:2]) + "\n")  # drop the second record
    b = json.loads(run("info", "-f", "json", "--kb", str(folder)).output)
    assert a["communications"] == 2 and b["communications"] == 1


def test_rank_rows_are_targets_with_direction_and_uncertainty():
    r = run("rank", "--format", "json", "--top", "0", "--bootstrap", "20", "--permutations", "5", "--random-seed", "3")
    assert r.exit_code == 0, r.output
    rows = json.loads(r.output)["rows"]
    forms = [f for row in rows for f in row["forms"]]
    assert len(forms) == len(set(forms))  # no molecule in two rows
    for row in rows:
        assert row["modality"] in ("inhibit", "restore", "unclear")
        assert 0 <= row["top_k_frequency"] <= 1 and row["q_value"] >= row["p_value"]
        assert row["score"] >= 0  # never -0
    assert next(row for row in rows if row["name"] == "PTEN")["modality"] == "restore"
    molecules = json.loads(run("rank", "--format", "json", "--top", "0", "--granularity", "molecule").output)["rows"]
    assert len(molecules) > len(rows) and "protein:CD274" in {m["id"] for m in molecules}
    with_claims = json.loads(run("rank", "--format", "json", "--top", "0", "--include-biomarkers").output)["rows"]
    assert "hgnc.symbol:GPC1" in {m["id"] for m in with_claims} - {m["id"] for m in rows}


def test_rank_table_shows_targets_and_says_how_to_get_intervals():
    t = run("rank", "--top", "5")
    assert t.exit_code == 0
    header = t.stdout.splitlines()[0].split("\t")
    assert header[:5] == ["rank", "target", "id", "kind", "direction"] and "interval" not in header
    assert "q" not in header and "Add --bootstrap 100 (" in t.stderr
    b = run("rank", "--top", "3", "--bootstrap", "5")
    assert "interval" in b.stdout.splitlines()[0] and "top10" in b.stdout.splitlines()[0]


def test_small_context_warns_on_stderr(make_kb):
    r = runner.invoke(app, ["rank", "--kb", str(make_kb()), "-f", "json"])
    assert r.exit_code == 0 and "too few to rank meaningfully" in r.stderr
    assert json.loads(r.stdout)["rows"]


def test_explain_gives_the_therapeutic_direction_and_links():
    r = run("explain", "PTEN", "--top", "1")
    assert "therapeutic direction: restore" in r.output and "repressed by EV cargo" in r.output
    j = json.loads(run("explain", "CD274", "-f", "json").output)
    assert j["ranking"]["modality"] == "inhibit" and "protein:CD274" in j["ranking"]["forms"]
    links = [x for step in j["chains"][0]["steps"] for x in step["links"]]
    assert links and all(x.startswith(("https://pubmed.ncbi.nlm.nih.gov/", "https://doi.org/")) for x in links)


def test_evaluate_json_and_table(tmp_path):
    r = run("evaluate", "--format", "json", "--random-orders", "5")
    assert r.exit_code == 0, r.output
    out = json.loads(r.output)
    assert set(out["metrics"]) >= {"consensus", "degree", "betweenness", "closeness", "pagerank", "katz", "n_papers",
                                   "random"}
    assert out["evaluated"] >= 20 and out["known_file"] == "bundled"
    t = run("evaluate", "--random-orders", "5")
    assert t.exit_code == 0 and "number of papers" in t.output and "random" in t.output
    bad = tmp_path / "known.tsv"
    bad.write_text("target\ttarget_kind\tintervention\toutcome\tcancer\tspecies\tmodel_system\tpmids\tdois\tclaim\n"
                   "pd-l1\tgene\tantibody\t\t\t\t\t1\t\tx\n", "utf-8")
    e = run("evaluate", "--known", str(bad))
    assert e.exit_code == 1 and "known.tsv:2: column 'target': 'pd-l1' is not a gene name" in e.output
