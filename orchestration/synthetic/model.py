"""The simulation's state: one small record type per kind of fact, dates as day numbers.

These records are the truth. Extracts are rendered from them (per system, as of its
extract date) and the ground-truth indicators are computed from them; changeover defects
only ever touch rendered rows, never these records.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True)
class Address:
    """One home address of a child (ssd_address): the family home, not a placement."""

    start: int
    end: int | None  # exclusive: the day the family moved on
    postcode: str


@dataclass(slots=True)
class Person:
    key: int
    dob: int
    sex: str
    ethnicity: str
    forename: str
    surname: str
    upn: str | None
    upn_unknown: str | None
    nationality: str
    resident_from: int
    resident_to: int  # exclusive: the 18th birthday, or the day the child left the area
    is_uasc: bool = False
    send_flag: str = "N"
    is_mother: str = "N"
    known_from: int | None = None
    addresses: list[Address] = field(default_factory=list)

    def home_postcode(self, day: int) -> str | None:
        """The home postcode on ``day`` (else the latest before it); None without one."""
        chosen = None
        for address in self.addresses:
            if address.start <= day:
                chosen = address.postcode
        return chosen


@dataclass(slots=True)
class Contact:
    key: int
    person: int
    date: int
    source: str
    outcome: str


@dataclass(slots=True)
class Referral:
    """A CIN episode (SSD ``ssd_cin_episodes``): referral to closure."""

    key: int
    person: int
    date: int
    need: str
    source: str
    nfa: bool
    outcome: str
    team: str
    close_date: int | None = None
    close_reason: str | None = None
    worker: int | None = None


@dataclass(slots=True)
class Assessment:
    key: int
    person: int
    referral: int
    start: int
    auth: int | None
    child_seen: bool
    outcome: str
    nfa: bool
    team: str
    worker: int | None


@dataclass(slots=True)
class S47:
    key: int
    person: int
    referral: int
    start: int
    end: int | None
    nfa: bool
    to_icpc: bool
    team: str
    worker: int | None


@dataclass(slots=True)
class Icpc:
    key: int
    person: int
    referral: int
    s47: int
    target: int
    date: int
    outcome_cp: bool
    team: str
    worker: int | None
    plan: int | None = None
    transfer_in: bool = False


@dataclass(slots=True)
class CpPlan:
    key: int
    person: int
    referral: int
    icpc: int
    start: int
    end: int | None
    initial_category: str
    latest_category: str


@dataclass(slots=True)
class CpReview:
    key: int
    person: int
    plan: int
    due: int
    date: int
    continue_plan: bool
    quorate: bool
    participation: str


@dataclass(slots=True)
class Visit:
    """A statutory visit (CP, CIN or CLA: ``period`` is set for CLA visits)."""

    key: int
    person: int
    date: int
    seen: bool
    seen_alone: bool
    bedroom: bool
    plan: int | None = None
    period: int | None = None


@dataclass(slots=True)
class CinPlan:
    key: int
    person: int
    referral: int
    start: int
    end: int | None
    team: str
    worker: int | None


@dataclass(slots=True)
class Placement:
    key: int
    person: int
    period: int
    start: int
    end: int | None
    placement_type: str
    provider: str
    postcode: str
    distance: float | None  # miles from the child's home; None without a home address
    urn: str | None
    carer: int
    change_reason: str | None = None


@dataclass(slots=True)
class LegalStatus:
    key: int
    person: int
    status: str
    start: int
    end: int | None


@dataclass(slots=True)
class Episode:
    key: int
    person: int
    period: int
    start: int
    start_reason: str
    end: int | None
    end_reason: str | None
    legal_status: str
    placement: int


@dataclass(slots=True)
class ClaReview:
    key: int
    person: int
    period: int
    due: int
    date: int | None
    cancelled: bool
    participation: str


@dataclass(slots=True)
class Period:
    """A period of care: episodes joined by X1, as the foundation rebuilds them."""

    key: int
    person: int
    referral: int | None
    start: int
    end: int | None
    end_reason: str | None
    need: str
    short_break: bool
    uasc: bool
    episodes: list[Episode] = field(default_factory=list)
    placements: list[Placement] = field(default_factory=list)
    legal_statuses: list[LegalStatus] = field(default_factory=list)
    visits: list[Visit] = field(default_factory=list)
    reviews: list[ClaReview] = field(default_factory=list)
    plan_label: str = ""


@dataclass(slots=True)
class HealthCheck:
    key: int
    person: int
    check_type: str  # IHA, RHA, DENTAL
    date: int
    status: str


@dataclass(slots=True)
class Pep:
    key: int
    person: int
    date: int


@dataclass(slots=True)
class Sdq:
    key: int
    person: int
    date: int
    score: int | None
    reason: str | None


@dataclass(slots=True)
class Missing:
    key: int
    person: int
    start: int
    end: int | None
    episode_type: str
    rhi_offered: bool
    rhi_accepted: bool | None


@dataclass(slots=True)
class Immigration:
    key: int
    person: int
    status: str
    start: int
    end: int | None


@dataclass(slots=True)
class Permanence:
    key: int
    person: int
    period: int
    adm_decision: int | None = None
    ffa_decision: int | None = None
    placement_order: int | None = None
    matched: int | None = None
    placed_for_adoption: int | None = None
    placed_ffa: int | None = None
    placed_foster_carer: int | None = None
    adopted_by_carer: bool | None = None
    decision_reversed: int | None = None
    decision_reversed_reason: str | None = None
    order_date: int | None = None
    order_type: str | None = None
    sibling_group: bool = False
    siblings_together: int | None = None
    siblings_apart: int | None = None
    worker: int | None = None
    adopters: int | None = None
    adopter_sex: str | None = None
    adopter_legal_status: str | None = None


@dataclass(slots=True)
class CareLeaverRecord:
    key: int
    person: int
    date: int
    eligibility: str
    in_touch: str
    accommodation: str
    suitable: bool | None
    activity: str
    pathway_review: int | None
    advisor: str
    worker: int | None


@dataclass(slots=True)
class Involvement:
    key: int
    person: int
    referral: int
    worker: int
    team: str
    start: int
    end: int | None
    change_reason: str | None = None


@dataclass(slots=True)
class CarePlan:
    key: int
    person: int
    start: int
    end: int | None
    plan: str


@dataclass(slots=True)
class ChunkState:
    """Everything simulated for one chunk of the population."""

    index: int
    persons: list[Person] = field(default_factory=list)
    contacts: list[Contact] = field(default_factory=list)
    referrals: list[Referral] = field(default_factory=list)
    assessments: list[Assessment] = field(default_factory=list)
    s47s: list[S47] = field(default_factory=list)
    icpcs: list[Icpc] = field(default_factory=list)
    cp_plans: list[CpPlan] = field(default_factory=list)
    cp_reviews: list[CpReview] = field(default_factory=list)
    cp_visits: list[Visit] = field(default_factory=list)
    cin_plans: list[CinPlan] = field(default_factory=list)
    cin_visits: list[Visit] = field(default_factory=list)
    periods: list[Period] = field(default_factory=list)
    health: list[HealthCheck] = field(default_factory=list)
    peps: list[Pep] = field(default_factory=list)
    sdqs: list[Sdq] = field(default_factory=list)
    missing: list[Missing] = field(default_factory=list)
    immigration: list[Immigration] = field(default_factory=list)
    permanence: list[Permanence] = field(default_factory=list)
    care_leavers: list[CareLeaverRecord] = field(default_factory=list)
    involvements: list[Involvement] = field(default_factory=list)
    care_plans: list[CarePlan] = field(default_factory=list)
    immunisations: dict[int, tuple[bool, int]] = field(default_factory=dict)
    previous_permanence: dict[int, tuple] = field(default_factory=dict)
