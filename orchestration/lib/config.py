"""The pipeline's one configuration file.

The path comes from the ``SCORECARD_CONFIG`` environment variable; when it is unset the
demo configuration (the built-in synthetic authority) is used. Relative paths inside the
file are resolved against the file's own folder, so a config can live anywhere.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from orchestration.lib.publication import working_path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_CONFIG_PATH = PROJECT_ROOT / "config" / "demo.yaml"
CONFIG_ENV_VAR = "SCORECARD_CONFIG"


class ConfigError(ValueError):
    """The configuration file is missing a key or holds a value that cannot be used."""


SYSTEM_FORMAT_SSD = "ssd"
SYSTEM_FORMAT_SSDA903 = "ssda903"
# What a system's extract folders hold: SSD tables as CSV (the default), or the DfE SSDA903
# return's CSV set (docs/decisions/0010-ssda903-input-format.md).
SYSTEM_FORMATS = (SYSTEM_FORMAT_SSD, SYSTEM_FORMAT_SSDA903)


@dataclass(frozen=True)
class SourceSystem:
    """A case-management system, the dates it was the live system of record, and the
    format of its extracts (``ssd`` or ``ssda903``)."""

    name: str
    live_from: dt.date
    live_to: dt.date | None = None
    format: str = SYSTEM_FORMAT_SSD

    def is_live_on(self, day: dt.date) -> bool:
        return self.live_from <= day and (self.live_to is None or day <= self.live_to)


@dataclass(frozen=True)
class SyntheticSettings:
    """How the demo generator builds the synthetic authority (ignored for real extracts)."""

    population: int = 70_000
    seed: int = 20_161_101
    history_start: dt.date = dt.date(2016, 4, 1)
    defects: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class IndicatorTarget:
    """A local target overriding the default in seed ``indicator_targets``.

    ``tolerance`` is the width of the amber band (NULL keeps the seed's tolerance).
    """

    target: float
    tolerance: float | None = None


@dataclass(frozen=True)
class EmailAlerts:
    """Where the alert digest is emailed (SMTP). The password is read from ``password_env``."""

    smtp_host: str
    sender: str
    recipients: tuple[str, ...]
    smtp_port: int = 587
    use_starttls: bool = True
    username_env: str | None = None
    password_env: str | None = None


@dataclass(frozen=True)
class WebhookAlerts:
    """A Teams or Slack incoming webhook; the URL (a secret) is read from ``webhook_url_env``."""

    webhook_url_env: str


ALERT_SEND_WHEN = ("failures", "always")


@dataclass(frozen=True)
class AlertSettings:
    """The optional ``alerts:`` block: who hears about failed checks after a scorecard run.

    ``send_when`` is ``failures`` (default: only when the run failed, a check failed or a
    migration finding exists) or ``always``. ``data_docs_url`` is where the Data Docs folder
    is published (links then point there instead of to the local files);
    ``reconciliation_report`` is a URL or a path (relative to the config file).
    """

    dagster_url: str | None = None
    data_docs_url: str | None = None
    reconciliation_report: str | None = None
    send_when: str = "failures"
    timeout_seconds: float = 20.0
    email: EmailAlerts | None = None
    teams: WebhookAlerts | None = None
    slack: WebhookAlerts | None = None

    @property
    def channels(self) -> tuple[str, ...]:
        """The configured channels, in delivery order."""
        configured = (("email", self.email), ("teams", self.teams), ("slack", self.slack))
        return tuple(name for name, settings in configured if settings is not None)


@dataclass(frozen=True)
class ScorecardConfig:
    """Everything a run needs to know about the local authority and where files live."""

    la_code: str
    la_name: str
    landing_dir: Path
    warehouse_path: Path
    output_dir: Path
    as_of_date: dt.date
    systems: tuple[SourceSystem, ...]
    population_file: Path | None = None
    synthetic: SyntheticSettings | None = None
    source_path: Path | None = None
    targets: dict[str, IndicatorTarget] = field(default_factory=dict)
    boundary_postcodes: tuple[str, ...] = ()
    alerts: AlertSettings | None = None
    # How long a run waits for another run that is writing the warehouse before it stops.
    run_lock_timeout_seconds: float = 3600.0
    # Set only on a pipeline run's view of the config (for_pipeline_run): the file readers
    # see, while warehouse_path is then the run's working copy.
    published_warehouse_path: Path | None = None

    @property
    def published_path(self) -> Path:
        """The published warehouse readers open (the configured ``warehouse_path``)."""
        return self.published_warehouse_path or self.warehouse_path

    def for_pipeline_run(self) -> ScorecardConfig:
        """This config as a pipeline run sees it: ``warehouse_path`` is the working copy.

        Runs write the working copy beside the published file and publish it whole at the
        end (orchestration/lib/publication.py, docs/decisions/0008).
        """
        if self.published_warehouse_path is not None:
            return self
        return dataclasses.replace(
            self,
            warehouse_path=working_path(self.warehouse_path),
            published_warehouse_path=self.warehouse_path,
        )

    @property
    def quarantine_dir(self) -> Path:
        return self.output_dir / "quarantine"

    @property
    def data_docs_dir(self) -> Path:
        return self.output_dir / "data_docs"

    @property
    def system_names(self) -> tuple[str, ...]:
        return tuple(system.name for system in self.systems)

    def system_names_in_format(self, extract_format: str) -> tuple[str, ...]:
        """The configured systems whose extracts are in ``extract_format``, in go-live order."""
        return tuple(system.name for system in self.systems if system.format == extract_format)

    def cutovers(self) -> list[tuple[SourceSystem, SourceSystem]]:
        """Consecutive (legacy, successor) pairs, oldest first."""
        return list(itertools.pairwise(self.systems))


def _parse_date(value: object, key: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError as exc:
            raise ConfigError(f"{key}: '{value}' is not a YYYY-MM-DD date") from exc
    raise ConfigError(f"{key}: expected a YYYY-MM-DD date, got {value!r}")


def _require(raw: dict, key: str, where: str) -> object:
    if key not in raw or raw[key] in (None, ""):
        raise ConfigError(f"{where}: missing required key '{key}'")
    return raw[key]


def _resolve(base: Path, value: str) -> Path:
    path = Path(os.path.expandvars(str(value))).expanduser()
    return path if path.is_absolute() else (base / path).resolve()


def _parse_systems(raw_systems: object, where: str) -> tuple[SourceSystem, ...]:
    if not isinstance(raw_systems, list) or not raw_systems:
        raise ConfigError(f"{where}: 'systems' must be a non-empty list")
    systems = []
    for index, raw in enumerate(raw_systems):
        label = f"{where}: systems[{index}]"
        if not isinstance(raw, dict):
            raise ConfigError(f"{label} must be a mapping with name and live_from")
        live_to = raw.get("live_to")
        systems.append(
            SourceSystem(
                name=str(_require(raw, "name", label)),
                live_from=_parse_date(_require(raw, "live_from", label), f"{label}.live_from"),
                live_to=_parse_date(live_to, f"{label}.live_to") if live_to else None,
                format=_parse_system_format(raw.get("format"), label),
            )
        )
    systems.sort(key=lambda system: system.live_from)
    for earlier, later in itertools.pairwise(systems):
        if earlier.live_to is None:
            raise ConfigError(
                f"{where}: system '{earlier.name}' needs live_to before '{later.name}'"
            )
        if later.live_from != earlier.live_to + dt.timedelta(days=1):
            raise ConfigError(
                f"{where}: '{later.name}' must go live the day after '{earlier.name}' ends "
                f"({earlier.live_to + dt.timedelta(days=1)}), not {later.live_from}"
            )
    names = [system.name for system in systems]
    if len(set(names)) != len(names):
        raise ConfigError(f"{where}: system names must be unique, got {names}")
    return tuple(systems)


def _parse_system_format(value: object, label: str) -> str:
    """``format:`` of one system: ``ssd`` (the default) or ``ssda903``."""
    if value in (None, ""):
        return SYSTEM_FORMAT_SSD
    if not isinstance(value, str) or value.strip().lower() not in SYSTEM_FORMATS:
        raise ConfigError(
            f"{label}.format: {value!r} is not an extract format; expected one of "
            f"{list(SYSTEM_FORMATS)} (ssd: SSD tables as CSV; ssda903: the DfE SSDA903 CSV set)"
        )
    return value.strip().lower()


def _parse_synthetic(raw: object, where: str) -> SyntheticSettings | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: 'synthetic' must be a mapping")
    defaults = SyntheticSettings()
    defects = raw.get("defects") or {}
    if not isinstance(defects, dict):
        raise ConfigError(f"{where}: synthetic.defects must map defect kind to a rate")
    return SyntheticSettings(
        population=int(raw.get("population", defaults.population)),
        seed=int(raw.get("seed", defaults.seed)),
        history_start=_parse_date(
            raw.get("history_start", defaults.history_start), "synthetic.history_start"
        ),
        defects={str(kind): float(rate) for kind, rate in defects.items()},
    )


def _parse_number(value: object, key: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConfigError(f"{key}: expected a number, got {value!r}")
    return float(value)


def _parse_targets(raw: object, where: str) -> dict[str, IndicatorTarget]:
    """``targets:`` maps an indicator code to ``{target: <number>, tolerance: <number>}``."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: 'targets' must map indicator codes to {{target, tolerance}}")
    targets = {}
    for code, entry in raw.items():
        label = f"{where}: targets.{code}"
        if not isinstance(entry, dict) or "target" not in entry:
            raise ConfigError(f"{label} must be a mapping with 'target' (optional 'tolerance')")
        unknown = set(entry) - {"target", "tolerance"}
        if unknown:
            raise ConfigError(f"{label}: unknown keys {sorted(unknown)}")
        tolerance = entry.get("tolerance")
        parsed_tolerance = None
        if tolerance is not None:
            parsed_tolerance = _parse_number(tolerance, f"{label}.tolerance")
            if parsed_tolerance < 0:
                raise ConfigError(f"{label}.tolerance must not be negative")
        targets[str(code)] = IndicatorTarget(
            target=_parse_number(entry["target"], f"{label}.target"), tolerance=parsed_tolerance
        )
    return targets


