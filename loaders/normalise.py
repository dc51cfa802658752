"""Identifier normalisation shared by the public-resource loaders.

* miRNA names to miRBase mature names (``hsa-miR-21-5p``): species prefix
  added (EV databases write ``miR-21``), ``mir``/``MIR``/``microRNA`` spelled
  ``miR``, arms ``-5P`` to ``-5p``, precursor names (``hsa-mir-21``) to the
  mature name without arm, and historical names to current ones through
  miRBase's ``aliases.txt`` when the user gives it.
* Gene symbols to approved HGNC symbols: case, and previous symbols and
  aliases from ``hgnc_complete_set.txt`` when given. An alias shared by two
  genes is ambiguous and left unmapped; a name written in mixed or lower case
  (``gH``, ``tpx``: other organisms' proteins) matches an alias only in the case
  HGNC writes it; a purely numeric token (an Entrez id) never matches one; a name
  that cannot be an identifier (``18S rRNA``) is counted, never stored. Mouse and
  rat genes keep their own namespaces (``mgi.symbol:``, ``rgd.symbol:``) and the
  case they are written in: an upper-case (human-style) symbol in a mouse build is
  counted, not re-cased, unless an ortholog map turns it into its mouse gene.
* Sample or cell names from EV databases to Cell Ontology, UBERON and MONDO
  terms of evgraph's vocabulary, only where exactly one term matches, and cell-line
  names to the line's disease and cell type (Cellosaurus) or a ``CellLine`` node.

Whatever cannot be mapped is returned as ``None`` and counted by the caller
in its report; nothing is dropped silently.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

import pandas as pd

__all__ = [
    "CellLine",
    "CellLines",
    "line_key",
    "SPECIES",
    "Species",
    "normalise_mirna",
    "normalise_symbol",
    "SymbolMap",
    "Orthologs",
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
    genes: str       # gene id namespace: HGNC, MGI, RGD symbols
    authority: str   # who names its genes

    @property
    def gene_prefix(self) -> str:
        return self.genes + ":"


SPECIES = {
    "human": Species("human", "Homo sapiens", "9606", "hsa", "HSA", "hgnc.symbol", "HGNC"),
    "mouse": Species("mouse", "Mus musculus", "10090", "mmu", "MMU", "mgi.symbol", "MGI"),
    "rat": Species("rat", "Rattus norvegicus", "10116", "rno", "RNO", "rgd.symbol", "RGD"),
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
    """A gene symbol in the case its species uses: HGNC upper case (``C1orf112``); mouse
    and rat symbols as written (MGI writes ``H2-K1``, ``mt-Co1``: no rule re-cases them).

    Examples
    --------
    >>> normalise_symbol(" tp53 ")
    'TP53'
    >>> normalise_symbol("c1ORF112")
    'C1orf112'
    >>> normalise_symbol("Trp53", "mouse")
    'Trp53'
    >>> normalise_symbol("") is None
    True
    """
    if not isinstance(symbol, str) or not symbol.strip():
        return None
    s = symbol.strip()
    if species == "human":
        return _ORF.sub("orf", s.upper())
    return s


# What a symbol must look like to become an identifier (the Gene, Protein and MRNA id patterns).
_VALID = {"human": re.compile(r"^[A-Z0-9][A-Za-z0-9._-]*$"), "other": re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")}
_NUMERIC = re.compile(r"^\d+$")


def _mixed_case(raw: str) -> bool:
    """Written with lower-case letters other than HGNC's ``orf`` (``gH``, ``pp1a``, ``zo-1``)."""
    text = re.sub(r"(?<=\d)orf(?=\d)", "ORF", raw)
    return text != text.upper()





