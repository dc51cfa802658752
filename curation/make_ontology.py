"""Write evgraph's slim ontology table from cellxgene-ontology-guide (CL, MONDO, UBERON).

    pip install "evgraph[ontology]"        # or: pip install cellxgene-ontology-guide
    python curation/make_ontology.py       # writes evgraph/data/ontology.tsv.gz

The table holds every Cell Ontology, MONDO and UBERON term the bundled knowledge base uses
(evgraph/data/kb/terms.tsv), the terms users commonly ask for (every MONDO term under "cancer"
and under the knowledge base's cancers; every CL term under its cell types, "hematopoietic cell"
and "stromal cell"; every UBERON term under "bodily fluid"), the terms named in
curation/abbreviations.tsv, and all their ancestors up to the roots. Each row has the label,
the guide's (exact) synonyms, the curated names of curation/abbreviations.tsv and the direct
parents; the header records the guide, schema and ontology releases. Deprecated terms are left
out. The output is byte-for-byte reproducible (gzip without a time stamp).
"""
import gzip
import io
import sys
from importlib.metadata import version
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE.parent / "evgraph" / "data"
OUT = DATA / "ontology.tsv.gz"
ONTOLOGIES = ("CL", "MONDO", "UBERON")
LICENCE = {"CL": "CC BY 4.0", "MONDO": "CC BY 4.0", "UBERON": "CC BY 4.0"}
# Subtrees users ask for beyond the knowledge base's own terms.
ROOTS = {
    "MONDO:0004992": "cancer",
    "CL:0000988": "hematopoietic cell (immune cells)",
    "CL:0000499": "stromal cell",
    "UBERON:0006314": "bodily fluid",
}


def read_tsv(path):
    lines = [line.rstrip("\n") for line in path.read_text("utf-8").splitlines() if line.strip()]
    header = lines[0].split("\t")
    return [dict(zip(header, line.split("\t"))) for line in lines[1:]]


def main(argv=None):
    if argv:
        sys.exit(__doc__)
    from cellxgene_ontology_guide.supported_versions import CXGSchema

    schema = CXGSchema()
    onto = {name: schema.ontology(name) for name in ONTOLOGIES}
    terms = {tid: t for o in onto.values() for tid, t in o.items()}

    kb = [r["id"] for r in read_tsv(DATA / "kb" / "terms.tsv") if r["id"].split(":")[0] in ONTOLOGIES]
    curated: dict[str, list[str]] = {}
    for row in read_tsv(HERE / "abbreviations.tsv"):
        curated.setdefault(row["id"], []).append(row["name"])
    missing = [t for t in kb + list(curated) if t not in terms or terms[t]["deprecated"]]
    if missing:
        sys.exit(f"not current terms of the guide's ontologies: {', '.join(missing)}")

    def live(tid):
        return tid in terms and not terms[tid]["deprecated"]

    children: dict[str, set] = {}
    for tid, t in terms.items():
        if live(tid):
            for parent, dist in t["ancestors"].items():
                if dist == 1:
                    children.setdefault(parent, set()).add(tid)

    def subtree(root):
        out, stack = set(), [root]
        while stack:
            for c in children.get(stack.pop(), ()):
                if c not in out:
                    out.add(c)
                    stack.append(c)
        return out

    chosen = set(kb) | set(curated)
    for root in [*ROOTS, *(t for t in kb if not t.startswith("UBERON:"))]:
        chosen |= {root} | subtree(root)
    for tid in list(chosen):
        chosen |= {a for a in terms[tid]["ancestors"] if live(a)}

    rows = []
    for tid in sorted(chosen, key=lambda t: (t.split(":")[0], t)):
        t = terms[tid]
        parents = sorted(a for a, d in t["ancestors"].items() if d == 1 and a in chosen)
        synonyms = sorted({s for s in t.get("synonyms", []) if s != t["label"]})
        cells = [tid, t["label"], "|".join(synonyms), "|".join(curated.get(tid, [])), "|".join(parents)]
        if any("\t" in c or "\n" in c for c in cells) or any("|" in s for s in synonyms):
            sys.exit(f"{tid}: a label or synonym holds a tab, newline or '|'")
        rows.append("\t".join(cells))

    info = schema.supported_ontologies
    header = [
        "# evgraph slim ontology table; written by curation/make_ontology.py, do not edit",
        f"# source: cellxgene-ontology-guide {version('cellxgene-ontology-guide')} "
        f"(CZ CELLxGENE schema {schema.version}, MIT)",
        *(f"# {name}: {info[name]['version']} ({LICENCE[name]})" for name in ONTOLOGIES),
        "# curated names: curation/abbreviations.tsv",
        "# synonyms: the guide's synonyms; parents: direct is-a parents as the guide gives them "
        "(UBERON: also part-of)",
        "id\tlabel\tsynonyms\tcurated_names\tparents",
    ]
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb", mtime=0, filename="") as gz:
        gz.write(("\n".join(header + rows) + "\n").encode("utf-8"))
    OUT.write_bytes(buf.getvalue())
    counts = {name: sum(1 for t in chosen if t.startswith(name + ":")) for name in ONTOLOGIES}
    print(f"wrote {OUT}: {len(rows)} terms ({', '.join(f'{k} {v}' for k, v in counts.items())}), "
          f"{OUT.stat().st_size:,} bytes")


if __name__ == "__main__":
    main(sys.argv[1:])
