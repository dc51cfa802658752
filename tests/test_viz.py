"""Network pages in real headless Chromium, and figures checked against golden tables."""

import csv
import os
import random
import struct
from pathlib import Path

import networkx as nx
import pytest
from typer.testing import CliRunner

from evgraph.cli import app
from evgraph.viz.figures import flow_table, plot_flow, plot_rank
from evgraph.viz.page import network_html
from tests.browser import Page, chromium  # noqa: F401  (fixture)

GOLDEN = Path(__file__).parent / "golden"
PROBE = "<script>alert(1)</script>"
PROBE2 = '<img src=x onerror="alert(2)">'


def merged_edges(G):
    return len({(u, v) for u, v in G.edges()})


@pytest.fixture(scope="module")
def small_page(tmp_path_factory, bundled_graph):
    from evgraph.analysis.select import neighbourhood

    G = neighbourhood(bundled_graph, "hsa-miR-105-5p", depth=2)
    G.add_node("hgnc.symbol:PROBE", category="Gene", name=PROBE, pmids=["1"])
    G.add_node("hgnc.symbol:PROBE2", category="Gene", name=PROBE2)
    G.add_edge("hgnc.symbol:PROBE", "hsa-miR-105-5p", key="TARGETS", pmids=["1"])
    scores = {"hsa-miR-105-5p": {"rank": 3, "score": 2.5, "rank_low": 1, "rank_high": 9}}
    path = tmp_path_factory.mktemp("page") / "net.html"
    path.write_text(network_html(G, scores=scores, title=f"probe {PROBE}"), "utf-8")
    return G, path


@pytest.mark.browser
def test_page_loads_offline_without_errors(chromium, small_page):  # noqa: F811
    G, path = small_page
    with Page(chromium, path.as_uri()) as p:
        assert p.errors == []
        assert [u for u in p.requests if not u.startswith("file:")] == []
        assert p.js("window.evgraph.nodes.length") == len(G)
        assert p.js("window.evgraph.edges.length") == merged_edges(G)
        assert p.js("Object.keys(window.evgraph.network.getPositions()).length") == len(G)


@pytest.mark.browser
def test_click_and_hover_show_evidence(chromium, small_page):  # noqa: F811
    G, path = small_page
    with Page(chromium, path.as_uri()) as p:
        node = "hsa-miR-105-5p"
        x, y = p.node_xy(node)
        p.page.mouse.move(x, y)
        p.page.wait_for_selector("div.vis-tooltip", state="visible", timeout=5000)
        tip = p.page.inner_text("div.vis-tooltip")
        assert "hsa-miR-105-5p" in tip and "rank 3 (interval 1-9)" in tip
        assert "PMID" in tip and "24735924" in tip  # the papers behind its links
        p.page.mouse.click(x, y)
        panel = p.page.inner_text("#evg-panel")
        assert "MiRNA" in panel and "rank 3" in panel
        link = p.page.get_attribute("#evg-panel a[href*='mirbase']", "href")
        assert link == "https://www.mirbase.org/results/?query=hsa-miR-105-5p"
        rec = next(n for n in G if n.startswith("EVC:"))
        pmid = G.nodes[rec]["pmids"][0]
        x, y = p.node_xy(rec)
        p.page.mouse.click(x, y)
        assert pmid in p.page.inner_text("#evg-panel")
        assert p.page.get_attribute(f"#evg-panel a[href$='/{pmid}/']", "href") == \
            f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/"


@pytest.mark.browser
def test_script_injection_stays_text(chromium, small_page):  # noqa: F811
    _, path = small_page
    with Page(chromium, path.as_uri()) as p:
        for nid, text in (("hgnc.symbol:PROBE", PROBE), ("hgnc.symbol:PROBE2", PROBE2)):
            x, y = p.node_xy(nid)
            p.page.mouse.click(x, y)
            assert text in p.page.inner_text("#evg-panel")
        assert p.dialogs == []
        assert p.js("document.querySelectorAll('#evg-panel script, #evg-panel img').length") == 0
        assert PROBE in p.page.inner_text("#evg-header")
        assert p.errors == []


@pytest.mark.browser
def test_category_filter_hides_nodes(chromium, small_page):  # noqa: F811
    G, path = small_page
    with Page(chromium, path.as_uri()) as p:
        n_genes = sum(1 for _, c in G.nodes(data="category") if c == "Gene")
        p.page.uncheck("input[data-category='Gene']")
        hidden = p.js("window.evgraph.nodes.get({filter: n => n.hidden === true}).length")
        assert hidden == n_genes > 0


def big_graph(n=2000, seed=1):
    rng = random.Random(seed)
    G = nx.MultiDiGraph()
    cats = ["MiRNA", "Gene", "CellType", "Pathway", "Phenotype"]
    for i in range(n):
        G.add_node(f"n{i}", category=cats[i % 5], name=f"node {i}", pmids=[str(i + 1)])
    for i in range(1, n):
        G.add_edge(f"n{rng.randrange(i)}", f"n{i}", key="REGULATES", pmids=[str(i)])
    for _ in range(n):
        G.add_edge(f"n{rng.randrange(n)}", f"n{rng.randrange(n)}", key="ALTERS", pmids=["7"])
    return G


