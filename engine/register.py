"""Enterprise registers (docs/register.md): one row per enterprise, read in chunks, checked.

A register is a CSV (UTF-8, header line) or a parquet file. Columns:

``id``, ``name``                 required; copied to the matches
``industries``                   ``;``-separated Industry names (软件和信息服务业;人工智能产业)
``<metric>[<unit>]``             a metric of data/metrics.yaml in a unit of its dimension
                                 (``revenue[亿元]``, ``revenue_growth[%]``); yes/no metrics have no
                                 unit (``is_sme``: true/false); counts may leave it out
``qualifications``               ``name[@level][:YYYY-MM-DD]`` entries joined by ``;``
``awards`` / ``awards[<unit>]``  prior awards ``incentive@year:amount[:level]`` joined by ``;``
                                 (amount in 万元 unless the header names another money unit)
``#anything``                    ignored (pass-through columns of your own)

Every value is converted to its metric's canonical unit exactly as a profile's would be
(``round(value × factor, 6)``), so the batch matcher and the single-profile engine
compare the same numbers. A bad value is a `RegisterError` naming the file, the 1-based
data row (and, for CSV, the line), the enterprise id and the column.

Reading streams: CSV by blocks (pyarrow's streaming reader), parquet by row groups,
so a register of any size is read in bounded memory. Nothing here knows a threshold.

A **projects table** (`ProjectsTable`) lists the enterprises' projects, one row each:
``enterprise_id``, ``name``, ``kind`` (data/metrics.yaml project_kinds), project metrics
``<field>[<unit>]``, ``qualifications``, ``incentives`` and ``awards`` (for the project), read
and checked by the same header check (`TableSpec`) and cell parsers (`Cells`). It is read
whole, as columns, and joined to each chunk on ``enterprise_id``; `Chunk.population(projects)`
gives the chunk with its projects as an `engine.population.Population`.
"""

from __future__ import annotations

import csv
import io
import difflib
import re
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Collection, Container, Iterable, Iterator, Mapping, TypeVar

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from policykg.engine.population import LEVEL_CODES, NO_DATE, Population
from policykg.engine.profile import Vocabulary
from policykg.errors import RegisterError
from policykg.limits import COLUMNS, FIELD_BYTES, NUMBER
from policykg.inputs import check_regular
from policykg.loaders.yamlio import read_text_file

ID, NAME, INDUSTRIES, QUALIFICATIONS, AWARDS = "id", "name", "industries", "qualifications", "awards"
#: Columns of a projects table (besides name, qualifications, awards).
ENTERPRISE_ID, KIND, INCENTIVES = "enterprise_id", "kind", "incentives"
LIST_SEP = ";"
IGNORED_PREFIX = "#"
#: Level words a register may use (the profile's names, or the Chinese ones).
LEVEL_WORDS = {
    "national": "national", "国家级": "national", "provincial": "provincial", "省级": "provincial",
    "municipal": "municipal", "市级": "municipal",
}
FLAG_WORDS = {"true": True, "1": True, "yes": True, "y": True, "是": True,
              "false": False, "0": False, "no": False, "n": False, "否": False}
#: Rows per chunk for parquet; CSV blocks of about CSV_BLOCK_BYTES. A chunk with its projects and what is
#: parsed ahead and written behind it is most of a match's memory: at 10^6 enterprises the peak was ~1.2 GB with
#: 131,072 rows, ~0.8 GB with 65,536, ~0.63 GB with 32,768, for no measurable difference in CPU time (3 runs each).
CHUNK_ROWS = 65_536
CSV_BLOCK_BYTES = 16 << 20

_HEADER = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(?:\[\s*([^\]]*?)\s*\])?\s*$")
_QUAL = r"^\s*(?P<name>[^@:;]*?)\s*(?:@\s*(?P<level>[^:;]*?))?\s*(?::\s*(?P<date>[^;]*?))?\s*$"
_AWARD = (r"^\s*(?P<incentive>[^@:;]*?)\s*@\s*(?P<year>[^:;]*?)\s*:\s*(?P<amount>[^:;]*?)"
          r"\s*(?::\s*(?P<level>[^;]*?))?\s*$")


@dataclass(frozen=True)
class Column:
    """One register column, as its header declares it."""

    header: str
    kind: str  # id | name | industries | qualifications | awards | metric | ignored
    metric: str | None = None
    dimension: str | None = None
    unit: str | None = None  # as written in the header (canonical when left out)
    factor: float = 1.0  # canonical per written unit


@dataclass(frozen=True)
class RegisterLayout:
    """The columns of one register, checked against the rules' vocabulary."""

    source: str
    columns: tuple[Column, ...]
    csv: bool

    def column(self, kind: str) -> Column | None:
        return next((c for c in self.columns if c.kind == kind), None)

    @property
    def metrics(self) -> dict[str, Column]:
        return {c.metric: c for c in self.columns if c.kind == "metric"}


def _close(word: str, names) -> str:
    hits = difflib.get_close_matches(word, list(names), n=1)
    return f" (did you mean {hits[0]!r}?)" if hits else ""


def _units_text(units) -> str:
    names = list(units)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


@dataclass(frozen=True)
class TableSpec:
    """What a table of this program may hold: a register, or a projects table."""

    noun: str  # "register", "projects table"
    fixed: tuple[str, ...]  # plain columns (no unit)
    required: tuple[str, ...]
    project: bool  # metrics are project metrics (data/metrics.yaml project_metrics)
    header_example: str

    def metrics(self, vocabulary: Vocabulary) -> dict[str, str]:
        return dict(vocabulary.project_metrics if self.project else vocabulary.metrics)

    @property
    def metrics_where(self) -> str:
        return "data/metrics.yaml project_metrics" if self.project else "data/metrics.yaml"


REGISTER = TableSpec("register", (ID, NAME, INDUSTRIES, QUALIFICATIONS), (ID, NAME), False, "id,name,...")
PROJECTS = TableSpec("projects table", (ENTERPRISE_ID, NAME, KIND, QUALIFICATIONS, INCENTIVES),
                     (ENTERPRISE_ID, NAME, KIND), True, "enterprise_id,name,kind,...")


