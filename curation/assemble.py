"""Assemble curator part files (keys) into the bundled KB (standard identifiers).

    python curation/assemble.py           write evgraph/data/kb/*.tsv
    python curation/assemble.py --check   only report counts and skipped rows
"""
import csv, glob, os, sys, re
from pathlib import Path

HERE = Path(__file__).resolve().parent
CHECK = "--check" in sys.argv[1:]
if set(sys.argv[1:]) - {"--check"}:
    sys.exit(__doc__)
os.chdir(HERE)  # part files are read relative to this folder, wherever it is run from
OUT = HERE.parent / "evgraph" / "data" / "kb"

def read(path):
    with open(path, encoding="utf-8") as fh:
        lines = [l.rstrip("\n") for l in fh if l.strip()]
    header = lines[0].split("\t")
    rows = []
    for i, l in enumerate(lines[1:], 2):
        cells = l.split("\t")
        if len(cells) != len(header):
            print(f"SKIP {path}:{i}: {len(cells)} cells vs {len(header)}", file=sys.stderr); continue
        r = dict(zip(header, [c.strip() for c in cells])); r["_at"] = f"{path}:{i}"; rows.append(r)
    return rows

vocab = {r["key"]: r for r in read("vocab.tsv")}
checked = {r["key"]: r for r in read("vocab_checked.tsv")} if Path("vocab_checked.tsv").exists() else {}
for k, r in checked.items():
    if k in vocab and r["status"] in ("ok", "fixed") and r.get("official_label"):
        vocab[k]["label"] = r["official_label"]
        vocab[k]["id"] = r["id"]
for f in sorted(glob.glob("p*.newvocab.tsv")):
    for r in read(f):
        if r["key"] not in vocab and r.get("id"):
            vocab[r["key"]] = r
skipped = []
def vid(key, kind, r, col):
    v = vocab.get(key)
    if not v or v["kind"] != kind:
        skipped.append(f"{r['_at']}: {col}={key!r} not a {kind} key"); return None
    return v["id"]

def phen(value, r):
    out = []
    for item in filter(None, value.split(";")):
        item = item.strip(); suffix = ""
        if item.endswith(":inhibits"): item, suffix = item[:-9], ":inhibits"
        i = vid(item, "phenotype", r, "phenotypes")
        if i is None: return None
        out.append(i + suffix)
    return ";".join(out)

def ids(value, kind, r, col):
    out = []
    for item in filter(None, value.split(";")):
        i = vid(item.strip(), kind, r, col)
        if i is None: return None
        out.append(i)
    return ";".join(out)

used_terms = set()
comm = []
seen_comm = {}
for f in sorted(glob.glob("p*.communications.tsv")):
    for r in read(f):
        row = {"record_id": "", "cancer": vid(r["cancer"], "cancer", r, "cancer"),
               "donor_cell": vid(r["donor_cell"], "cell", r, "donor_cell"),
               "donor_as_written": r["donor_as_written"], "cargo_type": r["cargo_type"], "cargo_id": r["cargo_id"],
               "cargo_as_written": r["cargo_as_written"],
               "recipient_cells": ids(r["recipient_cells"], "cell", r, "recipient_cells"),
               "recipient_as_written": r["recipient_as_written"], "ev_subtype": r["ev_subtype"], "species": r["species"],
               "model_system": r["model_system"], "targets": r["targets"],
               "pathways": ids(r["pathways"], "pathway", r, "pathways"),
               "phenotypes": phen(r["phenotypes"], r), "pmids": r["pmid"], "claim": r["claim"], "_key": r["key"]}
        if any(v is None for v in row.values()): continue
        ck = (row["cancer"], row["donor_cell"], row["cargo_id"], row["recipient_cells"], row["pmids"])
        if ck in seen_comm:
            skipped.append(f"{r['_at']}: duplicate of {seen_comm[ck]}"); continue
        seen_comm[ck] = r["_at"]
        comm.append(row)
# Record ids are stable across releases: record_ids.tsv remembers the id of every curation key;
# a new key gets the next free number.
ID_FILE = Path("record_ids.tsv")
known = {r["key"]: r["record_id"] for r in read(ID_FILE)} if ID_FILE.exists() else {}
next_id = max((int(v.split(":")[1]) for v in known.values()), default=0) + 1
for row in comm:
    if row["_key"] not in known:
        known[row["_key"]] = f"EVC:{next_id:04d}"
        next_id += 1
    row["record_id"] = known[row["_key"]]
