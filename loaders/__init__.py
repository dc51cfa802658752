"""Loaders: each reads one kind of source and returns canonical :class:`~evgraph.tables.Tables`.

Installed as ``evgraph.loaders``. Loaders import only the core
(:mod:`evgraph.schema`, :mod:`evgraph.tables`, :mod:`evgraph.exchange`) and
never each other's internals beyond the shared reading helpers.
"""

from evgraph.loaders.curated import BUNDLED, load_curated
from evgraph.loaders.kb import load_kb, load_sources

__all__ = ["BUNDLED", "load_curated", "load_kb", "load_sources"]
