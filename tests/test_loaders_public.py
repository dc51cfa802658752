"""Public-resource loaders on small files in each source's real layout, good and malformed.

The fixtures (tests/fixtures/sources, see its README) were written by us; answers
below were worked out by hand from them.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from evgraph.errors import ValidationError
from evgraph.loaders.normalise import SampleMapper, SymbolMap, read_mirbase_aliases
from evgraph.loaders.registry import Context, classify_files, get_source, sources
from evgraph.tables import Tables, validate

FIX = Path(__file__).parent / "fixtures" / "sources"
BAD = FIX / "malformed"


def ctx(hgnc=True, aliases=False, **options) -> Context:
    c = Context(samples=SampleMapper.bundled(), version="test", options=options)
    if hgnc:
        c.symbols = SymbolMap.from_hgnc(FIX / "hgnc" / "hgnc_complete_set.txt")
    if aliases:
        c.mirna_aliases = read_mirbase_aliases(FIX / "mirbase" / "aliases.txt")
    return c


def run(name, paths, c=None):
    info = get_source(name)
    files = classify_files(info, [Path(p) for p in paths])
    return info.load(files, c or ctx())


def edges_of(result, typ):
    e = result.tables.edges
    return e.loc[e["type"] == typ].set_index(["source", "target"])


def standalone_valid(t: Tables):
    """Each source's tables are valid on their own (every endpoint is a node)."""
    assert validate(t) == []


def the_error(name, paths, c=None) -> str:
    with pytest.raises(ValidationError) as err:
        run(name, paths, c)
    return str(err.value.problems[0])


# -- registry ----------------------------------------------------------------------------------

def test_every_source_is_registered_with_licence_citation_files_and_download():
    names = set(sources())
    assert names == {"exocarta", "vesiclepedia", "mirtarbase", "targetscan", "reactome", "gmt", "string",
                     "hgnc", "mirbase", "cellosaurus", "orthologs", "opentargets", "dgidb"}
    for info in sources().values():
        assert info.license and info.citation and info.homepage and info.download and info.files


def test_classify_names_the_expected_files_when_a_file_is_not_recognised(tmp_path):
    stray = tmp_path / "notes.txt"
    stray.write_text("x")
    with pytest.raises(ValidationError, match=r"notes.txt: not a file reactome reads; expected pathways"):
        classify_files(get_source("reactome"), [stray])


def test_classify_requires_the_required_roles():
    with pytest.raises(ValidationError, match="exocarta needs an experiments file"):
        classify_files(get_source("exocarta"), [FIX / "exocarta" / "EXOCARTA_MIRNA_DETAILS_5.txt"])


# -- ExoCarta ----------------------------------------------------------------------------------

def test_exocarta_detections_genes_and_report():
    r = run("exocarta", [FIX / "exocarta"])
    standalone_valid(r.tables)
    d = edges_of(r, "DETECTED_IN")
    # TGFB1 protein: experiment 1 (MDA-MB-231 breast cancer cells, PMID 1001) and 2 (plasma, PMID 0)
    assert d.loc[("protein:TGFB1", "CL:0001064"), "pmids"] == ["1001"]
    assert d.loc[("protein:TGFB1", "MONDO:0007254"), "experiments"] == ["exocarta:1"]
    plasma = d.loc[("protein:TGFB1", "UBERON:0001969")]
    assert plasma["pmids"] == [] and plasma["samples"] == ["Plasma"] and plasma["methods"] == ["Western blotting"]
    # "ZO-1" is an HGNC alias of TJP1; macrophages map to CL:0000235
    assert ("protein:TJP1", "CL:0000235") in d.index
    # mRNA cargo and miRNA cargo ("miR-105" gets the species prefix; "hsa-mir-222" is a precursor name)
    assert ("mrna:MET", "CL:0001064") in d.index
    assert ("hsa-miR-105", "CL:0001064") in d.index
    assert ("hsa-miR-222", "UBERON:0001969") in d.index
    p = edges_of(r, "PRODUCT_OF")
    # MET protein was seen only in HEK293 EVs (unmapped sample): a node with its gene, no detection;
    # PTEN's row names an experiment the details file lacks: rejected
    assert set(p.index) == {("protein:TGFB1", "hgnc.symbol:TGFB1"), ("mrna:MET", "hgnc.symbol:MET"),
                            ("protein:TJP1", "hgnc.symbol:TJP1"), ("protein:MET", "hgnc.symbol:MET")}
    assert not any(s == "protein:MET" for s, _ in d.index)
    rep = r.report.as_dict()
    assert rep["rows_read"] == 12
    assert rep["rejected"]["protein/mRNA rows: species other than Homo sapiens"] == 1
    assert rep["rejected"]["protein/mRNA rows: CONTENT TYPE not protein or mRNA"] == 1
    assert rep["rejected"]["cargo rows: experiment id not in the experiment details file"] == 1
    assert rep["unmapped"]["miRNA name"]["examples"] == ["miR-21*"]
    assert rep["unmapped"]["sample (no unambiguous Cell Ontology / UBERON / MONDO term or cell line)"]["examples"] == ["HEK293"]
    assert rep["notes"]["gene symbols renamed to the approved HGNC symbol"] == 1
    assert rep["notes"]["cargo found only in experiments whose sample could not be mapped (kept as nodes "
                        "with their gene link, no DETECTED_IN edge)"] == 1


