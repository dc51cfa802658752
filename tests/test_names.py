"""One resolver for the names users write: synonyms, abbreviations, aliases, miRNA names,
ambiguity, unknown names, and the hierarchy of cancers and cell types (hand-computed cases)."""

from __future__ import annotations

import re

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evgraph import names, ontology
from evgraph.analysis.context import context_seeds, restrict
from evgraph.analysis.roles import rank_cells
from evgraph.errors import AmbiguousNameError, InputError, UnknownNameError
from evgraph.ontology import name_key

LUNG, NSCLC, BREAST, PANCREAS = "MONDO:0008903", "MONDO:0005233", "MONDO:0007254", "MONDO:0009831"
MACRO, M2, TCELL, CD8 = "CL:0000235", "CL:0000890", "CL:0000084", "CL:0000625"


def graph() -> nx.MultiDiGraph:
    """Four cancers, four cell types, a gene and its protein, three miRNAs, three records."""
    G = nx.MultiDiGraph()
    for nid, cat, name in [
        (LUNG, "Cancer", "lung cancer"), (NSCLC, "Cancer", "non-small cell lung carcinoma"),
        (BREAST, "Cancer", "breast cancer"), (PANCREAS, "Cancer", "malignant pancreatic neoplasm"),
        (MACRO, "CellType", "macrophage"), (M2, "CellType", "M2 macrophage"), (TCELL, "CellType", "T cell"),
        (CD8, "CellType", "CD8-positive, alpha-beta T cell"),
        ("hsa-miR-21", "MiRNA", "hsa-miR-21"), ("hsa-miR-21-5p", "MiRNA", "hsa-miR-21-5p"),
        ("hsa-miR-210", "MiRNA", "hsa-miR-210"), ("evgraph:metastasis", "Phenotype", "metastasis"),
    ]:
        G.add_node(nid, category=cat, name=name)
    G.add_node("hgnc.symbol:CD274", category="Gene", name="CD274", symbol="CD274")
    G.add_node("protein:CD274", category="Protein", name="CD274 protein", symbol="CD274")
    G.add_edge("protein:CD274", "hgnc.symbol:CD274", key="PRODUCT_OF", pmids=[], evidence_level="unspecified")
    for rec, cancer, donor, recipient, cargo in [("EVC:0001", NSCLC, M2, CD8, "protein:CD274"),
                                                 ("EVC:0002", LUNG, MACRO, TCELL, "hsa-miR-21"),
                                                 ("EVC:0003", PANCREAS, MACRO, CD8, "hsa-miR-210")]:
        G.add_node(rec, category="CommunicationRecord", name=rec, pmids=["1"], model_system=["in_vitro"],
                   species="human", ev_subtype="exosome")
        for u, v, k in [(rec, cancer, "IN_CONTEXT_OF"), (donor, rec, "RELEASES"), (rec, recipient, "TAKEN_UP_BY"),
                        (rec, cargo, "CARRIES"), (rec, "evgraph:metastasis", "CAUSES")]:
            G.add_edge(u, v, key=k, pmids=["1"], evidence_level="in_vitro")
    return G


@pytest.fixture
def G():
    return graph()


# -- names ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("query, expected, how", [
    (NSCLC, NSCLC, "id"),
    ("non-small cell lung carcinoma", NSCLC, "name"),
    ("Non Small Cell Lung Carcinoma", NSCLC, "name"),              # case and hyphens
    ("NSCLC", NSCLC, "synonym"),
    ("nsclc", NSCLC, "synonym"),
    ("non-small cell lung cancer", NSCLC, "synonym"),
    ("pancreatic cancer", PANCREAS, "synonym"),
    ("macrophages", MACRO, "name"),                                 # plural
    ("alternatively activated macrophage", M2, "synonym"),
    ("TAMs", MACRO, "curated name"),                                # curation/abbreviations.tsv
    ("0000235", MACRO, "name"),                                     # id without its prefix
    ("PD-L1", "hgnc.symbol:CD274", "alias"),                        # HGNC alias, the gene before its protein
    ("cd274", "hgnc.symbol:CD274", "name"),
    ("metastasis", "evgraph:metastasis", "name"),
])
def test_a_name_finds_its_node(G, query, expected, how):
    [m] = names.lookup(G, query)
    assert (m.id, m.how) == (expected, how)
    assert names.resolve(G, query) == expected


def test_a_category_narrows_the_search(G):
    assert names.resolve(G, "lung cancer", category="Cancer") == LUNG
    with pytest.raises(UnknownNameError, match="unknown cell type 'lung cancer'"):
        names.resolve(G, "lung cancer", category="CellType")


