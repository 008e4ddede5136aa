"""Simulate one chunk of the population: every child's journey through children's social
care, from contact and referral through assessment, section 47, child protection, child
in need plans and care, to leaving care.

Rates are calibrated to England 2025 per 10,000 children (referrals about 520 a year,
section 47 enquiries 189, CP plans starting 50.8, children starting care 26); the journey
of each child is simulated event by event in Python, while the population and the moments
children first come to notice are drawn with numpy for the whole chunk.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from orchestration.synthetic import names, postcodes
from orchestration.synthetic.cla import simulate_period, simulate_short_breaks
from orchestration.synthetic.codes import (
    ACTIVITY_EET,
    ACTIVITY_NEET,
    ASSESSMENT_NFA_OUTCOMES,
    CARE_LEAVER_ACCOMMODATION,
    CARE_LEAVER_IN_TOUCH,
    CLA_VISIT_TEAM,
    CONTACT_OUTCOMES,
    CP_CATEGORY,
    CP_REVIEW_PARTICIPATION,
    ETHNICITY,
    ETHNICITY_UASC,
    LEAVING_CARE_TEAM,
    NATIONALITY_UASC,
    PRIMARY_NEED,
    REFERRAL_SOURCE,
    UNSUITABLE_ACCOMMODATION,
    WORKER_CHANGE_REASON,
)
from orchestration.synthetic.context import RunContext
from orchestration.synthetic.dates import add_years
from orchestration.synthetic.model import (
    S47,
    Assessment,
    CareLeaverRecord,
    ChunkState,
    CinPlan,
    Contact,
    CpPlan,
    CpReview,
    Icpc,
    Involvement,
    Period,
    Person,
    Referral,
    Visit,
)
from orchestration.synthetic.population import Cohort, build_cohort, count_population, draw_arrivals
from orchestration.synthetic.randoms import uniform_int

KEY_STRIDE = 10**8  # record keys of chunk i are (i + 1) * KEY_STRIDE + serial
REFERRAL_RATE = 0.041  # fresh referrals per child-year (re-referrals come on top)
CONTACT_ONLY_RATE = 0.045  # contacts that do not become referrals, per child-year
UASC_PER_10K_YEAR = 3.4
FRONT_DOOR_TEAM = "Front Door (MASH)"
# Relative chance of entering care from a referral, CP plan or CIN plan by age band
# (<1, 1-4, 5-9, 10-15, 16-17): babies and teenagers enter care most (SSDA903 starters).
CARE_ENTRY_BY_AGE = ((1.0, 2.4), (5.0, 0.75), (10.0, 0.62), (16.0, 0.95), (19.0, 1.25))
CP_REVIEW_END_P = (0.28, 0.52, 0.55, 0.63, 0.75)
# Share of children in care on the first simulated day, by age (per child of that age).
INITIAL_STOCK_BY_AGE = (0.0040, 0.0048, 0.0050, 0.0052, 0.0055, 0.0058, 0.0060, 0.0063,
                        0.0066, 0.0070, 0.0075, 0.0080, 0.0086, 0.0092, 0.0098, 0.0104,
                        0.0104, 0.0090)  # fmt: skip


def care_factor(age: float) -> float:
    """Relative chance of entering care at this age."""
    for upper, factor in CARE_ENTRY_BY_AGE:
        if age < upper:
            return factor
    return CARE_ENTRY_BY_AGE[-1][1]


@dataclass
class History:
    """What the authority already knows about a child when a new referral arrives."""

    referrals: int = 0
    cp_plans: int = 0
    cla_periods: int = 0
    returned_home: int | None = None
    adopted: bool = False


@dataclass
class Phase:
    kind: str  # cp, cin, cla, close, open
    day: int
    route: str = ""
    reason: str = ""


def close_after_enquiry(phase: Phase) -> Phase:
    """A closure after a section 47 enquiry: RC8/RC9 mean closed after assessment alone.

    The CIN census rejects RC8 and RC9 on an episode that holds a section 47 enquiry (rule
    2990), so such an episode closes with RC7 (services ceased for any other reason).
    """
    if phase.reason in ("RC8", "RC9"):
        return Phase(phase.kind, phase.day, phase.route, "RC7")
    return phase


def end_work_at_closure(
    assessment: Assessment,
    s47: S47 | None,
    close_day: int | None,
    icpc: Icpc | None = None,
    weekday_before: Callable[[int], int] = lambda day: day,
) -> None:
    """Work on a referral ends by its closure (an 18th birthday or a short stay in care
    can close an episode early).

    The CIN census rejects an assessment, enquiry or conference that outlasts its closed
    episode (rules 8565 and 8867), so one still running at the closure is completed on the
    closure day, and a conference due after it is held by then, on a weekday
    (``weekday_before``; rule 8875). (A conference that led to a plan kept the episode
    open, so it cannot fall after the closure.)
    """
    if close_day is None:
        return
    if icpc is not None and icpc.plan is None and icpc.date > close_day:
        icpc.date = weekday_before(close_day)
    if assessment.start <= close_day and (assessment.auth is None or assessment.auth > close_day):
        assessment.auth = close_day
    if s47 is not None and s47.start <= close_day and (s47.end is None or s47.end > close_day):
        s47.end = close_day


class Simulator:
    """Simulates one chunk; records go to ``self.state``."""

    def __init__(self, ctx: RunContext, chunk_index: int, population: int) -> None:
        self.ctx = ctx
        self.chunk_index = chunk_index
        self.population = population
        self.np_rng = np.random.default_rng(
            np.random.SeedSequence([ctx.settings.seed, chunk_index])
        )
        self.rng = random.Random(int(self.np_rng.integers(2**62)))
        self.state = ChunkState(chunk_index)
        self._next_key = (chunk_index + 1) * KEY_STRIDE
        self.cohort: Cohort | None = None
        self._stages: list[tuple[int, str]] = []

    def key(self) -> int:
        self._next_key += 1
        return self._next_key

    # -- the chunk -------------------------------------------------------------------------

    def run(self) -> ChunkState:
        ctx = self.ctx
        cohort = build_cohort(
            self.np_rng,
            self.population,
            ctx.sim_start,
            ctx.end,
            ctx.settings.as_of_date.year,
            UASC_PER_10K_YEAR,
        )
        self.cohort = cohort
        children, days = draw_arrivals(
            self.np_rng,
            cohort,
            ctx.sim_start,
            ctx.end,
            REFERRAL_RATE + CONTACT_ONLY_RATE,
            ctx.calendar,
            ctx.season,
            ctx.year_factors,
            ctx.first_year,
        )
        stock = self._initial_stock(cohort)
        uasc = np.flatnonzero(cohort.uasc)
        involved = np.unique(
            np.concatenate([children, np.array(sorted(stock), dtype=np.int64), uasc])
        )
        bounds = (
            np.searchsorted(children, involved, side="left"),
            np.searchsorted(children, involved, side="right"),
        )
        for position, child in enumerate(involved.tolist()):
            arrivals = days[bounds[0][position] : bounds[1][position]].tolist()
            self._child(child, arrivals, stock.get(child))
        return self.state

    def population_counts(self, mid_year_days: list[int]) -> list[int]:
        assert self.cohort is not None
        return count_population(self.cohort, mid_year_days)

    def _initial_stock(self, cohort: Cohort) -> dict[int, int]:
        """Children already in care on the first simulated day, with backdated entry."""
        start = self.ctx.sim_start
        alive = np.flatnonzero(
            (cohort.resident_from < start - 30) & (cohort.resident_to > start + 30) & ~cohort.uasc
        )
        age = ((start - cohort.dob[alive]) / 365.25).astype(np.int64).clip(0, 17)
        chosen = alive[self.np_rng.random(alive.size) < np.asarray(INITIAL_STOCK_BY_AGE)[age]]
        stock = {}
        for child in chosen.tolist():
            earliest = max(int(cohort.dob[child]), start - 10 * 365)
            stock[child] = earliest + int(self.rng.random() * (start - earliest))
        return stock

    # -- one child ---------------------------------------------------------------------------

    def _person(self, child: int, first_known: int) -> Person:
        cohort, rng = self.cohort, self.rng
        assert cohort is not None
        uasc = bool(cohort.uasc[child])
        sex = "F" if cohort.female[child] else "M"
        forename, surname = names.pick_name(rng, sex, uasc)
        dob = int(cohort.dob[child])
        school_year = (dob + 5 * 365 + 200 - 719_163) // 365 + 1970
        has_upn = not uasc and (first_known - dob > 4 * 365 or rng.random() < 0.3)
        # the same draws in the same order as ever: key, ethnicity, then the UPN
        key = self.key()
        ethnicity = (ETHNICITY_UASC if uasc else ETHNICITY).pick(rng.random())
        upn = names.upn(rng, self.ctx.settings.la_code, school_year) if has_upn else None
        if upn is None and not uasc and self.ctx.end - dob >= 4 * 365:
            # A child of school age by the extract date has been given a UPN by a school
            # (UN1 means "not yet of school age": 903 rule 209). Its own random stream keeps
            # every other draw of the run unchanged.
            upn_rng = random.Random(f"upn:{self.ctx.settings.seed}:{key}")
            upn = names.upn(upn_rng, self.ctx.settings.la_code, school_year)
        person = Person(
            key=key,
            dob=dob,
            sex=sex,
            ethnicity=ethnicity,
            forename=forename,
            surname=surname,
            upn=upn,
            upn_unknown=None if upn else ("UN2" if uasc else "UN1"),
            nationality=NATIONALITY_UASC.pick(rng.random()) if uasc else "British",
            resident_from=int(cohort.resident_from[child]),
            resident_to=int(cohort.resident_to[child]),
            is_uasc=uasc,
            send_flag="Y" if rng.random() < 0.04 else "N",
            known_from=first_known,
        )
        if sex == "F" and first_known - dob > 14 * 365 and rng.random() < 0.02:
            person.is_mother = "Y"
        if not uasc:
            # Family homes (ssd_address) in the authority from birth or moving in; an
            # unaccompanied child has none. Their own stream keeps every other draw unchanged.
            address_rng = random.Random(f"address:{self.ctx.settings.seed}:{key}")
            person.addresses = postcodes.home_addresses(
                address_rng, max(dob, person.resident_from), self.ctx.end + 1
            )
        self.state.persons.append(person)
        return person

    def _child(self, child: int, arrivals: list[int], stock_entry: int | None) -> None:
        ctx, rng = self.ctx, self.rng
        assert self.cohort is not None
        horizon = min(int(self.cohort.resident_to[child]), ctx.end + 1)
        first_period = len(self.state.periods)
        person: Person | None = None
        history = History()
        busy_until: int | None = -(10**9)
        pending: int | None = None
        if stock_entry is not None:
            referral_day = ctx.seam(stock_entry - uniform_int(rng, 5, 60))
            person = self._person(child, referral_day - 1)
            busy_until = self._referral(person, referral_day, history, stock_entry=stock_entry)
        elif self.cohort.uasc[child]:
            arrival = ctx.seam(int(self.cohort.resident_from[child]))
            person = self._person(child, arrival)
            busy_until = self._referral(person, arrival, history, uasc=True)
        if history.adopted:
            person, history = None, History()  # as after an adoption in the loop below
        index = 0
        while busy_until is not None:
            while index < len(arrivals) and arrivals[index] <= busy_until:
                index += 1
            next_arrival = arrivals[index] if index < len(arrivals) else None
            if pending is not None and (next_arrival is None or pending <= next_arrival):
                when, pending, is_referral = pending, None, True
            elif next_arrival is not None:
                when, index = next_arrival, index + 1
                is_referral = rng.random() < REFERRAL_RATE / (REFERRAL_RATE + CONTACT_ONLY_RATE)
            else:
                break
            if when >= horizon:
                break
            if person is None:
                person = self._person(child, when)
            if not is_referral:
                self.state.contacts.append(
                    Contact(
                        self.key(),
                        person.key,
                        when,
                        REFERRAL_SOURCE.pick(rng.random()),
                        CONTACT_OUTCOMES.pick(rng.random()),
                    )
                )
                continue
            busy_until = self._referral(person, ctx.seam(when), history)
            pending = self._rereferral(busy_until, history, horizon)
            if history.adopted:
                # An adopted child who comes back to the authority is a new person with a
                # new, unlinked id (SSD guidance; SSDA903 rule 199), and no known history.
                person, history = None, History()
        if person is not None:
            self._care_leaver(
                person,
                [p for p in self.state.periods[first_period:] if p.person == person.key],
            )

    def _rereferral(self, closed: int | None, history: History, horizon: int) -> int | None:
        """A repeat referral soon after closure (re-referral within 12 months: 22.6%)."""
        if closed is None:
            return None
        rng = self.rng
        chance = 0.26 + (0.06 if history.cp_plans else 0.0)
        if history.returned_home is not None and closed - history.returned_home < 400:
            chance += 0.1
        if rng.random() >= chance:
            return None
        when = closed + uniform_int(rng, 10, 330)
        return when if when < horizon else None

    # -- one referral (CIN episode) -------------------------------------------------------------

    def _referral(
        self,
        person: Person,
        when: int,
        history: History,
        stock_entry: int | None = None,
        uasc: bool = False,
    ) -> int | None:
        """Simulate a referral to its closure; returns the close day (None if still open)."""
        ctx, rng, cal, state = self.ctx, self.rng, self.ctx.calendar, self.state
        age = (when - person.dob) / 365.25
        need = "N8" if uasc else PRIMARY_NEED.pick(rng.random())
        source = "7" if uasc else REFERRAL_SOURCE.pick(rng.random())
        contact_day = max(when - rng.choice((0, 0, 0, 1, 2)), person.dob)
        state.contacts.append(Contact(self.key(), person.key, contact_day, source, "CIN Referral"))
        person.known_from = min(person.known_from or contact_day, contact_day)
        referral = Referral(
            key=self.key(),
            person=person.key,
            date=when,
            need=need,
            source=source,
            nfa=False,
            outcome="Assessment required",
            team=FRONT_DOOR_TEAM,
        )
        state.referrals.append(referral)
        history.referrals += 1
        self._stages = []
        first_cin_plan = len(state.cin_plans)
        if not uasc and stock_entry is None and rng.random() < 0.065:
            referral.nfa = True
            referral.outcome = "No Further Action"
            close = ctx.seam(when + rng.choice((0, 0, 1, 2, 3)))
            if close > ctx.end:
                return None
            self._close(referral, close, "RC7")
            return close
        start = cal.add_working_days(when, rng.choice((0, 0, 1, 2)))
        assessment_team = "Disabled Children Team" if need == "N2" else "Assessment Team"
        self._stages.append((start, assessment_team))
        auth = cal.add_working_days(start, self._assessment_working_days())
        in_need = rng.random() >= (0.45 if need != "N2" else 0.15)
        phase: Phase
        icpc_plan: Icpc | None = None
        s47 = None
        recently_home = history.returned_home is not None and when - history.returned_home < 730
        emergency_p = 0.0115 * care_factor(age) + (0.18 if recently_home else 0.0)
        if stock_entry is not None:
            phase = Phase("cla", stock_entry, "initial")
            in_need = True
        elif uasc:
            phase = Phase("cla", when, "uasc")
            in_need = True
        elif age >= 12 and rng.random() < 0.004:
            phase = Phase("cla", ctx.seam(when + uniform_int(rng, 0, 2)), "remand")
            in_need = True
        elif rng.random() < emergency_p:
            phase = Phase("cla", ctx.seam(when + uniform_int(rng, 0, 3)), "emergency")
            in_need = True
        else:
            phase = Phase("close", ctx.seam(auth), "", "RC8" if rng.random() < 0.7 else "RC9")
        s47_p = 0.40 + (0.2 if history.cp_plans else 0.0) + (0.1 if age < 1 else 0.0)
        if need == "N2":
            s47_p = 0.05
        s47_start = when + rng.choice((0, 0, 1))
        if phase.kind == "close" and s47_start <= ctx.end and rng.random() < s47_p:
            s47_end: int | None = cal.add_working_days(s47_start, uniform_int(rng, 3, 15))
            if s47_end is not None and s47_end > ctx.end:
                s47_end = None
            to_icpc = rng.random() < (0.28 + (0.2 if history.cp_plans else 0.0))
            s47 = S47(
                self.key(),
                person.key,
                referral.key,
                s47_start,
                s47_end,
                not to_icpc,
                to_icpc,
                assessment_team,
                None,
            )
            state.s47s.append(s47)
            if to_icpc:
                target = cal.add_working_days(s47_start, 15)
                held_wd = (
                    uniform_int(rng, 8, 15) if rng.random() < 0.83 else uniform_int(rng, 16, 26)
                )
                held = ctx.seam(cal.add_working_days(s47_start, held_wd))
                icpc_plan = Icpc(
                    self.key(),
                    person.key,
                    referral.key,
                    s47.key,
                    target,
                    held,
                    rng.random() < 0.87,
                    "Child Protection Conference Service",
                    None,
                )
                if held <= ctx.end:
                    state.icpcs.append(icpc_plan)
                if icpc_plan.outcome_cp:
                    phase = Phase("cp", held)
                else:
                    in_need = rng.random() < 0.7
            if phase.kind == "close":
                in_need = in_need and rng.random() < 0.75
        if phase.kind in ("close", "cin") and s47 is not None:
            # the episode goes on at least until the enquiry and any conference are over
            phase.day = ctx.seam(
                max(auth, s47.end or s47.start, icpc_plan.date if icpc_plan else 0)
            )
        if phase.kind == "close" and in_need:
            phase = Phase("cin", phase.day)
        if phase.kind == "close" and s47 is not None:
            phase = close_after_enquiry(phase)
        if s47 is not None and s47.end is None:
            s47.nfa = False
        assessment_nfa = phase.kind == "close"
        assessment = Assessment(
            key=self.key(),
            person=person.key,
            referral=referral.key,
            start=start,
            auth=auth,
            child_seen=rng.random() < 0.95,
            outcome=ASSESSMENT_NFA_OUTCOMES.pick(rng.random())
            if assessment_nfa
            else "Strategy discussion and/or Section 47 enquiry"
            if s47 is not None
            else "Other",
            nfa=assessment_nfa,
            team=assessment_team,
            worker=None,
        )
        if start <= ctx.end:
            state.assessments.append(assessment)
        if assessment.auth is not None and assessment.auth > ctx.end:
            assessment.auth = None
        if s47 is not None:
            referral.outcome = "Strategy discussion and/or Section 47 enquiry"
        close_day = self._run_phases(person, referral, phase, history, icpc_plan, need)
        end_work_at_closure(
            assessment,
            s47,
            close_day,
            icpc_plan,
            weekday_before=lambda day: self._weekday(day, s47.start if s47 else day - 7),
        )
        self._allocate(person, referral, close_day)
        for record in (assessment, s47, icpc_plan):
            if record is not None:
                on = getattr(record, "start", None) or getattr(record, "date", when)
                record.worker = self._worker_on(referral.key, on)
        referral.worker = self._worker_on(referral.key, start)
        for plan in state.cin_plans[first_cin_plan:]:
            plan.worker = self._worker_on(referral.key, plan.start)
        return close_day

    def _assessment_working_days(self) -> int:
        """Duration to authorisation: median about 33 working days, 86% within 45."""
        draw = self.rng.random()
        if draw < 0.12:
            return uniform_int(self.rng, 1, 10)
        if draw < 0.857:
            return int(self.rng.triangular(11, 45, 40))
        return 46 + int(self.rng.expovariate(1 / 14))

    def _run_phases(
        self,
        person: Person,
        referral: Referral,
        phase: Phase,
        history: History,
        icpc: Icpc | None,
        need: str,
    ) -> int | None:
        """Walk the referral's phases until it closes; returns the close day."""
        ctx = self.ctx
        b18 = ctx.seam(person.resident_to)
        while True:
            if phase.kind == "close":
                close = min(ctx.seam(phase.day), b18)
                if close > ctx.end:
                    return None
                self._close(referral, close, phase.reason or "RC7")
                return close
            if phase.day >= b18:
                phase = Phase("close", b18, reason="RC7")
                continue
            if phase.day > ctx.end:
                return None
            if phase.kind == "cp":
                assert icpc is not None
                phase = self._cp_plan(person, referral, icpc, phase.day, history)
            elif phase.kind == "cin":
                phase = self._cin_plan(person, referral, phase.day, need, history)
            elif phase.kind == "cla":
                phase = self._cla(person, referral, phase, need, history)
            else:
                return None
            if phase.kind == "open":
                return None

    def _close(self, referral: Referral, close: int, reason: str) -> None:
        referral.close_date = close
        referral.close_reason = reason

    def _cp_plan(
        self, person: Person, referral: Referral, icpc: Icpc, start: int, history: History
    ) -> Phase:
        ctx, rng, cal, state = self.ctx, self.rng, self.ctx.calendar, self.state
        self._stages.append((start, "Child Protection Team"))
        category = CP_CATEGORY.pick(rng.random())
        plan = CpPlan(
            self.key(),
            person.key,
            referral.key,
            icpc.key,
            start,
            None,
            category,
            category if rng.random() < 0.85 else CP_CATEGORY.pick(rng.random()),
        )
        icpc.plan = plan.key
        state.cp_plans.append(plan)
        history.cp_plans += 1
        reviews: list[tuple[int, int]] = []
        due, number, end = cal.add_months(start, 3), 0, None
        while end is None:
            held = (
                due - uniform_int(rng, 0, 12)
                if rng.random() < 0.92
                else due + uniform_int(rng, 1, 30)
            )
            held = ctx.seam(self._weekday(held, start))
            reviews.append((due, held))
            if (
                held > ctx.end
                or rng.random() < CP_REVIEW_END_P[min(number, len(CP_REVIEW_END_P) - 1)]
            ):
                end = held
            due, number = cal.add_months(held, 6), number + 1
        age = (start - person.dob) / 365.25
        into_care = rng.random() < (
            0.16 * care_factor(age) + (0.12 if history.cla_periods else 0.0)
        )
        if into_care and end - start > 28:
            end = ctx.seam(start + 14 + int(rng.random() * (end - start - 14)))
        else:
            into_care = False
        aged_out = end >= ctx.seam(person.resident_to)
        end = min(end, ctx.seam(person.resident_to))
        open_at_end = end > ctx.end
        plan.end = None if open_at_end else end
        last = min(end, ctx.end + 1)
        for due, held in reviews:
            if held > last or (held == last and into_care) or held > ctx.end:
                break
            state.cp_reviews.append(
                CpReview(
                    self.key(),
                    person.key,
                    plan.key,
                    due,
                    held,
                    held != end,
                    True,
                    CP_REVIEW_PARTICIPATION.pick(rng.random()),
                )
            )
        self._visits(state.cp_visits, person, start, last, (5, 10), 0.93, plan=plan.key)
        if open_at_end:
            return Phase("open", end)
        if into_care:
            return Phase("cla", end, "cp")
        if aged_out:
            return Phase("close", end, reason="RC7")
        if rng.random() < 0.55:
            return Phase("cin", end)
        return Phase("close", end + uniform_int(rng, 0, 10), reason="RC7")

    def _cin_plan(
        self, person: Person, referral: Referral, start: int, need: str, history: History
    ) -> Phase:
        ctx, rng, state = self.ctx, self.rng, self.state
        team = "Disabled Children Team" if need == "N2" else "Children in Need Team"
        self._stages.append((start, team))
        median = 520 if need == "N2" else 135
        end = ctx.seam(start + max(14, int(rng.lognormvariate(math.log(median), 0.8))))
        recently_home = history.returned_home is not None and start - history.returned_home < 730
        age = (start - person.dob) / 365.25
        into_care = rng.random() < (0.04 if need != "N2" else 0.012) * care_factor(age) + (
            0.2 if recently_home else 0
        )
        if into_care:
            end = ctx.seam(start + 10 + int(rng.random() * max(1, end - start - 10)))
        b18 = ctx.seam(person.resident_to)
        aged_out = end >= b18
        end = min(end, b18)
        open_at_end = end > ctx.end
        plan = CinPlan(
            self.key(), person.key, referral.key, start, None if open_at_end else end, team, None
        )
        state.cin_plans.append(plan)
        last = min(end, ctx.end + 1)
        self._visits(state.cin_visits, person, start, last, (10, 25), 0.9)
        age = (start - person.dob) / 365.25
        if need == "N2" and age >= 4 and rng.random() < 0.12:
            simulate_short_breaks(self, person, start, last, need, referral.key)
        if open_at_end:
            return Phase("open", end)
        if into_care and not aged_out:
            return Phase("cla", end, "cin")
        return Phase("close", end + uniform_int(rng, 0, 5), reason="RC7")

    def _cla(
        self, person: Person, referral: Referral, phase: Phase, need: str, history: History
    ) -> Phase:
        ctx, rng = self.ctx, self.rng
        self._stages.append((phase.day, CLA_VISIT_TEAM))
        period = simulate_period(self, person, phase.day, phase.route, need, referral.key)
        history.cla_periods += 1
        if period.end is None:
            return Phase("open", ctx.end + 1)
        reason = period.end_reason or "E8"
        history.adopted = reason in ("E11", "E12")
        if reason in ("E4A", "E4B", "E13") and period.end < ctx.seam(person.resident_to):
            history.returned_home = period.end
            if rng.random() < 0.5:
                return Phase("cin", period.end)
            return Phase("close", period.end + uniform_int(rng, 0, 20), reason="RC7")
        close_reason = {
            "E11": "RC1",
            "E12": "RC1",
            "E41": "RC3",
            "E3": "RC5",
            "E7": "RC6",
            "E45": "RC4",
            "E46": "RC4",
            "E47": "RC4",
            "E48": "RC4",
        }.get(reason, "RC7")
        return Phase("close", period.end, reason=close_reason)

    def _weekday(self, value: int, floor: int) -> int:
        weekday = self.ctx.calendar.weekday[value - self.ctx.calendar.first]
        if weekday >= 5 and value - (weekday - 4) > floor:
            return value - (weekday - 4)
        return value

    def _visits(
        self,
        target: list[Visit],
        person: Person,
        start: int,
        stop: int,
        gap_wd: tuple[int, int],
        seen_p: float,
        plan: int | None = None,
    ) -> None:
        """Visits every few working days in [start, stop), some late."""
        rng, cal = self.rng, self.ctx.calendar
        when = cal.add_working_days(start, uniform_int(rng, 1, gap_wd[0]))
        older = person.dob + 1460
        while when < stop:
            seen = rng.random() < seen_p
            target.append(
                Visit(
                    key=self.key(),
                    person=person.key,
                    date=when,
                    seen=seen,
                    seen_alone=seen and when > older and rng.random() < 0.6,
                    bedroom=rng.random() < 0.7,
                    plan=plan,
                )
            )
            late = rng.random() < 0.12
            step = (
                uniform_int(rng, gap_wd[1] + 1, gap_wd[1] * 2)
                if late
                else uniform_int(rng, *gap_wd)
            )
            when = cal.add_working_days(when, step)

    # -- allocations -------------------------------------------------------------------------

    def _allocate(self, person: Person, referral: Referral, close: int | None) -> None:
        """Allocated social workers for each stage of the referral (ssd_involvements)."""
        ctx, rng = self.ctx, self.rng
        stages = [stage for stage in self._stages if close is None or stage[0] < close]
        for index, (start, family) in enumerate(stages):
            stop = stages[index + 1][0] if index + 1 < len(stages) else close
            if stop is not None and stop <= start:
                continue
            stop_or_end = stop if stop is not None and stop <= ctx.end else None
            cursor = start
            reason_at_stop = "TSPROC" if index + 1 < len(stages) else None
            while True:
                worker = ctx.workforce.pick(family, cursor, rng)
                change = cursor + int(rng.expovariate(1 / 700)) + 30
                worker_end = worker.end
                limit = stop_or_end if stop_or_end is not None else ctx.end + 1
                split = min(worker_end, ctx.seam(change))
                if split < limit and split > cursor:
                    reason = (
                        "LEFTRL" if split == worker_end else WORKER_CHANGE_REASON.pick(rng.random())
                    )
                    self.state.involvements.append(
                        Involvement(
                            self.key(),
                            person.key,
                            referral.key,
                            worker.index,
                            worker.team,
                            cursor,
                            split,
                            reason,
                        )
                    )
                    cursor = split
                    continue
                self.state.involvements.append(
                    Involvement(
                        self.key(),
                        person.key,
                        referral.key,
                        worker.index,
                        worker.team,
                        cursor,
                        stop_or_end,
                        reason_at_stop if stop_or_end else None,
                    )
                )
                break

    def _worker_on(self, referral: int, on: int) -> int | None:
        for involvement in reversed(self.state.involvements):
            if involvement.referral != referral:
                break
            if involvement.start <= on and (involvement.end is None or on < involvement.end):
                return involvement.worker
        return None

    def allocate_worker_id(self, family: str, on: int) -> int:
        return self.ctx.workforce.pick(family, on, self.rng).index

    # -- care leavers --------------------------------------------------------------------------

    def _care_leaver(self, person: Person, own_periods: list[Period]) -> None:
        """Contact records for eligible, relevant and former relevant young people."""
        ctx, rng = self.ctx, self.rng
        periods = [period for period in own_periods if not period.short_break]
        if not periods:
            return
        fourteen, sixteen = add_years(person.dob, 14), add_years(person.dob, 16)
        in_care_after_14 = sum(
            max(0, (period.end or ctx.end + 1) - max(period.start, fourteen)) for period in periods
        )
        after_16 = any((period.end or ctx.end + 1) > sixteen for period in periods)
        if in_care_after_14 < 91 or not after_16:
            return
        last = periods[-1]
        if last.end_reason in ("E11", "E12", "E45", "E46", "E47", "E48", "E41", "E3", "E2"):
            return
        services_to = add_years(person.dob, 25 if rng.random() < 0.2 else 21)
        when = max(sixteen, min(p.start for p in periods if (p.end or ctx.end + 1) > sixteen))
        when += uniform_int(rng, 0, 60)
        advisor = names.worker_name(rng)
        worker = ctx.workforce.pick(LEAVING_CARE_TEAM, when, rng).index
        review = when
        in_touch, accommodation, activity = "YES", "C", "F2"
        while when <= min(ctx.end, services_to - 1):
            in_care = any(p.start <= when and (p.end is None or p.end > when) for p in periods)
            age = (when - person.dob) / 365.25
            eligibility = "Eligible" if in_care else "Relevant" if age < 18 else "Former Relevant"
            if rng.random() < 0.35 or in_touch != "YES":
                in_touch = CARE_LEAVER_IN_TOUCH.pick(rng.random())
                if in_touch == "NREQ" and age < 18:
                    in_touch = "YES"
            if in_care:
                accommodation = "C" if rng.random() < 0.5 else "Z" if age >= 17.9 else "D"
            elif rng.random() < 0.35 or accommodation == "C" or (accommodation == "Z" and age < 18):
                accommodation = CARE_LEAVER_ACCOMMODATION.pick(rng.random())
                while accommodation == "Z" and age < 18:
                    # with former foster carers ("staying put") only from 18 (903 rule 3001)
                    accommodation = CARE_LEAVER_ACCOMMODATION.pick(rng.random())
            if rng.random() < 0.4:
                eet_share = 0.64 if age < 19 else 0.57
                activity = (ACTIVITY_EET if rng.random() < eet_share else ACTIVITY_NEET).pick(
                    rng.random()
                )
            not_in_touch = in_touch in ("NO", "REFU", "NREQ")
            while review + 183 <= when:
                review += (
                    uniform_int(rng, 120, 183) if rng.random() < 0.9 else uniform_int(rng, 184, 260)
                )
            self.state.care_leavers.append(
                CareLeaverRecord(
                    key=self.key(),
                    person=person.key,
                    date=when,
                    eligibility=eligibility,
                    in_touch=in_touch,
                    accommodation="R" if not_in_touch else accommodation,
                    suitable=None
                    if not_in_touch
                    else accommodation not in UNSUITABLE_ACCOMMODATION and rng.random() < 0.96,
                    activity="0" if not_in_touch else activity,
                    pathway_review=review if review <= when else None,
                    advisor=advisor,
                    worker=worker,
                )
            )
            when += uniform_int(rng, 50, 100)
