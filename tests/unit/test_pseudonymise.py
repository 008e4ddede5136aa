"""Keyed pseudonyms (orchestration/lib/pseudonymise.py, docs/decisions/0005)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from orchestration.lib.config import load_config
from orchestration.lib.pseudonymise import (
    DEMO_PSEUDONYM_KEY,
    PSEUDONYM_KEY_ENV_VAR,
    PseudonymKeyError,
    pseudonym_key,
    pseudonymise,
    pseudonymise_all,
)


@pytest.fixture
def demo_config():
    return load_config()


@pytest.fixture
def real_config(demo_config, tmp_path: Path):
    return dataclasses.replace(demo_config, source_path=tmp_path / "real.yaml", la_name="Real")


def test_is_hmac_sha256_rfc_4231_case_2() -> None:
    # RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
    assert pseudonymise("what do ya want for nothing?", b"Jefe") == (
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    )


def test_same_key_same_pseudonym_other_key_other_pseudonym() -> None:
    first = pseudonymise("liquid_logic:1001", b"k" * 32)
    assert first == pseudonymise("liquid_logic:1001", b"k" * 32)
    assert first != pseudonymise("liquid_logic:1001", b"j" * 32)
    assert first != pseudonymise("liquid_logic:1002", b"k" * 32)
    assert len(first) == 64


def test_missing_values_stay_missing() -> None:
    key = b"k" * 32
    assert pseudonymise_all(["a", None], key) == [pseudonymise("a", key), None]


def test_env_var_is_used_when_set(real_config) -> None:
    secret = "a-long-enough-secret-key"
    assert pseudonym_key(real_config, {PSEUDONYM_KEY_ENV_VAR: secret}) == secret.encode()


def test_missing_key_is_an_error_outside_the_demo(real_config) -> None:
    with pytest.raises(PseudonymKeyError, match=PSEUDONYM_KEY_ENV_VAR):
        pseudonym_key(real_config, {})


def test_demo_config_falls_back_to_the_documented_demo_key(demo_config) -> None:
    assert pseudonym_key(demo_config, {}) == DEMO_PSEUDONYM_KEY.encode()


def test_short_key_is_refused(demo_config) -> None:
    with pytest.raises(PseudonymKeyError, match="at least 16"):
        pseudonym_key(demo_config, {PSEUDONYM_KEY_ENV_VAR: "short"})


def test_empty_key_is_refused() -> None:
    with pytest.raises(PseudonymKeyError):
        pseudonymise("a", b"")
