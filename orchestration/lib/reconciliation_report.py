"""The migration reconciliation report: one self-contained HTML page of migration gaps.

Built from the rows of ``marts.dq_findings`` (docs/decisions/0007-migration-gap-findings.md)
and, per finding, a few example keys that are already pseudonyms (HMAC of ``child_key``,
docs/decisions/0005-pseudonymisation.md). The page has inline CSS only (no scripts, fonts,
images or links out of the page), states severity in words so it reads in greyscale and
on paper, and shows a count of children (or of their records, which could betray the
number of children) from 1 to 4 as "fewer than 5", so it stays safe to forward.
Pure: rows in, a string out; the Dagster asset reads the warehouse and writes the file.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from html import escape

SMALL_COUNT_THRESHOLD = 5
MAX_EXAMPLES = 5
SEVERITY_ORDER = ("ERROR", "WARN")
SEVERITY_MEANING = {
    "ERROR": "changes published indicator values",
    "WARN": "data damaged, published indicators unchanged",
}
_PSEUDONYM = re.compile(r"[0-9a-f]{64}")

_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Arial, sans-serif; color: #111;
  background: #fff; margin: 0; line-height: 1.45; }
main { max-width: 72rem; margin: 0 auto; padding: 1.5rem; }
h1 { font-size: 1.6rem; margin: 0 0 .25rem; }
h2 { font-size: 1.25rem; margin: 2rem 0 .5rem; border-bottom: 2px solid #111;
  padding-bottom: .2rem; }
h3 { font-size: 1rem; margin: 1rem 0 .25rem; }
.meta { color: #444; margin: 0 0 1rem; }
.status { border: 2px solid #111; padding: .75rem 1rem; font-weight: 600; }
.status.clean { border-style: dashed; font-weight: 400; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; font-size: .92rem; }
th, td { border: 1px solid #888; padding: .3rem .5rem; text-align: left; vertical-align: top; }
th { background: #e6e6e6; }
td.number { text-align: right; white-space: nowrap; }
.severity { display: inline-block; padding: 0 .35rem; font-weight: 700; letter-spacing: .04em;
  border: 2px solid #111; }
.severity.error { background: #111; color: #fff; }
.severity.warn { border-style: dashed; }
code { font-family: ui-monospace, Consolas, monospace; font-size: .85rem; word-break: break-all; }
ul.examples { margin: 0; padding-left: 1.1rem; }
.kind { page-break-inside: avoid; }
footer { margin-top: 2rem; color: #444; font-size: .9rem; border-top: 1px solid #888;
  padding-top: .5rem; }
"""


@dataclass(frozen=True)
class ReportMetadata:
    """What the report is about: the authority, its systems and when it was produced."""

    la_code: str
    la_name: str
    as_of_date: dt.date
    generated_at: dt.datetime
    systems: tuple[str, ...] = ()
    run_id: str | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)


def count_text(value: int | None) -> str:
    """A count as shown: 1-4 as "fewer than 5", none as "not applicable"."""
    if value is None:
        return "not applicable"
    if 0 < value < SMALL_COUNT_THRESHOLD:
        return f"fewer than {SMALL_COUNT_THRESHOLD}"
    return f"{value:,}"


def _as_date(value: object) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def months_text(first: object, last: object, count: object) -> str:
    """``July 2021 to October 2026 (64 months)``; one month is named alone."""
    first_month, last_month = _as_date(first), _as_date(last)
    if first_month is None:
        return "none"
    start = first_month.strftime("%B %Y")
    end = last_month.strftime("%B %Y") if last_month is not None else "the latest month"
    months = f" ({int(count)} month{'s' if int(count) != 1 else ''})" if count else ""
    return (start if start == end else f"{start} to {end}") + months


def indicators_text(value: object) -> list[str]:
    """The ``; ``-joined indicator codes as a list (empty when none)."""
    return [code.strip() for code in str(value or "").split(";") if code.strip()]


def _severity_badge(severity: str) -> str:
    css = "error" if severity == "ERROR" else "warn"
    return f'<span class="severity {css}">{escape(severity)}</span>'


def _severity_rank(severity: str) -> int:
    return SEVERITY_ORDER.index(severity) if severity in SEVERITY_ORDER else len(SEVERITY_ORDER)


