"""Ofsted-registered providers of the synthetic authority's placements, with their URNs.

The SSDA903 return needs the Ofsted unique reference number (URN) of the provider for
every placement except P1 P3 R1 R2 R5 T0-T4 Z11-Z14 (903 rule 218) and must not have one
for those (rule 222). A fostering placement carries the URN of the fostering service or
agency that approved the carer; an adoption placement that of the adoption agency; a
secure or other children's home, a residential family centre or a supported
accommodation service its own URN, and the child lives at its premises (the placement
postcode is the provider's).

The providers form a fixed registry per run seed, the same in every worker process: each
provider keeps one URN (and one postcode for premises) for every placement with it. URNs
are "SC" and six digits, the form of Ofsted's social care URNs (the 903 validator has no
format rule: rules 1008/219/221/224/227-229 check URNs against Ofsted's provider lists
only when those are loaded). Invented numbers, not real providers.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import cache

from orchestration.synthetic import postcodes

# Which kind of Ofsted-registered service a placement type is with (None: no URN).
SERVICE_KIND: dict[str, str] = {
    **{code: "fostering" for code in ("U1", "U2", "U3", "U4", "U5", "U6")},
    **{code: "adoption" for code in ("A3", "A4", "A5", "A6")},
    "K1": "secure_home",
    "K2": "childrens_home",
    "R3": "family_centre",
    "H5": "supported_accommodation",
    "K3": "supported_accommodation",
}
# Kinds whose placements are at the provider's premises (postcode of the provider).
PREMISES = frozenset({"secure_home", "childrens_home", "family_centre", "supported_accommodation"})
PROVIDER_CODES = ("PR1", "PR2", "PR3", "PR4", "PR5")
POOL_SIZE = {"fostering": 8, "adoption": 4, "secure_home": 3, "childrens_home": 20,
             "family_centre": 3, "supported_accommodation": 8}  # fmt: skip
# Placements checked by 903 rule 1015 (own provision must be in own LA): all but
# fostering and adoption; and rule 241 (K3 with a URN must be in own LA).
FOSTERING_OR_ADOPTION = frozenset({"A3", "A4", "A5", "A6", "U1", "U2", "U3", "U4", "U5", "U6"})


@dataclass(frozen=True, slots=True)
class Provider:
    urn: str
    postcode: str | None  # premises postcode; None for fostering and adoption agencies


@cache
def registry(seed: int) -> dict[tuple[str, str, bool], tuple[Provider, ...]]:
    """Providers by (service kind, provider code PR1-PR5, outside the authority)."""
    rng = random.Random(f"providers:{seed}")
    numbers = iter(rng.sample(range(50_000, 1_000_000), 2_000))
    pools: dict[tuple[str, str, bool], tuple[Provider, ...]] = {}
    for kind, size in POOL_SIZE.items():
        for code in PROVIDER_CODES:
            for away in (False, True):
                # The authority has one fostering service and one adoption agency of its
                # own, wherever its carers and adopters live.
                own_agency = code == "PR1" and kind not in PREMISES
                if own_agency and away:
                    pools[(kind, code, away)] = pools[(kind, code, False)]
                    continue
                pools[(kind, code, away)] = tuple(
                    Provider(
                        f"SC{next(numbers):06d}",
                        postcodes.pick(rng, away).postcode if kind in PREMISES else None,
                    )
                    for _ in range(1 if own_agency else size)
                )
    return pools


def located(placement_type: str, provider: str, away: bool) -> bool:
    """Whether a placement is outside the authority, consistent with its provider: own
    provision (PR1) in the authority unless fostering or adoption (carers and adopters
    may live anywhere; 903 rule 1015), another LA's provision (PR2) outside it, and
    supported accommodation (K3) with its URN in the authority (903 rule 241)."""
    if placement_type == "K3":
        return False
    if provider == "PR1" and placement_type not in FOSTERING_OR_ADOPTION:
        return False
    if provider == "PR2":
        return True
    return away


def pick(
    seed: int, rng: random.Random, placement_type: str, provider: str, away: bool
) -> Provider | None:
    """The provider of a new placement (None when 903 wants no URN for its type)."""
    kind = SERVICE_KIND.get(placement_type)
    if kind is None or provider not in PROVIDER_CODES:
        return None
    pool = registry(seed)[(kind, provider, away)]
    return pool[int(rng.random() * len(pool))]
