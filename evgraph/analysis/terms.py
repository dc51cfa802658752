"""The vocabulary of a graph: its cancers, cell types, body fluids and phenotypes with their
synonyms, broader terms and how many records name them."""

from __future__ import annotations

from evgraph import names, ontology

__all__ = ["TERM_CATEGORIES", "term_table"]

TERM_CATEGORIES = ("Cancer", "CellType", "BodyFluid", "Phenotype", "CellLine")


def _claims(G, node) -> int:
    return sum(1 for u, _, k in G.in_edges(node, keys=True)
               if k in ("IN_CONTEXT_OF", "IN_FLUID") and G.nodes[u].get("category") == "BiomarkerClaim")


def term_table(G, categories=TERM_CATEGORIES) -> list[dict]:
    """One row per term of the given categories, by category then name.

    Returns
    -------
    list of dict
        ``category``, ``id``, ``name``, ``synonyms`` (the ontology's synonyms and curated names),
        ``records`` (communication records naming the term: a cancer's records, those a cell type
        releases or takes up, a phenotype's), ``records_with_subtypes`` (also its subtypes'),
        ``claims`` (biomarker claims in the cancer or fluid), ``detections`` (cargo detected in it,
        from EV databases) and ``broader`` (ids of the nearest broader terms in the graph).

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("MONDO:0008903", category="Cancer", name="lung cancer")
    >>> G.add_node("MONDO:0005233", category="Cancer", name="non-small cell lung carcinoma")
    >>> G.add_node("EVC:0001", category="CommunicationRecord")
    >>> _ = G.add_edge("EVC:0001", "MONDO:0005233", key="IN_CONTEXT_OF")
    >>> [(r["name"], r["records"], r["records_with_subtypes"], r["broader"]) for r in term_table(G)]
    [('lung cancer', 0, 1, []), ('non-small cell lung carcinoma', 1, 1, ['MONDO:0008903'])]
    """
    wanted = [c for c in TERM_CATEGORIES if c in set(categories)]
    by_cat: dict[str, list] = {c: [] for c in wanted}
    for n, c in G.nodes(data="category"):
        if c in by_cat:
            by_cat[c].append(n)
    rows = []
    for cat in wanted:
        nodes = by_cat[cat]
        own = {n: names.records_of(G, n) if cat != "BodyFluid" else set() for n in nodes}
        up = {n: ontology.ancestors(n) & set(nodes) for n in nodes}
        for n in sorted(nodes, key=lambda n: (str(G.nodes[n].get("name", n)).lower(), n)):
            term = ontology.term(n) if n.split(":", 1)[0].split("_", 1)[0] in ontology.ONTOLOGY_CATEGORIES else None
            below = [m for m in nodes if n in up[m]]
            nearest = sorted(a for a in up[n] if not any(a in up[b] for b in up[n]))
            rows.append({
                "category": cat, "id": n, "name": G.nodes[n].get("name", n),
                "synonyms": list(term.synonyms + term.curated_names) if term else [],
                "records": len(own[n]),
                "records_with_subtypes": len(own[n].union(*(own[m] for m in below))),
                "claims": _claims(G, n),
                "detections": sum(1 for _, _, k in G.in_edges(n, keys=True) if k == "DETECTED_IN"),
                "broader": nearest,
            })
    return rows
