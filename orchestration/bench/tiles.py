"""A large dataset made of tiles: copies of a smaller cached one whose identifiers differ.

``england`` (12.2 million children) is 174 tiles of ``authority`` (70,000): generating it
with the synthetic authority's per-child simulation would take over an hour per machine,
while DuckDB copies the extracts in minutes (decision 0015). Each extract file holds every
tile (the pipeline takes one file per table and extract), and each tile is the source
dataset with, in every file of every system:

- each identifier (a ``*_id`` field, a former-system id, a worker's registration number)
  given the tile's number in three digits after its leading letters, so ``P66282459430``
  becomes ``P00366282459430`` in tile 3 and the legacy ``100000001`` becomes
  ``003100000001``. The tile's digits are the first after the letters and always three,
  so two tiles never share a value, and the links between tables and between the legacy
  and the live system hold within a tile. A placeholder key (``-1``, ``0``, ``9999999``)
  names no record, so it is kept as it is;
- the unique pupil number (``pers_common_child_id``) kept valid: its three LA digits move
  on by the tile's number and its check letter is worked out again;
- the surname given the tile's two letters (``Chowdhury-AC`` in tile 3), so that copies of
  one child in two tiles are not the same child to the duplicate-person check.

Dates, codes, teams, providers and postcodes are unchanged, so the tiles have the
source's distributions by construction: the figures measure several copies of one
simulated authority, not many different ones. A legacy extract in Windows-1252 is written
back in it, and a UTF-8 file keeps its byte-order mark if it has one. The
generator's ``_truth`` folder is not tiled (it describes the source authority), and the
population file is the source's times the number of tiles.
"""

from __future__ import annotations

import csv
import hashlib
import logging
import shutil
import time
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import duckdb

from orchestration.bench.disk import require_free_space
from orchestration.bench.floor import extract_files
from orchestration.lib.ssd_csv import (
    CP1252,
    UTF8,
    UTF8_BOM,
    fingerprint_file,
    transcode,
    transcode_to_utf8,
)

log = logging.getLogger(__name__)

# ``*_id`` fields that hold a code, not an identifier
NOT_IDENTIFIERS = frozenset({"invo_professional_role_id"})
# identifiers whose names do not end in ``_id``
OTHER_IDENTIFIERS = frozenset({"link_identifier_value", "prof_social_worker_registration_no"})
UPN_FIELD = "pers_common_child_id"
SURNAME_FIELD = "pers_surname"
POPULATION_FILE = Path("_reference") / "population_0_17.csv"
UPN_CHECK_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"
# the placeholder keys a migration writes where a link was lost (dq_sentinel_keys.sql)
PLACEHOLDER_KEY = r"-[0-9]+|0+|9{7,}"
MAX_TILES = 26 * 26  # two letters per tile in the surname; the identifiers take three digits

# SQL over a value and the tile's number (1, 2, ...), the column ``tile`` of the query
_MACROS = (
    # an identifier with the tile's three digits after its leading letters; a placeholder
    # key (-1, 0, 9999999 ...: dq_sentinel_keys) names no record and stays as it is
    "create or replace macro tile_identifier(value, tile) as "
    f"case when regexp_full_match(value, '{PLACEHOLDER_KEY}') then value else "
    "regexp_extract(value, '^[A-Za-z]*') || lpad(cast(tile as varchar), 3, '0') "
    "|| substr(value, length(regexp_extract(value, '^[A-Za-z]*')) + 1) end",
    # a UPN's 12 digits, its LA digits moved on by the tile's number
    "create or replace macro tile_upn_digits(upn, tile) as "
    "lpad(cast((cast(substr(upn, 2, 3) as integer) + tile) % 1000 as varchar), 3, '0') "
    "|| substr(upn, 5)",
    "create or replace macro upn_check_letter(digits) as "
    f"substr('{UPN_CHECK_LETTERS}', "
    "cast(list_sum(list_transform(range(12), "
    "lambda i: cast(substr(digits, i + 1, 1) as integer) * (i + 2))) % 23 + 1 as bigint), 1)",
    "create or replace macro tile_upn(upn, tile) as "
    "case when regexp_full_match(upn, '[A-Z][0-9]{12}') "
    "then upn_check_letter(tile_upn_digits(upn, tile)) || tile_upn_digits(upn, tile) "
    "else tile_identifier(upn, tile) end",
    # the surname with the tile's two letters: AA for tile 1, AB for tile 2 ...
    "create or replace macro tile_surname(surname, tile) as "
    "surname || '-' || chr(cast(65 + (tile - 1) // 26 as integer)) "
    "|| chr(cast(65 + (tile - 1) % 26 as integer))",
)


@dataclass(frozen=True)
class TilingSummary:
    files: int
    rows: int
    seconds: float


