"""Links from identifiers to their databases, and from PMIDs to PubMed."""

from __future__ import annotations

from urllib.parse import quote

__all__ = ["doi_url", "id_url", "pmid_url"]


def pmid_url(pmid: str) -> str:
    """
    Examples
    --------
    >>> pmid_url("24735924")
    'https://pubmed.ncbi.nlm.nih.gov/24735924/'
    """
    return f"https://pubmed.ncbi.nlm.nih.gov/{quote(str(pmid))}/"


def doi_url(doi: str) -> str:
    """
    Examples
    --------
    >>> doi_url("10.1038/ncb3169")
    'https://doi.org/10.1038/ncb3169'
    """
    return f"https://doi.org/{quote(str(doi), safe='/:;()._-')}"


def id_url(node_id: str) -> str | None:
    """The database page of an evgraph identifier, or ``None`` for local ids.

    Examples
    --------
    >>> id_url("CL:0000057")
    'https://purl.obolibrary.org/obo/CL_0000057'
    >>> id_url("hsa-miR-21-5p")
    'https://www.mirbase.org/results/?query=hsa-miR-21-5p'
    >>> id_url("CVCL_0062")
    'https://www.cellosaurus.org/CVCL_0062'
    """
    nid = str(node_id)
    prefix, _, local = nid.partition(":")
    if prefix in ("CL", "MONDO", "GO", "UBERON", "DOID", "CHEBI"):
        return f"https://purl.obolibrary.org/obo/{quote(prefix)}_{quote(local)}"
    if prefix == "NCIT":
        return f"https://purl.obolibrary.org/obo/NCIT_{quote(local)}"
    if nid.startswith("CVCL_"):
        return f"https://www.cellosaurus.org/{quote(nid)}"
    if prefix == "REACT":
        return f"https://reactome.org/content/detail/{quote(local)}"
    if prefix in ("hgnc.symbol", "protein", "mrna", "lncrna", "dna"):
        return f"https://www.genenames.org/tools/search/#!/?query={quote(local)}"
    if prefix == "CHEMBL.COMPOUND":
        return f"https://www.ebi.ac.uk/chembl/compound_report_card/{quote(local)}/"
    if prefix == "circrna" and local.startswith("hsa_circ_"):
        return f"https://www.circbase.org/cgi-bin/singlerecord.cgi?id={quote(local)}"
    if "-miR-" in nid or "-let-" in nid:
        return f"https://www.mirbase.org/results/?query={quote(nid)}"
    return None
