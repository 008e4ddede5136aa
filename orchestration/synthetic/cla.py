"""Periods of care: outcome, legal statuses, placements, 903-style episodes, and the
statutory work around them (visits, reviews, health, PEPs, SDQs, missing episodes,
permanence).

Shares are calibrated to England 2025 (SSDA903): about 9% of ceasers adopted (mostly
under-5s), 12% special guardianship, 19% returned home, 40% aged 18 at ceasing.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from orchestration.synthetic import postcodes, providers
from orchestration.synthetic.codes import (
    CLA_VISIT_TEAM,
    PLACEMENT_CHANGE_REASON,
    REVIEW_PARTICIPATION,
    SHORT_BREAK_PLACEMENTS,
    Choice,
)
from orchestration.synthetic.dates import add_years, day, to_date
from orchestration.synthetic.model import (
    CarePlan,
    ClaReview,
    Episode,
    HealthCheck,
    Immigration,
    LegalStatus,
    Missing,
    Pep,
    Period,
    Permanence,
    Person,
    Placement,
    Sdq,
    Visit,
)
from orchestration.synthetic.randoms import uniform_int

if TYPE_CHECKING:
    from orchestration.synthetic.simulate import Simulator

K3_FROM = day(dt.date(2024, 4, 1))
SUPPORTED = "SUPPORTED"  # H5 before April 2024, K3 from then (code sets by year)

# Planned outcome of a period by age at entry (non-UASC): group -> weight.
OUTCOMES_BY_AGE: tuple[tuple[float, Choice], ...] = (
    (1.0, Choice.of({"adoption": 46, "sgo": 30, "home": 12, "cao": 3, "lt": 3, "other": 6})),
    (5.0, Choice.of({"adoption": 22, "sgo": 34, "home": 23, "cao": 5, "lt": 10, "other": 6})),
    (10.0, Choice.of({"adoption": 1, "sgo": 26, "home": 32, "cao": 5, "lt": 29, "other": 7})),
    (16.0, Choice.of({"sgo": 6, "home": 32, "cao": 2, "lt": 49, "other": 11})),
    (19.0, Choice.of({"home": 20, "lt": 70, "other": 10})),
)
OUTCOMES_UASC = Choice.of({"lt": 76, "transfer": 13, "age_assessed": 5, "other": 6})
OUTCOMES_INITIAL_STOCK = Choice.of({"lt": 62, "sgo": 14, "home": 14, "other": 10})
HOME_REASON = Choice.of({"E4A": 68, "E4B": 13, "E13": 19})
SGO_REASON = Choice.of({"E45": 22, "E46": 6, "E47": 58, "E48": 14})
OTHER_REASON = Choice.of({"E3": 38, "E8": 44, "E9": 7, "E16": 4, "E13": 7})
AGE18_REASON = Choice.of({"E17": 43, "E5": 31, "E6": 8, "E7": 3, "E4A": 5, "E13": 4, "E8": 6})
EARLY_LEAVING_REASON = Choice.of({"E5": 45, "E6": 15, "E4A": 25, "E13": 15})

INITIAL_TYPE_BY_AGE: tuple[tuple[float, Choice], ...] = (
    (1.0, Choice.of({"U6": 60, "U3": 14, "R3": 10, "P1": 5, "U5": 1})),
    (5.0, Choice.of({"U6": 64, "U3": 24, "P1": 6, "K2": 1})),
    (10.0, Choice.of({"U6": 63, "U3": 20, "K2": 9, "P1": 6})),
    (16.0, Choice.of({"U6": 52, "U3": 12, "K2": 27, "P1": 4, "K1": 2, "R1": 1})),
    (19.0, Choice.of({"U6": 30, "U3": 5, "K2": 20, SUPPORTED: 42, "P1": 3})),
)
INITIAL_TYPE_UASC = Choice.of({SUPPORTED: 55, "U6": 35, "K2": 10})
INITIAL_TYPE_REMAND = Choice.of({"U6": 45, "K2": 40, "K1": 15})
INITIAL_TYPE_STOCK = Choice.of({"U4": 45, "U1": 15, "U6": 15, "K2": 15, "U3": 10})
PROVIDERS: dict[str, Choice] = {
    "U1": Choice.of({"PR1": 95, "PR4": 5}),
    "U2": Choice.of({"PR1": 95, "PR4": 5}),
    "U3": Choice.of({"PR1": 95, "PR4": 5}),
    "U4": Choice.of({"PR1": 60, "PR4": 35, "PR5": 5}),
    "U5": Choice.of({"PR1": 60, "PR4": 30, "PR5": 10}),
    "U6": Choice.of({"PR1": 60, "PR4": 35, "PR5": 5}),
    "K1": Choice.of({"PR1": 50, "PR2": 50}),
    "K2": Choice.of({"PR4": 70, "PR1": 20, "PR5": 10}),
    "H5": Choice.of({"PR4": 60, "PR5": 25, "PR1": 15}),
    "K3": Choice.of({"PR4": 60, "PR5": 25, "PR1": 15}),
    "P1": Choice.of({"PR0": 100}),
    "R1": Choice.of({"PR4": 80, "PR3": 20}),
    "R3": Choice.of({"PR4": 60, "PR3": 40}),
    "A3": Choice.of({"PR1": 60, "PR2": 25, "PR5": 15}),
    "A4": Choice.of({"PR1": 55, "PR2": 25, "PR5": 20}),
    "A5": Choice.of({"PR1": 60, "PR2": 25, "PR5": 15}),
    "A6": Choice.of({"PR1": 55, "PR2": 25, "PR5": 20}),
}
ADOPTION_PLACEMENTS = frozenset({"A3", "A4", "A5", "A6"})
MAX_LOCATION_DRAWS = 50  # redraws of a placement location that is one of the family's homes
FOSTER_PLACEMENTS = frozenset({"U1", "U2", "U3", "U4", "U5", "U6"})
AWAY_SHARE = {"U1": 0.25, "U3": 0.25, "U4": 0.3, "U5": 0.3, "U6": 0.3, "K1": 0.85, "K2": 0.6,
              "H5": 0.35, "K3": 0.35, "P1": 0.05, "R1": 0.6, "R3": 0.6, "A3": 0.4, "A4": 0.5,
              "A5": 0.4, "A6": 0.5}  # fmt: skip
MEAN_STAY = {"U1": 3000, "U2": 500, "U3": 850, "U4": 2800, "U5": 500, "U6": 520, "K1": 100,
             "K2": 400, "H5": 430, "K3": 430, "P1": 420, "R1": 300, "R3": 110, "A3": 100_000,
             "A4": 100_000, "A5": 100_000,
             "A6": 100_000}  # fmt: skip
MOVE_TYPE_CHILD = Choice.of({"U6": 70, "U3": 18, "K2": 10, "P1": 2})
MOVE_TYPE_TEEN = Choice.of({"U6": 48, "U3": 8, "K2": 34, SUPPORTED: 8, "K1": 2})
MOVE_TYPE_LT = Choice.of({"U4": 75, "U1": 10, "K2": 15})
# SDQ1 (aged under 4 or over 16) cannot be the reason for a child aged 4-16 (903 rule 157)
SDQ_REASONS = Choice.of({"SDQ2": 10, "SDQ3": 15, "SDQ4": 60, "SDQ5": 15})
ADOPTER_SEX = Choice.of({"MF": 72, "FF": 8, "MM": 7, "F1": 11, "M1": 2})
ADOPTER_LEGAL = Choice.of({"L0": 60, "L11": 8, "L12": 5, "L2": 10, "L3": 7, "L4": 10})
REVERSED_REASON = Choice.of({"RD1": 30, "RD2": 30, "RD3": 25, "RD4": 15})
PLAN_LABELS = {
    "adoption": "Adoption",
    "sgo": "Special guardianship order",
    "cao": "Child arrangements order",
    "home": "Return to parents",
    "lt": "Long-term foster care",
    "transfer": "Other",
    "age_assessed": "Other",
    "other": "Other",
    "remand": "Youth justice",
}


@dataclass
class Outcome:
    group: str
    exit_day: int
    reason: str
    adoption: dict[str, int] | None = None


def _pick_by_age(table: tuple[tuple[float, Choice], ...], age: float, uniform: float) -> str:
    for upper, choice in table:
        if age < upper:
            return choice.pick(uniform)
    return table[-1][1].pick(uniform)


def draw_outcome(sim: Simulator, person: Person, entry: int, route: str) -> Outcome:
    """The planned way and day the period ends (capped at the 18th birthday)."""
    rng = sim.rng
    age = (entry - person.dob) / 365.25
    adoption = None
    if route == "uasc":
        group = OUTCOMES_UASC.pick(rng.random())
    elif route == "remand":
        group = "remand"
    elif route == "initial":
        group = OUTCOMES_INITIAL_STOCK.pick(rng.random())
    else:
        group = _pick_by_age(OUTCOMES_BY_AGE, age, rng.random())
    if group == "adoption" and rng.random() < 0.07:
        group = "reversed_adoption"
    b18 = person.resident_to
    reason = ""
    if group == "home":
        short = rng.random() < 0.32
        length = uniform_int(rng, 3, 56) if short else int(rng.lognormvariate(math.log(230), 0.7))
        exit_day, reason = entry + length, HOME_REASON.pick(rng.random())
    elif group in ("adoption", "reversed_adoption"):
        adm = entry + int(rng.lognormvariate(math.log(250), 0.35))
        order = adm + uniform_int(rng, 30, 140)
        matched = order + int(rng.lognormvariate(math.log(120), 0.55))
        placed = matched + uniform_int(rng, 7, 45)
        adopted = placed + int(rng.lognormvariate(math.log(270), 0.3))
        adoption = {"adm": adm, "order": order, "matched": matched, "placed": placed}
        if rng.random() < 0.08:  # placed with parental consent: no placement order (A3/A4)
            adoption["consent"] = 1
        if group == "reversed_adoption":
            adoption = {"adm": adm, "reversed": order + uniform_int(rng, 0, 200)}
            group = "sgo" if rng.random() < 0.6 else "lt"
            exit_day = adoption["reversed"] + int(rng.lognormvariate(math.log(300), 0.5))
            reason = SGO_REASON.pick(rng.random())
        else:
            exit_day, reason = adopted, "E11" if rng.random() < 0.58 else "E12"
    elif group == "sgo":
        exit_day = entry + int(rng.lognormvariate(math.log(440), 0.45))
        reason = SGO_REASON.pick(rng.random())
    elif group == "cao":
        exit_day, reason = entry + int(rng.lognormvariate(math.log(380), 0.5)), "E41"
    elif group in ("other", "transfer", "age_assessed"):
        exit_day = entry + int(rng.lognormvariate(math.log(170), 0.9))
        reason = {"transfer": "E3", "age_assessed": "E15"}.get(group) or OTHER_REASON.pick(
            rng.random()
        )
    elif group == "remand":
        exit_day = entry + uniform_int(rng, 10, 100)
        reason = "E14" if rng.random() < 0.8 else "E9"
    else:  # lt: looked after until 18, some leave at 16-17 for independent living or home
        if rng.random() < 0.16 and age < 16.5:
            exit_day = add_years(person.dob, 16) + uniform_int(rng, 180, 700)
            reason = EARLY_LEAVING_REASON.pick(rng.random())
        else:
            exit_day = b18
    if exit_day >= b18:
        exit_day, reason, group = b18, AGE18_REASON.pick(rng.random()), "age18"
    exit_day = max(exit_day, entry + 1)
    return Outcome(group, exit_day, reason or AGE18_REASON.pick(rng.random()), adoption)


def _legal_statuses(sim: Simulator, entry: int, route: str, outcome: Outcome) -> list[list]:
    """[(day, status)] changes of legal status from entry (before truncation)."""
    rng = sim.rng
    group = outcome.group
    if route == "uasc":
        return [[entry, "V2"]]
    if route == "remand":
        return [[entry, "J1"]]
    if route == "initial":
        status = "C2" if rng.random() < 0.72 else "V2"
        return [[entry, status]]
    draw = rng.random()
    if route == "emergency":
        first = "L1" if draw < 0.4 else "L2" if draw < 0.65 else "V2"
    elif route == "cp":
        first = "C1" if draw < 0.55 else "V2" if draw < 0.9 else "L2"
    else:
        first = "V2" if draw < 0.75 else "C1"
    if outcome.adoption is not None and first == "V2" and rng.random() < 0.9:
        first = "C1"
    changes = [[entry, first]]
    current, since = first, entry
    if current in ("L1", "L2"):
        since = entry + (uniform_int(rng, 1, 3) if current == "L1" else uniform_int(rng, 3, 8))
        current = "C1" if rng.random() < 0.6 or outcome.adoption else "V2"
        changes.append([since, current])
    long_stay = group in ("lt", "age18", "sgo", "cao") or outcome.adoption is not None
    if current == "V2" and long_stay and rng.random() < 0.55:
        since += uniform_int(rng, 20, 160)
        current = "C1"
        changes.append([since, current])
    if current == "C1":
        final = since + int(rng.lognormvariate(math.log(220), 0.3))
        adoption = outcome.adoption or {}
        if "order" in adoption and "consent" not in adoption:
            changes.append([adoption["order"], "E1"])
        elif final < outcome.exit_day - 14:
            changes.append([final, "C2"])
    return changes


def _initial_type(sim: Simulator, age: float, route: str, outcome: Outcome) -> str:
    uniform = sim.rng.random()
    if route == "uasc":
        chosen = INITIAL_TYPE_UASC.pick(uniform)
        # supported accommodation is for young people aged 16 or over (903 rule 371)
        return "U6" if chosen == SUPPORTED and age < 16.0 else chosen
    if route == "remand":
        return INITIAL_TYPE_REMAND.pick(uniform)
    if route == "initial":
        return INITIAL_TYPE_STOCK.pick(uniform) if age >= 1 else "U6"
    chosen = _pick_by_age(INITIAL_TYPE_BY_AGE, age, uniform)
    if outcome.adoption is not None and age < 2 and sim.rng.random() < 0.12:
        return "U5"
    return "U6" if chosen == "U5" else chosen


class PlacementBuilder:
    """Accumulates the placements of one period, with carers, providers and locations."""

    def __init__(self, sim: Simulator, person: Person, period_key: int) -> None:
        self.sim = sim
        self.person = person
        self.period_key = period_key
        self.items: list[Placement] = []

    def add(self, start: int, placement_type: str, same_carer: bool, reason: str | None) -> None:
        sim, rng = self.sim, self.sim.rng
        if placement_type == SUPPORTED:
            placement_type = "K3" if start >= K3_FROM else "H5"
        if self.items:
            previous = self.items[-1]
            previous.end = start
            previous.change_reason = reason
        if same_carer and self.items:
            carer, postcode, distance, urn = (
                self.items[-1].carer,
                self.items[-1].postcode,
                self.items[-1].distance,
                self.items[-1].urn,
            )
            provider = self.items[-1].provider
            if placement_type in ("A3", "A5", "P1"):
                provider = PROVIDERS[placement_type].pick(rng.random())
            previous_kind = providers.SERVICE_KIND.get(self.items[-1].placement_type)
            if providers.SERVICE_KIND.get(placement_type) != previous_kind:
                # e.g. the foster carer now adopting: the adoption agency's URN
                away = not postcodes.is_home(postcode)
                service = providers.pick(sim.ctx.settings.seed, rng, placement_type, provider, away)
                urn = service.urn if service is not None else None
        else:
            carer = sim.key()
            away = rng.random() < AWAY_SHARE.get(placement_type, 0.3)
            provider = PROVIDERS.get(placement_type, PROVIDERS["U6"]).pick(rng.random())
            away = providers.located(placement_type, provider, away)
            home = self.person.home_postcode(start)
            # Only a child placed with parents lives at a family home (903 rule 392d).
            family_homes = {address.postcode for address in self.person.addresses}
            for _ in range(MAX_LOCATION_DRAWS):
                service = providers.pick(sim.ctx.settings.seed, rng, placement_type, provider, away)
                if service is not None and service.postcode is not None:
                    postcode = service.postcode  # at the provider's premises
                elif placement_type == "P1" and not away and home is not None:
                    postcode = home  # placed with parents at the family home
                    break
                else:
                    postcode = postcodes.pick(rng, away).postcode  # the carer's home
                if postcode not in family_homes:
                    break
            # From the child's home (none for an unaccompanied child: distance not known).
            distance = postcodes.distance_miles(home, postcode)
            urn = service.urn if service is not None else None
        self.items.append(
            Placement(
                key=sim.key(),
                person=self.person.key,
                period=self.period_key,
                start=start,
                end=None,
                placement_type=placement_type,
                provider=provider,
                postcode=postcode,
                distance=distance,
                urn=urn,
                carer=carer,
            )
        )

    @property
    def current_type(self) -> str:
        return self.items[-1].placement_type


def _placements(
    sim: Simulator,
    person: Person,
    period: Period,
    route: str,
    outcome: Outcome,
    legal: list[list],
    limit: int,
) -> list[Placement]:
    """Placements tiling [entry, limit): moves, long-term matching, adoption, home."""
    rng, seam = sim.rng, sim.ctx.seam
    entry = period.start
    age = (entry - person.dob) / 365.25
    builder = PlacementBuilder(sim, person, period.key)
    initial = _initial_type(sim, age, route, outcome)
    if initial == "P1" and _status_on(legal, entry) not in ("C1", "C2"):
        # placement with parents is under a care order, never section 20 (903 rule 378)
        initial = "U6"
    builder.add(entry, initial, False, None)
    events: list[tuple[int, str]] = []
    adoption = outcome.adoption or {}
    if "placed" in adoption:
        events.append((adoption["placed"], "adopt"))
    if outcome.group in ("lt", "age18") and route not in ("uasc", "initial", "remand"):
        c2 = next((change[0] for change in legal if change[1] == "C2"), entry + 365)
        events.append((max(c2, entry + 200) + uniform_int(rng, 0, 200), "long_term"))
    if outcome.group == "home" and outcome.exit_day - entry > 150 and rng.random() < 0.8:
        # placed with parents under a care order for the last months before discharge
        events.append((outcome.exit_day - uniform_int(rng, 60, 240), "home"))
    events = sorted(event for event in events if entry < event[0] < limit)
    cursor, long_term = entry, route == "initial"
    short_first = route not in ("initial", "uasc") and rng.random() < 0.2
    foster_adopt = rng.random() < 0.17
    while True:
        current = builder.current_type
        if short_first:
            stay, short_first = uniform_int(rng, 1, 21), False
        else:
            mean = MEAN_STAY.get(current, 400) * (0.75 if (cursor - person.dob) > 5110 else 1.0)
            stay = max(1, int(rng.expovariate(1.0 / mean)))
        move_day = seam(cursor + stay)
        if events and events[0][0] <= move_day:
            event_day, kind = events.pop(0)
            event_day = seam(event_day)
            if event_day <= cursor or event_day >= limit:
                continue
            if kind == "adopt":
                same = foster_adopt and current in ("U4", "U5", "U6")
                codes = ("A3", "A4") if "consent" in adoption else ("A5", "A6")
                builder.add(event_day, codes[0] if same else codes[1], same, "CARPL")
            elif kind == "long_term":
                long_term = True
                target = "U1" if current in ("U1", "U2", "U3") else "U4"
                if current in ("U3", "U6") and rng.random() < 0.55:
                    builder.add(event_day, target, True, "PLACE")
                elif current not in ("U1", "U4"):
                    builder.add(event_day, target, False, "CARPL")
            elif kind == "home" and _status_on(legal, event_day) in ("C1", "C2"):
                builder.add(event_day, "P1", False, "CARPL")
            cursor = event_day
            continue
        if move_day >= limit or current in ADOPTION_PLACEMENTS:
            break
        teen = (move_day - person.dob) > 4015
        if long_term:
            new_type = MOVE_TYPE_LT.pick(rng.random())
            if new_type == "K2" and not teen:
                new_type = "U4"
        elif current == "R3":
            new_type = "U6" if rng.random() < 0.8 else "P1"
        elif current == "K1":
            new_type = "K2"
        else:
            new_type = (MOVE_TYPE_TEEN if teen else MOVE_TYPE_CHILD).pick(rng.random())
            if new_type == SUPPORTED and move_day < add_years(person.dob, 16):
                new_type = "K2"
        if new_type == "P1" and _status_on(legal, move_day) not in ("C1", "C2"):
            new_type = "U6"
        builder.add(move_day, new_type, False, PLACEMENT_CHANGE_REASON.pick(rng.random()))
        cursor = move_day
    return builder.items


def _status_on(legal: list[list], on: int) -> str:
    status = legal[0][1]
    for start, code in legal:
        if start <= on:
            status = code
    return status


def _clean_changes(sim: Simulator, changes: list[list], entry: int, limit: int) -> list[list]:
    """Seam-adjusted, strictly increasing changes inside (entry, limit), no repeats."""
    cleaned = [[entry, changes[0][1]]]
    for start, code in sorted(changes[1:], key=lambda change: change[0]):
        start = sim.ctx.seam(start)
        if start <= cleaned[-1][0] or start >= limit:
            if start == cleaned[-1][0] and start > entry:
                cleaned[-1][1] = code
            continue
        if code != cleaned[-1][1]:
            cleaned.append([start, code])
    return cleaned


def simulate_period(
    sim: Simulator,
    person: Person,
    entry: int,
    route: str,
    need: str,
    referral: int | None,
) -> Period:
    """One period of care from ``entry`` (a seam-safe day) with all its records."""
    ctx = sim.ctx
    outcome = draw_outcome(sim, person, entry, route)
    exit_day = ctx.seam(outcome.exit_day)
    closed = exit_day <= ctx.end
    limit = exit_day if closed else ctx.end + 1
    period = Period(
        key=sim.key(),
        person=person.key,
        referral=referral,
        start=entry,
        end=exit_day if closed else None,
        end_reason=outcome.reason if closed else None,
        need=need,
        short_break=False,
        uasc=route == "uasc",
        plan_label=PLAN_LABELS.get(outcome.group, "Other"),
    )
    legal = _clean_changes(sim, _legal_statuses(sim, entry, route, outcome), entry, limit)
    period.placements = _placements(sim, person, period, route, outcome, legal, limit)
    if closed:
        period.placements[-1].end = exit_day
        last_type = period.placements[-1].placement_type
        if outcome.reason in ("E45", "E46") and last_type not in FOSTER_PLACEMENTS:
            # an SGO to former foster carers is made while placed with them (903 rule 516);
            # otherwise it is an SGO to other carers (relatives or friends, or not)
            outcome.reason = period.end_reason = "E47" if outcome.reason == "E45" else "E48"
    _build_episodes(sim, period, legal)
    _reviews(sim, person, period, limit)
    _visits(sim, person, period, limit)
    _health(sim, person, period, limit)
    _education_and_wellbeing(sim, person, period, limit)
    _missing(sim, person, period, limit)
    _permanence(sim, person, period, outcome)
    if route == "uasc":
        b18 = ctx.seam(person.resident_to)
        sim.state.immigration.append(
            Immigration(sim.key(), person.key, "UASC", entry, b18 if b18 <= ctx.end else None)
        )
    sim.state.care_plans.append(
        CarePlan(sim.key(), person.key, entry, period.end, period.plan_label)
    )
    if person.key not in sim.state.previous_permanence:
        sim.state.previous_permanence[person.key] = _previous_permanence(sim, person, entry)
    sim.state.periods.append(period)
    return period


def _consistent_adopter_legal_status(adopters: int, sex: str, drawn: str) -> str:
    """A legal status that fits the adopters (903 rules 511-524): L0 a single adopter;
    L11 (married) or L3 (unmarried) a different-sex couple; L12 (married) or L4 (unmarried)
    a same-sex couple; L2 (civil partnership) any couple."""
    if adopters == 1:
        return "L0"
    if sex == "MF":
        return {"L12": "L11", "L4": "L3"}.get(drawn, "L11" if drawn == "L0" else drawn)
    return {"L11": "L12", "L3": "L4"}.get(drawn, "L12" if drawn == "L0" else drawn)


def _previous_permanence(sim: Simulator, person: Person, entry: int) -> tuple:
    """(option, order date text, LA, known from): 903 PrevPerm, mostly Z1 (none).

    An earlier order was made by this authority, in a month that ended before the child
    came into care (903 rules 630, 632); a baby cannot have had one.
    """
    draw = sim.rng.random()
    option = "Z1" if draw < 0.9 else "P1" if draw < 0.92 else "P2" if draw < 0.96 else "P3"
    when = min(max(person.dob + 200, entry - 2000), entry - 40)
    if option == "Z1" or when <= person.dob:
        return "Z1", None, None, entry
    text = "zz/" + dt.date.fromordinal(when).strftime("%m/%Y")
    return option, text, sim.ctx.settings.la_code, entry


def _build_episodes(sim: Simulator, period: Period, legal: list[list]) -> None:
    """A new episode whenever legal status or placement changes (903 rules)."""
    placements = period.placements
    change_days = sorted({change[0] for change in legal} | {p.start for p in placements})
    legal_index = placement_index = 0
    previous_status, previous_placement = None, None
    for position, start in enumerate(change_days):
        while legal_index + 1 < len(legal) and legal[legal_index + 1][0] <= start:
            legal_index += 1
        while (
            placement_index + 1 < len(placements) and placements[placement_index + 1].start <= start
        ):
            placement_index += 1
        status = legal[legal_index][1]
        placement = placements[placement_index]
        if previous_placement is None:
            reason = "S"
        else:
            status_changed = status != previous_status
            placement_changed = placement is not previous_placement
            same_carer = placement.carer == previous_placement.carer
            if status_changed and placement_changed:
                reason = "U" if same_carer else "B"
            elif status_changed:
                reason = "L"
            else:
                reason = "T" if same_carer else "P"
        last = position == len(change_days) - 1
        end = change_days[position + 1] if not last else period.end
        period.episodes.append(
            Episode(
                key=sim.key(),
                person=period.person,
                period=period.key,
                start=start,
                start_reason=reason,
                end=end,
                end_reason=(period.end_reason if last else "X1") if end is not None else None,
                legal_status=status,
                placement=placement.key,
            )
        )
        previous_status, previous_placement = status, placement
    for index, (start, status) in enumerate(legal):
        end = legal[index + 1][0] if index + 1 < len(legal) else period.end
        period.legal_statuses.append(LegalStatus(sim.key(), period.person, status, start, end))


def _weekday_before(sim: Simulator, value: int, floor: int) -> int:
    """Move a weekend day back to Friday when that stays after ``floor``."""
    weekday = sim.ctx.calendar.weekday[value - sim.ctx.calendar.first]
    if weekday >= 5 and value - (weekday - 4) > floor:
        return value - (weekday - 4)
    return value


def _reviews(sim: Simulator, person: Person, period: Period, limit: int) -> None:
    """First review within 20 working days, second within 3 months, then 6-monthly."""
    rng, cal = sim.rng, sim.ctx.calendar
    due = cal.add_working_days(period.start, 20)
    number = 0
    while True:
        if rng.random() < (0.93 if number == 0 else 0.95):
            held = due - (uniform_int(rng, 0, 6) if number == 0 else uniform_int(rng, 0, 20))
        else:
            held = due + uniform_int(rng, 1, 25)
        held = max(_weekday_before(sim, held, period.start), period.start + 1)
        if held >= limit:
            break
        if rng.random() < 0.02:
            period.reviews.append(
                ClaReview(sim.key(), person.key, period.key, due, None, True, "PN0")
            )
        period.reviews.append(
            ClaReview(
                sim.key(),
                person.key,
                period.key,
                due,
                held,
                False,
                # PN0 is "child under 4" (903 rule 440): others take part in some way
                REVIEW_PARTICIPATION.pick(rng.random()) if held - person.dob > 1460 else "PN0",
            )
        )
        due = cal.add_months(held, 3 if number == 0 else 6)
        number += 1


def _visits(sim: Simulator, person: Person, period: Period, limit: int) -> None:
    """Statutory visits per placement (Care Planning Regs 2010 reg 28), mostly in time."""
    rng = sim.rng
    first_review = next((r.date for r in period.reviews if r.date is not None), None)
    for placement in period.placements:
        stop = min(placement.end if placement.end is not None else limit, limit)
        when = placement.start + (
            uniform_int(rng, 1, 6) if rng.random() < 0.88 else uniform_int(rng, 8, 16)
        )
        previous = placement.start
        while True:
            when = _weekday_before(sim, when, previous)
            if when >= stop:
                break
            seen = rng.random() < 0.95
            older = when - person.dob > 1460
            period.visits.append(
                Visit(
                    key=sim.key(),
                    person=person.key,
                    date=when,
                    seen=seen,
                    seen_alone=seen and older and rng.random() < 0.75,
                    bedroom=False,
                    period=period.key,
                )
            )
            previous = when
            if placement.placement_type == "P1":
                before_review = first_review is None or when < first_review
                interval = 7 if before_review else 28
            elif placement.placement_type in ("U1", "U4") and when - placement.start >= 365:
                interval = 91
            else:
                interval = 42
            if not seen:
                gap = uniform_int(rng, 1, max(2, interval // 3))
            elif rng.random() < 0.22:
                gap = interval + uniform_int(rng, 1, 40)
            else:
                gap = max(1, int(interval * (0.5 + 0.47 * rng.random())))
            when += gap


def _health(sim: Simulator, person: Person, period: Period, limit: int) -> None:
    """Initial health assessment, review assessments (6-monthly under 5) and dental."""
    rng, cal, state = sim.rng, sim.ctx.calendar, sim.state
    if rng.random() < 0.96:
        offset = uniform_int(rng, 5, 20) if rng.random() < 0.62 else uniform_int(rng, 21, 70)
        iha = cal.add_working_days(period.start, offset)
        if iha < limit:
            state.health.append(HealthCheck(sim.key(), person.key, "IHA", iha, "Completed"))
    previous = last_assessment = period.start + uniform_int(rng, 10, 40)
    while True:
        interval = 182 if previous - person.dob < 1826 else 365
        if rng.random() < 0.9:
            when = previous + interval - uniform_int(rng, 0, 45)
        else:
            when = previous + interval + uniform_int(rng, 5, 120)
        when = _weekday_before(sim, when, previous)
        if when >= limit:
            break
        status = "Completed" if rng.random() < 0.97 else "Refused"
        state.health.append(HealthCheck(sim.key(), person.key, "RHA", when, status))
        previous = last_assessment = when
    previous = max(period.start - uniform_int(rng, 0, 200), person.dob + 365)
    while True:
        if rng.random() < 0.82:
            when = previous + uniform_int(rng, 200, 360)
        else:
            when = previous + uniform_int(rng, 366, 560)
        when = _weekday_before(sim, when, previous)
        if when >= limit:
            break
        if when > period.start:
            state.health.append(HealthCheck(sim.key(), person.key, "DENTAL", when, "Completed"))
        previous = when
    state.immunisations[person.key] = (rng.random() < 0.84, min(last_assessment, limit - 1))


def _school_age(sim: Simulator, person: Person, on: int) -> bool:
    """Aged 5-15 at the start of the academic year (1 September) containing ``on``."""
    month = sim.ctx.calendar.month_of(on)
    year = month // 12 - (1 if month % 12 < 8 else 0)
    september = day(dt.date(year, 9, 1))
    age = (september - person.dob) / 365.25
    return 5.0 <= age < 16.0


def _return_year_end(on: int) -> int:
    """31 March at the end of the 903 collection year (1 April to 31 March) holding ``on``."""
    date = to_date(on)
    return day(dt.date(date.year if date.month < 4 else date.year + 1, 3, 31))


def _education_and_wellbeing(sim: Simulator, person: Person, period: Period, limit: int) -> None:
    """PEPs each term for school-age children; annual SDQ for those aged 4-16 in care a year."""
    rng, cal, state = sim.rng, sim.ctx.calendar, sim.state
    when = cal.add_working_days(period.start, uniform_int(rng, 3, 14))
    while when < limit:
        if _school_age(sim, person, when):
            state.peps.append(Pep(sim.key(), person.key, when))
        gap = uniform_int(rng, 80, 125) if rng.random() < 0.9 else uniform_int(rng, 126, 230)
        when = _weekday_before(sim, when + gap, when)
    mean = rng.gauss(14.9, 5.6)
    # Each year's SDQ is done by the 31 March it is returned for (903 OC2, rule 186): the
    # first by the first 31 March on which the child has been looked after for 12 months,
    # each later one by the 31 March after the year of the one before.
    due = _return_year_end(_return_year_end(period.start - 1) + 1)
    when = period.start + 365 + uniform_int(rng, -10, 40)
    while True:
        when = min(when, due - uniform_int(rng, 0, 20))
        if when >= limit:
            break
        due = _return_year_end(_return_year_end(when) + 1)
        age = (when - person.dob) / 365.25
        if 4.0 <= age < 17.0:
            if rng.random() < 0.78:
                score = round(min(40.0, max(0.0, rng.gauss(mean, 3.4))))
                state.sdqs.append(Sdq(sim.key(), person.key, when, score, None))
            else:
                state.sdqs.append(
                    Sdq(sim.key(), person.key, when, None, SDQ_REASONS.pick(rng.random()))
                )
        when += uniform_int(rng, 330, 380)


def _missing(sim: Simulator, person: Person, period: Period, limit: int) -> None:
    """Missing and absent episodes, concentrated in a minority of teenagers."""
    rng, state = sim.rng, sim.state
    eleven = add_years(person.dob, 11)
    start = max(period.start, eleven)
    if start >= limit:
        return
    age = (start - person.dob) / 365.25
    prone = rng.random() < (0.13 if age < 14 else 0.27)
    rate = rng.lognormvariate(math.log(5.0), 0.7) if prone else 0.04
    when = start + rng.expovariate(rate / 365.25)
    while when < limit:
        begin = int(when)
        length = (
            0
            if rng.random() < 0.55
            else uniform_int(rng, 1, 2)
            if rng.random() < 0.8
            else uniform_int(rng, 3, 10)
        )
        begin = sim.ctx.seam(begin)
        end = max(sim.ctx.seam(begin + length), begin)
        if period.end is not None:
            # a child found after leaving care is no longer missing from care (903 rule 577)
            end = max(min(end, period.end), begin)
        missing = rng.random() < 0.85
        offered = rng.random() < (0.9 if missing else 0.3)
        accepted = (rng.random() < 0.55) if offered else None
        state.missing.append(
            Missing(
                sim.key(),
                person.key,
                begin,
                end if end <= sim.ctx.end else None,
                "Missing" if missing else "Absent",
                offered,
                accepted,
            )
        )
        when = end + 1 + rng.expovariate(rate / 365.25)


def _permanence(sim: Simulator, person: Person, period: Period, outcome: Outcome) -> None:
    """Adoption pathway dates, and SGO / CAO orders made when the period ends."""
    rng, state = sim.rng, sim.state
    adoption = outcome.adoption
    record = None
    if adoption is not None:
        record = Permanence(sim.key(), person.key, period.key, adm_decision=adoption["adm"])
        if "reversed" in adoption:
            record.decision_reversed = adoption["reversed"]
            record.decision_reversed_reason = REVERSED_REASON.pick(rng.random())
        else:
            record.placement_order = next(
                (s.start for s in period.legal_statuses if s.status == "E1"), None
            )
            record.matched = adoption["matched"]
            a_placements = [p for p in period.placements if p.placement_type in ADOPTION_PLACEMENTS]
            if a_placements:
                placed = a_placements[0]
                record.placed_for_adoption = placed.start
                record.adopted_by_carer = placed.placement_type in ("A3", "A5")
                if record.adopted_by_carer:
                    carer_start = min(p.start for p in period.placements if p.carer == placed.carer)
                    record.placed_foster_carer = carer_start
                ffa = [p for p in period.placements if p.placement_type in ("U2", "U5")]
                if ffa:
                    record.placed_ffa = ffa[0].start
                    record.ffa_decision = max(period.start, ffa[0].start - uniform_int(rng, 0, 10))
            record.adopters = 1 if rng.random() < 0.13 else 2
            record.adopter_sex = ADOPTER_SEX.pick(rng.random())
            if record.adopters == 1 and record.adopter_sex not in ("F1", "M1"):
                record.adopter_sex = "F1"
            if record.adopters == 2 and record.adopter_sex in ("F1", "M1"):
                record.adopter_sex = "MF"
            record.adopter_legal_status = _consistent_adopter_legal_status(
                record.adopters, record.adopter_sex, ADOPTER_LEGAL.pick(rng.random())
            )
            if period.end is not None and period.end_reason in ("E11", "E12"):
                record.order_date = period.end
                record.order_type = "Adoption Order"
        if rng.random() < 0.3:
            record.sibling_group = True
            record.siblings_together = uniform_int(rng, 1, 2)
            record.siblings_apart = uniform_int(rng, 0, 1)
    elif period.end is not None and period.end_reason in ("E41", "E45", "E46", "E47", "E48"):
        record = Permanence(sim.key(), person.key, period.key)
        record.order_date = period.end
        record.order_type = (
            "Child Arrangements Order"
            if period.end_reason == "E41"
            else "Special Guardianship Order"
        )
    if record is not None:
        record.worker = sim.allocate_worker_id(CLA_VISIT_TEAM, period.start)
        state.permanence.append(record)


def simulate_short_breaks(
    sim: Simulator, person: Person, start: int, stop: int, need: str, referral: int | None
) -> None:
    """Short-break periods (V3 individual stays, or V4 agreements) within [start, stop)."""
    rng, ctx = sim.rng, sim.ctx
    agreements = rng.random() < 0.3
    carer_type = SHORT_BREAK_PLACEMENTS.pick(rng.random())
    when = start + uniform_int(rng, 14, 60)
    while True:
        begin = ctx.seam(when)
        length = uniform_int(rng, 90, 180) if agreements else uniform_int(rng, 1, 3)
        end = ctx.seam(begin + length)
        if end > stop - 7 or end > ctx.end:
            break
        period = Period(
            key=sim.key(),
            person=person.key,
            referral=referral,
            start=begin,
            end=end,
            end_reason="E8" if agreements else "E4A",
            need=need,
            short_break=True,
            uasc=False,
            plan_label="Short breaks",
        )
        builder = PlacementBuilder(sim, person, period.key)
        builder.add(begin, carer_type, False, None)
        builder.items[-1].end = end
        period.placements = builder.items
        _build_episodes(sim, period, [[begin, "V4" if agreements else "V3"]])
        sim.state.periods.append(period)
        when = end + (uniform_int(rng, 10, 40) if agreements else uniform_int(rng, 28, 90))
