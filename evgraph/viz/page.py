"""The explorer page: one self-contained HTML file with the ranked targets beside their network.

The page fetches nothing: vis-network (9.1.13, the standalone build, dual Apache-2.0/MIT, in
``evgraph/viz/assets`` with its licences) is inlined, and a Content-Security-Policy forbids any
request. Data travel as JSON inside a ``<script type="application/json">`` block with ``<``,
``>`` and ``&`` escaped, and the page's own script writes every text from the data with
``textContent`` (never ``innerHTML``), so a node named ``<script>...`` shows as text.

What is on it:

- the ranked targets as a table (sortable by any column, searchable by name, id, kind, role or
  drug); a row selects its node and fits the view to its neighbourhood, a node selects its row;
- an evidence panel for the selected node: each supporting communication record with its claim,
  and each paper with first author, year, title and journal (from ``references.tsv``) and its
  PubMed or doi.org link;
- filters by cancer (the cancers of a node's records), by evidence level (the strongest level one
  of its papers showed) and by category (the legend's tick boxes);
- a layout computed here and seeded (``--random-seed``), so the same command draws the same
  picture; physics stays off unless asked for, which keeps pages of thousands of nodes usable.

Why not pyvis: it only built the node and edge dictionaries and shipped the vis-network file,
and it installs IPython and jedi (through its notebook support) into every evgraph install. The
page's own template and script were evgraph's already.
"""

from __future__ import annotations

import html
import json
from importlib import resources

import networkx as nx

from evgraph.viz.colors import CATEGORY_COLORS, EDGE_STYLES, category_color
from evgraph.viz.links import doi_url, id_url, pmid_url

__all__ = ["CATEGORY_COLORS", "EDGE_STYLES", "LAYOUTS", "LEVELS", "network_html", "layout_positions",
           "references_of"]

SHAPES = {"CommunicationRecord": "square", "Drug": "diamond", "Phenotype": "triangle", "Pathway": "hexagon",
          "Cancer": "star", "BiomarkerClaim": "square"}
LAYOUTS = ("auto", "physics", "spring", "kamada_kawai", "circular")
# strongest first, as in the schema; the page filters on "at least this level"
LEVELS = ("patient_samples", "in_vivo", "in_vitro", "unspecified")
# above this many nodes networkx's spring layout (O(n^2) per iteration in Python) gives way to igraph's
LARGE_LAYOUT = 1000
TABLE_ROWS = 300  # rows drawn at once; the search narrows the rest


def _vis_script() -> str:
    return resources.files("evgraph.viz").joinpath("assets", "vis-network.min.js").read_text("utf-8")


def layout_positions(G, *, layout="spring", seed=0, scale=1000.0) -> dict:
    """Node positions (seeded: the same graph and seed give the same positions).

    ``spring`` uses networkx's Fruchterman-Reingold layout up to 1,000 nodes and igraph's (in C,
    from a start drawn with the same seed) above; ``kamada_kawai`` (up to 600 nodes) and
    ``circular`` are networkx's.

    Examples
    --------
    >>> G = nx.path_graph(4)
    >>> layout_positions(G, seed=1) == layout_positions(G, seed=1)
    True
    """
    U = nx.Graph(G.to_undirected(as_view=True))
    if len(U) == 0:
        return {}
    nodes = sorted(U, key=str)
    if layout == "kamada_kawai" and len(U) <= 600:
        pos = nx.kamada_kawai_layout(U, scale=scale)
    elif layout == "circular":
        pos = nx.circular_layout(nx.relabel_nodes(U, {n: n for n in nodes}), scale=scale)
    elif len(U) > LARGE_LAYOUT:
        pos = _igraph_layout(U, nodes, seed, scale)
    else:
        H = nx.Graph()
        H.add_nodes_from(nodes)
        H.add_edges_from(sorted((tuple(sorted((u, v), key=str)) for u, v in U.edges()), key=str))
        k = 2.0 / max(len(U), 1) ** 0.5
        pos = nx.spring_layout(H, seed=seed, k=k, iterations=60, scale=scale)
    return {n: (float(x), float(y)) for n, (x, y) in pos.items()}


