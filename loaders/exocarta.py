"""ExoCarta downloads: exosomal protein, mRNA and miRNA cargo with their experiments.

Download ``EXOCARTA_PROTEIN_MRNA_DETAILS_5.txt``, ``EXOCARTA_MIRNA_DETAILS_5.txt`` and
``EXOCARTA_EXPERIMENT_DETAILS_5.txt`` from the ExoCarta download page; the data are
for academic use and are not redistributed with evgraph. See :mod:`evgraph.loaders._evdb`.
"""

from __future__ import annotations

from evgraph.loaders._evdb import register_ev_database

LICENSE = "ExoCarta terms of use (academic use, not redistributed)"


INFO = register_ev_database(
    "exocarta",
    "EXOCARTA",
    title="ExoCarta: exosomal protein, RNA and lipid cargo",
    homepage="http://www.exocarta.org",
    download="http://www.exocarta.org/download (files EXOCARTA_*_DETAILS_<release>.txt)",
    license=LICENSE,
    citation="Keerthikumar S, et al. ExoCarta: A Web-Based Compendium of Exosomal Cargo. "
             "J Mol Biol. 2016;428(4):688-692.",
    order=20,
)
