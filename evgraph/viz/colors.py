"""The colours of node categories and relationship types, shared by the page, the figures and
the CX2 style, so that a miRNA has one colour wherever it is drawn."""

from __future__ import annotations

__all__ = ["CATEGORY_COLORS", "EDGE_STYLES", "OTHER", "category_color"]

# Okabe-Ito first (colour-blind safe), then distinguishable extras.
CATEGORY_COLORS = {
    "CellType": "#E69F00", "CommunicationRecord": "#999999", "MiRNA": "#56B4E9", "Protein": "#009E73",
    "LncRNA": "#0072B2", "CircRNA": "#CC79A7", "MRNA": "#F0E442", "DNA": "#8C564B", "Lipid": "#BCBD22",
    "Metabolite": "#17BECF", "Gene": "#CC6677", "Pathway": "#7F3C8D", "Phenotype": "#E41A1C",
    "Cancer": "#000000", "Drug": "#4D4D4D", "BiomarkerClaim": "#BBBBBB", "BodyFluid": "#A6761D",
    "CellLine": "#F5C26B", "GeneSet": "#6A8EAE",
}
OTHER = "#666666"
EDGE_STYLES = {
    "RELEASES": {"color": "#E69F00", "dashes": False}, "CARRIES": {"color": "#56B4E9", "dashes": False},
    "TAKEN_UP_BY": {"color": "#E69F00", "dashes": True}, "REGULATES": {"color": "#CC6677", "dashes": False},
    "ALTERS": {"color": "#7F3C8D", "dashes": False}, "CAUSES": {"color": "#E41A1C", "dashes": True},
    "IN_CONTEXT_OF": {"color": "#BBBBBB", "dashes": True}, "PRODUCT_OF": {"color": "#009E73", "dashes": True},
    "TARGETS": {"color": "#1B9E77", "dashes": False}, "EV_MACHINERY_IN": {"color": "#8C564B", "dashes": False},
    "MACHINERY_DRIVES": {"color": "#8C564B", "dashes": True}, "MEASURES": {"color": "#BBBBBB", "dashes": False},
    "IN_FLUID": {"color": "#A6761D", "dashes": True}, "SPONGES": {"color": "#0072B2", "dashes": True},
    "DETECTED_IN": {"color": "#56B4E9", "dashes": True}, "PREDICTED_TARGET": {"color": "#CC6677", "dashes": True},
    "PARTICIPATES_IN": {"color": "#7F3C8D", "dashes": True}, "PART_OF": {"color": "#7F3C8D", "dashes": True},
    "IN_GENE_SET": {"color": "#6A8EAE", "dashes": True}, "INTERACTS_WITH": {"color": "#AAAAAA", "dashes": False},
    "REDUCES": {"color": "#1B9E77", "dashes": True},
}


def category_color(category) -> str:
    """The colour of a node category (grey for one without its own).

    Examples
    --------
    >>> category_color("MiRNA"), category_color("Planet")
    ('#56B4E9', '#666666')
    """
    return CATEGORY_COLORS.get(category, OTHER)