# A postcode district ("LU5", "SW1A") or sector ("LU5 4"): how an LA lists its area.
_BOUNDARY_PREFIX = re.compile(r"[A-Z]{1,2}[0-9][A-Z0-9]?( [0-9])?")


def _parse_boundary_postcodes(raw: object, where: str) -> tuple[str, ...]:
    """``boundary_postcodes:`` lists the postcode districts and sectors inside the LA.

    Entries are normalised to upper case with one space before a sector's digit
    ("lu5  4" -> "LU5 4"); anything else (a full postcode, a typo) is refused.
    """
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise ConfigError(
            f"{where}: 'boundary_postcodes' must be a list of postcode districts or sectors"
        )
    prefixes = []
    for index, entry in enumerate(raw):
        text = " ".join(str(entry).upper().split())
        if not _BOUNDARY_PREFIX.fullmatch(text):
            raise ConfigError(
                f"{where}: boundary_postcodes[{index}] = {entry!r} is not a postcode district "
                "(e.g. LU5) or sector (e.g. LU5 4)"
            )
        prefixes.append(text)
    return tuple(sorted(set(prefixes)))


# --- alerts: -------------------------------------------------------------------------------
_ENV_VAR_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_ALERT_KEYS = {
    "enabled",
    "dagster_url",
    "data_docs_url",
    "reconciliation_report",
    "send_when",
    "timeout_seconds",
    "email",
    "teams",
    "slack",
}
_EMAIL_KEYS = {
    "smtp_host",
    "smtp_port",
    "use_starttls",
    "username_env",
    "password_env",
    "sender",
    "recipients",
}


