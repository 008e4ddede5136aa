"""The migration reconciliation report (orchestration/lib/reconciliation_report.py) and its
publish asset (orchestration/defs/publish/reconciliation.py) on hand-made rows."""

from __future__ import annotations

import datetime as dt
import re
from contextlib import closing
from html.parser import HTMLParser
from pathlib import Path

import dagster as dg
import duckdb
import pytest
import yaml

from orchestration.defs.publish.reconciliation import (
    REPORT_FILE_NAME,
    migration_reconciliation_report,
    read_findings,
    write_atomically,
)
from orchestration.defs.resources import ScorecardConfigResource
from orchestration.lib.pseudonymise import PSEUDONYM_KEY_ENV_VAR, pseudonymise
from orchestration.lib.reconciliation_report import (
    ReportMetadata,
    count_text,
    months_text,
    render_reconciliation_report,
)
from tests.unit.minimal_config import MINIMAL_CONFIG

SECRET = "unit-test-secret-key-0001"
METADATA = ReportMetadata(
    la_code="823",
    la_name="Synthetic Unitary",
    as_of_date=dt.date(2026, 10, 31),
    generated_at=dt.datetime(2026, 12, 1, 9, 30),
    systems=("carefirst", "liquid_logic"),
)
MISSING_KEYS = tuple(f"carefirst:{number}" for number in (1001, 1002, 1003, 1004, 1005, 1006))
MISSING_IDS = ("1001", "1002", "1003", "1004", "1005", "1006")
TEST_KEYS = ("liquid_logic:P12345678901", "liquid_logic:P98765432109")


def finding(
    kind: str,
    system: str,
    table: str,
    severity: str,
    child_count: int | None,
    record_count: int,
    indicators: str = "",
    first: dt.date = dt.date(2021, 7, 31),
    last: dt.date = dt.date(2026, 10, 31),
    months: int = 64,
) -> dict[str, object]:
    return {
        "finding_id": f"{kind}:{system}:{table}",
        "defect_kind": kind,
        "source_system": system,
        "table_name": table,
        "severity": severity,
        "title": f"Title of {kind}",
        "what_it_means": f"Meaning of {kind}",
        "what_to_do": f"Advice for {kind}",
        "child_count": child_count,
        "record_count": record_count,
        "first_affected_month": first,
        "last_affected_month": last,
        "affected_month_count": months,
        "affected_indicators": indicators,
    }


FINDINGS = [
    finding(
        "test_records",
        "liquid_logic",
        "ssd_person",
        "ERROR",
        2,
        3,
        "CLA_COUNT; CLA_RATE_PER_10K",
    ),
    finding(
        "missing_open_children",
        "carefirst",
        "ssd_person",
        "ERROR",
        6,
        6,
        "CIN_RATE_PER_10K; CLA_COUNT",
    ),
    finding(
        "recording_cliff",
        "liquid_logic",
        "ssd_cla_visits",
        "ERROR",
        None,
        412,
        "CLA_VISITS_IN_TIME",
        dt.date(2021, 7, 31),
        dt.date(2021, 9, 30),
        3,
    ),
    finding(
        "truncated_history",
        "liquid_logic",
        "ssd_cla_placement",
        "WARN",
        37,
        120,
        "",
        dt.date(2016, 4, 30),
        dt.date(2021, 6, 30),
        63,
    ),
]