def test_exocarta_with_mirbase_aliases_uses_current_names():
    r = run("exocarta", [FIX / "exocarta"], ctx(aliases=True))
    assert ("hsa-miR-105-5p", "CL:0001064") in edges_of(r, "DETECTED_IN").index


def test_exocarta_malformed_header_names_file_line_and_column(tmp_path):
    shutil.copy(BAD / "EXOCARTA_PROTEIN_MRNA_DETAILS_5.txt", tmp_path)
    shutil.copy(FIX / "exocarta" / "EXOCARTA_EXPERIMENT_DETAILS_5.txt", tmp_path)
    msg = the_error("exocarta", [tmp_path])
    assert msg.startswith(f"{tmp_path / 'EXOCARTA_PROTEIN_MRNA_DETAILS_5.txt'}:1: column 'GENE SYMBOL': "
                          "required column is missing")


# -- Vesiclepedia (Latin-1, gzip) ---------------------------------------------------------------

def test_vesiclepedia_reads_latin1_and_gzip():
    r = run("vesiclepedia", [FIX / "vesiclepedia"])
    standalone_valid(r.tables)
    d = edges_of(r, "DETECTED_IN")
    assert d.loc[("protein:HIF1A", "MONDO:0005575"), "methods"] == ["Immunogold électron microscopy"]
    assert d.loc[("hsa-miR-105", "CL:0001064"), "methods"] == ["Séquençage"]
    # "Cancer-associated fibroblasts" names no cancer of the vocabulary: malignant cell only
    assert ("protein:TP53", "CL:0001064") in d.index
    assert not any(t.startswith("MONDO") for s, t in d.index if s == "protein:TP53")
    assert r.tables.meta["version"] == "test"


def test_vesiclepedia_malformed_pmid(tmp_path):
    shutil.copy(BAD / "VESICLEPEDIA_EXPERIMENT_DETAILS_5.1.txt", tmp_path)
    shutil.copy(FIX / "vesiclepedia" / "VESICLEPEDIA_MIRNA_DETAILS_5.1.txt", tmp_path)
    msg = the_error("vesiclepedia", [tmp_path])
    assert msg == (f"{tmp_path / 'VESICLEPEDIA_EXPERIMENT_DETAILS_5.1.txt'}:3: column 'PUBMED ID': "
                   "PMID must be numeric, found 'PMC12345'")


# -- miRTarBase (csv and xlsx) --------------------------------------------------------------------

def check_mirtarbase(r):
    standalone_valid(r.tables)
    e = edges_of(r, "REGULATES")
    hif = e.loc[("hsa-miR-20a-5p", "hgnc.symbol:HIF1A")]
    assert hif["pmids"] == ["18632605", "23911400"]        # two reference rows, one interaction
    assert hif["interaction_ids"] == ["MIRT000002"]
    assert hif["experiments"] == ["Luciferase reporter assay", "Northern blot", "Western blot", "qRT-PCR"]
    assert hif["support"] == "strong" and hif["effect"] == "represses"
    weak = e.loc[("hsa-miR-222-3p", "hgnc.symbol:PTEN")]
    assert weak["support"] == "weak" and weak["effect"] == "represses"
    nonfunctional = e.loc[("hsa-miR-21-5p", "hgnc.symbol:PDCD4")]
    assert nonfunctional["support"] == "weak" and pd.isna(nonfunctional["effect"])
    assert len(e) == 4
    rep = r.report.as_dict()
    assert rep["rejected"]["rows of species other than Homo sapiens"] == 1
    # NOTAGENE carries Entrez id 1, which the HGNC file does not list: the id decides
    lost = rep["unmapped"]["NCBI Gene id not in the HGNC file (another species' gene or a withdrawn id)"]
    assert lost["examples"] == ["1"] and lost["first_seen"]["1"].split(":")[1] == "8"   # file line 8
    assert set(e["knowledge_source"]) == {"mirtarbase"}


def test_mirtarbase_csv():
    check_mirtarbase(run("mirtarbase", [FIX / "mirtarbase" / "hsa_MTI.csv"]))


