"""Changeover defects, injected into the successor's rendered rows (never into the
simulation's records, so the ground truth is unchanged).

Each kind has a rate: the share of its eligible children or records that it touches
(docs/architecture.md lists the kinds). Each kind draws from its own random stream,
seeded by (seed, chunk, kind), so switching one kind on does not move another's choices.
Every touched record is reported as a row of ``_truth/defects.csv``.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from orchestration.synthetic.dates import SENTINEL_1900, day, to_date
from orchestration.synthetic.extracts import RowMeta, SystemView, TableRows
from orchestration.synthetic.model import ChunkState
from orchestration.synthetic.settings import DEFECT_KINDS

DEFECT_COLUMNS = ("defect_kind", "source_system", "table_name", "record_id", "person_id", "detail")

# Key offsets for rows the successor invents (kept apart from simulation keys).
SPLIT_OFFSET = 60_000_000_000
DUPLICATE_OFFSET = 50_000_000_000
TEST_OFFSET = 90_000_000_000

ID_COLUMN = {
    "ssd_person": "pers_person_id", "ssd_linked_identifiers": "link_table_id",
    "ssd_contacts": "cont_contact_id", "ssd_cin_episodes": "cine_referral_id",
    "ssd_cin_assessments": "cina_assessment_id", "ssd_s47_enquiry": "s47e_s47_enquiry_id",
    "ssd_initial_cp_conference": "icpc_icpc_id", "ssd_cp_plans": "cppl_cp_plan_id",
    "ssd_cp_visits": "cppv_cp_visit_id", "ssd_cp_reviews": "cppr_cp_review_id",
    "ssd_cin_plans": "cinp_cin_plan_id", "ssd_cin_visits": "cinv_cin_visit_id",
    "ssd_cla_episodes": "clae_cla_episode_id", "ssd_cla_placement": "clap_cla_placement_id",
    "ssd_legal_status": "lega_legal_status_id", "ssd_cla_visits": "clav_cla_visit_id",
    "ssd_cla_reviews": "clar_cla_review_id", "ssd_cla_health": "clah_health_check_id",
    "ssd_cla_pep": "pep_table_id", "ssd_sdq_scores": "csdq_table_id",
    "ssd_missing": "miss_table_id", "ssd_immigration_status": "immi_immigration_status_id",
    "ssd_permanence": "perm_table_id", "ssd_care_leavers": "clea_table_id",
    "ssd_involvements": "invo_involvements_id", "ssd_cla_care_plan": "lacp_table_id",
    "ssd_cla_immunisations": "clai_person_id", "ssd_cla_previous_permanence": "lapp_table_id",
    "ssd_address": "addr_table_id",
}  # fmt: skip
PERSON_COLUMN = {
    "ssd_person": "pers_person_id", "ssd_linked_identifiers": "link_person_id",
    "ssd_contacts": "cont_person_id", "ssd_cin_episodes": "cine_person_id",
    "ssd_cin_assessments": "cina_person_id", "ssd_s47_enquiry": "s47e_person_id",
    "ssd_initial_cp_conference": "icpc_person_id", "ssd_cp_plans": "cppl_person_id",
    "ssd_cp_visits": "cppv_person_id", "ssd_cp_reviews": "cppr_person_id",
    "ssd_cin_plans": "cinp_person_id", "ssd_cin_visits": "cinv_person_id",
    "ssd_cla_episodes": "clae_person_id", "ssd_cla_placement": "clap_person_id",
    "ssd_legal_status": "lega_person_id", "ssd_cla_visits": "clav_person_id",
    "ssd_cla_health": "clah_person_id", "ssd_cla_pep": "pep_person_id",
    "ssd_sdq_scores": "csdq_person_id", "ssd_missing": "miss_person_id",
    "ssd_immigration_status": "immi_person_id", "ssd_permanence": "perm_person_id",
    "ssd_care_leavers": "clea_person_id", "ssd_involvements": "invo_person_id",
    "ssd_cla_care_plan": "lacp_person_id", "ssd_cla_immunisations": "clai_person_id",
    "ssd_cla_previous_permanence": "lapp_person_id", "ssd_address": "addr_person_id",
}  # fmt: skip
MAIN_DATE = {
    "ssd_contacts": "cont_contact_date", "ssd_cin_episodes": "cine_referral_date",
    "ssd_cin_assessments": "cina_assessment_start_date", "ssd_s47_enquiry": "s47e_s47_start_date",
    "ssd_initial_cp_conference": "icpc_icpc_date", "ssd_cp_plans": "cppl_cp_plan_start_date",
    "ssd_cp_visits": "cppv_cp_visit_date", "ssd_cp_reviews": "cppr_cp_review_date",
    "ssd_cin_plans": "cinp_cin_plan_start_date", "ssd_cin_visits": "cinv_cin_visit_date",
    "ssd_cla_episodes": "clae_cla_episode_start_date",
    "ssd_cla_placement": "clap_cla_placement_start_date",
    "ssd_legal_status": "lega_legal_status_start_date", "ssd_cla_visits": "clav_cla_visit_date",
    "ssd_cla_reviews": "clar_cla_review_date", "ssd_cla_health": "clah_health_check_date",
    "ssd_cla_pep": "pep_review_date", "ssd_sdq_scores": "csdq_sdq_completed_date",
    "ssd_missing": "miss_missing_episode_start_date",
    "ssd_immigration_status": "immi_immigration_status_start_date",
    "ssd_care_leavers": "clea_care_leaver_latest_contact",
    "ssd_involvements": "invo_involvement_start_date",
}  # fmt: skip
INTERVALS = {
    "ssd_cla_episodes": ("clae_cla_episode_start_date", "clae_cla_episode_ceased_date"),
    "ssd_cla_placement": ("clap_cla_placement_start_date", "clap_cla_placement_end_date"),
    "ssd_legal_status": ("lega_legal_status_start_date", "lega_legal_status_end_date"),
    "ssd_cp_plans": ("cppl_cp_plan_start_date", "cppl_cp_plan_end_date"),
    "ssd_cin_episodes": ("cine_referral_date", "cine_close_date"),
    "ssd_cin_plans": ("cinp_cin_plan_start_date", "cinp_cin_plan_end_date"),
    "ssd_involvements": ("invo_involvement_start_date", "invo_involvement_end_date"),
    "ssd_immigration_status": ("immi_immigration_status_start_date",
                               "immi_immigration_status_end_date"),
}  # fmt: skip
SENTINEL_KEYS = {
    "ssd_cla_placement": "clap_cla_id", "ssd_cla_visits": "clav_cla_id",
    "ssd_cla_reviews": "clar_cla_id", "ssd_cla_episodes": "clae_referral_id",
    "ssd_cp_visits": "cppv_cp_plan_id", "ssd_cp_reviews": "cppr_cp_plan_id",
    "ssd_cin_assessments": "cina_referral_id", "ssd_s47_enquiry": "s47e_referral_id",
    "ssd_initial_cp_conference": "icpc_s47_enquiry_id", "ssd_cp_plans": "cppl_referral_id",
    "ssd_involvements": "invo_professional_id", "ssd_permanence": "perm_cla_id",
}  # fmt: skip
CLIFF_TABLES = ("ssd_cla_visits", "ssd_cp_visits", "ssd_cin_visits", "ssd_cla_reviews",
                "ssd_cp_reviews", "ssd_cla_health")  # fmt: skip
MERGE_TABLES = ("ssd_cla_visits", "ssd_cp_visits", "ssd_cin_visits", "ssd_cla_reviews",
                "ssd_cp_reviews")  # fmt: skip
MOVABLE_TABLES = ("ssd_cla_visits", "ssd_cp_visits", "ssd_cin_visits", "ssd_cla_health",
                  "ssd_sdq_scores", "ssd_missing", "ssd_cla_pep", "ssd_contacts")  # fmt: skip
LEGACY_PLACEMENT_CODES = {
    "U1": "FC1", "U2": "FC2", "U3": "FC3", "U4": "FC4", "U5": "FC5", "U6": "FC6", "K1": "SCH",
    "K2": "CH1", "H5": "SIL", "K3": "SIL", "P1": "PWP", "R1": "RES", "R3": "MBU", "A3": "ADP",
    "A4": "ADP", "A5": "ADP", "A6": "ADP",
}  # fmt: skip
LEGACY_LEGAL_CODES = {"V2": "S20", "C1": "ICO", "C2": "S31", "E1": "PO", "L1": "PP", "L2": "EPO",
                      "J1": "REM", "V3": "SB", "V4": "SBA"}  # fmt: skip
TEST_FORENAMES = ("TEST", "Test", "ZZTEST", "Admin")
TEST_SURNAMES = ("Record", "DO NOT USE", "Testing", "Duplicate")
CLIFF_MONTHS = 3
MERGE_WINDOW_DAYS = 14


@dataclass
class DefectContext:
    view: SystemView
    state: ChunkState
    chunk: int
    seed: int
    cutover: int
    legacy_end: int
    add_months: Callable[[int, int], int]


class DefectInjector:
    """Applies every defect kind with a non-zero rate to one chunk's successor rows."""

    def __init__(self, context: DefectContext, rates: dict[str, float]) -> None:
        self.ctx = context
        self.rates = rates
        self.records: list[tuple] = []
        self.kind = ""

    def apply(self, tables: dict[str, TableRows]) -> list[tuple]:
        for position, kind in enumerate(DEFECT_KINDS):
            rate = self.rates.get(kind, 0.0)
            if rate <= 0:
                continue
            self.kind = kind
            seed = np.random.SeedSequence([self.ctx.seed, self.ctx.chunk, 1_000 + position])
            rng = random.Random(int(seed.generate_state(1)[0]))
            getattr(self, kind)(tables, rate, rng)
        return self.records

    # -- helpers ------------------------------------------------------------------------

    def _note(self, rows: TableRows, row: list, detail: str) -> None:
        person_column = PERSON_COLUMN.get(rows.table)
        self.records.append(
            (
                self.kind,
                self.ctx.view.name,
                rows.table,
                row[rows.column(ID_COLUMN[rows.table])],
                row[rows.column(person_column)] if person_column else None,
                detail,
            )
        )

    def _migrated_persons(self, tables: dict[str, TableRows]) -> list[int]:
        people = tables["ssd_person"]
        return sorted(meta.person for meta in people.metas if meta.migrated and meta.person > 0)

    def _person_ids(self, tables: dict[str, TableRows]) -> dict[int, str]:
        people = tables["ssd_person"]
        column = people.column("pers_person_id")
        return {
            meta.person: row[column] for row, meta in zip(people.rows, people.metas, strict=True)
        }

    def _drop(
        self,
        rows: TableRows,
        drop: Callable[[list, RowMeta], bool],
        detail: str | Callable[[RowMeta], str],
    ) -> None:
        flags = []
        for row, meta in zip(rows.rows, rows.metas, strict=True):
            dropped = drop(row, meta)
            if dropped:
                self._note(rows, row, detail if isinstance(detail, str) else detail(meta))
            flags.append(not dropped)
        rows.keep(flags)

    # -- kinds ----------------------------------------------------------------------------

    def missing_open_children(
        self, tables: dict[str, TableRows], rate: float, rng: random.Random
    ) -> None:
        """Children open (CLA, CP or CIN) at cutover absent from the successor entirely."""
        last = self.ctx.legacy_end
        state = self.ctx.state

        def open_at(start: int, end: int | None) -> bool:
            return start <= last and (end is None or end > last)

        open_children = (
            {p.person for p in state.periods if open_at(p.start, p.end)}
            | {p.person for p in state.cp_plans if open_at(p.start, p.end)}
            | {r.person for r in state.referrals if not r.nfa and open_at(r.date, r.close_date)}
        )
        eligible = [key for key in self._migrated_persons(tables) if key in open_children]
        chosen = {key for key in eligible if rng.random() < rate}
        for rows in tables.values():
            self._drop(
                rows,
                lambda row, meta: meta.person in chosen,
                lambda meta: f"open at cutover, not migrated (legacy person id {meta.person})",
            )

    def test_records(self, tables: dict[str, TableRows], rate: float, rng: random.Random) -> None:
        """Test and admin person records carried over from the legacy system, with an open
        period of care, placement, legal status and CIN episode."""
        view, cutover = self.ctx.view, self.ctx.cutover
        count = sum(1 for _ in self._migrated_persons(tables) if rng.random() < rate)
        for number in range(count):
            key = TEST_OFFSET + self.ctx.chunk * 1_000_000 + number * 10
            start = cutover - rng.randint(200, 1500)
            pid = view.rid("P", key)
            meta = RowMeta(-key, key, True, start)
            additions = {
                "ssd_person": {
                    "pers_person_id": pid,
                    "pers_forename": rng.choice(TEST_FORENAMES),
                    "pers_surname": rng.choice(TEST_SURNAMES),
                    "pers_sex": "M",
                    "pers_gender": "1",
                    "pers_ethnicity": "NOBT",
                    "pers_dob": start - rng.randint(400, 5000),
                    "pers_legacy_id": f"999{key % 10**9:09d}",
                    "pers_upn_unknown": "UN1",
                    "pers_send_flag": "N",
                    "pers_is_mother": "N",
                    "pers_nationality": "British",
                },
                "ssd_linked_identifiers": {
                    "link_table_id": view.rid("LI", key),
                    "link_person_id": pid,
                    "link_identifier_type": "Former system ID",
                    "link_identifier_value": f"999{key % 10**9:09d}",
                    "link_valid_from_date": cutover,
                },
                "ssd_cin_episodes": {
                    "cine_referral_id": view.rid("R", key + 1),
                    "cine_person_id": pid,
                    "cine_referral_date": start - 5,
                    "cine_cin_primary_need_code": "N1",
                    "cine_referral_source_code": "10",
                    "cine_referral_source_desc": "UNKNOWN",
                    "cine_referral_nfa": "N",
                    "cine_referral_team": "Front Door (MASH)",
                },
                "ssd_cla_episodes": {
                    "clae_cla_episode_id": view.rid("EP", key + 2),
                    "clae_person_id": pid,
                    "clae_cla_episode_start_date": start,
                    "clae_cla_episode_start_reason": view.text("episode_start_reason", "S"),
                    "clae_cla_primary_need_code": "N1",
                    "clae_cla_id": view.rid("LA", key + 3),
                    "clae_referral_id": view.rid("R", key + 1),
                    "clae_cla_placement_id": view.rid("PL", key + 4),
                    "clae_entered_care_date": start,
                },
                "ssd_cla_placement": {
                    "clap_cla_placement_id": view.rid("PL", key + 4),
                    "clap_cla_placement_start_date": start,
                    "clap_cla_placement_type": "U6",
                    "clap_cla_id": view.rid("LA", key + 3),
                    "clap_cla_placement_provider": "PR1",
                    "clap_person_id": pid,
                },
                "ssd_legal_status": {
                    "lega_legal_status_id": view.rid("LS", key + 5),
                    "lega_person_id": pid,
                    "lega_legal_status": "V2",
                    "lega_legal_status_start_date": start,
                },
            }
            for table, values in additions.items():
                rows = tables[table]
                rows.add(values, meta)
                self._note(rows, rows.rows[-1], "test/admin record carried over from legacy")

    def reused_person_id(
        self, tables: dict[str, TableRows], rate: float, rng: random.Random
    ) -> None:
        """Two legacy children merged under one successor person id."""
        eligible = self._migrated_persons(tables)
        absorbed = [key for key in eligible if rng.random() < rate]
        hosts = [key for key in eligible if key not in set(absorbed)]
        if not hosts:
            return
        ids = self._person_ids(tables)
        host_of = {key: hosts[int(rng.random() * len(hosts))] for key in absorbed}
        people = tables["ssd_person"]
        self._drop(
            people,
            lambda row, meta: meta.person in host_of,
            "person row dropped: child merged into another successor person",
        )
        for table, rows in tables.items():
            column = PERSON_COLUMN.get(table)
            if column is None or table == "ssd_person":
                continue
            position = rows.column(column)
            for row, meta in zip(rows.rows, rows.metas, strict=True):
                if meta.person in host_of:
                    row[position] = ids[host_of[meta.person]]
                    self._note(rows, row, f"re-pointed from {ids[meta.person]} to a reused id")

    def duplicate_person(
        self, tables: dict[str, TableRows], rate: float, rng: random.Random
    ) -> None:
        """A migrated child also recorded under a second successor person id, which holds
        some of the child's later records."""
        view = self.ctx.view
        chosen = {key for key in self._migrated_persons(tables) if rng.random() < rate}
        people = tables["ssd_person"]
        legacy_column = people.column("pers_legacy_id")
        duplicates: dict[int, str] = {}
        for row, meta in list(zip(people.rows, people.metas, strict=True)):
            if meta.person in chosen:
                copy = list(row)
                copy[people.column("pers_person_id")] = view.rid(
                    "P", meta.person + DUPLICATE_OFFSET
                )
                copy[legacy_column] = None
                duplicates[meta.person] = copy[people.column("pers_person_id")]
                people.rows.append(copy)
                people.metas.append(
                    RowMeta(meta.person, meta.key + DUPLICATE_OFFSET, False, meta.when)
                )
                self._note(people, copy, f"duplicate of {row[people.column('pers_person_id')]}")
        for table in MOVABLE_TABLES:
            rows = tables[table]
            position = rows.column(PERSON_COLUMN[table])
            for row, meta in zip(rows.rows, rows.metas, strict=True):
                if meta.person in duplicates and not meta.migrated and rng.random() < 0.5:
                    row[position] = duplicates[meta.person]
                    self._note(rows, row, "recorded against the duplicate person id")

    def truncated_history(
        self, tables: dict[str, TableRows], rate: float, rng: random.Random
    ) -> None:
        """Pre-cutover placements (other than the one open at cutover), visits, health
        checks and reviews of affected children not migrated."""
        last = self.ctx.legacy_end
        placements = tables["ssd_cla_placement"]
        end_column = placements.column("clap_cla_placement_end_date")
        eligible = sorted(
            {meta.person for meta in placements.metas if meta.migrated and meta.person > 0}
        )
        chosen = {key for key in eligible if rng.random() < rate}
        self._drop(
            placements,
            lambda row, meta: (
                meta.person in chosen
                and meta.migrated
                and row[end_column] is not None
                and row[end_column] <= last
            ),
            "pre-cutover placement not migrated",
        )
        for table in ("ssd_cla_visits", "ssd_cla_health", "ssd_cla_reviews"):
            self._drop(
                tables[table],
                lambda row, meta: meta.person in chosen and meta.migrated,
                "pre-cutover record not migrated",
            )

    def split_period_at_cutover(
        self, tables: dict[str, TableRows], rate: float, rng: random.Random
    ) -> None:
        """The episode open at cutover ceased at cutover-1 (E8) and a new S episode (new
        period id) started on the cutover date; later records point at the new period."""
        view, cutover, last = self.ctx.view, self.ctx.cutover, self.ctx.legacy_end
        episodes = tables["ssd_cla_episodes"]
        col = episodes.column
        period_of = {e.key: p.key for p in self.ctx.state.periods for e in p.episodes}
        new_ids: dict[str, str] = {}
        added: list[tuple[list, RowMeta]] = []
        for row, meta in zip(episodes.rows, episodes.metas, strict=True):
            start, end = (
                row[col("clae_cla_episode_start_date")],
                row[col("clae_cla_episode_ceased_date")],
            )
            if not (meta.migrated and meta.key in period_of and start <= last):
                continue
            if (end is not None and end <= last) or rng.random() >= rate:
                continue
            old_period = row[col("clae_cla_id")]
            new_period = view.rid("LA", period_of[meta.key] + SPLIT_OFFSET)
            new_ids[old_period] = new_period
            copy = list(row)
            row[col("clae_cla_episode_ceased_date")] = last
            row[col("clae_cla_episode_ceased_reason")] = view.text("episode_ceased_reason", "E8")
            self._note(episodes, row, "episode ceased at cutover-1 with E8")
            copy[col("clae_cla_episode_id")] = view.rid("EP", meta.key + SPLIT_OFFSET)
            copy[col("clae_cla_episode_start_date")] = cutover
            copy[col("clae_cla_episode_start_reason")] = view.text("episode_start_reason", "S")
            copy[col("clae_cla_id")] = new_period
            copy[col("clae_entered_care_date")] = cutover
            added.append((copy, RowMeta(meta.person, meta.key + SPLIT_OFFSET, False, cutover)))
        for copy, meta in added:
            episodes.rows.append(copy)
            episodes.metas.append(meta)
            self._note(episodes, copy, "new S episode started on the cutover date")
        repoint = {
            "ssd_cla_episodes": ("clae_cla_id", "clae_cla_episode_start_date"),
            "ssd_cla_placement": ("clap_cla_id", "clap_cla_placement_start_date"),
            "ssd_cla_visits": ("clav_cla_id", "clav_cla_visit_date"),
            "ssd_cla_reviews": ("clar_cla_id", "clar_cla_review_date"),
        }
        for table, (id_column, date_column) in repoint.items():
            rows = tables[table]
            id_position, date_position = rows.column(id_column), rows.column(date_column)
            for row in rows.rows:
                when = row[date_position]
                if row[id_position] in new_ids and isinstance(when, int) and when >= cutover:
                    row[id_position] = new_ids[row[id_position]]
                    self._note(rows, row, "moved to the new period id")

    def recording_cliff(
        self, tables: dict[str, TableRows], rate: float, rng: random.Random
    ) -> None:
        """Visits, reviews and health checks in the first months after go-live not recorded."""
        start = self.ctx.cutover
        stop = self.ctx.add_months(start, CLIFF_MONTHS)
        for table in CLIFF_TABLES:
            self._drop(
                tables[table],
                lambda row, meta: (
                    meta.when is not None and start <= meta.when < stop and rng.random() < rate
                ),
                "not recorded in the first months after go-live",
            )

    def merged_duplicates(
        self, tables: dict[str, TableRows], rate: float, rng: random.Random
    ) -> None:
        """Distinct visits or reviews on nearby dates merged into one migrated record."""
        for table in MERGE_TABLES:
            rows = tables[table]
            by_person: dict[int, list[int]] = defaultdict(list)
            for index, meta in enumerate(rows.metas):
                if meta.migrated and meta.when is not None:
                    by_person[meta.person].append(index)
            dropped: set[int] = set()
            for person in sorted(by_person):
                indexes = sorted(by_person[person], key=lambda i: rows.metas[i].when)
                position = 0
                while position + 1 < len(indexes):
                    first, second = indexes[position], indexes[position + 1]
                    gap = rows.metas[second].when - rows.metas[first].when
                    if gap <= MERGE_WINDOW_DAYS and rng.random() < rate:
                        kept_id = rows.rows[first][rows.column(ID_COLUMN[table])]
                        self._note(rows, rows.rows[first], "kept: absorbed a nearby record")
                        self._note(rows, rows.rows[second], f"merged into {kept_id}")
                        dropped.add(second)
                        position += 2
                    else:
                        position += 1
            rows.keep([index not in dropped for index in range(len(rows.rows))])

    def defaulted_dates(
        self, tables: dict[str, TableRows], rate: float, rng: random.Random
    ) -> None:
        """Open end dates migrated as 1900-01-01; other start dates defaulted to go-live."""
        last, cutover = self.ctx.legacy_end, self.ctx.cutover
        for table, (start_column, end_column) in INTERVALS.items():
            rows = tables[table]
            start_position, end_position = rows.column(start_column), rows.column(end_column)
            for row, meta in zip(rows.rows, rows.metas, strict=True):
                end = row[end_position]
                if not meta.migrated or (isinstance(end, int) and end <= last):
                    continue
                if rng.random() >= rate:
                    continue
                if end is None:
                    row[end_position] = SENTINEL_1900
                    self._note(rows, row, f"{end_column} null migrated as 1900-01-01")
                else:
                    row[start_position] = cutover
                    self._note(rows, row, f"{start_column} defaulted to the go-live date")

    def shifted_dates(self, tables: dict[str, TableRows], rate: float, rng: random.Random) -> None:
        """A migrated record's main date shifted by a day, or its day and month swapped."""
        for table, column in MAIN_DATE.items():
            rows = tables[table]
            position = rows.column(column)
            for row, meta in zip(rows.rows, rows.metas, strict=True):
                value = row[position]
                if not meta.migrated or not isinstance(value, int) or rng.random() >= rate:
                    continue
                date = to_date(value)
                if date.day <= 12 and date.day != date.month and rng.random() < 0.5:
                    row[position] = day(date.replace(day=date.month, month=date.day))
                    detail = "day and month swapped"
                else:
                    row[position] = value + (1 if rng.random() < 0.5 else -1)
                    detail = "shifted by one day"
                self._note(rows, row, f"{column} {detail}")

    def unmapped_codes(self, tables: dict[str, TableRows], rate: float, rng: random.Random) -> None:
        """Legacy codes outside the DfE code sets left in migrated rows."""
        targets = (
            ("ssd_cla_placement", "clap_cla_placement_type", LEGACY_PLACEMENT_CODES),
            ("ssd_legal_status", "lega_legal_status", LEGACY_LEGAL_CODES),
            ("ssd_person", "pers_ethnicity", None),
        )
        for table, column, mapping in targets:
            rows = tables[table]
            position = rows.column(column)
            for row, meta in zip(rows.rows, rows.metas, strict=True):
                value = row[position]
                if not meta.migrated or value is None or rng.random() >= rate:
                    continue
                row[position] = "OTHR" if mapping is None else mapping.get(value, "OTH")
                self._note(rows, row, f"{column} {value} migrated as {row[position]}")

    def emptied_fields(self, tables: dict[str, TableRows], rate: float, rng: random.Random) -> None:
        """Ethnicity, UPN, legal status, placement postcode and distance emptied."""
        targets = (
            ("ssd_person", ("pers_ethnicity", "pers_common_child_id")),
            ("ssd_legal_status", ("lega_legal_status",)),
            ("ssd_cla_placement", ("clap_cla_placement_postcode", "clap_cla_placement_distance")),
        )
        for table, columns in targets:
            rows = tables[table]
            for row, meta in zip(rows.rows, rows.metas, strict=True):
                if not meta.migrated:
                    continue
                for column in columns:
                    position = rows.column(column)
                    if row[position] is not None and rng.random() < rate:
                        row[position] = None
                        self._note(rows, row, f"{column} emptied")

    def sentinel_keys(self, tables: dict[str, TableRows], rate: float, rng: random.Random) -> None:
        """Foreign keys migrated as -1 and placement postcodes as placeholders (ZZZ, XX)."""
        for table, column in SENTINEL_KEYS.items():
            rows = tables[table]
            for row, meta in zip(rows.rows, rows.metas, strict=True):
                if not meta.migrated or rng.random() >= rate:
                    continue
                if table == "ssd_cla_placement" and rng.random() < 0.5:
                    target, value = "clap_cla_placement_postcode", rng.choice(("ZZZ", "XX"))
                else:
                    target, value = column, "-1"
                row[rows.column(target)] = value
                self._note(rows, row, f"{target} set to placeholder {value}")
