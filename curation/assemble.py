"""Assemble curator part files (keys) into the bundled KB (standard identifiers).

    python curation/assemble.py           write evgraph/data/kb/*.tsv and evgraph/data/known_targets.tsv
    python curation/assemble.py --check   only report counts and skipped rows

Part files follow curation/SPEC.md (version 2). Every row that cannot be assembled is reported
with its file and line and left out of the output; --check lists them without writing.
"""
import glob
import os
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
CHECK = "--check" in sys.argv[1:]
if set(sys.argv[1:]) - {"--check"}:
    sys.exit(__doc__)
os.chdir(HERE)  # part files are read relative to this folder, wherever it is run from
DATA = HERE.parent / "evgraph" / "data"
OUT = DATA / "kb"
DOI = re.compile(r"^10\.\d{4,9}/\S+$")


def read(path):
    with open(path, encoding="utf-8") as fh:
        lines = [line.rstrip("\n") for line in fh if line.strip()]
    header = lines[0].split("\t")
    rows = []
    for i, line in enumerate(lines[1:], 2):
        cells = line.split("\t")
        if len(cells) != len(header):
            skipped.append(f"{path}:{i}: {len(cells)} cells vs {len(header)} in the header")
            continue
        r = dict(zip(header, [c.strip() for c in cells]))
        r["_at"] = f"{path}:{i}"
        rows.append(r)
    return rows


skipped = []
vocab = {r["key"]: r for r in read("vocab.tsv")}
checked = {r["key"]: r for r in read("vocab_checked.tsv")} if Path("vocab_checked.tsv").exists() else {}
for k, r in checked.items():
    if k in vocab and r["status"] in ("ok", "fixed") and r.get("official_label"):
        vocab[k]["label"] = r["official_label"]
        vocab[k]["id"] = r["id"]
for f in sorted(glob.glob("p*.newvocab.tsv")):
    for r in read(f):
        if r["key"] not in vocab and r.get("id"):
            polarity = re.search(r"polarity[:= ]+(pro_tumour|anti_tumour|context)", r.get("evidence", ""))
            r["polarity"] = polarity.group(1) if polarity else ("context" if r["kind"] == "phenotype" else "")
            vocab[r["key"]] = r


def vid(key, kind, r, col):
    v = vocab.get(key)
    if not v or v["kind"] != kind:
        skipped.append(f"{r['_at']}: {col}={key!r} not a {kind} key")
        return None
    return v["id"]


def phen(value, r, col="phenotypes"):
    out = []
    for item in filter(None, value.split(";")):
        item, suffix = item.strip(), ""
        if item.endswith(":inhibits"):
            item, suffix = item[:-9], ":inhibits"
        i = vid(item, "phenotype", r, col)
        if i is None:
            return None
        out.append(i + suffix)
    return ";".join(out)


def ids(value, kind, r, col, *, optional=False):
    if optional and not value:
        return ""
    out = []
    for item in filter(None, value.split(";")):
        i = vid(item.strip(), kind, r, col)
        if i is None:
            return None
        out.append(i)
    return ";".join(out)


def cites(r):
    """(pmids, dois) of a row, or None (reported) when it has neither or a malformed one."""
    pmid, doi = r.get("pmid", ""), r.get("doi", "")
    if pmid and not all(p.isdigit() for p in pmid.split(";")):
        skipped.append(f"{r['_at']}: pmid {pmid!r} is not digits")
        return None
    if doi and not all(DOI.match(d) for d in doi.split(";")):
        skipped.append(f"{r['_at']}: doi {doi!r} is not a DOI like 10.1000/xyz")
        return None
    if not pmid and not doi:
        skipped.append(f"{r['_at']}: neither pmid nor doi")
        return None
    return pmid, doi


def model_systems(r, *, required=True):
    ms = r.get("model_system", "")
    if "patient_samples" in ms:
        skipped.append(f"{r['_at']}: model_system must not hold patient_samples (use the patient_samples column)")
        return None
    if required and not ms:
        skipped.append(f"{r['_at']}: empty model_system")
        return None
    return ms


CARGO_TYPES = ("miRNA", "protein", "mRNA", "lncRNA", "circRNA", "DNA", "lipid", "metabolite", "whole_EV")


def cargo_ok(r):
    if r["cargo_type"] not in CARGO_TYPES:
        skipped.append(f"{r['_at']}: cargo_type {r['cargo_type']!r} is not one of {', '.join(CARGO_TYPES)}")
        return False
    if (r["cargo_type"] == "whole_EV") == bool(r["cargo_id"]):
        skipped.append(f"{r['_at']}: " + ("whole_EV rows leave cargo_id empty" if r["cargo_id"] else
                                          "empty cargo_id (use cargo_type whole_EV when no molecule is named)"))
        return False
    return True


