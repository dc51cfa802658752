"""Cell-type roles in EV communication, in the style of CellChat (Jin et al. 2021).

The cell-type network has an edge ``donor -> recipient`` for every
communication record, weighted by the record's evidence. On it:

- sender: weighted out-degree (how much a cell type sends);
- receiver: weighted in-degree (how much it receives);
- mediator: betweenness with distances ``1/weight`` (how often it sits between
  two others; CellChat uses flow betweenness, evgraph shortest paths);
- influencer: information centrality (current-flow closeness) of the
  symmetrised graph, per connected component, scaled by component size.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd

from evgraph.analysis.consensus import borda, ranks_from_scores, rra
from evgraph.analysis.context import record_ids
from evgraph.analysis.projection import record_weight, to_distance

__all__ = ["ROLES", "cell_network", "cell_roles", "rank_cells"]

ROLES = ("sender", "receiver", "mediator", "influencer")


def cell_network(G, *, level_weights=None, groups=None) -> nx.DiGraph:
    """The weighted donor -> recipient cell-type graph of the communication records.

    ``groups`` maps a cell type to ``(group id, group name)`` (:func:`evgraph.names.cell_groups`):
    its records then count for the group, whose node lists its ``members``.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("EVC:0001", category="CommunicationRecord", pmids=["1"], model_system=["in_vivo"])
    >>> G.add_node("a", category="CellType"); G.add_node("b", category="CellType")
    >>> _ = G.add_edge("a", "EVC:0001", key="RELEASES"); _ = G.add_edge("EVC:0001", "b", key="TAKEN_UP_BY")
    >>> C = cell_network(G)
    >>> C["a"]["b"]["weight"], C["a"]["b"]["records"]
    (0.75, ['EVC:0001'])
    """
    C = nx.DiGraph()
    groups = groups or {}
    members: dict[str, set] = {}

    def cell(n):
        g = groups.get(n, (n,))[0]
        members.setdefault(g, set()).add(n)
        return g

    for rec in record_ids(G):
        donors = list(dict.fromkeys(cell(u) for u, _, k in G.in_edges(rec, keys=True) if k == "RELEASES"))
        recips = list(dict.fromkeys(cell(v) for _, v, k in G.out_edges(rec, keys=True) if k == "TAKEN_UP_BY"))
        w = record_weight(G, rec, level_weights=level_weights)
        for d in donors:
            for r in recips:
                if C.has_edge(d, r):
                    C[d][r]["weight"] += w
                    C[d][r]["records"].append(rec)
                else:
                    C.add_edge(d, r, weight=w, records=[rec])
    names = {g: name for g, name in groups.values()}
    for n in C:
        C.nodes[n]["name"] = names[n] if n in names else G.nodes[n].get("name", n)
        C.nodes[n]["members"] = sorted(members.get(n, {n}))
    for _, _, d in C.edges(data=True):
        d["distance"] = to_distance(d["weight"])
    return C


def _influencer(C) -> dict:
    U = nx.Graph()
    U.add_nodes_from(C)
    for u, v, d in C.edges(data=True):
        if u == v:
            continue
        if U.has_edge(u, v):
            U[u][v]["weight"] += d["weight"]
        else:
            U.add_edge(u, v, weight=d["weight"])
    out = {n: 0.0 for n in U}
    for comp in nx.connected_components(U):
        if len(comp) < 2:
            continue
        scores = nx.information_centrality(U.subgraph(comp), weight="weight")
        share = len(comp) / len(U)
        out.update({n: float(v) * share for n, v in scores.items()})
    return out


def cell_roles(C) -> pd.DataFrame:
    """Sender, receiver, mediator and influencer scores of every cell type in ``C``."""
    if len(C) == 0:
        return pd.DataFrame(columns=list(ROLES))
    loops = [(u, v) for u, v in C.edges() if u == v]
    noloop = C.copy()
    noloop.remove_edges_from(loops)
    scores = {
        "sender": dict(C.out_degree(weight="weight")),
        "receiver": dict(C.in_degree(weight="weight")),
        "mediator": nx.betweenness_centrality(noloop, weight="distance", normalized=False),
        "influencer": _influencer(C),
    }
    return pd.DataFrame({k: {n: float(v.get(n, 0.0)) for n in C} for k, v in scores.items()})


def rank_cells(G, *, consensus="rra", level_weights=None, groups=None) -> pd.DataFrame:
    """Rank cell types by their communication roles, with a consensus across roles.

    With ``groups`` (:func:`evgraph.names.cell_groups`) the grouped cell types are ranked as
    their group, and each row lists its ``members``.
    """
    C = cell_network(G, level_weights=level_weights, groups=groups)
    roles = cell_roles(C)
    cells = sorted(roles.index)
    ranks = pd.DataFrame({r: ranks_from_scores(roles[r].to_dict(), cells) for r in ROLES}, dtype=float)
    mean_rank = borda(ranks)
    cons = rra(ranks) if consensus == "rra" else mean_rank
    order = sorted(cells, key=lambda c: (cons[c], mean_rank[c], c))
    rows = []
    for i, c in enumerate(order, 1):
        score = -np.log10(max(cons[c], 1e-300)) if consensus == "rra" else \
            1.0 - (cons[c] - 1) / max(len(cells) - 1, 1)
        row = {"rank": i, "id": c, "name": C.nodes[c]["name"], "category": "CellType",
               "score": float(score), "consensus_rho" if consensus == "rra" else "mean_rank": float(cons[c])}
        for r in ROLES:
            row[f"{r}_score"] = float(roles.loc[c, r])
            row[f"{r}_rank"] = int(ranks.loc[c, r])
        active = [r for r in ROLES if roles.loc[c, r] > 0]
        row["main_role"] = min(active, key=lambda r: (ranks.loc[c, r], ROLES.index(r))) if active else ""
        row["records"] = len({rec for _, _, d in C.in_edges(c, data=True) for rec in d["records"]}
                             | {rec for _, _, d in C.out_edges(c, data=True) for rec in d["records"]})
        if groups:
            row["members"] = C.nodes[c]["members"]
        rows.append(row)
    return pd.DataFrame(rows)
