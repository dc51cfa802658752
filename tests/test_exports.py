"""evgraph export: CX2 checked against its published specification, the rank context filters,
a ranking's scores as node attributes, and the settings every export carries."""

import copy
import json

import networkx as nx
import pytest
from typer.testing import CliRunner

from evgraph.cli import app
from evgraph.cx2 import to_cx2
from tests.cx2_spec import problems

runner = CliRunner()


def run(*args):
    return runner.invoke(app, list(args), catch_exceptions=False)


@pytest.fixture(scope="module")
def breast_cx2(tmp_path_factory):
    out = tmp_path_factory.mktemp("cx2") / "breast.cx2"
    r = run("export", "--format", "cx2", "--cancer", "breast cancer", "--out", str(out))
    assert r.exit_code == 0, r.output
    return json.loads(out.read_text("utf-8"))


def aspect(doc, name):
    return next(block[name] for block in doc[1:] if name in block)


def test_cx2_export_of_a_cancer_passes_the_specification(breast_cx2):
    assert problems(breast_cx2) == []
    nodes, edges = aspect(breast_cx2, "nodes"), aspect(breast_cx2, "edges")
    names = {n["v"]["name"] for n in nodes}
    assert "hsa-miR-105-5p" in names and "breast cancer" in names
    assert "hepatocellular carcinoma" not in names  # the context filter applied
    by_id = {n["id"]: n["v"] for n in nodes}
    cited = [e for e in edges if e["v"].get("pmids") == ["24735924"]]
    assert cited and all(isinstance(e["v"]["pmids"], list) for e in cited)
    targets = {by_id[e["t"]]["represents"]: e["v"] for e in edges if e["v"]["interaction"] == "REGULATES"
               and by_id[e["s"]]["represents"] == "hsa-miR-105-5p"}
    assert targets["hgnc.symbol:TJP1"]["effect"] == "represses"  # Zhou et al. 2014: miR-105 represses ZO-1
    net = aspect(breast_cx2, "networkAttributes")[0]
    about = json.loads(net["evgraph"])
    assert about["knowledge_base"]["fingerprint"] and about["evgraph_version"]
    assert about["cancer_scope"]["id"] == "MONDO:0007254" and about["options"]["cancer"] == "breast cancer"
    style = aspect(breast_cx2, "visualProperties")[0]
    from evgraph.viz.colors import CATEGORY_COLORS

    fill = {x["v"]: x["vp"] for x in style["nodeMapping"]["NODE_BACKGROUND_COLOR"]["definition"]["map"]}
    assert fill["MiRNA"] == CATEGORY_COLORS["MiRNA"]  # the page's and the figures' colours


def test_cx2_checker_finds_what_breaks_the_specification(breast_cx2):
    """The checker itself: each broken copy must be caught."""
    def broken(edit):
        doc = copy.deepcopy(breast_cx2)
        edit(doc)
        return problems(doc)

    assert broken(lambda d: d.pop())  # no status
    assert broken(lambda d: d[0].update(CXVersion="2"))
    assert broken(lambda d: aspect(d, "edges")[0].update(s=10**9))  # dangling source
    assert broken(lambda d: aspect(d, "nodes")[1].update(id=aspect(d, "nodes")[0]["id"]))
    assert broken(lambda d: aspect(d, "nodes")[0]["v"].update(undeclared="x"))
    assert broken(lambda d: aspect(d, "nodes")[0]["v"].update(name=3))
    assert broken(lambda d: aspect(d, "nodes")[0].update(x=1.0, y=2.0))  # one node with coordinates
    assert broken(lambda d: d.insert(1, d.pop(next(i for i, b in enumerate(d) if "nodes" in b))))
    assert broken(lambda d: aspect(d, "attributeDeclarations")[0]["networkAttributes"]["name"].update(a="n"))


def test_cx2_values_keep_their_declared_types():
    G = nx.MultiDiGraph()
    G.add_node("a", name="A", category="Gene", weight=1, mixed=1, flag=True, missing=float("nan"), id="a")
    G.add_node("b", name="B", category="Gene", weight=2.5, mixed="two", flag=False, missing=None)
    G.add_edge("a", "b", key="REGULATES", pmids=["1", "2"], score=float("inf"))
    doc = to_cx2(G, positions={"a": (0, 0), "b": (1.5, 2)})
    assert problems(doc) == []
    decl = aspect(doc, "attributeDeclarations")[0]["nodes"]
    assert decl["weight"] == {"d": "double"} and decl["mixed"] == {"d": "string"} and decl["flag"] == {"d": "boolean"}
    assert "missing" not in decl  # no value: CX2 has no NaN
    nodes = aspect(doc, "nodes")
    assert nodes[0]["v"]["evgraph_id"] == "a" and "id" not in nodes[0]["v"] and nodes[1]["x"] == 1.5
    assert aspect(doc, "edges")[0]["v"] == {"interaction": "REGULATES", "pmids": ["1", "2"]}


