"""Reading downloaded resource files into string tables, with errors that name file, line and column.

Shared by the public-resource loaders. Every identifier is kept as a string
(``dtype=str``); gzip is read transparently (a truncated or corrupt archive is an
error naming the file); a file that is not UTF-8 is read as Windows-1252/Latin-1
or Mac Roman, whichever decodes to plausible text (ExoCarta and Vesiclepedia
ship Latin-1; a miRTarBase file saved on a Mac writes ``®`` as Mac Roman);
Excel's float identifiers (``3091.0``) are turned back into ``3091``; headers are
matched by name, so columns added or reordered between releases do no harm.
Comma-separated files are read as CSV (quoted fields may hold commas and
doubled quotes); tab-separated files have no quoting. A line whose number of
fields differs from the header's is an error naming it, or, where a loader
asks (``bad_lines="skip"``), skipped and returned in ``df.attrs["malformed"]``
for its report.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import re
import unicodedata
import zlib
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd

from evgraph.errors import Problem, ValidationError

__all__ = [
    "read_table",
    "read_excel",
    "read_headerless",
    "read_gmt",
    "iter_chunks",
    "iter_lines",
    "clean_ids",
    "numeric",
    "bad",
    "collect",
    "encoding_of",
    "read_records",
    "LINE",
]

LINE = "_line"  # the 1-based line (or spreadsheet row) a row came from
_BLOCK = 1 << 24
_SEPARATOR_NAMES = {"\t": "tab", ",": "comma", ";": "semicolon", "|": "pipe", " ": "space"}


def bad(path, line: int, column: str, reason: str) -> ValidationError:
    return ValidationError([Problem(str(path), line, column, reason)])


def _opener(path: Path):
    with open(path, "rb") as fh:
        magic = fh.read(2)
    return (lambda: gzip.open(path, "rb")) if magic == b"\x1f\x8b" else (lambda: open(path, "rb"))


def _blocks(path: Path, size: int = _BLOCK):
    """The file's bytes in blocks (gzip decompressed); a damaged archive is an error naming the file."""
    try:
        with _opener(path)() as fh:
            while block := fh.read(size):
                yield block
    except (OSError, EOFError, zlib.error) as err:
        gz = path.suffix.lower() == ".gz" or isinstance(err, (EOFError, zlib.error, gzip.BadGzipFile))
        what = "the gzip file is truncated or corrupt" if gz else "cannot read the file"
        raise bad(path, 0, "", f"{what} ({err}); download it again") from None


# Characters a single-byte decoding may produce that real text in these resources does not hold:
# control characters, and spacing accents standing alone (Mac Roman's ® read as Latin-1 is ¨).
_ODD = set("¨¯´¸˘˙˚˛˝ˇ¤¦")
_FALLBACKS = ("cp1252", "mac_roman")


def _implausible(prev: int, byte: int, encoding: str) -> int | None:
    """How odd one non-ASCII byte looks in ``encoding`` after the byte before it (None: undecodable)."""
    try:
        ch = bytes([byte]).decode(encoding)
    except UnicodeDecodeError:
        return None
    if unicodedata.category(ch).startswith("C") or ch in _ODD:
        return 1
    # an accented capital inside a lower-case word ("SÈquenÁage" is Latin-1 read as Mac Roman)
    return int(ch.isupper() and 97 <= prev <= 122)


