"""The committee scorecard's content: one month's headline rows, suppressed, as plain data.

Reads ``marts.fct_scorecard_monthly`` (headline rows, ``breakdown = 'all'``),
``marts.dim_indicator`` and ``marts.dq_findings`` from the **published** warehouse and
turns them into dataclasses that the HTML page and the workbook only lay out. Every
decision about what a reader may see is taken here, once, so the two files cannot differ:

- **Suppression.** A published output shows ``c`` for a count from 1 to 4 and for any
  figure built from one. The mart marks such rows ``is_suppressed`` (numerator or
  denominator between 1 and 4); the same rule is re-applied here, so a mart row that
  somehow missed the flag is still suppressed. On a suppressed row the value, numerator
  and denominator show ``c``, and so do the RAG rating and the direction of travel, which
  would otherwise narrow the hidden figure down (a rating says which side of the target it
  is; a direction compares it with its neighbour month). A suppressed month is a gap in the
  sparkline, never its true value, and a direction is withheld when either month is
  suppressed. A migration finding's child count from 1 to 4 is ``c`` too.
- **Direction of travel** compares the month with the month before at the precision the
  paper shows, and says improving/worsening by the indicator's polarity (or up/down where
  the polarity is ``none``).

No child-level table is read: only the three aggregate marts.
"""

from __future__ import annotations

import datetime as dt
import enum
import math
import time
from collections.abc import Iterable, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

SUPPRESSED_TEXT = "c"
NOT_AVAILABLE_TEXT = "–"
SMALL_COUNT_MIN = 1
SMALL_COUNT_MAX = 4
TREND_MONTHS = 12

_LOCK_RETRY_SECONDS = 2.0

SCORECARD_TABLE = "marts.fct_scorecard_monthly"
INDICATOR_TABLE = "marts.dim_indicator"
FINDINGS_TABLE = "marts.dq_findings"

# Area order and headings follow docs/indicators.md (scripts/build_indicator_docs.py).
AREA_TITLES: dict[str, str] = {
    "cla": "Children looked after",
    "adoption": "Adoption",
    "care_leavers": "Care leavers",
    "cp": "Child protection",
    "cin": "Children in need",
    "workforce": "Workforce",
}
OTHER_AREA_TITLE = "Other indicators"

UNIT_LABELS: dict[str, str] = {
    "count": "count",
    "rate_10k": "rate per 10,000 children aged 0-17",
    "pct": "percent",
    "days": "days",
    "score": "score",
    "ratio": "ratio",
}
UNIT_SHORT: dict[str, str] = {
    "count": "",
    "rate_10k": "per 10,000",
    "pct": "",
    "days": "days",
    "score": "score",
    "ratio": "ratio",
}
POLARITY_LABELS: dict[str, str] = {
    "high": "Higher is better",
    "low": "Lower is better",
    "none": "No better direction (context)",
}
FLAG_LABELS: dict[str, str] = {
    "partial_window": "Partial window (history starts within it)",
    "population_unavailable": "No population estimate: rate not calculated",
    "boundary_not_configured": "Not calculated: LA boundary not configured",
}
MIGRATION_FLAG_PREFIX = "migration_gap:"


class ScorecardDataError(ValueError):
    """The published warehouse cannot give a scorecard for the month asked for."""


class Rag(enum.Enum):
    """What the RAG column says: a rating, no rating, or withheld by suppression."""

    GREEN = "green"
    AMBER = "amber"
    RED = "red"
    NOT_RATED = "not_rated"
    SUPPRESSED = "suppressed"

    @property
    def label(self) -> str:
        return _RAG_LABELS[self]


_RAG_LABELS = {
    Rag.GREEN: "Green",
    Rag.AMBER: "Amber",
    Rag.RED: "Red",
    Rag.NOT_RATED: "No target",
    Rag.SUPPRESSED: SUPPRESSED_TEXT,
}


