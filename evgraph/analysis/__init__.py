"""Network analysis: projection, centralities, consensus, uncertainty, explanations.

Imports only the core (:mod:`evgraph.schema`, :mod:`evgraph.tables`,
:mod:`evgraph.model`); never loaders, db or viz.
"""

from evgraph.analysis.consensus import agreement, borda, kendall_tau, rra, top_k_overlap
from evgraph.analysis.context import CANDIDATE_SETS, candidates, context_seeds, resolve_node, restrict
from evgraph.analysis.explain import evidence_chains, explain_node
from evgraph.analysis.methods import DEFAULT_METHODS, METHODS, get_method, run_method
from evgraph.analysis.network import ENGINES, Network
from evgraph.analysis.projection import edge_weight, project
from evgraph.analysis.ranking import RankResult, rank_targets
from evgraph.analysis.roles import cell_network, cell_roles, rank_cells
from evgraph.analysis.uncertainty import bootstrap_ranks, permutation_pvalues, xswap

__all__ = [
    "CANDIDATE_SETS", "DEFAULT_METHODS", "ENGINES", "METHODS", "Network", "RankResult",
    "agreement", "borda", "bootstrap_ranks", "candidates", "cell_network", "cell_roles",
    "context_seeds", "edge_weight", "evidence_chains", "explain_node", "get_method", "kendall_tau",
    "permutation_pvalues", "project", "rank_cells", "rank_targets", "resolve_node", "restrict",
    "rra", "run_method", "top_k_overlap", "xswap",
]
