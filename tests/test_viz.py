"""The explorer page in real headless Chromium (table, search, selection, evidence, filters,
escaping, a 5,000-node page), and figures checked against golden tables."""

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
    row = {"rank": 3, "score": 2.5, "rank_low": 1, "rank_high": 9, "id": "hsa-miR-105-5p", "name": "hsa-miR-105-5p",
           "forms": ["hsa-miR-105-5p"], "category": "MiRNA", "modality": "inhibit", "n_pmids": 3,
           "roles": ["EV cargo"], "drugs": ["anti-miR-105"], "q_value": 0.5}
    probe = {"rank": 1, "score": 4.0, "id": "hgnc.symbol:PROBE", "name": PROBE, "forms": ["hgnc.symbol:PROBE"],
             "category": "Gene", "modality": "unclear", "n_pmids": 1, "roles": [], "drugs": [PROBE2]}
    scores = {"hsa-miR-105-5p": row, "hgnc.symbol:PROBE": probe}
    path = tmp_path_factory.mktemp("page") / "net.html"
    path.write_text(network_html(G, scores=scores, targets=[probe, row], title=f"probe {PROBE}",
                                 context=bundled_graph), "utf-8")
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
        assert p.page.get_attribute("#evg-table tr.evg-selected", "data-target") == node  # the node selects its row
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


@pytest.mark.browser
def test_table_lists_the_ranked_targets_and_sorts(chromium, small_page):  # noqa: F811
    _, path = small_page
    with Page(chromium, path.as_uri()) as p:
        heads = p.js("[...document.querySelectorAll('#evg-table th')].map(x => x.textContent)")
        assert heads[:4] == ["rank", "target", "kind", "direction"] and "interval" in heads and "q" in heads
        names = p.js("[...document.querySelectorAll('#evg-table tbody tr')].map(r => r.cells[1].textContent)")
        assert names == [PROBE, "hsa-miR-105-5p"]  # best first; the probe's name shows as text
        p.page.click("#evg-table th[data-key='name']")
        names = p.js("[...document.querySelectorAll('#evg-table tbody tr')].map(r => r.cells[1].textContent)")
        assert names == sorted(names, key=str.lower)
        p.page.click("#evg-table th[data-key='rank']")
        p.page.click("#evg-table th[data-key='rank']")  # again: descending
        ranks = p.js("[...document.querySelectorAll('#evg-table tbody tr')].map(r => Number(r.cells[0].textContent))")
        assert ranks == [3, 1]
        assert p.js("document.querySelectorAll('#evg-table script, #evg-table img').length") == 0
        assert p.dialogs == [] and p.errors == []


@pytest.mark.browser
def test_row_selects_its_node_and_shows_the_evidence(chromium, small_page):  # noqa: F811
    G, path = small_page
    with Page(chromium, path.as_uri()) as p:
        p.page.click("#evg-table tr[data-target='hsa-miR-105-5p']")
        assert p.js("window.evgraph.network.getSelectedNodes()") == ["hsa-miR-105-5p"]  # with its forms on the page
        assert p.js("window.evgraph.selected") == "hsa-miR-105-5p"
        panel = p.page.inner_text("#evg-panel")
        # the supporting record with its claim, then the paper: first author, year, title, journal, link
        assert "Supporting records" in panel and "EVC:0001" in panel
        assert "miR-105" in G.nodes["EVC:0001"]["claim"] and G.nodes["EVC:0001"]["claim"] in panel
        assert "Zhou W (2014)" in panel and "Cancer-secreted miR-105 destroys vascular endothelial barriers" in panel
        assert p.page.get_attribute("#evg-panel .evg-record a[href$='/24735924/']", "href") == \
            "https://pubmed.ncbi.nlm.nih.gov/24735924/"
        # a DOI-only paper links to doi.org
        doi_links = p.js("[...document.querySelectorAll('#evg-panel a')].map(a => a.href)"
                         ".filter(h => h.startsWith('https://doi.org/'))")
        assert all(h.startswith("https://doi.org/10.") for h in doi_links)


@pytest.mark.browser
def test_search_filters_the_table_and_finds_other_nodes(chromium, small_page):  # noqa: F811
    G, path = small_page
    with Page(chromium, path.as_uri()) as p:
        p.page.fill("#evg-search", "MIR-105")
        rows = p.js("[...document.querySelectorAll('#evg-table tbody tr')].map(r => r.getAttribute('data-target'))")
        assert rows == ["hsa-miR-105-5p"]
        p.page.fill("#evg-search", "anti-miR")  # a drug of the row
        assert p.js("document.querySelectorAll('#evg-table tbody tr').length") == 1
        p.page.fill("#evg-search", "endothelial")  # a cell type: not a target, found among the nodes
        assert p.js("document.querySelectorAll('#evg-table tbody tr').length") == 0
        hits = p.js("[...document.querySelectorAll('#evg-matches button')].map(b => b.getAttribute('data-node'))")
        assert "CL:0000115" in hits
        p.page.click("#evg-matches button[data-node='CL:0000115']")
        assert p.js("window.evgraph.network.getSelectedNodes()") == ["CL:0000115"]
        assert "endothelial cell" in p.page.inner_text("#evg-panel")
        p.page.fill("#evg-search", "")
        assert p.js("document.querySelectorAll('#evg-table tbody tr').length") == 2


