"""Identifier normalisation: hand-checked cases and properties (idempotence, schema validity)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from evgraph.loaders.normalise import SampleMapper, normalise_mirna, normalise_symbol
from evgraph.schema import load_schema

MIRNA = load_schema().category("MiRNA").id_pattern
GENE = load_schema().category("Gene").id_pattern


@pytest.mark.parametrize("written, expected", [
    ("miR-21", "hsa-miR-21"),                       # EV databases: no species prefix
    ("hsa-miR-21-5p", "hsa-miR-21-5p"),
    ("hsa-mir-21", "hsa-miR-21"),                   # precursor name -> mature name, arm unknown
    ("MIR21", "hsa-miR-21"),
    ("microRNA-21", "hsa-miR-21"),
    ("miR-199a-5P", "hsa-miR-199a-5p"),
    ("let-7a", "hsa-let-7a"),
    ("hsa-let-7a-2-3p", "hsa-let-7a-2-3p"),
    ("miR-548ab", "hsa-miR-548ab"),
    (" miR-1246 ", "hsa-miR-1246"),
    ("miR-21*", None),                              # star names need miRBase aliases
    ("mmu-miR-21a-5p", None),                       # another species
    ("TP53", None),
    ("", None),
])
def test_mirna_names(written, expected):
    assert normalise_mirna(written) == expected


def test_mirna_species_and_aliases():
    assert normalise_mirna("miR-21a-5p", "mmu") == "mmu-miR-21a-5p"
    aliases = {"hsa-miR-21": "hsa-miR-21-5p"}
    assert normalise_mirna("miR-21", aliases=aliases) == "hsa-miR-21-5p"
    assert normalise_mirna("hsa-mir-21", aliases=aliases) == "hsa-miR-21-5p"


mirna_like = st.builds(
    lambda sp, kind, num, letter, copy, arm: f"{sp}{kind}-{num}{letter}{copy}{arm}",
    st.sampled_from(["", "hsa-", "HSA-"]),
    st.sampled_from(["miR", "mir", "MIR", "let", "microRNA"]),
    st.integers(1, 9999),
    st.sampled_from(["", "a", "b", "ab"]),
    st.sampled_from(["", "-1", "-2"]),
    st.sampled_from(["", "-5p", "-3p", "-5P"]),
)


@given(mirna_like)
def test_mirna_normalisation_is_idempotent_and_valid(name):
    once = normalise_mirna(name)
    assert once is not None and MIRNA.match(once)
    assert normalise_mirna(once) == once


@given(st.text(max_size=20))
def test_mirna_normalisation_never_fails_and_is_idempotent_on_any_text(text):
    once = normalise_mirna(text)
    if once is not None:
        assert MIRNA.match(once) and normalise_mirna(once) == once


@given(st.from_regex(r"[A-Za-z][A-Za-z0-9-]{0,10}", fullmatch=True))
def test_symbol_normalisation_is_idempotent_and_valid(symbol):
    once = normalise_symbol(symbol)
    assert normalise_symbol(once) == once
    assert GENE.match("hgnc.symbol:" + once)


def test_symbol_case():
    assert normalise_symbol("c17orf49") == "C17orf49"
    assert normalise_symbol("Pten") == "PTEN"
    # mouse and rat symbols keep the case they are written in: no rule turns JUNB into Junb
    assert normalise_symbol("PTEN", "rat") == "PTEN"
    assert normalise_symbol("H2-K1", "mouse") == "H2-K1"


@pytest.fixture(scope="module")
def mapper():
    return SampleMapper.bundled()


@pytest.mark.parametrize("sample, expected", [
    ("Dendritic cells", [("CellType", "CL:0000451")]),
    ("Mast cells (HMC-1)", [("CellType", "CL:0000097")]),
    ("Serum", [("BodyFluid", "UBERON:0001977")]),
    ("Urine", [("BodyFluid", "UBERON:0001088")]),
    ("Breast cancer cells (MDA-MB-231)", [("CellType", "CL:0001064"), ("Cancer", "MONDO:0007254")]),
    # 'lung cancer' also occurs inside it: the longest matching label wins
    ("Non-small cell lung carcinoma cells", [("CellType", "CL:0001064"), ("Cancer", "MONDO:0005233")]),
    ("Tumor cells", [("CellType", "CL:0001064")]),
    ("HEK293", []),
    ("Bovine milk", []),
    (None, []),
])
def test_sample_names_to_ontology_terms(mapper, sample, expected):
    assert mapper.map(sample) == expected
