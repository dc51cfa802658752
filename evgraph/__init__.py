"""evgraph: extracellular-vesicle communication networks in cancer.

A cited knowledge graph of donor cell -> EV cargo -> recipient cell
communication, and network-centrality ranking of candidate therapeutic
targets. Heavy libraries are imported lazily so the CLI starts fast.
"""

__version__ = "0.1.0"
__all__ = ["__version__"]