@pytest.mark.browser
def test_cancer_and_evidence_filters(chromium, tmp_path, bundled_graph):  # noqa: F811
    from evgraph.analysis.select import neighbourhood

    G = neighbourhood(bundled_graph, "PTEN", depth=2)
    path = tmp_path / "pten.html"
    path.write_text(network_html(G, title="PTEN", context=bundled_graph), "utf-8")
    with Page(chromium, path.as_uri()) as p:
        options = p.js("[...document.querySelectorAll('#evg-cancer option')].map(o => o.value)")
        assert "MONDO:0007254" in options and "MONDO:0005575" in options
        p.page.select_option("#evg-cancer", "MONDO:0007254")
        hidden = set(p.js("window.evgraph.nodes.get({filter: n => n.hidden === true}).map(n => n.id)"))
        shown = set(G) - hidden
        assert "hsa-miR-105-5p" not in shown or "MONDO:0007254" in p.js(
            "window.evgraph.nodes.get('hsa-miR-105-5p').info.cancers")
        records = [n for n in shown if n.startswith("EVC:")]
        assert records and all(("MONDO:0007254", "IN_CONTEXT_OF") in
                               {(v, k) for _, v, k in bundled_graph.out_edges(r, keys=True)} for r in records)
        p.page.select_option("#evg-cancer", "")
        p.page.select_option("#evg-level", "1")  # at least in vivo
        hidden = set(p.js("window.evgraph.nodes.get({filter: n => n.hidden === true}).map(n => n.id)"))
        assert hidden and hidden < set(G)
        in_vitro_only = [n for n in G if n.startswith("EVC:")
                         and set(bundled_graph.nodes[n].get("model_system") or []) == {"in_vitro"}
                         and not bundled_graph.nodes[n].get("patient_samples")]
        levels = p.js("Object.fromEntries(window.evgraph.nodes.get().map(n => [n.id, n.info.level]))")
        assert all(levels[n] <= 1 for n in set(G) - hidden)
        assert not in_vitro_only or any(n in hidden for n in in_vitro_only)
        assert p.errors == []


def test_layout_is_seeded(bundled_graph):
    from evgraph.analysis.select import neighbourhood
    from evgraph.viz.page import layout_positions

    G = neighbourhood(bundled_graph, "hsa-miR-105-5p", depth=2)
    assert layout_positions(G, seed=4) == layout_positions(G.copy(), seed=4)
    assert layout_positions(G, seed=4) != layout_positions(G, seed=5)
    big = big_graph(1200)
    assert layout_positions(big, seed=1) == layout_positions(big, seed=1)  # igraph's layout, seeded
    page = network_html(G, seed=4)
    assert page == network_html(G, seed=4)  # the same command writes the same page


def test_figures_use_the_pages_colours(tmp_path, bundled_graph):
    from evgraph.analysis.ranking import rank_targets
    from evgraph.viz.colors import CATEGORY_COLORS

    rows = rank_targets(bundled_graph, methods=["degree"]).records(6)
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    seen = {}
    original = plt.Axes.scatter

    def spy(self, x, y, *args, color=None, **kw):
        seen.setdefault(color, 0)
        return original(self, x, y, *args, color=color, **kw)

    plt.Axes.scatter = spy
    try:
        plot_rank(rows, tmp_path / "r.png", dpi=50)
    finally:
        plt.Axes.scatter = original
    assert {CATEGORY_COLORS[r["category"]] for r in rows} <= set(seen)


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
def test_5000_node_page_draws_in_under_10_s(chromium, tmp_path):  # noqa: F811
    import time

    G = big_graph(5000)
    targets = [{"rank": i + 1, "id": f"n{i}", "name": f"node {i}", "forms": [f"n{i}"], "category": "MiRNA",
                "score": 1.0 / (i + 1), "n_pmids": 1, "roles": [], "drugs": []} for i in range(0, 5000, 5)]
    path = tmp_path / "big.html"
    started = time.perf_counter()
    path.write_text(network_html(G, title="5,000 nodes", targets=targets,
                                 scores={t["id"]: t for t in targets}), "utf-8")
    written = time.perf_counter() - started
    with Page(chromium, path.as_uri()) as p:
        drawn_ms = p.js("window.evgraph.drawnMs")
        # the figures for the README
        print(f"\n5,000-node page: written in {written:.1f} s, first drawing after {drawn_ms:.0f} ms")
        assert p.js("window.evgraph.nodes.length") == 5000
        assert drawn_ms < 10_000
        assert p.js("window.evgraph.shownRows") == 300  # the table draws 300 rows; the search narrows
        started = time.perf_counter()
        p.page.fill("#evg-search", "node 4995")
        assert p.js("document.querySelectorAll('#evg-table tbody tr').length") == 1
        p.page.click("#evg-table tbody tr")
        assert p.js("window.evgraph.network.getSelectedNodes()") == ["n4995"]
        print(f"5,000-node page: search and select in {time.perf_counter() - started:.2f} s")
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
    assert runner.invoke(app, ["viz", "--out", str(tmp_path / "x.txt")]).exit_code == 2  # bad usage
    bad = runner.invoke(app, ["viz", "--out", str(html), "--layout", "tree"])
    assert bad.exit_code == 2 and "'tree' is not one of auto, physics, spring" in bad.output
    bad = runner.invoke(app, ["viz", "--out", str(html), "--categories", "Planet"])
    assert bad.exit_code == 1 and "unknown category 'Planet'" in bad.output
    fig = tmp_path / "r.pdf"
    assert runner.invoke(app, ["plot", "rank", "--out", str(fig), "--top", "5", "--bootstrap", "5"]).exit_code == 0
    assert fig.read_bytes()[:4] == b"%PDF"
    fl = tmp_path / "f.svg"
    assert runner.invoke(app, ["plot", "flow", "--out", str(fl), "--cancer", "breast cancer"]).exit_code == 0
    bad = runner.invoke(app, ["plot", "flow", "--out", str(tmp_path / "f.gif")])
    assert bad.exit_code == 2 and "must end in .png, .svg or .pdf" in bad.output
