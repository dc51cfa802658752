import pytest

from evgraph.errors import SchemaError, UnknownChoiceError
from evgraph.schema import load_schema, parse_schema


def test_schema_has_required_categories_and_relationships():
    s = load_schema()
    for cat in ["CellType", "Cancer", "Gene", "Pathway", "Phenotype", "Drug", "MiRNA", "Protein", "LncRNA",
                "CircRNA", "MRNA", "DNA", "Lipid", "Metabolite", "CommunicationRecord", "BiomarkerClaim"]:
        assert cat in s.categories
    assert set(s.cargo_categories) == {"MiRNA", "Protein", "LncRNA", "CircRNA", "MRNA", "DNA", "Lipid", "Metabolite"}
    assert s.relationship("CARRIES").targets == frozenset(s.cargo_categories)
    assert s.relationship("RELEASES").sources == {"CellType"}
    assert set(s.provenance) == {"pmids", "dois", "knowledge_source", "source_version", "license", "evidence_level"}
    for rel in s.relationships.values():
        assert rel.biolink.startswith("biolink:")


@pytest.mark.parametrize(
    "category, good, bad",
    [
        ("CellType", "CL:0000057", "CL:57"),
        ("Cancer", "MONDO:0007254", "breast cancer"),
        ("Gene", "hgnc.symbol:PTEN", "PTEN"),
        ("MiRNA", "hsa-miR-21-5p", "miR-21"),
        ("MiRNA", "hsa-let-7a-5p", "hsa-miR-21-7p"),
        ("Pathway", "REACT:R-HSA-1257604", "R-HSA-1257604"),
        ("Protein", "protein:CD274", "CD274"),
        ("CircRNA", "circrna:hsa_circ_0000284", "hsa_circ_0000284"),
        ("CommunicationRecord", "EVC:0001", "EVC:1"),
    ],
)
def test_identifier_patterns(category, good, bad):
    spec = load_schema().category(category)
    assert spec.id_pattern.match(good)
    assert not spec.id_pattern.match(bad)


def test_unknown_category_lists_choices():
    with pytest.raises(UnknownChoiceError, match="valid choices: .*CellType"):
        load_schema().category("Cell")


def test_bad_schema_endpoint_is_rejected():
    raw = {
        "version": "x", "provenance": {"pmids": "list[str]"}, "evidence_levels": ["in_vitro"],
        "model_systems": ["in_vitro"], "ev_subtypes": ["exosome"], "species": ["human"],
        "node_categories": {"A": {"neo4j_label": "A", "biolink": "biolink:A", "id_pattern": "."}},
        "relationships": {"R": {"biolink": "biolink:r", "from": ["A"], "to": ["Nope"]}},
    }
    with pytest.raises(SchemaError, match="unknown node category 'Nope'"):
        parse_schema(raw)
    raw["relationships"] = {"r": {"biolink": "biolink:r", "from": ["A"], "to": ["A"]}}
    with pytest.raises(SchemaError, match="UPPER_SNAKE"):
        parse_schema(raw)
    raw["relationships"] = {}
    raw["node_categories"]["A"]["properties"] = {"x": "list[int]"}
    with pytest.raises(SchemaError, match="unknown type"):
        parse_schema(raw)