def _alert_mapping(raw: object, label: str, allowed: set[str]) -> dict:
    if not isinstance(raw, dict):
        raise ConfigError(f"{label} must be a mapping")
    unknown = set(raw) - allowed
    if unknown:
        raise ConfigError(f"{label}: unknown keys {sorted(unknown)}")
    return raw


def _alert_env_name(raw: dict, key: str, label: str, required: bool = False) -> str | None:
    value = raw.get(key)
    if value in (None, ""):
        if required:
            raise ConfigError(f"{label}.{key}: missing (the name of an environment variable)")
        return None
    if not isinstance(value, str) or not _ENV_VAR_NAME.fullmatch(value):
        raise ConfigError(
            f"{label}.{key}: {value!r} is not an environment variable name "
            "(the secret itself belongs in the environment, not in this file)"
        )
    return value


def _alert_bool(raw: dict, key: str, label: str, default: bool) -> bool:
    value = raw.get(key, default)
    if not isinstance(value, bool):
        raise ConfigError(f"{label}.{key}: expected true or false, got {value!r}")
    return value


def _alert_url(raw: dict, key: str, label: str) -> str | None:
    value = raw.get(key)
    if value in (None, ""):
        return None
    if not isinstance(value, str) or not re.match(r"https?://[^\s/]+", value):
        raise ConfigError(f"{label}.{key}: {value!r} is not an http(s) URL")
    return value.rstrip("/")