def _required_text(names: tuple[str, ...]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def parse_layout(headers: list[str], vocabulary: Vocabulary, source: str, is_csv: bool,
                 spec: TableSpec = REGISTER) -> RegisterLayout:
    """Check a register's (or projects table's) header: known columns, units of each metric's
    dimension, no duplicates."""
    where = f"{source}: column"
    seen: dict[str, str] = {}
    cols: list[Column] = []
    fixed = set(spec.fixed)
    metrics = spec.metrics(vocabulary)
    for raw in headers:
        header = str(raw)
        if header.startswith(IGNORED_PREFIX):
            cols.append(Column(header, "ignored"))
            continue
        m = _HEADER.match(header)
        if not m:
            raise RegisterError(f"{where} {header!r}: not a column name; write <metric>[<unit>] such as "
                                f"{'investment[万元]' if spec.project else 'revenue[亿元]'}, or start it with '#' to "
                                "have it ignored (docs/register.md)")
        key, unit = m.group(1), m.group(2)
        if key in seen:
            raise RegisterError(f"{where} {header!r}: {key} is already given by column {seen[key]!r}; keep one")
        seen[key] = header
        if key in fixed:
            if unit is not None:
                raise RegisterError(f"{where} {header!r}: {key} takes no unit; write the header as {key}")
            cols.append(Column(header, key))
            continue
        if key == AWARDS:
            money = vocabulary.units["money"]
            unit = unit if unit is not None else vocabulary.canonical_unit("money")
            if unit not in money:
                raise RegisterError(f"{where} {header!r}: {unit!r} is not a money unit; use {_units_text(money)} "
                                    "(the unit of the award amounts)")
            cols.append(Column(header, AWARDS, None, "money", unit, money[unit]))
            continue
        if key not in metrics:
            known = sorted([*metrics, *spec.fixed, AWARDS])
            what = "project metrics" if spec.project else "metrics"
            raise RegisterError(f"{where} {header!r}: unknown column{_close(key, known)}; the {what} are listed "
                                f"in {spec.metrics_where}; start a column with '#' to have it ignored")
        dim = metrics[key]
        units = vocabulary.units[dim]
        if dim == "flag":
            if unit is not None:
                raise RegisterError(f"{where} {header!r}: {key} is yes/no and takes no unit; write the header as "
                                    f"{key} and the cells as true/false")
            cols.append(Column(header, "metric", key, dim, None, 1.0))
            continue
        if unit is None:
            if dim not in ("count", "year"):
                first = next(iter(units))
                raise RegisterError(f"{where} {header!r}: say the unit in the header, e.g. {key}[{first}] "
                                    f"({dim}: {_units_text(units)})")
            unit = vocabulary.canonical_unit(dim)
        if unit not in units:
            raise RegisterError(f"{where} {header!r}: {unit!r} is not a {dim} unit; use {_units_text(units)}")
        cols.append(Column(header, "metric", key, dim, unit, float(units[unit])))
    for required in spec.required:
        if required not in seen:
            raise RegisterError(f"{source}: missing column {required!r}; a {spec.noun} needs "
                                f"{_required_text(spec.required)} "
                                f"(columns found: {', '.join(map(str, headers)) or 'none'})")
    return RegisterLayout(source, tuple(cols), is_csv)


def parse_projects_layout(headers: list[str], vocabulary: Vocabulary, source: str, is_csv: bool) -> RegisterLayout:
    """Check a projects table's header (docs/register.md, "Projects table")."""
    return parse_layout(headers, vocabulary, source, is_csv, PROJECTS)


# --------------------------------------------------------------------------- reading


class RegisterReader:
    """Streams a register in pyarrow RecordBatches (all CSV cells as text), with its layout."""

    def __init__(self, path: str | Path, vocabulary: Vocabulary, chunk_rows: int = CHUNK_ROWS,
                 encoding: str = "utf-8", csv_block_bytes: int = CSV_BLOCK_BYTES, spec: TableSpec = REGISTER):
        p = Path(path)
        self.path, self.source, self.spec = p, p.name, spec
        self.chunk_rows, self.encoding, self.block = chunk_rows, encoding, csv_block_bytes
        if p.is_dir():
            raise RegisterError(f"{path}: is a folder; give a .csv or .parquet file (docs/register.md)")
        if not p.exists():
            raise RegisterError(f"{path}: no such file")
        check_regular(p, RegisterError, str(path), spec.noun)  # a FIFO would block the reader forever
        suffix = p.suffix.lower()
        if suffix == ".csv":
            self.format = "csv"
        elif suffix in (".parquet", ".pq"):
            self.format = "parquet"
        else:
            raise RegisterError(f"{path}: {suffix or 'no extension'} is not a {spec.noun} format; give a .csv or "
                                ".parquet file (docs/register.md)")
        self.size = p.stat().st_size
        self.total_rows: int | None = None
        self._read_columns: list[str] | None = None  # parquet: the columns read (None: all; `read_only`)
        headers = self._csv_header() if self.format == "csv" else self._parquet_header()
        self.layout = parse_layout(headers, vocabulary, self.source, self.format == "csv", spec)

    def _csv_header(self) -> list[str]:
        enc = "utf-8-sig" if self.encoding.lower().replace("_", "-") in ("utf-8", "utf8") else self.encoding
        row = read_text_file(self.path, self.spec.noun, error=RegisterError, name=self.source, encoding=enc, newline="",
                             read=_header_row, limit=None,
                             not_text=f"not {self.encoding} text; save it as UTF-8 (or give its encoding, "
                                      "e.g. --encoding gbk)")
        if row is _TOO_LONG:
            raise RegisterError(f"{self.source}: the header line is longer than {FIELD_BYTES.value:.0f} characters "
                                f"(is this a CSV file?); {FIELD_BYTES.hint()}")
        if isinstance(row, str):
            raise RegisterError(f"{self.source}: line 1: the header is not CSV ({row}); the first line must be the "
                                f"header ({self.spec.header_example})")
        if not row:
            raise RegisterError(f"{self.source}: empty file; the first line must be the header "
                                f"({self.spec.header_example})")
        if len(row) > COLUMNS.value:
            raise RegisterError(f"{self.source}: the header has {len(row)} columns; {COLUMNS.hint()}")
        # pyarrow names the columns as written; the layout by their trimmed names (" id " is id)
        self._csv_names = list(row)
        return [h.strip() for h in row]

    def _parquet_header(self) -> list[str]:
        import pyarrow.parquet as pq

        try:
            self._pf = pq.ParquetFile(self.path)
        except (pa.ArrowInvalid, OSError, UnicodeDecodeError) as exc:
            raise RegisterError(f"{self.source}: not a readable parquet file ({_first_line(exc)})") from None
        self.total_rows = self._pf.metadata.num_rows
        return list(self._pf.schema_arrow.names)

    def read_only(self, metric_keys: Collection[str] | None) -> None:
        """Read only the metric columns `metric_keys` names (None: all), beside every column that is no metric
        (ids, names, industries, qualifications, awards, incentives): a match of a few incentives (``--only``)
        neither decodes nor checks a metric none of them uses. Parquet only (a CSV line is parsed whole)."""
        if metric_keys is None or self.format != "parquet":
            return
        kept = tuple(c for c in self.layout.columns
                     if c.kind != "ignored" and (c.kind != "metric" or c.metric in metric_keys))
        if len(kept) == len(self.layout.columns):
            return
        self.layout = RegisterLayout(self.layout.source, kept, self.layout.csv)
        self._read_columns = [c.header for c in kept]

    def batches(self) -> Iterator[tuple[pa.RecordBatch, float | None]]:
        """(batch, fraction of the file read so far or None)."""
        if self.format == "parquet":
            yield from self._parquet_batches()
        else:
            yield from self._csv_batches()

    def id_batches(self) -> Iterator[tuple[pa.RecordBatch, float | None]]:
        """`batches`, with only the id column holding values for a parquet file (the others null): what a
        pass over the ids needs, at a fraction of the decoding (rows as in `batches`)."""
        if self.format != "parquet":
            yield from self.batches()
            return
        header = self.layout.column(ID).header
        names = [c.header for c in self.layout.columns]
        done = 0
        try:
            for batch in self._pf.iter_batches(batch_size=self.chunk_rows, columns=[header]):
                done += batch.num_rows
                arrays = [batch.column(0) if h == header else pa.nulls(batch.num_rows) for h in names]
                yield pa.RecordBatch.from_arrays(arrays, names=names), done / self.total_rows if self.total_rows else None
        except (pa.ArrowInvalid, OSError) as exc:
            raise RegisterError(f"{self.source}: cannot read it as parquet after row {done} "
                                f"({_first_line(exc)})") from None

    def _parquet_batches(self):
        done = 0
        try:
            for batch in self._pf.iter_batches(batch_size=self.chunk_rows, columns=self._read_columns):
                done += batch.num_rows
                yield batch, done / self.total_rows if self.total_rows else None
        except (pa.ArrowInvalid, OSError) as exc:
            raise RegisterError(f"{self.source}: cannot read it as parquet after row {done} "
                                f"({_first_line(exc)})") from None

    def _csv_batches(self):
        import pyarrow.csv as pacsv

        bad: list = []

        def invalid(row):
            bad.append(row)
            return "error"

        headers = [c.header for c in self.layout.columns]
        try:
            fh = open(self.path, "rb")
        except OSError as exc:
            raise RegisterError(f"{self.source}: cannot be read ({exc.strerror or exc}); give the path of a "
                                f"readable {self.spec.noun} file") from None
        try:
            try:
                reader = pacsv.open_csv(
                    fh,
                    read_options=pacsv.ReadOptions(block_size=self.block, encoding=self.encoding),
                    parse_options=pacsv.ParseOptions(invalid_row_handler=invalid),
                    # every cell as text, keyed by the names pyarrow sees (untrimmed): an id 0012 stays 0012
                    convert_options=pacsv.ConvertOptions(
                        column_types={h: pa.string() for h in self._csv_names}, null_values=[""],
                        strings_can_be_null=True, quoted_strings_can_be_null=True),
                )
                rows_before = 0
                for batch in reader:
                    if batch.schema.names != headers:
                        batch = batch.rename_columns(headers)
                    check_field_sizes(batch, self.source, rows_before)
                    rows_before += batch.num_rows
                    yield batch, min(1.0, fh.tell() / self.size) if self.size else None
            except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
                if bad:
                    row = bad[0]
                    number = row.number or _find_line(self.path, row.text, self.encoding)
                    line = f"line {number}" if number else "a line"
                    raise RegisterError(
                        f"{self.source}: {line}: expected {row.expected_columns} cells (as in the header), got "
                        f"{row.actual_columns}: {row.text[:80]!r}; quote cells that contain commas") from None
                msg = _first_line(exc)
                if "straddling" in msg:
                    raise RegisterError(f"{self.source}: a row is longer than {self.block} bytes (one CSV block), the "
                                        f"most a row may hold; cells hold at most {FIELD_BYTES.value:.0f} bytes "
                                        f"({FIELD_BYTES.env}); is a quote left open?") from None
                if "UTF8" in msg or isinstance(exc, UnicodeDecodeError):
                    raise RegisterError(f"{self.source}: not {self.encoding} text; save it as UTF-8 "
                                        "(or give its encoding, e.g. --encoding gbk)") from None
                raise RegisterError(f"{self.source}: cannot read it as CSV ({msg})") from None
        finally:
            fh.close()


def check_field_sizes(batch: pa.RecordBatch, source: str, rows_before: int = 0) -> None:
    """Every text cell of `batch` at most FIELD_BYTES bytes (the register's per-field limit)."""
    cap = FIELD_BYTES.value
    for name, column in zip(batch.schema.names, batch.columns):
        if not (pa.types.is_string(column.type) or pa.types.is_large_string(column.type)):
            continue
        lengths = pc.binary_length(column)
        longest = pc.max(lengths).as_py()
        if longest is not None and longest > cap:
            i = int(np.flatnonzero(np.nan_to_num(lengths.to_numpy(zero_copy_only=False).astype(float)) > cap)[0])
            raise RegisterError(f"{source}: row {rows_before + i + 1}, column {name!r}: a cell of {longest} bytes; "
                                f"{FIELD_BYTES.hint()}")


_TOO_LONG = object()


def _header_row(fh) -> list[str] | None | object:
    """The first CSV record of `fh`, reading at most FIELD_BYTES characters (a 1 GB file with no
    newline is refused, not read into memory); _TOO_LONG when the limit came first."""
    cap = int(FIELD_BYTES.value)
    text = fh.read(cap + 1)
    if len(text) > cap and "\n" not in text and "\r" not in text:
        return _TOO_LONG
    try:
        return next(csv.reader(io.StringIO(text)), None)
    except csv.Error as exc:
        return _TOO_LONG if len(text) > cap else str(exc)


def _find_line(path: Path, text: str, encoding: str) -> int | None:
    """The 1-based line holding `text` (pyarrow does not always know it; an error path only)."""
    try:
        with open(path, encoding=encoding, errors="replace", newline="") as fh:
            for number, line in enumerate(fh, 1):
                if line.rstrip("\r\n") == text:
                    return number
    except (OSError, LookupError):
        pass
    return None


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


# --------------------------------------------------------------------------- one chunk, parsed


def where_text(source: str, csv: bool, row: int, ident_label: str, ident: str | None, header: str | None) -> str:
    """How messages name a cell: ``file: row N (line N+1), id X, column 'c'`` (`row` 1-based)."""
    line = f" (line {row + 1})" if csv else ""
    who = f", {ident_label} {ident}" if ident else ""
    col = f", column {header!r}" if header else ""
    return f"{source}: row {row}{line}{who}{col}"


def qualification_names(vocabulary: Vocabulary) -> list[str]:
    """The canonical qualification names, sorted: what a qualification code indexes."""
    return sorted({v[0] for v in vocabulary.qualifications.values()})


def _ints(values=()) -> np.ndarray:
    return np.asarray(values, dtype=np.int64)


def _row_number(offset, i: int) -> int:
    """The 1-based data row of row `i` of a batch: after `offset` rows, or `offset[i]` (0-based) when
    the batch's rows are given one by one."""
    return offset + i + 1 if isinstance(offset, (int, np.integer)) else int(offset[i]) + 1


def _level_codes(codes: np.ndarray, names: list[str], into: list[str]) -> np.ndarray:
    """Award level codes into `names` as codes into `into` (extended with the new names; "" first)."""
    remap = []
    for name in names:
        if name not in into:
            into.append(name)
        remap.append(into.index(name))
    return np.array(remap, dtype=np.int64)[codes] if len(codes) else _ints()


def _ranges(starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """The indexes start..start+count-1 of every (start, count), concatenated, in order."""
    counts = np.asarray(counts, dtype=np.int64)
    total = int(counts.sum())
    if not total:
        return _ints()
    ends = np.cumsum(counts)
    return np.arange(total, dtype=np.int64) - np.repeat(ends - counts, counts) + np.repeat(
        np.asarray(starts, np.int64), counts)


class Cells:
    """The cells of one batch of a register or projects table, parsed as its layout says: the
    helpers both share (numbers in canonical units, yes/no, ``;`` lists, qualifications,
    dates, prior awards, incentive ids).

    ``offset`` is the number of data rows before it, so row ``i`` here is data row
    ``offset + i + 1`` in messages; or, for rows that are not consecutive in their file (a
    co-group on Spark, `engine.spark_match`), an array of each row's 0-based data row.
    """

    #: How messages name a row's id ("id E1"; a projects table: "enterprise_id E1").
    ident_label = ID
    #: What a row is ("every enterprise needs its name").
    entity = "enterprise"

    def __init__(self, batch: pa.RecordBatch, layout: RegisterLayout, vocabulary: Vocabulary,
                 incentive_ids: list[str], offset: int):
        self.layout, self.vocabulary, self.offset = layout, vocabulary, offset
        self.n = batch.num_rows
        self.incentive_ids = incentive_ids
        self._cols = {c.header: batch.column(i) for i, c in enumerate(layout.columns)}
        self._idents: pa.Array | None = None
        self.qual_index: dict[str, int] = {}
        self.award_levels: list[str] = []

    # -- messages

    def where(self, i: int, header: str | None) -> str:
        ident = self._idents[i].as_py() if self._idents is not None else None
        return where_text(self.layout.source, self.layout.csv, _row_number(self.offset, i), self.ident_label, ident,
                          header)

    # -- plain columns

    def _text(self, col: Column, required: bool) -> pa.Array:
        arr = self._cols[col.header]
        if not pa.types.is_string(arr.type) and not pa.types.is_large_string(arr.type):
            arr = self._cast_text(arr, col)
        arr = pc.utf8_trim_whitespace(arr)
        if isinstance(arr, pa.ChunkedArray):
            arr = arr.combine_chunks()
        if required:
            empty = pc.fill_null(pc.equal(arr, ""), True)
            if pc.any(empty).as_py():
                i = int(np.flatnonzero(empty.to_numpy(zero_copy_only=False))[0])
                raise RegisterError(f"{self.where(i, col.header)}: empty; every {self.entity} needs its {col.header}")
        return arr

    def _strings(self, col: Column) -> pa.Array:
        arr = self._cols[col.header]
        if pa.types.is_null(arr.type):
            return pa.nulls(len(arr), pa.string())
        if not (pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type)):
            arr = self._cast_text(arr, col)
        arr = pc.utf8_trim_whitespace(arr)
        return pc.if_else(pc.equal(arr, ""), pa.scalar(None, arr.type), arr)

    def _cast_text(self, arr: pa.Array, col: Column) -> pa.Array:
        """A parquet column of another type as text; lists, structs, binary that is not UTF-8: an error."""
        try:
            return pc.cast(arr, pa.string())
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError):
            raise RegisterError(f"{self.layout.source}: column {col.header!r}: expected text, got {arr.type}; "
                                f"write {col.header} as text (lists joined by '{LIST_SEP}')") from None

    def _metric(self, col: Column, arr: pa.Array) -> np.ndarray:
        if col.dimension == "flag":
            return self._flag(col, arr)
        if pa.types.is_boolean(arr.type):
            raise RegisterError(f"{self.layout.source}: column {col.header!r}: true/false values, but "
                                f"{col.metric} is a number ({col.dimension})")
        if pa.types.is_integer(arr.type) or pa.types.is_floating(arr.type) or pa.types.is_decimal(arr.type) \
                or pa.types.is_null(arr.type):
            # unsafe: a uint64 of 2^64-1 becomes 1.8e19 (then refused by the magnitude check below)
            numbers = pc.cast(arr, pa.float64(), safe=False)
        else:
            text = self._strings(col)
            try:
                numbers = pc.cast(text, pa.float64())
            except pa.ArrowInvalid:
                for i, x in enumerate(text.to_pylist()):
                    if x is None:
                        continue
                    try:
                        float(x)
                    except ValueError:
                        break
                    if not re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?|[+-]?(nan|inf|infinity)", x, re.I):
                        break
                else:
                    raise RegisterError(f"{self.layout.source}: column {col.header!r}: not all numbers") from None
                hint = ""
                if re.search(r"[万亿元%]", x):
                    hint = f"; the unit goes in the header ({col.header}), the cells hold plain numbers"
                raise RegisterError(f"{self.where(i, col.header)}: {x!r} is not a number{hint}") from None
        values = numbers.to_numpy(zero_copy_only=False).astype(np.float64, copy=False)
        null = np.asarray(numbers.is_null().to_numpy(zero_copy_only=False), dtype=bool)
        nonfinite = ~np.isfinite(values) & ~null
        if nonfinite.any():
            i = int(np.flatnonzero(nonfinite)[0])
            raise RegisterError(f"{self.where(i, col.header)}: {values[i]:g} is not a finite number")
        if col.dimension != "percent":
            negative = values < 0  # NaN compares False
            if negative.any():
                i = int(np.flatnonzero(negative)[0])
                raise RegisterError(f"{self.where(i, col.header)}: {values[i]:g} is negative; {col.dimension} "
                                    "cannot be below zero")
        if col.dimension == "year":  # a calendar year (落户年份): four digits, whole
            bad = ~null & ((values != np.round(values)) | (values < 1900) | (values > 2100))
            if bad.any():
                i = int(np.flatnonzero(bad)[0])
                raise RegisterError(f"{self.where(i, col.header)}: {values[i]:g} is not a calendar year; write the "
                                    "year as four digits, e.g. 2024")
        values = np.where(null, np.nan, values)
        self._check_magnitude(col, values)
        return np.round(values * col.factor, 6) if col.factor != 1.0 else np.round(values, 6)

    def _check_magnitude(self, col: Column, values: np.ndarray) -> None:
        """Every value below the number limit in the canonical unit (1e308亿元 would overflow to inf
        and silently match nothing)."""
        with np.errstate(invalid="ignore"):
            too_big = np.abs(values) >= NUMBER.value / max(abs(col.factor), 1e-300)
        if too_big.any():
            i = int(np.flatnonzero(too_big)[0])
            raise RegisterError(f"{self.where(i, col.header)}: {values[i]:g} is too large; {NUMBER.hint()}")

    def _flag(self, col: Column, arr: pa.Array) -> np.ndarray:
        if pa.types.is_boolean(arr.type):
            out = pc.cast(arr, pa.float64()).to_numpy(zero_copy_only=False)
            return np.where(arr.is_null().to_numpy(zero_copy_only=False), np.nan, out)
        text = pc.utf8_lower(self._strings(col))
        true = pc.is_in(text, value_set=pa.array([k for k, v in FLAG_WORDS.items() if v]))
        false = pc.is_in(text, value_set=pa.array([k for k, v in FLAG_WORDS.items() if not v]))
        null = text.is_null().to_numpy(zero_copy_only=False)
        t = true.to_numpy(zero_copy_only=False)
        f = false.to_numpy(zero_copy_only=False)
        bad = ~null & ~t & ~f
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise RegisterError(f"{self.where(i, col.header)}: {text[i].as_py()!r} is not yes/no; write true or "
                                "false (or 1/0, 是/否)")
        return np.where(t, 1.0, np.where(f, 0.0, np.nan))

    # -- list columns

    def _entries(self, col: Column) -> tuple[pa.Array, np.ndarray]:
        """The ;-separated entries of a list column (non-empty, trimmed) and the row of each."""
        text = self._strings(col)
        lists = pc.split_pattern(text, LIST_SEP)
        flat = pc.utf8_trim_whitespace(pc.list_flatten(lists))
        parent = pc.list_parent_indices(lists).to_numpy(zero_copy_only=False)
        keep = pc.not_equal(flat, "")
        flat = pc.filter(flat, keep)
        parent = parent[keep.to_numpy(zero_copy_only=False)]
        return flat, parent.astype(np.int64)

    def _industry_entries(self, col: Column | None):
        if col is None:
            return None
        flat, parent = self._entries(col)
        enc = pc.dictionary_encode(flat)
        names = enc.dictionary.to_pylist()
        codes = enc.indices.to_numpy(zero_copy_only=False)
        return names, codes, parent

    def _qualification_entries(self, col: Column | None):
        """(name code, level code, day, row) per entry; codes index QUAL_NAMES / LEVEL_CODES."""
        if col is None:
            return None
        flat, parent = self._entries(col)
        # the regex once per distinct entry (a register repeats the same name@level:date: ~5 entries each)
        distinct = pc.dictionary_encode(flat)
        parts = pc.extract_regex(distinct.dictionary, _QUAL).take(distinct.indices)
        vocab = self.vocabulary.qualifications
        names_all = sorted({v[0] for v in vocab.values()})
        self.qual_index = {name: k for k, name in enumerate(names_all)}
        enc = pc.dictionary_encode(parts.field("name"))
        codes = enc.indices.to_numpy(zero_copy_only=False).astype(np.int64)
        mapped, levels_of = [], []
        for k, name in enumerate(enc.dictionary.to_pylist()):
            if name not in vocab:
                i = int(parent[np.flatnonzero(codes == k)[0]])
                what = f"unknown qualification {name!r}{_close(name, vocab)}" if name else "an entry with no name"
                raise RegisterError(f"{self.where(i, col.header)}: {what}; the names are listed in "
                                    "data/qualifications.yaml; write name@level:YYYY-MM-DD joined by ';'")
            canonical, *lv = vocab[name]
            mapped.append(self.qual_index[canonical])
            levels_of.append(tuple(lv))
        name_codes = np.array(mapped, dtype=np.int64)[codes] if mapped else codes
        lenc = pc.dictionary_encode(pc.fill_null(parts.field("level"), ""))
        lcodes = lenc.indices.to_numpy(zero_copy_only=False).astype(np.int64)
        word_codes = []
        for k, w in enumerate(lenc.dictionary.to_pylist()):
            if w and w not in LEVEL_WORDS:
                i = int(parent[np.flatnonzero(lcodes == k)[0]])
                raise RegisterError(f"{self.where(i, col.header)}: {w!r} is not a level; use national, provincial "
                                    "or municipal (or 国家级, 省级, 市级)")
            word_codes.append(LEVEL_CODES.index(LEVEL_WORDS[w]) if w else 0)
        level_codes = np.array(word_codes, dtype=np.int64)[lcodes] if word_codes else lcodes
        # Check each (qualification, level) pair once: a level it has, or none when it has one (or none).
        pairs = np.unique(codes * len(LEVEL_CODES) + level_codes) if len(codes) else []
        fixed_level = {}
        for pair in pairs:
            k, lc = divmod(int(pair), len(LEVEL_CODES))
            allowed, canonical = levels_of[k], names_all[mapped[k]]
            j = int(np.flatnonzero((codes == k) & (level_codes == lc))[0])
            if lc == 0:
                if len(allowed) > 1:
                    raise RegisterError(f"{self.where(int(parent[j]), col.header)}: say which level of {canonical} "
                                        f"({'/'.join(allowed)}), e.g. {canonical}@{allowed[0]}")
                if allowed:
                    fixed_level[k] = LEVEL_CODES.index(allowed[0])
            elif LEVEL_CODES[lc] not in allowed:
                raise RegisterError(f"{self.where(int(parent[j]), col.header)}: {LEVEL_CODES[lc]!r} is not a level "
                                    f"of {canonical}; allowed: {', '.join(allowed) or 'none (leave it out)'}")
        for k, lc in fixed_level.items():
            level_codes = np.where((codes == k) & (level_codes == 0), lc, level_codes)
        days = self._dates(parts.field("date"), parent, col)
        return name_codes, level_codes, days, parent

    def _dates(self, dates: pa.Array, parent: np.ndarray, col: Column) -> np.ndarray:
        """Dates as days since 1970 (int64; a very small number where none is given).

        Each distinct text is parsed once (a register repeats the same few thousand days)."""
        enc = pc.dictionary_encode(dates)
        index = enc.indices.to_numpy(zero_copy_only=False)  # NaN (float) where no date is given
        texts = enc.dictionary
        given = pc.fill_null(pc.not_equal(texts, ""), False)
        text = pc.if_else(given, texts, pa.scalar(None, pa.string()))
        parsed = pc.strptime(text, format="%Y-%m-%d", unit="s", error_is_null=True)
        back = pc.strftime(parsed, format="%Y-%m-%d")
        ok = pc.fill_null(pc.equal(back, text), False)  # 2025-02-30 parses as 03-02: not the same text
        given_u = given.to_numpy(zero_copy_only=False)
        bad_u = given_u & ~ok.to_numpy(zero_copy_only=False)
        codes = np.nan_to_num(np.asarray(index, dtype=np.float64), nan=-1).astype(np.int64)
        if bad_u.any():
            j = int(np.flatnonzero(np.isin(codes, np.flatnonzero(bad_u)))[0])
            raise RegisterError(f"{self.where(int(parent[j]), col.header)}: {dates[j].as_py()!r} is not a valid "
                                "date; use YYYY-MM-DD, e.g. 2024-12-20")
        days_u = pc.cast(pc.cast(parsed, pa.date32()), pa.int32()).to_numpy(zero_copy_only=False)
        days_u = np.where(given_u, np.nan_to_num(days_u, nan=0), NO_DATE).astype(np.int64)
        return np.where(codes >= 0, days_u[np.maximum(codes, 0)] if len(days_u) else NO_DATE, NO_DATE).astype(np.int64)

    def _incentive_codes(self, ids: pa.Array, parent: np.ndarray, col: Column) -> np.ndarray:
        """Incentive ids as indexes into `incentive_ids` (an unknown id: an error naming its row)."""
        index = {iid: k for k, iid in enumerate(self.incentive_ids)}
        enc = pc.dictionary_encode(ids)
        ecodes = enc.indices.to_numpy(zero_copy_only=False).astype(np.int64)
        mapped = []
        for k, iid in enumerate(enc.dictionary.to_pylist()):
            if iid not in index:
                j = int(np.flatnonzero(ecodes == k)[0])
                raise RegisterError(f"{self.where(int(parent[j]), col.header)}: no incentive {iid!r} in "
                                    f"data/incentives.yaml{_close(iid, index)}")
            mapped.append(index[iid])
        return np.array(mapped, dtype=np.int64)[ecodes] if mapped else ecodes

    def _award_entries(self, col: Column | None):
        if col is None:
            return None
        flat, parent = self._entries(col)
        parts = pc.extract_regex(flat, _AWARD) if len(flat) else None
        if parts is not None and parts.null_count:
            j = int(np.flatnonzero(parts.is_null().to_numpy(zero_copy_only=False))[0])
            raise RegisterError(f"{self.where(int(parent[j]), col.header)}: {flat[j].as_py()!r} is not an award; "
                                "write incentive@year:amount (e.g. 1.1@2023:50) joined by ';'")
        if parts is None:
            empty = np.array([], dtype=np.int64)
            return empty, empty, np.array([], dtype=np.float64), empty, empty
        inc = self._incentive_codes(parts.field("incentive"), parent, col)
        years_text = parts.field("year")
        try:
            years = pc.cast(years_text, pa.int64()).to_numpy(zero_copy_only=False)
        except pa.ArrowInvalid:
            years = None
        if years is None or ((years < 1990) | (years > 2100)).any():
            for j, y in enumerate(years_text.to_pylist()):
                if not re.fullmatch(r"\d{4}", y or "") or not 1990 <= int(y) <= 2100:
                    raise RegisterError(f"{self.where(int(parent[j]), col.header)}: year {y!r} of "
                                        f"{flat[j].as_py()!r} is not a year like 2024") from None
        amounts_text = parts.field("amount")
        try:
            amounts = pc.cast(amounts_text, pa.float64()).to_numpy(zero_copy_only=False)
        except pa.ArrowInvalid:
            amounts = None
        if amounts is None or not np.isfinite(amounts).all() or (amounts < 0).any():
            for j, a in enumerate(amounts_text.to_pylist()):
                try:
                    x = float(a)
                    good = np.isfinite(x) and x >= 0 and re.fullmatch(r"[+]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", a)
                except ValueError:
                    good = False
                if not good:
                    hint = f" (in {col.unit}; the unit goes in the header)" if re.search(r"[万亿元]", a) else ""
                    raise RegisterError(f"{self.where(int(parent[j]), col.header)}: amount {a!r} of "
                                        f"{flat[j].as_py()!r} is not a number ≥ 0{hint}")
        amounts = np.round(amounts * col.factor, 6)
        lenc = pc.dictionary_encode(pc.fill_null(parts.field("level"), ""))
        self.award_levels = lenc.dictionary.to_pylist()  # level text by code ("" = none)
        levels = lenc.indices.to_numpy(zero_copy_only=False).astype(np.int64)
        return inc, years.astype(np.int64), amounts, levels, parent

