"""Vesiclepedia downloads: extracellular-vesicle protein, mRNA and miRNA cargo with experiments.

Download ``VESICLEPEDIA_PROTEIN_MRNA_DETAILS_5.1.txt``, ``VESICLEPEDIA_MIRNA_DETAILS_5.1.txt``
and ``VESICLEPEDIA_EXPERIMENT_DETAILS_5.1.txt`` from the Vesiclepedia download page (the
site blocks scripted downloads; use a browser). Same layout as ExoCarta, see
:mod:`evgraph.loaders._evdb`.
"""

from __future__ import annotations

from evgraph.loaders._evdb import register_ev_database

LICENSE = "Vesiclepedia terms of use (academic use, not redistributed)"


INFO = register_ev_database(
    "vesiclepedia",
    "VESICLEPEDIA",
    title="Vesiclepedia: extracellular-vesicle cargo of every vesicle type",
    homepage="http://microvesicles.org",
    download="http://microvesicles.org/download (files VESICLEPEDIA_*_DETAILS_<release>.txt)",
    license=LICENSE,
    citation="Kalra H, et al. Vesiclepedia: a compendium for extracellular vesicles with continuous "
             "community annotation. PLoS Biol. 2012;10(12):e1001450. doi:10.1371/journal.pbio.1001450",
    order=21,
)