def encoding_of(path) -> str:
    """``utf-8`` if the file decodes as UTF-8, else the single-byte encoding whose text looks right.

    Windows-1252 (a superset of Latin-1's printable characters; Latin-1 itself when
    a byte is undefined in Windows-1252) or Mac Roman: each non-ASCII byte is scored
    by whether it decodes to a control character, a lone spacing accent, or a
    capital inside a lower-case word; the lower score wins, Windows-1252 on a tie.
    The whole file is checked, so a stray byte deep in the file is found before
    pandas trips over it.

    Examples
    --------
    >>> import tempfile, os
    >>> d = tempfile.mkdtemp()
    >>> open(os.path.join(d, "mac.csv"), "wb").write("Caspase-Glo® assay".encode("mac_roman"))
    18
    >>> encoding_of(os.path.join(d, "mac.csv"))
    'mac_roman'
    >>> open(os.path.join(d, "latin.txt"), "wb").write("Séquençage".encode("latin-1"))
    10
    >>> encoding_of(os.path.join(d, "latin.txt"))
    'cp1252'
    """
    path = Path(path)
    dec = codecs.getincrementaldecoder("utf-8")()
    try:
        for block in _blocks(path):
            dec.decode(block)
        dec.decode(b"", final=True)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    pairs: Counter = Counter()
    prev_tail = b"\n"
    for block in _blocks(path):
        data = prev_tail + block
        for m in re.finditer(rb"(?<=(.))[\x80-\xff]", data, re.DOTALL):
            pairs[(m.group(1)[0], data[m.start()])] += 1
        prev_tail = block[-1:]
    scores = {}
    for enc in _FALLBACKS:
        total = 0
        for (prev, byte), n in pairs.items():
            s = _implausible(prev, byte, enc)
            if s is None:
                total = None
                break
            total += s * n
        scores[enc] = total
    if scores["cp1252"] is None:  # bytes Windows-1252 leaves undefined: Latin-1 decodes every byte
        scores["latin-1"] = sum(n * (_implausible(p, b, "latin-1") or 0) for (p, b), n in pairs.items())
        del scores["cp1252"]
    valid = {e: s for e, s in scores.items() if s is not None}
    return min(valid, key=lambda e: (valid[e], e != "cp1252" and e != "latin-1"))


def _first_line(path: Path, encoding: str) -> str:
    for block in _blocks(path, 1 << 16):
        text = block.split(b"\n", 1)[0]
        return text.decode(encoding, errors="replace").rstrip("\r")
    return ""


def _cells(line: str, sep: str, comment_prefix: str = "") -> list[str]:
    cells = line.split(sep) if sep != r"\s+" else line.split()
    return [c.strip().lstrip(comment_prefix).strip() if comment_prefix else c.strip() for c in cells]


def _key(name: str) -> str:
    return re.sub(r"\s+", "", name).lower()


def _canonical(header: list[str], aliases: dict | None) -> list[str]:
    """Header names with release variants renamed to the loader's names (``aliases``: name -> variants)."""
    if not aliases:
        return header
    to = {_key(v): name for name, variants in aliases.items() for v in (name, *variants)}
    return [to.get(_key(h), h) for h in header]


def _header(path: Path, sep: str, encoding: str, comment_prefix: str = "") -> list[str]:
    first = _first_line(path, encoding)
    if not first.strip():
        raise bad(path, 1, "", "empty file: expected a header line")
    return _cells(first, sep, comment_prefix)


def _check_columns(path, header: list[str], required, expected_layout: str = "", *, sep: str = "\t",
                   first: str = "", aliases=None) -> None:
    missing = [c for c in required if c not in header]
    if not missing:
        return
    for alt, alt_name in _SEPARATOR_NAMES.items():
        if alt == sep or alt == " ":
            continue
        cells = _canonical(_cells(first, alt), aliases)
        if first and all(c in cells for c in required):
            raise bad(path, 1, "", f"the file looks {alt_name}-separated; expected "
                      f"{_SEPARATOR_NAMES.get(sep, repr(sep))}-separated"
                      + (f" ({expected_layout})" if expected_layout else ""))
    found = ", ".join(repr(h) for h in header[:12])
    raise ValidationError([Problem(str(path), 1, c, f"required column is missing (header has {found})"
                                   + (f"; expected {expected_layout}" if expected_layout else ""))
                           for c in missing])


def _parser_error(path, err: Exception) -> ValidationError:
    text = str(err)
    m = re.search(r"[Ee]xpected (\d+) fields in line (\d+), saw (\d+)", text)
    if m:
        return bad(path, int(m.group(2)), "", f"expected {m.group(1)} fields, found {m.group(3)}")
    return bad(path, 0, "", f"cannot parse: {text.strip().splitlines()[-1] if text.strip() else err}")


