"""ExoCarta downloads: exosomal protein, mRNA and miRNA cargo with their experiments.

Download ``EXOCARTA_PROTEIN_MRNA_DETAILS_5.txt``, ``EXOCARTA_MIRNA_DETAILS_5.txt`` and
``EXOCARTA_EXPERIMENT_DETAILS_5.txt`` from the ExoCarta download page; the data are
for academic use and are not redistributed with evgraph. See :mod:`evgraph.loaders._evdb`.
"""

from __future__ import annotations

from evgraph.loaders._evdb import ev_file_roles, load_ev_database
from evgraph.loaders.registry import SourceInfo, register

LICENSE = "ExoCarta terms of use (academic use, not redistributed)"


def load(files, ctx):
    return load_ev_database(files, ctx, name="exocarta", license=LICENSE)


INFO = register(SourceInfo(
    name="exocarta",
    title="ExoCarta: exosomal protein, RNA and lipid cargo",
    homepage="http://www.exocarta.org",
    download="http://www.exocarta.org/download (files EXOCARTA_*_DETAILS_<release>.txt)",
    license=LICENSE,
    citation="Keerthikumar S, et al. ExoCarta: A Web-Based Compendium of Exosomal Cargo. "
             "J Mol Biol. 2016;428(4):688-692.",
    files=ev_file_roles("EXOCARTA"),
    load=load,
    one_of=("protein_mrna", "mirna"),
    order=20,
))
