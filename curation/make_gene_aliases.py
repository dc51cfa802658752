"""Write evgraph's slim gene-alias table from the HGNC complete set (CC0).

    python curation/make_gene_aliases.py path/to/hgnc_complete_set.txt[.gz]
    # writes evgraph/data/gene_aliases.tsv.gz

For every approved symbol the bundled knowledge base uses (genes and the gene products of its
cargo), the table lists the HGNC previous symbols and alias symbols, so that names such as PD-L1
find CD274. A name HGNC also gives to another gene is listed for every gene that claims it (the
resolver then refuses it as ambiguous and names them all); a name that is itself an approved
symbol is left out (the approved gene owns it). The HGNC file itself is not copied.
"""
import csv
import gzip
import io
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE.parent / "evgraph" / "data" / "gene_aliases.tsv.gz"
KINDS = {"prev_symbol": "previous symbol", "alias_symbol": "alias"}


def kb_symbols() -> set[str]:
    from evgraph.loaders import load_kb

    nodes = load_kb().nodes
    out = set(nodes.loc[nodes["category"] == "Gene", "symbol"].dropna())
    if "symbol" in nodes.columns:
        out |= set(nodes["symbol"].dropna())
    return {s for s in out if isinstance(s, str) and s}


def main(argv):
    if len(argv) != 1:
        sys.exit(__doc__)
    path = Path(argv[0])
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8", newline="") as fh:
        rows = [r for r in csv.DictReader(fh, delimiter="\t") if r.get("status", "Approved") == "Approved"]
    approved = {r["symbol"].upper() for r in rows}
    claims: dict[str, set[tuple[str, str]]] = {}
    for r in rows:
        for col, kind in KINDS.items():
            for name in (r.get(col) or "").strip('"').split("|"):
                name = name.strip()
                if name and name.upper() not in approved:
                    claims.setdefault(name.upper(), set()).add((name, r["symbol"], kind))
    wanted = kb_symbols()
    missing = sorted(s for s in wanted if s.upper() not in approved)
    out = set()
    for entries in claims.values():
        if any(symbol in wanted for _, symbol, _ in entries):
            out |= entries
    modified = max((r.get("date_modified") or "" for r in rows), default="")
    header = [
        "# evgraph slim gene-alias table; written by curation/make_gene_aliases.py, do not edit",
        f"# source: HGNC hgnc_complete_set.txt (CC0), latest date_modified {modified}",
        f"# genes: the {len(wanted) - len(missing)} symbols of the bundled knowledge base that HGNC approves",
        "alias\tsymbol\tkind",
    ]
    # every field in the key: names that differ only in case must not fall to set order (hash seeds vary)
    body = ["\t".join(e) for e in sorted(out, key=lambda e: (e[0].upper(), e[1], e[0], e[2]))]
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb", mtime=0, filename="") as gz:
        gz.write(("\n".join(header + body) + "\n").encode("utf-8"))
    OUT.write_bytes(buf.getvalue())
    print(f"wrote {OUT}: {len(body)} names for {len(wanted) - len(missing)} genes, {OUT.stat().st_size:,} bytes"
          + (f"; not approved HGNC symbols: {', '.join(missing)}" if missing else ""))


if __name__ == "__main__":
    main(sys.argv[1:])