def field_counts(path, sep: str = "\t") -> tuple[np.ndarray, np.ndarray]:
    """Fields per line (by counting separators; no quoting) and whether each line is blank.

    Read in blocks with numpy, so a file of 10^6 lines takes a fraction of a second.
    """
    sepb = ord(sep)
    counts, blanks = [], []
    carry = b""
    for block in _blocks(Path(path)):
        data = carry + block
        cut = data.rfind(b"\n")
        if cut < 0:
            carry = data
            continue
        carry = data[cut + 1:]
        _count_lines(data[:cut + 1], sepb, counts, blanks)
    if carry:
        _count_lines(carry + b"\n", sepb, counts, blanks)
    if not counts:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=bool)
    return np.concatenate(counts), np.concatenate(blanks)


def _count_lines(chunk: bytes, sepb: int, counts: list, blanks: list) -> None:
    arr = np.frombuffer(chunk, dtype=np.uint8)
    ends = np.flatnonzero(arr == 10)
    starts = np.concatenate([[0], ends[:-1] + 1])
    seps = np.flatnonzero(arr == sepb)
    counts.append(np.searchsorted(seps, ends) - np.searchsorted(seps, starts) + 1)
    length = ends - starts
    blank = length == 0
    maybe = np.flatnonzero((length > 0) & (length <= 4) & ~blank)
    for i in maybe.tolist():
        blank[i] = not chunk[starts[i]:ends[i]].strip()
    blanks.append(blank)


def _malformed_lines(path, n_header: int, sep: str, needed: int):
    """Lines (1-based, header excluded) with more fields than the header, or fewer than ``needed``
    (too few to reach the last required column): ``[(line, fields)]``."""
    counts, blank = field_counts(path, sep)
    wrong = ((counts > n_header) | (counts < needed)) & ~blank
    wrong[:1] = False
    return [(int(i) + 1, int(counts[i])) for i in np.flatnonzero(wrong).tolist()]


def read_table(path, required, *, sep: str = "\t", comment_prefix: str = "", layout: str = "",
               usecols=None, aliases: dict | None = None, bad_lines: str = "error") -> pd.DataFrame:
    """Read a delimited file with a header line into a frame of stripped strings.

    Parameters
    ----------
    path : path-like
        The file (plain or gzip).
    required : sequence of str
        Columns that must be present, matched by name.
    sep : str
        Field separator: ``"\\t"`` (no quoting) or ``","`` (CSV quoting).
    comment_prefix : str
        A prefix to strip from header names (STRING writes ``#string_protein_id``).
    layout : str
        A description of the expected layout, quoted in errors.
    usecols : sequence of str, optional
        Read only these columns (must include ``required``).
    aliases : dict, optional
        ``{column: (variant, ...)}``: header names of other releases read as ``column``
        (compared without case and spaces).
    bad_lines : {"error", "skip"}
        A line with more fields than the header, or too few to hold every required column:
        an error naming it, or skipped and listed in ``df.attrs["malformed"]`` as
        ``(line, fields)`` pairs.

    Returns
    -------
    pandas.DataFrame
        Columns as in the header (stripped), values as stripped strings or
        ``None``, plus :data:`LINE`.
    """
    path = Path(path)
    if not path.is_file():
        raise bad(path, 0, "", "no such file")
    encoding = encoding_of(path)
    first = _first_line(path, encoding)
    if not first.strip():
        raise bad(path, 1, "", "empty file: expected a header line")
    header = _canonical(_cells(first, sep, comment_prefix), aliases)
    _check_columns(path, header, required, layout, sep=sep, first=first, aliases=aliases)
    dup = [h for h, n in Counter(header).items() if n > 1 and h]
    if dup:
        raise bad(path, 1, dup[0], "the header names this column twice")
    if sep == ",":
        df = _read_csv(path, header, encoding, usecols)
    else:
        df = _read_delimited(path, header, sep, encoding, usecols, required, bad_lines)
    return _strip(df)


