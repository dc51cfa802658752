"""Interactive network pages (pyvis + vis-network, self-contained and offline) and
publication figures (matplotlib). The only package that imports pyvis."""
