"""Running the generator: determinism, the command line, the API and safe replacement."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from synthetic_helpers import demo_settings, extract_folder, read_rows

from orchestration.lib.contract import table_contracts
from orchestration.synthetic import generate, parse_defect_overrides
from orchestration.synthetic.__main__ import main
from orchestration.synthetic.generator import LandingError
from orchestration.synthetic.settings import DEFECT_KINDS, SettingsError


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def test_same_seed_and_settings_give_identical_bytes(tmp_path: Path) -> None:
    """Also across worker counts and with every defect switched on."""
    settings = demo_settings(
        population=3_000, seed=7, chunk_size=1_200, defects=dict.fromkeys(DEFECT_KINDS, 0.1)
    )
    generate(settings, tmp_path / "one", workers=1)
    generate(settings, tmp_path / "two", workers=2)
    first, second = _tree(tmp_path / "one"), _tree(tmp_path / "two")
    assert first == second
    assert len(first) > 60


def test_record_ids_are_unique_across_chunks(tmp_path: Path) -> None:
    settings = demo_settings(population=3_000, seed=11, chunk_size=1_000)
    summary = generate(settings, tmp_path / "landing", workers=1)
    assert summary.chunks == 3
    for system in (settings.legacy.name, settings.successor.name):
        for table, contract in table_contracts().items():
            key = contract.primary_key
            if key is None:
                continue
            ids = [row[key] for row in read_rows(tmp_path / "landing", system, table)]
            assert len(ids) == len(set(ids)), (system, table)


def test_another_seed_gives_another_authority(tmp_path: Path) -> None:
    generate(demo_settings(population=1_500, seed=1), tmp_path / "a", workers=1)
    generate(demo_settings(population=1_500, seed=2), tmp_path / "b", workers=1)
    assert _tree(tmp_path / "a") != _tree(tmp_path / "b")


def test_manifest_counts_match_the_files(small_clean_landing: Path) -> None:
    manifest = json.loads(
        (small_clean_landing / "_truth" / "manifest.json").read_text(encoding="utf-8")
    )
    assert manifest["seed"] and manifest["population"] == 4_000 and manifest["clean"] is True
    assert set(manifest["defect_rates"]) == set(DEFECT_KINDS)
    assert manifest["generator_version"]
    for name, count in manifest["row_counts"].items():
        lines = (small_clean_landing / name).read_bytes().splitlines()
        assert len(lines) - 1 == count, name


def test_command_line_writes_and_replaces_the_landing(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    landing = tmp_path / "landing"
    arguments = ["--population", "1500", "--seed", "3", "--landing", str(landing), "--workers", "1"]
    with caplog.at_level(logging.INFO):
        assert main([*arguments, "--defect", "recording_cliff=0.5"]) == 0
    assert "synthetic authority written" in caplog.text
    assert capsys.readouterr().out == ""
    manifest = json.loads((landing / "_truth" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["defect_rates"]["recording_cliff"] == 0.5
    stale = extract_folder(landing, "liquid_logic") / "stale.csv"
    stale.write_text("left over", encoding="utf-8")
    assert main([*arguments, "--clean"]) == 0
    assert not stale.exists()
    assert json.loads((landing / "_truth" / "manifest.json").read_text(encoding="utf-8"))["clean"]
    assert not [path for path in tmp_path.iterdir() if path.name.startswith(".landing")]


def test_command_line_rejects_unknown_defects(tmp_path: Path) -> None:
    assert main(["--landing", str(tmp_path / "x"), "--defect", "nonsense=0.1"]) == 2
    assert not (tmp_path / "x").exists()


def test_refuses_to_replace_a_folder_it_did_not_write(tmp_path: Path) -> None:
    landing = tmp_path / "precious"
    landing.mkdir()
    (landing / "keep.txt").write_text("keep", encoding="utf-8")
    with pytest.raises(LandingError):
        generate(demo_settings(population=500), landing, workers=1)
    assert (landing / "keep.txt").exists()


def test_defect_overrides() -> None:
    assert parse_defect_overrides(["shifted_dates=0.2"]) == {"shifted_dates": 0.2}
    assert set(parse_defect_overrides(["all=0.1"])) == set(DEFECT_KINDS)
    with pytest.raises(SettingsError):
        parse_defect_overrides(["shifted_dates"])
    with pytest.raises(SettingsError):
        demo_settings(defects={"shifted_dates": 1.5})
