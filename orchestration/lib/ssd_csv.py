"""Read and validate one SSD extract CSV at the door.

The input contract (docs/architecture.md, "Landing layout") allows UTF-8, UTF-8 with BOM and
Windows-1252; column names are case-insensitive and in any order; dates come as
``YYYY-MM-DD``, ``YYYY-MM-DD hh:mm:ss[.fff]`` or ``DD/MM/YYYY``; empty means null.

Files can hold tens of millions of rows, so the work is done in streaming passes:

1. :func:`fingerprint_file` reads the bytes once: SHA-256, encoding, first undecodable byte.
2. :func:`open_ssd_csv` reads the header and, for Windows-1252, transcodes to a temporary
   UTF-8 copy chunk by chunk (bounded memory), because DuckDB reads UTF-8.
3. :func:`validate_ssd_csv` checks the header against the contract in Python, then lets an
   in-memory DuckDB scan the file once with SQL (regular expressions and ``try_strptime``
   per logical type; ragged rows via DuckDB's rejects table).

The raw ingest (``orchestration.lib.raw_ingest``) spares a good file the separate scan of
step 3: it checks the header with :func:`header_problems`, loads the file reading it with
rejects stored, and applies :func:`value_conditions` (the same predicates) to the rows just
loaded; only a file failing one of them is rolled back and given :func:`validate_ssd_csv`.

Problems are reported as :class:`CsvProblem` (file, row, line, column, message) inside a
:class:`CsvValidationError`. A problem never holds a cell value: values may be names,
identifiers or dates of birth.

Pure library: no Dagster, and the warehouse is never opened here.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import re
import tempfile
from collections.abc import Collection, Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb

from orchestration.lib.contract import TableContract

UTF8 = "utf-8"
UTF8_BOM = "utf-8-sig"
CP1252 = "cp1252"
UTF16 = "utf-16"

DEFAULT_MAX_PROBLEMS = 20
CHUNK_BYTES = 1 << 20
# Bounds the memory DuckDB spends recording ragged rows of a badly broken file.
REJECTS_LIMIT = 1000

DATE_FORMATS_TEXT = "YYYY-MM-DD, YYYY-MM-DD hh:mm:ss[.fff] or DD/MM/YYYY"
CHECKED_LOGICAL_TYPES = ("date", "integer", "number")

_UTF8_BOM = codecs.BOM_UTF8
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
# The five byte values Windows-1252 leaves undefined.
_CP1252_UNDEFINED = re.compile(rb"[\x81\x8d\x8f\x90\x9d]")

# Trimmed from both ends of every value: space, tab, LF, CR, VT, FF and no-break space.
_TRIM_CODE_POINTS = (32, 9, 10, 13, 11, 12, 160)
_TRIM_CHARACTERS_SQL = " || ".join(f"chr({code})" for code in _TRIM_CODE_POINTS)

_DATE_SQL = (
    "case"
    " when regexp_full_match({v}, '\\d{{4}}-\\d{{2}}-\\d{{2}}"
    "( ([01]\\d|2[0-3]):[0-5]\\d:[0-5]\\d(\\.\\d{{1,3}})?)?')"
    " then coalesce(try_strptime(left({v}, 10), '%Y-%m-%d') >= timestamp '0001-01-01', false)"
    " when regexp_full_match({v}, '\\d{{2}}/\\d{{2}}/\\d{{4}}')"
    " then coalesce(try_strptime({v}, '%d/%m/%Y') >= timestamp '0001-01-01', false)"
    " else false end"
)
_VALID_VALUE_SQL = {
    "date": _DATE_SQL,
    "integer": "regexp_full_match({v}, '[+-]?\\d+')",
    "number": "regexp_full_match({v}, '[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?')",
}
_INVALID_VALUE_MESSAGES = {
    "date": f"not a valid date (expected {DATE_FORMATS_TEXT}, a real calendar date)",
    "integer": "not a whole number",
    "number": "not a number",
}
_STRUCTURAL_MESSAGES = {
    "MISSING COLUMNS": "ragged row: fewer fields than the header (first missing one named)",
    "TOO MANY COLUMNS": "ragged row: more fields than the header",
    "UNQUOTED VALUE": "badly quoted value (a quote character where none may stand)",
    "LINE SIZE OVER MAXIMUM": "row is longer than the largest line DuckDB reads",
    "INVALID ENCODING": "row holds bytes that are not valid UTF-8",
    "INVALID STATE": "row could not be parsed as CSV (unterminated quote?)",
}


@dataclass(frozen=True)
class FileFingerprint:
    """What one pass over a file's bytes tells: hash, size and encoding.

    ``encoding`` is ``utf-8-sig`` when the file starts with a UTF-8 BOM, ``utf-8`` when all
    bytes decode as UTF-8, ``utf-16`` for a UTF-16 BOM (not allowed), else ``cp1252``.
    ``bad_byte_offset``/``bad_byte_line`` locate the first byte that cannot be decoded in
    that encoding (None when the whole file decodes).
    """

    sha256: str
    size_bytes: int
    encoding: str
    bad_byte_offset: int | None = None
    bad_byte_line: int | None = None


@dataclass(frozen=True)
class CsvProblem:
    """One reason a file is refused. Never holds a cell value."""

    file_name: str
    message: str
    row_number: int | None = None
    line_number: int | None = None
    column: str | None = None
    byte_offset: int | None = None

    def __str__(self) -> str:
        where = [self.file_name]
        if self.row_number is not None:
            where.append(f"row {self.row_number}")
        if self.line_number is not None:
            where.append(f"line {self.line_number}")
        if self.byte_offset is not None:
            where.append(f"byte offset {self.byte_offset}")
        if self.column is not None:
            where.append(f"column {self.column}")
        return f"{', '.join(where)}: {self.message}"


class CsvValidationError(ValueError):
    """A file failed validation at the door; ``problems`` lists the first ones found.

    Row numbers count data rows (1 = the first row after the header); line numbers are
    physical lines of the file (the header starts on line 1).
    """

    def __init__(self, file_name: str, problems: Sequence[CsvProblem], total: int = 0) -> None:
        self.file_name = file_name
        self.problems = tuple(problems)
        self.total = max(total, len(self.problems))
        super().__init__(self.reason)

    @property
    def reason(self) -> str:
        """Readable multi-line reason: a summary line, then one line per listed problem."""
        summary = f"{self.file_name} failed validation: {self.total} problem(s)"
        if self.total > len(self.problems):
            summary += f", the first {len(self.problems)} listed"
        return "\n".join([summary, *(f"- {problem}" for problem in self.problems)])


@dataclass(frozen=True)
class CsvSource:
    """A delivered file ready for DuckDB: a UTF-8 path to read and its parsed header."""

    path: Path
    read_path: Path
    display_name: str
    fingerprint: FileFingerprint
    columns: tuple[str, ...]
    header_lines: int


@dataclass(frozen=True)
class ValidatedCsv:
    """A file that passed validation: its row count and the columns beyond the contract."""

    source: CsvSource
    row_count: int
    extra_columns: tuple[str, ...]


def sql_identifier(name: str) -> str:
    """``name`` as a double-quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def sql_string(value: str) -> str:
    """``value`` as a single-quoted SQL string literal."""
    return "'" + value.replace("'", "''") + "'"