def _read_delimited(path, header, sep, encoding, usecols, required, bad_lines) -> pd.DataFrame:
    last_required = max((header.index(c) for c in required), default=0)
    malformed = _malformed_lines(path, len(header), sep, last_required + 1)
    if malformed and bad_lines != "skip":
        line, n = malformed[0]
        raise bad(path, line, "", f"expected {len(header)} {_SEPARATOR_NAMES.get(sep, 'separated')}-separated "
                  f"fields as in the header, found {n}")
    cols = None if usecols is None else [c for c in usecols if c in header]
    skip = {0} | {line - 1 for line, _ in malformed}
    try:
        with _opener(path)() as fh:
            df = pd.read_csv(fh, sep=sep, header=None, skiprows=skip, names=header, usecols=cols, dtype=object,
                             encoding=encoding, keep_default_na=False, na_values=[], quoting=3,
                             skip_blank_lines=False, engine="c", index_col=False)
    except (pd.errors.ParserError, ValueError) as err:
        raise _parser_error(path, err) from None
    except (OSError, EOFError, zlib.error) as err:
        raise bad(path, 0, "", f"the gzip file is truncated or corrupt ({err}); download it again") from None
    bad_set = {line for line, _ in malformed}
    lines = [i for i in range(2, len(df) + 2 + len(bad_set)) if i not in bad_set] if bad_set else None
    df[LINE] = lines if lines is not None else range(2, len(df) + 2)
    df.attrs["malformed"] = malformed
    return df


def _read_csv(path, header, encoding, usecols) -> pd.DataFrame:
    """CSV with quoting: exact line numbers, and a row whose field count differs from the header's is an
    error naming its line (never padded or cut silently). A file without a quote character is split by
    pandas' C reader after a numpy count of its fields; otherwise the csv module reads it (quoted
    commas, doubled quotes, quoted line breaks)."""
    quoted = any(b'"' in block for block in _blocks(path))
    if not quoted:
        counts, blank = field_counts(path, ",")
        wrong = (counts != len(header)) & ~blank
        wrong[:1] = False
        if wrong.any():
            i = int(np.flatnonzero(wrong)[0])
            raise bad(path, i + 1, "", f"expected {len(header)} comma-separated fields as in the header, "
                      f"found {int(counts[i])}")
        df = _read_delimited(path, header, ",", encoding, usecols, (), "error")
        df.attrs.pop("malformed", None)
        return df
    import io

    keep = list(range(len(header))) if usecols is None else [header.index(c) for c in usecols if c in header]
    with _opener(path)() as raw, io.TextIOWrapper(raw, encoding=encoding, newline="") as fh:
        try:
            rows = list(csv.reader(fh))
        except csv.Error as err:
            raise bad(path, 0, "", f"cannot parse as CSV: {err}") from None
    rows = rows[1:]
    n_lines = int(field_counts(path, ",")[0].shape[0])
    if n_lines == len(rows) + 1:    # no quoted line break: row i is line i + 2
        lines = np.arange(2, len(rows) + 2)
    else:
        lines = _csv_lines(path, encoding)
    lens = np.fromiter(map(len, rows), dtype=np.int64, count=len(rows))
    blank = np.fromiter((not r or (len(r) == 1 and not r[0].strip()) for r in rows), dtype=bool, count=len(rows))
    wrong = (lens != len(header)) & ~blank
    if wrong.any():
        i = int(np.flatnonzero(wrong)[0])
        raise bad(path, int(lines[i]), "", f"expected {len(header)} comma-separated fields as in the header, "
                  f"found {int(lens[i])}" + (" (a quoted field may be unclosed)" if lens[i] < len(header) and
                                              i + 1 < len(lines) and lines[i + 1] - lines[i] > 1 else ""))
    rows = [r for r, b in zip(rows, blank) if not b]
    lines = lines[~blank]
    if usecols is not None:
        rows = [[r[i] for i in keep] for r in rows]
    df = pd.DataFrame(rows, columns=[header[i] for i in keep], dtype=object)
    df[LINE] = lines
    return df


def _csv_lines(path, encoding) -> np.ndarray:
    """The line each CSV record starts on (records may span lines inside quotes); header excluded."""
    import io

    out = []
    with _opener(path)() as raw, io.TextIOWrapper(raw, encoding=encoding, newline="") as fh:
        reader = csv.reader(fh)
        next(reader, None)
        start = reader.line_num + 1
        for _ in reader:
            out.append(start)
            start = reader.line_num + 1
    return np.asarray(out, dtype=np.int64)


