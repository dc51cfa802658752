"""The explorer page (vis-network, inlined: self-contained and offline) and publication figures
(matplotlib), in one set of colours (:mod:`evgraph.viz.colors`)."""