def _igraph_layout(U, nodes, seed, scale):
    import random

    import igraph as ig
    import numpy as np

    index = {n: i for i, n in enumerate(nodes)}
    g = ig.Graph(n=len(nodes), edges=sorted({tuple(sorted((index[u], index[v]))) for u, v in U.edges() if u != v}))
    # igraph's grid works at the scale of sqrt(n): a start spread that wide converges 15x faster
    spread = len(nodes) ** 0.5
    start = (np.random.RandomState(seed).uniform(-spread, spread, size=(len(nodes), 2))).tolist()
    ig.set_random_number_generator(random.Random(seed))  # igraph draws from it while it lays out
    try:
        coords = np.asarray(g.layout_fruchterman_reingold(seed=start, niter=300, grid="grid").coords)
    finally:
        ig.set_random_number_generator(random)
    coords -= coords.mean(axis=0)
    coords *= scale / max(float(np.abs(coords).max()), 1e-9)
    return {n: tuple(coords[i]) for n, i in index.items()}


def references_of(G) -> dict:
    """``{pmid or doi: {first_author, year, title, journal}}`` from the knowledge bases' ``references.tsv``
    (``G.graph["kb"]``, and each merged source's)."""
    metas = [G.graph.get("kb") or {}] + [s.get("kb", {}) for s in G.graph.get("sources", []) if isinstance(s, dict)]
    out = {}
    for meta in metas:
        for ref in meta.get("references") or []:
            about = {k: str(ref.get(k) or "") for k in ("first_author", "year", "title", "journal")}
            for key in (ref.get("pmid"), ref.get("doi")):
                if key:
                    out[str(key)] = about
    return out


def _safe_json(data) -> str:
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, default=str, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _label(name: str, limit=28) -> str:
    name = str(name)
    return name if len(name) <= limit else name[: limit - 1] + "…"


def _papers(pmids, dois) -> list:
    """``[[key, url], ...]``: PMIDs in numeric order, then DOIs."""
    return ([[p, pmid_url(p)] for p in sorted(set(pmids), key=lambda p: (len(p), p))]
            + [[d, doi_url(d)] for d in sorted(set(dois))])


def _record_info(R, rec) -> dict:
    d = R.nodes[rec]
    cancers = sorted(v for _, v, k in R.out_edges(rec, keys=True) if k == "IN_CONTEXT_OF")
    return {"name": str(d.get("name", rec)), "claim": d.get("claim") or "", "cancers": cancers,
            "papers": _papers(d.get("pmids") or [], d.get("dois") or []),
            "levels": sorted(set(d.get("model_system") or [])) + (["patient_samples"]
                                                                  if d.get("patient_samples") else [])}