class Page(HTMLParser):
    """Collects tags, attributes, section ids and text of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str | None]] = []
        self.section_ids: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes.extend(attrs)
        if tag == "section":
            self.section_ids.extend(value or "" for name, value in attrs if name == "id")

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(page: str) -> Page:
    parser = Page()
    parser.feed(page)
    parser.close()
    return parser


def examples_for(key: bytes) -> dict[str, list[str]]:
    return {
        "missing_open_children:carefirst:ssd_person": [
            pseudonymise(child, key) for child in MISSING_KEYS
        ],
        "test_records:liquid_logic:ssd_person": [pseudonymise(child, key) for child in TEST_KEYS],
    }


def assert_self_contained(page: Page) -> None:
    assert not {"script", "link", "img", "iframe", "object", "embed"} & set(page.tags)
    for name, value in page.attributes:
        assert name not in {"src", "srcset"}
        if name == "href":
            assert value is not None and value.startswith("#")
    assert "url(" not in "".join(page.text)


def test_count_and_month_texts() -> None:
    assert [count_text(value) for value in (None, 0, 1, 4, 5, 12_345)] == [
        "not applicable",
        "0",
        "fewer than 5",
        "fewer than 5",
        "5",
        "12,345",
    ]
    assert months_text(dt.date(2021, 7, 31), dt.date(2026, 10, 31), 64) == (
        "July 2021 to October 2026 (64 months)"
    )
    assert months_text("2021-07-31", "2021-07-31", 1) == "July 2021 (1 month)"
    assert months_text(None, None, None) == "none"


def test_report_has_summary_sections_counts_and_advice() -> None:
    key = SECRET.encode()
    html = render_reconciliation_report(FINDINGS, examples_for(key), METADATA)
    page = parse(html)
    text = " ".join(" ".join(page.text).split())
    assert page.tags[0] == "html"
    assert page.section_ids == [
        "summary",
        "kind-missing_open_children",
        "kind-recording_cliff",
        "kind-test_records",
        "kind-truncated_history",
    ]
    assert "4 findings of 4 kinds: 3 ERROR" in text
    assert "1 WARN" in text
    for kind in ("missing_open_children", "test_records", "recording_cliff", "truncated_history"):
        assert f"Meaning of {kind}" in text
        assert f"Advice for {kind}" in text
    # Child and record counts 1-4 are suppressed; larger counts are shown.
    numbers = re.findall(r'<td class="number">([^<]*)</td>', html)
    assert set(numbers) == {"fewer than 5", "6", "not applicable", "412", "37", "120"}
    assert numbers.count("fewer than 5") == 4  # test records: 2 children, 3 records, twice
    assert "July 2021 to September 2021 (3 months)" in text
    assert "CLA_VISITS_IN_TIME" in text
    assert "None of the published indicators." in text
    assert "Synthetic Unitary (LA 823)" in text
    # At most five example pseudonyms per finding.
    missing = [pseudonymise(child, key) for child in MISSING_KEYS]
    assert sum(value in html for value in missing) == 5
    assert all(pseudonymise(child, key) in html for child in TEST_KEYS)
    assert "ERROR" in text
    assert "WARN" in text
    assert_self_contained(page)


def test_no_raw_id_or_child_key_reaches_the_page() -> None:
    html = render_reconciliation_report(FINDINGS, examples_for(SECRET.encode()), METADATA)
    for raw in (*MISSING_KEYS, *MISSING_IDS, *TEST_KEYS, "P12345678901", "P98765432109"):
        assert raw not in html
    with pytest.raises(ValueError, match="not a pseudonym"):
        render_reconciliation_report(
            FINDINGS, {"test_records:liquid_logic:ssd_person": ["liquid_logic:P1"]}, METADATA
        )


def test_clean_state_message() -> None:
    page = parse(render_reconciliation_report([], {}, METADATA))
    text = " ".join(" ".join(page.text).split())
    assert "No migration gaps found" in text
    assert page.section_ids == ["summary"]
    assert "table" not in page.tags
    assert_self_contained(page)


# -- the publish asset ----------------------------------------------------------------------


def make_warehouse(path: Path, *, with_findings: bool = True) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with closing(duckdb.connect(str(path))) as connection:
        connection.execute("create schema if not exists intermediate")
        connection.execute("create schema if not exists marts")
        connection.execute(
            "create table intermediate.int_dq_finding_records (defect_kind varchar, "
            "source_system varchar, table_name varchar, child_key varchar, person_id varchar, "
            "record_id varchar, affected_from date, affected_to date, detail varchar)"
        )
        connection.execute(
            "create table marts.dq_findings (finding_id varchar, defect_kind varchar, "
            "source_system varchar, table_name varchar, severity varchar, title varchar, "
            "what_it_means varchar, what_to_do varchar, child_count bigint, "
            "record_count bigint, first_affected_month date, last_affected_month date, "
            "affected_month_count integer, affected_indicators varchar)"
        )
        if not with_findings:
            return
        for child_key, person_id in zip(MISSING_KEYS, MISSING_IDS, strict=True):
            connection.execute(
                "insert into intermediate.int_dq_finding_records values ('missing_open_children', "
                "'carefirst', 'ssd_person', ?, ?, ?, date '2021-07-31', null, "
                "'open at cutover, not migrated')",
                [child_key, person_id, person_id],
            )
        for child_key in TEST_KEYS:
            person_id = child_key.split(":")[1]
            connection.execute(
                "insert into intermediate.int_dq_finding_records values ('test_records', "
                "'liquid_logic', 'ssd_person', ?, ?, ?, date '2021-07-31', null, 'test record')",
                [child_key, person_id, person_id],
            )
        connection.execute(
            "insert into intermediate.int_dq_finding_records values ('recording_cliff', "
            "'liquid_logic', 'ssd_cla_visits', null, null, null, date '2021-07-31', "
            "date '2021-09-30', 'visits down')"
        )
        columns = list(FINDINGS[0])
        for row in FINDINGS[:3]:
            connection.execute(
                f"insert into marts.dq_findings ({', '.join(columns)}) "
                f"values ({', '.join('?' for _ in columns)})",
                [row[column] for column in columns],
            )


def write_config(folder: Path) -> Path:
    path = folder / "scorecard.yaml"
    path.write_text(yaml.safe_dump(MINIMAL_CONFIG), encoding="utf-8")
    return path


def test_read_findings_pseudonymises_five_examples(tmp_path: Path) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    make_warehouse(warehouse)
    key = SECRET.encode()
    findings, examples = read_findings(warehouse, key)
    assert [row["finding_id"] for row in findings] == [
        "missing_open_children:carefirst:ssd_person",
        "recording_cliff:liquid_logic:ssd_cla_visits",
        "test_records:liquid_logic:ssd_person",
    ]
    assert examples == {
        "missing_open_children:carefirst:ssd_person": [
            pseudonymise(child, key) for child in MISSING_KEYS[:5]
        ],
        "test_records:liquid_logic:ssd_person": [pseudonymise(child, key) for child in TEST_KEYS],
    }


def test_write_atomically_replaces_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "out" / "report.html"
    write_atomically(target, "first")
    write_atomically(target, "second")
    assert target.read_text(encoding="utf-8") == "second"
    assert [path.name for path in target.parent.iterdir()] == ["report.html"]


def test_asset_materializes_the_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PSEUDONYM_KEY_ENV_VAR, SECRET)
    config_path = write_config(tmp_path)
    make_warehouse(tmp_path / "wh" / "warehouse.duckdb")
    result = dg.materialize(
        [migration_reconciliation_report],
        resources={"scorecard_config": ScorecardConfigResource(config_path=str(config_path))},
    )
    assert result.success
    report = tmp_path / "out" / REPORT_FILE_NAME
    html = report.read_text(encoding="utf-8")
    page = parse(html)
    assert page.section_ids == [
        "summary",
        "kind-missing_open_children",
        "kind-recording_cliff",
        "kind-test_records",
    ]
    assert pseudonymise(MISSING_KEYS[0], SECRET.encode()) in html
    for raw in (*MISSING_KEYS, *TEST_KEYS, "P12345678901"):
        assert raw not in html
    assert_self_contained(page)
    (materialization,) = result.asset_materializations_for_node(
        "publish__migration_reconciliation_report"
    )
    assert materialization.metadata["findings"].value == 3
    assert materialization.metadata["error_findings"].value == 3
    assert [path.name for path in report.parent.iterdir()] == [REPORT_FILE_NAME]


def test_asset_writes_the_clean_state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PSEUDONYM_KEY_ENV_VAR, SECRET)
    config_path = write_config(tmp_path)
    make_warehouse(tmp_path / "wh" / "warehouse.duckdb", with_findings=False)
    result = dg.materialize(
        [migration_reconciliation_report],
        resources={"scorecard_config": ScorecardConfigResource(config_path=str(config_path))},
    )
    assert result.success
    html = (tmp_path / "out" / REPORT_FILE_NAME).read_text(encoding="utf-8")
    assert "No migration gaps found" in html
