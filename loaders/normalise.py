"""Identifier normalisation shared by the public-resource loaders.

* miRNA names to miRBase mature names (``hsa-miR-21-5p``): species prefix
  added (EV databases write ``miR-21``), ``mir``/``MIR``/``microRNA`` spelled
  ``miR``, arms ``-5P`` to ``-5p``, precursor names (``hsa-mir-21``) to the
  mature name without arm, and historical names to current ones through
  miRBase's ``aliases.txt`` when the user gives it.
* Gene symbols to approved HGNC symbols: case, and previous symbols and
  aliases from ``hgnc_complete_set.txt`` when given (an alias shared by two
  genes is ambiguous and left unmapped).
* Sample or cell names from EV databases to Cell Ontology, UBERON and MONDO
  terms of evgraph's vocabulary, only where exactly one term matches.

Whatever cannot be mapped is returned as ``None`` and counted by the caller
in its report; nothing is dropped silently.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

__all__ = [
    "SPECIES",
    "Species",
    "normalise_mirna",
    "normalise_symbol",
    "SymbolMap",
    "SampleMapper",
    "Report",
    "read_mirbase_aliases",
]


@dataclass(frozen=True)
class Species:
    name: str        # schema name
    latin: str       # as EV databases and miRTarBase write it
    taxon: str       # NCBI taxon id (TargetScan, STRING)
    mirbase: str     # miRBase prefix
    reactome: str    # Reactome stable-id species code


SPECIES = {
    "human": Species("human", "Homo sapiens", "9606", "hsa", "HSA"),
    "mouse": Species("mouse", "Mus musculus", "10090", "mmu", "MMU"),
    "rat": Species("rat", "Rattus norvegicus", "10116", "rno", "RNO"),
}

_MIRNA = re.compile(
    r"^(?:(?P<sp>[a-z]{3,4})-)?(?P<kind>mir|microrna|let)-?(?P<num>\d+)(?P<letter>[a-z]{0,2})"
    r"(?P<copy>-\d+)?(?P<arm>-[35]p)?$",
    re.IGNORECASE,
)


def normalise_mirna(name, prefix: str = "hsa", aliases: dict | None = None) -> str | None:
    """The miRBase mature name for a miRNA as written, or ``None`` if it cannot be read.

    Parameters
    ----------
    name : str
        As written: ``miR-21``, ``hsa-mir-21``, ``MIR21``, ``let-7a-5P``, ``hsa-miR-21-5p``.
    prefix : str
        miRBase species prefix added when the name has none (``hsa``).
    aliases : dict, optional
        Historical name -> current name (from :func:`read_mirbase_aliases`).

    Returns
    -------
    str or None
        ``None`` for names of another species, star names without aliases
        (``miR-21*``) and anything that is not a miRNA name.

    Examples
    --------
    >>> normalise_mirna("miR-21")
    'hsa-miR-21'
    >>> normalise_mirna("hsa-mir-199a-5P")
    'hsa-miR-199a-5p'
    >>> normalise_mirna("LET-7A")
    'hsa-let-7a'
    >>> normalise_mirna("hsa-miR-21", aliases={"hsa-miR-21": "hsa-miR-21-5p"})
    'hsa-miR-21-5p'
    >>> normalise_mirna("mmu-miR-21a-5p") is None
    True
    """
    if not isinstance(name, str):
        return None
    text = name.strip().replace(" ", "")
    if aliases and text in aliases:
        return aliases[text]
    m = _MIRNA.match(text)
    if not m:
        return None
    sp = (m.group("sp") or prefix).lower()
    if sp != prefix:
        return None
    kind = "let" if m.group("kind").lower() == "let" else "miR"
    out = f"{sp}-{kind}-{m.group('num')}{m.group('letter').lower()}{m.group('copy') or ''}"
    out += (m.group("arm") or "").lower()
    if aliases and out in aliases:
        return aliases[out]
    return out


def read_mirbase_aliases(path, prefix: str = "hsa") -> dict[str, str]:
    """Historical mature names -> current name from miRBase ``aliases.txt``.

    Each line is ``MIMAT… <TAB> name1;name2;…;`` with the current name last.
    Precursor (``MI…``) lines are skipped.
    """
    from evgraph.loaders._read import read_headerless

    df = read_headerless(path, ["accession", "names"])
    out: dict[str, str] = {}
    for acc, names in zip(df["accession"], df["names"]):
        if not acc.startswith("MIMAT"):
            continue
        parts = [n for n in names.split(";") if n.startswith(prefix + "-")]
        if parts:
            for old in parts[:-1]:
                out[old] = parts[-1]
    return out


_ORF = re.compile(r"(?<=\d)ORF(?=\d)")


def normalise_symbol(symbol, species: str = "human") -> str | None:
    """A gene symbol in the case its species uses (HGNC upper case, ``C1orf112``;
    mouse and rat first letter upper).

    Examples
    --------
    >>> normalise_symbol(" tp53 ")
    'TP53'
    >>> normalise_symbol("c1ORF112")
    'C1orf112'
    >>> normalise_symbol("TRP53", "mouse")
    'Trp53'
    >>> normalise_symbol("") is None
    True
    """
    if not isinstance(symbol, str) or not symbol.strip():
        return None
    s = symbol.strip()
    if species == "human":
        return _ORF.sub("orf", s.upper())
    return s[:1].upper() + s[1:].lower()


@dataclass
class SymbolMap:
    """Approved symbols and their previous symbols, aliases, NCBI Gene and Ensembl ids.

    Built from an HGNC file (:meth:`from_hgnc`) and enriched with the
    (Entrez id, symbol) pairs other sources carry (:meth:`learn_entrez`).
    """

    approved: set = field(default_factory=set)
    renamed: dict = field(default_factory=dict)        # previous symbol or unique alias -> approved
    ambiguous: set = field(default_factory=set)        # aliases of several genes
    entrez: dict = field(default_factory=dict)         # NCBI Gene id -> symbol
    ensembl: dict = field(default_factory=dict)        # Ensembl gene id -> symbol
    species: str = "human"

    @classmethod
    def from_hgnc(cls, path) -> "SymbolMap":
        from evgraph.loaders._read import clean_ids, read_table

        df = read_table(path, ["symbol"], layout="hgnc_complete_set.txt (hgnc_id, symbol, name, ...)")
        if "status" in df.columns:
            df = df.loc[df["status"].fillna("Approved").str.startswith("Approved")]
        m = cls()
        m.approved = set(df["symbol"].dropna())
        upper = {s.upper(): s for s in m.approved}
        claims: dict[str, set] = {}
        for col in ("prev_symbol", "alias_symbol"):
            if col not in df.columns:
                continue
            for sym, cell in zip(df["symbol"], df[col]):
                if cell:
                    for old in cell.strip('"').split("|"):
                        old = old.strip().upper()
                        if old and old not in upper:
                            claims.setdefault(old, set()).add(sym)
        m.renamed = {old: next(iter(s)) for old, s in claims.items() if len(s) == 1}
        m.ambiguous = {old for old, s in claims.items() if len(s) > 1}
        m._upper = upper
        if "entrez_id" in df.columns:
            ids = clean_ids(df["entrez_id"])
            m.entrez = {i: s for i, s in zip(ids, df["symbol"]) if i}
        if "ensembl_gene_id" in df.columns:
            m.ensembl = {i: s for i, s in zip(df["ensembl_gene_id"], df["symbol"]) if i}
        return m

    @property
    def has_hgnc(self) -> bool:
        return bool(self.approved)

    def symbol(self, value) -> tuple[str | None, str]:
        """``(approved symbol or None, how)`` with ``how`` one of ``approved``, ``case``,
        ``renamed``, ``ambiguous``, ``unknown`` or ``unchecked`` (no HGNC file)."""
        s = normalise_symbol(value, self.species)
        if s is None:
            return None, "unknown"
        if not self.has_hgnc:
            return s, "unchecked"
        if s in self.approved:
            return s, "approved"
        up = s.upper()
        if up in self._upper:
            return self._upper[up], "case"
        if up in self.renamed:
            return self.renamed[up], "renamed"
        if up in self.ambiguous:
            return None, "ambiguous"
        return None, "unknown"

    def symbols(self, values: pd.Series, report: "Report", what: str = "gene symbol") -> pd.Series:
        """Map a column of symbols (each distinct value once); unmapped values go to ``report``."""
        mapped, hows = {}, {}
        for v in pd.unique(values.dropna()):
            mapped[v], hows[v] = self.symbol(v)
        out = values.map(mapped)
        how = values.map(hows)
        for reason in sorted({h for v, h in hows.items() if mapped[v] is None}):
            report.unmapped_values(f"{what} ({reason})", values[out.isna() & (how == reason)])
        report.note(f"{what}s renamed to the approved HGNC symbol", int((how == "renamed").sum()))
        return out

    def learn_entrez(self, ids: pd.Series, symbols: pd.Series) -> None:
        """Remember (NCBI Gene id, approved symbol) pairs a source gives, unless HGNC said otherwise."""
        pairs = pd.DataFrame({"i": ids, "s": symbols}).dropna().drop_duplicates()
        for i, s in zip(pairs["i"], pairs["s"]):
            self.entrez.setdefault(i, s)


def _words(text: str) -> str:
    """Lower case, punctuation to spaces, plural nouns singular (cells -> cell)."""
    t = re.sub(r"[^a-z0-9+]+", " ", text.lower()).strip()
    return " ".join(w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w
                    for w in t.split())


# Words that make a sample a cancer cell (mapped to CL:0001064 "malignant cell").
_MALIGNANT = re.compile(r"\b(cancer|carcinoma|tumou?r|malignant|adenocarcinoma|melanoma|glioblastoma|glioma|"
                        r"sarcoma|leukemia|leukaemia|lymphoma|myeloma|neuroblastoma|blastoma)\b")
_FLUID_SYNONYMS = {"plasma": "blood plasma", "serum": "blood serum", "ascite": "ascitic fluid",
                   "csf": "cerebrospinal fluid", "pleural effusion": "pleural fluid"}
MALIGNANT_CELL = "CL:0001064"


class SampleMapper:
    """Map EV-database sample names to (category, term id) pairs of evgraph's vocabulary.

    The vocabulary is the bundled ``terms.tsv`` (Cell Ontology cell types,
    UBERON body fluids, MONDO cancers). A sample maps to a cell type or a body
    fluid when exactly one label matches its words; a cancer-cell sample
    ("Colorectal cancer cells (SW480)") maps to malignant cell and, when
    exactly one cancer label occurs in it, to that cancer. Cell lines named
    without their tissue ("HEK293") are not guessed.

    Examples
    --------
    >>> m = SampleMapper({"CL:0000235": ("macrophage", "cell"), "CL:0001064": ("malignant cell", "cell"),
    ...                   "UBERON:0001969": ("blood plasma", "fluid"),
    ...                   "MONDO:0005575": ("colorectal cancer", "cancer")})
    >>> m.map("Macrophages")
    [('CellType', 'CL:0000235')]
    >>> m.map("Plasma")
    [('BodyFluid', 'UBERON:0001969')]
    >>> m.map("Colorectal cancer cells (SW480)")
    [('CellType', 'CL:0001064'), ('Cancer', 'MONDO:0005575')]
    >>> m.map("HEK293")
    []
    """

    KINDS = {"cell": "CellType", "fluid": "BodyFluid", "cancer": "Cancer"}

    def __init__(self, terms: dict[str, tuple[str, str]]):
        self.labels: dict[str, dict[str, list[str]]] = {k: {} for k in self.KINDS}
        self.names = {tid: label for tid, (label, _) in terms.items()}
        for tid, (label, kind) in terms.items():
            if kind in self.labels:
                self.labels[kind].setdefault(_words(label), []).append(tid)
        for short, label in _FLUID_SYNONYMS.items():
            ids = self.labels["fluid"].get(_words(label))
            if ids:
                self.labels["fluid"].setdefault(short, list(ids))
        self._cache: dict[str, list] = {}

    @classmethod
    def bundled(cls) -> "SampleMapper":
        from evgraph.loaders._tsv import read_tsv
        from evgraph.loaders.curated import bundled_path

        rows = read_tsv(bundled_path() / "terms.tsv", ("id", "label", "kind"), ("polarity",))
        return cls({r["id"]: (r["label"], r["kind"]) for r in rows})

    def map(self, sample) -> list[tuple[str, str]]:
        if not isinstance(sample, str):
            return []
        if sample in self._cache:
            return self._cache[sample]
        text = _words(re.sub(r"\(.*?\)", " ", sample))
        out: list[tuple[str, str]] = []
        for kind in ("cell", "fluid"):
            ids = self.labels[kind].get(text) or self.labels[kind].get(text.removesuffix(" cell"))
            if ids and len(ids) == 1:
                out.append((self.KINDS[kind], ids[0]))
        if not out and _MALIGNANT.search(text) and MALIGNANT_CELL in self.names:
            out.append(("CellType", MALIGNANT_CELL))
            padded = f" {text} "
            found = {tid for label, ids in self.labels["cancer"].items() if f" {label} " in padded for tid in ids}
            # "lung cancer" inside "non small cell lung cancer": keep the longest label only
            if len(found) > 1:
                longest = max(len(_words(self.names[t])) for t in found)
                found = {t for t in found if len(_words(self.names[t])) == longest}
            if len(found) == 1:
                out.append(("Cancer", found.pop()))
        self._cache[sample] = out
        return out


@dataclass
class Report:
    """What one source added, rejected and could not map (filled by its loader)."""

    source: str
    rows_read: int = 0
    rejected: Counter = field(default_factory=Counter)     # reason -> rows
    unmapped: dict = field(default_factory=dict)           # kind -> Counter(value -> rows)
    notes: Counter = field(default_factory=Counter)        # e.g. renamed symbols
    files: list = field(default_factory=list)

    def reject(self, reason: str, n: int) -> None:
        if n:
            self.rejected[reason] += int(n)

    def unmapped_values(self, kind: str, values: pd.Series) -> None:
        """Count each distinct unmapped value of a column."""
        counts = values.dropna().value_counts()
        for v, n in counts.items():
            self.unmapped.setdefault(kind, Counter())[str(v)] += int(n)

    def note(self, what: str, n: int) -> None:
        if n:
            self.notes[what] += int(n)

    def as_dict(self, examples: int = 10) -> dict:
        return {
            "source": self.source,
            "files": [str(f) for f in self.files],
            "rows_read": self.rows_read,
            "rejected": dict(self.rejected),
            "unmapped": {k: {"distinct": len(c), "rows": sum(c.values()),
                             "examples": [v for v, _ in c.most_common(examples)]}
                         for k, c in self.unmapped.items()},
            "notes": dict(self.notes),
        }
