"""What real downloads broke (issue #15, P1-P9, Vesiclepedia 5.1), each on a small file of ours that
reproduces the real file's trait (tests/fixtures/sources/traits, see its README)."""

from __future__ import annotations

import gzip
import itertools
import shutil
from pathlib import Path

import pandas as pd
import pytest

from evgraph.errors import ValidationError
from evgraph.loaders._read import encoding_of, read_table
from evgraph.loaders.build import SourceSpec, build
from evgraph.loaders.normalise import SampleMapper, SymbolMap
from evgraph.loaders.registry import Context, classify_files, get_source
from evgraph.tables import validate

FIX = Path(__file__).parent / "fixtures" / "sources"
T = FIX / "traits"
HGNC = T / "hgnc" / "hgnc_complete_set.txt"
PATHOGEN_NAMES = "other organism's protein in an infection pathway (not a human gene)"


def ctx(hgnc=True, species="human", **options) -> Context:
    c = Context(species=species, symbols=SymbolMap(species=species), samples=SampleMapper.bundled(),
                version="test", options=options)
    if hgnc:
        c.symbols = SymbolMap.from_hgnc(HGNC)
    return c


def run(name, paths, c=None):
    info = get_source(name)
    return info.load(classify_files(info, [Path(p) for p in paths]), c or ctx())


def edges(result, typ):
    e = result.tables.edges
    return set(zip(*(e.loc[e["type"] == typ, k] for k in ("source", "target"))))


def error(name, paths, c=None) -> str:
    with pytest.raises(ValidationError) as err:
        run(name, paths, c)
    return str(err.value.problems[0])


# -- P1: a symbol that cannot be an identifier is counted with file and line, the build goes on ------

def test_p1_invalid_symbols_are_counted_with_file_and_line_and_the_build_goes_on():
    tables, summary = build([SourceSpec("reactome", [T / "reactome"]),
                             SourceSpec("exocarta", [T / "exocarta_badsymbol"])], curated=())
    assert validate(tables) == []
    per = {s["source"]: s for s in summary.per_source}
    bad = per["reactome"]["unmapped"]["gene symbol (not a valid symbol)"]
    assert set(bad["examples"]) == {"18S rRNA", "EPAS1 (HIF2A)", "UL112/UL113"}
    assert bad["first_seen"]["EPAS1 (HIF2A)"] == "ReactomePathways.gmt:8"
    exo = per["exocarta"]["unmapped"]["gene symbol (not a valid symbol)"]
    assert exo["examples"] == ["Del(X)1Brd"] and exo["first_seen"] == {"Del(X)1Brd": "EXOCARTA_PROTEIN_MRNA_DETAILS_5.txt:3"}
    assert not any(" " in n or "(" in n for n in tables.nodes["id"])


# -- P2: pathogen proteins and case-sensitive aliases ----------------------------------------------

def test_p2_pathogen_proteins_in_reactome_are_counted_not_mapped():
    r = run("reactome", [T / "reactome"])
    member = edges(r, "PARTICIPATES_IN")
    genes = {g for g, _ in member}
    # NA (influenza) -> XK, PB1 -> PBRM1, gH (HCMV) -> GH1, UL5 -> RPL11, 8b (SARS-CoV) -> SYNE1,
    # pp1a -> PPP1CA, tpx (M. tuberculosis) -> TPO: none of them
    for human in ("XK", "PBRM1", "GH1", "RPL11", "SYNE1", "PPP1CA", "TPO"):
        assert f"hgnc.symbol:{human}" not in genes
    rep = r.report.as_dict()
    assert set(rep["unmapped"][PATHOGEN_NAMES]["examples"]) == {"NA", "PB1", "gH", "UL5", "8b", "pp1a", "tpx"}
    assert rep["unmapped"][PATHOGEN_NAMES]["first_seen"]["NA"] == "ReactomePathways.gmt:1"
    # a renamed human gene listed in an infection pathway and elsewhere is still mapped (IL8 -> CXCL8),
    # and a human gene in an infection pathway keeps its membership (TP53 in HCMV infection)
    assert ("hgnc.symbol:CXCL8", "REACT:R-HSA-168255") in member and ("hgnc.symbol:CXCL8", "REACT:R-HSA-449147") in member
    assert ("hgnc.symbol:TP53", "REACT:R-HSA-9609646") in member