def _finding_sort_key(row: Mapping[str, object]) -> tuple:
    return (
        _severity_rank(str(row["severity"])),
        str(row["defect_kind"]),
        str(row["source_system"]),
        str(row["table_name"]),
    )


def _checked_examples(finding_id: str, examples: Sequence[str]) -> list[str]:
    """At most five examples, each a 64-hex pseudonym: anything else is refused."""
    for example in examples:
        if not _PSEUDONYM.fullmatch(example):
            raise ValueError(f"example key for {finding_id} is not a pseudonym")
    return sorted(examples)[:MAX_EXAMPLES]


def _header(metadata: ReportMetadata) -> str:
    authority = metadata.la_name or f"LA {metadata.la_code}"
    parts = [
        f"{escape(authority)} (LA {escape(metadata.la_code)})",
        f"extracts as of {metadata.as_of_date.isoformat()}",
        f"produced {metadata.generated_at.strftime('%Y-%m-%d %H:%M')}",
    ]
    if metadata.systems:
        parts.append("systems " + " then ".join(escape(name) for name in metadata.systems))
    if metadata.run_id:
        parts.append(f"run {escape(metadata.run_id)}")
    return f'<p class="meta">{" · ".join(parts)}</p>'


def _status(rows: Sequence[Mapping[str, object]]) -> str:
    if not rows:
        return (
            '<p class="status clean">No migration gaps found: every check comparing the '
            "legacy system's final extract with the new system's migrated history, and every "
            "check of the new system's own records, came back empty. The scorecard carries no "
            "migration-gap flags.</p>"
        )
    by_severity = {
        severity: sum(1 for row in rows if row["severity"] == severity)
        for severity in SEVERITY_ORDER
    }
    kinds = len({row["defect_kind"] for row in rows})
    return (
        f'<p class="status">{len(rows)} finding{"s" if len(rows) != 1 else ""} '
        f"of {kinds} kind{'s' if kinds != 1 else ''}: "
        f"{by_severity['ERROR']} ERROR ({SEVERITY_MEANING['ERROR']}), "
        f"{by_severity['WARN']} WARN ({SEVERITY_MEANING['WARN']}). "
        "Indicator-months they distort are flagged <code>migration_gap:&lt;kind&gt;</code> "
        "in the scorecard's data-quality flag.</p>"
    )


def _summary_table(rows: Sequence[Mapping[str, object]]) -> str:
    lines = [
        "<table>",
        "<caption>One row per finding (kind, system, SSD table)</caption>",
        "<thead><tr><th>Severity</th><th>Finding</th><th>System</th><th>SSD table</th>"
        "<th>Children</th><th>Records</th><th>Months affected</th><th>Indicators (count)</th>"
        "</tr></thead>",
        "<tbody>",
    ]
    for row in rows:
        kind = str(row["defect_kind"])
        indicators = indicators_text(row.get("affected_indicators"))
        lines.append(
            "<tr>"
            f"<td>{_severity_badge(str(row['severity']))}</td>"
            f'<td><a href="#kind-{escape(kind)}">{escape(str(row["title"]))}</a></td>'
            f"<td>{escape(str(row['source_system']))}</td>"
            f"<td><code>{escape(str(row['table_name']))}</code></td>"
            f'<td class="number">{count_text(_optional_int(row.get("child_count")))}</td>'
            f'<td class="number">{count_text(_optional_int(row.get("record_count")))}</td>'
            f"<td>{escape(_months(row))}</td>"
            f"<td>{len(indicators)}</td>"
            "</tr>"
        )
    lines += ["</tbody>", "</table>"]
    return "\n".join(lines)


def _optional_int(value: object) -> int | None:
    return None if value is None else int(str(value))


def _months(row: Mapping[str, object]) -> str:
    return months_text(
        row.get("first_affected_month"),
        row.get("last_affected_month"),
        row.get("affected_month_count"),
    )