def clean_value_sql(column: str) -> str:
    """SQL for a column's value as stored in raw: whitespace trimmed, empty string as NULL.

    DuckDB's ``trim`` with a set of characters is slow (it took half of a file's load), so
    it runs only on the few values that start or end with one of them: ``prefix`` and
    ``suffix`` compare bytes.
    """
    value = sql_identifier(column)
    edges = " or ".join(
        f"{test}({value}, chr({code}))"
        for test in ("prefix", "suffix")
        for code in _TRIM_CODE_POINTS
    )
    return (
        f"nullif(case when {edges} then trim({value}, {_TRIM_CHARACTERS_SQL}) else {value} end, '')"
    )


def normalise_column_name(name: str) -> str:
    """Header names are matched case-insensitively and without surrounding whitespace."""
    return name.strip().lower()


def fingerprint_file(path: Path) -> FileFingerprint:
    """Hash ``path`` and detect its encoding in one streaming pass (bounded memory)."""
    digest = hashlib.sha256()
    decoder = codecs.getincrementaldecoder(UTF8)()
    utf8_error: tuple[int, int] | None = None
    cp1252_error: tuple[int, int] | None = None
    start = b""
    offset = 0
    newlines_before = 0
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK_BYTES):
            if offset == 0:
                start = chunk[:4]
            digest.update(chunk)
            if utf8_error is None:
                utf8_error = _utf8_error(decoder, chunk, offset, newlines_before)
            if cp1252_error is None:
                cp1252_error = _cp1252_error(chunk, offset, newlines_before)
            newlines_before += chunk.count(b"\n")
            offset += len(chunk)
    if utf8_error is None:
        utf8_error = _utf8_error(decoder, b"", offset, newlines_before, final=True)
    encoding, error = _choose_encoding(start, utf8_error, cp1252_error)
    return FileFingerprint(
        sha256=digest.hexdigest(),
        size_bytes=offset,
        encoding=encoding,
        bad_byte_offset=error[0] if error else None,
        bad_byte_line=error[1] if error else None,
    )


