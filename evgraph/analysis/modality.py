"""Therapeutic direction: would a therapy inhibit the target or restore it?

The direction follows from the evidence, read step by step:

- a record *promotes* the tumour when the phenotypes its EVs change do so:
  it promotes a pro-tumour phenotype (metastasis) or inhibits an anti-tumour
  one (dormancy); it *suppresses* the tumour in the opposite case. Phenotypes
  whose effect depends on the setting (autophagy, inflammation) do not count;
- EV cargo of tumour-promoting records is oncogenic: **inhibit** it. Cargo of
  tumour-suppressing records is tumour-suppressive: **restore** it;
- a gene the cargo *activates* in a tumour-promoting record is to be
  inhibited; a gene (or a sponged miRNA) the cargo *represses* there is a
  suppressor the EVs switch off, to be **restored** (PTEN under miR-21). The
  reverse holds in tumour-suppressing records;
- EV machinery whose targeting reduced a pro-tumour phenotype: inhibit;
- a drug that inhibits, blocks or antagonises its target says inhibit; an
  activator says restore. A drug row itself reads the same way (an EV-release
  inhibitor is an inhibiting therapy even where its molecular target is unknown).

A target whose evidence points both ways is ``unclear``, as is one with no
directional evidence (for example a gene known only from database layers).
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from evgraph.analysis.arrays import RECORD

__all__ = ["MODALITIES", "modalities", "record_directions"]

MODALITIES = ("inhibit", "restore", "unclear")
INHIBITING_ACTIONS = frozenset({"inhibitor", "antagonist", "antibody", "antagomir"})
_SIGN = {("promotes", "pro_tumour"): 1, ("inhibits", "anti_tumour"): 1,
         ("inhibits", "pro_tumour"): -1, ("promotes", "anti_tumour"): -1}


def record_directions(A) -> dict[int, tuple[str, list[str]]]:
    """``{record index: (direction, phenotype names)}``, direction ``promotes``, ``suppresses`` or ``mixed``.

    Records whose phenotypes are all context-dependent are left out.

    Examples
    --------
    >>> import networkx as nx
    >>> from evgraph.analysis.arrays import graph_arrays
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("EVC:0001", category="CommunicationRecord")
    >>> G.add_node("p", category="Phenotype", name="metastasis", polarity="pro_tumour")
    >>> _ = G.add_edge("EVC:0001", "p", key="CAUSES", effect="inhibits")
    >>> record_directions(graph_arrays(G))
    {0: ('suppresses', ['metastasis (inhibited)'])}
    """
    signs: dict[int, set] = defaultdict(set)
    names: dict[int, list] = defaultdict(list)
    for e in np.flatnonzero(A.type_mask("CAUSES")).tolist():
        r, p = int(A.src[e]), int(A.dst[e])
        if A.categories[r] != RECORD:
            continue
        sign = _SIGN.get((A.effects[A.effect[e]], A.polarity[p] if A.polarity else None), 0)
        if sign:
            signs[r].add(sign)
            names[r].append(A.names[p] + ("" if A.effects[A.effect[e]] == "promotes" else " (inhibited)"))
    out = {}
    for r, s in signs.items():
        direction = "mixed" if len(s) == 2 else ("promotes" if 1 in s else "suppresses")
        out[r] = (direction, sorted(names[r]))
    return out


class _Votes:
    """Evidence items per target, grouped by (modality, reason) for a readable summary."""

    def __init__(self):
        self.items: dict[int, dict[tuple, set]] = defaultdict(lambda: defaultdict(set))

    def add(self, target: int, modality: str, reason: str, ref: str):
        self.items[target][(modality, reason)].add(ref)

    def result(self, target: int) -> tuple[str, list[str]]:
        found = self.items.get(target, {})
        votes = {m for (m, _) in found if m in ("inhibit", "restore")}
        modality = votes.pop() if len(votes) == 1 else "unclear"
        lines = []
        for (m, reason), refs in sorted(found.items(), key=lambda t: (MODALITIES.index(t[0][0])
                                                                        if t[0][0] in MODALITIES else 3, t[0][1])):
            shown = sorted(refs)
            more = f", +{len(shown) - 5} more" if len(shown) > 5 else ""
            lines.append(f"{m}: {reason} ({', '.join(shown[:5])}{more})")
        return modality, lines


def modalities(A, group) -> dict[str, tuple[str, list[str]]]:
    """``{target id: (modality, evidence)}`` for every target of ``A`` under ``group``.

    ``group`` maps each node index to the index of the node that stands for
    it (:func:`~evgraph.analysis.targets.target_groups`); the evidence of all
    forms of a target is pooled. ``evidence`` lists each reason once with the
    records, papers or drugs behind it.

    Examples
    --------
    >>> import networkx as nx
    >>> from evgraph.analysis.arrays import graph_arrays
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("EVC:0001", category="CommunicationRecord")
    >>> G.add_node("p", category="Phenotype", name="proliferation", polarity="pro_tumour")
    >>> G.add_node("hsa-miR-21-5p", category="MiRNA"); G.add_node("hgnc.symbol:PTEN", category="Gene")
    >>> _ = G.add_edge("EVC:0001", "p", key="CAUSES", effect="promotes")
    >>> _ = G.add_edge("EVC:0001", "hsa-miR-21-5p", key="CARRIES")
    >>> _ = G.add_edge("hsa-miR-21-5p", "hgnc.symbol:PTEN", key="REGULATES", effect="represses", records=["EVC:0001"])
    >>> A = graph_arrays(G)
    >>> m = modalities(A, range(len(A.nodes)))
    >>> m["hsa-miR-21-5p"][0], m["hgnc.symbol:PTEN"][0]
    ('inhibit', 'restore')
    """
    group = np.asarray(group, dtype=np.int64)
    directions = record_directions(A)
    votes = _Votes()
    effect = [A.effects[c] for c in A.effect.tolist()]

    def record_of(e):
        recs = A.rec_idx[A.rec_ptr[e]:A.rec_ptr[e + 1]].tolist()
        return [r for r in recs if r < len(A.nodes) and r in directions]

    def word(r):
        return "tumour-promoting" if directions[r][0] == "promotes" else "tumour-suppressing"

    for e in np.flatnonzero(A.type_mask("CARRIES")).tolist():
        r, c = int(A.src[e]), int(A.dst[e])
        if r not in directions:
            continue
        direction = directions[r][0]
        if direction == "mixed":
            votes.add(group[c], "mixed", "EV cargo of records that both promote and suppress the tumour",
                      A.nodes[r])
        else:
            votes.add(group[c], "inhibit" if direction == "promotes" else "restore",
                      f"EV cargo of {word(r)} records", A.nodes[r])
    for e in np.flatnonzero(A.type_mask("REGULATES", "SPONGES")).tolist():
        c, g = int(A.src[e]), int(A.dst[e])
        acts = effect[e] == "activates"
        verb = "activated" if acts else ("sponged" if A.types[A.etype[e]] == "SPONGES" else "repressed")
        by = "the EVs of whole-EV" if A.categories[c] == RECORD else f"EV cargo {A.names[c]} in"
        for r in record_of(e):
            direction = directions[r][0]
            if direction == "mixed":
                continue
            promoting = direction == "promotes"
            modality = "inhibit" if acts == promoting else "restore"
            votes.add(group[g], modality, f"{verb} by {by} {word(r)} records", A.nodes[r])
    for e in np.flatnonzero(A.type_mask("MACHINERY_DRIVES")).tolist():
        g, p = int(A.src[e]), int(A.dst[e])
        if effect[e] == "mixed":
            votes.add(group[g], "mixed", f"EV machinery: targeting it changed {A.names[p]} both ways in "
                                         "different studies", _papers(A, e))
            continue
        sign = _SIGN.get((effect[e] or "promotes", A.polarity[p] if A.polarity else None), 0)
        if sign:
            what = "reduced" if sign > 0 else "raised"
            votes.add(group[g], "inhibit" if sign > 0 else "restore",
                      f"EV machinery: targeting it {what} {A.names[p]}", _papers(A, e))
    for e in np.flatnonzero(A.type_mask("TARGETS")).tolist():
        d, t = int(A.src[e]), int(A.dst[e])
        action = effect[e]
        if action is None:
            continue
        modality = "inhibit" if action in INHIBITING_ACTIONS else "restore" if action == "activator" else None
        if modality:
            votes.add(group[t], modality, f"acted on by a drug ({action})", A.names[d])
            votes.add(group[d], modality, f"{action} of {A.names[t]}", _papers(A, e))
    for e in np.flatnonzero(A.type_mask("REDUCES")).tolist():
        d, p = int(A.src[e]), int(A.dst[e])
        action = effect[e]
        modality = "inhibit" if action in INHIBITING_ACTIONS else "restore" if action == "activator" else None
        if modality:
            votes.add(group[d], modality, f"{action}; reduced {A.names[p]}", _papers(A, e))
    return {A.nodes[i]: votes.result(i) for i in sorted(set(group.tolist()))}


def _papers(A, e) -> str:
    found = [A.papers[u] for u in A.unit_idx[A.unit_ptr[e]:A.unit_ptr[e + 1]].tolist()]
    return ("PMID " if found and found[0].isdigit() else "") + ", ".join(found) if found else "uncited"