class Direction(enum.Enum):
    """Direction of travel against the month before."""

    IMPROVING = "improving"
    WORSENING = "worsening"
    NO_CHANGE = "no_change"
    UP = "up"  # polarity none: the value rose, neither good nor bad
    DOWN = "down"
    NOT_COMPARABLE = "not_comparable"  # a month has no value, or there is no month before
    SUPPRESSED = "suppressed"

    @property
    def label(self) -> str:
        return _DIRECTION_LABELS[self]


_DIRECTION_LABELS = {
    Direction.IMPROVING: "Improving",
    Direction.WORSENING: "Worsening",
    Direction.NO_CHANGE: "No change",
    Direction.UP: "Up",
    Direction.DOWN: "Down",
    Direction.NOT_COMPARABLE: "Not comparable",
    Direction.SUPPRESSED: SUPPRESSED_TEXT,
}


@dataclass(frozen=True)
class Cell:
    """One figure as the paper shows it: ``text``, and ``number`` when it may be shown.

    ``number`` is None when the figure is suppressed or not available, so a layout that
    writes numbers (the workbook) cannot write a hidden one by mistake.
    """

    text: str
    number: float | None = None
    suppressed: bool = False


@dataclass(frozen=True)
class TrendPoint:
    """One month of the sparkline; ``value`` None is a gap (suppressed or no value)."""

    period_end: dt.date
    value: float | None
    suppressed: bool
    text: str


@dataclass(frozen=True)
class FindingNote:
    """A migration finding that can distort at least one indicator of the month."""

    number: int
    finding_id: str
    defect_kind: str
    severity: str
    title: str
    source_system: str
    table_name: str
    children: Cell
    first_affected_month: dt.date
    last_affected_month: dt.date
    what_it_means: str
    what_to_do: str
    indicator_codes: tuple[str, ...]


@dataclass(frozen=True)
class IndicatorLine:
    """One headline indicator of the month, everything already suppressed and formatted."""

    indicator_code: str
    indicator_name: str
    area: str
    unit: str
    polarity: str
    value: Cell
    numerator: Cell
    denominator: Cell
    target: Cell
    rag: Rag
    direction: Direction
    direction_detail: str
    previous_value: Cell
    trend: tuple[TrendPoint, ...]
    england: Cell
    statistical_neighbours: Cell
    benchmark_year: str
    quality_flags: tuple[str, ...]
    finding_numbers: tuple[int, ...]

    @property
    def suppressed(self) -> bool:
        return self.value.suppressed

    @property
    def unit_label(self) -> str:
        return UNIT_LABELS.get(self.unit, self.unit)

    @property
    def unit_short(self) -> str:
        """The unit under a value on the page (empty where the figure speaks for itself)."""
        return UNIT_SHORT.get(self.unit, self.unit)

    @property
    def polarity_label(self) -> str:
        return POLARITY_LABELS.get(self.polarity, self.polarity)

    @property
    def trend_description(self) -> str:
        """The sparkline in words (its alt text): every month, ``c`` where suppressed."""
        points = ", ".join(f"{point.period_end:%b %Y} {point.text}" for point in self.trend)
        return f"{self.indicator_name}, last {len(self.trend)} months: {points}"

    @property
    def suppressed_cell_count(self) -> int:
        """Cells of this line that show ``c`` (figures, rating, direction, trend points)."""
        cells = (self.value, self.numerator, self.denominator, self.previous_value)
        return (
            sum(cell.suppressed for cell in cells)
            + (self.rag is Rag.SUPPRESSED)
            + (self.direction is Direction.SUPPRESSED)
            + sum(point.suppressed for point in self.trend)
        )


@dataclass(frozen=True)
class AreaSection:
    """The indicators of one service area, in catalogue order."""

    area: str
    title: str
    lines: tuple[IndicatorLine, ...]