def _utf8_error(
    decoder: codecs.IncrementalDecoder,
    chunk: bytes,
    offset: int,
    newlines_before: int,
    *,
    final: bool = False,
) -> tuple[int, int] | None:
    """(byte offset, line) of the first invalid UTF-8 byte in ``chunk``, or None."""
    pending = len(decoder.getstate()[0])
    try:
        decoder.decode(chunk, final)
    except UnicodeDecodeError as error:
        position = offset - pending + error.start
        in_chunk = max(position - offset, 0)
        return position, newlines_before + chunk.count(b"\n", 0, in_chunk) + 1
    return None


def _cp1252_error(chunk: bytes, offset: int, newlines_before: int) -> tuple[int, int] | None:
    """(byte offset, line) of the first byte Windows-1252 leaves undefined, or None."""
    match = _CP1252_UNDEFINED.search(chunk)
    if match is None:
        return None
    return offset + match.start(), newlines_before + chunk.count(b"\n", 0, match.start()) + 1


def _choose_encoding(
    start: bytes, utf8_error: tuple[int, int] | None, cp1252_error: tuple[int, int] | None
) -> tuple[str, tuple[int, int] | None]:
    if start.startswith(_UTF16_BOMS):
        return UTF16, (0, 1)
    if start.startswith(_UTF8_BOM):
        return UTF8_BOM, utf8_error
    if utf8_error is None:
        return UTF8, None
    return CP1252, cp1252_error


def encoding_problems(display_name: str, fingerprint: FileFingerprint) -> list[CsvProblem]:
    """Problems that stop a file from being decoded at all (empty list when it decodes)."""
    if fingerprint.encoding == UTF16:
        message = "file is UTF-16; the contract allows UTF-8 (with or without BOM) or Windows-1252"
    elif fingerprint.bad_byte_offset is None:
        return []
    elif fingerprint.encoding == UTF8_BOM:
        message = "file starts with a UTF-8 byte order mark but holds bytes that are not UTF-8"
    else:
        message = (
            "file is neither UTF-8 nor Windows-1252: it holds a byte undefined in Windows-1252"
        )
    return [
        CsvProblem(
            display_name,
            message,
            line_number=fingerprint.bad_byte_line,
            byte_offset=fingerprint.bad_byte_offset,
        )
    ]


def transcode_to_utf8(source: Path, target: Path, encoding: str) -> None:
    """Rewrite ``source`` (in ``encoding``) as UTF-8 without BOM, chunk by chunk."""
    transcode(source, target, encoding, UTF8)


def transcode(source: Path, target: Path, source_encoding: str, target_encoding: str) -> None:
    """Rewrite ``source`` from one encoding into another, chunk by chunk (bounded memory)."""
    decoder = codecs.getincrementaldecoder(source_encoding)()
    with source.open("rb") as reader, target.open("wb") as writer:
        while chunk := reader.read(CHUNK_BYTES):
            writer.write(decoder.decode(chunk).encode(target_encoding))
        writer.write(decoder.decode(b"", True).encode(target_encoding))


