"""Rank candidate targets: restrict -> columns -> network -> scores -> consensus -> uncertainty -> rows.

:func:`rank_targets` runs the stages in that order; each stage is a function of its
own, so a study can rerun one (say, the network under other weights) and keep the rest.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from evgraph.analysis.arrays import RECORD, graph_arrays
from evgraph.analysis.consensus import agreement
from evgraph.analysis.context import context_seeds, restrict
from evgraph.analysis.methods import DEFAULT_METHODS, LARGE_GRAPH_WORK, LARGE_SUBSTITUTES, METHODS, get_method
from evgraph.analysis.modality import modalities
from evgraph.analysis.network import Network
from evgraph.analysis.scoring import CONSENSUS, score_candidates
from evgraph.analysis.targets import GRANULARITIES, targets_of
from evgraph.analysis.uncertainty import bh_qvalues, bootstrap_ranks, permutation_pvalues
from evgraph.errors import InputError, UnknownChoiceError

__all__ = ["RankResult", "rank_targets", "candidate_targets", "known_drugs", "CONSENSUS", "MIN_RECORDS",
           "round_sig", "score_candidates"]

# Below this many communication records a context has too little evidence to rank meaningfully.
MIN_RECORDS = 5


def round_sig(x: float, digits: int = 6) -> float:
    """Round to ``digits`` significant digits (small p-values and rho keep their size), never ``-0.0``.

    Examples
    --------
    >>> round_sig(1.23456789e-9), round_sig(-0.0), round_sig(123.456789)
    (1.23457e-09, 0.0, 123.457)
    """
    if x == 0 or not math.isfinite(x):
        return 0.0 if x == 0 else x
    return round(x, digits - 1 - int(math.floor(math.log10(abs(x))))) + 0.0


@dataclass
class RankResult:
    """The ranked rows (best first), method agreement and the parameters that produced them."""

    rows: list[dict]
    agreement: dict
    params: dict = field(default_factory=dict)

    @property
    def table(self):
        """The rows as a pandas DataFrame (built on demand: pandas is slow to import)."""
        import pandas as pd

        return pd.DataFrame(self.rows)

    def records(self, top: int | None = None) -> list[dict]:
        """JSON-ready rows (lists kept, NaN as ``None``, floats to 6 significant digits), best first."""
        rows = self.rows if top is None else self.rows[:top]
        out = []
        for row in rows:
            clean = {}
            for k, v in row.items():
                if isinstance(v, float):
                    v = None if v != v else round_sig(v)
                elif isinstance(v, np.integer):
                    v = int(v)
                clean[k] = v
            out.append(clean)
        return out


def known_drugs(G, node) -> list[str]:
    """Names of drugs or inhibitors that act on ``node`` or on the gene it is a product of."""
    targets = {node}
    targets |= {v for _, v, k in G.out_edges(node, keys=True) if k == "PRODUCT_OF"}
    names = set()
    for t in targets:
        for u, _, k in G.in_edges(t, keys=True):
            if k == "TARGETS":
                names.add(str(G.nodes[u].get("name", u)))
    return sorted(names)


# -- stage: options -------------------------------------------------------------------------------

def _check_options(methods, consensus, candidates, granularity, bootstrap, permutations, precomputed, ci):
    for name in methods:
        get_method(name)
    if consensus not in CONSENSUS:
        raise UnknownChoiceError("consensus", consensus, CONSENSUS)
    if granularity not in GRANULARITIES:
        raise UnknownChoiceError("granularity", granularity, GRANULARITIES)
    if candidates == "cells":
        raise InputError("use evgraph.analysis.roles.rank_cells for cell-type roles")
    if bootstrap < 0 or permutations < 0:
        raise InputError("--bootstrap and --permutations must be >= 0")
    if precomputed and granularity != "molecule":
        raise InputError("scores computed elsewhere (Neo4j GDS) are per molecule, as the database stores them: "
                         "use granularity 'molecule'")
    if precomputed and (bootstrap or permutations):
        raise InputError("scores computed elsewhere cannot be bootstrapped or permuted; "
                         "use the networkx or igraph engine for --bootstrap and --permutations")
    if not 0 < ci < 1:
        raise InputError("ci must be between 0 and 1")


# -- stage: columns and network -------------------------------------------------------------------

def columns(G, H, arrays=None):
    """The ranking columns of the restricted graph ``H`` (``arrays`` of ``G`` when nothing was filtered)."""
    return arrays if arrays is not None and H is G else graph_arrays(H)


def candidate_targets(A, targets, which="all", *, include_biomarkers=False) -> list:
    """Targets standing for a candidate of kind ``which`` that take part in the evidence network.

    A target takes part when one of its forms has an edge of evidence in the
    projection: an identifier mapping alone (a biomarker-only protein and its
    gene) does not count, nor do biomarker claims unless ``include_biomarkers``.
    """
    from evgraph.analysis.projection import EXCLUDED_CATEGORIES

    keep = ~A.category_mask(set() if include_biomarkers else EXCLUDED_CATEGORIES)
    real = keep[A.src] & keep[A.dst] & ~A.type_mask("PRODUCT_OF")
    involved = np.zeros(len(A.nodes), dtype=bool)
    involved[targets.group[A.src[real]]] = True
    involved[targets.group[A.dst[real]]] = True
    reps = {int(targets.group[A.index[c]]) for c in A.candidates(which, include_biomarkers=include_biomarkers)}
    return sorted(A.nodes[i] for i in reps if involved[i])


def _methods_for(net, methods, defaults):
    """Exact betweenness and closeness cost O(nm): on large graphs the defaults use sampled sources."""
    if defaults and len(net) * len(net.src) > LARGE_GRAPH_WORK:
        substituted = {m: LARGE_SUBSTITUTES[m] for m in methods if m in LARGE_SUBSTITUTES}
        return [substituted.get(m, m) for m in methods], substituted
    return methods, {}


# -- stage: rows ----------------------------------------------------------------------------------

def _per_target(A, group):
    """Distinct papers, records and cancers behind each target, and its drugs (all forms pooled)."""
    n = len(A.nodes)
    paper_sets: dict[int, set] = {}
    owner = np.repeat(np.arange(len(A.src)), np.diff(A.unit_ptr))
    for end in (A.src, A.dst):
        g = group[end[owner]]
        for t, p in zip(g.tolist(), A.unit_idx.tolist()):
            paper_sets.setdefault(t, set()).add(p)
    rec_owner = np.repeat(np.arange(len(A.src)), np.diff(A.rec_ptr))
    records: dict[int, set] = {}
    for end in (A.src, A.dst):
        g = group[end[rec_owner]]
        for t, r in zip(g.tolist(), A.rec_idx.tolist()):
            if r < n:
                records.setdefault(t, set()).add(r)
    cancers: dict[int, set] = {}
    ctx = A.type_mask("IN_CONTEXT_OF")
    for r, c in zip(A.src[ctx].tolist(), A.dst[ctx].tolist()):
        if A.categories[r] == RECORD:
            cancers.setdefault(r, set()).add(A.names[c])
    drugs: dict[int, set] = {}
    for node, names in A.drugs.items():
        drugs.setdefault(int(group[A.index[node]]), set()).update(names)
    return paper_sets, records, cancers, drugs


def build_rows(A, targets, cands, scored, methods, *, consensus, uncertainty=None, pvalues=None):
    """One row per candidate: identity, forms, roles, therapeutic direction, scores, uncertainty, evidence."""
    papers, records, cancers, drugs = _per_target(A, targets.group)
    modality = modalities(A, targets.group)
    qvalues = bh_qvalues(pvalues) if pvalues else {}
    names = dict(zip(A.nodes, A.names))
    rows = []
    for c in cands:
        i = A.index[c]
        cons = scored.consensus[c]
        recs = records.get(i, set())
        mod, why = modality.get(c, ("unclear", []))
        row = {
            "rank": scored.final[c],
            "id": c,
            "name": A.names[i],
            "category": A.categories[i],
            "forms": targets.forms.get(c, [c]),
            "form_names": [names[f] for f in targets.forms.get(c, [c])],
            "roles": targets.roles.get(c, []),
            "modality": mod,
            "modality_evidence": why,
            "score": float(-np.log10(max(cons, 1e-300))) + 0.0 if consensus == "rra" else
            float(1.0 - (cons - 1) / max(len(cands) - 1, 1)),
            "consensus_rho" if consensus == "rra" else "mean_rank": float(cons),
        }
        for name in methods:
            row[METHODS[name].column] = scored.scores[name][c]
            row[f"{name}_rank"] = scored.ranks[name][c]
        u = uncertainty
        row["rank_low"] = u.low.get(c) if u else None
        row["rank_high"] = u.high.get(c) if u else None
        row["top_k_frequency"] = u.top_k.get(c) if u else None
        row["p_value"] = pvalues.get(c) if pvalues else None
        row["q_value"] = qvalues.get(c) if pvalues else None
        row["n_pmids"] = len(papers.get(i, ()))
        row["n_records"] = len(recs)
        row["cancers"] = sorted(set().union(*(cancers.get(r, set()) for r in recs))) if recs else []
        row["drugs"] = sorted(drugs.get(i, ()))
        rows.append(row)
    rows.sort(key=lambda r: r["rank"])
    return rows


# -- the pipeline ---------------------------------------------------------------------------------

def rank_targets(
    G,
    *,
    methods=None,
    candidates="all",
    granularity="target",
    cancer=None,
    species=None,
    evidence=None,
    model_system=None,
    context=None,
    consensus="rra",
    include_biomarkers=False,
    bootstrap=0,
    permutations=0,
    ci=0.95,
    top_k=10,
    seed=0,
    engine="auto",
    level_weights=None,
    n_jobs=1,
    precomputed=None,
    arrays=None,
):
    """Rank candidate therapeutic targets in the EV communication network.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The knowledge graph (:func:`evgraph.model.to_graph`).
    methods : list of str, optional
        Registered method names (default :data:`~evgraph.analysis.methods.DEFAULT_METHODS`,
        plus ``ppr`` when a ``context`` is given).
    candidates : str, optional (default="all")
        One of :data:`~evgraph.analysis.context.CANDIDATE_SETS` except ``cells``
        (see :func:`evgraph.analysis.roles.rank_cells`).
    granularity : {"target", "molecule"}, optional (default="target")
        ``target`` ranks a gene together with its protein, mRNA, lncRNA and DNA
        products, and a miRNA with its arm-less name
        (:func:`~evgraph.analysis.targets.target_groups`); ``molecule`` ranks
        every node on its own.
    cancer, species, evidence, model_system : str, optional
        Restrict the graph first (:func:`~evgraph.analysis.context.restrict`).
    context : str or list of str, optional
        Seeds for personalised PageRank: a cancer, phenotype, cell type or node ids.
    consensus : {"rra", "borda"}
    include_biomarkers : bool, optional (default=False)
        Keep biomarker claims in the network (and molecules known only from
        them as candidates).
    bootstrap : int, optional (default=0)
        Replicates resampling the papers behind the evidence
        (:func:`~evgraph.analysis.uncertainty.bootstrap_ranks`); gives
        ``rank_low``, ``rank_high`` (the central ``ci`` interval) and
        ``top_k_frequency`` (the share of replicates in the top ``top_k``).
    permutations : int, optional (default=0)
        Degree-preserving rewirings for the empirical ``p_value``, with the
        Benjamini-Hochberg ``q_value`` across the candidates of the run.
    ci : float, optional (default=0.95)
    top_k : int, optional (default=10)
    seed : int, optional (default=0)
        Seeds every random step; the same seed gives the same result.
    engine : {"auto", "networkx", "igraph"}
    level_weights : dict, optional
        Weight per evidence level (:data:`~evgraph.analysis.projection.DEFAULT_LEVEL_WEIGHTS`).
    n_jobs : int, optional (default=1)
        Worker processes for the methods (on large graphs), the bootstrap and
        the permutations; results do not depend on it.
    precomputed : dict, optional
        ``{method: {node: score}}`` computed elsewhere (e.g. inside Neo4j with
        GDS); those methods are not recomputed. Not combinable with the
        bootstrap or permutations, which must recompute every replicate.
    arrays : GraphArrays, optional
        :func:`~evgraph.analysis.arrays.graph_arrays` of ``G``, read earlier
        (e.g. from a cache). Used when no filter applies; ``G`` itself is then
        only read for a context or the permutations.

    Returns
    -------
    RankResult
        ``rows`` best first: rank, id, name, category, forms, roles,
        modality (inhibit, restore or unclear) with its evidence, score,
        per-method scores and ranks, rank_low, rank_high, top_k_frequency,
        p_value, q_value, n_pmids (distinct papers), n_records, cancers, drugs.
        ``params`` holds every setting, the graph size and any warnings.

    Examples
    --------
    >>> from evgraph.loaders import load_kb
    >>> from evgraph.model import to_graph
    >>> res = rank_targets(to_graph(load_kb()), candidates="cargo", methods=["degree", "pagerank"])
    >>> res.rows[0]["rank"], res.rows[0]["modality"] in ("inhibit", "restore", "unclear")
    (1, True)
    """
    defaults = not methods
    methods = list(methods or DEFAULT_METHODS)
    _check_options(methods, consensus, candidates, granularity, bootstrap, permutations, precomputed, ci)
    H = restrict(G, cancer=cancer, species=species, evidence=evidence, model_system=model_system)
    A = columns(G, H, arrays)
    targets = targets_of(A, granularity)
    projection = {"level_weights": level_weights, "include_biomarkers": include_biomarkers,
                  "groups": targets.group}
    net = Network.from_knowledge(H, engine, arrays=A, **projection)
    seeds = None
    if context:
        seeds = sorted({A.nodes[targets.group[A.index[s]]] for s in context_seeds(H, context)})
        if "ppr" not in methods:
            methods.append("ppr")
    if "ppr" in methods and not seeds:
        raise InputError("method 'ppr' needs a context: give --context (a cancer, phenotype, cell type or node id)")
    cands = candidate_targets(A, targets, candidates, include_biomarkers=include_biomarkers)
    if not cands:
        raise InputError(f"no {candidates} candidates in this context")
    methods, substituted = _methods_for(net, methods, defaults)
    # methods run side by side only where that pays for the processes (large graphs)
    method_jobs = n_jobs if len(net) * len(net.src) > LARGE_GRAPH_WORK else 1
    scored = score_candidates(net, cands, methods, seeds=seeds, seed=seed, consensus=consensus,
                              precomputed=precomputed, n_jobs=method_jobs)
    uncertainty = pvalues = None
    if bootstrap:
        uncertainty = bootstrap_ranks(H, cands, methods, n=bootstrap, seed=seed, ci=ci, seeds=seeds,
                                      consensus=consensus, engine=net.engine, n_jobs=n_jobs, arrays=A, k=top_k,
                                      **projection)
    if permutations:
        pvalues = permutation_pvalues(net, cands, methods, scored.final, n=permutations, seed=seed, seeds=seeds,
                                      consensus=consensus, n_jobs=n_jobs)
    rows = build_rows(A, targets, cands, scored, methods, consensus=consensus, uncertainty=uncertainty,
                      pvalues=pvalues)
    n_records = sum(1 for c in A.categories if c == RECORD)
    warnings = []
    if n_records < MIN_RECORDS:
        warnings.append(f"only {n_records} communication record(s) in this context: too few to rank "
                        "meaningfully; read the ranking as a list of the evidence, not a prioritisation")
    params = {
        "methods": methods, "candidates": candidates, "granularity": granularity, "cancer": cancer,
        "species": species, "evidence": evidence, "model_system": model_system, "context": context,
        "context_seeds": seeds, "consensus": consensus, "include_biomarkers": include_biomarkers,
        "bootstrap": bootstrap, "permutations": permutations, "ci": ci, "top_k": top_k, "seed": seed,
        "engine": "precomputed+" + net.engine if precomputed else net.engine, "substituted": substituted,
        "n_candidates": len(cands), "n_records": n_records,
        "bootstrap_papers": uncertainty.n_papers if uncertainty else None,
        "graph": {"nodes": len(net), "edges": int(len(net.src))}, "warnings": warnings,
    }
    method_ranks = {m: scored.ranks[m] for m in methods}
    return RankResult(rows=rows, agreement=agreement(method_ranks, k=min(10, len(cands))), params=params)