def _parse_email_alerts(raw: object, label: str) -> EmailAlerts:
    raw = _alert_mapping(raw, label, _EMAIL_KEYS)
    smtp_host = raw.get("smtp_host")
    if not isinstance(smtp_host, str) or not smtp_host.strip():
        raise ConfigError(f"{label}.smtp_host: missing (the SMTP server's host name)")
    port = raw.get("smtp_port", 587)
    if isinstance(port, bool) or not isinstance(port, int) or not 0 < port < 65_536:
        raise ConfigError(f"{label}.smtp_port: expected a port number 1-65535, got {port!r}")
    sender = raw.get("sender")
    if not isinstance(sender, str) or "@" not in sender:
        raise ConfigError(f"{label}.sender: expected an email address, got {sender!r}")
    recipients = raw.get("recipients")
    if isinstance(recipients, str):
        recipients = [recipients]
    if not isinstance(recipients, list) or not recipients:
        raise ConfigError(f"{label}.recipients: expected a non-empty list of email addresses")
    for index, address in enumerate(recipients):
        if not isinstance(address, str) or "@" not in address:
            raise ConfigError(f"{label}.recipients[{index}]: {address!r} is not an email address")
    username_env = _alert_env_name(raw, "username_env", label)
    password_env = _alert_env_name(raw, "password_env", label)
    if (username_env is None) != (password_env is None):
        raise ConfigError(f"{label}: set both username_env and password_env, or neither")
    return EmailAlerts(
        smtp_host=smtp_host.strip(),
        smtp_port=port,
        use_starttls=_alert_bool(raw, "use_starttls", label, default=True),
        username_env=username_env,
        password_env=password_env,
        sender=sender,
        recipients=tuple(recipients),
    )


def _parse_webhook_alerts(raw: object, label: str) -> WebhookAlerts:
    raw = _alert_mapping(raw, label, {"webhook_url_env"})
    return WebhookAlerts(webhook_url_env=_alert_env_name(raw, "webhook_url_env", label, True))