def read_header(read_path: Path, display_name: str) -> tuple[tuple[str, ...], int]:
    """The normalised header names of a UTF-8 file and how many physical lines the header spans.

    Raises CsvValidationError when the file has no header row.
    """
    with read_path.open(encoding=UTF8_BOM, newline="") as handle:
        reader = csv.reader(handle)
        try:
            header = next(reader, None)
        except csv.Error:
            header = None
        header_lines = reader.line_num
    if not header:
        message = "no header row: the file is empty" if header is None else "first line is blank"
        raise CsvValidationError(display_name, [CsvProblem(display_name, message, line_number=1)])
    return tuple(normalise_column_name(name) for name in header), header_lines


@contextmanager
def open_ssd_csv(
    path: Path,
    display_name: str,
    *,
    fingerprint: FileFingerprint | None = None,
    work_dir: Path | None = None,
) -> Iterator[CsvSource]:
    """Open a delivered file for validation and loading.

    Yields a :class:`CsvSource` whose ``read_path`` is UTF-8: the file itself, or for
    Windows-1252 a temporary transcoded copy (in ``work_dir`` or the system temp folder),
    removed on exit. Raises CsvValidationError for undecodable bytes or a missing header.
    """
    fingerprint = fingerprint or fingerprint_file(path)
    problems = encoding_problems(display_name, fingerprint)
    if problems:
        raise CsvValidationError(display_name, problems)
    with _utf8_path(path, fingerprint.encoding, work_dir) as read_path:
        columns, header_lines = read_header(read_path, display_name)
        yield CsvSource(path, read_path, display_name, fingerprint, columns, header_lines)


@contextmanager
def _utf8_path(path: Path, encoding: str, work_dir: Path | None) -> Iterator[Path]:
    if encoding in (UTF8, UTF8_BOM):
        yield path
        return
    if work_dir is not None:
        work_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="ssd_csv_", dir=work_dir) as folder:
        target = Path(folder) / path.name
        transcode_to_utf8(path, target, encoding)
        yield target


def read_csv_sql(source: CsvSource, *, rejects_table: str | None = None) -> str:
    """A DuckDB ``read_csv(...)`` call reading every column of ``source`` as VARCHAR.

    Dialect fixed (comma, double quote, doubled-quote escape, header row), no sniffing.
    With ``rejects_table`` ragged or unparsable rows are recorded there instead of raising.
    """
    columns = ", ".join(f"{sql_string(name)}: 'VARCHAR'" for name in source.columns)
    options = [
        sql_string(str(source.read_path)),
        "header = true",
        "auto_detect = false",
        "delim = ','",
        "quote = '\"'",
        "escape = '\"'",
        f"columns = {{{columns}}}",
        "strict_mode = true",
        "null_padding = false",
        "encoding = 'utf-8'",
    ]
    if rejects_table:
        options += [
            "store_rejects = true",
            f"rejects_table = {sql_string(rejects_table)}",
            f"rejects_scan = {sql_string(rejects_table + '_scan')}",
            f"rejects_limit = {REJECTS_LIMIT}",
        ]
    return f"read_csv({', '.join(options)})"


def header_problems(
    source: CsvSource, contract: TableContract, reserved_columns: Collection[str] = ()
) -> list[CsvProblem]:
    """Blank, duplicated, reserved or missing column names in the header."""
    name = source.display_name
    problems = [
        CsvProblem(name, f"header field {position} has no column name", line_number=1)
        for position, column in enumerate(source.columns, start=1)
        if not column
    ]
    seen: set[str] = set()
    for column in source.columns:
        if column and column in seen:
            problems.append(CsvProblem(name, "column appears twice in the header", column=column))
        seen.add(column)
    problems += [
        CsvProblem(name, "column name is reserved for lineage columns", column=column)
        for column in source.columns
        if column in reserved_columns
    ]
    problems += [
        CsvProblem(name, f"required column of {contract.name} missing from header", column=column)
        for column in contract.column_names
        if column not in seen
    ]
    return problems