class Chunk(Cells):
    """One batch of register rows, as arrays in canonical units (NaN = not given).

    ``offset`` is the number of data rows before it, so row ``i`` here is data row
    ``offset + i + 1`` in messages.
    """

    def __init__(self, batch: pa.RecordBatch, layout: RegisterLayout, vocabulary: Vocabulary,
                 incentive_ids: list[str], offset: int):
        super().__init__(batch, layout, vocabulary, incentive_ids, offset)
        cols = self._cols
        self.ids = self._idents = self._text(layout.column(ID), required=True)
        self.names = self._text(layout.column(NAME), required=True)
        self.metrics: dict[str, np.ndarray] = {}
        for key, col in layout.metrics.items():
            self.metrics[key] = self._metric(col, cols[col.header])
        self._held: dict = {}
        self._industries = self._industry_entries(layout.column(INDUSTRIES))
        self._quals = self._qualification_entries(layout.column(QUALIFICATIONS))
        self._awards = self._award_entries(layout.column(AWARDS))

    # -- as a Population (the evaluator's input)

    def population(self, projects: "ChunkProjects | None" = None) -> Population:
        """The chunk's enterprises as a `Population` (row ``i`` is enterprise ``i`` of the chunk),
        with their projects when given (`ProjectsTable.for_chunk(chunk)`).

        Every enterprise metric of the vocabulary is a column (NaN where the register has no such
        column or leaves the cell empty); the register's own entries (qualifications, awards)
        belong to no project (-1). Award incentives index `incentive_ids`; qualification codes
        index the sorted canonical names (`qualification_names`).
        """
        n, e = self.n, _ints()
        metrics = {key: self.metrics[key] if key in self.metrics else np.full(n, np.nan)
                   for key in self.vocabulary.metrics}
        industry_names, industry_code, industry_owner = [], e, e
        if self._industries is not None:
            names, codes, parent = self._industries
            industry_names, industry_code, industry_owner = list(names), _ints(codes), _ints(parent)
        qual_code, qual_level, qual_day, qual_owner = (_ints(a) for a in (self._quals or (e, e, e, e)))
        qual_project = np.full(len(qual_code), -1, dtype=np.int64)
        inc, years, amounts, levels, parent = self._awards or (e, e, np.array([], np.float64), e, e)
        award_levels = [""]
        award_level = _level_codes(levels, self.award_levels, award_levels)
        award_project = np.full(len(inc), -1, dtype=np.int64)
        pop = Population(
            n=n, metrics=metrics,
            industry_names=industry_names, industry_code=industry_code, industry_owner=industry_owner,
            qual_names=qualification_names(self.vocabulary),
            qual_code=qual_code, qual_level=qual_level, qual_day=qual_day, qual_owner=qual_owner,
            qual_project=qual_project,
            award_incentive=_ints(inc), award_year=_ints(years), award_amount=np.asarray(amounts, np.float64),
            award_level=award_level, award_levels=award_levels, award_owner=_ints(parent),
            award_project=award_project,
            project_kinds=list(self.vocabulary.project_kinds),
            project_metrics={f: np.array([], np.float64) for f in self.vocabulary.project_metrics},
        )
        if projects is not None:
            _add_projects(pop, projects)
        return pop.check()

    # -- what the matcher asks

    def industries_any(self, wanted: tuple[str, ...]) -> np.ndarray:
        """Rows listing at least one of `wanted` (none listed: False)."""
        if self._industries is None:
            return np.zeros(self.n, dtype=bool)
        names, codes, parent = self._industries
        hit_codes = [k for k, name in enumerate(names) if name in wanted]
        mask = np.isin(codes, hit_codes)
        return np.bincount(parent[mask], minlength=self.n) > 0

    def industry_names(self) -> list[str]:
        return [] if self._industries is None else list(self._industries[0])

    def industry_rows(self, name: str) -> tuple[int, int]:
        """(rows listing `name`, first such row index)."""
        names, codes, parent = self._industries
        k = names.index(name)
        rows = np.unique(parent[codes == k])
        return len(rows), int(rows[0])

    def held(self, name: str, level: str | None, day: int, since: int | None = None) -> np.ndarray:
        """Rows holding qualification `name` (at `level`, any when None), dated on or before `day`.

        With `since` (a 首次 award's policy start, days since 1970): only rows none of whose such
        entries is dated before `since` or undated (the engine's not_eligible / missing_data).
        """
        if self._quals is None or name not in self.qual_index:
            return np.zeros(self.n, dtype=bool)
        key = (name, level, day, since)
        if key not in self._held:
            codes, levels, days, parent = self._quals
            mask = (codes == self.qual_index[name]) & (days <= day)
            if level is not None:
                mask &= levels == LEVEL_CODES.index(level)
            rows = np.bincount(parent[mask], minlength=self.n) > 0
            if since is not None:
                early = mask & (days < since)  # an undated entry (NO_DATE) is below any start
                rows &= ~(np.bincount(parent[early], minlength=self.n) > 0)
            self._held[key] = rows
        return self._held[key]

    def awards(self, year: int):
        """Prior awards counted on as-of's year: (row, incentive index, year, amount 万元, level)."""
        if self._awards is None:
            e = np.array([], dtype=np.int64)
            return e, e, e, np.array([], dtype=np.float64), e
        inc, years, amounts, levels, parent = self._awards
        keep = years <= year
        return parent[keep], inc[keep], years[keep], amounts[keep], levels[keep]