def _parse_alerts(raw: object, base_dir: Path, where: str) -> AlertSettings | None:
    """``alerts:`` (optional): the digest of failed checks sent after each scorecard run.

    Absent, empty or ``enabled: false`` means no alerts. Secrets are never in the file: the
    channels name the environment variables that hold them.
    """
    if raw is None:
        return None
    label = f"{where}: alerts"
    raw = _alert_mapping(raw, label, _ALERT_KEYS)
    if not _alert_bool(raw, "enabled", label, default=True):
        return None
    send_when = raw.get("send_when", "failures")
    if send_when not in ALERT_SEND_WHEN:
        raise ConfigError(f"{label}.send_when: expected one of {list(ALERT_SEND_WHEN)}")
    timeout = _parse_number(raw.get("timeout_seconds", 20), f"{label}.timeout_seconds")
    if timeout <= 0:
        raise ConfigError(f"{label}.timeout_seconds must be positive")
    report = raw.get("reconciliation_report")
    if report not in (None, "") and not isinstance(report, str):
        raise ConfigError(f"{label}.reconciliation_report: expected a URL or a path")
    if report and not re.match(r"https?://", report):
        report = str(_resolve(base_dir, report))
    settings = AlertSettings(
        dagster_url=_alert_url(raw, "dagster_url", label),
        data_docs_url=_alert_url(raw, "data_docs_url", label),
        reconciliation_report=report or None,
        send_when=send_when,
        timeout_seconds=timeout,
        email=_parse_email_alerts(raw["email"], f"{label}.email")
        if raw.get("email") is not None
        else None,
        teams=_parse_webhook_alerts(raw["teams"], f"{label}.teams")
        if raw.get("teams") is not None
        else None,
        slack=_parse_webhook_alerts(raw["slack"], f"{label}.slack")
        if raw.get("slack") is not None
        else None,
    )
    if not settings.channels:
        raise ConfigError(f"{label}: configure at least one of email, teams, slack")
    return settings


def parse_config(raw: dict, base_dir: Path, source_path: Path | None = None) -> ScorecardConfig:
    """Build a config from an already-parsed YAML mapping (paths relative to base_dir)."""
    where = str(source_path or "config")
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: the file must hold a YAML mapping")
    population_file = raw.get("population_file")
    return ScorecardConfig(
        la_code=str(_require(raw, "la_code", where)),
        la_name=str(raw.get("la_name", "")),
        landing_dir=_resolve(base_dir, str(_require(raw, "landing_dir", where))),
        warehouse_path=_resolve(base_dir, str(_require(raw, "warehouse_path", where))),
        output_dir=_resolve(base_dir, str(_require(raw, "output_dir", where))),
        as_of_date=_parse_date(_require(raw, "as_of_date", where), "as_of_date"),
        systems=_parse_systems(_require(raw, "systems", where), where),
        population_file=_resolve(base_dir, population_file) if population_file else None,
        synthetic=_parse_synthetic(raw.get("synthetic"), where),
        source_path=source_path,
        targets=_parse_targets(raw.get("targets"), where),
        boundary_postcodes=_parse_boundary_postcodes(raw.get("boundary_postcodes"), where),
        alerts=_parse_alerts(raw.get("alerts"), base_dir, where),
        run_lock_timeout_seconds=_parse_lock_timeout(raw.get("run_lock_timeout_seconds"), where),
    )


def _parse_lock_timeout(value: object, where: str) -> float:
    if value is None:
        return ScorecardConfig.run_lock_timeout_seconds
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise ConfigError(f"{where}: run_lock_timeout_seconds must be a number of seconds >= 0")
    return float(value)


def config_path_from_env() -> Path:
    return Path(os.environ.get(CONFIG_ENV_VAR) or DEFAULT_CONFIG_PATH).resolve()


def load_config(path: Path | str | None = None) -> ScorecardConfig:
    """Load the configuration from ``path``, else ``$SCORECARD_CONFIG``, else the demo."""
    config_path = Path(path).resolve() if path else config_path_from_env()
    if not config_path.is_file():
        raise ConfigError(f"configuration file not found: {config_path}")
    with config_path.open(encoding="utf-8") as handle:
        raw = yaml.safe_load(handle)
    return parse_config(raw, config_path.parent, config_path)