def validate_ssd_csv(
    source: CsvSource,
    contract: TableContract,
    *,
    reserved_columns: Collection[str] = (),
    max_problems: int = DEFAULT_MAX_PROBLEMS,
) -> ValidatedCsv:
    """Check ``source`` against its table's contract; raise CsvValidationError listing problems.

    Header: every contract column present (extra columns allowed, none reserved or repeated).
    Rows: no ragged rows. Values (after trimming; empty is null): ``date``, ``integer`` and
    ``number`` columns hold values of their logical type. At most ``max_problems`` are listed;
    ``CsvValidationError.total`` counts all found.
    """
    problems = header_problems(source, contract, reserved_columns)
    if problems:
        raise CsvValidationError(source.display_name, problems[:max_problems], len(problems))
    checked = checked_columns(contract)
    with closing(duckdb.connect()) as con:
        row_count, bad_counts = _scan_file(con, source, checked)
        _raise_for_structure(con, source, max_problems)
        if any(bad_counts):
            failing = [check for check, bad in zip(checked, bad_counts, strict=True) if bad]
            problems = _first_value_problems(con, source, failing, max_problems)
            raise CsvValidationError(source.display_name, problems, sum(bad_counts))
    return ValidatedCsv(source, row_count, extra_columns(source, contract))


def extra_columns(source: CsvSource, contract: TableContract) -> tuple[str, ...]:
    """The columns of ``source`` beyond its table's contract, in file order."""
    contract_columns = set(contract.column_names)
    return tuple(column for column in source.columns if column not in contract_columns)


def checked_columns(contract: TableContract) -> tuple[tuple[str, str], ...]:
    """(column, logical type) of the contract columns whose values are checked."""
    return tuple(
        (column.name, column.logical_type)
        for column in contract.columns
        if column.logical_type in CHECKED_LOGICAL_TYPES
    )


def value_conditions(contract: TableContract) -> tuple[str, ...]:
    """SQL conditions, one per checked column, true where a cleaned value is valid.

    They hold over the columns of ``raw.<table>`` as well, which store each value exactly
    as :func:`clean_value_sql` produces it: :func:`validate_ssd_csv` passes a file's values
    exactly when all of them hold on every row loaded from it.
    """
    return tuple(
        _valid_value_sql(column, logical_type) for column, logical_type in checked_columns(contract)
    )


def _valid_value_sql(column: str, logical_type: str) -> str:
    value = sql_identifier(column)
    return f"({value} is null or {_VALID_VALUE_SQL[logical_type].format(v=value)})"


def _cleaned_rows_sql(source: CsvSource, columns: Sequence[str], rejects_table: str | None) -> str:
    selected = ", ".join(
        f"{clean_value_sql(column)} as {sql_identifier(column)}" for column in columns
    )
    return (
        f"select ordinality as row_number{', ' + selected if selected else ''} "
        f"from {read_csv_sql(source, rejects_table=rejects_table)} with ordinality"
    )


def _scan_file(
    con: duckdb.DuckDBPyConnection, source: CsvSource, checked: Sequence[tuple[str, str]]
) -> tuple[int, list[int]]:
    """One pass: row count and the number of invalid values per checked column."""
    counts = "".join(
        f", count(*) filter (where not {_valid_value_sql(column, logical_type)})"
        for column, logical_type in checked
    )
    rows_sql = _cleaned_rows_sql(source, [column for column, _ in checked], "csv_rejects")
    try:
        (result,) = con.execute(f"select count(*){counts} from ({rows_sql})").fetchall()
    except duckdb.Error as error:
        # DuckDB's message can quote the offending line, so only the error kind is reported.
        message = f"file could not be parsed as CSV ({type(error).__name__})"
        raise CsvValidationError(
            source.display_name, [CsvProblem(source.display_name, message)]
        ) from None
    return int(result[0]), [int(count) for count in result[1:]]