def chunk_ids(batch: pa.RecordBatch, layout: RegisterLayout) -> pa.Array:
    """A register batch's ids as `Chunk` reads them (text, trimmed), without checking them: what the
    projects stream joins on before the chunk itself is parsed (in another process). A column that
    cannot be text gives nulls here; parsing the chunk then refuses it, naming the column."""
    arr = batch.column(layout.columns.index(layout.column(ID)))
    if not (pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type)):
        try:
            arr = pc.cast(arr, pa.string())
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError):
            return pa.nulls(len(arr), pa.string())
    return pc.utf8_trim_whitespace(arr)


@dataclass
class IdsOfChunk:
    """A parsed chunk's ids, where it starts and its layout: what `UniqueIds` needs (and messages name),
    small enough to come back from a worker process."""

    ids: pa.Array
    offset: object
    layout: RegisterLayout

    def where(self, i: int, header: str | None) -> str:
        return where_text(self.layout.source, self.layout.csv, _row_number(self.offset, i), ID, self.ids[i].as_py(),
                          header)


_HASH_MULT = np.uint64(0x100000001B3)
_powers: list[np.ndarray] = [np.ones(1, dtype=np.uint64)]


def _hash_powers(n: int) -> np.ndarray:
    """_HASH_MULT ** k (mod 2**64) for k < n, at least (array arithmetic: numpy warns on a scalar's overflow)."""
    have = _powers[0]
    if len(have) < n:
        size = max(n, 2 * len(have))
        out = np.empty(size, dtype=np.uint64)
        out[0] = 1
        done = 1
        while done < size:  # doubling: out[done:done+m] = out[:m] * mult**done
            m = min(done, size - done)
            out[done:done + m] = out[:m] * (out[done - 1:done] * _HASH_MULT)
            done += m
        _powers[0] = have = out
    return have


def id_hashes(ids: pa.Array) -> np.ndarray:
    """A 64-bit hash of every string of `ids` (no nulls), column-wise: a polynomial over the UTF-8
    bytes mod 2**64, the length mixed in, then splitmix64's finaliser. Equal texts hash alike; unequal
    texts may too (rarely, or by design), so a hit is only a candidate, checked on the texts."""
    if pa.types.is_large_string(ids.type):
        width = np.int64
    else:
        ids = ids if pa.types.is_string(ids.type) else pc.cast(ids, pa.string())
        width = np.int32
    n = len(ids)
    if not n:
        return np.array([], dtype=np.uint64)
    offsets = np.frombuffer(ids.buffers()[1], dtype=width)[ids.offset:ids.offset + n + 1].astype(np.int64)
    data = np.frombuffer(ids.buffers()[2], dtype=np.uint8) if ids.buffers()[2] is not None else np.zeros(0, np.uint8)
    lengths = np.diff(offsets)
    base = offsets[0]
    starts = offsets[:-1] - base
    total = int(offsets[-1] - base)
    h = np.zeros(n, dtype=np.uint64)
    if total:
        pos = np.arange(total, dtype=np.int64) - np.repeat(starts, lengths)
        terms = data[base:base + total].astype(np.uint64) * _hash_powers(int(lengths.max()))[pos]
        full = lengths > 0
        h[full] = np.add.reduceat(terms, starts[full])
    h ^= lengths.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)
    h ^= h >> np.uint64(30)
    h *= np.uint64(0xBF58476D1CE4E5B9)
    h ^= h >> np.uint64(27)
    h *= np.uint64(0x94D049BB133111EB)
    h ^= h >> np.uint64(31)
    return h


