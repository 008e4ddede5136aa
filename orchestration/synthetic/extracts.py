"""Render the simulation's records as SSD extract rows for one system, and write them.

A system's extract shows what that system knew on its extract date: records dated after
it are absent, and end dates (with end reasons and outcomes) after it are empty. The
legacy system holds everything up to its ``live_to``; the successor holds the migrated
history (same dates, its own record ids, ``pers_legacy_id`` and a "Former system ID" link)
plus all work since go-live.

Rows are lists in contract column order; dates stay day numbers until written. Each row
has a ``RowMeta`` the changeover defects use (whose row it is, and whether it was migrated).
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import IO, NamedTuple

from orchestration.lib.contract import TableContract, table_contracts
from orchestration.synthetic.codes import LEAVING_CARE_TEAM, REFERRAL_SOURCE_TEXT, ll_or_code
from orchestration.synthetic.dates import datetime_text, iso_text, legacy_text
from orchestration.synthetic.model import ChunkState
from orchestration.synthetic.workforce import Workforce

WORKER_KEY_BASE = 7_000_000
# Address record keys: person key * factor + the address's position (ids unique per table).
ADDRESS_KEY_FACTOR = 100
FORMER_SYSTEM_ID = "Former system ID"
INVOLVEMENT_ROLE = "CW"
# Successor columns written as a plain date; every other date column is a datetime.
DATE_ONLY_COLUMNS = frozenset({"pers_dob", "pers_expected_dob", "pers_death_date"})
# Successor datetimes that carry the time the event was recorded.
TIMED_COLUMNS = frozenset(
    {"cont_contact_date", "clav_cla_visit_date", "cppv_cp_visit_date", "cinv_cin_visit_date"}
)
# Successor record ids: an entity prefix and a scrambled number (not the legacy id).
_SCRAMBLE_MULTIPLIER = 982_451_653
_SCRAMBLE_MODULUS = 10**11


class RowMeta(NamedTuple):
    person: int | None  # simulation key of the child (None for staff rows)
    key: int  # simulation key of the record
    migrated: bool  # successor only: existed in the legacy system at cutover
    when: int | None  # the record's main date (start or event day)


@dataclass
class TableRows:
    table: str
    columns: tuple[str, ...]
    rows: list[list] = field(default_factory=list)
    metas: list[RowMeta] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.index = {name: position for position, name in enumerate(self.columns)}

    def add(self, values: dict, meta: RowMeta) -> None:
        self.rows.append(list(map(values.get, self.columns)))
        self.metas.append(meta)

    def column(self, name: str) -> int:
        return self.index[name]

    def keep(self, flags: list[bool]) -> None:
        self.rows = [row for row, kept in zip(self.rows, flags, strict=True) if kept]
        self.metas = [meta for meta, kept in zip(self.metas, flags, strict=True) if kept]


@dataclass(frozen=True)
class SystemView:
    """How one system shows the simulation: its extract date, ids and code texts."""

    name: str
    is_legacy: bool
    extract_date: int
    legacy_end: int
    codes: dict[str, dict[str, str]]

    def rid(self, prefix: str, key: int | None) -> str | None:
        """The record id this system gives the record with simulation key ``key``."""
        if key is None:
            return None
        if self.is_legacy:
            return str(key)
        return f"{prefix}{(key * _SCRAMBLE_MULTIPLIER + 7_777) % _SCRAMBLE_MODULUS:011d}"

    def worker_id(self, index: int | None) -> str | None:
        return None if index is None else self.rid("W", WORKER_KEY_BASE + index)

    def known(self, when: int | None) -> bool:
        return when is not None and when <= self.extract_date

    def until(self, when: int | None) -> int | None:
        """An end date as the system knew it: empty when after the extract date."""
        return when if when is not None and when <= self.extract_date else None

    def migrated(self, when: int | None) -> bool:
        return not self.is_legacy and when is not None and when <= self.legacy_end

    def text(self, field_name: str, code: str | None) -> str | None:
        return None if code is None else ll_or_code(self.codes[field_name], code)


@cache
def outcome_json(outcome: str) -> str:
    return json.dumps({"OUTCOME": outcome})


def flag(value: bool | None) -> str | None:
    return None if value is None else ("Y" if value else "N")


def _outcome_json(**flags: bool) -> str:
    return json.dumps({name.upper(): "Y" if value else "N" for name, value in flags.items()})


class Renderer:
    """Builds every table's rows for one system from one chunk's state."""

    def __init__(self, view: SystemView, state: ChunkState, workforce: Workforce) -> None:
        self.view = view
        self.state = state
        self.workforce = workforce
        self.persons = {person.key: person for person in state.persons}
        self.visible_persons = {
            key for key, person in self.persons.items() if view.known(person.known_from)
        }
        self.contracts = table_contracts()

    def _rows(self, table: str) -> TableRows:
        return TableRows(table, self.contracts[table].column_names)

    def _meta(self, person: int | None, key: int, when: int | None) -> RowMeta:
        person_migrated = person is None or self.view.migrated(self.persons[person].known_from)
        return RowMeta(person, key, person_migrated and self.view.migrated(when), when)

    def _pid(self, person: int) -> str | None:
        return self.view.rid("P", person)

    def render(self) -> dict[str, TableRows]:
        """All chunk tables (``ssd_professionals`` is written once, by the generator)."""
        builders: dict[str, Callable[[], TableRows]] = {
            "ssd_person": self.person,
            "ssd_address": self.addresses,
            "ssd_linked_identifiers": self.linked_identifiers,
            "ssd_contacts": self.contacts,
            "ssd_cin_episodes": self.cin_episodes,
            "ssd_cin_assessments": self.assessments,
            "ssd_s47_enquiry": self.s47,
            "ssd_initial_cp_conference": self.icpc,
            "ssd_cp_plans": self.cp_plans,
            "ssd_cp_visits": self.cp_visits,
            "ssd_cp_reviews": self.cp_reviews,
            "ssd_cin_plans": self.cin_plans,
            "ssd_cin_visits": self.cin_visits,
            "ssd_cla_episodes": self.cla_episodes,
            "ssd_cla_placement": self.placements,
            "ssd_legal_status": self.legal_status,
            "ssd_cla_visits": self.cla_visits,
            "ssd_cla_reviews": self.cla_reviews,
            "ssd_cla_health": self.health,
            "ssd_cla_pep": self.peps,
            "ssd_sdq_scores": self.sdq,
            "ssd_missing": self.missing,
            "ssd_immigration_status": self.immigration,
            "ssd_permanence": self.permanence,
            "ssd_care_leavers": self.care_leavers,
            "ssd_involvements": self.involvements,
            "ssd_cla_care_plan": self.care_plans,
            "ssd_cla_immunisations": self.immunisations,
            "ssd_cla_previous_permanence": self.previous_permanence,
        }
        return {table: build() for table, build in builders.items()}

    # -- people ---------------------------------------------------------------------------

    def person(self) -> TableRows:
        out, view = self._rows("ssd_person"), self.view
        for person in self.state.persons:
            if person.key not in self.visible_persons:
                continue
            migrated = view.migrated(person.known_from)
            out.add(
                {
                    "pers_person_id": self._pid(person.key),
                    "pers_forename": person.forename,
                    "pers_surname": person.surname,
                    "pers_sex": person.sex,
                    "pers_gender": "2" if person.sex == "F" else "1",
                    "pers_ethnicity": person.ethnicity,
                    "pers_dob": person.dob,
                    "pers_common_child_id": person.upn,
                    "pers_legacy_id": str(person.key) if migrated else None,
                    "pers_upn_unknown": person.upn_unknown,
                    "pers_send_flag": person.send_flag,
                    "pers_is_mother": person.is_mother,
                    "pers_nationality": person.nationality,
                },
                RowMeta(person.key, person.key, migrated, person.known_from),
            )
        return out

    def addresses(self) -> TableRows:
        """Each child's family homes (postcode only; the JSON carries no house or street)."""
        out, view = self._rows("ssd_address"), self.view
        for person in self.state.persons:
            if person.key not in self.visible_persons:
                continue
            for index, address in enumerate(person.addresses):
                if not view.known(address.start):
                    continue
                key = person.key * ADDRESS_KEY_FACTOR + index
                out.add(
                    {
                        "addr_table_id": view.rid("AD", key),
                        "addr_person_id": self._pid(person.key),
                        "addr_address_type": "HOME",
                        "addr_address_start_date": address.start,
                        "addr_address_end_date": view.until(address.end),
                        "addr_address_postcode": address.postcode,
                        "addr_address_json": json.dumps({"POSTCODE": address.postcode}),
                    },
                    self._meta(person.key, key, address.start),
                )
        return out

    def linked_identifiers(self) -> TableRows:
        out, view = self._rows("ssd_linked_identifiers"), self.view
        if view.is_legacy:
            return out
        for person in self.state.persons:
            if person.key in self.visible_persons and view.migrated(person.known_from):
                out.add(
                    {
                        "link_table_id": view.rid("LI", person.key),
                        "link_person_id": self._pid(person.key),
                        "link_identifier_type": FORMER_SYSTEM_ID,
                        "link_identifier_value": str(person.key),
                        "link_valid_from_date": view.legacy_end + 1,
                    },
                    RowMeta(person.key, person.key, True, person.known_from),
                )
        return out

    def contacts(self) -> TableRows:
        out, view = self._rows("ssd_contacts"), self.view
        for contact in self.state.contacts:
            if view.known(contact.date):
                out.add(
                    {
                        "cont_contact_id": view.rid("CT", contact.key),
                        "cont_person_id": self._pid(contact.person),
                        "cont_contact_date": contact.date,
                        "cont_contact_source_code": contact.source,
                        "cont_contact_source_desc": REFERRAL_SOURCE_TEXT[contact.source],
                        "cont_contact_outcome_json": outcome_json(contact.outcome),
                    },
                    self._meta(contact.person, contact.key, contact.date),
                )
        return out

    # -- children in need and child protection ----------------------------------------------

    def cin_episodes(self) -> TableRows:
        out, view = self._rows("ssd_cin_episodes"), self.view
        for referral in self.state.referrals:
            if not view.known(referral.date):
                continue
            closed = view.until(referral.close_date)
            out.add(
                {
                    "cine_referral_id": view.rid("R", referral.key),
                    "cine_person_id": self._pid(referral.person),
                    "cine_referral_date": referral.date,
                    "cine_cin_primary_need_code": referral.need,
                    "cine_referral_source_code": referral.source,
                    "cine_referral_source_desc": REFERRAL_SOURCE_TEXT[referral.source],
                    "cine_referral_outcome_json": outcome_json(referral.outcome),
                    "cine_referral_nfa": flag(referral.nfa),
                    "cine_close_reason": referral.close_reason if closed else None,
                    "cine_close_date": closed,
                    "cine_referral_team": referral.team,
                    "cine_referral_worker_id": view.worker_id(referral.worker),
                },
                self._meta(referral.person, referral.key, referral.date),
            )
        return out

    def assessments(self) -> TableRows:
        out, view = self._rows("ssd_cin_assessments"), self.view
        for item in self.state.assessments:
            if not view.known(item.start):
                continue
            authorised = view.until(item.auth)
            out.add(
                {
                    "cina_assessment_id": view.rid("AS", item.key),
                    "cina_person_id": self._pid(item.person),
                    "cina_referral_id": view.rid("R", item.referral),
                    "cina_assessment_start_date": item.start,
                    "cina_assessment_child_seen": flag(item.child_seen),
                    "cina_assessment_auth_date": authorised,
                    "cina_assessment_outcome_json": outcome_json(item.outcome)
                    if authorised
                    else None,
                    "cina_assessment_outcome_nfa": flag(item.nfa) if authorised else None,
                    "cina_assessment_team": item.team,
                    "cina_assessment_worker_id": view.worker_id(item.worker),
                },
                self._meta(item.person, item.key, item.start),
            )
        return out

    def s47(self) -> TableRows:
        out, view = self._rows("ssd_s47_enquiry"), self.view
        for item in self.state.s47s:
            if not view.known(item.start):
                continue
            ended = view.until(item.end)
            out.add(
                {
                    "s47e_s47_enquiry_id": view.rid("S", item.key),
                    "s47e_referral_id": view.rid("R", item.referral),
                    "s47e_person_id": self._pid(item.person),
                    "s47e_s47_start_date": item.start,
                    "s47e_s47_end_date": ended,
                    "s47e_s47_nfa": flag(item.nfa) if ended else None,
                    "s47e_s47_outcome_json": _outcome_json(
                        nfa_flag=item.nfa, cp_conference_flag=item.to_icpc
                    )
                    if ended
                    else None,
                    "s47e_s47_completed_by_worker_id": view.worker_id(item.worker),
                    "s47e_s47_completed_by_team": item.team,
                },
                self._meta(item.person, item.key, item.start),
            )
        return out

    def icpc(self) -> TableRows:
        out, view = self._rows("ssd_initial_cp_conference"), self.view
        for item in self.state.icpcs:
            if not view.known(item.date):
                continue
            out.add(
                {
                    "icpc_icpc_id": view.rid("IC", item.key),
                    "icpc_icpc_meeting_id": view.rid("MT", item.key),
                    "icpc_s47_enquiry_id": view.rid("S", item.s47),
                    "icpc_person_id": self._pid(item.person),
                    "icpc_cp_plan_id": view.rid("CP", item.plan),
                    "icpc_referral_id": view.rid("R", item.referral),
                    "icpc_icpc_transfer_in": flag(item.transfer_in),
                    "icpc_icpc_target_date": view.until(item.target),
                    "icpc_icpc_date": item.date,
                    "icpc_icpc_outcome_cp_flag": flag(item.outcome_cp),
                    "icpc_icpc_outcome_json": _outcome_json(cp_plan_flag=item.outcome_cp),
                    "icpc_icpc_team": item.team,
                    "icpc_icpc_worker_id": view.worker_id(item.worker),
                },
                self._meta(item.person, item.key, item.date),
            )
        return out

    def cp_plans(self) -> TableRows:
        out, view = self._rows("ssd_cp_plans"), self.view
        for plan in self.state.cp_plans:
            if not view.known(plan.start):
                continue
            out.add(
                {
                    "cppl_cp_plan_id": view.rid("CP", plan.key),
                    "cppl_referral_id": view.rid("R", plan.referral),
                    "cppl_icpc_id": view.rid("IC", plan.icpc),
                    "cppl_person_id": self._pid(plan.person),
                    "cppl_cp_plan_start_date": plan.start,
                    "cppl_cp_plan_end_date": view.until(plan.end),
                    "cppl_cp_plan_initial_category": view.text(
                        "cp_category", plan.initial_category
                    ),
                    "cppl_cp_plan_ola": "N",
                    "cppl_cp_plan_latest_category": view.text("cp_category", plan.latest_category),
                },
                self._meta(plan.person, plan.key, plan.start),
            )
        return out

    def _visit_rows(self, table: str, prefix: str, visits: list) -> TableRows:
        out, view = self._rows(table), self.view
        short = {"ssd_cp_visits": "cppv_cp", "ssd_cin_visits": "cinv_cin"}[table]
        person_column = "cppv_person_id" if table == "ssd_cp_visits" else "cinv_person_id"
        for visit in visits:
            if not view.known(visit.date):
                continue
            values = {
                f"{short}_visit_id": view.rid(prefix, visit.key),
                person_column: self._pid(visit.person),
                f"{short}_visit_date": visit.date,
                f"{short}_visit_seen": flag(visit.seen),
                f"{short}_visit_seen_alone": flag(visit.seen_alone),
                f"{short}_visit_bedroom": flag(visit.bedroom),
            }
            if table == "ssd_cp_visits":
                values["cppv_cp_plan_id"] = view.rid("CP", visit.plan)
            out.add(values, self._meta(visit.person, visit.key, visit.date))
        return out

    def cp_visits(self) -> TableRows:
        return self._visit_rows("ssd_cp_visits", "CV", self.state.cp_visits)

    def cin_visits(self) -> TableRows:
        return self._visit_rows("ssd_cin_visits", "NV", self.state.cin_visits)

    def cp_reviews(self) -> TableRows:
        out, view = self._rows("ssd_cp_reviews"), self.view
        for review in self.state.cp_reviews:
            if not view.known(review.date):
                continue
            out.add(
                {
                    "cppr_cp_review_id": view.rid("CR", review.key),
                    "cppr_person_id": self._pid(review.person),
                    "cppr_cp_plan_id": view.rid("CP", review.plan),
                    "cppr_cp_review_due": view.until(review.due),
                    "cppr_cp_review_date": review.date,
                    "cppr_cp_review_meeting_id": view.rid("MR", review.key),
                    "cppr_cp_review_outcome_continue_cp": flag(review.continue_plan),
                    "cppr_cp_review_quorate": flag(review.quorate),
                    "cppr_cp_review_participation": review.participation,
                },
                self._meta(review.person, review.key, review.date),
            )
        return out

    def cin_plans(self) -> TableRows:
        out, view = self._rows("ssd_cin_plans"), self.view
        for plan in self.state.cin_plans:
            if not view.known(plan.start):
                continue
            out.add(
                {
                    "cinp_cin_plan_id": view.rid("CN", plan.key),
                    "cinp_referral_id": view.rid("R", plan.referral),
                    "cinp_person_id": self._pid(plan.person),
                    "cinp_cin_plan_start_date": plan.start,
                    "cinp_cin_plan_end_date": view.until(plan.end),
                    "cinp_cin_plan_team": plan.team,
                    "cinp_cin_plan_worker_id": view.worker_id(plan.worker),
                },
                self._meta(plan.person, plan.key, plan.start),
            )
        return out

    # -- looked after ---------------------------------------------------------------------

    def _periods(self) -> Iterator:
        for period in self.state.periods:
            if self.view.known(period.start):
                yield period

    def cla_episodes(self) -> TableRows:
        out, view = self._rows("ssd_cla_episodes"), self.view
        for period in self._periods():
            held = [r.date for r in period.reviews if r.date is not None and view.known(r.date)]
            for episode in period.episodes:
                if not view.known(episode.start):
                    continue
                ended = view.until(episode.end)
                last_iro = max((d for d in held if ended is None or d <= ended), default=None)
                out.add(
                    {
                        "clae_cla_episode_id": view.rid("EP", episode.key),
                        "clae_person_id": self._pid(episode.person),
                        "clae_cla_episode_start_date": episode.start,
                        "clae_cla_episode_start_reason": view.text(
                            "episode_start_reason", episode.start_reason
                        ),
                        "clae_cla_primary_need_code": period.need,
                        "clae_cla_episode_ceased_date": ended,
                        "clae_cla_episode_ceased_reason": view.text(
                            "episode_ceased_reason", episode.end_reason if ended else None
                        ),
                        "clae_cla_id": view.rid("LA", period.key),
                        "clae_referral_id": view.rid("R", period.referral),
                        "clae_cla_placement_id": view.rid("PL", episode.placement),
                        "clae_entered_care_date": period.start,
                        "clae_cla_last_iro_contact_date": last_iro,
                    },
                    self._meta(episode.person, episode.key, episode.start),
                )
        return out

    def placements(self) -> TableRows:
        out, view = self._rows("ssd_cla_placement"), self.view
        for period in self._periods():
            for placement in period.placements:
                if not view.known(placement.start):
                    continue
                ended = view.until(placement.end)
                out.add(
                    {
                        "clap_cla_placement_id": view.rid("PL", placement.key),
                        "clap_cla_placement_start_date": placement.start,
                        "clap_cla_placement_type": placement.placement_type,
                        "clap_cla_placement_urn": placement.urn,
                        "clap_cla_placement_distance": placement.distance,
                        "clap_cla_id": view.rid("LA", period.key),
                        "clap_cla_placement_provider": placement.provider,
                        "clap_cla_placement_postcode": placement.postcode,
                        "clap_cla_placement_end_date": ended,
                        "clap_cla_placement_change_reason": placement.change_reason
                        if ended
                        else None,
                        "clap_person_id": self._pid(placement.person),
                    },
                    self._meta(placement.person, placement.key, placement.start),
                )
        return out

    def legal_status(self) -> TableRows:
        out, view = self._rows("ssd_legal_status"), self.view
        for period in self._periods():
            for status in period.legal_statuses:
                if not view.known(status.start):
                    continue
                out.add(
                    {
                        "lega_legal_status_id": view.rid("LS", status.key),
                        "lega_person_id": self._pid(status.person),
                        "lega_legal_status": status.status,
                        "lega_legal_status_start_date": status.start,
                        "lega_legal_status_end_date": view.until(status.end),
                    },
                    self._meta(status.person, status.key, status.start),
                )
        return out

    def cla_visits(self) -> TableRows:
        out, view = self._rows("ssd_cla_visits"), self.view
        for period in self._periods():
            for visit in period.visits:
                if not view.known(visit.date):
                    continue
                out.add(
                    {
                        "clav_cla_visit_id": view.rid("VI", visit.key),
                        "clav_cla_id": view.rid("LA", period.key),
                        "clav_person_id": self._pid(visit.person),
                        "clav_cla_visit_date": visit.date,
                        "clav_cla_visit_seen": flag(visit.seen),
                        "clav_cla_visit_seen_alone": flag(visit.seen_alone),
                    },
                    self._meta(visit.person, visit.key, visit.date),
                )
        return out

    def cla_reviews(self) -> TableRows:
        out, view = self._rows("ssd_cla_reviews"), self.view
        for period in self._periods():
            for review in period.reviews:
                when = review.due if review.cancelled else review.date
                if not view.known(when):
                    continue
                out.add(
                    {
                        "clar_cla_review_id": view.rid("RV", review.key),
                        "clar_cla_id": view.rid("LA", period.key),
                        "clar_cla_review_due_date": view.until(review.due),
                        "clar_cla_review_date": review.date,
                        "clar_cla_review_cancelled": flag(review.cancelled),
                        "clar_cla_review_participation": None
                        if review.cancelled
                        else review.participation,
                    },
                    self._meta(review.person, review.key, when),
                )
        return out

    def health(self) -> TableRows:
        out, view = self._rows("ssd_cla_health"), self.view
        for check in self.state.health:
            if view.known(check.date):
                out.add(
                    {
                        "clah_health_check_id": view.rid("HC", check.key),
                        "clah_person_id": self._pid(check.person),
                        "clah_health_check_type": view.text("health_check_type", check.check_type),
                        "clah_health_check_date": check.date,
                        "clah_health_check_status": check.status,
                    },
                    self._meta(check.person, check.key, check.date),
                )
        return out

    def peps(self) -> TableRows:
        out, view = self._rows("ssd_cla_pep"), self.view
        for pep in self.state.peps:
            if view.known(pep.date):
                out.add(
                    {
                        "pep_table_id": view.rid("PE", pep.key),
                        "pep_person_id": self._pid(pep.person),
                        "pep_review_date": pep.date,
                    },
                    self._meta(pep.person, pep.key, pep.date),
                )
        return out

    def sdq(self) -> TableRows:
        out, view = self._rows("ssd_sdq_scores"), self.view
        for item in self.state.sdqs:
            if view.known(item.date):
                out.add(
                    {
                        "csdq_table_id": view.rid("SD", item.key),
                        "csdq_person_id": self._pid(item.person),
                        "csdq_sdq_completed_date": item.date,
                        "csdq_sdq_reason": item.reason,
                        "csdq_sdq_score": None if item.score is None else str(item.score),
                    },
                    self._meta(item.person, item.key, item.date),
                )
        return out

    def missing(self) -> TableRows:
        out, view = self._rows("ssd_missing"), self.view
        for item in self.state.missing:
            if not view.known(item.start):
                continue
            ended = view.until(item.end)
            out.add(
                {
                    "miss_table_id": view.rid("MI", item.key),
                    "miss_person_id": self._pid(item.person),
                    "miss_missing_episode_start_date": item.start,
                    "miss_missing_episode_type": item.episode_type,
                    "miss_missing_episode_end_date": ended,
                    "miss_missing_rhi_offered": flag(item.rhi_offered) if ended else None,
                    "miss_missing_rhi_accepted": flag(item.rhi_accepted) if ended else None,
                },
                self._meta(item.person, item.key, item.start),
            )
        return out

    def immigration(self) -> TableRows:
        out, view = self._rows("ssd_immigration_status"), self.view
        for item in self.state.immigration:
            if view.known(item.start):
                out.add(
                    {
                        "immi_person_id": self._pid(item.person),
                        "immi_immigration_status_id": view.rid("IM", item.key),
                        "immi_immigration_status": item.status,
                        "immi_immigration_status_start_date": item.start,
                        "immi_immigration_status_end_date": view.until(item.end),
                    },
                    self._meta(item.person, item.key, item.start),
                )
        return out

    def permanence(self) -> TableRows:
        out, view = self._rows("ssd_permanence"), self.view
        for item in self.state.permanence:
            dates = [
                item.adm_decision,
                item.ffa_decision,
                item.placement_order,
                item.matched,
                item.placed_for_adoption,
                item.placed_ffa,
                item.placed_foster_carer,
                item.decision_reversed,
                item.order_date,
            ]
            known = [value for value in dates if view.known(value)]
            if not known:
                continue
            placed = view.until(item.placed_for_adoption)
            matched = view.until(item.matched)
            ordered = view.until(item.order_date)
            reversed_on = view.until(item.decision_reversed)
            out.add(
                {
                    "perm_table_id": view.rid("PM", item.key),
                    "perm_person_id": self._pid(item.person),
                    "perm_cla_id": view.rid("LA", item.period),
                    "perm_adm_decision_date": view.until(item.adm_decision),
                    "perm_ffa_cp_decision_date": view.until(item.ffa_decision),
                    "perm_placement_order_date": view.until(item.placement_order),
                    "perm_placed_for_adoption_date": placed,
                    "perm_matched_date": matched,
                    "perm_adopted_by_carer_flag": flag(item.adopted_by_carer) if placed else None,
                    "perm_placed_ffa_cp_date": view.until(item.placed_ffa),
                    "perm_decision_reversed_date": reversed_on,
                    "perm_placed_foster_carer_date": view.until(item.placed_foster_carer)
                    if placed
                    else None,
                    "perm_part_of_sibling_group": flag(item.sibling_group),
                    "perm_siblings_placed_together": item.siblings_together,
                    "perm_siblings_placed_apart": item.siblings_apart,
                    "perm_decision_reversed_reason": item.decision_reversed_reason
                    if reversed_on
                    else None,
                    "perm_permanence_order_date": ordered,
                    "perm_permanence_order_type": item.order_type if ordered else None,
                    "perm_adoption_worker_id": view.worker_id(item.worker),
                    "perm_adopter_sex": item.adopter_sex if matched else None,
                    "perm_adopter_legal_status": item.adopter_legal_status if matched else None,
                    "perm_number_of_adopters": str(item.adopters)
                    if matched and item.adopters
                    else None,
                },
                self._meta(item.person, item.key, min(known)),
            )
        return out

    def care_leavers(self) -> TableRows:
        out, view = self._rows("ssd_care_leavers"), self.view
        for item in self.state.care_leavers:
            if not view.known(item.date):
                continue
            out.add(
                {
                    "clea_table_id": view.rid("CL", item.key),
                    "clea_person_id": self._pid(item.person),
                    "clea_care_leaver_eligibility": item.eligibility,
                    "clea_care_leaver_in_touch": item.in_touch,
                    "clea_care_leaver_latest_contact": item.date,
                    "clea_care_leaver_accommodation": item.accommodation,
                    "clea_care_leaver_accom_suitable": flag(item.suitable),
                    "clea_care_leaver_activity": item.activity,
                    "clea_pathway_plan_review_date": item.pathway_review,
                    "clea_care_leaver_personal_advisor": item.advisor,
                    "clea_care_leaver_allocated_team": LEAVING_CARE_TEAM,
                    "clea_care_leaver_worker_id": view.worker_id(item.worker),
                },
                self._meta(item.person, item.key, item.date),
            )
        return out

    def involvements(self) -> TableRows:
        out, view = self._rows("ssd_involvements"), self.view
        for item in self.state.involvements:
            if not view.known(item.start):
                continue
            ended = view.until(item.end)
            out.add(
                {
                    "invo_involvements_id": view.rid("IV", item.key),
                    "invo_professional_id": view.worker_id(item.worker),
                    "invo_professional_role_id": INVOLVEMENT_ROLE,
                    "invo_professional_team": item.team,
                    "invo_involvement_start_date": item.start,
                    "invo_involvement_end_date": ended,
                    "invo_worker_change_reason": item.change_reason if ended else None,
                    "invo_person_id": self._pid(item.person),
                    "invo_referral_id": view.rid("R", item.referral),
                },
                self._meta(item.person, item.key, item.start),
            )
        return out

    def care_plans(self) -> TableRows:
        out, view = self._rows("ssd_cla_care_plan"), self.view
        for item in self.state.care_plans:
            if view.known(item.start):
                out.add(
                    {
                        "lacp_table_id": view.rid("PN", item.key),
                        "lacp_person_id": self._pid(item.person),
                        "lacp_cla_care_plan_start_date": item.start,
                        "lacp_cla_care_plan_end_date": view.until(item.end),
                        "lacp_cla_care_plan_json": json.dumps({"PLAN": item.plan}),
                    },
                    self._meta(item.person, item.key, item.start),
                )
        return out

    def immunisations(self) -> TableRows:
        out, view = self._rows("ssd_cla_immunisations"), self.view
        for person_key, (up_to_date, when) in self.state.immunisations.items():
            if view.known(when) and person_key in self.visible_persons:
                out.add(
                    {
                        "clai_person_id": self._pid(person_key),
                        "clai_immunisations_status": flag(up_to_date),
                        "clai_immunisations_status_date": when,
                    },
                    self._meta(person_key, person_key, when),
                )
        return out

    def previous_permanence(self) -> TableRows:
        out, view = self._rows("ssd_cla_previous_permanence"), self.view
        for person_key, (option, order_text, la, since) in self.state.previous_permanence.items():
            if view.known(since):
                out.add(
                    {
                        "lapp_table_id": view.rid("PP", person_key),
                        "lapp_person_id": self._pid(person_key),
                        "lapp_previous_permanence_order_date": order_text,
                        "lapp_previous_permanence_option": option,
                        "lapp_previous_permanence_la": la,
                    },
                    self._meta(person_key, person_key, since),
                )
        return out