def _none_if_blank(values: pd.Series) -> pd.Series:
    """Stripped strings as an object column, empty cells as ``None``."""
    out = [(v.strip() or None) if isinstance(v, str) else (None if v is None or v != v else str(v))
           for v in values.tolist()]
    return pd.Series(out, index=values.index, dtype=object)


def _strip(df: pd.DataFrame) -> pd.DataFrame:
    for col in df.columns:
        if col == LINE:
            continue
        df[col] = _none_if_blank(df[col])
    blank = df.drop(columns=[LINE]).isna().all(axis=1)
    return df.loc[~blank].reset_index(drop=True)


def read_headerless(path, names, *, sep: str = "\t", min_fields: int | None = None) -> pd.DataFrame:
    """Read a file without a header (Reactome) into named string columns.

    Lines must have at least ``min_fields`` (default: all) fields; the error
    names the first short line.
    """
    path = Path(path)
    if not path.is_file():
        raise bad(path, 0, "", "no such file")
    encoding = encoding_of(path)
    try:
        with _opener(path)() as fh:
            df = pd.read_csv(fh, sep=sep, header=None, names=list(names), dtype=object, encoding=encoding,
                             keep_default_na=False, na_values=[], quoting=3, skip_blank_lines=False,
                             engine="c", index_col=False)
    except (pd.errors.ParserError, ValueError) as err:
        raise _parser_error(path, err) from None
    df[LINE] = range(1, len(df) + 1)
    df = _strip(df)
    need = list(names)[: (min_fields or len(names))]
    short = df[need].isna().any(axis=1)
    if short.any():
        row = df.loc[short].iloc[0]
        col = next(c for c in need if row[c] is None)
        raise bad(path, int(row[LINE]), col, f"expected {len(need)} tab-separated fields "
                  f"({', '.join(need)}); this field is empty or missing")
    return df


def iter_lines(path):
    """Yield the lines of a text file without their line ends (gzip read transparently; UTF-8,
    else Latin-1), for line-coded formats such as Cellosaurus."""
    path = Path(path)
    if not path.is_file():
        raise bad(path, 0, "", "no such file")
    encoding = encoding_of(path)
    with _opener(path)() as fh:
        for raw in fh:
            yield raw.decode(encoding).rstrip("\r\n")


def iter_chunks(path, required, *, sep: str, usecols, dtypes=None, chunksize: int = 1_000_000,
                comment_prefix: str = ""):
    """Yield string frames of at most ``chunksize`` rows (for files of 10^7 lines, e.g. STRING)."""
    path = Path(path)
    if not path.is_file():
        raise bad(path, 0, "", "no such file")
    encoding = encoding_of(path)
    header = _header(path, r"\s+" if sep == " " else sep, encoding, comment_prefix)
    _check_columns(path, header, required)
    first_line = 2
    try:
        with _opener(path)() as fh:
            reader = pd.read_csv(fh, sep=sep, header=None, skiprows=1, names=header, usecols=usecols,
                                 dtype=dtypes or object, encoding=encoding, chunksize=chunksize,
                                 keep_default_na=False, na_values=[], engine="c")
            for chunk in reader:
                chunk[LINE] = range(first_line, first_line + len(chunk))
                first_line += len(chunk)
                yield chunk
    except (pd.errors.ParserError, ValueError) as err:
        raise _parser_error(path, err) from None


def read_excel(path, required, *, layout: str = "", aliases: dict | None = None) -> pd.DataFrame:
    """Read the first sheet of an ``.xlsx`` file (needs openpyxl) into stripped strings
    (``aliases`` as in :func:`read_table`)."""
    path = Path(path)
    try:
        import openpyxl  # noqa: F401
    except ImportError:
        raise bad(path, 0, "", "reading .xlsx needs openpyxl: pip install 'evgraph[xlsx]' "
                  "(or save the sheet as .csv)") from None
    try:
        df = pd.read_excel(path, dtype=str, engine="openpyxl", keep_default_na=False, na_values=[])
    except (ValueError, OSError, KeyError) as err:
        raise bad(path, 0, "", f"cannot read as an Excel workbook: {err}") from None
    except Exception as err:  # openpyxl raises its own (zipfile.BadZipFile, InvalidFileException)
        raise bad(path, 0, "", f"cannot read as an Excel workbook: {type(err).__name__}: {err}") from None
    df.columns = _canonical([str(c).strip() for c in df.columns], aliases)
    _check_columns(path, list(df.columns), required, layout)
    df[LINE] = range(2, len(df) + 2)
    return _strip(df)


