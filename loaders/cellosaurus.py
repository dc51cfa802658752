"""Cellosaurus ``cellosaurus.txt`` (CC BY 4.0): cell lines with their diseases and cell types.

Adds nothing to the graph by itself. EV databases name cell lines more often than cell types
("HEK293", "Breast cancer cells (MDA-MB-231)"); with this file a sample that names exactly one
cell line maps to that line's cell type and disease: a cancer cell line to malignant cell (the
curated knowledge base's term for tumour cells) and its disease, the MONDO term whose label or
exact synonym is the NCIt disease name Cellosaurus gives, else the NCIt code as ``NCIT:C…``;
any other line to the CL term of its ``Cell type`` comment. A line
whose entry states neither, or that Cellosaurus flags as a problematic (misidentified or
contaminated) line, stays a ``CellLine`` node. Without this file the line names that
cellxgene-ontology-guide ships (the ``evgraph[ontology]`` extra) still map samples to
``CellLine`` nodes by name.

The flat file is a series of entries of two-letter line codes ended by ``//``, after a preamble::

    ID   MDA-MB-231
    AC   CVCL_0062
    SY   MDA-MB 231; MDA-MB231; MDAMB231
    CC   Cell type: Epithelial cell; CL=CL_0000066.
    DI   NCIt; C4194; Invasive ductal carcinoma, not otherwise specified
    OX   NCBI_TaxID=9606; ! Homo sapiens (Human)
    CA   Cancer cell line
    //
"""

from __future__ import annotations

import re

from evgraph.loaders._read import bad, iter_lines
from evgraph.loaders.normalise import CellLine, CellLines
from evgraph.loaders.registry import FileRole, SourceInfo, register

__all__ = ["read_cellosaurus"]

_CELL_TYPE = re.compile(r"Cell type: (?P<text>.*?)(?:; CL=CL_(?P<cl>\d{7}))?\.?$")
_VERSION = re.compile(r"^\s*Version:\s*(\S+)")


def read_cellosaurus(path) -> CellLines:
    """Read ``cellosaurus.txt`` (plain or gzip): names, synonyms, NCIt diseases, cell types,
    categories and problematic-line comments of every entry.

    Raises :class:`~evgraph.errors.ValidationError` naming the line of an entry without an
    accession, or a file with no entry at all.
    """
    lines: list[CellLine] = []
    synonyms: dict[str, list[str]] = {}
    version = ""
    entry: dict = {}
    started = False
    for number, text in enumerate(iter_lines(path), 1):
        code, value = text[:2], text[5:]
        if not started:  # the preamble: a title, the release, a table of line codes
            m = _VERSION.match(text)
            version = version or (m.group(1) if m else "")
            if code != "ID" or text[2:5] != "   ":
                continue
            started = True
        if code == "//":
            if "AC" not in entry:
                raise bad(path, number, "AC", f"entry {entry.get('ID', '?')!r} has no accession (AC line)")
            acc = entry["AC"]
            lines.append(CellLine(acc, entry["ID"], tuple(entry.get("DI", ())), entry.get("CL"),
                                  entry.get("CELL TYPE", ""), entry.get("CA", ""), entry.get("PROBLEM", "")))
            synonyms[acc] = entry.get("SY", [])
            entry = {}
        elif code == "ID":
            entry = {"ID": value.strip()}
        elif code == "AC":
            entry["AC"] = value.strip()
        elif code == "SY":
            entry.setdefault("SY", []).extend(s.strip() for s in value.split(";") if s.strip())
        elif code == "DI":
            parts = [p.strip() for p in value.split(";", 2)]
            if len(parts) == 3 and parts[0] == "NCIt":
                entry.setdefault("DI", []).append((parts[1], parts[2]))
        elif code == "CA":
            entry["CA"] = value.strip()
        elif code == "CC":
            if value.startswith("Problematic cell line:"):
                entry["PROBLEM"] = value.split(":", 1)[1].strip()
            elif value.startswith("Cell type:") and (m := _CELL_TYPE.match(value)):
                entry["CELL TYPE"] = m["text"]
                if m["cl"]:
                    entry["CL"] = f"CL:{m['cl']}"
    if not lines:
        raise bad(path, 0, "", "no Cellosaurus entry found (expected lines 'ID   name', 'AC   CVCL_…', ..., '//')")
    return CellLines(lines, synonyms=synonyms, source="cellosaurus.txt", version=version)


def load(files, ctx) -> CellLines:
    ctx.tick("cellosaurus: cell lines")
    return read_cellosaurus(files["cellosaurus"][0])


INFO = register(SourceInfo(
    name="cellosaurus",
    title="Cellosaurus cell lines: names, diseases (NCIt), cell types (CL)",
    homepage="https://www.cellosaurus.org",
    download="https://ftp.expasy.org/databases/cellosaurus/ : cellosaurus.txt",
    license="CC-BY-4.0",
    citation="Bairoch A. The Cellosaurus, a Cell-Line Knowledge Resource. J Biomol Tech. 2018;29(2):25-38. "
             "doi:10.7171/jbt.18-2902-002",
    files=(FileRole("cellosaurus", ("cellosaurus*.txt", "cellosaurus*.txt.gz")),),
    load=load,
    kind="mapping",
    order=2,
))