def test_p2_without_hgnc_names_only_in_infection_pathways_are_counted_not_made_human():
    r = run("reactome", [T / "reactome"], ctx(hgnc=False))
    genes = {g for g, _ in edges(r, "PARTICIPATES_IN")}
    assert {"hgnc.symbol:NA", "hgnc.symbol:PB1", "hgnc.symbol:GH", "hgnc.symbol:TPX"}.isdisjoint(genes)
    kind = next(k for k in r.report.as_dict()["unmapped"] if k.startswith("name listed only in infection"))
    assert {"NA", "PB1", "gH", "UL5", "8b", "pp1a", "tpx"} <= set(r.report.unmapped[kind])


def test_p2_alias_matching_is_case_sensitive_for_names_not_all_upper_case():
    m = SymbolMap.from_hgnc(HGNC)
    assert m.symbol("GH") == ("GH1", "renamed")              # as HGNC writes the alias
    assert m.symbol("gH") == (None, "alias in another case")  # HCMV glycoprotein H
    assert m.symbol("tpx") == (None, "alias in another case")
    assert m.symbol("jUNb") == ("JUNB", "approved")            # approved symbols still match in any case
    assert m.symbol("c1orf112") == (None, "unknown")


def test_p2_an_alias_shared_with_another_gene_never_maps(tmp_path):
    # two genes claim alias NA: no mapping, counted as ambiguous
    text = HGNC.read_text() + ("HGNC:99\tNAT9\tN-acetyltransferase 9\tprotein-coding gene\tgene with protein product\t"
                               "Approved\t1p1\tNA\t\t26151\tENSG00000109065\n")
    (tmp_path / "hgnc_complete_set.txt").write_text(text)
    m = SymbolMap.from_hgnc(tmp_path / "hgnc_complete_set.txt")
    assert m.symbol("NA") == (None, "ambiguous")


# -- P3, P4, P9: miRTarBase header variant, CSV quoting, Mac Roman ---------------------------------

def test_p3_p4_p9_mirtarbase_2022_header_quoted_fields_and_mac_roman():
    assert encoding_of(T / "mirtarbase" / "hsa_MTI.csv") == "mac_roman"
    r = run("mirtarbase", [T / "mirtarbase"])
    e = r.tables.edges.set_index(["source", "target"])
    hif = e.loc[("hsa-miR-20a-5p", "hgnc.symbol:HIF1A")]
    # the quoted field keeps its comma, the doubled quote is one quote, ® is ® (not ¨)
    assert hif["experiments"] == ['5"RACE', "Caspase-Glo® assay", "Western blot, luciferase assay"]
    assert hif["pmids"] == ["18632605", "23911400"]


@pytest.mark.parametrize("header", ["Target Gene (Entrez Gene ID)", "Target Gene (Entrez ID)", "target gene(entrez id)"])
def test_p3_every_documented_entrez_header_is_read(tmp_path, header):
    src = (T / "mirtarbase" / "hsa_MTI.csv").read_bytes().decode("mac_roman")
    (tmp_path / "hsa_MTI.csv").write_text(src.replace("Target Gene (Entrez ID)", header), "utf-8")
    assert len(run("mirtarbase", [tmp_path]).tables.edges) == 2


def test_a_too_short_mirtarbase_row_is_refused_with_file_and_line():
    assert error("mirtarbase", [T / "mirtarbase_short"]) == (
        f"{T / 'mirtarbase_short' / 'hsa_MTI.csv'}:3: expected 9 comma-separated fields as in the header, found 6")