@dataclass
class SymbolMap:
    """Approved symbols and their previous symbols, aliases, NCBI Gene and Ensembl ids.

    Built from an HGNC file (:meth:`from_hgnc`) and enriched with the
    (Entrez id, symbol) pairs other sources carry (:meth:`learn_entrez`).
    """

    approved: set = field(default_factory=set)         # HGNC symbols (mouse, rat: the ortholog file's symbols)
    renamed: dict = field(default_factory=dict)        # previous symbol or unique alias (upper case) -> approved
    written: dict = field(default_factory=dict)        # the same, keyed as HGNC writes the alias
    ambiguous: set = field(default_factory=set)        # aliases of several genes
    entrez: dict = field(default_factory=dict)         # NCBI Gene id -> symbol
    ensembl: dict = field(default_factory=dict)        # Ensembl gene id -> symbol
    species: str = "human"
    hgnc_entrez: dict = field(default_factory=dict)    # NCBI Gene id -> symbol, as the HGNC file says

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
        spelled: dict[str, set] = {}
        for col in ("prev_symbol", "alias_symbol"):
            if col not in df.columns:
                continue
            for sym, cell in zip(df["symbol"], df[col]):
                if cell:
                    for old in cell.strip('"').split("|"):
                        old = old.strip()
                        # an alias that is another gene's approved symbol, or a number, never renames
                        if old and old.upper() not in upper and not _NUMERIC.match(old):
                            claims.setdefault(old.upper(), set()).add(sym)
                            spelled.setdefault(old, set()).add(sym)
        m.renamed = {old: next(iter(s)) for old, s in claims.items() if len(s) == 1}
        m.written = {old: next(iter(s)) for old, s in spelled.items() if len(s) == 1 and old.upper() in m.renamed}
        m.ambiguous = {old for old, s in claims.items() if len(s) > 1}
        m._upper = upper
        if "entrez_id" in df.columns:
            ids = clean_ids(df["entrez_id"])
            m.entrez = {i: s for i, s in zip(ids, df["symbol"]) if i}
            m.hgnc_entrez = dict(m.entrez)
        if "ensembl_gene_id" in df.columns:
            m.ensembl = {i: s for i, s in zip(df["ensembl_gene_id"], df["symbol"]) if i}
        return m

    @property
    def has_hgnc(self) -> bool:
        return bool(self.approved) and self.species == "human"

    @classmethod
    def known(cls, species: str, symbols) -> "SymbolMap":
        """A mouse or rat map that knows these symbols (from an ortholog file) and keeps others as written."""
        m = cls(approved=set(symbols), species=species)
        counts = Counter(x.upper() for x in m.approved)
        m._upper = {x.upper(): x for x in m.approved if counts[x.upper()] == 1}
        return m

    @property
    def prefix(self) -> str:
        """The gene id prefix of this map's species (``hgnc.symbol:``)."""
        return SPECIES[self.species].gene_prefix

    def symbol(self, value) -> tuple[str | None, str]:
        """``(approved symbol or None, how)`` with ``how`` one of ``approved``, ``case``,
        ``renamed``, ``unchecked`` (no HGNC file; for mouse and rat, a symbol the ortholog file
        does not list) when mapped, else the reason: ``ambiguous``, ``unknown``, ``alias in
        another case``, ``numeric, not a symbol`` or ``not a valid symbol``."""
        s = normalise_symbol(value, self.species)
        if s is None:
            return None, "unknown"
        raw = value.strip()
        valid = _VALID["human" if self.species == "human" else "other"]
        if self.species != "human":
            if not valid.match(s):
                return None, "not a valid symbol"
            if s in self.approved:
                return s, "approved"
            # MGI writes Cd63; a row that writes CD63 names the one MGI symbol it matches without case
            one = self._upper.get(s.upper()) if self.approved else None
            return (one, "case") if one else (s, "unchecked")
        if not valid.match(s):
            return None, "not a valid symbol"
        if not self.has_hgnc:
            return s, "unchecked"
        if s in self.approved:
            return s, "approved"
        up = s.upper()
        if up in self._upper:
            return self._upper[up], "case"
        if _NUMERIC.match(up):
            return None, "numeric, not a symbol"
        if up in self.ambiguous:
            return None, "ambiguous"
        if _mixed_case(raw):
            # HCMV gH is not GH1, M. tuberculosis tpx not TPO: a lower-case letter must match HGNC's spelling
            if raw in self.written:
                return self.written[raw], "renamed"
            return (None, "alias in another case") if up in self.renamed else (None, "unknown")
        if up in self.renamed:
            return self.renamed[up], "renamed"
        return None, "unknown"

    def symbols(self, values: pd.Series, report: "Report", what: str = "gene symbol", *, lines=None,
                path=None) -> pd.Series:
        """Map a column of symbols (each distinct value once); unmapped values go to ``report``,
        with the file and line of their first row when ``lines`` (and ``path``) are given."""
        mapped, hows = {}, {}
        for v in pd.unique(values.dropna()):
            mapped[v], hows[v] = self.symbol(v)
        out = values.map(mapped)
        how = values.map(hows)
        for reason in sorted({h for v, h in hows.items() if mapped[v] is None}):
            sel = out.isna() & (how == reason)
            report.unmapped_values(f"{what} ({reason})", values[sel],
                                   lines=None if lines is None else lines[sel], path=path)
        report.note(f"{what}s renamed to the approved HGNC symbol", int((how == "renamed").sum()))
        return out

    def by_entrez(self, ids: pd.Series, symbols: pd.Series, report: "Report", what: str = "gene symbol", *,
                  lines=None, path=None) -> pd.Series:
        """Symbols for rows that carry an NCBI Gene id and a symbol: the id decides.

        With the HGNC file, a row whose id HGNC lists gets HGNC's symbol for it (however the row
        spells the gene); a row whose id HGNC does not list (another species' gene, a withdrawn
        id) is unmapped, never renamed through an alias. Rows without an id, or without the HGNC
        file, are mapped by symbol (:meth:`symbols`).
        """
        if not self.hgnc_entrez:
            return self.symbols(symbols, report, what, lines=lines, path=path)
        has_id = ids.notna()
        by_symbol = self.symbols(symbols.where(~has_id, None), report, what, lines=lines, path=path)
        hit = ids.map(self.hgnc_entrez)
        out = by_symbol.where(~has_id, hit)
        lost = has_id & hit.isna()
        report.unmapped_values("NCBI Gene id not in the HGNC file (another species' gene or a withdrawn id)",
                               ids[lost], lines=None if lines is None else lines[lost], path=path)
        written = symbols.map(lambda v: normalise_symbol(v, self.species))
        report.note(f"{what}s renamed to the symbol HGNC gives their NCBI Gene id",
                    int((has_id & hit.notna() & (written != hit)).sum()))
        return out

    def learn_entrez(self, ids: pd.Series, symbols: pd.Series) -> None:
        """Remember (NCBI Gene id, approved symbol) pairs a source gives, unless HGNC said otherwise."""
        pairs = pd.DataFrame({"i": ids, "s": symbols}).dropna().drop_duplicates()
        for i, s in zip(pairs["i"], pairs["s"]):
            self.entrez.setdefault(i, s)