def network_html(G, *, scores=None, title="evgraph network", layout="auto", seed=0, notes=None, targets=None,
                 references=None, context=None) -> str:
    """Render ``G`` as one explorer page that works offline.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The (sub)graph to draw: node ``name``, ``category``, ``pmids``, ``dois`` and ``claim``;
        edge ``pmids``, ``dois``, ``evidence_level`` and supporting ``records``.
    scores : dict, optional
        ``{node: ranking row}`` (``rank``, ``score``, ``rank_low``, ``rank_high``, ``modality``):
        sizes nodes by score and shows the rank with its interval.
    targets : list of dict, optional
        The ranked targets for the table, best first (ranking rows with ``forms``); those with a
        form on the page are listed. Default: the rows of ``scores``.
    references : dict, optional
        :func:`references_of` the knowledge graph: first author, year, title and journal per paper.
    context : networkx.MultiDiGraph, optional
        The graph ``G`` was cut from, where the supporting records of its nodes are looked up
        (default ``G``).
    layout : {"auto", "physics", "spring", "kamada_kawai", "circular"}
        ``auto`` and ``spring``: a seeded spring layout drawn at once (physics off);
        ``physics``: from the same start, vis-network lets the network settle.
    seed : int
        Seed of the layout.
    """
    from evgraph.errors import UnknownChoiceError

    if layout not in LAYOUTS:
        raise UnknownChoiceError("layout", layout, LAYOUTS)
    scores = scores or {}
    R = context if context is not None else G
    references = references or references_of(R)
    physics = layout == "physics"
    pos = layout_positions(G, layout="spring" if layout in ("auto", "physics") else layout, seed=seed)
    values = [s.get("score") for s in scores.values() if isinstance(s.get("score"), (int, float))]
    top = max(values) if values else None
    level_rank = {lv: i for i, lv in enumerate(LEVELS)}

    # edges: parallel relationships between two nodes are drawn as one line
    merged: dict[tuple, dict] = {}
    for u, v, k, d in G.edges(keys=True, data=True):
        e = merged.setdefault((str(u), str(v)), {"types": [], "pmids": set(), "dois": set(), "records": set(),
                                                  "level": len(LEVELS)})
        e["types"].append(k)
        e["pmids"].update(d.get("pmids") or [])
        e["dois"].update(d.get("dois") or [])
        e["records"].update(d.get("records") or [])
        e["level"] = min(e["level"], level_rank.get(d.get("evidence_level") or "unspecified", len(LEVELS)))
    # what supports each node: the records of its links (and itself, for a record)
    support: dict[str, set] = {str(n): set() for n in G}
    for n, d in G.nodes(data=True):
        if d.get("category") == "CommunicationRecord":
            support[str(n)].add(str(n))
    for (u, v), e in merged.items():
        recs = set(e["records"]) | {x for x in (u, v) if G.nodes[x].get("category") == "CommunicationRecord"}
        support[u] |= recs
        support[v] |= recs
    records = {}
    for rec in sorted({r for s in support.values() for r in s}):
        if rec in R:
            records[rec] = _record_info(R, rec)
    cancer_names = {}
    for r in records.values():
        for c in r["cancers"]:
            cancer_names[c] = str(R.nodes[c].get("name", c)) if c in R else c

    incident: dict[str, list] = {str(n): [] for n in G}
    for (u, v), e in merged.items():
        incident[u].append(e)
        if v != u:
            incident[v].append(e)
    nodes = []
    for n, d in sorted(G.nodes(data=True), key=lambda t: str(t[0])):
        nid, cat = str(n), d.get("category", "")
        s = scores.get(n, {})
        size = 10.0
        if top and isinstance(s.get("score"), (int, float)) and top > 0:
            size = 10.0 + 30.0 * max(s["score"], 0.0) / top
        links = incident[nid]
        pmids = set(d.get("pmids") or [])
        dois = set(d.get("dois") or []) if not pmids else set()
        if not pmids and not dois:  # a molecule's papers are those of its links
            for e in links:
                pmids |= e["pmids"]
                dois |= e["dois"]
        level = min([e["level"] for e in links if e["pmids"] or e["dois"]] or [len(LEVELS)])
        recs = sorted(support[nid])
        info = {
            "id": nid, "name": str(d.get("name", n)), "category": cat, "url": id_url(n),
            "papers": _papers(pmids, dois), "modality": s.get("modality"), "rank": s.get("rank"),
            "rank_low": s.get("rank_low"), "rank_high": s.get("rank_high"), "score": s.get("score"),
            "claim": d.get("claim"), "records": recs,
            "cancers": sorted({c for r in recs if r in records for c in records[r]["cancers"]}),
            "level": level,
        }
        node = {"id": nid, "label": _label(d.get("name", n)), "color": category_color(cat), "size": round(size, 2),
                "shape": SHAPES.get(cat, "dot"), "info": info}
        if n in pos:
            x, y = pos[n]
            node.update(x=round(x, 2), y=round(y, 2))
        nodes.append(node)
    edges = []
    for (u, v), e in sorted(merged.items()):
        style = EDGE_STYLES.get(e["types"][0], {"color": "#888888", "dashes": False})
        edges.append({"from": u, "to": v, "color": style["color"], "dashes": style["dashes"], "width": 1,
                      "arrows": "to", "types": sorted(e["types"]),
                      "pmids": sorted(e["pmids"], key=lambda p: (len(p), p)), "dois": sorted(e["dois"]),
                      "level": e["level"]})
    on_page = {str(n) for n in G}
    rows = targets if targets is not None else list({id(r): r for r in scores.values()}.values())
    table = []
    for r in sorted(rows, key=lambda r: (r.get("rank") or 0)):
        forms = [f for f in dict.fromkeys([r.get("id"), *r.get("forms", [])]) if f in on_page]  # its own id first
        if forms:
            table.append({"rank": r.get("rank"), "name": r.get("name"), "id": r.get("id"), "forms": forms,
                          "kind": r.get("category"), "direction": r.get("modality"), "score": r.get("score"),
                          "interval": (f"{r['rank_low']}-{r['rank_high']}" if r.get("rank_low") is not None
                                       else None),
                          "q": r.get("q_value"), "papers": r.get("n_pmids"), "roles": r.get("roles", []),
                          "drugs": r.get("drugs", [])})
    options = {
        "physics": {"enabled": physics, "solver": "forceAtlas2Based",
                    "stabilization": {"enabled": physics, "iterations": 200, "updateInterval": 25}},
        "layout": {"improvedLayout": False, "randomSeed": seed},
        "edges": {"smooth": False, "arrows": {"to": {"enabled": True, "scaleFactor": 0.4}}},
        "interaction": {"hover": True, "tooltipDelay": 150, "hideEdgesOnDrag": len(G) > 500,
                        "hideEdgesOnZoom": len(G) > 2000},
        # labels of a large page are drawn once the view is close enough to read them
        "nodes": {"font": {"size": 12}, "scaling": {"label": {"drawThreshold": 9 if len(G) > 1000 else 5}}},
    }
    cats = sorted({d.get("category", "") for _, d in G.nodes(data=True)})
    cited = {p[0] for r in records.values() for p in r["papers"]} | {p[0] for n in nodes for p in n["info"]["papers"]}
    data = {"nodes": nodes, "edges": edges, "options": options, "targets": table, "records": records,
            "references": {k: v for k, v in references.items() if k in cited},
            "legend": [[c, category_color(c)] for c in cats], "levels": list(LEVELS),
            "cancers": sorted(([c, name] for c, name in cancer_names.items()), key=lambda t: t[1].lower()),
            "edge_styles": {k: v for k, v in EDGE_STYLES.items() if any(k in e["types"] for e in merged.values())},
            "physics": physics, "table_rows": TABLE_ROWS}
    return _TEMPLATE.format(title=html.escape(title), vis_js=_vis_script(), data=_safe_json(data),
                            notes=html.escape(notes or ""), app_js=_APP_JS)