def test_mirtarbase_xlsx_with_float_identifiers(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    df = pd.read_csv(FIX / "mirtarbase" / "hsa_MTI.csv", dtype=str)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(list(df.columns))
    for row in df.itertuples(index=False):
        cells = list(row)
        cells[4] = float(cells[4])   # Excel stores Entrez ids and PMIDs as numbers
        cells[8] = float(cells[8])
        ws.append(cells)
    path = tmp_path / "hsa_MTI.xlsx"
    wb.save(path)
    r = run("mirtarbase", [path])
    check_mirtarbase(r)
    c = ctx()
    run("mirtarbase", [path], c)
    assert c.symbols.entrez["3091"] == "HIF1A"   # learned for Reactome, without '.0'


def test_mirtarbase_malformed_support_type():
    msg = the_error("mirtarbase", [BAD / "hsa_MTI.csv"])
    assert msg.startswith(f"{BAD / 'hsa_MTI.csv'}:4: column 'Support Type': 'Strong' is not one of Functional MTI")


# -- TargetScan ----------------------------------------------------------------------------------

def test_targetscan_aggregates_transcripts_and_filters_species():
    r = run("targetscan", [FIX / "targetscan"])
    standalone_valid(r.tables)
    e = edges_of(r, "PREDICTED_TARGET")
    hif = e.loc[("hsa-miR-20a-5p", "hgnc.symbol:HIF1A")]
    assert hif["context_score"] == pytest.approx(-0.52)     # most negative of -0.41 and -0.52
    assert hif["conserved_sites"] == 2 and hif["nonconserved_sites"] == 2
    assert hif["aggregate_pct"] == pytest.approx(0.87)
    assert pd.isna(e.loc[("hsa-miR-105-5p", "hgnc.symbol:TJP1"), "aggregate_pct"])   # NULL
    assert len(e) == 3
    assert r.report.as_dict()["rejected"] == {"rows of species other than taxon 9606": 1}


def test_targetscan_score_threshold():
    r = run("targetscan", [FIX / "targetscan"], ctx(max_context_score=-0.2))
    assert set(edges_of(r, "PREDICTED_TARGET").index) == {("hsa-miR-20a-5p", "hgnc.symbol:HIF1A")}


def test_targetscan_malformed_score():
    msg = the_error("targetscan", [BAD / "Summary_Counts.default_predictions.txt"])
    assert msg == (f"{BAD / 'Summary_Counts.default_predictions.txt'}:3: column 'Cumulative weighted context++ "
                   "score': expected a number, found 'strong'")


# -- Reactome ------------------------------------------------------------------------------------

def test_reactome_hierarchy_membership_and_id_mapping():
    c = ctx()
    r = run("reactome", [FIX / "reactome"], c)
    standalone_valid(r.tables)
    part = edges_of(r, "PART_OF")
    assert set(part.index) == {("REACT:R-HSA-9006925", "REACT:R-HSA-162582"),
                               ("REACT:R-HSA-1257604", "REACT:R-HSA-9006925")}   # child -> parent, human only
    m = edges_of(r, "PARTICIPATES_IN")
    assert m.loc[("hgnc.symbol:PTEN", "REACT:R-HSA-1257604"), "evidence_codes"] == ["IEA", "TAS"]
    assert ("hgnc.symbol:HIF1A", "REACT:R-HSA-1234174") in m.index
    n = r.tables.nodes.set_index("id")
    assert n.loc["REACT:R-HSA-9999999", "name"] == "A pathway only named here"
    rep = r.report.as_dict()
    assert rep["unmapped"]["NCBI Gene id (no symbol known: give the HGNC file)"]["examples"] == ["999999999"]


def test_reactome_without_hgnc_maps_ncbi_ids_learned_from_other_sources():
    c = ctx(hgnc=False)
    run("mirtarbase", [FIX / "mirtarbase" / "hsa_MTI.csv"], c)   # teaches 3091 -> HIF1A, 5728 -> PTEN
    r = run("reactome", [FIX / "reactome"], c)
    assert set(edges_of(r, "PARTICIPATES_IN").index) == {("hgnc.symbol:PTEN", "REACT:R-HSA-1257604"),
                                                         ("hgnc.symbol:HIF1A", "REACT:R-HSA-1234174")}


def test_reactome_malformed_relation(tmp_path):
    shutil.copy(BAD / "ReactomePathwaysRelation.txt", tmp_path)
    shutil.copy(BAD / "ReactomePathways.txt", tmp_path)
    shutil.copy(FIX / "reactome" / "NCBI2Reactome.txt", tmp_path)
    msg = the_error("reactome", [tmp_path])
    assert msg.startswith(f"{tmp_path / 'ReactomePathwaysRelation.txt'}:2: column 'child': expected 2 "
                          "tab-separated fields")


# -- GMT -------------------------------------------------------------------------------------------

def test_gmt_msigdb_and_enrichr_layouts():
    r = run("gmt", [FIX / "gmt"])
    standalone_valid(r.tables)
    e = edges_of(r, "IN_GENE_SET")
    assert ("hgnc.symbol:TJP1", "geneset:HALLMARK_TGF_BETA_SIGNALING") in e.index    # ZO-1 alias
    assert ("hgnc.symbol:PTEN", "geneset:Signalling_example_set_made_up") in e.index  # 'PTEN,1.0'
    assert e.loc[("hgnc.symbol:HIF1A", "geneset:HALLMARK_HYPOXIA"), "license"] == "CC-BY-4.0 (MSigDB)"
    assert e.loc[("hgnc.symbol:MET", "geneset:Second_example_set"), "license"].startswith("licence of the")
    sets = r.tables.nodes.set_index("id")
    assert sets.loc["geneset:HALLMARK_HYPOXIA", "collection"] == "h.all.v2024.1.Hs.symbols"
    assert pd.isna(sets.loc["geneset:HALLMARK_HYPOXIA", "description"])   # a URL is not a description
    assert r.report.as_dict()["unmapped"]["gene symbol (unknown)"]["examples"] == ["NOTAGENE"]


def test_gmt_malformed_line():
    msg = the_error("gmt", [BAD / "broken.gmt"])
    assert msg.startswith(f"{BAD / 'broken.gmt'}:2: a GMT line needs a set name")


# -- STRING ----------------------------------------------------------------------------------------

def test_string_threshold_dedup_and_symbols():
    r = run("string", [FIX / "string"])
    standalone_valid(r.tables)
    e = edges_of(r, "INTERACTS_WITH")
    # 950 and 720 kept once per pair (source < target); 400 dropped; AKT1-AKT1 is a self pair
    assert e["score"].to_dict() == {("hgnc.symbol:MDM2", "hgnc.symbol:TP53"): 950,
                                    ("hgnc.symbol:PTEN", "hgnc.symbol:TP53"): 720,
                                    ("hgnc.symbol:AKT1", "hgnc.symbol:PTEN"): 800}
    rep = r.report.as_dict()
    assert rep["rejected"]["links with combined_score < 700"] == 1
    assert rep["rejected"]["links between two proteins of the same gene"] == 1
    assert rep["unmapped"]["STRING protein id (no gene symbol)"]["examples"] == ["9606.ENSP00000000006"]


def test_string_min_score_option():
    r = run("string", [FIX / "string"], ctx(min_score=900))
    assert len(edges_of(r, "INTERACTS_WITH")) == 1


def test_string_needs_a_name_file():
    msg = the_error("string", [FIX / "string" / "9606.protein.links.v12.0.txt.gz"])
    assert "STRING needs protein.info or protein.aliases" in msg


def test_string_malformed_score(tmp_path):
    shutil.copy(BAD / "9606.protein.links.v12.0.txt", tmp_path)
    shutil.copy(FIX / "string" / "9606.protein.info.v12.0.txt.gz", tmp_path)
    msg = the_error("string", [tmp_path])
    assert msg == (f"{tmp_path / '9606.protein.links.v12.0.txt'}:3: column 'combined_score': expected an "
                   "integer score 0-1000, found 'high'")


# -- identifier-mapping sources ------------------------------------------------------------------

def test_hgnc_map():
    m = SymbolMap.from_hgnc(FIX / "hgnc" / "hgnc_complete_set.txt")
    assert m.symbol("ZO-1") == ("TJP1", "renamed")
    # a lower-case letter must match the alias as HGNC writes it (pathogen gH is not GH1)
    assert m.symbol("zo-1") == (None, "alias in another case")
    assert m.symbol("LFS1") == ("TP53", "renamed")       # previous symbol
    assert m.symbol("tp53") == ("TP53", "approved")
    assert m.symbol("TEP1") == (None, "ambiguous")       # alias of PTEN and AKT1
    assert m.symbol("NOTAGENE") == (None, "unknown")
    assert m.entrez["7157"] == "TP53" and m.ensembl["ENSG00000171862"] == "PTEN"


def test_hgnc_malformed():
    with pytest.raises(ValidationError, match=r"hgnc_complete_set.txt:1: column 'symbol': required column"):
        SymbolMap.from_hgnc(BAD / "hgnc_complete_set.txt")


def test_mirbase_aliases_and_malformed():
    a = read_mirbase_aliases(FIX / "mirbase" / "aliases.txt")
    assert a == {"hsa-miR-105": "hsa-miR-105-5p", "hsa-miR-21": "hsa-miR-21-5p", "hsa-miR-20a": "hsa-miR-20a-5p"}
    with pytest.raises(ValidationError, match=r"aliases.txt:2: column 'names': expected 2 tab-separated"):
        read_mirbase_aliases(BAD / "aliases.txt")