def _kind_section(
    kind: str, rows: Sequence[Mapping[str, object]], examples: Mapping[str, Sequence[str]]
) -> str:
    first = rows[0]
    severity = min((str(row["severity"]) for row in rows), key=_severity_rank)
    indicators = sorted(
        {code for row in rows for code in indicators_text(row.get("affected_indicators"))}
    )
    lines = [
        f'<section class="kind" id="kind-{escape(kind)}">',
        f"<h2>{_severity_badge(severity)} {escape(str(first['title']))}</h2>",
        f"<p>Kind <code>{escape(kind)}</code>; severity {escape(severity)}: "
        f"{escape(SEVERITY_MEANING.get(severity, 'see the seed dq_defect_kinds'))}.</p>",
        "<h3>What was found</h3>",
        f"<p>{escape(str(first.get('what_it_means') or ''))}</p>",
        "<h3>Which indicators</h3>",
        "<p>"
        + (
            ", ".join(f"<code>{escape(code)}</code>" for code in indicators)
            if indicators
            else "None of the published indicators."
        )
        + "</p>",
        "<h3>What to do</h3>",
        f"<p>{escape(str(first.get('what_to_do') or ''))}</p>",
        "<h3>Where</h3>",
        "<table>",
        "<thead><tr><th>System</th><th>SSD table</th><th>Children</th><th>Records</th>"
        "<th>Months affected</th><th>Example keys (pseudonyms)</th></tr></thead>",
        "<tbody>",
    ]
    for row in rows:
        finding_id = str(row["finding_id"])
        keys = _checked_examples(finding_id, examples.get(finding_id, ()))
        example_cell = (
            '<ul class="examples">'
            + "".join(f"<li><code>{key}</code></li>" for key in keys)
            + "</ul>"
            if keys
            else "none (not a child-level finding)"
        )
        lines.append(
            "<tr>"
            f"<td>{escape(str(row['source_system']))}</td>"
            f"<td><code>{escape(str(row['table_name']))}</code></td>"
            f'<td class="number">{count_text(_optional_int(row.get("child_count")))}</td>'
            f'<td class="number">{count_text(_optional_int(row.get("record_count")))}</td>'
            f"<td>{escape(_months(row))}</td>"
            f"<td>{example_cell}</td>"
            "</tr>"
        )
    lines += ["</tbody>", "</table>", "</section>"]
    return "\n".join(lines)


def render_reconciliation_report(
    findings: Sequence[Mapping[str, object]],
    examples: Mapping[str, Sequence[str]],
    metadata: ReportMetadata,
) -> str:
    """The whole report as one HTML document.

    ``findings`` are ``marts.dq_findings`` rows (as mappings of its columns); ``examples``
    maps a ``finding_id`` to pseudonymised child keys (at most five are shown; anything that
    is not a 64-hex pseudonym is refused, so a raw id cannot slip into the page).
    """
    rows = sorted(findings, key=_finding_sort_key)
    kinds: dict[str, list[Mapping[str, object]]] = {}
    for row in rows:
        kinds.setdefault(str(row["defect_kind"]), []).append(row)
    authority = metadata.la_name or f"LA {metadata.la_code}"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>Migration reconciliation report: {escape(authority)}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
        "<main>",
        "<h1>Migration reconciliation report</h1>",
        _header(metadata),
        '<section id="summary">',
        "<h2>Summary</h2>",
        _status(rows),
    ]
    if rows:
        parts.append(_summary_table(rows))
    parts.append("</section>")
    parts += [_kind_section(kind, kind_rows, examples) for kind, kind_rows in kinds.items()]
    notes = "".join(f"<p>{escape(note)}</p>" for note in metadata.notes)
    parts += [
        "<footer>",
        "<p>Severity ERROR: the gap changes published indicator values even after the "
        "pipeline's own mending; WARN: the data are damaged but the scorecard is not. "
        f"Counts from 1 to {SMALL_COUNT_THRESHOLD - 1} are shown as "
        f"&quot;fewer than {SMALL_COUNT_THRESHOLD}&quot;. Example keys are keyed pseudonyms "
        "of the child (HMAC-SHA256), the same as <code>person_key</code> in "
        "<code>restricted.fct_child_compliance</code>; they are not case-system ids.</p>",
        notes,
        "</footer>",
        "</main>",
        "</body>",
        "</html>",
    ]
    return "\n".join(part for part in parts if part) + "\n"
