"""Synthetic identities: names, UPNs, postcode districts. Random combinations, no real people.

Every name is encodable in Windows-1252 (the legacy system's export encoding), and some
carry accents (Zoë, Siân, Renée) so that encoding faults show up.
"""

from __future__ import annotations

import random

FORENAMES_FEMALE: tuple[str, ...] = (
    "Olivia", "Amelia", "Isla", "Ava", "Mia", "Ivy", "Lily", "Isabella", "Sophia", "Grace",
    "Freya", "Florence", "Willow", "Emily", "Ella", "Poppy", "Evie", "Chloë", "Zoë", "Siân",
    "Renée", "Niamh", "Aoife", "Léa", "Anaïs", "Noémie", "Maëlle", "Saoirse", "Hannah",
    "Jessica", "Ruby", "Daisy", "Phoebe", "Amira", "Aisha", "Maryam", "Zainab", "Hafsa",
    "Precious", "Blessing", "Kayla", "Tia", "Leah", "Megan", "Courtney", "Bethany", "Jade",
    "Paige", "Chantelle", "Kacey", "Amélie", "Eléna", "Inès", "Zofia", "Oliwia", "Agnieszka",
)  # fmt: skip
FORENAMES_MALE: tuple[str, ...] = (
    "Oliver", "George", "Noah", "Arthur", "Muhammad", "Leo", "Harry", "Oscar", "Archie",
    "Henry", "Theo", "Freddie", "Jack", "Charlie", "Jacob", "Alfie", "Thomas", "Joshua",
    "Seán", "Ciarán", "Dáithí", "José", "Rhodri", "Gruffydd", "Eóin", "Niall", "Kai",
    "Tyler", "Kyle", "Callum", "Connor", "Jordan", "Reece", "Bradley", "Liam", "Mason",
    "Riley", "Ibrahim", "Yusuf", "Ayaan", "Zain", "Hamza", "Kofi", "Kwame", "Tobias",
    "Jakub", "Szymon", "Mateusz", "Luca", "Matteo", "Andrés", "Raphaël", "Jérôme", "Kieran",
)  # fmt: skip
SURNAMES: tuple[str, ...] = (
    "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Patel",
    "Robinson", "Wright", "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall",
    "Thomas", "Clarke", "Jackson", "Wood", "Harris", "Edwards", "Turner", "Martin", "Cooper",
    "Hill", "Ward", "Hughes", "Moore", "Clark", "King", "Harrison", "Lewis", "Baker",
    "Lee", "Allen", "Morris", "Khan", "Scott", "Watson", "Davis", "Parker", "James",
    "Bennett", "Young", "Phillips", "Richardson", "Mitchell", "Bailey", "Carter", "Cook",
    "Singh", "Shaw", "Bell", "Collins", "Morgan", "Kelly", "Begum", "Miller", "Cox", "Hussain",
    "O'Brien", "O'Connor", "McCarthy", "Ní Bhriain", "Ó Súilleabháin", "Müller", "Brontë",
    "Núñez", "Gonçalves", "Lefèvre", "Kowalski", "Nowak", "Wisniewska",
    "Mensah", "Okafor", "Adeyemi", "Boateng", "Ahmed", "Ali", "Rahman", "Chowdhury",
    "Smith-Jones", "Lloyd-Evans", "Fernández", "Dupré", "Åkesson", "Øster",
)  # fmt: skip
UASC_FORENAMES: tuple[str, ...] = (
    "Ahmad", "Mohammad", "Abdullah", "Ali", "Hassan", "Samir", "Yonas", "Dawit", "Tesfay",
    "Mehari", "Abdi", "Omar", "Reza", "Amir", "Karim", "Binh", "Minh", "Ardit", "Kleidi",
    "Yosef", "Mustafa", "Idris",
)  # fmt: skip
UASC_SURNAMES: tuple[str, ...] = (
    "Ahmadi", "Rahimi", "Haidari", "Noori", "Haile", "Tesfaye", "Gebremedhin", "Kidane",
    "Mohamed", "Abdalla", "Osman", "Ibrahim", "Karimi", "Hosseini", "Nguyen", "Tran",
    "Hoxha", "Krasniqi", "Yousef", "Hamid",
)  # fmt: skip

# Postcode districts: inside the (fictional) authority and elsewhere in England. The
# generator draws real postcode units of these districts from reference/postcodes.csv
# (postcodes.py; written by scripts/reference/extract_postcodes.py).
HOME_DISTRICTS: tuple[str, ...] = (
    "LU5", "LU6", "LU7", "SG5", "SG15", "SG16", "SG17", "SG18", "SG19", "MK17", "MK43", "MK45",
)  # fmt: skip
AWAY_DISTRICTS: tuple[str, ...] = (
    "MK40", "MK41", "LU1", "LU2", "LU4", "AL1", "HP2", "NN1", "NN3", "PE1", "CB1", "B12",
    "NG7", "LE3", "CV1", "OX4", "RG1", "SE15", "E6", "N17", "M14", "LS8", "DE23", "S10",
    "BS5", "CT9", "TN34", "IP4", "NR3", "PO4",
)  # fmt: skip
_UPN_CHECK_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"


def pick_name(rng: random.Random, sex: str, uasc: bool) -> tuple[str, str]:
    """A (forename, surname) pair."""
    if uasc:
        return rng.choice(UASC_FORENAMES), rng.choice(UASC_SURNAMES)
    forenames = FORENAMES_FEMALE if sex == "F" else FORENAMES_MALE
    return rng.choice(forenames), rng.choice(SURNAMES)


def upn(rng: random.Random, la_code: str, year: int) -> str:
    """A 13-character Unique Pupil Number with a valid check letter."""
    la_digits = "".join(ch for ch in la_code if ch.isdigit()).rjust(3, "0")[-3:]
    body = f"{la_digits}{rng.randrange(2000, 7000):04d}{year % 100:02d}{rng.randrange(1000):03d}"
    total = sum(int(digit) * weight for digit, weight in zip(body, range(2, 14), strict=True))
    return _UPN_CHECK_LETTERS[total % 23] + body


def worker_name(rng: random.Random) -> str:
    forenames = FORENAMES_FEMALE if rng.random() < 0.82 else FORENAMES_MALE
    return f"{rng.choice(forenames)} {rng.choice(SURNAMES)}"