@dataclass
class Orthologs:
    """Human gene symbol -> the 1:1 ortholog's symbol in each other species (``human_to["mouse"]``).

    Only one-to-one pairs are kept: a human gene with two mouse orthologs (or a mouse gene
    with two human ones) maps to none, so no gene is merged into a look-alike.

    Examples
    --------
    >>> o = Orthologs.from_pairs("mouse", [("JUNB", "Junb"), ("AMY1A", "Amy1"), ("AMY1B", "Amy1")])
    >>> o.human_to["mouse"]
    {'JUNB': 'Junb'}
    """

    human_to: dict = field(default_factory=dict)
    source: str = ""
    dropped: dict = field(default_factory=dict)   # species -> pairs left out as not one-to-one
    symbols: dict = field(default_factory=dict)   # species -> every symbol of that species in the file

    @classmethod
    def from_pairs(cls, species: str, pairs, source: str = "", symbols=()) -> "Orthologs":
        pairs = {(h, o) for h, o in pairs if h and o}
        human = Counter(h for h, _ in pairs)
        other = Counter(o for _, o in pairs)
        one = {h: o for h, o in pairs if human[h] == 1 and other[o] == 1}
        return cls({species: one}, source, {species: len(pairs) - len(one)},
                   {species: set(symbols) | {o for _, o in pairs}})

    def merge(self, other: "Orthologs") -> "Orthologs":
        return Orthologs({**self.human_to, **other.human_to}, self.source or other.source,
                         {**self.dropped, **other.dropped}, {**self.symbols, **other.symbols})