def test_a_mirna_without_species_or_arm_names_every_form_present(G):
    assert names.resolve_all(G, "miR-21") == ["hsa-miR-21", "hsa-miR-21-5p"]
    assert names.resolve_all(G, "MIR21") == ["hsa-miR-21", "hsa-miR-21-5p"]
    assert names.resolve_all(G, "miR-21-5p") == ["hsa-miR-21-5p"]
    assert names.resolve_all(G, "hsa-miR-21") == ["hsa-miR-21"]     # an id is itself, not its family
    assert names.resolve_all(G, "miR-210") == ["hsa-miR-210"]
    # a single-node use refuses the family, listing each form with its id
    with pytest.raises(AmbiguousNameError, match=r"hsa-miR-21 \(hsa-miR-21\), hsa-miR-21-5p \(hsa-miR-21-5p\)"):
        names.resolve(G, "miR-21")


def test_an_ambiguous_name_is_refused_with_every_candidate_named():
    G = nx.MultiDiGraph()
    G.add_node("MONDO:0005086", category="Cancer", name="renal cell carcinoma")
    G.add_node("MONDO:0005549", category="Cancer", name="renal cell adenocarcinoma")
    with pytest.raises(AmbiguousNameError) as err:
        names.resolve(G, "RCC")  # a MONDO synonym of both
    text = str(err.value)
    assert text.startswith("ambiguous cancer 'RCC': it names ")
    assert "renal cell carcinoma (MONDO:0005086)" in text and "renal cell adenocarcinoma (MONDO:0005549)" in text
    # with one of them only, the same name is not ambiguous
    G.remove_node("MONDO:0005549")
    assert names.resolve(G, "RCC") == "MONDO:0005086"


def test_an_hgnc_alias_of_two_genes_is_ambiguous():
    claims = next(a for a, c in names.gene_aliases().items() if len({s for s, _ in c}) > 1)
    symbols = sorted({s for s, _ in names.gene_aliases()[claims]})
    G = nx.MultiDiGraph()
    G.add_node(f"hgnc.symbol:{symbols[0]}", category="Gene", name=symbols[0], symbol=symbols[0])
    with pytest.raises(AmbiguousNameError, match=re.escape(f"{symbols[1]} (not in this graph)")):
        names.resolve(G, claims)


def test_an_unknown_name_gets_the_closest_names_never_bare_ids(G):
    with pytest.raises(UnknownNameError) as err:
        names.resolve(G, "lung cancr", category="Cancer")
    text = str(err.value)
    assert text.startswith("unknown cancer 'lung cancr'; closest names: lung cancer (MONDO:0008903)")
    listed = text.split("closest names: ", 1)[1].split(", ")
    assert all(re.fullmatch(r".+ \([A-Za-z.]+[:_][\w.-]+\)", item) for item in listed), listed
    # nothing close: the graph's cancers, each with its name
    with pytest.raises(UnknownNameError, match=r"names in this graph: breast cancer \(MONDO:0007254\), lung cancer"):
        names.resolve(G, "zzzz", category="Cancer")


def test_an_ontology_term_that_is_not_a_node_points_to_the_nodes_under_it(G):
    with pytest.raises(InputError, match=r"'lymphocyte' is lymphocyte \(CL:0000542\), which is not a node of this "
                                         r"graph; nodes under it: .*T cell \(CL:0000084\)"):
        names.resolve(G, "lymphocyte")


def test_an_ontology_term_that_is_not_a_node_points_to_the_nearest_broader_node(G):
    with pytest.raises(InputError, match=r"'PDAC' is pancreatic ductal adenocarcinoma \(MONDO:0005184\), which is not "
                                         r"a node of this graph; the nearest broader term in it: malignant pancreatic "
                                         r"neoplasm \(MONDO:0009831\)$"):
        names.resolve(G, "PDAC")


# -- hierarchy -----------------------------------------------------------------------------------

def test_a_cancer_covers_its_subtypes_and_says_so(G):
    s = names.scope(G, "lung cancer", category="Cancer")
    assert s.ids == {LUNG, NSCLC}
    assert s.description == "lung cancer (MONDO:0008903) and 1 subtype: non-small cell lung carcinoma"
    assert s.as_dict()["subtypes"] == [{"id": NSCLC, "name": "non-small cell lung carcinoma"}]
    # a leaf covers itself; the synonym used is said
    s = names.scope(G, "NSCLC", category="Cancer")
    assert s.ids == {NSCLC}
    assert s.description == "non-small cell lung carcinoma (MONDO:0005233, synonym 'NSCLC')"


def test_exact_keeps_the_term_alone_and_says_what_it_left_out(G):
    s = names.scope(G, "lung cancer", category="Cancer", exact=True)
    assert s.ids == {LUNG}
    assert s.description == "lung cancer (MONDO:0008903) only; left out 1 subtype: non-small cell lung carcinoma"
    assert names.scope(G, "breast cancer", category="Cancer", exact=True).ids == {BREAST}


def test_a_term_above_the_graph_covers_the_nodes_under_it(G):
    s = names.scope(G, "cancer", category="Cancer")
    assert s.ids == {LUNG, NSCLC, PANCREAS, BREAST}
    assert s.description == ("cancer (MONDO:0004992) as 3 subtypes: lung cancer, malignant pancreatic neoplasm, "
                             "non-small cell lung carcinoma")  # breast cancer has no record
    with pytest.raises(InputError, match="is not a cancer of this graph"):
        names.scope(G, "cancer", category="Cancer", exact=True)


