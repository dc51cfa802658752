"""Explain a rank by its evidence paths:
donor cell -> EV record -> cargo -> target -> pathway -> phenotype, each step cited."""

from __future__ import annotations

from evgraph.analysis.context import record_ids, resolve_node, restrict
from evgraph.analysis.projection import edge_weight

__all__ = ["citation_links", "evidence_chains", "explain_node"]


def _step(G, u, key, v) -> dict:
    d = G.edges[u, v, key]
    step = {
        "source": u, "source_name": G.nodes[u].get("name", u), "type": key,
        "target": v, "target_name": G.nodes[v].get("name", v),
        "pmids": list(d.get("pmids", [])), "dois": list(d.get("dois", [])),
        "links": citation_links(d.get("pmids", []), d.get("dois", [])), "evidence_level": d.get("evidence_level"),
    }
    if d.get("effect"):
        step["effect"] = d["effect"]
    return step


def citation_links(pmids=(), dois=()) -> list[str]:
    """PubMed and doi.org addresses of the cited papers.

    Examples
    --------
    >>> citation_links(["24735924"], ["10.1038/ncb3169"])
    ['https://pubmed.ncbi.nlm.nih.gov/24735924/', 'https://doi.org/10.1038/ncb3169']
    """
    return [f"https://pubmed.ncbi.nlm.nih.gov/{p}/" for p in pmids] + [f"https://doi.org/{d}" for d in dois]


def _out(G, u, key):
    return sorted(v for _, v, k in G.out_edges(u, keys=True) if k == key)


def _in(G, v, key):
    return sorted(u for u, _, k in G.in_edges(v, keys=True) if k == key)


def _supports(G, u, v, key, rec) -> bool:
    return rec in G.edges[u, v, key].get("records", ())


def evidence_chains(G, *, records=None) -> list[list[tuple]]:
    """Every donor -> record -> cargo -> target -> pathway -> phenotype chain as a list
    of ``(source, type, target)`` steps, built only from edges the same record supports.

    A chain stops early where the record names no target or pathway: it then
    ends at the record's own phenotypes. A whole-EV record (no cargo molecule
    resolved) goes from the record straight to its targets or phenotypes.
    """
    chains = []
    for rec in records or record_ids(G):
        donors = _in(G, rec, "RELEASES")
        phenos = _out(G, rec, "CAUSES")
        for donor in donors:
            head = [(donor, "RELEASES", rec)]
            # a whole-EV record carries no resolved molecule: its EVs act on the targets themselves
            for cargo in _out(G, rec, "CARRIES") or [rec]:
                base = head + ([(rec, "CARRIES", cargo)] if cargo != rec else [])
                genes = [g for g in _out(G, cargo, "REGULATES") if _supports(G, cargo, g, "REGULATES", rec)]
                if not genes:
                    chains += [base + [(rec, "CAUSES", p)] for p in phenos] or [base]
                    continue
                for g in genes:
                    gstep = base + [(cargo, "REGULATES", g)]
                    pws = [p for p in _out(G, g, "ALTERS") if _supports(G, g, p, "ALTERS", rec)]
                    if not pws:
                        chains += [gstep + [(rec, "CAUSES", p)] for p in phenos] or [gstep]
                        continue
                    for pw in pws:
                        pstep = gstep + [(g, "ALTERS", pw)]
                        ends = [p for p in _out(G, pw, "CAUSES") if _supports(G, pw, p, "CAUSES", rec)]
                        chains += [pstep + [(pw, "CAUSES", p)] for p in ends] or [pstep]
    return chains


def _chain_score(G, chain) -> float:
    def papers(d):
        return len(d.get("pmids", [])) + len(d.get("dois", []))

    return float(sum(edge_weight(papers(G.edges[u, v, k]), G.edges[u, v, k].get("evidence_level", "unspecified"))
                     for u, k, v in chain))


def explain_node(G, node, *, cancer=None, top=10) -> dict:
    """The top evidence chains through ``node`` (a cargo, gene, machinery gene, drug,
    cell type, pathway or phenotype), best supported first.

    Machinery genes are linked to the records released by the cell types they
    act in; drugs to the chains of the molecule they target; genes to the
    chains of the cargo molecules they encode.

    Returns
    -------
    dict
        ``{"id", "name", "category", "cancer", "n_chains", "chains": [{"score", "steps"}]}``
        with every step's PMIDs and evidence level.
    """
    H = restrict(G, cancer=cancer) if cancer else G
    node = resolve_node(H, node)
    chains = evidence_chains(H)
    found = []
    # Prefix steps that connect a node outside the chain pattern to a chain.
    prefixes: dict[str, list[tuple]] = {}
    for _, v, k in H.out_edges(node, keys=True):
        if k == "EV_MACHINERY_IN":
            prefixes[v] = [(node, k, v)]
        elif k == "TARGETS":
            prefixes[v] = [(node, k, v)]
            for u in _in(H, v, "PRODUCT_OF"):
                prefixes[u] = [(node, k, v), (u, "PRODUCT_OF", v)]
    for u in _in(H, node, "PRODUCT_OF"):
        prefixes.setdefault(u, [(u, "PRODUCT_OF", node)])
    for chain in chains:
        members = {chain[0][0]} | {v for _, _, v in chain}
        if node in members:
            found.append(chain)
            continue
        for anchor, prefix in prefixes.items():
            if anchor in members:
                found.append(prefix + chain)
                break
    scored = sorted(((_chain_score(H, c), c) for c in found), key=lambda t: (-t[0], [s[2] for s in t[1]]))
    seen, unique = set(), []
    for score, chain in scored:
        key = tuple(chain)
        if key not in seen:
            seen.add(key)
            unique.append({"score": round(score, 6), "steps": [_step(H, u, k, v) for u, k, v in chain]})
    d = H.nodes[node]
    return {"id": node, "name": d.get("name", node), "category": d.get("category"), "cancer": cancer,
            "n_chains": len(unique), "chains": unique[:top]}