def parts(kind):
    return [r for f in sorted(glob.glob(f"p*.{kind}.tsv")) for r in read(f)]


comm, seen_comm = [], {}
for r in parts("communications"):
    c = cites(r)
    if c is None or not cargo_ok(r):
        continue
    row = {"record_id": "", "cancer": vid(r["cancer"], "cancer", r, "cancer"),
           "donor_cell": vid(r["donor_cell"], "cell", r, "donor_cell"),
           "donor_as_written": r["donor_as_written"], "cargo_type": r["cargo_type"], "cargo_id": r["cargo_id"],
           "cargo_as_written": r["cargo_as_written"],
           "recipient_cells": ids(r["recipient_cells"], "cell", r, "recipient_cells"),
           "recipient_as_written": r["recipient_as_written"], "ev_subtype": r["ev_subtype"], "species": r["species"],
           "model_system": model_systems(r), "patient_samples": r.get("patient_samples", ""),
           "targets": r["targets"], "pathways": ids(r["pathways"], "pathway", r, "pathways", optional=True),
           "phenotypes": phen(r["phenotypes"], r), "pmids": c[0], "dois": c[1], "claim": r["claim"],
           "_key": r["key"]}
    if any(v is None for v in row.values()):
        continue
    ck = (row["cancer"], row["donor_cell"], row["cargo_id"], row["recipient_cells"], row["pmids"] or row["dois"])
    if ck in seen_comm:
        skipped.append(f"{r['_at']}: duplicate of {seen_comm[ck]}")
        continue
    seen_comm[ck] = r["_at"]
    comm.append(row)
# Record ids are stable across releases: record_ids.tsv remembers the id of every curation key
# (a retired key keeps its id, which is never given again); a new key gets the next free number.
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
for r in parts("biomarkers"):
    c = cites(r)
    if c is None or not cargo_ok(r):
        continue
    row = {"biomarker_id": "", "cargo_type": r["cargo_type"], "cargo_id": r["cargo_id"],
           "cargo_as_written": r["cargo_as_written"], "cancer": vid(r["cancer"], "cancer", r, "cancer"),
           "body_fluid": vid(r["body_fluid"], "fluid", r, "body_fluid"), "use": r["use"],
           "direction": r["direction"] or "unreported", "comparison": r.get("comparison") or "unreported",
           "validation": r.get("validation") or "unreported", "metric": r["metric"], "value": r["value"],
           "cohort_size": r["cohort_size"], "status": r["status"], "disputed_by": r.get("disputed_by", ""),
           "pmids": c[0], "dois": c[1], "claim": r["claim"]}
    if any(v is None for v in row.values()):
        continue
    bio.append(row)
for i, row in enumerate(bio, 1):
    row["biomarker_id"] = f"EVB:{i:04d}"

mach = []
for r in parts("machinery"):
    c = cites(r)
    if c is None:
        continue
    row = {"gene": r["gene"], "role": r["role"], "cancer": vid(r["cancer"], "cancer", r, "cancer"),
           "cell_type": vid(r["cell_type"], "cell", r, "cell_type"), "intervention": r["intervention"],
           "species": r.get("species", ""), "model_system": model_systems(r, required=False),
           "phenotypes": phen(r["phenotypes"], r), "status": r.get("status") or "supported",
           "disputed_by": r.get("disputed_by", ""), "pmids": c[0], "dois": c[1], "claim": r["claim"]}
    if any(v is None for v in row.values()):
        continue
    mach.append(row)

drugs = []
for r in parts("drugs"):
    c = cites(r)
    if c is None:
        continue
    row = {"drug": r["drug"], "drug_id": r["drug_id"], "target": r["target"], "target_kind": r["target_kind"],
           "action": r["action"],
           "cancer": vid(r["cancer"], "cancer", r, "cancer") if r.get("cancer") else "",
           "species": r.get("species", ""), "model_system": model_systems(r, required=False),
           "phenotypes": phen(r.get("phenotypes", ""), r), "status": r.get("status") or "supported",
           "disputed_by": r.get("disputed_by", ""), "pmids": c[0], "dois": c[1], "claim": r["claim"]}
    if any(v is None for v in row.values()):
        continue
    drugs.append(row)

known_targets = []
for r in parts("known_targets"):
    c = cites(r)
    if c is None:
        continue
    row = {"target": r["target"], "target_kind": r["target_kind"], "intervention": r["intervention"],
           "outcome": phen(r["outcome"], r, "outcome"), "cancer": vid(r["cancer"], "cancer", r, "cancer"),
           "species": r.get("species", ""), "model_system": model_systems(r), "pmids": c[0], "dois": c[1],
           "claim": r["claim"]}
    if any(v is None for v in row.values()):
        continue
    known_targets.append(row)