def read_gmt(path) -> pd.DataFrame:
    """Read a GMT file into long form: ``set``, ``description``, ``gene``, ``_line``.

    One gene set per line: name, description (a URL, text, or empty in Enrichr
    libraries), then genes; Enrichr's ``GENE,1.0`` weights are dropped.
    """
    path = Path(path)
    if not path.is_file():
        raise bad(path, 0, "", "no such file")
    encoding = encoding_of(path)
    sets, descs, genes, lines = [], [], [], []
    with _opener(path)() as fh:
        for lineno, raw in enumerate(fh, start=1):
            line = raw.decode(encoding).rstrip("\r\n")
            if not line.strip() or line.startswith("#"):
                continue
            cells = line.split("\t")
            if len(cells) < 3 or not cells[0].strip():
                raise bad(path, lineno, "", "a GMT line needs a set name, a description (may be empty) "
                          f"and at least one gene, tab-separated; found {len(cells)} field(s)")
            members = [g.split(",", 1)[0].strip() for g in cells[2:]]
            members = [g for g in members if g]
            if not members:
                raise bad(path, lineno, "", f"gene set {cells[0].strip()!r} lists no genes")
            sets += [cells[0].strip()] * len(members)
            descs += [cells[1].strip()] * len(members)
            genes += members
            lines += [lineno] * len(members)
    if not sets:
        raise bad(path, 1, "", "empty file: expected gene sets, one per line")
    return pd.DataFrame({"set": sets, "description": descs, "gene": genes, LINE: lines})


def clean_ids(values: pd.Series) -> pd.Series:
    """Identifiers as strings: Excel's ``3091.0`` becomes ``3091``; blanks become ``None``.

    Examples
    --------
    >>> clean_ids(pd.Series(["3091.0", " 60 ", "", None, "ENSG1"])).tolist()
    ['3091', '60', None, None, 'ENSG1']
    """
    return pd.Series([_int_text(v) for v in _none_if_blank(values).tolist()], index=values.index, dtype=object)


_FLOAT_INT = re.compile(r"^(\d+)\.0+$")


def _int_text(v):
    if v is not None and "." in v:
        m = _FLOAT_INT.match(v)
        if m:
            return m.group(1)
    return v


def numeric(df: pd.DataFrame, column: str, path, *, integer: bool = False, null=("NULL",)) -> pd.Series:
    """Parse a numeric column; the first bad value raises with its line and column."""
    raw = df[column]
    missing = raw.isna() | raw.isin(list(null))
    out = pd.to_numeric(raw.where(~missing, None), errors="coerce")
    wrong = out.isna() & ~missing
    if integer:
        wrong |= out.notna() & (out != out.round())
    if wrong.any():
        i = wrong.to_numpy().nonzero()[0][0]
        what = "an integer" if integer else "a number"
        raise bad(path, int(df[LINE].iloc[i]), column, f"expected {what}, found {raw.iloc[i]!r}")
    return out


