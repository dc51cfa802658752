"""A self-contained interactive network page: pyvis builds the network, vis-network draws it.

The page fetches nothing: the vis-network script and styles that ship with pyvis
are inlined. Data travel as JSON inside a ``<script type="application/json">``
block with ``<``, ``>`` and ``&`` escaped, and the page's own script writes every
text from the data with ``textContent`` (never ``innerHTML``), so a node named
``<script>...`` shows as text and runs nothing.
"""

from __future__ import annotations

import html
import json
from importlib import resources

import networkx as nx

from evgraph.viz.links import doi_url, id_url, pmid_url

__all__ = ["CATEGORY_COLORS", "EDGE_STYLES", "LAYOUTS", "network_html", "layout_positions"]

# Okabe-Ito first (colour-blind safe), then distinguishable extras.
CATEGORY_COLORS = {
    "CellType": "#E69F00", "CommunicationRecord": "#999999", "MiRNA": "#56B4E9", "Protein": "#009E73",
    "LncRNA": "#0072B2", "CircRNA": "#CC79A7", "MRNA": "#F0E442", "DNA": "#8C564B", "Lipid": "#BCBD22",
    "Metabolite": "#17BECF", "Gene": "#CC6677", "Pathway": "#7F3C8D", "Phenotype": "#E41A1C",
    "Cancer": "#000000", "Drug": "#4D4D4D", "BiomarkerClaim": "#BBBBBB", "BodyFluid": "#A6761D",
    "CellLine": "#F5C26B",
}
EDGE_STYLES = {
    "RELEASES": {"color": "#E69F00", "dashes": False}, "CARRIES": {"color": "#56B4E9", "dashes": False},
    "TAKEN_UP_BY": {"color": "#E69F00", "dashes": True}, "REGULATES": {"color": "#CC6677", "dashes": False},
    "ALTERS": {"color": "#7F3C8D", "dashes": False}, "CAUSES": {"color": "#E41A1C", "dashes": True},
    "IN_CONTEXT_OF": {"color": "#BBBBBB", "dashes": True}, "PRODUCT_OF": {"color": "#009E73", "dashes": True},
    "TARGETS": {"color": "#1B9E77", "dashes": False}, "EV_MACHINERY_IN": {"color": "#8C564B", "dashes": False},
    "MACHINERY_DRIVES": {"color": "#8C564B", "dashes": True}, "MEASURES": {"color": "#BBBBBB", "dashes": False},
    "IN_FLUID": {"color": "#A6761D", "dashes": True},
}
SHAPES = {"CommunicationRecord": "square", "Drug": "diamond", "Phenotype": "triangle", "Pathway": "hexagon",
          "Cancer": "star", "BiomarkerClaim": "square"}
LAYOUTS = ("auto", "physics", "spring", "kamada_kawai", "circular")
PHYSICS_MAX_NODES = 150


def _vis_assets() -> tuple[str, str]:
    lib = resources.files("pyvis").joinpath("templates", "lib", "vis-9.1.2")
    return lib.joinpath("vis-network.min.js").read_text("utf-8"), lib.joinpath("vis-network.css").read_text("utf-8")


def layout_positions(G, *, layout="spring", seed=0, scale=1000.0) -> dict:
    """Node positions computed with networkx (on the undirected simple graph)."""
    U = nx.Graph(G.to_undirected(as_view=True))
    if len(U) == 0:
        return {}
    if layout == "kamada_kawai" and len(U) <= 600:
        pos = nx.kamada_kawai_layout(U, scale=scale)
    elif layout == "circular":
        pos = nx.circular_layout(U, scale=scale)
    else:
        k = 2.0 / max(len(U), 1) ** 0.5
        pos = nx.spring_layout(U, seed=seed, k=k, iterations=60, scale=scale)
    return {n: (float(x), float(y)) for n, (x, y) in pos.items()}


def _safe_json(data) -> str:
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, default=str)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _label(name: str, limit=28) -> str:
    name = str(name)
    return name if len(name) <= limit else name[: limit - 1] + "…"