def test_mirtarbase_columns_in_another_order_give_the_same_edges(tmp_path):
    df = pd.read_csv(FIX / "mirtarbase" / "hsa_MTI.csv", dtype=str)
    df[list(df.columns)[::-1]].to_csv(tmp_path / "hsa_MTI.csv", index=False)
    from tests.test_loaders_public import run as run_main

    a = run_main("mirtarbase", [FIX / "mirtarbase" / "hsa_MTI.csv"]).tables.edges
    b = run_main("mirtarbase", [tmp_path / "hsa_MTI.csv"]).tables.edges
    assert a.sort_values(["source", "target"]).to_dict("records") == b.sort_values(["source", "target"]).to_dict("records")


@pytest.mark.parametrize("perm", list(itertools.islice(itertools.permutations(range(9)), 1, 400, 37)))
def test_mirtarbase_values_under_the_wrong_headers_give_a_clean_error_or_a_valid_table(tmp_path, perm):
    # the header stays, the values are shuffled between columns: never a pandas error
    df = pd.read_csv(FIX / "mirtarbase" / "hsa_MTI.csv", dtype=str)
    shuffled = pd.DataFrame(df.to_numpy()[:, list(perm)], columns=df.columns)
    shuffled.to_csv(tmp_path / "hsa_MTI.csv", index=False)
    from tests.test_loaders_public import ctx as main_ctx

    info = get_source("mirtarbase")
    try:
        r = info.load(classify_files(info, [tmp_path / "hsa_MTI.csv"]), main_ctx())
    except ValidationError as err:
        assert str(tmp_path / "hsa_MTI.csv") in str(err)
    else:
        assert validate(r.tables) == []


# -- P5: MSigDB Entrez-keyed GMT --------------------------------------------------------------------

def test_p5_entrez_gmt_is_mapped_through_hgnc_entrez_ids_never_as_symbols_or_aliases():
    r = run("gmt", [T / "gmt" / "h.all.v7.4.entrez.gmt"])
    assert edges(r, "IN_GENE_SET") == {("hgnc.symbol:A2M", "geneset:HALLMARK_COAGULATION"),
                                       ("hgnc.symbol:JUNB", "geneset:HALLMARK_COAGULATION"),
                                       ("hgnc.symbol:HIF1A", "geneset:HALLMARK_COAGULATION")}
    both = run("gmt", [T / "gmt"])
    assert edges(both, "IN_GENE_SET") == edges(r, "IN_GENE_SET")   # the same sets keyed two ways


def test_p5_without_hgnc_an_entrez_gmt_adds_no_numeric_gene():
    r = run("gmt", [T / "gmt" / "h.all.v7.4.entrez.gmt"], ctx(hgnc=False))
    assert not len(r.tables.edges)
    u = r.report.as_dict()["unmapped"]["NCBI Gene id (no symbol known: give the HGNC file)"]
    assert sorted(u["examples"]) == ["2", "3091", "3726"]


def test_p5_a_numeric_token_never_matches_an_alias():
    m = SymbolMap.from_hgnc(HGNC)
    assert m.symbol("2") == (None, "numeric, not a symbol")   # ATP12A has the alias "2"


# -- P6: species before score, and a warning when a source adds nothing -----------------------------

def test_p6_mouse_string_in_a_human_build_is_counted_as_species_and_warned():
    _, summary = build([SourceSpec("string", [T / "string_mouse"])], curated=())
    s = next(s for s in summary.per_source if s["source"] == "string")
    assert s["rejected"] == {"links of species other than taxon 9606 (Homo sapiens)": 3}
    assert any(w.startswith("string added nothing (3 of 3 rows rejected: links of species other than taxon 9606")
               for w in summary.warnings)


def test_p6_mouse_string_in_a_mouse_build_adds_mgi_genes():
    tables, summary = build([SourceSpec("string", [T / "string_mouse"])], species="mouse")
    e = tables.edges
    assert set(zip(e["source"], e["target"])) == {("mgi.symbol:Cdc45", "mgi.symbol:Gnai3"),
                                                  ("mgi.symbol:Apoh", "mgi.symbol:Gnai3")}
    s = next(s for s in summary.per_source if s["source"] == "string")
    assert s["rejected"] == {"links with combined_score < 700": 1}


