"""Reading and writing canonical tables and graphs: CSV, node-link JSON, GraphML.

CSV is the canonical exchange format (``nodes.csv`` and ``edges.csv``, list
cells ``;``-joined, types restored from the schema on reading), so an export
can be read back with ``--kb`` and loses nothing.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd

from evgraph.errors import Problem, ValidationError
from evgraph.model import communications, from_graph
from evgraph.schema import Schema, load_schema
from evgraph.tables import EDGE_COLUMNS, NODE_COLUMNS, ORIGIN, Tables

__all__ = [
    "write_csv",
    "read_csv_tables",
    "write_json",
    "read_json",
    "read_meta",
    "read_records",
    "read_text",
    "decode_text",
    "write_graphml",
    "write_tables",
    "FORMATS",
]

FORMATS = ("csv", "json", "graphml")
LIST_SEP = ";"


def _ordered(df: pd.DataFrame, first: tuple[str, ...]) -> pd.DataFrame:
    cols = [c for c in first if c in df.columns] + sorted(c for c in df.columns if c not in first and c != ORIGIN)
    return df[cols]


def _flatten(df: pd.DataFrame, lists: frozenset[str]) -> pd.DataFrame:
    out = df.copy()
    for col in out.columns:
        if out[col].dtype != object or (col not in lists and pd.api.types.infer_dtype(out[col], skipna=True)
                                        in ("string", "integer", "floating", "boolean", "empty")):
            continue
        is_list = out[col].map(type).isin([list, tuple])
        if col in lists or is_list.any():
            for i, (v, f) in enumerate(zip(out[col], is_list)):
                bad = [x for x in v if LIST_SEP in str(x)] if f else []
                if bad:  # joined, the item would come back as two: refuse rather than alter it
                    row = out.iloc[i]
                    what = row.get("id") or f"{row.get('source')} -> {row.get('target')} ({row.get('type')})"
                    raise ValidationError([Problem("", 0, col, f"{what}: list item {bad[0]!r} holds {LIST_SEP!r}, "
                                                               "which the CSV exchange format uses between items")])
            out[col] = [LIST_SEP.join(map(str, v)) if f else v for v, f in zip(out[col], is_list)]
    return out


def write_tables(tables: Tables, folder: str | Path, *, schema: Schema | None = None) -> list[Path]:
    """Write canonical tables as ``nodes.csv``, ``edges.csv`` and ``meta.json`` (no graph needed).

    Files are written next to the target and renamed into place, so a failed
    write never leaves half a knowledge base behind.
    """
    import os

    schema = schema or load_schema()
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    lists = schema.list_properties()
    paths = [folder / "nodes.csv", folder / "edges.csv", folder / "meta.json"]
    tmp = [p.with_name(f".{p.name}.{os.getpid()}.tmp") for p in paths]
    try:
        _flatten(_ordered(tables.nodes, NODE_COLUMNS), lists).to_csv(tmp[0], index=False)
        _flatten(_ordered(tables.edges, EDGE_COLUMNS), lists).to_csv(tmp[1], index=False)
        tmp[2].write_text(json.dumps(tables.meta, indent=1, sort_keys=True, default=str), "utf-8")
        for t, p in zip(tmp, paths):
            os.replace(t, p)
    finally:
        for t in tmp:
            t.unlink(missing_ok=True)
    return paths


def write_csv(G: nx.MultiDiGraph, folder: str | Path, *, schema: Schema | None = None) -> list[Path]:
    """Write ``nodes.csv``, ``edges.csv``, ``communications.csv`` and ``meta.json``."""
    schema = schema or load_schema()
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    t = from_graph(G)
    lists = schema.list_properties()
    paths = [folder / "nodes.csv", folder / "edges.csv", folder / "communications.csv", folder / "meta.json"]
    _flatten(_ordered(t.nodes, NODE_COLUMNS), lists).to_csv(paths[0], index=False)
    _flatten(_ordered(t.edges, EDGE_COLUMNS), lists).to_csv(paths[1], index=False)
    communications(G).to_csv(paths[2], index=False)
    paths[3].write_text(json.dumps(G.graph, indent=1, sort_keys=True, default=str), "utf-8")
    return paths


# ---- reading ----------------------------------------------------------------------------------------
#
# One policy for every delimited text file evgraph reads (canonical CSV, the curated TSV files):
# UTF-8 (a leading byte-order mark is dropped); RFC 4180 quoting (a cell in double quotes may hold the
# delimiter, line breaks and doubled quotes); lines end with LF or CRLF; no comment lines (a row
# starting with '#' is data); blank lines are skipped; header names are unique; every row has as many
# cells as the header. U+2028, U+2029, NEL, form feed and the other characters Python's
# str.splitlines() treats as line breaks are ordinary characters inside a cell and are kept.

# an unbalanced quote may run to the end of a large file before the reader can tell
csv.field_size_limit(max(csv.field_size_limit(), 1 << 30))
BOM = b"\xef\xbb\xbf"
DELIMITER_NAMES = {",": "comma", "\t": "tab"}
BOOLEANS = {"true": True, "false": False, "1": True, "0": False, "yes": True, "no": False}
STRUCTURAL = ("id", "category", "source", "target", "type")  # always text, whatever the schema says


def _line_of(data: bytes | str, offset: int) -> tuple[int, int]:
    """1-based line and column (in bytes or characters, as ``data`` is) of ``offset``."""
    nl = b"\n" if isinstance(data, bytes) else "\n"
    return data.count(nl, 0, offset) + 1, offset - (data.rfind(nl, 0, offset) + 1) + 1


def decode_text(data: bytes, file: str) -> str:
    r"""The text of a file's bytes under the reading policy above.

    A UTF-8 byte-order mark is dropped and CRLF line ends become LF. A file
    that is not UTF-8, or holds a carriage return that does not end a line, is
    refused, naming the line and the byte offset (or column).

    Examples
    --------
    >>> decode_text(b"\xef\xbb\xbfid\r\nCL:0000057\r\n", "x.csv")
    'id\nCL:0000057\n'
    >>> decode_text(b"id\ncaf\xe9\n", "x.csv")
    Traceback (most recent call last):
    ...
    evgraph.errors.ValidationError: 1 problem(s):
      x.csv:2: not UTF-8 text: byte 0xe9 at byte offset 6 (column 4 of the line) is not valid UTF-8 here; the file may be Latin-1 or Windows-1252: save it as UTF-8
    """
    skip = len(BOM) if data.startswith(BOM) else 0
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise ValidationError([Problem(file, 1, "", "UTF-16 text (it starts with a UTF-16 byte-order mark); "
                                                    "save it as UTF-8")])
    try:
        text = data[skip:].decode("utf-8")
    except UnicodeDecodeError as err:
        at = err.start + skip
        line, col = _line_of(data, at)
        why = ("begins a UTF-8 character that the file cuts short" if "end of data" in err.reason
               else "is not valid UTF-8 here")
        raise ValidationError([Problem(file, line, "", f"not UTF-8 text: byte 0x{data[at]:02x} at byte offset {at} "
                                                       f"(column {col} of the line) {why}; the file may be Latin-1 "
                                                       "or Windows-1252: save it as UTF-8")]) from None
    if "\r" in text:
        text = text.replace("\r\n", "\n")
        cr = text.find("\r")
        if cr >= 0:
            line, col = _line_of(text, cr)
            raise ValidationError([Problem(file, line, "", f"carriage return (CR) at column {col} that does not end "
                                                           "a line; lines end with LF or CRLF")])
    return text


def read_text(path: str | Path) -> str:
    """A text file read under :func:`decode_text`'s policy; a missing or unreadable file is a
    :class:`ValidationError` naming it."""
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise ValidationError([Problem(str(path), 0, "", "file not found")]) from None
    except OSError as err:
        raise ValidationError([Problem(str(path), 0, "", f"cannot read: {err.strerror or err}")]) from None
    return decode_text(data, str(path))


def _csv_problem(file: str, err: csv.Error, start: int, at: int, delimiter: str) -> Problem:
    text = str(err)
    sep = DELIMITER_NAMES.get(delimiter, repr(delimiter))
    if "end of data" in text or "field larger" in text:
        return Problem(file, start, "", "a double quote opens a quoted cell here that never closes (an unbalanced "
                                        "quote); write a double quote inside a cell as two (\"\")")
    if "expected after" in text:
        since = f" (the quoted cell opened at line {start})" if at > start else ""
        return Problem(file, at, "", f"a quoted cell must end with a double quote followed by a {sep} or the line "
                                     f"end{since}; write a double quote inside a cell as two (\"\")")
    return Problem(file, at, "", f"malformed {sep}-separated text: {text}")


class _Malformed(Exception):
    def __init__(self, error: csv.Error, start: int, at: int):
        self.error, self.start, self.at = error, start, at


def _records(text: str, delimiter: str):
    """``(cells, first line, last line)`` of each record; a text without a double quote is split on
    line ends and delimiters directly (what the csv module would do, several times faster)."""
    if '"' not in text:
        split = text.split("\n")
        if split and not split[-1]:
            split.pop()  # the line end of the last line
        for i, line in enumerate(split, start=1):
            yield line.split(delimiter), i, i
        return
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"', doublequote=True,
                        strict=True)
    end = 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as err:
            raise _Malformed(err, end + 1, reader.line_num) from None
        yield row, end + 1, reader.line_num
        end = reader.line_num


def read_records(path: str | Path, *, delimiter: str) -> tuple[list[str], list[list[str]], list[int]]:
    r"""The header, the data rows and the line each row starts on, of a delimited text file.

    Follows the reading policy above and raises :class:`ValidationError` naming
    the file, the line and (for the header) the column of every problem found.
    Cells are returned as written (not stripped).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "t.csv"
    >>> _ = p.write_text('id,claim\n#1,"two\nlines, one cell"\n\n2,x\u2028y\n', "utf-8")
    >>> read_records(p, delimiter=",")
    (['id', 'claim'], [['#1', 'two\nlines, one cell'], ['2', 'x\u2028y']], [2, 5])
    """
    file = str(path)
    text = read_text(path)
    sep = DELIMITER_NAMES.get(delimiter, repr(delimiter))
    problems: list[Problem] = []
    rows: list[list[str]] = []
    lines: list[int] = []
    header: list[str] | None = None
    records = _records(text, delimiter)
    while True:
        try:
            row, start, end = next(records)
        except StopIteration:
            break
        except _Malformed as bad:
            problems.append(_csv_problem(file, bad.error, bad.start, bad.at, delimiter))
            break  # the rest of the file cannot be told apart reliably
        if header is None:
            if not any(c.strip() for c in row):
                problems.append(Problem(file, start, "", "empty first line: expected a header line"))
                break
            header = row
            continue
        if not "".join(row).strip(" \t"):
            continue  # a blank line holds no data
        if len(row) != len(header):
            span = (f"; the row runs from line {start} to line {end} through a quoted cell: is a double quote "
                    f"unbalanced at line {start}?") if end > start else ""
            problems.append(Problem(file, start, "", f"expected {len(header)} {sep}-separated cells, found "
                                                     f"{len(row)}{span}"))
            continue
        rows.append(row)
        lines.append(start)
    if header is None and not problems:
        problems.append(Problem(file, 1, "", "empty file: expected a header line"))
    if header is not None and "\0" in text:
        # NUL ends a string in C (FalkorDB would cut the value there); UTF-16 read as UTF-8 is full of it
        if any("\0" in h for h in header):
            raise ValidationError([Problem(file, 1, "", "NUL characters in the header: a binary file, or UTF-16 "
                                                        "text? save it as UTF-8")])
        for row, line in zip(rows, lines):
            problems += [Problem(file, line, h, "the cell holds a NUL character, which no text value may hold")
                         for h, c in zip(header, row) if "\0" in c]
    if header is not None:
        seen: dict[str, int] = {}
        for i, name in enumerate(header, start=1):
            if name in seen:
                problems.append(Problem(file, 1, name, f"the header names this column twice (cells {seen[name]} "
                                                       f"and {i}); column names must be unique"))
            seen.setdefault(name, i)
    if problems:
        raise ValidationError(problems)
    return header, rows, lines


def _parse_column(values: pd.Series, typ: str | None, name: str, file: str, lines: list[int],
                  problems: list[Problem]) -> pd.Series:
    empty = values == ""
    index = values.index

    def report(wrong: pd.Series, what: str) -> None:
        for i in wrong.to_numpy().nonzero()[0][:20]:
            problems.append(Problem(file, lines[i], name, f"{values.iloc[i]!r} is not {what}"))

    if typ == "list[str]":
        return pd.Series([None if e else [x for x in v.split(LIST_SEP) if x] for v, e in zip(values, empty)],
                         index=index, dtype=object)
    if typ == "int":
        # exact digits: int() would also take '1_000' and other scripts' digits, a float would round
        # big ids; '120.0' is how a column of integers with gaps is written
        digits = values.str.fullmatch(r"[+-]?[0-9]+")
        whole = values.str.fullmatch(r"[+-]?[0-9]+\.0*")
        report(~(digits | whole | empty), "an integer")
        return pd.Series([None if e or not (d or w) else int(v.split(".")[0]) for v, e, d, w
                          in zip(values, empty, digits, whole)], index=index, dtype=object)
    if typ == "float":
        ascii_ = values.map(str.isascii)
        num = pd.to_numeric(values.where(~empty & ascii_, None), errors="coerce")
        wrong = (num.isna() & ~empty) | ~ascii_
        report(wrong, "a number")
        return pd.Series([None if e or n != n else float(n) for n, e in zip(num.tolist(), empty)],
                         index=index, dtype=object)
    if typ == "bool":
        low = values.str.lower()
        report(~(low.isin(list(BOOLEANS)) | empty), "true or false")
        return pd.Series([None if e else BOOLEANS.get(v) for v, e in zip(low, empty)], index=index, dtype=object)
    return values.where(~empty, None)



def read_meta(path: str | Path) -> dict:
    """A ``meta.json`` file: a JSON object, or a :class:`ValidationError` naming the file and line."""
    data = _load_json(path)
    if not isinstance(data, dict):
        raise ValidationError([Problem(str(path), 1, "", f"must hold a JSON object (name: value pairs), found "
                                                         f"{_json_kind(data)}")])
    return data


def _json_kind(value) -> str:
    return {dict: "an object", list: "a list", str: "a string", bool: "a boolean", int: "a number",
            float: "a number", type(None): "null"}.get(type(value), type(value).__name__)


def _load_json(path: str | Path):
    text = read_text(path)
    try:
        return json.loads(text)
    except json.JSONDecodeError as err:
        raise ValidationError([Problem(str(path), err.lineno, "", f"invalid JSON: {err.msg} (column "
                                                                  f"{err.colno})")]) from None
    except RecursionError:
        raise ValidationError([Problem(str(path), 0, "", "invalid JSON: nested too deeply")]) from None


def read_csv_tables(folder: str | Path, *, schema: Schema | None = None) -> Tables:
    """Read ``nodes.csv``, ``edges.csv`` and ``meta.json`` written by :func:`write_csv` or
    :func:`write_tables` (or by a user).

    Cells are typed from the schema: integers, numbers and booleans are parsed
    (a cell that is not one is an error naming file, line and column), lists
    are split on ``;``, an empty cell is missing. Each row remembers the line
    it starts on (``_origin``) for later error messages.
    """
    schema = schema or load_schema()
    folder = Path(folder)
    frames = {}
    problems: list[Problem] = []
    for name, required in (("nodes.csv", NODE_COLUMNS), ("edges.csv", ("source", "target", "type"))):
        path = folder / name
        header, rows, lines = read_records(path, delimiter=",")
        missing = [c for c in required if c not in header]
        blank = [i for i, c in enumerate(header, start=1) if not c.strip()]
        if missing or blank:
            raise ValidationError([Problem(str(path), 1, c, "required column is missing") for c in missing]
                                  + [Problem(str(path), 1, "", f"cell {i} of the header names no column")
                                     for i in blank])
        cells = np.array(rows, dtype=object).reshape(len(rows), len(header))
        df = pd.DataFrame({col: pd.Series(cells[:, j], dtype=object) for j, col in enumerate(header)})
        for col in header:
            typ = "str" if col in STRUCTURAL else schema.property_type(col)
            df[col] = _parse_column(df[col], typ, col, str(path), lines, problems)
        if name == "edges.csv" and "pmids" in df.columns:
            # every edge has a PMID list, possibly empty (identifier mappings cite none)
            df["pmids"] = df["pmids"].map(lambda v: [] if v is None else v)
        df[ORIGIN] = [f"{path}:{line}" for line in lines]
        frames[name] = df
    if problems:
        raise ValidationError(problems)
    meta = read_meta(folder / "meta.json") if (folder / "meta.json").exists() else {}
    return Tables(frames["nodes.csv"], frames["edges.csv"], meta)


def write_json(G: nx.MultiDiGraph, path: str | Path) -> Path:
    """Write node-link JSON (``nodes`` and ``edges`` keys)."""
    data = nx.node_link_data(G, edges="edges")
    Path(path).write_text(json.dumps(data, default=str), "utf-8")
    return Path(path)


def read_json(path: str | Path) -> Tables:
    """Read node-link JSON written by :func:`write_json` back into tables.

    The file must hold an object with a ``nodes`` list and an ``edges`` list
    (networkx ``node_link_data(G, edges="edges")``) of objects whose values are
    text, numbers, booleans, null or lists of them; anything else is a
    :class:`ValidationError` naming the file and the element.
    """
    file = str(path)
    data = _load_json(path)

    def wrong(reason: str) -> ValidationError:
        return ValidationError([Problem(file, 0, "", f"not a node-link JSON graph: {reason}")])

    if not isinstance(data, dict):
        raise wrong(f"expected an object with 'nodes' and 'edges', found {_json_kind(data)}")
    if "edges" not in data:
        if "links" not in data:
            raise wrong("no 'edges' key; expected an object with 'nodes' and 'edges' (or 'links') lists")
        # networkx wrote the edges under "links" before 3.4 (and still does unless told otherwise)
        data = {**data, "edges": data["links"]}
        del data["links"]
    for flag in ("directed", "multigraph"):
        if data.get(flag, True) is not True:
            raise wrong(f"'{flag}' is {json.dumps(data[flag])}; evgraph graphs are directed multigraphs")
    problems: list[str] = []
    first: dict = {}
    for key, required in (("nodes", ("id",)), ("edges", ("source", "target"))):
        items = data.get(key)
        if not isinstance(items, list):
            raise wrong(f"'{key}' must be a list, found {_json_kind(items)}")
        for i, item in enumerate(items):
            if len(problems) >= 20:
                break
            where = f"{key}[{i}]"
            if not isinstance(item, dict):
                problems.append(f"{where} is {_json_kind(item)}, not an object")
                continue
            if any(not isinstance(item.get(f), str) or not item[f] for f in required):
                problems.append(f"{where} lacks {' or '.join(map(repr, required))} as text")
                continue
            texts = ("category", "name") if key == "nodes" else ("type",)
            bad = [f for f in texts if f in item and not isinstance(item[f], str)]
            if key == "edges" and "type" not in item and not isinstance(item.get("key"), str):
                bad.append("type")
            if bad:
                problems.append(f"{where}: {' and '.join(map(repr, bad))} must be text")
                continue
            for name, value in item.items():
                reason = _json_value_problem(value)
                if reason:
                    problems.append(f"{where}: property {name!r} {reason}")
            if key == "edges":
                if "type" not in item and isinstance(item.get("key"), str):
                    item["type"] = item["key"]
                if "key" in item and item["key"] != item.get("type"):
                    problems.append(f"{where}: key {item['key']!r} differs from type {item.get('type')!r}")
                item["key"] = item.get("type")
                for end in ("source", "target"):
                    if item[end] not in first:
                        problems.append(f"{where}: {end} {item[end]!r} is not in 'nodes'")
                ident = ("edge", item["source"], item["target"], item["key"])
            else:
                ident = item["id"]
            if ident in first:
                what = f"id {item['id']!r}" if key == "nodes" else f"edge {item['source']!r} -> " \
                                                                   f"{item['target']!r} of type {item['key']!r}"
                problems.append(f"{where} repeats the {what} of {first[ident]}")
            first.setdefault(ident, where)
    if problems:
        raise ValidationError([Problem(file, 0, "", p) for p in problems])
    if not isinstance(data.get("graph", {}), dict):
        raise wrong(f"'graph' must be an object, found {_json_kind(data['graph'])}")
    try:
        G = nx.node_link_graph(data, edges="edges", directed=True, multigraph=True)
    except (ValueError, KeyError, TypeError, nx.NetworkXError) as err:
        raise wrong(str(err)) from None
    return from_graph(G)


def _json_value_problem(value) -> str | None:
    """Why a node or edge property from JSON cannot be a table cell, if it cannot."""
    if isinstance(value, dict):
        return "holds an object; values are text, numbers, booleans, null or lists of them"
    if isinstance(value, list) and any(isinstance(v, (list, dict)) for v in value):
        return "holds a list of lists or objects; list items are text or numbers"
    return None


def write_graphml(G: nx.MultiDiGraph, path: str | Path) -> Path:
    """Write GraphML for Cytoscape: lists become ``;``-joined strings, ``name`` is the label."""
    H = nx.MultiDiGraph()
    for n, d in G.nodes(data=True):
        H.add_node(n, **{k: _scalar(v) for k, v in d.items() if v is not None})
    for u, v, k, d in G.edges(keys=True, data=True):
        H.add_edge(u, v, key=k, **{a: _scalar(b) for a, b in d.items() if b is not None})
    if "export" in G.graph:  # what produced the file (evgraph export), as JSON text
        H.graph["evgraph_export"] = json.dumps(G.graph["export"], sort_keys=True, default=str)
    nx.write_graphml(H, path)
    return Path(path)


def _scalar(v):
    if isinstance(v, (list, tuple)):
        return LIST_SEP.join(map(str, v))
    if hasattr(v, "item"):
        return v.item()
    return v