@pytest.mark.browser
def test_2000_node_page_draws_in_under_10_s(chromium, tmp_path):  # noqa: F811
    G = big_graph()
    path = tmp_path / "big.html"
    path.write_text(network_html(G, title="2,000 nodes"), "utf-8")
    with Page(chromium, path.as_uri()) as p:
        drawn_ms = p.js("window.evgraph.drawnMs")
        print(f"\n2,000-node page: first drawing after {drawn_ms:.0f} ms")  # the figure for the README
        assert p.js("window.evgraph.nodes.length") == 2000
        assert drawn_ms < 10_000
        assert p.errors == []


def test_page_html_is_self_contained_and_escaped(small_page):
    _, path = small_page
    text = path.read_text()
    assert "<script src" not in text and "<link " not in text
    assert "default-src 'none'" in text
    assert PROBE not in text.split('id="evgraph-data">', 1)[1].split("</script>", 1)[0]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text  # the title, escaped


# --- figures ------------------------------------------------------------------


def read_golden(name):
    with open(GOLDEN / name, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def as_strings(rows, columns):
    return [{c: "" if r[c] is None else str(r[c]) for c in columns} for r in rows]


def check_golden(name, rows, columns):
    """Compare with a golden table; EVGRAPH_REGEN_GOLDEN=1 rewrites it on purpose."""
    got = as_strings(rows, columns)
    path = GOLDEN / name
    if os.environ.get("EVGRAPH_REGEN_GOLDEN") == "1":
        with open(path, "w", newline="", encoding="utf-8") as fh:
            w = csv.DictWriter(fh, fieldnames=columns, lineterminator="\n")
            w.writeheader()
            w.writerows(got)
    assert got == read_golden(name)


def png_size(path):
    with open(path, "rb") as fh:
        head = fh.read(24)
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", head[16:24])


def test_rank_figure_matches_golden_table(tmp_path, bundled_graph):
    from evgraph.analysis.ranking import rank_targets

    rows = rank_targets(bundled_graph, bootstrap=20, seed=1).records(10)
    out = tmp_path / "rank.png"
    table = plot_rank(rows, out, width=6.0, height=4.0, dpi=100)
    assert png_size(out) == (600, 400)
    check_golden("rank_top10.csv", table, ["rank", "name", "category", "score", "rank_low", "rank_high"])
    for fmt, magic in (("svg", b"<?xml"), ("pdf", b"%PDF")):
        f = tmp_path / f"rank.{fmt}"
        plot_rank(rows, f)
        assert f.read_bytes()[:5].startswith(magic)


def test_flow_figure_matches_golden_table(tmp_path, bundled_graph):
    from evgraph.analysis.context import restrict

    H = restrict(bundled_graph, cancer="breast cancer")
    out = tmp_path / "flow.png"
    table = plot_flow(H, out, top=25, width=8, height=5, dpi=100)
    assert png_size(out) == (800, 500)
    check_golden("flow_breast.csv", table, ["donor", "cargo_class", "recipient", "phenotype", "records"])
    assert sum(r["records"] for r in flow_table(H)) >= sum(r["records"] for r in table)


def test_flow_table_hand_computed():
    G = nx.MultiDiGraph()
    G.add_node("EVC:0001", category="CommunicationRecord")
    G.add_node("d", category="CellType", name="fibroblast")
    G.add_node("r", category="CellType", name="tumour")
    G.add_node("m", category="MiRNA", name="m")
    G.add_node("p", category="Protein", name="p")
    G.add_node("f", category="Phenotype", name="EMT")
    G.add_edges_from([("d", "EVC:0001", "RELEASES"), ("EVC:0001", "m", "CARRIES"), ("EVC:0001", "p", "CARRIES"),
                      ("EVC:0001", "r", "TAKEN_UP_BY"), ("EVC:0001", "f", "CAUSES")])
    assert flow_table(G) == [
        {"donor": "fibroblast", "cargo_class": "MiRNA", "recipient": "tumour", "phenotype": "EMT", "records": 1},
        {"donor": "fibroblast", "cargo_class": "Protein", "recipient": "tumour", "phenotype": "EMT", "records": 1},
    ]


def test_cli_viz_and_plot(tmp_path):
    runner = CliRunner()
    html = tmp_path / "n.html"
    r = runner.invoke(app, ["viz", "--out", str(html), "--top", "5", "--max-nodes", "40"])
    assert r.exit_code == 0, r.output
    assert "40 nodes" in r.output and html.read_text().startswith("<!DOCTYPE html>")
    r = runner.invoke(app, ["viz", "--out", str(html), "--around", "PTEN", "--depth", "1", "--categories",
                            "Gene,MiRNA"])
    assert r.exit_code == 0, r.output
    assert runner.invoke(app, ["viz", "--out", str(tmp_path / "x.txt")]).exit_code == 1
    bad = runner.invoke(app, ["viz", "--out", str(html), "--layout", "tree"])
    assert bad.exit_code == 1 and "unknown layout 'tree'; valid choices" in bad.output
    bad = runner.invoke(app, ["viz", "--out", str(html), "--categories", "Planet"])
    assert bad.exit_code == 1 and "unknown category 'Planet'" in bad.output
    fig = tmp_path / "r.pdf"
    assert runner.invoke(app, ["plot", "rank", "--out", str(fig), "--top", "5", "--bootstrap", "5"]).exit_code == 0
    assert fig.read_bytes()[:4] == b"%PDF"
    fl = tmp_path / "f.svg"
    assert runner.invoke(app, ["plot", "flow", "--out", str(fl), "--cancer", "breast cancer"]).exit_code == 0
    bad = runner.invoke(app, ["plot", "flow", "--out", str(tmp_path / "f.gif")])
    assert bad.exit_code == 1 and "unknown figure format" in bad.output