# -- P7: mouse builds keep human data apart ---------------------------------------------------------

def test_p7_a_mouse_build_leaves_out_the_human_curated_base_and_says_so():
    tables, summary = build([SourceSpec("string", [T / "string_mouse"])], species="mouse")
    assert not tables.nodes["id"].str.startswith("hgnc.symbol:").any()
    assert "EVC:0001" not in set(tables.nodes["id"])
    assert any(m.startswith("curated knowledge base not merged: its genes are human") for m in summary.merged)
    asked, s2 = build([SourceSpec("string", [T / "string_mouse"])], species="mouse", curated=("bundled",))
    assert "hgnc.symbol:PTEN" in set(asked.nodes["id"]) and "mgi.symbol:Gnai3" in set(asked.nodes["id"])
    assert any("kept apart from mouse genes (mgi.symbol)" in m for m in s2.merged)


def test_p7_human_gene_sets_reach_a_mouse_build_only_through_orthologs():
    gmt = [SourceSpec("gmt", [T / "gmt" / "h.all.v7.4.symbols.gmt"])]
    tables, summary = build(gmt, species="mouse")
    assert not len(tables.edges)     # JUNB is not re-cased to Junb
    g = next(s for s in summary.per_source if s["source"] == "gmt")
    assert any(k.startswith("human gene in a mouse build (give an ortholog file") for k in g["unmapped"])
    assert any(w.startswith("gmt added nothing") for w in summary.warnings)
    tables, summary = build(gmt + [SourceSpec("orthologs", [FIX / "orthologs"])], species="mouse")
    # JUNB has one mouse ortholog; A2M and HIF1A have none in the file, AMY2A has two
    assert set(zip(tables.edges["source"], tables.edges["target"])) == {
        ("mgi.symbol:Junb", "geneset:HALLMARK_COAGULATION")}
    g = next(s for s in summary.per_source if s["source"] == "gmt")
    assert set(g["unmapped"]["human gene without a 1:1 mouse ortholog"]["examples"]) == {"A2M", "HIF1A"}


def test_p7_mouse_style_gene_sets_are_not_read_into_a_human_build(tmp_path):
    (tmp_path / "mh.all.v2023.1.Mm.symbols.gmt").write_text("HALLMARK_X\thttp://x\tJunb\tFos\n")
    r = run("gmt", [tmp_path])
    assert not len(r.tables.edges)
    assert "mouse-style symbol in a human build (a mouse gene set?)" in r.report.unmapped


def test_orthologs_keep_one_to_one_pairs_only():
    from evgraph.loaders.orthologs import read_orthologs

    o = read_orthologs(FIX / "orthologs" / "HOM_MouseHumanSequence.rpt")
    assert o.human_to == {"mouse": {"GNAI3": "Gnai3", "JUNB": "Junb"}}
    assert o.dropped == {"mouse": 2} and "Amy2a1" in o.symbols["mouse"]


# -- P8: the Entrez id decides ------------------------------------------------------------------------

def test_p8_mirtarbase_rows_with_an_entrez_id_are_not_renamed_through_aliases():
    r = run("mirtarbase", [T / "mirtarbase"])
    genes = {g for _, g in edges(r, "REGULATES")}
    # HCC (619501) is not FAM126A; zebrafish foxg1a (30663) labelled Homo sapiens is not FOXG1;
    # FOXG1B with FOXG1's id 2290 is FOXG1
    assert "hgnc.symbol:FAM126A" not in genes
    assert genes == {"hgnc.symbol:HIF1A", "hgnc.symbol:FOXG1"}
    rep = r.report.as_dict()
    lost = rep["unmapped"]["NCBI Gene id not in the HGNC file (another species' gene or a withdrawn id)"]
    assert sorted(lost["examples"]) == ["30663", "619501"]
    assert rep["notes"]["gene symbols renamed to the symbol HGNC gives their NCBI Gene id"] == 1