comm.sort(key=lambda row: row["record_id"])
if not CHECK:
    with open(ID_FILE, "w", encoding="utf-8") as fh:
        fh.write("key\trecord_id\n")
        for key, rid in sorted(known.items(), key=lambda t: t[1]):
            fh.write(f"{key}\t{rid}\n")

bio = []
for f in sorted(glob.glob("p*.biomarkers.tsv")):
    for r in read(f):
        row = {"biomarker_id": "", "cargo_type": r["cargo_type"], "cargo_id": r["cargo_id"], "cargo_as_written": r["cargo_as_written"],
               "cancer": vid(r["cancer"], "cancer", r, "cancer"), "body_fluid": vid(r["body_fluid"], "fluid", r, "body_fluid"),
               "use": r["use"], "direction": r["direction"] or "unreported", "metric": r["metric"], "value": r["value"],
               "cohort_size": r["cohort_size"], "status": r["status"], "pmids": r["pmid"], "claim": r["claim"]}
        if any(v is None for v in row.values()): continue
        bio.append(row)
for i, row in enumerate(bio, 1):
    row["biomarker_id"] = f"EVB:{i:04d}"

mach = []
for f in sorted(glob.glob("p*.machinery.tsv")):
    for r in read(f):
        row = {"gene": r["gene"], "role": r["role"], "cancer": vid(r["cancer"], "cancer", r, "cancer"),
               "cell_type": vid(r["cell_type"], "cell", r, "cell_type"), "intervention": r["intervention"],
               "phenotypes": phen(r["phenotypes"], r), "pmids": r["pmid"], "claim": r["claim"]}
        if any(v is None for v in row.values()): continue
        mach.append(row)
drugs = []
for f in sorted(glob.glob("p*.drugs.tsv")):
    for r in read(f):
        drugs.append({"drug": r["drug"], "drug_id": r["drug_id"], "target": r["target"], "target_kind": r["target_kind"],
                      "action": r["action"], "pmids": r["pmid"], "claim": r["claim"]})
refs = {}
for f in sorted(glob.glob("p*.references.tsv")):
    for r in read(f):
        refs.setdefault(r["pmid"], {k: r.get(k, "") for k in ("pmid", "first_author", "year", "journal", "title", "verified_by")})

def write(name, rows, cols):
    if CHECK:
        return
    with open(OUT / name, "w", encoding="utf-8", newline="") as fh:
        fh.write("\t".join(cols) + "\n")
        for r in rows:
            fh.write("\t".join(str(r[c]).replace("\t", " ") for c in cols) + "\n")

write("communications.tsv", comm, ["record_id", "cancer", "donor_cell", "donor_as_written", "cargo_type", "cargo_id",
      "cargo_as_written", "recipient_cells", "recipient_as_written", "ev_subtype", "species", "model_system", "targets",
      "pathways", "phenotypes", "pmids", "claim"])
write("biomarkers.tsv", bio, ["biomarker_id", "cargo_type", "cargo_id", "cargo_as_written", "cancer", "body_fluid", "use",
      "direction", "metric", "value", "cohort_size", "status", "pmids", "claim"])
write("machinery.tsv", mach, ["gene", "role", "cancer", "cell_type", "intervention", "phenotypes", "pmids", "claim"])
write("drugs.tsv", drugs, ["drug", "drug_id", "target", "target_kind", "action", "pmids", "claim"])
write("references.tsv", sorted(refs.values(), key=lambda r: int(r["pmid"]) if r["pmid"].isdigit() else 0),
      ["pmid", "first_author", "year", "journal", "title", "verified_by"])
terms = [{"id": v["id"], "label": v["label"], "kind": v["kind"]} for v in vocab.values() if v.get("id")]
write("terms.tsv", terms, ["id", "label", "kind"])
used = {p for r in comm + bio + mach + drugs for p in r["pmids"].split(";")}
missing = sorted(used - set(refs))
print(f"communications {len(comm)} biomarkers {len(bio)} machinery {len(mach)} drugs {len(drugs)} refs {len(refs)}")
print("PMIDs without reference rows:", missing)
for s in skipped: print("SKIPPED", s)
