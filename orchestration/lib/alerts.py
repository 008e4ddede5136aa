"""The alert digest: what failed in a scorecard run, rendered for email, Teams and Slack.

Pure library (no Dagster import): ``orchestration.defs.quality.alerts`` turns a run's asset
check evaluations into :class:`CheckEvaluation` values, :func:`read_findings` reads the
migration findings, :func:`build_digest` assembles a :class:`Digest` and :func:`deliver`
sends it to every configured channel.

What a digest may hold: counts, check names and severities, asset keys, indicator codes,
migration finding kinds (with child and record counts and affected indicators), the run id,
and links (Dagster run, Data Docs, reconciliation report). It never holds a name, a date of
birth or an identifier: only those fields are read from the inputs (check metadata and
``marts.dq_findings`` are read by allow-list, never wholesale).

The safety net (``find_identifiers``), because free text (check descriptions, finding titles)
is written by people and code outside this module:

1. When the digest is built, every free-text field is scanned and each identifier-like
   token is replaced by ``[redacted]`` (the digest counts the replacements).
2. Just before sending, every rendered message (subject, text and HTML bodies, every string
   in a JSON payload) is scanned again; a channel whose message still holds such a token is
   refused, not sent, and reported as failed.

Identifier-like tokens (see ``IDENTIFIER_PATTERNS``): dates (``2014-03-02``, ``2/3/14``,
``2 March 2014``); NHS-number-like groups (``943 476 5919``); any run of six or more digits,
alone or inside a word (``P12345678901``, ``20140302``, a 10-digit NHS number); a letter
prefix with five or more digits (``P00042``); long hex strings of 16+ characters (hashes,
pseudonymised keys) and UUIDs; full UK postcodes (``LU5 4AB``). Counts are written with
thousands separators (``123,456``), so a count never looks like an identifier. Exempt are
only the strings the digest itself is built from, not from data: the run id, the job, check
and asset names, and link targets. Names cannot be recognised by pattern; they are kept out
because no field that could hold one is ever read, and in check descriptions (free text
from check code) every run of two or more capitalised words (``Amelia Smith``) is redacted
too.
"""

from __future__ import annotations

import html
import json
import logging
import re
import smtplib
import ssl
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol

from orchestration.lib.config import AlertSettings, EmailAlerts, WebhookAlerts

logger = logging.getLogger(__name__)

REDACTED = "[redacted]"

_MONTHS = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
IDENTIFIER_PATTERNS: dict[str, re.Pattern[str]] = {
    "date": re.compile(
        r"(?<!\d)(?:\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4})(?!\d)"
        rf"|(?<![A-Za-z0-9])\d{{1,2}}(?:st|nd|rd|th)?[ -]{_MONTHS}[ ,-]*\d{{2,4}}(?!\w)"
        rf"|(?<![A-Za-z]){_MONTHS}[ -]\d{{1,2}}(?:st|nd|rd|th)?,? \d{{4}}(?!\w)",
        re.IGNORECASE,
    ),
    "nhs_number": re.compile(r"(?<!\d)\d{3}[ -]\d{3}[ -]\d{4}(?!\d)"),
    "digit_run": re.compile(r"\d{6,}"),
    "prefixed_id": re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{1,4}[-_/]?\d{5,}(?!\d)"),
    "uuid": re.compile(
        r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.IGNORECASE
    ),
    "hex_string": re.compile(r"(?<![0-9A-Za-z])(?=[0-9A-Fa-f]*\d)[0-9A-Fa-f]{16,}(?![0-9A-Za-z])"),
    "postcode": re.compile(r"(?<![A-Za-z0-9])[A-Z]{1,2}\d[A-Z\d]? ?\d[ABD-HJLNP-UW-Z]{2}(?!\w)"),
}

# Applied to check descriptions only (free text written by check code, where a name could
# slip in): two or more capitalised words in a row ("Amelia Smith"). Not applied to the
# rendered message, whose own wording ("Scorecard Test authority", "Data Docs") it would hit.
NAME_LIKE = re.compile(
    r"(?<![\w'-])[A-Z](?:'[A-Z])?[a-z]+(?:[ '-][A-Z](?:'[A-Z])?[a-z]+)+(?![\w'-])"
)