def is_identifier(field: str) -> bool:
    return (field.endswith("_id") and field not in NOT_IDENTIFIERS) or field in OTHER_IDENTIFIERS


def field_expression(field: str) -> str:
    """The SQL for ``field``'s value in the tile numbered by the column ``tile``."""
    column = _quoted(field)
    if field == UPN_FIELD:
        return f"tile_upn({column}, tile)"
    if is_identifier(field):
        return f"tile_identifier({column}, tile)"
    if field == SURNAME_FIELD:
        return f"tile_surname({column}, tile)"
    return column


def tiling_fingerprint(source_fingerprint: str, tiles: int) -> str:
    """What a tiled dataset depends on: its source, the number of tiles and this module."""
    digest = hashlib.sha256(f"source={source_fingerprint}\ntiles={tiles}\n".encode())
    digest.update(Path(__file__).read_bytes())
    return digest.hexdigest()


def tile_landing(source: Path, target: Path, tiles: int) -> TilingSummary:
    """Write ``tiles`` tiles of the landing area ``source`` into ``target`` (made afresh)."""
    if not 1 <= tiles <= MAX_TILES:
        raise ValueError(f"tiles must be 1 to {MAX_TILES}, not {tiles}")
    files = extract_files(source)
    if not files:
        raise FileNotFoundError(f"no extract CSV under {source}")
    source_bytes = sum(path.stat().st_size for path in files)
    target.parent.mkdir(parents=True, exist_ok=True)
    require_free_space(
        target.parent, tiles * source_bytes, f"{tiles} tiles of the extracts in {source}"
    )
    if target.exists():
        shutil.rmtree(target)
    started = time.perf_counter()
    rows = 0
    with closing(duckdb.connect()) as connection:
        for macro in _MACROS:
            connection.execute(macro)
        for path in files:
            relative = path.relative_to(source)
            output = target / relative
            output.parent.mkdir(parents=True, exist_ok=True)
            encoding = fingerprint_file(path).encoding
            if encoding == CP1252:
                # DuckDB reads and writes UTF-8: through it, then back to Windows-1252
                utf8_source = output.with_suffix(".source.utf8")
                utf8_output = output.with_suffix(".utf8")
                transcode_to_utf8(path, utf8_source, CP1252)
                rows += _copy_tiles(connection, utf8_source, tiles, utf8_output)
                utf8_source.unlink()
                transcode(utf8_output, output, UTF8, CP1252)
                utf8_output.unlink()
            else:
                bom = encoding == UTF8_BOM
                rows += _copy_tiles(connection, path, tiles, output, byte_order_mark=bom)
            log.info("tiled %s (%d tiles)", relative, tiles)
    _copy_markers(source, target)
    _write_population(source / POPULATION_FILE, target / POPULATION_FILE, tiles)
    return TilingSummary(files=len(files), rows=rows, seconds=time.perf_counter() - started)


def _copy_tiles(
    connection: duckdb.DuckDBPyConnection,
    path: Path,
    tiles: int,
    output: Path,
    *,
    byte_order_mark: bool = False,
) -> int:
    """Write every tile of the UTF-8 extract file ``path`` into ``output``; the rows written."""
    reader = (
        "read_csv(?, header = true, all_varchar = true, delim = ',', quote = '\"', escape = '\"')"
    )
    fields = [
        column[0]
        for column in connection.execute(f"select * from {reader} limit 0", [str(path)]).description
    ]
    # DuckDB writes no byte-order mark, but writes the header as named: the first name has it
    names = [
        ("\ufeff" if byte_order_mark and index == 0 else "") + field
        for index, field in enumerate(fields)
    ]
    select = ", ".join(
        f"{field_expression(field)} as {_quoted(name)}"
        for field, name in zip(fields, names, strict=True)
    )
    query = f"select {select} from {reader} cross join range(1, {int(tiles) + 1}) as tiles(tile)"
    (count,) = connection.execute(
        f"copy ({query}) to '{_sql_text(output)}' "
        "(format csv, header true, delimiter ',', quote '\"')",
        [str(path)],
    ).fetchone()
    return int(count)


def _quoted(field: str) -> str:
    return '"' + field.replace('"', '""') + '"'


def _sql_text(path: Path) -> str:
    return str(path).replace("'", "''")


def _copy_markers(source: Path, target: Path) -> None:
    """Every extract folder's non-CSV files (the ``_complete`` marker)."""
    for path in source.rglob("*"):
        relative = path.relative_to(source)
        if path.is_file() and path.suffix != ".csv" and not relative.parts[0].startswith("_"):
            destination = target / relative
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, destination)


def _write_population(source: Path, target: Path, tiles: int) -> None:
    with source.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        fieldnames = list(reader.fieldnames or [])
        rows = list(reader)
    for row in rows:
        row["population_0_17"] = str(int(row["population_0_17"]) * tiles)
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fieldnames, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