@dataclass(frozen=True)
class ScorecardPaper:
    """Everything on the committee paper for one month."""

    la_code: str
    la_name: str
    period_end: dt.date
    as_of_date: dt.date
    generated_at: dt.datetime
    warehouse_built_at: dt.datetime | None
    sections: tuple[AreaSection, ...]
    findings: tuple[FindingNote, ...] = field(default_factory=tuple)

    @property
    def month_label(self) -> str:
        return f"{self.period_end:%B %Y}"

    @property
    def month_key(self) -> str:
        return f"{self.period_end:%Y-%m}"

    @property
    def title(self) -> str:
        return f"{self.la_name}: children's social care scorecard, {self.month_label}"

    @property
    def lines(self) -> tuple[IndicatorLine, ...]:
        return tuple(line for section in self.sections for line in section.lines)

    @property
    def indicator_count(self) -> int:
        return len(self.lines)

    @property
    def suppressed_cell_count(self) -> int:
        return sum(line.suppressed_cell_count for line in self.lines) + sum(
            finding.children.suppressed for finding in self.findings
        )

    def rag_counts(self) -> dict[Rag, int]:
        counts = dict.fromkeys(Rag, 0)
        for line in self.lines:
            counts[line.rag] += 1
        return counts


# ---------------------------------------------------------------------------------------
# Pure rules


def is_small_count(number: float | None) -> bool:
    """A count a published output must not show: 1 to 4 (0 and 5 upwards may be shown)."""
    return number is not None and SMALL_COUNT_MIN <= number <= SMALL_COUNT_MAX


def row_is_suppressed(
    is_suppressed: bool | None,
    unit: str,
    numerator: float | None,
    denominator: float | None,
    value: float | None,
) -> bool:
    """Whether a row's figures show ``c``: the mart's flag, re-checked by the same rule."""
    return bool(
        is_suppressed
        or is_small_count(numerator)
        or is_small_count(denominator)
        or (unit == "count" and is_small_count(value))
    )


def decimals_for(unit: str) -> int:
    """Decimal places the paper shows for a unit."""
    return 0 if unit in ("count", "days") else 1


def format_number(number: float | None, unit: str, *, decimals: int | None = None) -> str:
    """A figure as printed: thousands separators, the unit's decimals, ``%`` for percents."""
    if number is None or (isinstance(number, float) and math.isnan(number)):
        return NOT_AVAILABLE_TEXT
    places = decimals_for(unit) if decimals is None else decimals
    text = f"{number:,.{places}f}"
    return f"{text}%" if unit == "pct" else text


def figure_cell(
    number: float | None, unit: str, *, suppressed: bool, decimals: int | None = None
) -> Cell:
    """A cell that shows ``c`` when suppressed, a dash when there is no figure."""
    if suppressed:
        return Cell(SUPPRESSED_TEXT, None, True)
    if number is None or (isinstance(number, float) and math.isnan(number)):
        return Cell(NOT_AVAILABLE_TEXT)
    return Cell(format_number(number, unit, decimals=decimals), float(number))


def count_part_cell(number: float | None, *, suppressed: bool) -> Cell:
    """A numerator or denominator: whole numbers without decimals, FTEs with one."""
    if number is None:
        # Nothing to hide: a count has no denominator, and a dash reveals no figure.
        return Cell(NOT_AVAILABLE_TEXT)
    decimals = 0 if float(number).is_integer() else 1
    return figure_cell(number, "count", suppressed=suppressed, decimals=decimals)


def direction_of_travel(
    current: float | None,
    previous: float | None,
    polarity: str,
    unit: str,
    *,
    current_suppressed: bool = False,
    previous_suppressed: bool = False,
) -> Direction:
    """How the month compares with the month before, at the precision the paper shows.

    Withheld (``SUPPRESSED``) when either month is suppressed; ``NOT_COMPARABLE`` when
    either has no value. Polarity ``high``: a rise is improving; ``low``: a fall is
    improving; ``none``: a rise is ``UP`` and a fall ``DOWN``.
    """
    if current_suppressed or previous_suppressed:
        return Direction.SUPPRESSED
    if current is None or previous is None or math.isnan(current) or math.isnan(previous):
        return Direction.NOT_COMPARABLE
    places = decimals_for(unit)
    change = round(current, places) - round(previous, places)
    if abs(change) < 0.5 * 10**-places:
        return Direction.NO_CHANGE
    rose = change > 0
    if polarity == "high":
        return Direction.IMPROVING if rose else Direction.WORSENING
    if polarity == "low":
        return Direction.WORSENING if rose else Direction.IMPROVING
    return Direction.UP if rose else Direction.DOWN