class UniqueIds:
    """Refuses an enterprise id given twice in one register, across its chunks.

    The ids seen so far are kept as sorted 64-bit hashes (`id_hashes`, 8 bytes an id, in a few
    sorted runs merged as they grow), and each chunk's id column (arrow, ~12 bytes an id) to
    check a hit on the texts and to name the earlier row: ~20 bytes an id, where a Python set
    of the ids took ~100 (100 MB for 10^6 rows, growing with the register). ``id in ids`` asks
    whether an earlier chunk had `id` (what `ProjectStream` asks of a row out of order).
    """

    def __init__(self):
        self._runs: list[np.ndarray] = []  # sorted hashes; each run at least twice the next one's size
        self._chunks: list[tuple[pa.Array, object]] = []  # (ids, offset) per chunk

    @property
    def seen(self) -> "UniqueIds":
        """What `ProjectStream.take` and `finish` ask ``eid in``: this (kept for callers of the set)."""
        return self

    def _hit(self, hashes: np.ndarray) -> bool:
        for run in self._runs:
            at = np.searchsorted(run, hashes)
            if (run[np.minimum(at, len(run) - 1)] == hashes).any():
                return True
        return False

    def __contains__(self, ident: object) -> bool:
        if not isinstance(ident, str) or not self._runs:
            return False
        if not self._hit(id_hashes(pa.array([ident], pa.string()))):
            return False
        return any(pc.any(pc.equal(arr, ident)).as_py() for arr, _ in self._chunks)

    def add(self, chunk: "Chunk", sorted_hashes: np.ndarray | None = None) -> None:
        """`sorted_hashes`: ``np.sort(id_hashes(chunk.ids))`` when the caller has it (`ProjectStream.take`
        hashed the same trimmed ids), so the chunk's ids are hashed once."""
        hashes = np.sort(id_hashes(chunk.ids)) if sorted_hashes is None else sorted_hashes
        repeat = bool(len(hashes) > 1 and (hashes[1:] == hashes[:-1]).any()) or self._hit(hashes)
        self._chunks.append((chunk.ids, chunk.offset))
        self._runs.append(hashes)
        while len(self._runs) > 1 and len(self._runs[-2]) <= 2 * len(self._runs[-1]):
            last = self._runs.pop()
            self._runs[-1] = np.sort(np.concatenate([self._runs[-1], last]), kind="stable")  # two sorted runs
        if repeat:
            self._refuse(chunk)  # names the repeat; returns when the hashes only collided

    def _refuse(self, chunk: "Chunk") -> None:
        first: dict[str, int] = {}
        for arr, offset in self._chunks:
            for i, ident in enumerate(arr.to_pylist()):
                row = _row_number(offset, i)
                if ident in first:  # the first repeat is in the last chunk: `i` is its index there
                    earlier = first[ident]
                    line = f" (line {earlier + 1})" if chunk.layout.csv else ""
                    raise RegisterError(f"{chunk.where(i, chunk.layout.column(ID).header)}: the same id as row "
                                        f"{earlier}{line}; every enterprise needs its own id (one row each)")
                first[ident] = row


# --------------------------------------------------------------------------- projects tables


T = TypeVar("T")
U = TypeVar("U")
#: Batches parsed ahead in a second thread (numpy and pyarrow release the GIL while they work, so
#: parsing the next batch overlaps evaluating or parsing this one on a second core).
AHEAD = 2


def parsed_ahead(items: Iterable[T], parse: Callable[[T], U], ahead: int = AHEAD, threads: int = 1) -> Iterator[U]:
    """``map(parse, items)`` with up to `ahead` items parsed in `threads` background threads, in order.

    Items are taken from `items` in this thread (reading stays sequential); results come back in
    order, so the first bad row in the file is the one reported. Nothing runs on after an error.
    """
    pending: deque = deque()
    with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="policykg-parse") as pool:
        try:
            for item in items:
                pending.append(pool.submit(parse, item))
                if len(pending) > ahead:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        finally:
            for f in pending:
                f.cancel()


def with_offsets(batches: Iterable[tuple[pa.RecordBatch, float | None]]) -> Iterator[tuple]:
    """(batch, fraction read, data rows before it) for each batch of `RegisterReader.batches()`."""
    offset = 0
    for batch, fraction in batches:
        yield batch, fraction, offset
        offset += batch.num_rows


class ProjectCells(Cells):
    """One batch of a projects table, parsed: one row per project (docs/register.md)."""

    ident_label = ENTERPRISE_ID
    entity = "project"

    def __init__(self, batch: pa.RecordBatch, layout: RegisterLayout, vocabulary: Vocabulary,
                 incentive_ids: list[str], offset: int, lists: bool = True):
        super().__init__(batch, layout, vocabulary, incentive_ids, offset)
        self.kinds = list(vocabulary.project_kinds)
        self.enterprise_ids = self._idents = self._text(layout.column(ENTERPRISE_ID), required=True)
        self.names = self._text(layout.column(NAME), required=True)
        self.kind = self._kind_codes(layout.column(KIND))
        self.metrics: dict[str, np.ndarray] = {}
        for key, col in layout.metrics.items():
            values = self._metric(col, self._cols[col.header])
            self._of_its_kind(col, values)
            self.metrics[key] = values
        self.quals = self.awards = self.only = None
        if lists:  # else `ProjectsTable` parses them per chunk (`_ListCells`)
            self.quals, self.awards, self.only = _list_columns(self)


    def _kind_codes(self, col: Column) -> np.ndarray:
        """Each row's kind as an index into `kinds` (data/metrics.yaml project_kinds order)."""
        enc = pc.dictionary_encode(self._text(col, required=True))
        codes = enc.indices.to_numpy(zero_copy_only=False).astype(np.int64)
        mapped = []
        for k, kind in enumerate(enc.dictionary.to_pylist()):
            if kind not in self.vocabulary.project_kinds:
                i = int(np.flatnonzero(codes == k)[0])
                raise RegisterError(f"{self.where(i, col.header)}: {kind!r} is not a project kind"
                                    f"{_close(kind, self.kinds)}; use one of {', '.join(sorted(self.kinds))} "
                                    "(data/metrics.yaml project_kinds)")
            mapped.append(self.kinds.index(kind))
        return np.array(mapped, dtype=np.int64)[codes] if mapped else codes

    def _of_its_kind(self, col: Column, values: np.ndarray) -> None:
        """A value only in rows whose kind lists the metric (as a profile's project metrics)."""
        allowed = np.array([col.metric in self.vocabulary.project_kinds[kind] for kind in self.kinds], dtype=bool)
        bad = ~np.isnan(values) & ~allowed[self.kind]
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            kind = self.kinds[int(self.kind[i])]
            known = ", ".join(self.vocabulary.project_kinds[kind]) or "none"
            raise RegisterError(f"{self.where(i, col.header)}: {col.metric} is not a metric of project kind {kind!r}; "
                                f"its metrics are: {known} (data/metrics.yaml project_kinds): leave the cell empty, "
                                "or correct the kind")


def _list_columns(cells: Cells) -> tuple:
    """The qualifications, prior awards and incentive restrictions of a projects-table batch (each
    None when its column is absent), entries with the row in the batch of each."""
    layout = cells.layout
    quals = cells._qualification_entries(layout.column(QUALIFICATIONS))
    awards = cells._award_entries(layout.column(AWARDS))
    col = layout.column(INCENTIVES)
    only = None
    if col is not None:
        flat, parent = cells._entries(col)
        only = (cells._incentive_codes(flat, parent, col), parent)
    return quals, awards, only


class _ListCells(Cells):
    """The list columns (qualifications, awards, incentives) of some rows of a projects table,
    taken when a chunk needs them: messages name each row as the table numbers it."""

    ident_label = ENTERPRISE_ID
    entity = "project"

    def __init__(self, columns: dict[str, pa.Array], idents: pa.Array, rows: np.ndarray, layout: RegisterLayout,
                 vocabulary: Vocabulary, incentive_ids: list[str]):
        self.layout, self.vocabulary, self.offset = layout, vocabulary, 0
        self.n, self.incentive_ids, self.rows = len(rows), incentive_ids, rows
        self._cols, self._idents = columns, idents
        self.qual_index: dict[str, int] = {}
        self.award_levels: list[str] = []

    def where(self, i: int, header: str | None) -> str:
        return where_text(self.layout.source, self.layout.csv, int(self.rows[i]) + 1, self.ident_label,
                          self._idents[i].as_py(), header)


@dataclass
class ChunkProjects:
    """The projects of one chunk's enterprises (`ProjectsTable.for_chunk`), as `Chunk.population`
    adds them: ordered by the enterprise's row in the chunk, then as in the projects table."""

    owner: np.ndarray  # row in the chunk
    rows: np.ndarray  # 0-based data row in the projects table (messages name row rows[j] + 1)
    kind: np.ndarray  # code into kinds
    kinds: list[str]
    names: pa.Array  # the projects' names (arrow strings)
    metrics: Mapping[str, np.ndarray]  # every project metric field -> float64[m], NaN missing (gathered when read)
    qual_code: np.ndarray
    qual_level: np.ndarray
    qual_day: np.ndarray
    qual_project: np.ndarray
    award_incentive: np.ndarray
    award_year: np.ndarray
    award_amount: np.ndarray
    award_level: np.ndarray  # code into award_levels
    award_levels: list[str]
    award_project: np.ndarray
    only_project: np.ndarray
    only_incentive: np.ndarray
    source: str = "projects"

    @property
    def m(self) -> int:
        return len(self.owner)


def _add_projects(pop: Population, p: ChunkProjects) -> None:
    """Append a chunk's projects, and their qualifications and awards, to its population."""
    assert p.kinds == pop.project_kinds
    pop.m = p.m
    pop.project_owner = _ints(p.owner)
    pop.project_kind = _ints(p.kind)
    pop.project_names = p.names
    pop.project_metrics = p.metrics
    pop.qual_code = np.concatenate([pop.qual_code, p.qual_code])
    pop.qual_level = np.concatenate([pop.qual_level, p.qual_level])
    pop.qual_day = np.concatenate([pop.qual_day, p.qual_day])
    pop.qual_owner = np.concatenate([pop.qual_owner, pop.project_owner[p.qual_project]])
    pop.qual_project = np.concatenate([pop.qual_project, p.qual_project])
    pop.award_incentive = np.concatenate([pop.award_incentive, p.award_incentive])
    pop.award_year = np.concatenate([pop.award_year, p.award_year])
    pop.award_amount = np.concatenate([pop.award_amount, p.award_amount])
    pop.award_level = np.concatenate([pop.award_level, _level_codes(p.award_level, p.award_levels, pop.award_levels)])
    pop.award_owner = np.concatenate([pop.award_owner, pop.project_owner[p.award_project]])
    pop.award_project = np.concatenate([pop.award_project, p.award_project])
    pop.only_project = _ints(p.only_project)
    pop.only_incentive = _ints(p.only_incentive)


class _SlotColumns(Mapping):
    """The chunk's projects' metrics, field -> float64[m] (NaN: not given), each gathered from the
    table's slots when first asked for: the evaluator reads only the fields of the incentives it
    evaluates, and a gather of every field for every chunk was a sixth of a district match."""

    def __init__(self, slots: np.ndarray, slots_of: dict[str, np.ndarray], rows: np.ndarray, kind: np.ndarray):
        self._slots, self._slots_of, self._rows, self._kind = slots, slots_of, rows, kind
        self._done: dict[str, np.ndarray] = {}
        self._by_kind: tuple[np.ndarray, np.ndarray] | None = None  # the chunk's projects grouped by kind

    def _of_kind(self, k: int) -> np.ndarray:
        """Positions (in the chunk) of the projects of kind `k`: one sort per chunk, shared by every field."""
        if self._by_kind is None:
            order = np.argsort(self._kind, kind="stable")
            bounds = np.searchsorted(self._kind[order], np.arange(len(next(iter(self._slots_of.values()), [])) + 1))
            self._by_kind = order, bounds
        order, bounds = self._by_kind
        return order[bounds[k]:bounds[k + 1]]

    def __getitem__(self, key: str) -> np.ndarray:
        if key not in self._done:
            slot_of_kind = self._slots_of[key]  # KeyError for a field that is not a project metric
            # a field belongs to a few kinds: gather only their projects' slots, the others read NaN
            values = np.full(len(self._rows), np.nan)
            for k in np.flatnonzero(slot_of_kind >= 0):
                at = self._of_kind(int(k))
                if len(at):
                    values[at] = self._slots[self._rows[at], slot_of_kind[k]]
            self._done[key] = values
        return self._done[key]

    def __iter__(self):
        return iter(self._slots_of)

    def __len__(self) -> int:
        return len(self._slots_of)