# Keys of check metadata that hold a count of what failed, in order of preference: the GX
# checks' failed expectations, dagster-dbt's failing rows, then generic names.
_COUNT_KEYS: tuple[tuple[str, str], ...] = (
    ("expectations_failed", "expectations failed"),
    ("dagster_dbt/failed_row_count", "failing rows"),
    ("failed_row_count", "failing rows"),
    ("failure_count", "failures"),
)
_INDICATOR_KEYS = ("indicator_code", "indicator_codes", "affected_indicators")
_DATA_DOCS_KEYS = ("data_docs_page",)
_INDICATOR_CODE = re.compile(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+")
_DESCRIPTION_LIMIT = 300
# Long digests are cut in the chat renderers: Slack allows 50 blocks, Teams about 28 KB.
_CHAT_ITEM_LIMIT = 15


@dataclass(frozen=True)
class CheckEvaluation:
    """One asset check result of a run, as read from the Dagster event log."""

    asset_key: str
    check_name: str
    passed: bool
    severity: str
    description: str | None = None
    metadata: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class FailedCheck:
    """A check that did not pass, with the count of what failed (never the failing values)."""

    asset_key: str
    check_name: str
    severity: str
    description: str
    failed_count: int | None = None
    count_label: str = ""
    indicator_codes: tuple[str, ...] = ()
    link: str | None = None


@dataclass(frozen=True)
class FindingSummary:
    """One row of ``marts.dq_findings``: a migration defect kind in one system's table."""

    defect_kind: str
    severity: str
    source_system: str
    table_name: str
    title: str
    child_count: int | None
    record_count: int
    affected_indicators: tuple[str, ...] = ()


@dataclass(frozen=True)
class Link:
    """A labelled URL or file path."""

    label: str
    target: str

    @property
    def is_url(self) -> bool:
        return self.target.startswith(("http://", "https://"))


@dataclass(frozen=True)
class Digest:
    """Everything an alert says about one run (counts, names, codes and links only)."""

    run_id: str
    job_name: str
    run_status: str
    la_label: str
    checks_evaluated: int
    checks_passed: int
    failed_checks: tuple[FailedCheck, ...]
    findings: tuple[FindingSummary, ...] = ()
    findings_available: bool = True
    failed_steps: tuple[str, ...] = ()
    links: tuple[Link, ...] = ()
    redactions: int = 0

    @property
    def short_run_id(self) -> str:
        return self.run_id[:8]

    @property
    def error_count(self) -> int:
        return sum(1 for check in self.failed_checks if check.severity == "ERROR")

    @property
    def warn_count(self) -> int:
        return len(self.failed_checks) - self.error_count

    @property
    def run_succeeded(self) -> bool:
        return self.run_status.upper() == "SUCCESS"

    @property
    def has_failures(self) -> bool:
        """A run that failed, a check that failed or a migration finding: worth an alert."""
        return not self.run_succeeded or bool(self.failed_checks) or bool(self.findings)

    @property
    def indicator_codes(self) -> tuple[str, ...]:
        """Indicator codes named by a failed check or affected by a finding, sorted."""
        codes = {code for check in self.failed_checks for code in check.indicator_codes}
        codes.update(code for finding in self.findings for code in finding.affected_indicators)
        return tuple(sorted(codes))

    @property
    def headline(self) -> str:
        parts = [
            f"{len(self.failed_checks)} failed check{'' if len(self.failed_checks) == 1 else 's'}"
            f" ({self.error_count} ERROR, {self.warn_count} WARN)"
        ]
        if self.findings:
            parts.append(
                f"{len(self.findings)} migration finding{'' if len(self.findings) == 1 else 's'}"
            )
        status = {"SUCCESS": "run succeeded", "FAILURE": "run failed"}.get(
            self.run_status.upper(), f"run {self.run_status.lower()}"
        )
        where = f" {self.la_label}" if self.la_label else ""
        return f"Scorecard{where}: {', '.join(parts)}; {status}"

    def trusted_strings(self) -> tuple[str, ...]:
        """Strings built by the pipeline, not from data, that the safety net lets through."""
        strings = {self.run_id, self.short_run_id, self.job_name}
        for check in self.failed_checks:
            strings.update((check.asset_key, check.check_name))
            if check.link:
                strings.add(check.link)
        strings.update(step for step in self.failed_steps)
        strings.update(link.target for link in self.links)
        return tuple(sorted((s for s in strings if s), key=len, reverse=True))


@dataclass(frozen=True)
class DeliveryResult:
    """What happened on one channel (the detail never holds a secret)."""

    channel: str
    ok: bool
    detail: str


class _TrustsStrings(Protocol):
    """An alert that names the strings its rendered messages may hold verbatim."""

    def trusted_strings(self) -> tuple[str, ...]: ...


class AlertDeliveryError(RuntimeError):
    """A channel could not deliver; the message says why, without the secret."""


# --- the safety net ---------------------------------------------------------------------


def _trusted_spans(text: str, trusted: Iterable[str]) -> list[tuple[int, int]]:
    spans = []
    for value in trusted:
        start = text.find(value)
        while start != -1:
            spans.append((start, start + len(value)))
            start = text.find(value, start + 1)
    return spans


def _identifier_matches(text: str, trusted: Iterable[str] = ()) -> list[tuple[int, int, str]]:
    """(start, end, kind) of every identifier-like token outside the trusted strings."""
    spans = _trusted_spans(text, trusted)
    hits: list[tuple[int, int, str]] = []
    for kind, pattern in IDENTIFIER_PATTERNS.items():
        for match in pattern.finditer(text):
            start, end = match.span()
            if any(low <= start and end <= high for low, high in spans):
                continue
            hits.append((start, end, kind))
    return hits


def find_identifiers(text: str, trusted: Iterable[str] = ()) -> list[str]:
    """The kinds of identifier-like tokens in ``text`` (outside ``trusted``), one per hit."""
    return [kind for _, _, kind in sorted(_identifier_matches(text, tuple(trusted)))]


def redact(text: str, trusted: Iterable[str] = ()) -> tuple[str, int]:
    """``text`` with every identifier-like token replaced by ``[redacted]``, and the count."""
    hits = sorted(_identifier_matches(text, tuple(trusted)))
    if not hits:
        return text, 0
    merged: list[list[int]] = []
    for start, end, _ in hits:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    pieces, cursor = [], 0
    for start, end in merged:
        pieces += [text[cursor:start], REDACTED]
        cursor = end
    pieces.append(text[cursor:])
    return "".join(pieces), len(merged)


def _json_strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield str(key)
            yield from _json_strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _json_strings(item)


# --- building the digest ----------------------------------------------------------------


def _as_int(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


def _indicator_codes(value: object) -> tuple[str, ...]:
    """Indicator codes from a metadata value or a ``; ``-joined column (codes only)."""
    if value is None:
        return ()
    items = value if isinstance(value, list | tuple) else re.split(r"[;,\s]+", str(value))
    return tuple(sorted({str(item) for item in items if _INDICATOR_CODE.fullmatch(str(item))}))


def _metadata_count(metadata: Mapping[str, object]) -> tuple[int | None, str]:
    for key, label in _COUNT_KEYS:
        count = _as_int(metadata.get(key))
        if count is not None:
            return count, label
    return None, ""


def _link_for(path_or_url: object, data_docs_dir: Path | None, data_docs_url: str | None) -> str:
    """A Data Docs page as a published URL when ``data_docs_url`` is set, else its path."""
    target = str(path_or_url)
    if data_docs_url and data_docs_dir is not None and not target.startswith("http"):
        try:
            relative = Path(target).resolve().relative_to(data_docs_dir.resolve())
        except ValueError:
            return target
        return f"{data_docs_url.rstrip('/')}/{relative.as_posix()}"
    return target


def _failed_check(
    evaluation: CheckEvaluation, data_docs_dir: Path | None, data_docs_url: str | None
) -> tuple[FailedCheck, int]:
    count, label = _metadata_count(evaluation.metadata)
    codes: set[str] = set()
    for key in _INDICATOR_KEYS:
        codes.update(_indicator_codes(evaluation.metadata.get(key)))
    link = next(
        (
            _link_for(evaluation.metadata[key], data_docs_dir, data_docs_url)
            for key in _DATA_DOCS_KEYS
            if evaluation.metadata.get(key)
        ),
        None,
    )
    trusted = (evaluation.asset_key, evaluation.check_name)
    raw_description = " ".join((evaluation.description or "").split())
    if len(raw_description) > _DESCRIPTION_LIMIT:
        raw_description = raw_description[: _DESCRIPTION_LIMIT - 1].rstrip() + "…"
    description, redactions = redact(raw_description, trusted)
    description, names = NAME_LIKE.subn(REDACTED, description)
    redactions += names
    return (
        FailedCheck(
            asset_key=evaluation.asset_key,
            check_name=evaluation.check_name,
            severity="ERROR" if evaluation.severity.upper() == "ERROR" else "WARN",
            description=description,
            failed_count=count,
            count_label=label,
            indicator_codes=tuple(sorted(codes)),
            link=link,
        ),
        redactions,
    )


def _clean_finding(finding: FindingSummary) -> tuple[FindingSummary, int]:
    total = 0
    cleaned = {}
    for name in ("defect_kind", "source_system", "table_name", "title"):
        cleaned[name], count = redact(str(getattr(finding, name) or ""))
        total += count
    return (
        replace(
            finding,
            severity="ERROR" if str(finding.severity).upper() == "ERROR" else "WARN",
            affected_indicators=_indicator_codes(list(finding.affected_indicators)),
            **cleaned,
        ),
        total,
    )


def build_digest(
    *,
    run_id: str,
    job_name: str,
    run_status: str,
    evaluations: Sequence[CheckEvaluation],
    findings: Sequence[FindingSummary] | None = None,
    failed_steps: Sequence[str] = (),
    la_label: str = "",
    dagster_url: str | None = None,
    data_docs_dir: Path | None = None,
    data_docs_url: str | None = None,
    reconciliation_report: str | None = None,
) -> Digest:
    """Assemble the digest of one run (redacting identifier-like tokens in free text).

    ``evaluations`` are the run's check results (the last one per check counts);
    ``findings`` None means ``marts.dq_findings`` could not be read (shown as such).
    """
    latest: dict[tuple[str, str], CheckEvaluation] = {}
    for evaluation in evaluations:
        latest[(evaluation.asset_key, evaluation.check_name)] = evaluation
    redactions = 0
    failed = []
    for evaluation in latest.values():
        if evaluation.passed:
            continue
        check, count = _failed_check(evaluation, data_docs_dir, data_docs_url)
        failed.append(check)
        redactions += count
    failed.sort(key=lambda c: (c.severity != "ERROR", c.asset_key, c.check_name))

    cleaned_findings = []
    for finding in findings or ():
        cleaned, count = _clean_finding(finding)
        cleaned_findings.append(cleaned)
        redactions += count
    cleaned_findings.sort(
        key=lambda f: (f.severity != "ERROR", -(f.child_count or 0), f.defect_kind, f.table_name)
    )

    label, count = redact(la_label)
    redactions += count
    links = []
    if dagster_url:
        links.append(Link("Dagster run", f"{dagster_url.rstrip('/')}/runs/{run_id}"))
    if data_docs_url:
        links.append(Link("Data Docs", f"{data_docs_url.rstrip('/')}/index.html"))
    elif data_docs_dir is not None and (data_docs_dir / "index.html").exists():
        links.append(Link("Data Docs", str(data_docs_dir / "index.html")))
    if reconciliation_report:
        links.append(Link("Reconciliation report", reconciliation_report))
    if redactions:
        logger.warning("alert digest: %d identifier-like token(s) redacted", redactions)
    return Digest(
        run_id=run_id,
        job_name=job_name,
        run_status=run_status.upper(),
        la_label=label,
        checks_evaluated=len(latest),
        checks_passed=sum(1 for e in latest.values() if e.passed),
        failed_checks=tuple(failed),
        findings=tuple(cleaned_findings),
        findings_available=findings is not None,
        failed_steps=tuple(sorted(set(failed_steps))),
        links=tuple(links),
        redactions=redactions,
    )


def should_send(digest: Digest, settings: AlertSettings) -> bool:
    """``send_when: always`` sends every digest; ``failures`` only one with failures."""
    return settings.send_when == "always" or digest.has_failures


# --- reading marts.dq_findings ----------------------------------------------------------

_FINDINGS_SQL = """
select defect_kind, severity, source_system, table_name, title,
       child_count, record_count, affected_indicators
from marts.dq_findings
order by defect_kind, source_system, table_name
"""


def read_findings(warehouse_path: Path) -> list[FindingSummary] | None:
    """The rows of ``marts.dq_findings`` (read-only), or None when it cannot be read.

    Only the summary columns are selected; a missing warehouse or table, or a warehouse
    another process is writing, is logged and skipped, never raised.
    """
    if not warehouse_path.exists():
        logger.info("alert digest: no warehouse at %s, findings skipped", warehouse_path)
        return None
    import duckdb  # only the processes that send alerts need it

    try:
        with duckdb.connect(str(warehouse_path), read_only=True) as connection:
            exists = connection.execute(
                "select count(*) from information_schema.tables "
                "where table_schema = 'marts' and table_name = 'dq_findings'"
            ).fetchone()[0]
            if not exists:
                logger.info("alert digest: marts.dq_findings not built yet, findings skipped")
                return None
            rows = connection.execute(_FINDINGS_SQL).fetchall()
    except duckdb.Error as exc:
        logger.warning("alert digest: cannot read marts.dq_findings (%s), findings skipped", exc)
        return None
    return [
        FindingSummary(
            defect_kind=str(kind),
            severity=str(severity or "WARN"),
            source_system=str(system or ""),
            table_name=str(table or ""),
            title=str(title or ""),
            child_count=_as_int(children),
            record_count=_as_int(records) or 0,
            affected_indicators=_indicator_codes(indicators),
        )
        for kind, severity, system, table, title, children, records, indicators in rows
    ]


# --- rendering --------------------------------------------------------------------------


def _count(value: int | None) -> str:
    return "n/a" if value is None else f"{value:,}"


def _check_line(check: FailedCheck) -> str:
    count = f" — {_count(check.failed_count)} {check.count_label}" if check.count_label else ""
    return f"{check.severity} {check.asset_key} · {check.check_name}{count}"


def _finding_line(finding: FindingSummary) -> str:
    children = "" if finding.child_count is None else f"{_count(finding.child_count)} children, "
    return (
        f"{finding.severity} {finding.defect_kind} in {finding.source_system}.{finding.table_name}"
        f" ({children}{_count(finding.record_count)} records)"
    )


def _summary_facts(digest: Digest) -> list[tuple[str, str]]:
    findings = (
        _count(len(digest.findings)) if digest.findings_available else "not available (skipped)"
    )
    facts = [
        ("Local authority", digest.la_label),
        ("Job", digest.job_name),
        ("Run", digest.run_id),
        ("Run status", digest.run_status),
        ("Checks evaluated", _count(digest.checks_evaluated)),
        ("Checks passed", _count(digest.checks_passed)),
        ("Failed checks", f"{digest.error_count} ERROR, {digest.warn_count} WARN"),
        ("Migration findings", findings),
    ]
    if digest.failed_steps:
        facts.append(("Failed steps", ", ".join(digest.failed_steps)))
    if digest.indicator_codes:
        facts.append(("Indicators affected", ", ".join(digest.indicator_codes)))
    if digest.redactions:
        facts.append(("Redacted tokens", _count(digest.redactions)))
    return facts


def email_subject(digest: Digest) -> str:
    return f"[scorecard] {digest.headline} (run {digest.short_run_id})"


def render_text(digest: Digest) -> str:
    """The plain-text email body."""
    lines = [digest.headline, ""]
    width = max(len(label) for label, _ in _summary_facts(digest))
    lines += [f"{label + ':':<{width + 1}} {value}" for label, value in _summary_facts(digest)]
    if digest.failed_checks:
        lines += ["", "Failed checks"]
        for check in digest.failed_checks:
            lines.append(f"- {_check_line(check)}")
            if check.description:
                lines.append(f"  {check.description}")
            if check.indicator_codes:
                lines.append(f"  Indicators: {', '.join(check.indicator_codes)}")
            if check.link:
                lines.append(f"  Data Docs: {check.link}")
    if digest.findings:
        lines += ["", "Migration findings (marts.dq_findings)"]
        for finding in digest.findings:
            lines.append(f"- {_finding_line(finding)}")
            if finding.title:
                lines.append(f"  {finding.title}")
            if finding.affected_indicators:
                lines.append(f"  Indicators: {', '.join(finding.affected_indicators)}")
    if digest.links:
        lines += ["", "Links"]
        lines += [f"- {link.label}: {link.target}" for link in digest.links]
    lines += [
        "",
        "Counts, codes and links only: no child's name, date of birth or identifier is ever "
        "sent. Open the links for the detail.",
    ]
    return "\n".join(lines) + "\n"


def _html_link(target: str, label: str | None = None) -> str:
    text = html.escape(label or target)
    if target.startswith(("http://", "https://")):
        return f'<a href="{html.escape(target, quote=True)}">{text}</a>'
    return f"<code>{html.escape(target)}</code>"


def render_html(digest: Digest) -> str:
    """The HTML email body (inline styles only: mail clients drop style sheets)."""
    esc = html.escape
    cell = 'style="padding:2px 8px;border-bottom:1px solid #ddd;text-align:left"'
    parts = [
        '<html><body style="font-family:Segoe UI,Arial,sans-serif">',
        f"<h2>{esc(digest.headline)}</h2>",
        "<table>",
        *(
            f"<tr><th {cell}>{esc(label)}</th><td {cell}>{esc(value)}</td></tr>"
            for label, value in _summary_facts(digest)
        ),
        "</table>",
    ]
    if digest.failed_checks:
        parts += [
            "<h3>Failed checks</h3>",
            f"<table><tr><th {cell}>Severity</th><th {cell}>Asset</th><th {cell}>Check</th>"
            f"<th {cell}>Failed</th><th {cell}>Description</th><th {cell}>Indicators</th>"
            f"<th {cell}>Data Docs</th></tr>",
        ]
        for check in digest.failed_checks:
            failed = (
                f"{_count(check.failed_count)} {check.count_label}" if check.count_label else ""
            )
            parts.append(
                f"<tr><td {cell}>{esc(check.severity)}</td><td {cell}>{esc(check.asset_key)}</td>"
                f"<td {cell}>{esc(check.check_name)}</td><td {cell}>{esc(failed)}</td>"
                f"<td {cell}>{esc(check.description)}</td>"
                f"<td {cell}>{esc(', '.join(check.indicator_codes))}</td>"
                f"<td {cell}>{_html_link(check.link, 'page') if check.link else ''}</td></tr>"
            )
        parts.append("</table>")
    if digest.findings:
        parts += [
            "<h3>Migration findings</h3>",
            f"<table><tr><th {cell}>Severity</th><th {cell}>Kind</th><th {cell}>Where</th>"
            f"<th {cell}>Children</th><th {cell}>Records</th><th {cell}>What</th>"
            f"<th {cell}>Indicators</th></tr>",
        ]
        for finding in digest.findings:
            parts.append(
                f"<tr><td {cell}>{esc(finding.severity)}</td><td {cell}>{esc(finding.defect_kind)}"
                f"</td><td {cell}>{esc(finding.source_system)}.{esc(finding.table_name)}</td>"
                f"<td {cell}>{_count(finding.child_count)}</td>"
                f"<td {cell}>{_count(finding.record_count)}</td>"
                f"<td {cell}>{esc(finding.title)}</td>"
                f"<td {cell}>{esc(', '.join(finding.affected_indicators))}</td></tr>"
            )
        parts.append("</table>")
    if digest.links:
        parts.append("<h3>Links</h3><ul>")
        parts += [f"<li>{esc(link.label)}: {_html_link(link.target)}</li>" for link in digest.links]
        parts.append("</ul>")
    parts.append(
        '<p style="color:#666">Counts, codes and links only: no child\'s name, date of birth '
        "or identifier is ever sent.</p></body></html>"
    )
    return "\n".join(parts)


def _more(total: int, shown: int) -> str:
    return f"… and {total - shown} more (see the email or the Dagster run)" if total > shown else ""


def _teams_colour(digest: Digest) -> str:
    if digest.error_count or not digest.run_succeeded:
        return "Attention"
    return "Warning" if digest.has_failures else "Good"


def teams_message(card: dict) -> dict:
    """A Teams webhook message carrying one Adaptive Card."""
    return {
        "type": "message",
        "attachments": [
            {
                "contentType": "application/vnd.microsoft.card.adaptive",
                "contentUrl": None,
                "content": card,
            }
        ],
    }


def render_teams(digest: Digest) -> dict:
    """A Teams message with one Adaptive Card (v1.4), as Teams Workflows webhooks accept.

    Workflows ("When a Teams webhook request is received") take Adaptive Cards only, in the
    ``{"type": "message", "attachments": [...]}`` envelope; old Office 365 connector
    webhooks accept the same envelope.
    """
    body: list[dict] = [
        {
            "type": "TextBlock",
            "text": digest.headline,
            "weight": "Bolder",
            "size": "Medium",
            "wrap": True,
            "color": _teams_colour(digest),
        },
        {
            "type": "FactSet",
            "facts": [{"title": label, "value": value} for label, value in _summary_facts(digest)],
        },
    ]
    if digest.failed_checks:
        shown = digest.failed_checks[:_CHAT_ITEM_LIMIT]
        body.append(
            {"type": "TextBlock", "text": "Failed checks", "weight": "Bolder", "wrap": True}
        )
        for check in shown:
            text = f"**{_check_line(check)}**"
            if check.description:
                text += f"\n\n{check.description}"
            if check.indicator_codes:
                text += f"\n\nIndicators: {', '.join(check.indicator_codes)}"
            if check.link:
                text += f"\n\nData Docs: {check.link}"
            body.append({"type": "TextBlock", "text": text, "wrap": True, "separator": True})
        if more := _more(len(digest.failed_checks), len(shown)):
            body.append({"type": "TextBlock", "text": more, "wrap": True, "isSubtle": True})
    if digest.findings:
        shown_findings = digest.findings[:_CHAT_ITEM_LIMIT]
        body.append(
            {"type": "TextBlock", "text": "Migration findings", "weight": "Bolder", "wrap": True}
        )
        for finding in shown_findings:
            text = f"**{_finding_line(finding)}**"
            if finding.title:
                text += f"\n\n{finding.title}"
            if finding.affected_indicators:
                text += f"\n\nIndicators: {', '.join(finding.affected_indicators)}"
            body.append({"type": "TextBlock", "text": text, "wrap": True, "separator": True})
        if more := _more(len(digest.findings), len(shown_findings)):
            body.append({"type": "TextBlock", "text": more, "wrap": True, "isSubtle": True})
    local_links = [link for link in digest.links if not link.is_url]
    if local_links:
        body.append(
            {
                "type": "TextBlock",
                "text": "\n\n".join(f"{link.label}: {link.target}" for link in local_links),
                "wrap": True,
                "isSubtle": True,
            }
        )
    card = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "msteams": {"width": "Full"},
        "body": body,
        "actions": [
            {"type": "Action.OpenUrl", "title": link.label, "url": link.target}
            for link in digest.links
            if link.is_url
        ],
    }
    return teams_message(card)


def _slack_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _slack_link(link: Link) -> str:
    if link.is_url:
        return f"<{link.target}|{_slack_escape(link.label)}>"
    return f"{_slack_escape(link.label)}: `{_slack_escape(link.target)}`"


def render_slack(digest: Digest) -> dict:
    """A Slack incoming-webhook payload: ``text`` (the notification fallback) and blocks."""
    blocks: list[dict] = [
        {"type": "header", "text": {"type": "plain_text", "text": digest.headline[:150]}},
        {
            "type": "section",
            "text": {
                "type": "mrkdwn",
                "text": "\n".join(
                    f"*{_slack_escape(label)}:* {_slack_escape(value)}"
                    for label, value in _summary_facts(digest)
                ),
            },
        },
    ]
    if digest.failed_checks:
        shown = digest.failed_checks[:_CHAT_ITEM_LIMIT]
        lines = []
        for check in shown:
            line = f"• *{_slack_escape(_check_line(check))}*"
            if check.description:
                line += f"\n    {_slack_escape(check.description)}"
            if check.indicator_codes:
                line += f"\n    Indicators: {', '.join(check.indicator_codes)}"
            if check.link:
                line += f"\n    {_slack_link(Link('Data Docs', check.link))}"
            lines.append(line)
        if more := _more(len(digest.failed_checks), len(shown)):
            lines.append(f"_{more}_")
        blocks.append({"type": "divider"})
        blocks.append(
            {
                "type": "section",
                "text": {"type": "mrkdwn", "text": ("*Failed checks*\n" + "\n".join(lines))[:3000]},
            }
        )
    if digest.findings:
        shown_findings = digest.findings[:_CHAT_ITEM_LIMIT]
        lines = []
        for finding in shown_findings:
            line = f"• *{_slack_escape(_finding_line(finding))}*"
            if finding.title:
                line += f"\n    {_slack_escape(finding.title)}"
            if finding.affected_indicators:
                line += f"\n    Indicators: {', '.join(finding.affected_indicators)}"
            lines.append(line)
        if more := _more(len(digest.findings), len(shown_findings)):
            lines.append(f"_{more}_")
        blocks.append({"type": "divider"})
        blocks.append(
            {
                "type": "section",
                "text": {
                    "type": "mrkdwn",
                    "text": ("*Migration findings*\n" + "\n".join(lines))[:3000],
                },
            }
        )
    if digest.links:
        blocks.append(
            {
                "type": "context",
                "elements": [
                    {"type": "mrkdwn", "text": _slack_link(link)} for link in digest.links[:10]
                ],
            }
        )
    return {"text": digest.headline, "blocks": blocks}


# --- delivery ---------------------------------------------------------------------------


def _refuse_identifiers(channel: str, texts: Iterable[str], digest: _TrustsStrings) -> None:
    trusted = digest.trusted_strings()
    kinds = [kind for text in texts for kind in find_identifiers(text, trusted)]
    if kinds:
        raise AlertDeliveryError(
            f"refused to send: the rendered {channel} message holds {len(kinds)} "
            f"identifier-like token(s) ({', '.join(sorted(set(kinds)))})"
        )


def _secret(environ: Mapping[str, str], name: str, what: str) -> str:
    value = environ.get(name, "")
    if not value:
        raise AlertDeliveryError(f"environment variable {name} ({what}) is not set")
    return value


def build_email(digest: Digest, email: EmailAlerts) -> EmailMessage:
    """The multipart (plain text + HTML) email message."""
    message = EmailMessage()
    message["Subject"] = email_subject(digest)
    message["From"] = email.sender
    message["To"] = ", ".join(email.recipients)
    message.set_content(render_text(digest))
    message.add_alternative(render_html(digest), subtype="html")
    return message


def send_email(
    digest: Digest, email: EmailAlerts, environ: Mapping[str, str], timeout: float
) -> str:
    """Send the digest by SMTP (STARTTLS and login when configured); returns a summary."""
    message = build_email(digest, email)
    _refuse_identifiers(
        "email", (email_subject(digest), render_text(digest), render_html(digest)), digest
    )
    return _send_smtp(message, email, environ, timeout)


def _send_smtp(
    message: EmailMessage, email: EmailAlerts, environ: Mapping[str, str], timeout: float
) -> str:
    """Send a built message by SMTP (STARTTLS and login when configured); returns a summary."""
    username = password = None
    if email.username_env and email.password_env:
        username = _secret(environ, email.username_env, "SMTP user name")
        password = _secret(environ, email.password_env, "SMTP password")
    try:
        with smtplib.SMTP(email.smtp_host, email.smtp_port, timeout=timeout) as smtp:
            smtp.ehlo()
            if email.use_starttls:
                smtp.starttls(context=ssl.create_default_context())
                smtp.ehlo()
            if username is not None and password is not None:
                if not email.use_starttls:
                    logger.warning("alert email: logging in to %s without TLS", email.smtp_host)
                smtp.login(username, password)
            refused = smtp.send_message(message)
    except smtplib.SMTPException as exc:
        raise AlertDeliveryError(
            f"SMTP {email.smtp_host}:{email.smtp_port}: {type(exc).__name__}: {exc}"
        ) from exc
    except OSError as exc:
        raise AlertDeliveryError(
            f"SMTP {email.smtp_host}:{email.smtp_port}: cannot connect ({exc})"
        ) from exc
    accepted = len(email.recipients) - len(refused)
    detail = f"sent to {accepted} of {len(email.recipients)} recipient(s)"
    if refused:
        raise AlertDeliveryError(f"{detail}; refused: {', '.join(sorted(refused))}")
    return detail


def post_json(url: str, payload: dict, timeout: float) -> int:
    """POST ``payload`` as JSON; returns the HTTP status (errors never show the URL)."""
    if not url.startswith(("https://", "http://")):
        raise AlertDeliveryError("webhook URL must start with https://")
    request = urllib.request.Request(
        url,
        data=json.dumps(payload).encode("utf-8"),
        headers={"Content-Type": "application/json; charset=utf-8"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            response.read()
            return int(response.status)
    except urllib.error.HTTPError as exc:
        body = exc.read(300).decode("utf-8", "replace").strip()
        raise AlertDeliveryError(
            f"webhook answered HTTP {exc.code} {exc.reason}" + (f": {body}" if body else "")
        ) from exc
    except urllib.error.URLError as exc:
        raise AlertDeliveryError(f"webhook unreachable ({exc.reason})") from exc
    except TimeoutError as exc:
        raise AlertDeliveryError(f"webhook timed out after {timeout:g} s") from exc


def send_webhook(
    channel: str,
    digest: Digest,
    webhook: WebhookAlerts,
    environ: Mapping[str, str],
    timeout: float,
) -> str:
    """Post the Teams or Slack rendering of the digest; returns a summary."""
    payload = render_teams(digest) if channel == "teams" else render_slack(digest)
    _refuse_identifiers(channel, _json_strings(payload), digest)
    url = _secret(environ, webhook.webhook_url_env, f"{channel} webhook URL")
    status = post_json(url, payload, timeout)
    return f"posted (HTTP {status})"


def deliver(
    digest: Digest, settings: AlertSettings, environ: Mapping[str, str]
) -> list[DeliveryResult]:
    """Send the digest to every configured channel; one failing never stops the others.

    Every outcome is logged and returned (``ok`` False with the reason for a failure).
    Secrets come from ``environ`` (pass ``os.environ``) under the configured names.
    """
    senders = {
        "email": lambda: send_email(digest, settings.email, environ, settings.timeout_seconds),
        "teams": lambda: send_webhook(
            "teams", digest, settings.teams, environ, settings.timeout_seconds
        ),
        "slack": lambda: send_webhook(
            "slack", digest, settings.slack, environ, settings.timeout_seconds
        ),
    }
    return _deliver_each(senders, settings.channels)


def _deliver_each(
    senders: Mapping[str, Callable[[], str]], channels: Iterable[str]
) -> list[DeliveryResult]:
    """Call the sender of each channel; one failing never stops the others."""
    results = []
    for channel in channels:
        try:
            detail = senders[channel]()
        except AlertDeliveryError as exc:
            logger.error("alert %s failed: %s", channel, exc)
            results.append(DeliveryResult(channel, False, str(exc)))
        except Exception as exc:  # a bug in one channel must not silence the others
            logger.exception("alert %s failed unexpectedly", channel)
            results.append(DeliveryResult(channel, False, f"{type(exc).__name__}: {exc}"))
        else:
            logger.info("alert %s: %s", channel, detail)
            results.append(DeliveryResult(channel, True, detail))
    return results


# --- the run-failure alert --------------------------------------------------------------
#
# Sent when any run of the code location fails (``orchestration.defs.operations``), to the
# same channels as the digest. It says which job and run failed, links to the run, names
# the failed steps and the error classes, and carries the error message only once it is
# clean: an error message can quote values from an extract, so it is cut to its first
# lines, quoted literals, identifier-like tokens and name-like word runs are replaced by
# ``[redacted]``, and if the scan still finds an identifier-like token the message is
# withheld altogether ("see the run in Dagster"). The rendered messages then pass the same
# send-time net as the digest.

_ERROR_MESSAGE_LIMIT = 300
_ERROR_MESSAGE_LINES = 3
_QUOTED_LITERAL = re.compile(r"'[^'\n]*'|\"[^\"\n]*\"|`[^`\n]*`")
# Upper-case word runs ("SMITH AMELIA"), as some systems write names; error messages only.
UPPER_NAME_LIKE = re.compile(r"(?<![\w'-])[A-Z]{2,}(?:[ '-][A-Z]{2,})+(?![\w'-])")
_WITHHELD = "withheld: it could not be cleared of identifier-like values (see the run)"


@dataclass(frozen=True)
class RunFailureAlert:
    """What a run-failure alert says (names, classes, links and a cleaned message only)."""

    run_id: str
    job_name: str
    la_label: str
    failed_steps: tuple[str, ...] = ()
    error_classes: tuple[str, ...] = ()
    error_message: str | None = None
    message_withheld: bool = False
    partition_key: str | None = None
    run_link: str | None = None
    redactions: int = 0
    extra_trusted: tuple[str, ...] = ()

    @property
    def short_run_id(self) -> str:
        return self.run_id[:8]

    @property
    def headline(self) -> str:
        where = f" {self.la_label}" if self.la_label else ""
        what = f" ({', '.join(self.error_classes)})" if self.error_classes else ""
        return f"Scorecard{where}: run of {self.job_name} failed{what}"

    def facts(self) -> list[tuple[str, str]]:
        """The label/value lines every rendering shows."""
        facts = [("Local authority", self.la_label), ("Job", self.job_name), ("Run", self.run_id)]
        if self.partition_key:
            facts.append(("Partition", self.partition_key))
        facts.append(("Failed steps", ", ".join(self.failed_steps) or "none recorded"))
        facts.append(("Error", ", ".join(self.error_classes) or "unknown"))
        if self.error_message:
            facts.append(("Message", self.error_message))
        elif self.message_withheld:
            facts.append(("Message", _WITHHELD))
        if self.run_link:
            facts.append(("Dagster run", self.run_link))
        return facts

    def trusted_strings(self) -> tuple[str, ...]:
        """Strings built by the pipeline, not from data, that the safety net lets through."""
        strings = {self.run_id, self.short_run_id, self.job_name, self.partition_key or ""}
        strings.update(self.failed_steps)
        strings.update(self.error_classes)
        strings.update(self.extra_trusted)
        if self.run_link:
            strings.add(self.run_link)
        return tuple(sorted((s for s in strings if s), key=len, reverse=True))


def clean_error_message(
    message: str | None, trusted: Iterable[str] = ()
) -> tuple[str | None, int, bool]:
    """``(cleaned, redactions, withheld)`` for an error message that may quote extract values.

    The first lines only (no stack trace), at most 300 characters; quoted literals, every
    identifier-like token (``IDENTIFIER_PATTERNS``) and name-like word runs become
    ``[redacted]``. If a token is still found afterwards, nothing is returned (withheld).
    """
    if not message or not message.strip():
        return None, 0, False
    trusted = tuple(trusted)
    lines = [line.strip() for line in message.strip().splitlines() if line.strip()]
    text = " ".join(lines[:_ERROR_MESSAGE_LINES])
    if len(text) > _ERROR_MESSAGE_LIMIT:
        text = text[: _ERROR_MESSAGE_LIMIT - 1].rstrip() + "…"
    text, quoted = _QUOTED_LITERAL.subn(REDACTED, text)
    text, tokens = redact(text, trusted)
    text, names = NAME_LIKE.subn(REDACTED, text)
    text, upper = UPPER_NAME_LIKE.subn(REDACTED, text)
    if find_identifiers(text, trusted):
        return None, quoted + tokens + names + upper, True
    return text, quoted + tokens + names + upper, False


def build_run_failure_alert(
    *,
    run_id: str,
    job_name: str,
    failed_steps: Sequence[str] = (),
    error_classes: Sequence[str] = (),
    error_message: str | None = None,
    partition_key: str | None = None,
    la_label: str = "",
    dagster_url: str | None = None,
    trusted: Sequence[str] = (),
) -> RunFailureAlert:
    """Assemble a run-failure alert; ``error_message`` is cleaned or withheld.

    ``trusted``: strings from the configuration, not from data (e.g. the as_of_date), that
    the message may hold verbatim.
    """
    classes = tuple(dict.fromkeys(c for c in error_classes if re.fullmatch(r"[\w.]+", c)))
    steps = tuple(sorted(set(failed_steps)))
    exempt = (run_id, job_name, *steps, *classes, *(trusted or ()), partition_key or "")
    message, redactions, withheld = clean_error_message(error_message, [s for s in exempt if s])
    label, count = redact(la_label)
    redactions += count
    if redactions:
        logger.warning("run-failure alert: %d identifier-like token(s) redacted", redactions)
    if withheld:
        logger.warning("run-failure alert: the error message was withheld")
    return RunFailureAlert(
        run_id=run_id,
        job_name=job_name,
        la_label=label,
        failed_steps=steps,
        error_classes=classes,
        error_message=message,
        message_withheld=withheld,
        partition_key=partition_key,
        run_link=f"{dagster_url.rstrip('/')}/runs/{run_id}" if dagster_url else None,
        redactions=redactions,
        extra_trusted=tuple(s for s in trusted if s),
    )


def run_failure_subject(alert: RunFailureAlert) -> str:
    return f"[scorecard] {alert.headline} (run {alert.short_run_id})"


def render_run_failure_text(alert: RunFailureAlert) -> str:
    """The plain-text email body of a run-failure alert."""
    width = max(len(label) for label, _ in alert.facts())
    lines = [alert.headline, ""]
    lines += [f"{label + ':':<{width + 1}} {value}" for label, value in alert.facts()]
    lines += ["", "Open the run in Dagster for the full error and the logs."]
    return "\n".join(lines) + "\n"


def render_run_failure_html(alert: RunFailureAlert) -> str:
    """The HTML email body of a run-failure alert."""
    cell = 'style="padding:2px 8px;border-bottom:1px solid #ddd;text-align:left"'
    rows = [
        f"<tr><th {cell}>{html.escape(label)}</th><td {cell}>"
        + (_html_link(value) if label == "Dagster run" else html.escape(value))
        + "</td></tr>"
        for label, value in alert.facts()
    ]
    return "\n".join(
        [
            '<html><body style="font-family:Segoe UI,Arial,sans-serif">',
            f"<h2>{html.escape(alert.headline)}</h2>",
            "<table>",
            *rows,
            "</table>",
            '<p style="color:#666">Open the run in Dagster for the full error and the logs.</p>',
            "</body></html>",
        ]
    )


def render_run_failure_teams(alert: RunFailureAlert) -> dict:
    """A Teams message with one Adaptive Card, as :func:`render_teams` sends the digest."""
    facts = [{"title": label, "value": value} for label, value in alert.facts()]
    card = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "msteams": {"width": "Full"},
        "body": [
            {
                "type": "TextBlock",
                "text": alert.headline,
                "weight": "Bolder",
                "size": "Medium",
                "wrap": True,
                "color": "Attention",
            },
            {"type": "FactSet", "facts": facts},
        ],
        "actions": [{"type": "Action.OpenUrl", "title": "Dagster run", "url": alert.run_link}]
        if alert.run_link
        else [],
    }
    return teams_message(card)


def render_run_failure_slack(alert: RunFailureAlert) -> dict:
    """A Slack incoming-webhook payload for a run-failure alert."""
    lines = [
        f"*{_slack_escape(label)}:* "
        + (_slack_link(Link("open", value)) if label == "Dagster run" else _slack_escape(value))
        for label, value in alert.facts()
    ]
    return {
        "text": alert.headline,
        "blocks": [
            {"type": "header", "text": {"type": "plain_text", "text": alert.headline[:150]}},
            {"type": "section", "text": {"type": "mrkdwn", "text": "\n".join(lines)[:3000]}},
        ],
    }


def _send_run_failure_email(
    alert: RunFailureAlert, email: EmailAlerts, environ: Mapping[str, str], timeout: float
) -> str:
    subject = run_failure_subject(alert)
    text = render_run_failure_text(alert)
    rich = render_run_failure_html(alert)
    _refuse_identifiers("email", (subject, text, rich), alert)
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = email.sender
    message["To"] = ", ".join(email.recipients)
    message.set_content(text)
    message.add_alternative(rich, subtype="html")
    return _send_smtp(message, email, environ, timeout)


def _send_run_failure_webhook(
    channel: str,
    alert: RunFailureAlert,
    webhook: WebhookAlerts,
    environ: Mapping[str, str],
    timeout: float,
) -> str:
    payload = (
        render_run_failure_teams(alert) if channel == "teams" else render_run_failure_slack(alert)
    )
    _refuse_identifiers(channel, _json_strings(payload), alert)
    url = _secret(environ, webhook.webhook_url_env, f"{channel} webhook URL")
    return f"posted (HTTP {post_json(url, payload, timeout)})"


def deliver_run_failure(
    alert: RunFailureAlert, settings: AlertSettings, environ: Mapping[str, str]
) -> list[DeliveryResult]:
    """Send a run-failure alert to every configured channel, like :func:`deliver`."""
    timeout = settings.timeout_seconds
    senders = {
        "email": lambda: _send_run_failure_email(alert, settings.email, environ, timeout),
        "teams": lambda: _send_run_failure_webhook(
            "teams", alert, settings.teams, environ, timeout
        ),
        "slack": lambda: _send_run_failure_webhook(
            "slack", alert, settings.slack, environ, timeout
        ),
    }
    return _deliver_each(senders, settings.channels)