def collect(df: pd.DataFrame, keys: list[str], lists: dict[str, str], *, numeric_sort=()) -> pd.DataFrame:
    """One row per distinct ``keys``, with ``lists`` = {output column: input column} collected
    into sorted lists of distinct non-empty values (vectorised: sort, then split into groups).

    Examples
    --------
    >>> df = pd.DataFrame({"a": ["x", "x", "y"], "p": ["2", "10", None]})
    >>> collect(df, ["a"], {"pmids": "p"}, numeric_sort=("pmids",)).to_dict("records")
    [{'a': 'x', 'pmids': ['2', '10']}, {'a': 'y', 'pmids': []}]
    """
    gid = df.groupby(keys, sort=False, dropna=False).ngroup().to_numpy()
    n = int(gid.max()) + 1 if len(gid) else 0
    first = pd.Series(gid).drop_duplicates().index.to_numpy()
    base = df.iloc[first][keys].reset_index(drop=True)   # row g holds group g (numbered by first appearance)
    for out, col in lists.items():
        vals = df[col].to_numpy(dtype=object)
        ok = pd.notna(vals)
        g, v = gid[ok], vals[ok]
        code, _ = pd.factorize(v, sort=True)
        key = pd.to_numeric(pd.Series(v), errors="coerce").to_numpy() if out in numeric_sort else code
        order = np.lexsort((code, key, g))
        g, code, v = g[order], code[order], v[order]
        fresh = np.ones(len(g), dtype=bool)
        fresh[1:] = (g[1:] != g[:-1]) | (code[1:] != code[:-1])   # drop repeated values within a group
        g, v = g[fresh], v[fresh].tolist()
        bounds = np.concatenate([[0], np.cumsum(np.bincount(g, minlength=n))]).tolist()
        base[out] = [v[bounds[i]:bounds[i + 1]] for i in range(n)]
    return base


def read_records(paths, columns, *, dataset: str = "") -> pd.DataFrame:
    """Rows of a dataset shipped as partitioned Parquet or JSON-lines files (Open Targets).

    ``columns`` are read when present (absent ones are ``None``); nested values become
    Python lists and dicts. JSON lines are read with the standard library (one object per
    line; a bad line is an error naming it); Parquet needs pyarrow, the one place evgraph
    uses it (``pip install 'evgraph[parquet]'``), and a file pyarrow cannot read is an
    error naming it.
    """
    import json

    frames = []
    for path in map(Path, paths):
        name = path.name.lower()
        if name.endswith(".parquet"):
            frames.append(_parquet(path, columns))
            continue
        if not path.is_file():
            raise bad(path, 0, "", "no such file")
        encoding_of(path)  # a damaged gzip archive is named here, before parsing
        rows, lines = [], []
        with _opener(path)() as fh:
            for lineno, raw in enumerate(fh, 1):
                text = raw.decode("utf-8", errors="strict").strip() if raw.strip() else ""
                if not text:
                    continue
                try:
                    obj = json.loads(text)
                except (json.JSONDecodeError, UnicodeDecodeError) as err:
                    raise bad(path, lineno, "", f"not a JSON object per line ({dataset or 'dataset'}): {err}") \
                        from None
                if not isinstance(obj, dict):
                    raise bad(path, lineno, "", f"expected one JSON object per line, found {type(obj).__name__}")
                rows.append([obj.get(c) for c in columns])
                lines.append(lineno)
        df = pd.DataFrame(rows, columns=list(columns), dtype=object)
        df[LINE] = lines
        df["_file"] = str(path)
        frames.append(df)
    if not frames:
        return pd.DataFrame(columns=[*columns, LINE, "_file"])
    return pd.concat(frames, ignore_index=True)


def _plain(value):
    """pyarrow's numpy arrays and structs as Python lists and dicts."""
    if isinstance(value, np.ndarray):
        return [_plain(v) for v in value.tolist()]
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, float) and value != value:
        return None
    return value


def _parquet(path: Path, columns) -> pd.DataFrame:
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise bad(path, 0, "", "reading Parquet needs pyarrow: pip install 'evgraph[parquet]' (or download the "
                  "dataset as JSON)") from None
    try:
        pf = pq.ParquetFile(path)
        present = [c for c in columns if c in pf.schema_arrow.names]
        table = pf.read(columns=present)
    except Exception as err:  # pyarrow raises ArrowInvalid, OSError, ...: all mean an unreadable file
        raise bad(path, 0, "", f"cannot read as Parquet: {type(err).__name__}: {err}") from None
    df = pd.DataFrame({c: [_plain(v) for v in table.column(c).to_pylist()] if c in present else None
                       for c in columns}, dtype=object)
    df[LINE] = range(1, len(df) + 1)   # the row number within the file
    df["_file"] = str(path)
    return df