# -- P9: smaller problems ---------------------------------------------------------------------------

def test_p9_latin1_stays_latin1_and_mac_roman_is_recognised(tmp_path):
    (tmp_path / "a.txt").write_bytes("Immunogold électron\tSéquençage\n".encode("latin-1"))
    (tmp_path / "b.txt").write_bytes("Caspase-Glo® assay\tpéché\n".encode("mac_roman"))
    assert encoding_of(tmp_path / "a.txt") == "cp1252" and encoding_of(tmp_path / "b.txt") == "mac_roman"


def test_p9_a_comma_separated_exocarta_file_is_named_as_such():
    msg = error("exocarta", [T / "exocarta_csv"])
    assert msg == (f"{T / 'exocarta_csv' / 'EXOCARTA_PROTEIN_MRNA_DETAILS_5.txt'}:1: the file looks comma-separated; "
                   "expected tab-separated (CONTENT ID, CONTENT TYPE, ENTREZ GENE ID, GENE SYMBOL, SPECIES, "
                   "EXPERIMENT ID, METHODS)")


def test_p9_the_article_before_a_file_role():
    with pytest.raises(ValidationError, match="exocarta needs an experiments file"):
        classify_files(get_source("exocarta"), [FIX / "exocarta" / "EXOCARTA_MIRNA_DETAILS_5.txt"])


def test_p9_reactome_counts_the_rows_of_every_file_and_their_other_species():
    r = run("reactome", [T / "reactome"])
    rep = r.report.as_dict()
    gmt_rows = sum(len(line.split("\t")) - 2 for line in (T / "reactome" / "ReactomePathways.gmt").read_text().splitlines())
    assert rep["rows_read"] == 10 + 6 + gmt_rows
    assert rep["rejected"]["ReactomePathways.txt: pathways of species other than Homo sapiens"] == 1
    assert rep["rejected"]["ReactomePathwaysRelation.txt: hierarchy rows of other species"] == 1


def test_p9_armless_mirna_names_beside_their_arm_forms_are_reported():
    _, summary = build([SourceSpec("mirtarbase", [T / "mirtarbase"]), SourceSpec("hgnc", [HGNC])])
    w = next(w for w in summary.warnings if "arm-less miRNA names stay apart" in w)
    assert "without miRBase aliases.txt" in w


# -- Vesiclepedia 5.1: malformed lines and '-' symbols ------------------------------------------------

def test_vesiclepedia_malformed_lines_are_skipped_counted_and_listed():
    r = run("vesiclepedia", [T / "vesiclepedia"])
    rep = r.report.as_dict()
    path = str(T / "vesiclepedia" / "VESICLEPEDIA_PROTEIN_MRNA_DETAILS_5.1.txt")
    assert rep["malformed_lines"] == {path: [{"line": 3, "fields": 8}, {"line": 5, "fields": 3}]}
    assert rep["rejected"]["VESICLEPEDIA_PROTEIN_MRNA_DETAILS_5.1.txt: malformed lines skipped (wrong number of fields)"] == 2
    assert rep["unmapped"]["gene symbol (not a valid symbol)"]["first_seen"] == {
        "-": "VESICLEPEDIA_PROTEIN_MRNA_DETAILS_5.1.txt:4"}
    products = {s for s, _ in edges(r, "PRODUCT_OF")}
    assert products == {"protein:TP53", "protein:EGFR"}   # line numbers after a skipped line stay right


def test_vesiclepedia_strict_mode_stops_at_the_first_malformed_line():
    msg = error("vesiclepedia", [T / "vesiclepedia"], ctx(strict=True))
    assert msg == (f"{T / 'vesiclepedia' / 'VESICLEPEDIA_PROTEIN_MRNA_DETAILS_5.1.txt'}:3: expected 7 tab-separated "
                   "fields as in the header, found 8")


