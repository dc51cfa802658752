"""The ranked unit: a druggable target together with the molecular forms it merges.

A biologist asks "which targets", so by default a gene is ranked together with its
protein, mRNA, lncRNA and DNA products, and a mature miRNA together with the
arm-less name papers use for it. ``granularity="molecule"`` ranks every node on
its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from evgraph.errors import UnknownChoiceError

__all__ = ["GRANULARITIES", "ROLES", "Targets", "target_groups", "targets_of"]

GRANULARITIES = ("target", "molecule")
# The roles that put a molecule in the graph, in the order rows list them.
ROLES = ("EV cargo", "target of EV cargo", "EV machinery", "drug target", "drug", "EV biomarker")
_ARM = re.compile(r"^(?P<base>[a-z]{3}-(?:miR|let)-[0-9]+[a-z]{0,2}(?:-[0-9]+)?)-(?P<arm>[35]p)$")


def target_groups(A, granularity: str = "target") -> np.ndarray:
    """For every node of ``A``, the index of the node that stands for it.

    A product (``PRODUCT_OF``) stands under its gene. An arm-less miRNA name
    (``hsa-miR-105``) stands under its mature form when exactly one arm of it
    (``hsa-miR-105-5p``) is in the graph: the arm-less name is what papers
    wrote before miRBase named the arms, and with one arm present it can only
    mean that one. With both arms present it stays on its own.

    Examples
    --------
    >>> import networkx as nx
    >>> from evgraph.analysis.arrays import graph_arrays
    >>> G = nx.MultiDiGraph()
    >>> for n, c in [("protein:CD274", "Protein"), ("hgnc.symbol:CD274", "Gene"),
    ...              ("hsa-miR-105", "MiRNA"), ("hsa-miR-105-5p", "MiRNA")]:
    ...     G.add_node(n, category=c)
    >>> _ = G.add_edge("protein:CD274", "hgnc.symbol:CD274", key="PRODUCT_OF")
    >>> A = graph_arrays(G)
    >>> [A.nodes[i] for i in target_groups(A)]
    ['hgnc.symbol:CD274', 'hgnc.symbol:CD274', 'hsa-miR-105-5p', 'hsa-miR-105-5p']
    """
    if granularity not in GRANULARITIES:
        raise UnknownChoiceError("granularity", granularity, GRANULARITIES)
    n = len(A.nodes)
    group = np.arange(n, dtype=np.int64)
    if granularity == "molecule":
        return group
    sel = np.flatnonzero(A.type_mask("PRODUCT_OF"))
    # a product listed under several genes (rare) goes to the first by id, whatever the edge order
    for e in sorted(sel.tolist(), key=lambda e: A.nodes[A.dst[e]], reverse=True):
        group[A.src[e]] = A.dst[e]
    arms: dict[str, list[int]] = {}
    for i, (node, cat) in enumerate(zip(A.nodes, A.categories)):
        if cat == "MiRNA":
            m = _ARM.match(str(node))
            if m:
                arms.setdefault(m["base"], []).append(i)
    for i, (node, cat) in enumerate(zip(A.nodes, A.categories)):
        if cat == "MiRNA" and len(arms.get(str(node), ())) == 1:
            group[i] = arms[str(node)][0]
    return group


@dataclass
class Targets:
    """The groups of one graph: who stands for whom, the forms of each target and its roles."""

    group: np.ndarray
    forms: dict
    roles: dict

    def of(self, index: int) -> int:
        return int(self.group[index])


def _role_masks(A) -> dict[str, np.ndarray]:
    n = len(A.nodes)

    def at(ends, *types):
        mask = np.zeros(n, dtype=bool)
        mask[ends[A.type_mask(*types)]] = True
        return mask

    return {
        "EV cargo": at(A.dst, "CARRIES") | at(A.src, "DETECTED_IN"),
        "target of EV cargo": at(A.dst, "REGULATES", "SPONGES"),
        "EV machinery": at(A.src, "EV_MACHINERY_IN", "MACHINERY_DRIVES"),
        "drug target": at(A.dst, "TARGETS"),
        "drug": A.category_mask({"Drug"}),
        "EV biomarker": at(A.dst, "MEASURES"),
    }


def targets_of(A, granularity: str = "target") -> Targets:
    """:func:`target_groups` with each target's forms (node ids, sorted) and roles.

    Examples
    --------
    >>> import networkx as nx
    >>> from evgraph.analysis.arrays import graph_arrays
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("EVC:0001", category="CommunicationRecord")
    >>> G.add_node("protein:CD274", category="Protein"); G.add_node("hgnc.symbol:CD274", category="Gene")
    >>> _ = G.add_edge("EVC:0001", "protein:CD274", key="CARRIES")
    >>> _ = G.add_edge("protein:CD274", "hgnc.symbol:CD274", key="PRODUCT_OF")
    >>> t = targets_of(graph_arrays(G))
    >>> t.forms["hgnc.symbol:CD274"], t.roles["hgnc.symbol:CD274"]
    (['hgnc.symbol:CD274', 'protein:CD274'], ['EV cargo'])
    """
    group = target_groups(A, granularity)
    masks = _role_masks(A)
    forms: dict[str, list] = {}
    roles: dict[str, set] = {}
    for i, g in enumerate(group.tolist()):
        rep = A.nodes[g]
        forms.setdefault(rep, []).append(A.nodes[i])
        have = roles.setdefault(rep, set())
        have.update(r for r in ROLES if masks[r][i])
    return Targets(group=group, forms={k: sorted(v) for k, v in forms.items()},
                   roles={k: [r for r in ROLES if r in v] for k, v in roles.items()})
