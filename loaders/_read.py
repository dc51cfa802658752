"""Reading downloaded resource files into string tables, with errors that name file, line and column.

Shared by the public-resource loaders. Every identifier is kept as a string
(``dtype=str``); gzip is read transparently; a file that is not UTF-8 is read
as Latin-1 (ExoCarta and Vesiclepedia ship Latin-1); Excel's float
identifiers (``3091.0``) are turned back into ``3091``; headers are matched by
name, so columns added or reordered between releases do no harm.
"""

from __future__ import annotations

import gzip
import re
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
    "LINE",
]

LINE = "_line"  # the 1-based line (or spreadsheet row) a row came from


def bad(path, line: int, column: str, reason: str) -> ValidationError:
    return ValidationError([Problem(str(path), line, column, reason)])


def _opener(path: Path):
    with open(path, "rb") as fh:
        magic = fh.read(2)
    return (lambda: gzip.open(path, "rb")) if magic == b"\x1f\x8b" else (lambda: open(path, "rb"))


def encoding_of(path: Path, sample: int = 1 << 20) -> str:
    """``utf-8`` if the file decodes as UTF-8, else ``latin-1`` (which decodes any byte).

    The whole file is checked in blocks, so a stray Latin-1 byte deep in the
    file is found before pandas trips over it.
    """
    open_ = _opener(path)
    try:
        with open_() as fh:
            dec = __import__("codecs").getincrementaldecoder("utf-8")()
            while block := fh.read(sample):
                dec.decode(block)
            dec.decode(b"", final=True)
    except UnicodeDecodeError:
        return "latin-1"
    except (OSError, EOFError) as err:
        raise bad(path, 0, "", f"cannot read: {err}") from None
    return "utf-8"


def _header(path: Path, sep: str, encoding: str, comment_prefix: str = "") -> list[str]:
    with _opener(path)() as fh:
        first = fh.readline().decode(encoding).rstrip("\r\n")
    if not first.strip():
        raise bad(path, 1, "", "empty file: expected a header line")
    cells = first.split(sep) if sep != r"\s+" else first.split()
    return [c.strip().lstrip(comment_prefix).strip() if comment_prefix else c.strip() for c in cells]


def _check_columns(path, header: list[str], required, expected_layout: str = "") -> None:
    missing = [c for c in required if c not in header]
    if missing:
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


def read_table(path, required, *, sep: str = "\t", comment_prefix: str = "", layout: str = "",
               usecols=None) -> pd.DataFrame:
    """Read a delimited file with a header line into a frame of stripped strings.

    Parameters
    ----------
    path : path-like
        The file (plain or gzip).
    required : sequence of str
        Columns that must be present, matched by name.
    sep : str
        Field separator (``"\\t"``, ``","``, ``" "``).
    comment_prefix : str
        A prefix to strip from header names (STRING writes ``#string_protein_id``).
    layout : str
        A description of the expected layout, quoted in errors.
    usecols : sequence of str, optional
        Read only these columns (must include ``required``).

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
    header = _header(path, sep, encoding, comment_prefix)
    _check_columns(path, header, required, layout)
    names = header
    cols = None if usecols is None else [c for c in usecols if c in header]
    try:
        with _opener(path)() as fh:
            df = pd.read_csv(fh, sep=sep, header=None, skiprows=1, names=names, usecols=cols, dtype=object,
                             encoding=encoding, keep_default_na=False, na_values=[], quoting=3,
                             skip_blank_lines=False, engine="c")
    except (pd.errors.ParserError, ValueError) as err:
        raise _parser_error(path, err) from None
    df[LINE] = range(2, len(df) + 2)
    return _strip(df)


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


def read_excel(path, required, *, layout: str = "") -> pd.DataFrame:
    """Read the first sheet of an ``.xlsx`` file (needs openpyxl) into stripped strings."""
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
    df.columns = [str(c).strip() for c in df.columns]
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