class ProjectsTable:
    """A projects table (docs/register.md, "Projects table"), read whole and checked: one row per
    project, joined to a register's chunks on ``enterprise_id``.

    Kept as columns (numpy, and arrow for ids and names): no Python object per row, so
    millions of projects fit. `for_chunk(chunk)` gives the projects of the chunk's
    enterprises; after the last chunk, `check_all_matched()` refuses a project whose
    enterprise was in none.
    """

    def __init__(self, path: str | Path | None, vocabulary: Vocabulary, incentive_ids: list[str],
                 encoding: str = "utf-8", chunk_rows: int = CHUNK_ROWS, csv_block_bytes: int = CSV_BLOCK_BYTES, *,
                 reader: "ArrowRows | None" = None):
        if reader is None:
            reader = RegisterReader(path, vocabulary, chunk_rows=chunk_rows, encoding=encoding,
                                    csv_block_bytes=csv_block_bytes, spec=PROJECTS)
        # the file's 0-based data row of each row here (None: row i is data row i), for messages and order
        self.row_numbers: np.ndarray | None = getattr(reader, "row_numbers", None)
        self.layout, self.source, self.vocabulary = reader.layout, reader.source, vocabulary
        self.kinds = list(vocabulary.project_kinds)
        # a project's metrics in the slots of its kind's fields (kinds list few): rows x slots, not rows x fields
        fields = [vocabulary.project_kinds[k] for k in self.kinds]
        self._slots_of = {f: np.array([kf.index(f) if f in kf else -1 for kf in fields], dtype=np.int64)
                          for f in vocabulary.project_metrics}
        width = max([len(kf) for kf in fields] + [1])
        eids, names, kinds, slots = [], [], [], []
        # the list columns are kept as text and parsed for each chunk's projects (`for_chunk`): off the
        # critical path of a match, which cannot start before the table is read
        self._list_headers = [c.header for c in (self.layout.column(k) for k in (QUALIFICATIONS, AWARDS, INCENTIVES))
                              if c is not None]
        raw: dict[str, list] = {h: [] for h in self._list_headers}
        self.incentive_ids = incentive_ids
        n = 0
        numbers = self.row_numbers

        def parse(item):
            batch, _, offset = item
            at = offset if numbers is None else numbers[offset:offset + batch.num_rows]
            return ProjectCells(batch, self.layout, vocabulary, incentive_ids, at, lists=False)

        batches = with_offsets(reader.batches())
        for cells in (parsed_ahead(batches, parse) if numbers is None else map(parse, batches)):
            eids.append(cells.enterprise_ids)
            names.append(cells.names)
            kinds.append(cells.kind.astype(np.int16))
            part = np.full((cells.n, width), np.nan)
            for key, values in cells.metrics.items():
                given = np.flatnonzero(~np.isnan(values))  # ProjectCells refuses a value of another kind
                part[given, self._slots_of[key][cells.kind[given]]] = values[given]
            slots.append(part)
            for h in self._list_headers:
                raw[h].append(cells._cols[h])
            n += cells.n
        self.n = n
        self.enterprise_ids = pa.concat_arrays(eids) if eids else pa.array([], pa.string())
        self.names = pa.concat_arrays(names) if names else pa.array([], pa.string())
        self.kind = np.concatenate(kinds) if kinds else np.array([], np.int16)
        self._slots = np.concatenate(slots) if slots else np.full((0, width), np.nan)
        del slots
        self._lists = {h: (pa.concat_arrays(parts) if parts else pa.array([], pa.string())) for h, parts in raw.items()}
        del raw
        enc = pc.dictionary_encode(self.enterprise_ids)
        self._enterprises = enc.dictionary  # each enterprise id once
        self._code = enc.indices.to_numpy(zero_copy_only=False).astype(np.int64)  # per row
        # rows grouped by enterprise, in table order
        self._order = np.argsort(self._code, kind="stable").astype(np.int32 if n < 2**31 else np.int64)
        self._count = np.bincount(self._code, minlength=len(self._enterprises)).astype(np.int64)
        self._start = np.cumsum(self._count) - self._count
        self._matched = np.zeros(len(self._enterprises), dtype=bool)
        self._left = np.arange(len(self._enterprises), dtype=np.int64)  # enterprises no chunk has matched yet
        self._check_unique_names()

    def file_rows(self, rows: np.ndarray) -> np.ndarray:
        """Rows here (0-based) as the file's 0-based data rows."""
        return rows if self.row_numbers is None else np.asarray(self.row_numbers, np.int64)[rows]

    def where(self, i: int, header: str | None) -> str:
        """Row `i` (0-based) of the table, as messages name it."""
        return where_text(self.source, self.layout.csv, int(self.file_rows(np.array([i]))[0]) + 1, ENTERPRISE_ID,
                          self.enterprise_ids[i].as_py(), header)

    def _check_unique_names(self) -> None:
        if not self.n:
            return
        names = pc.dictionary_encode(self.names)
        key = self._code * len(names.dictionary) + names.indices.to_numpy(zero_copy_only=False).astype(np.int64)
        ordered = np.sort(key)
        if not (ordered[1:] == ordered[:-1]).any():  # a sort (~0.07 s for 3e6); the search below only to name a repeat
            return
        _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
        earlier = first[inverse.reshape(-1)]
        repeat = np.flatnonzero(earlier != np.arange(self.n))
        if len(repeat):
            i = int(repeat[0])
            j = int(self.file_rows(np.array([int(earlier[i])]))[0])
            line = f" (line {j + 2})" if self.layout.csv else ""
            raise RegisterError(f"{self.where(i, self.layout.column(NAME).header)}: a second project named "
                                f"{self.names[i].as_py()!r} of this enterprise (the first is row {j + 1}{line}); "
                                "an enterprise's projects need names of their own: rename one, or merge the rows")

    def for_chunk(self, chunk: "Chunk") -> ChunkProjects:
        """The projects of `chunk`'s enterprises (see `ChunkProjects`)."""
        ids = chunk.ids if chunk.ids.type == self._enterprises.type else pc.cast(chunk.ids, self._enterprises.type)
        # Probe the enterprises not yet matched against a hash of this chunk's ids (the chunk is the
        # smaller side, and each enterprise is matched once): the table's enterprises shrink chunk by chunk.
        left = self._left
        at = pc.index_in(self._enterprises.take(pa.array(left, pa.int64())), value_set=ids)
        at = pc.fill_null(at, -1).to_numpy(zero_copy_only=False).astype(np.int64)
        hit = at >= 0
        owners, code = at[hit], left[hit]
        order = np.argsort(owners, kind="stable")  # chunk rows with projects, in chunk order
        owners, code = owners[order], code[order]
        self._left = left[~hit]
        self._matched[code] = True
        counts = self._count[code]
        rows = self._order[_ranges(self._start[code], counts)].astype(np.int64)
        owner = np.repeat(owners, counts)
        m = len(rows)
        kind = self.kind[rows].astype(np.int64)
        metrics = _SlotColumns(self._slots, self._slots_of, rows, kind)
        e = _ints()
        q_code = q_level = q_day = q_project = a_inc = a_year = a_level = a_project = o_inc = o_project = e
        a_amount = np.array([], np.float64)
        award_levels = [""]
        if self._list_headers and m:
            take = pa.array(rows, pa.int64())
            cells = _ListCells({h: col.take(take) for h, col in self._lists.items()}, self.enterprise_ids.take(take),
                               self.file_rows(rows), self.layout, self.vocabulary, self.incentive_ids)
            quals, awards, only = _list_columns(cells)
            if quals is not None:
                q_code, q_level, q_day, q_project = quals
            if awards is not None:
                a_inc, a_year, a_amount, a_level, a_project = awards
                award_levels = list(cells.award_levels) or [""]
            if only is not None:
                o_inc, o_project = only
        return ChunkProjects(
            owner=owner, rows=self.file_rows(rows), kind=kind, kinds=list(self.kinds),
            names=self.names.take(pa.array(rows, pa.int64())), metrics=metrics,
            qual_code=_ints(q_code), qual_level=_ints(q_level), qual_day=_ints(q_day), qual_project=_ints(q_project),
            award_incentive=_ints(a_inc), award_year=_ints(a_year), award_amount=np.asarray(a_amount, np.float64),
            award_level=_ints(a_level), award_levels=award_levels, award_project=_ints(a_project),
            only_project=_ints(o_project), only_incentive=_ints(o_inc), source=self.source,
        )

    def check_lists(self) -> None:
        """Parse every row's list columns now (`for_chunk` parses only its chunk's): a bad entry is
        an error here even for a project no chunk asks for."""
        rows = np.arange(self.n, dtype=np.int64)
        if self._list_headers and self.n:
            take = pa.array(rows, pa.int64())
            _list_columns(_ListCells({h: col.take(take) for h, col in self._lists.items()},
                                     self.enterprise_ids.take(take), self.file_rows(rows), self.layout,
                                     self.vocabulary, self.incentive_ids))

    def check_all_matched(self, register: str | None = None) -> None:
        """After the last chunk: every project's enterprise was in one (else a `RegisterError`
        naming the first project row whose enterprise_id is not in the register)."""
        unmatched = np.flatnonzero(~self._matched[self._code]) if self.n else _ints()
        if len(unmatched):
            i = int(unmatched[0])
            eid = self.enterprise_ids[i].as_py()
            where = f"the register {register}" if register else "the register"
            raise RegisterError(f"{self.where(i, self.layout.column(ENTERPRISE_ID).header)}: no enterprise {eid!r} "
                                f"in {where}; a project belongs to an enterprise of the register: correct the "
                                "enterprise_id (as written in the register's id column) or add the enterprise")


class ArrowRows:
    """Rows already in memory (a pyarrow Table) read as a file would be: what `ProjectsTable` and
    `Chunk` take from a `RegisterReader`, with each row's 0-based data row in its file for messages
    (`row_numbers`; None: row i is data row i)."""

    def __init__(self, table: pa.Table, layout: RegisterLayout, row_numbers: np.ndarray | None = None):
        self.table, self.layout, self.source = table, layout, layout.source
        self.row_numbers = row_numbers

    def batches(self) -> Iterator[tuple[pa.RecordBatch, float | None]]:
        for batch in self.table.to_batches(max_chunksize=CHUNK_ROWS):
            yield batch, None


class ProjectsOutOfOrder(Exception):
    """The projects table does not list its projects in the register's order, so it cannot be
    streamed beside the register (`ProjectStream`); `match_register` then reads it whole."""

    def __init__(self, row: int, enterprise_id: str):
        super().__init__(f"row {row}: enterprise {enterprise_id} comes after the register rows that follow it")
        self.row, self.enterprise_id = row, enterprise_id


class _Membership:
    """``pc.is_in(values, value_set=ids)`` (nulls: False) for one chunk's `ids`, asked of several arrays:
    by 64-bit hashes (`id_hashes`, the chunk's sorted once), each hit checked on the text, instead of
    a hash table of the chunk's 65,536 texts built again for every projects batch (~4x less CPU). Ids
    sharing a hash within the chunk (a repeat, or a collision): `pc.is_in` itself."""

    def __init__(self, ids: pa.Array):
        self.ids = ids
        h = id_hashes(pc.fill_null(ids, "")) if len(ids) else np.array([], np.uint64)
        self.order = np.argsort(h, kind="stable")
        self.sorted = h[self.order]
        self.exact = len(h) < 2 or not (self.sorted[1:] == self.sorted[:-1]).any()

    def of(self, values: pa.Array) -> np.ndarray:
        if not self.exact or not len(self.sorted) or not len(values):
            return pc.fill_null(pc.is_in(values, value_set=self.ids), False).to_numpy(zero_copy_only=False)
        values = values if values.type == pa.string() else pc.cast(values, pa.string())
        h = id_hashes(pc.fill_null(values, ""))
        at = np.minimum(np.searchsorted(self.sorted, h), len(self.sorted) - 1)
        hit = self.sorted[at] == h
        out = np.zeros(len(values), dtype=bool)
        where = np.flatnonzero(hit)
        if len(where):
            same = pc.equal(values.take(pa.array(where)), self.ids.take(pa.array(self.order[at[where]])))
            out[where] = pc.fill_null(same, False).to_numpy(zero_copy_only=False)
        return out