_APP_JS = r"""
(function () {
  "use strict";
  const data = JSON.parse(document.getElementById("evgraph-data").textContent);
  const LEVEL_WORDS = {patient_samples: "patient samples", in_vivo: "in vivo", in_vitro: "in vitro",
                       unspecified: "unspecified"};
  function el(tag, text, cls) {
    const e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }
  function link(text, url) {
    if (typeof url !== "string" || url.indexOf("https://") !== 0) return el("span", text);
    const a = el("a", text);
    a.setAttribute("href", url);
    a.setAttribute("target", "_blank");
    a.setAttribute("rel", "noopener noreferrer");
    return a;
  }
  function rankText(i) {
    if (i.rank === null || i.rank === undefined) return null;
    let t = "rank " + i.rank;
    if (i.rank_low !== null && i.rank_low !== undefined) t += " (interval " + i.rank_low + "-" + i.rank_high + ")";
    if (typeof i.score === "number") t += ", score " + i.score.toFixed(3);
    return t;
  }
  // one paper: first author (year) title. journal, with its PubMed or doi.org link
  function paper(p) {
    const ref = data.references[p[0]];
    const line = el("div", null, "evg-paper");
    if (ref) {
      line.appendChild(el("span", (ref.first_author || "") + (ref.year ? " (" + ref.year + ") " : " "), "evg-author"));
      line.appendChild(el("span", ref.title || "", "evg-title"));
      if (ref.journal) line.appendChild(el("span", ". " + ref.journal, "evg-journal"));
      line.appendChild(document.createTextNode(" "));
    }
    line.appendChild(link((/^\d+$/.test(p[0]) ? "PMID " : "doi ") + p[0], p[1]));
    return line;
  }
  function describe(i, full) {
    const box = el("div", null, "evg-info");
    box.appendChild(el("div", i.name, "evg-name"));
    box.appendChild(el("div", i.category, "evg-cat"));
    const idline = el("div", null, "evg-ids");
    idline.appendChild(link(i.id, i.url));
    box.appendChild(idline);
    const r = rankText(i);
    if (r) box.appendChild(el("div", r, "evg-rank"));
    if (i.modality) box.appendChild(el("div", "therapy would: " + i.modality, "evg-modality"));
    if (!full) {
      const ids = i.papers.slice(0, 12).map(function (p) { return p[0]; });
      if (ids.length) box.appendChild(el("div", "PMID/doi " + ids.join(", ") + (i.papers.length > 12 ? ", ..." : "")));
      return box;
    }
    if (i.claim) box.appendChild(el("div", i.claim, "evg-claim"));
    const shown = new Set();
    const recs = i.records.filter(function (r) { return data.records[r]; });
    if (recs.length) {
      box.appendChild(el("h4", "Supporting records (" + recs.length + ")"));
      recs.forEach(function (rid) {
        const rec = data.records[rid];
        const block = el("div", null, "evg-record");
        block.setAttribute("data-record", rid);
        block.appendChild(el("div", rid + ": " + rec.name, "evg-record-name"));
        if (rec.claim) block.appendChild(el("div", rec.claim, "evg-claim"));
        if (rec.levels.length) block.appendChild(el("div", rec.levels.map(function (l) { return LEVEL_WORDS[l] || l; })
                                                 .join(", "), "evg-levels"));
        rec.papers.forEach(function (p) { shown.add(p[0]); block.appendChild(paper(p)); });
        box.appendChild(block);
      });
    }
    const other = i.papers.filter(function (p) { return !shown.has(p[0]); });
    if (other.length) {
      box.appendChild(el("h4", recs.length ? "Other papers behind its links" : "Papers"));
      other.forEach(function (p) { box.appendChild(paper(p)); });
    }
    return box;
  }
  const info = {};
  data.nodes.forEach(function (n) { info[n.id] = n.info; });
  const nodes = new vis.DataSet(data.nodes.map(function (n) {
    const copy = Object.assign({}, n, {title: describe(n.info, false)});
    delete copy.info;
    copy.info = n.info;
    return copy;
  }));
  const edges = new vis.DataSet(data.edges.map(function (e, k) {
    const t = el("div", e.types.join(", "));
    if (e.pmids && e.pmids.length) t.appendChild(el("div", "PMID " + e.pmids.join(", ")));
    if (e.dois && e.dois.length) t.appendChild(el("div", "doi " + e.dois.join(", ")));
    return Object.assign({}, e, {id: "e" + k, title: t});
  }));
  const neighbours = {};
  data.edges.forEach(function (e) {
    (neighbours[e.from] = neighbours[e.from] || []).push(e.to);
    (neighbours[e.to] = neighbours[e.to] || []).push(e.from);
  });
  const rowOf = {};
  data.targets.forEach(function (t) { t.forms.forEach(function (f) { rowOf[f] = t; }); });

  const container = document.getElementById("evg-network");
  const state = {ready: false, nodes: nodes, edges: edges, started: performance.now(), drawnMs: null,
                 selected: null, sort: {key: "rank", dir: 1}, search: "", shownRows: 0};
  window.evgraph = state;
  const network = new vis.Network(container, {nodes: nodes, edges: edges}, data.options);
  state.network = network;
  network.once("afterDrawing", function () {
    state.drawnMs = performance.now() - state.started;
    state.ready = true;
    document.body.setAttribute("data-drawn", "1");
  });

  // --- filters: category (legend), cancer, evidence level ---
  const filters = {categories: {}, cancer: "", level: data.levels.length};
  data.legend.forEach(function (pair) { filters.categories[pair[0]] = true; });
  function visible(id) {
    const i = info[id];
    if (!i || !filters.categories[i.category]) return false;
    if (filters.cancer && i.category !== "Cancer" && i.cancers.indexOf(filters.cancer) < 0) return false;
    if (filters.level < data.levels.length && i.level > filters.level) return false;
    return true;
  }
  function applyFilters() {
    nodes.update(data.nodes.map(function (n) { return {id: n.id, hidden: !visible(n.id)}; }));
    edges.update(edges.get().map(function (e) {
      return {id: e.id, hidden: filters.level < data.levels.length && e.level > filters.level};
    }));
    renderTable();
  }
  state.applyFilters = applyFilters;
  const legend = document.getElementById("evg-legend");
  function addSelect(label, id, options, onChange) {
    const wrap = el("label", label, "evg-filter");
    const sel = document.createElement("select");
    sel.id = id;
    options.forEach(function (o) { const opt = el("option", o[1]); opt.value = o[0]; sel.appendChild(opt); });
    sel.addEventListener("change", function () { onChange(sel.value); applyFilters(); });
    wrap.appendChild(sel);
    legend.appendChild(wrap);
  }
  addSelect("Cancer ", "evg-cancer", [["", "all cancers"]].concat(data.cancers), function (v) { filters.cancer = v; });
  addSelect("Evidence ", "evg-level", [[String(data.levels.length), "any level"]].concat(
    data.levels.slice(0, -1).map(function (l, k) {
      return [String(k), k === 0 ? "patient samples" : "at least " + LEVEL_WORDS[l]];
    }).reverse()), function (v) { filters.level = Number(v); });
  legend.appendChild(el("div", "Categories", "evg-legend-head"));
  data.legend.forEach(function (pair) {
    const row = el("label", null, "evg-legend-row");
    const box = document.createElement("input");
    box.type = "checkbox";
    box.checked = true;
    box.setAttribute("data-category", pair[0]);
    const dot = el("span", null, "evg-dot");
    dot.style.background = pair[1];
    row.appendChild(box);
    row.appendChild(dot);
    row.appendChild(el("span", pair[0]));
    box.addEventListener("change", function () { filters.categories[pair[0]] = box.checked; applyFilters(); });
    legend.appendChild(row);
  });
  legend.appendChild(el("div", "Links", "evg-legend-head"));
  Object.keys(data.edge_styles).forEach(function (t) {
    const row = el("div", null, "evg-legend-row");
    const line = el("span", null, "evg-line");
    line.style.borderTop = "2px " + (data.edge_styles[t].dashes ? "dashed " : "solid ") + data.edge_styles[t].color;
    row.appendChild(line);
    row.appendChild(el("span", t));
    legend.appendChild(row);
  });

  // --- the ranked table ---
  const COLUMNS = [["rank", "rank"], ["name", "target"], ["kind", "kind"], ["direction", "direction"],
                   ["score", "score"], ["interval", "interval"], ["q", "q"], ["papers", "papers"],
                   ["roles", "roles"], ["drugs", "drugs"]];
  const hasInterval = data.targets.some(function (t) { return t.interval; });
  const hasQ = data.targets.some(function (t) { return typeof t.q === "number"; });
  const columns = COLUMNS.filter(function (c) { return (c[0] !== "interval" || hasInterval) && (c[0] !== "q" || hasQ); });
  const table = document.getElementById("evg-table");
  const head = el("tr");
  columns.forEach(function (c) {
    const th = el("th", c[1]);
    th.setAttribute("data-key", c[0]);
    th.addEventListener("click", function () {
      state.sort = {key: c[0], dir: state.sort.key === c[0] ? -state.sort.dir : (c[0] === "score" || c[0] === "papers" ? -1 : 1)};
      renderTable();
    });
    head.appendChild(th);
  });
  table.querySelector("thead").appendChild(head);
  function cell(t, key) {
    const v = t[key];
    if (Array.isArray(v)) return v.join(", ");
    if (typeof v === "number" && key !== "rank" && key !== "papers") return v.toPrecision(3).replace(/\.?0+$/, "");
    return v === null || v === undefined ? "" : String(v);
  }
  function sortValue(t, key) {
    const v = t[key];
    if (key === "interval") return t.interval ? Number(t.interval.split("-")[0]) : Infinity;
    if (typeof v === "number") return v;
    if (v === null || v === undefined) return Infinity;
    return Array.isArray(v) ? v.join(", ").toLowerCase() : String(v).toLowerCase();
  }
  function matches(t, q) {
    if (!q) return true;
    const text = [t.name, t.id, t.kind, t.direction].concat(t.roles, t.drugs, t.forms).join(" ").toLowerCase();
    return text.indexOf(q) >= 0;
  }
  function renderTable() {
    const q = state.search.trim().toLowerCase();
    const rows = data.targets.filter(function (t) {
      return matches(t, q) && t.forms.some(visible);
    });
    const key = state.sort.key, dir = state.sort.dir;
    rows.sort(function (a, b) {
      const x = sortValue(a, key), y = sortValue(b, key);
      return x < y ? -dir : x > y ? dir : a.rank - b.rank;
    });
    const body = table.querySelector("tbody");
    body.replaceChildren();
    rows.slice(0, data.table_rows).forEach(function (t) {
      const tr = el("tr");
      tr.setAttribute("data-target", t.id);
      if (state.selected && t.forms.indexOf(state.selected) >= 0) tr.className = "evg-selected";
      columns.forEach(function (c) { tr.appendChild(el("td", cell(t, c[0]))); });
      tr.addEventListener("click", function () { select(t.forms[0], true); });
      body.appendChild(tr);
    });
    state.shownRows = Math.min(rows.length, data.table_rows);
    const more = document.getElementById("evg-table-note");
    more.textContent = rows.length > data.table_rows ? "showing " + data.table_rows + " of " + rows.length +
      "; search to narrow" : rows.length + " of " + data.targets.length + " targets";
    // nodes outside the table that match the search (cell types, pathways, records, ...)
    const others = document.getElementById("evg-matches");
    others.replaceChildren();
    if (q) {
      const hits = data.nodes.filter(function (n) {
        return !rowOf[n.id] && visible(n.id) && (n.info.name + " " + n.id).toLowerCase().indexOf(q) >= 0;
      }).slice(0, 12);
      hits.forEach(function (n) {
        const a = el("button", n.info.name, "evg-match");
        a.setAttribute("data-node", n.id);
        a.addEventListener("click", function () { select(n.id, true); });
        others.appendChild(a);
      });
    }
  }
  document.getElementById("evg-search").addEventListener("input", function (ev) {
    state.search = ev.target.value;
    renderTable();
  });

  // --- selection: row <-> node, the evidence panel ---
  const panel = document.getElementById("evg-panel");
  // a target's evidence is that of all its forms (a miRNA and its arm-less name, a gene and its protein)
  function targetInfo(id) {
    const t = rowOf[id];
    if (!t || t.forms.length < 2) return info[id];
    const merged = Object.assign({}, info[t.id] || info[id]);
    const recs = new Set(), papers = {};
    t.forms.forEach(function (f) {
      (info[f].records || []).forEach(function (r) { recs.add(r); });
      (info[f].papers || []).forEach(function (p) { papers[p[0]] = p; });
    });
    merged.records = Array.from(recs).sort();
    merged.papers = Object.values(papers);
    merged.name = t.name + " (" + t.forms.map(function (f) { return info[f].name; }).join(", ") + ")";
    return merged;
  }
  function select(id, focus) {
    if (!info[id]) return;
    state.selected = id;
    const forms = focus && rowOf[id] ? rowOf[id].forms : [id];
    network.selectNodes(forms);
    if (focus) {
      const around = forms.concat.apply(forms, forms.map(function (f) { return neighbours[f] || []; }));
      network.fit({nodes: around.filter(visible), animation: false});
    }
    panel.replaceChildren(describe(focus ? targetInfo(id) : info[id], true));
    renderTable();
    const row = table.querySelector("tr.evg-selected");
    if (row && row.scrollIntoView) row.scrollIntoView({block: "nearest"});
  }
  state.select = select;
  network.on("click", function (params) {
    if (params.nodes.length) select(params.nodes[0], false);
  });
  renderTable();
})();
"""

_TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:;">
<title>{title}</title>
<style>
html, body {{ margin: 0; height: 100%; font-family: "DejaVu Sans", Arial, sans-serif; font-size: 13px; }}
#evg-header {{ padding: 6px 10px; border-bottom: 1px solid #ddd; height: 26px; display: flex; gap: 12px;
  align-items: center; }}
#evg-search {{ width: 240px; }}
#evg-main {{ display: flex; height: calc(100% - 39px); }}
#evg-legend {{ width: 180px; overflow-y: auto; padding: 8px; border-right: 1px solid #ddd; }}
#evg-network {{ flex: 1; min-width: 300px; }}
#evg-side {{ width: 460px; display: flex; flex-direction: column; border-left: 1px solid #ddd; }}
#evg-tablebox {{ height: 45%; overflow: auto; border-bottom: 1px solid #ddd; }}
#evg-table {{ border-collapse: collapse; width: 100%; font-size: 12px; }}
#evg-table th {{ position: sticky; top: 0; background: #f4f4f4; cursor: pointer; text-align: left; padding: 2px 4px; }}
#evg-table td {{ padding: 2px 4px; border-top: 1px solid #eee; white-space: nowrap; }}
#evg-table tr.evg-selected td {{ background: #fff3c4; }}
#evg-table tbody tr {{ cursor: pointer; }}
#evg-table-note, #evg-matches {{ padding: 2px 6px; color: #555; }}
.evg-match {{ margin: 2px; font-size: 11px; }}
#evg-panel {{ flex: 1; overflow-y: auto; padding: 8px; }}
.evg-legend-row {{ display: flex; align-items: center; gap: 6px; margin: 2px 0; }}
.evg-legend-head {{ margin-top: 8px; font-weight: bold; }}
.evg-filter {{ display: block; margin: 4px 0; }}
.evg-filter select {{ max-width: 160px; }}
.evg-dot {{ width: 12px; height: 12px; border-radius: 6px; display: inline-block; flex-shrink: 0; }}
.evg-line {{ width: 24px; display: inline-block; }}
.evg-name {{ font-weight: bold; }} .evg-cat {{ color: #555; }} .evg-claim {{ margin: 4px 0; }}
.evg-record {{ margin: 6px 0; padding-left: 6px; border-left: 3px solid #ccc; }}
.evg-record-name {{ color: #333; font-style: italic; }} .evg-levels {{ color: #555; font-size: 11px; }}
.evg-paper {{ margin: 2px 0; font-size: 12px; }} .evg-title {{ color: #222; }} .evg-journal {{ color: #555; }}
.evg-info {{ max-width: 420px; }} h4 {{ margin: 8px 0 2px; }}
</style>
</head>
<body>
<div id="evg-header"><strong>{title}</strong> <span>{notes}</span>
<input id="evg-search" type="search" placeholder="search targets and nodes" aria-label="search"></div>
<div id="evg-main"><div id="evg-legend"></div><div id="evg-network"></div>
<div id="evg-side"><div id="evg-tablebox"><table id="evg-table"><thead></thead><tbody></tbody></table>
<div id="evg-table-note"></div><div id="evg-matches"></div></div>
<div id="evg-panel"><em>Click a row or a node for its evidence.</em></div></div></div>
<script>{vis_js}</script>
<script type="application/json" id="evgraph-data">{data}</script>
<script>{app_js}</script>
</body>
</html>
"""