def test_export_scores_are_node_attributes(tmp_path):
    out = tmp_path / "scored.cx2"
    r = run("export", "-f", "cx2", "--cancer", "breast cancer", "--scores", "--bootstrap", "5", "--random-seed", "2",
            "--out", str(out))
    assert r.exit_code == 0, r.output
    doc = json.loads(out.read_text())
    assert problems(doc) == []
    nodes = {n["v"]["represents"]: n["v"] for n in aspect(doc, "nodes")}
    ranked = json.loads(run("rank", "--cancer", "breast cancer", "--bootstrap", "5", "--random-seed", "2",
                            "-f", "json", "--top", "0").stdout)["rows"]
    first = ranked[0]
    for form in first["forms"]:
        v = nodes[form]
        assert (v["rank"], v["modality"], v["target"]) == (1, first["modality"], first["id"])
        assert v["rank_low"] == first["rank_low"] and v["degree_rank"] == first["degree_rank"]
    about = json.loads(aspect(doc, "networkAttributes")[0]["evgraph"])
    assert about["ranking"]["bootstrap"] == 5 and about["ranking"]["seed"] == 2


def test_export_filters_and_settings_in_every_format(tmp_path):
    import pandas as pd

    folder = tmp_path / "csv"
    r = run("export", "--out", str(folder), "--cancer", "breast cancer", "--evidence", "in_vivo", "--scores")
    assert r.exit_code == 0, r.output
    meta = json.loads((folder / "meta.json").read_text())
    assert meta["export"]["options"]["evidence"] == "in_vivo" and meta["export"]["knowledge_base"]["fingerprint"]
    nodes = pd.read_csv(folder / "nodes.csv", dtype=str)
    assert "rank" in nodes.columns and "MONDO:0007254" in set(nodes["id"])
    assert "MONDO:0005575" not in set(nodes["id"])  # colorectal cancer is not in the breast-cancer context
    gml = tmp_path / "g.graphml"
    assert run("export", "-f", "GraphML", "--out", str(gml), "--species", "mouse").exit_code == 0
    G = nx.read_graphml(gml)
    assert json.loads(G.graph["evgraph_export"])["options"]["species"] == "mouse"
    js = tmp_path / "g.json"
    assert run("export", "-f", "json", "--out", str(js), "--cancer", "NSCLC").exit_code == 0
    data = json.loads(js.read_text())
    assert data["graph"]["export"]["cancer_scope"]["id"] == "MONDO:0005233"
    # the same settings give the same file
    again = tmp_path / "again.json"
    run("export", "-f", "json", "--out", str(again), "--cancer", "NSCLC")
    assert again.read_bytes() == js.read_bytes()


def test_export_usage_errors():
    r = run("export", "--out", "x.cx2", "-f", "cx2", "--bootstrap", "5")
    assert r.exit_code == 2 and "go with --scores" in r.output
    r = run("export", "--out", "x.cx2", "-f", "cx2", "--exact")
    assert r.exit_code == 2 and "needs --cancer" in r.output


def test_node_link_json_with_links_is_read(tmp_path):
    js = tmp_path / "g.json"
    run("export", "-f", "json", "--out", str(js))
    data = json.loads(js.read_text())
    data["links"] = data.pop("edges")
    older = tmp_path / "links.json"
    older.write_text(json.dumps(data))
    a = json.loads(run("info", "-f", "json", "--kb", str(js)).stdout)
    b = run("info", "-f", "json", "--kb", str(older))
    assert b.exit_code == 0, b.output
    assert json.loads(b.stdout) == a
    data.pop("links")
    (tmp_path / "none.json").write_text(json.dumps(data))
    bad = run("info", "--kb", str(tmp_path / "none.json"))
    assert bad.exit_code == 1 and "no 'edges' key" in bad.output and "Traceback" not in bad.output