def professionals(view: SystemView, workforce: Workforce, caseloads: list[int]) -> TableRows:
    """Social workers known to the system on its extract date, with their caseload then."""
    out = TableRows("ssd_professionals", table_contracts()["ssd_professionals"].column_names)
    for worker in workforce.workers:
        if worker.start > view.extract_date:
            continue
        out.add(
            {
                "prof_professional_id": view.worker_id(worker.index),
                "prof_staff_id": worker.staff_id,
                "prof_professional_name": worker.name,
                "prof_social_worker_registration_no": worker.registration,
                "prof_professional_job_title": worker.job_title,
                "prof_professional_caseload": caseloads[worker.index],
                "prof_professional_department": worker.team,
                "prof_full_time_equivalency": worker.fte,
                "prof_agency_worker_flag": flag(worker.agency),
            },
            RowMeta(None, WORKER_KEY_BASE + worker.index, False, worker.start),
        )
    return out


class PartWriter:
    """Streams one chunk's rows of one system to headerless part files (one per table)."""

    def __init__(self, folder: Path, view: SystemView) -> None:
        self.folder = folder
        self.view = view
        folder.mkdir(parents=True, exist_ok=True)
        self.encoding, self.newline = encoding_of(view)
        self.handles: dict[str, IO[str]] = {}
        self.writers: dict[str, csv.Writer] = {}
        self.counts: dict[str, int] = {}
        self._date_columns = {
            name: _date_positions(contract) for name, contract in table_contracts().items()
        }

    def write(self, rows: TableRows) -> None:
        """Write rows (None is written empty; the csv module formats numbers)."""
        table = rows.table
        if table not in self.writers:
            handle = (self.folder / f"{table}.csv").open("w", encoding=self.encoding, newline="")
            self.handles[table] = handle
            self.writers[table] = csv.writer(handle, lineterminator=self.newline)
            self.counts[table] = 0
        writer = self.writers[table]
        dates = self._date_columns[table]
        legacy = self.view.is_legacy
        for row, meta in zip(rows.rows, rows.metas, strict=True):
            for position, column in dates:
                value = row[position]
                if value.__class__ is int:
                    row[position] = _format_date(value, column, meta.key, legacy)
            writer.writerow(row)
        self.counts[table] += len(rows.rows)

    def close(self) -> dict[str, int]:
        for handle in self.handles.values():
            handle.close()
        return self.counts


