"""Look up ontology terms offline in cellxgene-ontology-guide (CL, MONDO, UBERON, Cellosaurus).

    python curation/lookup_term.py "pancreatic ductal adenocarcinoma"          # search MONDO, CL, UBERON
    python curation/lookup_term.py --ontology CL "tumor-associated macrophage"
    python curation/lookup_term.py --id MONDO:0005184                          # label, synonyms, parents

Needs `pip install cellxgene-ontology-guide` (the evgraph[ontology] extra). It spends no search
look-ups: curators use it to check a term id before adding it to a newvocab file; cite the
printed release in the `evidence` column.
"""
import argparse
import sys

ONTOLOGIES = ("MONDO", "CL", "UBERON", "CVCL")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("query", nargs="?")
    ap.add_argument("--ontology", action="append", choices=ONTOLOGIES)
    ap.add_argument("--id")
    ap.add_argument("--limit", type=int, default=15)
    a = ap.parse_args(argv)
    from cellxgene_ontology_guide.ontology_parser import OntologyParser

    op = OntologyParser()
    if a.id:
        print(a.id, "|", op.get_term_label(a.id), "| deprecated" if op.is_term_deprecated(a.id) else "")
        print("  synonyms:", "; ".join(op.get_term_synonyms(a.id)))
        print("  parents:", "; ".join(f"{p} {op.get_term_label(p)}" for p in op.get_term_parents(a.id)))
        return
    if not a.query:
        sys.exit("give a query or --id")
    q = a.query.lower()
    for name in a.ontology or ONTOLOGIES:
        ont = name
        labels = op.get_term_label_to_id_map(ont)
        hits = []
        for label, tid in labels.items():
            if op.is_term_deprecated(tid):
                continue
            syns = op.get_term_synonyms(tid) if name != "CVCL" else []
            names = [label] + list(syns)
            exact = any(n.lower() == q for n in names)
            if exact or any(q in n.lower() for n in names):
                hits.append((not exact, len(label), tid, label, [s for s in syns if q in s.lower()][:3]))
        hits.sort()
        print(f"== {name} {op.cxg_schema.supported_ontologies[name].get('version', '')}"
              f" ({len(hits)} hits)")
        for _, _, tid, label, syns in hits[: a.limit]:
            print(f"  {tid}\t{label}" + (f"\t(synonyms: {'; '.join(syns)})" if syns else ""))


if __name__ == "__main__":
    main()