def _raise_for_structure(
    con: duckdb.DuckDBPyConnection, source: CsvSource, max_problems: int
) -> None:
    """Raise for the rows DuckDB rejected while scanning (ragged or unparsable rows)."""
    # A short row gives one reject per missing column: report each rejected row once.
    rejected_rows_sql = (
        "select line, error_type::varchar as error_type, min(line_byte_position) as position,"
        " arg_min(column_name, column_idx) as first_column from csv_rejects group by all"
    )
    try:
        ((total,),) = con.execute(f"select count(*) from ({rejected_rows_sql})").fetchall()
    except duckdb.CatalogException:
        return  # DuckDB creates the rejects table only when a row was rejected.
    if not total:
        return
    rejects = con.execute(
        f"select line, position, first_column, error_type from ({rejected_rows_sql})"
        " order by line limit ?",
        [max_problems],
    ).fetchall()
    lines = physical_lines_at_offsets(source.read_path, [int(row[1]) for row in rejects])
    problems = [
        CsvProblem(
            source.display_name,
            _STRUCTURAL_MESSAGES.get(error_type, f"row could not be read ({error_type.lower()})"),
            # DuckDB counts the header as line 1 and does not count line breaks inside quotes.
            row_number=int(line) - 1,
            line_number=lines.get(int(position)),
            column=first_column if error_type == "MISSING COLUMNS" else None,
        )
        for line, position, first_column, error_type in rejects
    ]
    raise CsvValidationError(source.display_name, problems, int(total))


def _first_value_problems(
    con: duckdb.DuckDBPyConnection,
    source: CsvSource,
    failing: Sequence[tuple[str, str]],
    max_problems: int,
) -> list[CsvProblem]:
    """The first invalid values by row then column position; selects positions, never values."""
    flags = ", ".join(
        f"case when not {_valid_value_sql(column, logical_type)} then {index} end"
        for index, (column, logical_type) in enumerate(failing)
    )
    rows_sql = _cleaned_rows_sql(source, [column for column, _ in failing], None)
    found = con.execute(
        f"select row_number, check_index from ("
        f" select row_number, unnest([{flags}]) as check_index from ({rows_sql})"
        f") where check_index is not null order by row_number, check_index limit ?",
        [max_problems],
    ).fetchall()
    lines = physical_lines_of_rows(source.read_path, {int(row) for row, _ in found})
    return [
        CsvProblem(
            source.display_name,
            _INVALID_VALUE_MESSAGES[failing[index][1]],
            row_number=int(row),
            line_number=lines.get(int(row)),
            column=failing[index][0],
        )
        for row, index in found
    ]


def physical_lines_of_rows(read_path: Path, rows: Collection[int]) -> dict[int, int]:
    """The physical line on which each data row (1 = first after the header) starts.

    Walks the file with the csv module up to the last row asked for (failure path only);
    blank lines are skipped as DuckDB skips them. Rows it cannot reach are left out.
    """
    wanted = set(rows)
    lines: dict[int, int] = {}
    if not wanted:
        return lines
    with read_path.open(encoding=UTF8_BOM, newline="") as handle:
        reader = csv.reader(handle)
        try:
            next(reader)
            row_number = 0
            starts_on = reader.line_num + 1
            for record in reader:
                if record:
                    row_number += 1
                    if row_number in wanted:
                        lines[row_number] = starts_on
                        if len(lines) == len(wanted):
                            break
                starts_on = reader.line_num + 1
        except (csv.Error, StopIteration):
            pass
    return lines


def physical_lines_at_offsets(path: Path, offsets: Collection[int]) -> dict[int, int]:
    """The physical line of the row starting at each byte offset (line breaks at it skipped)."""
    lines: dict[int, int] = {}
    newlines = 0
    position = 0
    with path.open("rb") as handle:
        for target in sorted(set(offsets)):
            while position < target:
                chunk = handle.read(min(CHUNK_BYTES, target - position))
                if not chunk:
                    break
                newlines += chunk.count(b"\n")
                position += len(chunk)
            ahead = handle.read(4096)
            handle.seek(position)
            leading_breaks = len(ahead) - len(ahead.lstrip(b"\r\n"))
            lines[target] = newlines + ahead.count(b"\n", 0, leading_breaks) + 1
    return lines