def test_a_term_without_records_below_it_falls_back_to_the_nearest_broader_one(G):
    s = names.scope(G, "PDAC", category="Cancer")
    assert s.ids == {PANCREAS}
    assert s.broader == ((PANCREAS, "malignant pancreatic neoplasm"),)
    assert s.description == ("pancreatic ductal adenocarcinoma (MONDO:0005184, curated name 'PDAC'): no records of "
                             "its own or of a subtype; using those of the broader malignant pancreatic neoplasm "
                             "(MONDO:0009831)")
    # small cell lung carcinoma: lung cancer's own records, not its sibling NSCLC's
    assert names.scope(G, "small cell lung carcinoma", category="Cancer").ids == {LUNG}
    with pytest.raises(InputError):
        names.scope(G, "PDAC", category="Cancer", exact=True)


def test_restrict_takes_a_name_or_the_resolved_set(G):
    def records(H):
        return sorted(n for n, c in H.nodes(data="category") if c == "CommunicationRecord")

    assert records(restrict(G, cancer="lung cancer")) == ["EVC:0001", "EVC:0002"]
    assert records(restrict(G, cancer=names.scope(G, "lung cancer", category="Cancer", exact=True).ids)) == ["EVC:0002"]
    assert records(restrict(G, cancer={NSCLC})) == ["EVC:0001"]
    assert records(restrict(G, cancer="PDAC")) == ["EVC:0003"]


def test_a_cell_type_context_seeds_the_records_of_its_subtypes(G):
    assert context_seeds(G, "macrophage") == ["EVC:0001", "EVC:0002", "EVC:0003"]
    assert context_seeds(G, "M2 macrophage") == ["EVC:0001"]
    assert context_seeds(G, CD8) == [CD8]  # receives only: seeds itself
    assert context_seeds(G, "miR-21") == ["hsa-miR-21", "hsa-miR-21-5p"]


def test_cell_types_are_grouped_at_a_chosen_term(G):
    groups = names.cell_groups(G, ["macrophage", "T cell"])
    assert groups == {MACRO: (MACRO, "macrophage"), M2: (MACRO, "macrophage"), TCELL: (TCELL, "T cell"),
                      CD8: (TCELL, "T cell")}
    # a cell type under two chosen groups joins the narrower one
    assert names.cell_groups(G, ["macrophage", "M2 macrophage"])[M2] == (M2, "M2 macrophage")
    df = rank_cells(G, groups=groups)
    assert set(df["id"]) == {MACRO, TCELL}
    row = df.set_index("id").loc[MACRO]
    assert row["members"] == [MACRO, M2] and row["sender_score"] == pytest.approx(3 * 0.5)  # three in-vitro records
    assert "members" not in rank_cells(G).columns


# -- properties ------------------------------------------------------------------------------------

CANCERS = sorted(t.id for t in ontology.slim().terms.values()
                 if t.prefix == "MONDO" and "MONDO:0004992" in ontology.slim().ancestors(t.id))


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(CANCERS), min_size=1, max_size=8, unique=True), st.data())
def test_any_label_or_synonym_finds_its_node_or_is_refused_naming_it(ids, data):
    G = nx.MultiDiGraph()
    for tid in ids:
        G.add_node(tid, category="Cancer", name=ontology.slim().get(tid).label)
    tid = data.draw(st.sampled_from(ids))
    t = ontology.slim().get(tid)
    name = data.draw(st.sampled_from((t.label, *t.synonyms)))
    name = "".join(c.upper() if data.draw(st.booleans()) else c for c in name)  # any case
    try:
        hits = names.resolve_all(G, name, category="Cancer")
    except AmbiguousNameError as err:
        assert tid in {c for c, _ in err.candidates}
        return
    if hits != [tid]:  # only another node's label may win over this node's synonym
        [other] = hits
        assert name_key(name) != name_key(t.label) and name_key(name) == name_key(ontology.slim().get(other).label)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(CANCERS), min_size=1, max_size=10, unique=True), st.data())
def test_a_scope_is_its_term_and_every_node_below_it_and_exact_is_within_it(ids, data):
    G = nx.MultiDiGraph()
    for tid in ids:
        G.add_node(tid, category="Cancer", name=tid)
    for i, tid in enumerate(ids):  # every cancer has a record, so nothing falls back to a broader term
        G.add_node(f"EVC:{i:04d}", category="CommunicationRecord")
        G.add_edge(f"EVC:{i:04d}", tid, key="IN_CONTEXT_OF")
    tid = data.draw(st.sampled_from(ids))
    below = {n for n in ids if tid in ontology.ancestors(n)}
    assert names.scope(G, tid, category="Cancer").ids == {tid} | below
    assert names.scope(G, tid, category="Cancer", exact=True).ids == {tid}
