"""Vesiclepedia downloads: extracellular-vesicle protein, mRNA and miRNA cargo with experiments.

Download ``VESICLEPEDIA_PROTEIN_MRNA_DETAILS_5.1.txt``, ``VESICLEPEDIA_MIRNA_DETAILS_5.1.txt``
and ``VESICLEPEDIA_EXPERIMENT_DETAILS_5.1.txt`` from the Vesiclepedia download page (the
site blocks scripted downloads; use a browser). Same layout as ExoCarta, see
:mod:`evgraph.loaders._evdb`.
"""

from __future__ import annotations

from evgraph.loaders._evdb import ev_file_roles, load_ev_database
from evgraph.loaders.registry import SourceInfo, register

LICENSE = "Vesiclepedia terms of use (academic use, not redistributed)"


def load(files, ctx):
    return load_ev_database(files, ctx, name="vesiclepedia", license=LICENSE)


INFO = register(SourceInfo(
    name="vesiclepedia",
    title="Vesiclepedia: extracellular-vesicle cargo of every vesicle type",
    homepage="http://microvesicles.org",
    download="http://microvesicles.org/download (files VESICLEPEDIA_*_DETAILS_<release>.txt)",
    license=LICENSE,
    citation="Kalra H, et al. Vesiclepedia: a compendium for extracellular vesicles with continuous "
             "community annotation. PLoS Biol. 2012;10(12):e1001450. doi:10.1371/journal.pbio.1001450",
    files=ev_file_roles("VESICLEPEDIA"),
    load=load,
    one_of=("protein_mrna", "mirna"),
    order=21,
))