def line_key(name: str) -> str:
    """How cell-line names are compared: lower case, letters and digits only.

    Examples
    --------
    >>> line_key("MDA-MB-231") == line_key("MDA MB 231") == line_key("mdamb231")
    True
    """
    return re.sub(r"[^a-z0-9]", "", str(name).lower())


@dataclass(frozen=True, slots=True)
class CellLine:
    """One Cellosaurus entry, reduced to what sample mapping needs."""

    accession: str
    name: str
    diseases: tuple[tuple[str, str], ...] = ()  # (NCIt code, NCIt name)
    cell_type: str | None = None                # CL id from the "Cell type" comment
    cell_type_name: str = ""                    # that comment's words
    category: str = ""                          # CA line, e.g. "Cancer cell line"
    problem: str = ""                           # the "Problematic cell line" comment, if any

    @property
    def is_cancer_line(self) -> bool:
        return self.category == "Cancer cell line"


class CellLines:
    """Cell lines by name (:func:`line_key` of the name and every synonym).

    Examples
    --------
    >>> lines = CellLines([CellLine("CVCL_0045", "HEK293"), CellLine("CVCL_0062", "MDA-MB-231")],
    ...                   synonyms={"CVCL_0045": ["HEK-293"]})
    >>> lines.find("hek 293").accession
    'CVCL_0045'
    """

    def __init__(self, lines: Iterable[CellLine], *, synonyms: dict | None = None, source: str = "",
                 version: str = ""):
        self.lines = {c.accession: c for c in lines}
        self.source, self.version = source, version
        self.by_key: dict[str, set[str]] = {}
        for acc, c in self.lines.items():
            for n in (c.name, *(synonyms or {}).get(acc, ())):
                if len(line_key(n)) >= 3:  # "T", "29": too short to tell lines apart
                    self.by_key.setdefault(line_key(n), set()).add(acc)

    def __len__(self) -> int:
        return len(self.lines)

    @property
    def has_details(self) -> bool:
        """Whether diseases and cell types are known (cellosaurus.txt), not only names."""
        return self.source == "cellosaurus.txt"

    def find(self, name: str) -> CellLine | None:
        """The one line ``name`` names, or ``None`` (unknown, or a name of several lines)."""
        accs = self.by_key.get(line_key(name), set())
        return self.lines[next(iter(accs))] if len(accs) == 1 else None

    @classmethod
    def from_guide(cls) -> "CellLines | None":
        """The cell-line names cellxgene-ontology-guide ships (labels only), or ``None`` without it."""
        from evgraph import ontology

        g = ontology.guide()
        if g is None:
            return None
        return cls((CellLine(acc, label) for acc, label in g.labels("CVCL").items()),
                   source="cellxgene-ontology-guide", version=g.version("CVCL"))


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
    fluid when exactly one label matches its words. Otherwise, with ``cell_lines``
    (:class:`~evgraph.loaders.cellosaurus.CellLines`), a sample that names exactly
    one cell line ("MDA-MB-231 cells", "Breast cancer cells (MDA-MB-231)") maps, when
    Cellosaurus states them, to the line's disease and cell type; a cancer cell line to
    malignant cell and its disease. Failing that, a cancer-cell sample
    ("Colorectal cancer cells (SW480)") maps to malignant cell and, when exactly one
    cancer label occurs in it, to that cancer; and a named cell line of which nothing
    more is known becomes its ``CellLine`` node. Nothing else is guessed ("HEK293"
    without cell lines stays unmapped). :meth:`map_with_reason` says which rule applied.

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

    def __init__(self, terms: dict[str, tuple[str, str]], cell_lines=None):
        self.cell_lines = cell_lines
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
    def bundled(cls, cell_lines=None) -> "SampleMapper":
        from evgraph.loaders._tsv import read_tsv
        from evgraph.loaders.curated import bundled_path

        rows = read_tsv(bundled_path() / "terms.tsv", ("id", "label", "kind"), ("polarity",))
        return cls({r["id"]: (r["label"], r["kind"]) for r in rows}, cell_lines)

    def map(self, sample) -> list[tuple[str, str]]:
        """The (category, term id) pairs of a sample name (empty when nothing maps)."""
        return self.map_with_reason(sample)[0]

    def map_with_reason(self, sample) -> tuple[list[tuple[str, str]], str]:
        """The (category, term id) pairs of a sample name and the rule that gave them."""
        if not isinstance(sample, str):
            return [], UNMAPPED
        if sample in self._cache:
            return self._cache[sample]
        text = _words(re.sub(r"\(.*?\)", " ", sample))
        out: list[tuple[str, str]] = []
        for kind in ("cell", "fluid"):
            ids = self.labels[kind].get(text) or self.labels[kind].get(text.removesuffix(" cell"))
            if ids and len(ids) == 1:
                out.append((self.KINDS[kind], ids[0]))
        if out:
            return self._keep(sample, out, "Cell Ontology or UBERON name")
        line = self._cell_line(sample)
        if line is not None and self.cell_lines.has_details and not line.problem:
            out = self._line_terms(line)
            if out:
                return self._keep(sample, out, "cell line: its Cellosaurus disease and cell type")
        out = self._cancer_words(text)
        if out:
            return self._keep(sample, out, "cancer cell by name")
        if line is not None:
            self.names.setdefault(line.accession, line.name)
            why = ("Cellosaurus flags it as a problematic line" if line.problem else
                   "its Cellosaurus entry states no disease or cell type" if self.cell_lines.has_details else
                   "name only: give cellosaurus.txt for its disease and cell type")
            return self._keep(sample, [("CellLine", line.accession)], f"cell line kept as CellLine ({why})")
        return self._keep(sample, [], UNMAPPED)

    def _keep(self, sample, out, reason):
        self._cache[sample] = (out, reason)
        return out, reason

    def _cell_line(self, sample: str):
        """The one cell line a sample names, or ``None`` (no cell lines, none, or several)."""
        if self.cell_lines is None:
            return None
        found = {}
        for cand in _line_candidates(sample):
            line = self.cell_lines.find(cand)
            if line is not None:
                found[line.accession] = line
        return next(iter(found.values())) if len(found) == 1 else None

    def _line_terms(self, line) -> list[tuple[str, str]]:
        """A cell line's cell type and (for a cancer line) diseases as terms, named in :attr:`names`."""
        from evgraph import ontology

        out = []
        # EVs of a cancer line come from tumour cells: malignant cell, as in the curated knowledge
        # base (the cell type a cancer line states is its cell of origin)
        cell = MALIGNANT_CELL if line.is_cancer_line else line.cell_type
        if cell:
            term = ontology.term(cell)
            self.names.setdefault(cell, term.label if term else (line.cell_type_name or cell))
            out.append(("CellType", cell))
        for code, name in line.diseases if line.is_cancer_line else ():
            mondo = {tid for tid, _ in ontology.find(name, ["MONDO"])}
            tid = mondo.pop() if len(mondo) == 1 else f"NCIT:{code}"
            term = ontology.term(tid) if tid.startswith("MONDO:") else None
            self.names.setdefault(tid, term.label if term else name)
            out.append(("Cancer", tid))
        return list(dict.fromkeys(out))

    def _cancer_words(self, text: str) -> list[tuple[str, str]]:
        out: list[tuple[str, str]] = []
        if _MALIGNANT.search(text) and MALIGNANT_CELL in self.names:
            out.append(("CellType", MALIGNANT_CELL))
            padded = f" {text} "
            found = {tid for label, ids in self.labels["cancer"].items() if f" {label} " in padded for tid in ids}
            # "lung cancer" inside "non small cell lung cancer": keep the longest label only
            if len(found) > 1:
                longest = max(len(_words(self.names[t])) for t in found)
                found = {t for t in found if len(_words(self.names[t])) == longest}
            if len(found) == 1:
                out.append(("Cancer", found.pop()))
        return out