def network_html(G, *, scores=None, title="evgraph network", layout="auto", seed=0, notes=None) -> str:
    """Render ``G`` as one HTML page that works offline.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The (sub)graph to draw; node ``name``, ``category`` and ``pmids`` and edge
        ``type`` and ``pmids`` are shown.
    scores : dict, optional
        ``{node: {"rank", "score", "rank_low", "rank_high"}}``: sizes nodes by score
        and shows the rank with its interval.
    layout : {"auto", "physics", "spring", "kamada_kawai", "circular"}
        ``auto`` lets small graphs settle with physics and places large ones
        with a precomputed spring layout (physics off), which draws fast.
    """
    from pyvis.edge import Edge
    from pyvis.network import Network

    from evgraph.errors import UnknownChoiceError

    if layout not in LAYOUTS:
        raise UnknownChoiceError("layout", layout, LAYOUTS)
    scores = scores or {}
    physics = layout == "physics" or (layout == "auto" and len(G) <= PHYSICS_MAX_NODES)
    pos = {} if physics else layout_positions(G, layout="spring" if layout == "auto" else layout, seed=seed)
    values = [s.get("score") for s in scores.values() if isinstance(s.get("score"), (int, float))]
    top = max(values) if values else None

    net = Network(directed=True, cdn_resources="in_line", height="100%", width="100%")
    for n, d in sorted(G.nodes(data=True), key=lambda t: str(t[0])):
        cat = d.get("category", "")
        s = scores.get(n, {})
        size = 10.0
        if top and isinstance(s.get("score"), (int, float)) and top > 0:
            size = 10.0 + 30.0 * max(s["score"], 0.0) / top
        pmids = set(d.get("pmids", []))
        dois = set(d.get("dois", [])) if not pmids else set()
        if not pmids and not dois:  # a molecule's papers are those of its links
            for _, _, ed in list(G.in_edges(n, data=True)) + list(G.out_edges(n, data=True)):
                pmids.update(ed.get("pmids", []))
                dois.update(ed.get("dois", []))
        info = {
            "id": str(n), "name": str(d.get("name", n)), "category": cat, "url": id_url(n),
            "pmids": [[p, pmid_url(p)] for p in sorted(pmids, key=lambda p: (len(p), p))],
            "dois": [[x, doi_url(x)] for x in sorted(dois)], "modality": s.get("modality"),
            "rank": s.get("rank"), "rank_low": s.get("rank_low"), "rank_high": s.get("rank_high"),
            "score": s.get("score"), "claim": d.get("claim"),
        }
        opts = {"label": _label(d.get("name", n)), "color": CATEGORY_COLORS.get(cat, "#666666"),
                "size": round(size, 2), "shape": SHAPES.get(cat, "dot"), "info": info}
        if n in pos:
            opts.update(x=round(pos[n][0], 2), y=round(pos[n][1], 2), physics=False)
        net.add_node(str(n), **opts)
    merged: dict[tuple, dict] = {}
    for u, v, k, d in G.edges(keys=True, data=True):
        e = merged.setdefault((str(u), str(v)), {"types": [], "pmids": set(), "dois": set()})
        e["types"].append(k)
        e["pmids"].update(d.get("pmids", []))
        e["dois"].update(d.get("dois", []))
    for (u, v), e in sorted(merged.items()):
        style = EDGE_STYLES.get(e["types"][0], {"color": "#888888", "dashes": False})
        # pyvis' add_edge scans every edge for duplicates (quadratic); edges are merged above instead
        net.edges.append(Edge(u, v, True, color=style["color"], dashes=style["dashes"], width=1,
                              types=sorted(e["types"]), pmids=sorted(e["pmids"], key=lambda p: (len(p), p)),
                              dois=sorted(e["dois"])).options)
    options = {
        "physics": {"enabled": physics, "solver": "forceAtlas2Based",
                    "stabilization": {"enabled": physics, "iterations": 200, "updateInterval": 25}},
        "layout": {"improvedLayout": False},
        "edges": {"smooth": False, "arrows": {"to": {"enabled": True, "scaleFactor": 0.4}}},
        "interaction": {"hover": True, "tooltipDelay": 150, "hideEdgesOnDrag": len(G) > 500},
        "nodes": {"font": {"size": 12}},
    }
    net.set_options(json.dumps(options))
    nodes, edges, _, _, _, _ = net.get_network_data()
    cats = sorted({d.get("category", "") for _, d in G.nodes(data=True)})
    legend = [[c, CATEGORY_COLORS.get(c, "#666666")] for c in cats]
    data = {"nodes": nodes, "edges": edges, "options": options, "legend": legend,
            "edge_styles": {k: v for k, v in EDGE_STYLES.items()
                            if any(k in e["types"] for e in merged.values())},
            "physics": physics}
    js, css = _vis_assets()
    return _TEMPLATE.format(title=html.escape(title), vis_css=css, vis_js=js, data=_safe_json(data),
                            notes=html.escape(notes or ""), app_js=_APP_JS)