def _runs_member(member: _Membership, ids: pa.Array) -> np.ndarray:
    """`member.of(ids)` asked once per run of equal consecutive ids: an enterprise's projects come together
    (the order `ProjectStream` reads), so ~3 rows an enterprise cost one lookup. Nulls are runs of one."""
    n = len(ids)
    if n < 2:
        return member.of(ids)
    change = pc.fill_null(pc.not_equal(ids.slice(1), ids.slice(0, n - 1)), True).to_numpy(zero_copy_only=False)
    starts = np.flatnonzero(np.concatenate([[True], change]))
    if len(starts) * 2 > n:  # few repeats: the runs save nothing
        return member.of(ids)
    heads = member.of(ids.take(pa.array(starts)))
    return np.repeat(heads, np.diff(np.append(starts, n)))


class ProjectStream:
    """A projects table read beside the register, chunk by chunk, never whole (docs/register.md).

    It assumes what an export ordered like the register gives (bench/register_gen.py writes it so):
    each enterprise's projects come together, enterprises in the register's order. For each
    register chunk, `for_chunk` reads on from where the last chunk stopped while the rows name an
    enterprise of this chunk, and stops at the first that does not (kept for a later chunk), so a
    projects batch is in memory only until its chunk is matched. The rows it takes are read and
    checked exactly as `ProjectsTable` does (they are one: a `ProjectsTable` of this chunk's rows).

    A row naming an enterprise of an earlier chunk means the table is in another order:
    `ProjectsOutOfOrder` (`match_register` then reads the table whole, as before). After the last
    chunk, `finish` refuses a row whose enterprise is not in the register, as `ProjectsTable` does.
    """

    def __init__(self, path: str | Path, vocabulary: Vocabulary, incentive_ids: list[str], encoding: str = "utf-8",
                 chunk_rows: int = CHUNK_ROWS, csv_block_bytes: int = CSV_BLOCK_BYTES):
        self.reader = RegisterReader(path, vocabulary, chunk_rows=chunk_rows, encoding=encoding,
                                     csv_block_bytes=csv_block_bytes, spec=PROJECTS)
        self.layout, self.source = self.reader.layout, self.reader.source
        self.vocabulary, self.incentive_ids = vocabulary, incentive_ids
        self._id_header = self.layout.column(ENTERPRISE_ID).header
        self._batches = self.reader.batches()
        self._head: pa.RecordBatch | None = None  # rows read, not yet taken by a chunk
        self._head_ids: pa.Array | None = None
        self._head_row = 0  # the file's 0-based data row of the head's first row
        self.last_sorted_hashes: np.ndarray | None = None  # of the ids the last `take` was given
        self._next_row = 0  # ... of the next batch to read
        self.rows_read = 0

    def read_only(self, fields: Collection[str] | None) -> None:
        """Read only these project metric columns (`RegisterReader.read_only`), before the first chunk."""
        self.reader.read_only(fields)
        self.layout = self.reader.layout

    def _fill(self) -> bool:
        """A head to look at (False: the table is read to its end)."""
        while self._head is None or self._head.num_rows == 0:
            try:
                batch, _ = next(self._batches)
            except StopIteration:
                self._head = None
                return False
            self._head, self._head_row = batch, self._next_row
            self._next_row += batch.num_rows
            self.rows_read += batch.num_rows
            self._head_ids = self._ids(batch, self._head_row)
        return True

    def _ids(self, batch: pa.RecordBatch, first_row: int) -> pa.Array:
        """The batch's enterprise ids as text, trimmed (as `ProjectCells` reads them; a column that
        is not text is refused by it, naming the column)."""
        arr = batch.column(batch.schema.get_field_index(self._id_header))
        if not (pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type)):
            self._cells(batch, first_row)  # raises the RegisterError that names it
            arr = pc.cast(arr, pa.string())
        return pc.utf8_trim_whitespace(arr)

    def _cells(self, batch: pa.RecordBatch, first_row: int) -> "ProjectCells":
        return ProjectCells(batch, self.layout, self.vocabulary, self.incentive_ids, first_row)

    def for_chunk(self, chunk: "Chunk", earlier: Container[str] = frozenset()) -> ChunkProjects:
        """The projects of `chunk`'s enterprises. `earlier`: ids of the register's earlier chunks
        (or some of them): a row naming one of those is `ProjectsOutOfOrder`."""
        table, numbers = self.take(chunk.ids, earlier)
        return self.projects_of(table, numbers).for_chunk(chunk)

    def projects_of(self, table: pa.Table, numbers: np.ndarray) -> ProjectsTable:
        """Rows `take` gave, read and checked as a `ProjectsTable` (in whichever process matches them)."""
        return ProjectsTable(None, self.vocabulary, self.incentive_ids, reader=ArrowRows(table, self.layout, numbers))

    def take(self, ids: pa.Array, earlier: Container[str] = frozenset()) -> tuple[pa.Table, np.ndarray]:
        """The rows (as read, not yet checked) naming one of `ids` (a chunk's trimmed ids), from where the
        last chunk stopped, with each one's 0-based data row in the file (see `for_chunk`)."""
        ids = ids if ids.type == pa.string() else pc.cast(ids, pa.string())
        parts: list[pa.RecordBatch] = []
        starts: list[int] = []
        member = _Membership(ids)
        self.last_sorted_hashes = member.sorted  # the chunk's ids hashed once: `UniqueIds.add` may reuse them
        while self._fill():
            mine = _runs_member(member, self._head_ids)
            stop = int(np.argmin(mine)) if not mine.all() else len(mine)
            if stop:
                parts.append(self._head.slice(0, stop))
                starts.append(self._head_row)
            if stop == len(mine):
                self._head = None
                continue
            eid = self._head_ids[stop].as_py()
            if eid and eid in earlier:
                raise ProjectsOutOfOrder(self._head_row + stop + 1, eid)
            self._head = self._head.slice(stop)
            self._head_ids = self._head_ids.slice(stop)
            self._head_row += stop
            break
        if parts:
            table = pa.Table.from_batches(parts)
            numbers = np.concatenate([np.arange(s, s + p.num_rows, dtype=np.int64) for s, p in zip(starts, parts)])
        else:
            table = self.reader_schema_table()
            numbers = np.array([], dtype=np.int64)
        return table, numbers

    def reader_schema_table(self) -> pa.Table:
        """No rows, with the table's columns."""
        if self._head is not None:
            return pa.Table.from_batches([self._head.slice(0, 0)])
        return pa.table({c.header: pa.array([], pa.string()) for c in self.layout.columns})

    def finish(self, seen: Container[str], register: str | None = None) -> None:
        """After the register's last chunk: no row left (else `ProjectsOutOfOrder` for a row naming
        an enterprise of the register, or the `RegisterError` of the first bad cell or unknown
        enterprise among the rows left, as `ProjectsTable` names them)."""
        if not self._fill():
            return
        eid = self._head_ids[0].as_py()
        if eid and eid in seen:
            raise ProjectsOutOfOrder(self._head_row + 1, eid)
        cells = ProjectCells(self._head, self.layout, self.vocabulary, self.incentive_ids, self._head_row,
                             lists=False)  # a bad cell here is reported as such (not a list cell: as ProjectsTable)
        where = f"the register {register}" if register else "the register"
        raise RegisterError(f"{cells.where(0, self._id_header)}: no enterprise {eid!r} in {where}; a project belongs "
                            "to an enterprise of the register: correct the enterprise_id (as written in the register's "
                            "id column) or add the enterprise")



#: Columns a partition file adds to a projects table's own: the file's 0-based data row, the register row.
_FILE_ROW, _REGISTER_ROW, _PART = "__policykg_file_row", "__policykg_register_row", "__policykg_part"