def encoding_of(view: SystemView) -> tuple[str, str]:
    """(encoding, line ending): Windows-1252 and CRLF for the legacy system's SQL Server
    export, UTF-8 for the successor (its files start with a byte-order mark)."""
    return ("cp1252", "\r\n") if view.is_legacy else ("utf-8", "\n")


def assemble_extract(folder: Path, view: SystemView, parts: list[Path]) -> None:
    """Write every contract table of one extract: header, then the parts in order; the
    ``_complete`` marker last."""
    folder.mkdir(parents=True, exist_ok=True)
    encoding, newline = encoding_of(view)
    for name, contract in table_contracts().items():
        header = io.StringIO()
        csv.writer(header, lineterminator=newline).writerow(contract.column_names)
        with (folder / f"{name}.csv").open("wb") as target:
            if not view.is_legacy:
                target.write(codecs.BOM_UTF8)
            target.write(header.getvalue().encode(encoding))
            for part in parts:
                source = part / f"{name}.csv"
                if source.exists():
                    with source.open("rb") as handle:
                        shutil.copyfileobj(handle, target, 1 << 20)
    (folder / "_complete").write_bytes(b"")


def _date_positions(contract: TableContract) -> list[tuple[int, str]]:
    return [
        (position, column.name)
        for position, column in enumerate(contract.columns)
        if column.logical_type == "date"
    ]


def _format_date(value: int, column: str, key: int, legacy: bool) -> str:
    if legacy:
        return legacy_text(value)
    if column in DATE_ONLY_COLUMNS:
        return iso_text(value)
    if column in TIMED_COLUMNS:
        hours, minutes = divmod(540 + (key * 37) % 480, 60)
        return f"{iso_text(value)} {hours:02d}:{minutes:02d}:00.000"
    return datetime_text(value)