def rag_status(rag: str | None, *, suppressed: bool) -> Rag:
    """The RAG column: the mart's rating, ``NOT_RATED`` without one, withheld when suppressed."""
    if suppressed:
        return Rag.SUPPRESSED
    if rag is None:
        return Rag.NOT_RATED
    try:
        return Rag(rag)
    except ValueError as exc:
        raise ScorecardDataError(
            f"{SCORECARD_TABLE}.rag holds {rag!r}: expected green, amber, red or NULL"
        ) from exc


def month_end(year: int, month: int) -> dt.date:
    """The last day of a calendar month."""
    first_of_next = dt.date(year + month // 12, month % 12 + 1, 1)
    return first_of_next - dt.timedelta(days=1)


def previous_month_end(period_end: dt.date) -> dt.date:
    return period_end.replace(day=1) - dt.timedelta(days=1)


def trend_months(period_end: dt.date, months: int = TREND_MONTHS) -> tuple[dt.date, ...]:
    """The ``months`` month ends up to and including ``period_end``, oldest first."""
    ends = [period_end]
    for _ in range(months - 1):
        ends.append(previous_month_end(ends[-1]))
    return tuple(reversed(ends))


def parse_month(text: str) -> dt.date:
    """``YYYY-MM`` to that month's last day; a clear error for anything else."""
    try:
        first = dt.datetime.strptime(text.strip(), "%Y-%m").date()
    except ValueError as exc:
        raise ScorecardDataError(f"month {text!r} is not of the form YYYY-MM") from exc
    return month_end(first.year, first.month)


def flag_labels(flag_text: str | None, kinds_with_notes: Iterable[str] = ()) -> tuple[str, ...]:
    """The row's ``data_quality_flag`` (``; ``-joined) in words.

    A ``migration_gap:<kind>`` flag whose finding has a numbered note on the paper is left
    out (the line points at the note instead); any other migration flag is named.
    """
    if not flag_text:
        return ()
    noted = set(kinds_with_notes)
    labels = []
    for flag in (part.strip() for part in flag_text.split(";")):
        if not flag:
            continue
        if flag.startswith(MIGRATION_FLAG_PREFIX):
            kind = flag.removeprefix(MIGRATION_FLAG_PREFIX)
            if kind not in noted:
                labels.append(f"Migration gap: {kind.replace('_', ' ')}")
        else:
            labels.append(FLAG_LABELS.get(flag, flag.replace("_", " ")))
    return tuple(labels)


def group_by_area(lines: Iterable[IndicatorLine]) -> tuple[AreaSection, ...]:
    """Lines grouped under their area, areas in the catalogue's order, unknown areas last.

    Lines keep the order they come in (the caller sorts them by catalogue order).
    """
    by_area: dict[str, list[IndicatorLine]] = {}
    for line in lines:
        by_area.setdefault(line.area, []).append(line)
    known = [area for area in AREA_TITLES if area in by_area]
    unknown = sorted(area for area in by_area if area not in AREA_TITLES)
    return tuple(
        AreaSection(
            area=area,
            title=AREA_TITLES.get(
                area, f"{OTHER_AREA_TITLE} ({area})" if area else OTHER_AREA_TITLE
            ),
            lines=tuple(by_area[area]),
        )
        for area in [*known, *unknown]
    )


# ---------------------------------------------------------------------------------------
# Reading the warehouse

_ROW_COLUMNS = (
    "indicator_code",
    "period_end",
    "numerator",
    "denominator",
    "value",
    "unit",
    "polarity",
    "target",
    "rag",
    "england_value",
    "sn_value",
    "benchmark_year",
    "is_suppressed",
    "data_quality_flag",
)
_FINDING_COLUMNS = (
    "finding_id",
    "defect_kind",
    "source_system",
    "table_name",
    "severity",
    "title",
    "child_count",
    "first_affected_month",
    "last_affected_month",
    "affected_indicators",
    "what_it_means",
    "what_to_do",
)


def _as_date(value: object) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    raise ScorecardDataError(f"expected a date, got {value!r}")


def _number(value: object) -> float | None:
    if value is None:
        return None
    number = float(value)  # type: ignore[arg-type]
    return None if math.isnan(number) else number


def available_months(connection: duckdb.DuckDBPyConnection) -> tuple[dt.date, ...]:
    """Every headline month in the mart, oldest first."""
    rows = connection.execute(
        f"select distinct period_end from {SCORECARD_TABLE} where breakdown = 'all' "
        "order by period_end"
    ).fetchall()
    return tuple(_as_date(row[0]) for row in rows)


def latest_complete_month(months: Sequence[dt.date], as_of_date: dt.date) -> dt.date:
    """The latest month end in ``months`` on or before ``as_of_date``."""
    eligible = [month for month in months if month <= as_of_date]
    if not eligible:
        raise ScorecardDataError(
            f"{SCORECARD_TABLE} has no month ending on or before the as-of date {as_of_date}"
            + (
                f" (it holds {months[0]:%Y-%m} to {months[-1]:%Y-%m})"
                if months
                else " (it is empty)"
            )
        )
    return max(eligible)


def _check_month(months: Sequence[dt.date], period_end: dt.date) -> None:
    if period_end in months:
        return
    held = f"{months[0]:%Y-%m} to {months[-1]:%Y-%m}" if months else "no months at all"
    raise ScorecardDataError(
        f"month {period_end:%Y-%m} is not in {SCORECARD_TABLE} (it holds {held})"
    )


def _read_rows(
    connection: duckdb.DuckDBPyConnection, first: dt.date, last: dt.date
) -> list[dict[str, object]]:
    relation = connection.execute(
        f"select {', '.join('s.' + column for column in _ROW_COLUMNS)}, "
        "d.area, d.indicator_name "
        f"from {SCORECARD_TABLE} as s "
        f"left join {INDICATOR_TABLE} as d on d.indicator_code = s.indicator_code "
        "where s.breakdown = 'all' and s.breakdown_value = 'all' "
        "and s.period_end between ? and ? "
        "order by s.indicator_code, s.period_end",
        [first, last],
    )
    names = [*_ROW_COLUMNS, "area", "indicator_name"]
    return [dict(zip(names, row, strict=True)) for row in relation.fetchall()]


def _read_findings(connection: duckdb.DuckDBPyConnection) -> list[dict[str, object]]:
    relation = connection.execute(
        f"select {', '.join(_FINDING_COLUMNS)} from {FINDINGS_TABLE} "
        "order by severity, defect_kind, source_system, table_name"
    )
    return [dict(zip(_FINDING_COLUMNS, row, strict=True)) for row in relation.fetchall()]


def _catalogue_order(connection: duckdb.DuckDBPyConnection) -> dict[str, int]:
    # dim_indicator is built from the catalogue seed in its order; rowid is that order as
    # stored (only the presentation order depends on it, ties fall back to the code).
    rows = connection.execute(
        f"select indicator_code from {INDICATOR_TABLE} order by rowid"
    ).fetchall()
    return {str(row[0]): position for position, row in enumerate(rows)}


def _findings_for_month(
    findings: Sequence[dict[str, object]], period_end: dt.date
) -> list[dict[str, object]]:
    selected = []
    for finding in findings:
        codes = tuple(
            code.strip()
            for code in str(finding["affected_indicators"] or "").split(";")
            if code.strip()
        )
        first = _as_date(finding["first_affected_month"])
        last = _as_date(finding["last_affected_month"])
        if codes and first <= period_end <= last:
            selected.append({**finding, "codes": codes})
    return selected


def _row_suppressed(row: dict[str, object]) -> bool:
    return row_is_suppressed(
        bool(row["is_suppressed"]),
        str(row["unit"]),
        _number(row["numerator"]),
        _number(row["denominator"]),
        _number(row["value"]),
    )


def build_line(
    current: dict[str, object],
    history: dict[dt.date, dict[str, object]],
    months: Sequence[dt.date],
    noted_kinds: Iterable[str],
    finding_numbers: tuple[int, ...],
) -> IndicatorLine:
    """One indicator's line from its month row and its rows for the trend months."""
    code = str(current["indicator_code"])
    unit = str(current["unit"])
    polarity = str(current["polarity"] or "none")
    period_end = _as_date(current["period_end"])
    suppressed = _row_suppressed(current)
    value = _number(current["value"])

    trend = []
    for month in months:
        row = history.get(month)
        month_suppressed = row is not None and _row_suppressed(row)
        month_value = None if row is None or month_suppressed else _number(row["value"])
        text = SUPPRESSED_TEXT if month_suppressed else format_number(month_value, unit)
        trend.append(TrendPoint(month, month_value, month_suppressed, text))

    previous_row = history.get(previous_month_end(period_end))
    previous_suppressed = previous_row is not None and _row_suppressed(previous_row)
    previous_value = None if previous_row is None else _number(previous_row["value"])
    direction = direction_of_travel(
        value,
        previous_value,
        polarity,
        unit,
        current_suppressed=suppressed,
        previous_suppressed=previous_suppressed,
    )
    previous_cell = figure_cell(previous_value, unit, suppressed=previous_suppressed)
    if direction is Direction.SUPPRESSED:
        detail = "Withheld: a month compared is c"
    elif previous_row is None:
        detail = "No figure for the month before"
    elif direction is Direction.NOT_COMPARABLE:
        detail = "A month compared has no figure"
    else:
        detail = f"{previous_month_end(period_end):%b %Y}: {previous_cell.text}"

    return IndicatorLine(
        indicator_code=code,
        indicator_name=str(current["indicator_name"] or code),
        area=str(current["area"] or ""),
        unit=unit,
        polarity=polarity,
        value=figure_cell(value, unit, suppressed=suppressed),
        numerator=count_part_cell(_number(current["numerator"]), suppressed=suppressed),
        denominator=count_part_cell(_number(current["denominator"]), suppressed=suppressed),
        target=figure_cell(_number(current["target"]), unit, suppressed=False),
        rag=rag_status(current["rag"] and str(current["rag"]), suppressed=suppressed),
        direction=direction,
        direction_detail=detail,
        previous_value=previous_cell,
        trend=tuple(trend),
        england=figure_cell(_number(current["england_value"]), unit, suppressed=False),
        statistical_neighbours=figure_cell(_number(current["sn_value"]), unit, suppressed=False),
        benchmark_year=str(current["benchmark_year"] or NOT_AVAILABLE_TEXT),
        quality_flags=flag_labels(
            current["data_quality_flag"] and str(current["data_quality_flag"]), noted_kinds
        ),
        finding_numbers=finding_numbers,
    )


def open_published_warehouse(
    warehouse_path: Path, *, lock_timeout_seconds: float = 600.0
) -> duckdb.DuckDBPyConnection:
    """A read-only connection, waiting while another process holds a write lock on it."""
    if not warehouse_path.is_file():
        raise ScorecardDataError(f"no published warehouse at {warehouse_path}: run the pipeline")
    deadline = time.monotonic() + lock_timeout_seconds
    while True:
        try:
            return duckdb.connect(str(warehouse_path), read_only=True)
        except duckdb.IOException as error:
            if "lock" not in str(error).lower() or time.monotonic() >= deadline:
                raise
            time.sleep(_LOCK_RETRY_SECONDS)


def _warehouse_built_at(path: Path) -> dt.datetime | None:
    """When the published file was written (publication renames a fresh copy into place)."""
    try:
        return dt.datetime.fromtimestamp(path.stat().st_mtime).replace(microsecond=0)
    except OSError:
        return None


def read_scorecard(
    connection: duckdb.DuckDBPyConnection,
    period_end: dt.date,
    *,
    la_code: str,
    la_name: str,
    as_of_date: dt.date,
    generated_at: dt.datetime,
    warehouse_built_at: dt.datetime | None = None,
) -> ScorecardPaper:
    """The paper for the month ending ``period_end`` (must be a month in the mart)."""
    months = available_months(connection)
    _check_month(months, period_end)
    window = trend_months(period_end)
    rows = _read_rows(connection, window[0], period_end)
    findings = _findings_for_month(_read_findings(connection), period_end)
    order = _catalogue_order(connection)

    history: dict[str, dict[dt.date, dict[str, object]]] = {}
    for row in rows:
        history.setdefault(str(row["indicator_code"]), {})[_as_date(row["period_end"])] = row
    current_rows = [by_month[period_end] for by_month in history.values() if period_end in by_month]
    missing_area = [str(row["indicator_code"]) for row in current_rows if row["area"] is None]
    if missing_area:
        raise ScorecardDataError(
            f"{SCORECARD_TABLE} rows for {period_end:%Y-%m} have no {INDICATOR_TABLE} entry: "
            + ", ".join(sorted(missing_area))
        )

    notes = tuple(
        FindingNote(
            number=number,
            finding_id=str(finding["finding_id"]),
            defect_kind=str(finding["defect_kind"]),
            severity=str(finding["severity"]),
            title=str(finding["title"] or finding["defect_kind"]),
            source_system=str(finding["source_system"]),
            table_name=str(finding["table_name"]),
            children=count_part_cell(
                _number(finding["child_count"]),
                suppressed=is_small_count(_number(finding["child_count"])),
            ),
            first_affected_month=_as_date(finding["first_affected_month"]),
            last_affected_month=_as_date(finding["last_affected_month"]),
            what_it_means=str(finding["what_it_means"] or ""),
            what_to_do=str(finding["what_to_do"] or ""),
            indicator_codes=tuple(finding["codes"]),  # type: ignore[arg-type]
        )
        for number, finding in enumerate(findings, start=1)
    )
    lines = []
    for row in sorted(
        current_rows,
        key=lambda row: (
            order.get(str(row["indicator_code"]), len(order)),
            str(row["indicator_code"]),
        ),
    ):
        code = str(row["indicator_code"])
        affecting = [note for note in notes if code in note.indicator_codes]
        lines.append(
            build_line(
                row,
                history[code],
                window,
                [note.defect_kind for note in affecting],
                tuple(note.number for note in affecting),
            )
        )
    if not lines:
        raise ScorecardDataError(f"{SCORECARD_TABLE} has no headline rows for {period_end:%Y-%m}")
    return ScorecardPaper(
        la_code=la_code,
        la_name=la_name,
        period_end=period_end,
        as_of_date=as_of_date,
        generated_at=generated_at,
        warehouse_built_at=warehouse_built_at,
        sections=group_by_area(lines),
        findings=notes,
    )


def read_scorecard_from_file(
    warehouse_path: Path,
    period_end: dt.date | None,
    *,
    la_code: str,
    la_name: str,
    as_of_date: dt.date,
    generated_at: dt.datetime | None = None,
) -> ScorecardPaper:
    """Open the published warehouse read-only and read the paper for ``period_end``.

    ``period_end`` None means the latest complete month: the latest in the mart on or
    before ``as_of_date``.
    """
    with closing(open_published_warehouse(warehouse_path)) as connection:
        if period_end is None:
            period_end = latest_complete_month(available_months(connection), as_of_date)
        return read_scorecard(
            connection,
            period_end,
            la_code=la_code,
            la_name=la_name,
            as_of_date=as_of_date,
            generated_at=generated_at or dt.datetime.now().replace(microsecond=0),
            warehouse_built_at=_warehouse_built_at(warehouse_path),
        )