refs = {}
for r in parts("references"):
    key = r.get("pmid") or r.get("doi")
    if not key:
        skipped.append(f"{r['_at']}: reference with neither pmid nor doi")
        continue
    have = refs.setdefault(key, {k: r.get(k, "") for k in ("pmid", "doi", "first_author", "year", "journal",
                                                            "title", "verified_by")})
    for k in ("doi", "first_author", "year", "journal", "title"):
        have[k] = have[k] or r.get(k, "")
# One paper, one reference: a part that saw only a paper's DOI (or its title) may cite a paper another
# part cites by PMID. Such DOI-only references fold into the PMID one, and rows citing the DOI alone
# then cite the PMID.
merged, notes = {}, []  # reported after every file is written
by_doi = {r["doi"].lower(): k for k, r in refs.items() if r["pmid"] and r["doi"]}
by_title = {r["title"].lower().strip(" ."): k for k, r in refs.items() if r["pmid"] and r["title"]}
for key, r in list(refs.items()):
    if r["pmid"]:
        continue
    target = by_doi.get(r["doi"].lower()) or by_title.get(r["title"].lower().strip(" .")) if r["title"] else \
        by_doi.get(r["doi"].lower())
    if target:
        refs[target]["doi"] = refs[target]["doi"] or r["doi"]
        refs[target]["verified_by"] += f" | DOI {r['doi']} seen at: {r['verified_by']}"
        merged[r["doi"]] = refs[target]["pmid"]
        del refs[key]
        notes.append(f"MERGED reference DOI {r['doi']} into PMID {refs[target]['pmid']}")
for row in comm + bio + mach + drugs + known_targets:
    if not row["pmids"] and row["dois"] in merged:
        row["pmids"] = merged[row["dois"]]
# a finding two parts curated from one paper, once by PMID and once by DOI, is one record
first_of = {}
for row in list(comm):
    ck = (row["cancer"], row["donor_cell"], row["cargo_id"], row["recipient_cells"], row["pmids"] or row["dois"])
    if ck in first_of:
        skipped.append(f"{row['_key']}: duplicate of {first_of[ck]} (the same paper by PMID and DOI)")
        comm.remove(row)
    else:
        first_of[ck] = row["_key"]


def write(path, rows, cols):
    if CHECK:
        return
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write("\t".join(cols) + "\n")
        for r in rows:
            fh.write("\t".join(str(r[c]).replace("\t", " ") for c in cols) + "\n")


write(OUT / "communications.tsv", comm, ["record_id", "cancer", "donor_cell", "donor_as_written", "cargo_type",
      "cargo_id", "cargo_as_written", "recipient_cells", "recipient_as_written", "ev_subtype", "species",
      "model_system", "patient_samples", "targets", "pathways", "phenotypes", "pmids", "dois", "claim"])
write(OUT / "biomarkers.tsv", bio, ["biomarker_id", "cargo_type", "cargo_id", "cargo_as_written", "cancer",
      "body_fluid", "use", "direction", "comparison", "validation", "metric", "value", "cohort_size", "status",
      "disputed_by", "pmids", "dois", "claim"])
write(OUT / "machinery.tsv", mach, ["gene", "role", "cancer", "cell_type", "intervention", "species", "model_system",
      "phenotypes", "status", "disputed_by", "pmids", "dois", "claim"])
write(OUT / "drugs.tsv", drugs, ["drug", "drug_id", "target", "target_kind", "action", "cancer", "species",
      "model_system", "phenotypes", "status", "disputed_by", "pmids", "dois", "claim"])
write(DATA / "known_targets.tsv", known_targets, ["target", "target_kind", "intervention", "outcome", "cancer",
      "species", "model_system", "pmids", "dois", "claim"])


def ref_order(r):
    return (0, int(r["pmid"]), "") if r["pmid"].isdigit() else (1, 0, r["doi"])


write(OUT / "references.tsv", sorted(refs.values(), key=ref_order),
      ["pmid", "doi", "first_author", "year", "journal", "title", "verified_by"])
terms = [{"id": v["id"], "label": v["label"], "kind": v["kind"], "polarity": v.get("polarity", "")}
         for v in vocab.values() if v.get("id")]
write(OUT / "terms.tsv", terms, ["id", "label", "kind", "polarity"])
cited = set()
for r in comm + bio + mach + drugs + known_targets:
    cited |= {p for p in r["pmids"].split(";") if p}
    if not r["pmids"]:
        cited |= {d for d in r["dois"].split(";") if d}
missing = sorted(cited - set(refs))
print(f"communications {len(comm)} biomarkers {len(bio)} machinery {len(mach)} drugs {len(drugs)} "
      f"known_targets {len(known_targets)} refs {len(refs)}")
print("cited without reference rows:", missing)
for n in notes:
    print(n)
for s in skipped:
    print("SKIPPED", s)