_APP_JS = r"""
(function () {
  "use strict";
  const data = JSON.parse(document.getElementById("evgraph-data").textContent);
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
  function describe(i, full) {
    const box = el("div", null, "evg-info");
    box.appendChild(el("div", i.name, "evg-name"));
    box.appendChild(el("div", i.category, "evg-cat"));
    const idline = el("div", null, "evg-ids");
    idline.appendChild(link(i.id, i.url));
    box.appendChild(idline);
    const r = rankText(i);
    if (r) box.appendChild(el("div", r, "evg-rank"));
    // papers as links: [[label, address], ...] after a prefix
    function papers(items, prefix, cls) {
      if (!items || !items.length) return;
      const line = el("div", prefix, cls);
      items.forEach(function (x, k) {
        if (k) line.appendChild(document.createTextNode(", "));
        line.appendChild(link(x[0], x[1]));
      });
      box.appendChild(line);
    }
    papers(i.pmids, "PMID ", "evg-pmids");
    papers(i.dois, "doi ", "evg-dois");
    if (i.modality) box.appendChild(el("div", "therapy would: " + i.modality, "evg-modality"));
    if (full && i.claim) box.appendChild(el("div", i.claim, "evg-claim"));
    return box;
  }
  const nodes = new vis.DataSet(data.nodes.map(function (n) {
    return Object.assign({}, n, {title: describe(n.info, false)});
  }));
  const edges = new vis.DataSet(data.edges.map(function (e) {
    const t = el("div", e.types.join(", "));
    if (e.pmids && e.pmids.length) t.appendChild(el("div", "PMID " + e.pmids.join(", ")));
    if (e.dois && e.dois.length) t.appendChild(el("div", "doi " + e.dois.join(", ")));
    return Object.assign({}, e, {title: t});
  }));
  const container = document.getElementById("evg-network");
  const state = {ready: false, nodes: nodes, edges: edges, started: performance.now(), drawnMs: null};
  window.evgraph = state;
  const network = new vis.Network(container, {nodes: nodes, edges: edges}, data.options);
  state.network = network;
  network.once("afterDrawing", function () {
    state.drawnMs = performance.now() - state.started;
    state.ready = true;
    document.body.setAttribute("data-drawn", "1");
  });
  const panel = document.getElementById("evg-panel");
  network.on("click", function (params) {
    panel.replaceChildren();
    if (params.nodes.length) panel.appendChild(describe(nodes.get(params.nodes[0]).info, true));
  });
  const legend = document.getElementById("evg-legend");
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
    box.addEventListener("change", function () {
      const ids = nodes.getIds({filter: function (n) { return n.info.category === pair[0]; }});
      nodes.update(ids.map(function (id) { return {id: id, hidden: !box.checked}; }));
    });
    legend.appendChild(row);
  });
  Object.keys(data.edge_styles).forEach(function (t) {
    const row = el("div", null, "evg-legend-row");
    const line = el("span", null, "evg-line");
    line.style.borderTop = "2px " + (data.edge_styles[t].dashes ? "dashed " : "solid ") + data.edge_styles[t].color;
    row.appendChild(line);
    row.appendChild(el("span", t));
    legend.appendChild(row);
  });
})();
"""

_TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:;">
<title>{title}</title>
<style>{vis_css}</style>
<style>
html, body {{ margin: 0; height: 100%; font-family: "DejaVu Sans", Arial, sans-serif; font-size: 13px; }}
#evg-header {{ padding: 6px 10px; border-bottom: 1px solid #ddd; }}
#evg-main {{ display: flex; height: calc(100% - 40px); }}
#evg-legend {{ width: 190px; overflow-y: auto; padding: 8px; border-right: 1px solid #ddd; }}
#evg-network {{ flex: 1; }}
#evg-panel {{ width: 280px; overflow-y: auto; padding: 8px; border-left: 1px solid #ddd; }}
.evg-legend-row {{ display: flex; align-items: center; gap: 6px; margin: 2px 0; }}
.evg-dot {{ width: 12px; height: 12px; border-radius: 6px; display: inline-block; }}
.evg-line {{ width: 24px; display: inline-block; }}
.evg-name {{ font-weight: bold; }} .evg-cat {{ color: #555; }} .evg-claim {{ margin-top: 6px; }}
.evg-info {{ max-width: 320px; }}
</style>
</head>
<body>
<div id="evg-header"><strong>{title}</strong> <span>{notes}</span></div>
<div id="evg-main"><div id="evg-legend"></div><div id="evg-network"></div>
<div id="evg-panel"><em>Click a node for its evidence.</em></div></div>
<script>{vis_js}</script>
<script type="application/json" id="evgraph-data">{data}</script>
<script>{app_js}</script>
</body>
</html>
"""