def test_strict_option_parses_as_a_boolean():
    from evgraph.errors import InputError
    from evgraph.loaders.build import parse_option_arg

    assert parse_option_arg("vesiclepedia.strict=true") == ("vesiclepedia", "strict", True)
    assert parse_option_arg("exocarta.strict=no") == ("exocarta", "strict", False)
    with pytest.raises(InputError, match="strict is true or false"):
        parse_option_arg("vesiclepedia.strict=maybe")


# -- damaged gzip --------------------------------------------------------------------------------------

@pytest.mark.parametrize("damage", ["truncated", "corrupt"])
def test_a_damaged_gzip_file_is_an_error_naming_it(tmp_path, damage):
    data = gzip.compress(HGNC.read_bytes() * 50)
    if damage == "truncated":
        data = data[: len(data) // 2]
    else:
        data = data[:40] + bytes(b ^ 0xFF for b in data[40:80]) + data[80:]
    path = tmp_path / "hgnc_complete_set.txt.gz"
    path.write_bytes(data)
    with pytest.raises(ValidationError) as err:
        SymbolMap.from_hgnc(path)
    assert str(err.value.problems[0]).startswith(f"{path}: the gzip file is truncated or corrupt (")
    assert "download it again" in str(err.value)


def test_a_damaged_gzip_source_fails_the_build_command_cleanly(tmp_path):
    from typer.testing import CliRunner

    from evgraph.cli import app

    src = tmp_path / "string"
    src.mkdir()
    shutil.copy(FIX / "string" / "9606.protein.info.v12.0.txt.gz", src)
    data = (FIX / "string" / "9606.protein.links.v12.0.txt.gz").read_bytes()
    (src / "9606.protein.links.v12.0.txt.gz").write_bytes(data[: len(data) - 12])
    res = CliRunner().invoke(app, ["build", "--out", str(tmp_path / "g"), "--source", f"string={src}"])
    assert res.exit_code == 1 and "the gzip file is truncated or corrupt" in res.stderr
    assert "Traceback" not in res.output and not (tmp_path / "g" / "nodes.csv").exists()


def test_tsv_lines_too_short_for_a_required_column_are_errors_by_default(tmp_path):
    (tmp_path / "t.tsv").write_text("a\tb\tc\n1\t2\t3\n4\n")
    with pytest.raises(ValidationError, match=r"t.tsv:3: expected 3 tab-separated fields as in the header, found 1"):
        read_table(tmp_path / "t.tsv", ["a", "c"])
    df = read_table(tmp_path / "t.tsv", ["a"])    # a short line that still holds every required column
    assert df["_line"].tolist() == [2, 3]


def test_build_command_lists_skipped_lines_and_strict_mode_exits_1(tmp_path):
    from typer.testing import CliRunner

    from evgraph.cli import app

    runner = CliRunner()
    res = runner.invoke(app, ["build", "--out", str(tmp_path / "g"), "--no-curated",
                              "--source", f"hgnc={HGNC}", "--source", f"vesiclepedia={T / 'vesiclepedia'}"])
    assert res.exit_code == 0, res.output
    assert ("vesiclepedia: 2 malformed line(s) skipped in VESICLEPEDIA_PROTEIN_MRNA_DETAILS_5.1.txt (wrong number "
            "of fields): line 3, 5; --option vesiclepedia.strict=true stops instead") in res.stderr
    assert "vesiclepedia: 1 unmapped gene symbol (not a valid symbol) (1 rows), e.g. - " \
           "(VESICLEPEDIA_PROTEIN_MRNA_DETAILS_5.1.txt:4)" in res.stderr
    strict = runner.invoke(app, ["build", "--out", str(tmp_path / "s"), "--no-curated", "--source",
                                 f"vesiclepedia={T / 'vesiclepedia'}", "--option", "vesiclepedia.strict=true"])
    assert strict.exit_code == 1 and "VESICLEPEDIA_PROTEIN_MRNA_DETAILS_5.1.txt:3: expected 7" in strict.stderr
    assert not (tmp_path / "s" / "nodes.csv").exists() and "Traceback" not in strict.output