class PartitionedProjects:
    """A projects table in another order than the register's, split by register chunk into temporary
    Arrow files first, then read beside the register like a sorted one (`ProjectStream`'s
    `for_chunk`/`finish`), never whole.

    One pass reads the register's ids (64-bit hashes, `id_hashes`, with each one's row: 16 bytes an
    enterprise; for parquet only the id column is decoded); one pass reads the projects table batch
    by batch and hands each row, with its data row in the file and its enterprise's register row, to
    Arrow's dataset writer, partitioned by ``register row // chunk_rows`` (Arrow IPC files, LZ4; a
    few batches per call, so memory stays bounded). A chunk then reads the partitions its rows fall
    in, takes its own rows, puts them back in the file's order and checks them as `ProjectsTable`
    does: the same rows, in the same order, as the table read whole. A row whose enterprise is not in
    the register is reported after the last chunk, the first in the file's order, as the whole table's
    check reports it. Ids that share a hash in the register (a repeat, or two ids of one hash) cannot
    be placed by their hash: `ProjectsOutOfOrder` again, and `match_register` reads the table whole.
    """

    def __init__(self, path: str | Path, register: "RegisterReader", folder: str | Path, vocabulary: Vocabulary,
                 incentive_ids: list[str], encoding: str = "utf-8", chunk_rows: int = CHUNK_ROWS,
                 csv_block_bytes: int = CSV_BLOCK_BYTES):
        self.reader = RegisterReader(path, vocabulary, chunk_rows=chunk_rows, encoding=encoding,
                                     csv_block_bytes=csv_block_bytes, spec=PROJECTS)
        self.layout, self.source = self.reader.layout, self.reader.source
        self.vocabulary, self.incentive_ids = vocabulary, incentive_ids
        self._id_header = self.layout.column(ENTERPRISE_ID).header
        self.folder, self.size = Path(folder), max(1, int(chunk_rows))
        hashes, rows = [], []
        for batch, _, offset in with_offsets(register.id_batches()):
            ids = pc.fill_null(chunk_ids(batch, register.layout), "")
            hashes.append(id_hashes(ids))
            rows.append(np.arange(offset, offset + batch.num_rows, dtype=np.int64))
        h = np.concatenate(hashes) if hashes else np.array([], np.uint64)
        r = np.concatenate(rows) if rows else _ints()
        order = np.argsort(h, kind="stable")
        self._hash, self._row = h[order], r[order]
        del h, r, hashes, rows
        if len(self._hash) > 1 and (self._hash[1:] == self._hash[:-1]).any():
            raise ProjectsOutOfOrder(0, "")  # a repeated id (refused by the match) or two ids of one hash
        self._unplaced: tuple[int, pa.Table] | None = None  # the first row whose enterprise is not in the register
        self.rows_read = 0
        import pyarrow.dataset as ds

        group: list[pa.RecordBatch] = []
        calls = 0

        def write() -> None:
            # Arrow's dataset writer groups the rows by partition (in C++, on both cores); a few batches at a
            # time, so what it queues stays bounded. A partition's files hold its rows in any order: a chunk
            # puts them back in the file's order.
            nonlocal calls
            ipc = ds.IpcFileFormat()  # Arrow's own format, LZ4: ~5x faster to write than parquet, read back as is
            ds.write_dataset(group, self.folder, schema=group[0].schema, format=ipc,
                             file_options=ipc.make_write_options(compression="lz4"),
                             partitioning=ds.partitioning(pa.schema([(_PART, pa.int64())])),
                             basename_template=f"w{calls:06d}-{{i}}.arrow", existing_data_behavior="overwrite_or_ignore",
                             max_partitions=max(1024, int(self._row.max(initial=0)) // self.size + 2))
            calls += 1
            group.clear()

        for batch, _, offset in with_offsets(self.reader.batches()):
            group.append(self._placed(batch, offset))
            if sum(b.num_rows for b in group) >= 4 * self.size:
                write()
        if group:
            write()
        self._pending: pa.Table | None = None  # rows read from a partition, not yet taken by a chunk
        self._loaded = -1  # the last partition read

    def _placed(self, batch: pa.RecordBatch, offset: int) -> pa.RecordBatch:
        """`batch` with each row's data row in the file, its register row and partition; rows whose
        enterprise is not in the register left out (the first noted)."""
        n = batch.num_rows
        self.rows_read += n
        arr = batch.column(batch.schema.get_field_index(self._id_header))
        if not (pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type)):
            ProjectCells(batch, self.layout, self.vocabulary, self.incentive_ids, offset)  # names the column
            arr = pc.cast(arr, pa.string())
        h = id_hashes(pc.fill_null(pc.utf8_trim_whitespace(arr), ""))
        found, register_row = np.zeros(n, dtype=bool), np.full(n, -1, dtype=np.int64)
        if len(self._hash):
            probe = np.argsort(h)  # sorted needles: the search walks the hashes once
            at = np.minimum(np.searchsorted(self._hash, h[probe]), len(self._hash) - 1)
            hit = self._hash[at] == h[probe]
            found[probe] = hit
            register_row[probe] = np.where(hit, self._row[at], -1)
        if not found.all():
            i = int(np.flatnonzero(~found)[0])
            self._note_unplaced(offset + i, batch.slice(i, 1))
        out = pa.RecordBatch.from_arrays(
            [*batch.columns, pa.array(np.arange(offset, offset + n, dtype=np.int64)), pa.array(register_row),
             pa.array(register_row // self.size)], names=[*batch.schema.names, _FILE_ROW, _REGISTER_ROW, _PART])
        return out if found.all() else out.filter(pa.array(found))

    def _note_unplaced(self, row: int, one: pa.RecordBatch) -> None:
        if self._unplaced is None or row < self._unplaced[0]:
            self._unplaced = (row, pa.Table.from_batches([one]))

    def _rows_of(self, lo: int, hi: int) -> pa.Table | None:
        """The partitioned rows whose register row is in [lo, hi), in the file's order."""
        parts = [self._pending] if self._pending is not None else []
        for k in range(max(self._loaded + 1, lo // self.size), (hi - 1) // self.size + 1):
            self._loaded = k
            folder = self.folder / str(k)
            if folder.is_dir():
                for path in sorted(folder.iterdir()):
                    with pa.OSFile(str(path), "rb") as fh:
                        parts.append(pa.ipc.open_file(fh).read_all())
                    path.unlink()
        if not parts:
            return None
        table = pa.concat_tables(parts) if len(parts) > 1 else parts[0]
        reg = table.column(_REGISTER_ROW).to_numpy()
        mine = (reg >= lo) & (reg < hi)
        rest = np.flatnonzero(reg >= hi)
        self._pending = table.take(pa.array(rest)) if len(rest) else None
        mine = np.flatnonzero(mine)
        # one take, already in the file's order (a file row is unique): not a copy of the rows, then a sorted copy
        order = np.argsort(table.column(_FILE_ROW).to_numpy()[mine], kind="stable")
        return table.take(pa.array(mine[order]))

    def for_chunk(self, chunk: "Chunk", earlier: Container[str] = frozenset()) -> ChunkProjects:
        """The projects of `chunk`'s enterprises (a chunk of the register, in order: ``chunk.offset`` its
        first row), read and checked as `ProjectStream.for_chunk` does."""
        lo = int(chunk.offset)
        table = self._rows_of(lo, lo + chunk.n)
        if table is None:
            table, numbers = self._empty(), _ints()
        else:
            numbers = table.column(_FILE_ROW).to_numpy().astype(np.int64)
            table = table.drop_columns([_FILE_ROW, _REGISTER_ROW])
        projects = ProjectsTable(None, self.vocabulary, self.incentive_ids,
                                 reader=ArrowRows(table, self.layout, numbers))
        out = projects.for_chunk(chunk)
        unmatched = np.flatnonzero(~projects._matched[projects._code]) if projects.n else _ints()
        if len(unmatched):  # an id of this chunk's hash but not its text: not in the register
            i = int(unmatched[0])
            self._note_unplaced(int(numbers[i]), table.slice(i, 1).to_batches()[0])
        return out

    def _empty(self) -> pa.Table:
        return pa.table({c.header: pa.array([], pa.string()) for c in self.layout.columns})

    def finish(self, seen: Container[str] = frozenset(), register: str | None = None) -> None:
        """After the register's last chunk: the first row whose enterprise is not in the register, if any,
        is the `RegisterError` `ProjectStream.finish` gives (its bad cell first, if it has one)."""
        if self._unplaced is None:
            return
        row, one = self._unplaced
        batch = one.combine_chunks().to_batches()[0] if one.num_rows else one.to_batches()[0]
        cells = ProjectCells(batch, self.layout, self.vocabulary, self.incentive_ids, np.array([row]), lists=False)
        eid = cells.enterprise_ids[0].as_py()
        where = f"the register {register}" if register else "the register"
        raise RegisterError(f"{cells.where(0, self._id_header)}: no enterprise {eid!r} in {where}; a project belongs "
                            "to an enterprise of the register: correct the enterprise_id (as written in the register's "
                            "id column) or add the enterprise")

# --------------------------------------------------------------------------- rows as profiles


def profile_documents(path: str | Path, vocabulary: Vocabulary, encoding: str = "utf-8",
                      limit: int | None = None, projects: str | Path | None = None) -> Iterator[tuple[str, dict]]:
    """(id, profile document) per register row (docs/profile.md), for `Engine.parse_profile`.

    The slow path: for one enterprise's full explanation (``policykg eligible``), the
    differential test and the benchmark's per-profile baseline. Values keep the units of
    the header, so the profile parser converts them exactly as the register reader does.

    `projects`: a projects table (docs/register.md). It is checked as ``policykg match``
    checks it; each enterprise's projects go into its document (``projects:``, their prior
    awards into ``awards:`` naming the project), and once the whole register is read (no
    `limit` reached), a project whose enterprise_id is not in it is a `RegisterError`.
    """
    by_enterprise = _projects_by_enterprise(projects, vocabulary, encoding) if projects is not None else {}
    reader = RegisterReader(path, vocabulary, encoding=encoding)
    layout = reader.layout
    count = 0
    for batch, _ in reader.batches():
        for row in batch.to_pylist():
            ident = str(row[layout.column(ID).header]).strip()
            yield ident, row_document(row, layout, by_enterprise.pop(ident, ()))
            count += 1
            if limit is not None and count >= limit:
                return
    if by_enterprise:
        first = min(by_enterprise.values(), key=lambda rows: rows[0][0])[0]
        i, table, eid = first[0], first[3], first[4]
        raise RegisterError(f"{where_text(table.source, table.csv, i + 1, ENTERPRISE_ID, eid, ENTERPRISE_ID)}: no "
                            f"enterprise {eid!r} in the register {reader.source}; a project belongs to an enterprise "
                            "of the register: correct the enterprise_id (as written in the register's id column) or "
                            "add the enterprise")


def _projects_by_enterprise(path: str | Path, vocabulary: Vocabulary, encoding: str) -> dict[str, list[tuple]]:
    """enterprise id -> [(row index, project document, its award documents, layout, id)] of a projects table."""
    if vocabulary.incentive_ids:  # checked whole, with the batch matcher's messages
        ProjectsTable(path, vocabulary, sorted(vocabulary.incentive_ids), encoding=encoding).check_lists()
    reader = RegisterReader(path, vocabulary, encoding=encoding, spec=PROJECTS)
    layout = reader.layout
    out: dict[str, list[tuple]] = {}
    i = 0
    for batch, _ in reader.batches():
        for row in batch.to_pylist():
            eid = str(row[layout.column(ENTERPRISE_ID).header]).strip()
            project, awards = project_document(row, layout)
            out.setdefault(eid, []).append((i, project, awards, layout, eid))
            i += 1
    return out


def _split(cell) -> list[str]:
    if cell is None:
        return []
    return [x.strip() for x in str(cell).split(LIST_SEP) if x.strip()]


def _cell(row: dict, col: Column):
    cell = row.get(col.header)
    if isinstance(cell, str):
        cell = cell.strip() or None
    return cell


def _qualification_docs(cell) -> list[dict]:
    quals = []
    for entry in _split(cell):
        m = re.match(_QUAL, entry)
        q = {"name": m.group("name")}
        if m.group("level"):
            q["level"] = LEVEL_WORDS.get(m.group("level"), m.group("level"))
        if m.group("date"):
            q["date"] = m.group("date")
        quals.append(q)
    return quals


def _award_docs(cell, col: Column) -> list[dict]:
    awards = []
    for entry in _split(cell):
        m = re.match(_AWARD, entry)
        a = {"incentive": m.group("incentive"), "year": int(m.group("year")),
             "amount": {"value": float(m.group("amount")), "unit": col.unit}}
        if m.group("level"):
            a["level"] = m.group("level")
        awards.append(a)
    return awards


def _metric_doc(cell, col: Column):
    if col.dimension == "flag":
        return cell if isinstance(cell, bool) else FLAG_WORDS[str(cell).lower()]
    return {"value": float(cell), "unit": col.unit}


def row_document(row: dict, layout: RegisterLayout, projects=()) -> dict:
    """One register row (header -> cell) as a profile document; `projects`: its projects, as
    `profile_documents` gathers them from a projects table."""
    doc: dict = {"name": str(row[layout.column(NAME).header]).strip()}
    metrics: dict = {}
    for col in layout.columns:
        cell = _cell(row, col)
        if col.kind == INDUSTRIES:
            doc["industries"] = _split(cell)
        elif col.kind == QUALIFICATIONS:
            doc["qualifications"] = _qualification_docs(cell)
        elif col.kind == AWARDS:
            doc["awards"] = _award_docs(cell, col)
        elif col.kind == "metric" and cell is not None:
            metrics[col.metric] = _metric_doc(cell, col)
    doc["metrics"] = metrics
    if projects:
        doc["projects"] = [project for _, project, _, _, _ in projects]
        awards = [a for _, _, project_awards, _, _ in projects for a in project_awards]
        if awards:
            doc["awards"] = doc.get("awards", []) + awards
    return doc


def project_document(row: dict, layout: RegisterLayout) -> tuple[dict, list[dict]]:
    """One projects-table row as (a profile's ``projects`` entry, its prior awards naming it)."""
    name = str(row[layout.column(NAME).header]).strip()
    project: dict = {"kind": str(row[layout.column(KIND).header]).strip(), "name": name}
    metrics: dict = {}
    awards: list[dict] = []
    for col in layout.columns:
        cell = _cell(row, col)
        if col.kind == QUALIFICATIONS:
            project["qualifications"] = _qualification_docs(cell)
        elif col.kind == INCENTIVES:
            project["incentives"] = _split(cell)
        elif col.kind == AWARDS:
            awards = [{**a, "project": name} for a in _award_docs(cell, col)]
        elif col.kind == "metric" and cell is not None:
            metrics[col.metric] = _metric_doc(cell, col)
    project["metrics"] = metrics
    return project, awards


__all__ = ["ArrowRows", "CHUNK_ROWS", "Chunk", "ChunkProjects", "Column", "IdsOfChunk", "PROJECTS", "PartitionedProjects", "ProjectCells", "ProjectStream",
           "ProjectsOutOfOrder", "ProjectsTable", "REGISTER",
           "RegisterLayout", "RegisterReader", "TableSpec", "UniqueIds", "parse_layout", "parse_projects_layout",
           "profile_documents", "project_document", "qualification_names", "row_document"]