UNMAPPED = "unmapped"
_GENERIC = re.compile(r"\b(?:cells?|cell lines?|lines?|derived|exosomes?|extracellular vesicles?|evs?|human|mouse|"
                      r"murine|rat)\b", re.IGNORECASE)


def _line_candidates(sample: str) -> list[str]:
    """Strings of a sample name that may be a cell line's name: each part in parentheses, the rest
    without generic words ("cells", "line"), and their words and word pairs that hold a digit
    ("pancreatic cancer cell line PANC-1" -> "PANC-1")."""
    inner = re.findall(r"\((.*?)\)", sample)
    outer = re.sub(r"\(.*?\)", " ", sample)
    out: list[str] = []
    for chunk in inner + [outer]:
        for part in re.split(r"[,;/]| and ", chunk):
            part = " ".join(_GENERIC.sub(" ", part).split())
            if not part:
                continue
            out.append(part)
            words = part.split()
            out += [w for w in words if any(c.isdigit() for c in w)]
            out += [f"{a} {b}" for a, b in zip(words, words[1:]) if any(c.isdigit() for c in a + b)]
    return list(dict.fromkeys(out))


@dataclass
class Report:
    """What one source added, rejected and could not map (filled by its loader)."""

    source: str
    rows_read: int = 0
    rejected: Counter = field(default_factory=Counter)     # reason -> rows
    unmapped: dict = field(default_factory=dict)           # kind -> Counter(value -> rows)
    notes: Counter = field(default_factory=Counter)        # e.g. renamed symbols
    files: list = field(default_factory=list)
    where: dict = field(default_factory=dict)              # kind -> {value: "file:line" of its first row}
    malformed: dict = field(default_factory=dict)          # file -> [(line, fields)] skipped
    warnings: list = field(default_factory=list)

    def reject(self, reason: str, n: int) -> None:
        if n:
            self.rejected[reason] += int(n)

    def unmapped_values(self, kind: str, values: pd.Series, *, lines=None, path=None, places=None) -> None:
        """Count each distinct unmapped value of a column, and remember where its first row is:
        ``places`` (``file:line`` per row), or the rows' ``lines`` in ``path``."""
        counts = values.dropna().value_counts()
        for v, n in counts.items():
            self.unmapped.setdefault(kind, Counter())[str(v)] += int(n)
        if (lines is None and places is None) or not len(counts):
            return
        if places is None:
            name = Path(path).name if path is not None else ""
            places = [f"{name}:{int(x)}" if name else f"line {int(x)}" for x in pd.Series(lines).tolist()]
        first = pd.DataFrame({"v": values.to_numpy(), "w": list(places)}).dropna().drop_duplicates("v")
        seen = self.where.setdefault(kind, {})
        for v, w in zip(first["v"], first["w"]):
            seen.setdefault(str(v), w)

    def skipped_lines(self, path, malformed) -> None:
        """Lines of ``path`` skipped as malformed (wrong number of fields): counted and listed."""
        if malformed:
            self.malformed[str(path)] = list(malformed)
            self.reject(f"{Path(path).name}: malformed lines skipped (wrong number of fields)", len(malformed))

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
                             "examples": [v for v, _ in c.most_common(examples)],
                             **({"first_seen": {v: self.where[k][v] for v, _ in c.most_common(examples)
                                                if v in self.where[k]}} if k in self.where else {})}
                         for k, c in self.unmapped.items()},
            "notes": dict(self.notes),
            **({"malformed_lines": {f: [{"line": ln, "fields": n} for ln, n in v]
                                    for f, v in self.malformed.items()}} if self.malformed else {}),
            **({"warnings": list(self.warnings)} if self.warnings else {}),
        }
