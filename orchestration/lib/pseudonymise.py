"""Keyed pseudonyms for person keys in published outputs (docs/decisions/0005-pseudonymisation.md).

A pseudonym is the HMAC-SHA256 of the person key (e.g. ``child_key``) under a secret key,
as 64 lower-case hex characters. The same key and person give the same pseudonym in every
run, so published files can be joined across months; without the key a pseudonym cannot
be reversed or recomputed from a guessed identifier (a plain hash could be).

The secret comes from the environment variable ``SCORECARD_PSEUDONYM_KEY``. Only the
demo configuration (``config/demo.yaml``, synthetic data) falls back to the documented,
non-secret ``DEMO_PSEUDONYM_KEY``; any other configuration without the variable is an
error. Pseudonyms are computed here, in Python, at publish time: DuckDB has no HMAC
function, so there is no portable dbt macro.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Iterable, Mapping

from orchestration.lib.config import DEFAULT_CONFIG_PATH, ScorecardConfig

PSEUDONYM_KEY_ENV_VAR = "SCORECARD_PSEUDONYM_KEY"
# Not a secret: used only for the synthetic demo authority so the demo runs out of the box.
DEMO_PSEUDONYM_KEY = "scorecard-demo-pseudonym-key-not-secret"
MINIMUM_KEY_LENGTH = 16


class PseudonymKeyError(RuntimeError):
    """No usable pseudonymisation key for this configuration."""


def is_demo_config(config: ScorecardConfig) -> bool:
    """True only for the project's own demo configuration file (synthetic data)."""
    return (
        config.source_path is not None
        and config.source_path.resolve() == DEFAULT_CONFIG_PATH.resolve()
    )


def pseudonym_key(config: ScorecardConfig, environ: Mapping[str, str] | None = None) -> bytes:
    """The secret key from ``SCORECARD_PSEUDONYM_KEY``; the demo key only for the demo config."""
    environ = os.environ if environ is None else environ
    secret = environ.get(PSEUDONYM_KEY_ENV_VAR, "")
    if secret:
        if len(secret) < MINIMUM_KEY_LENGTH:
            raise PseudonymKeyError(
                f"{PSEUDONYM_KEY_ENV_VAR} must be at least {MINIMUM_KEY_LENGTH} characters"
            )
        return secret.encode("utf-8")
    if is_demo_config(config):
        return DEMO_PSEUDONYM_KEY.encode("utf-8")
    raise PseudonymKeyError(
        f"{PSEUDONYM_KEY_ENV_VAR} is not set: publishing pseudonymised person keys for "
        f"{config.la_name or config.la_code} needs a secret key (see "
        "docs/decisions/0005-pseudonymisation.md)"
    )


def pseudonymise(person_key: str, key: bytes) -> str:
    """HMAC-SHA256 of the person key (UTF-8, used exactly as given), as hex."""
    if not key:
        raise PseudonymKeyError("the pseudonymisation key is empty")
    return hmac.new(key, person_key.encode("utf-8"), hashlib.sha256).hexdigest()


def pseudonymise_all(person_keys: Iterable[str | None], key: bytes) -> list[str | None]:
    """Pseudonymise a column of person keys; a missing key stays missing."""
    return [None if value is None else pseudonymise(value, key) for value in person_keys]
