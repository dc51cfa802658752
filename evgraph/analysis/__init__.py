"""Network analysis: projection, centralities, consensus, uncertainty, explanations.

Imports only the core (:mod:`evgraph.schema`, :mod:`evgraph.tables`,
:mod:`evgraph.model`); never loaders, db or viz. Names are loaded on first
use (PEP 562) so that ``evgraph rank`` does not pay for modules it does not run.
"""

from importlib import import_module

_EXPORTS = {
    "agreement": "consensus", "borda": "consensus", "kendall_tau": "consensus", "rra": "consensus",
    "rra_matrix": "consensus", "top_k_overlap": "consensus",
    "CANDIDATE_SETS": "context", "cancer_ids": "context", "candidates": "context", "context_seeds": "context",
    "resolve_node": "context", "restrict": "context",
    "TERM_CATEGORIES": "terms", "term_table": "terms",
    "evidence_chains": "explain", "explain_node": "explain",
    "DEFAULT_METHODS": "methods", "METHODS": "methods", "get_method": "methods", "run_method": "methods",
    "ENGINES": "network", "Network": "network",
    "edge_weight": "projection", "project": "projection",
    "RankResult": "ranking", "rank_targets": "ranking",
    "cell_network": "roles", "cell_roles": "roles", "rank_cells": "roles",
    "bootstrap_ranks": "uncertainty", "permutation_pvalues": "uncertainty", "xswap": "uncertainty",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name):
    if name in _EXPORTS:
        return getattr(import_module(f"evgraph.analysis.{_EXPORTS[name]}"), name)
    raise AttributeError(f"module 'evgraph.analysis' has no attribute {name!r}")


def __dir__():
    return __all__
