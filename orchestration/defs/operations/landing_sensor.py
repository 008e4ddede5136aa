"""The landing sensor: a new complete extract folder starts a ``scorecard`` run.

Every minute the sensor lists the complete extract folders of the configured systems
(``orchestration.lib.landing.discover_extracts``: a folder is complete when it holds a
``_complete`` marker file, or nothing in it has changed for 60 seconds; a folder still
being written is left for a later tick). Each folder has a fingerprint: ``system/date``
plus the name, size and modification time of every file in it (the marker excluded, so
adding it to a folder already seen as complete is not a new delivery). The cursor keeps
the fingerprint of every folder seen. When folders are new or their fingerprint changed
(a re-delivery), the sensor requests one ``scorecard`` run (ingest, rebuild, publish) whose
run key is built from those fingerprints: an unchanged folder never starts a run twice, a
re-delivered one does.

It starts STOPPED: with ``dagster dev`` running the daemon, a sensor on by default would
start writing the demo warehouse the moment the UI opens, which should be the operator's
choice. Turn it on once per deployment (UI: Automation, or ``dagster sensor start
landing_extracts_sensor``); on its first tick it requests a run for the folders already
there (ingest skips nothing it has not read).
"""

# No ``from __future__ import annotations``: Dagster inspects the sensor function's
# parameter annotations (the resource) at definition time and needs the real classes.
import hashlib
import json
from collections.abc import Mapping

import dagster as dg

from orchestration.defs.jobs import scorecard_job
from orchestration.defs.operations.schedules import TRIGGER_TAG
from orchestration.defs.resources import ScorecardConfigResource
from orchestration.lib.landing import COMPLETE_MARKER, ExtractFolder, discover_extracts

SENSOR_INTERVAL_SECONDS = 60
EXTRACTS_TAG = "scorecard/landing_extracts"
_TAG_LIMIT = 200


def folder_name(extract: ExtractFolder) -> str:
    """``system/YYYY-MM-DD``: how an extract is named in the cursor and the run tags."""
    return f"{extract.system}/{extract.extract_date.isoformat()}"


def folder_fingerprint(extract: ExtractFolder) -> str:
    """A hash of the folder's name and its files' names, sizes and modification times."""
    files = sorted(
        (child.name, child.stat().st_size, child.stat().st_mtime_ns)
        for child in extract.path.iterdir()
        if child.is_file() and child.name.lower() != COMPLETE_MARKER
    )
    payload = json.dumps({"folder": folder_name(extract), "files": files}, sort_keys=True)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:32]


def read_cursor(cursor: str | None) -> dict[str, str]:
    """The fingerprints the sensor has seen, by folder (empty for a first or bad cursor)."""
    if not cursor:
        return {}
    try:
        seen = json.loads(cursor)
    except ValueError:
        return {}
    return {str(k): str(v) for k, v in seen.items()} if isinstance(seen, dict) else {}


def changed_folders(current: Mapping[str, str], seen: Mapping[str, str]) -> dict[str, str]:
    """The folders that are new or whose fingerprint differs from the one seen."""
    return {name: print_ for name, print_ in sorted(current.items()) if seen.get(name) != print_}


def landing_run_key(changed: Mapping[str, str]) -> str:
    """One run key per set of new or changed folders."""
    payload = json.dumps(sorted(changed.items()))
    return "landing:" + hashlib.sha256(payload.encode("utf-8")).hexdigest()[:24]


@dg.sensor(
    name="landing_extracts_sensor",
    job=scorecard_job,
    minimum_interval_seconds=SENSOR_INTERVAL_SECONDS,
    default_status=dg.DefaultSensorStatus.STOPPED,
    description=(
        "Start a scorecard run when a new or re-delivered complete extract folder appears "
        "in the landing directory (complete: a _complete marker, or 60 s without changes)."
    ),
)
def landing_extracts_sensor(
    context: dg.SensorEvaluationContext, scorecard_config: ScorecardConfigResource
) -> dg.SensorResult | dg.SkipReason:
    """Request one scorecard run for the complete folders that are new since the cursor."""
    config = scorecard_config.load()
    extracts = discover_extracts(
        config.landing_dir,
        config.system_names,
        logger=context.log,  # type: ignore[arg-type]
    )
    current = {folder_name(extract): folder_fingerprint(extract) for extract in extracts}
    changed = changed_folders(current, read_cursor(context.cursor))
    if not changed:
        return dg.SkipReason(f"no new complete extract in {len(current)} folder(s) seen")
    names = ", ".join(changed)
    context.log.info("new or changed complete extracts: %s", names)
    return dg.SensorResult(
        run_requests=[
            dg.RunRequest(
                run_key=landing_run_key(changed),
                tags={
                    EXTRACTS_TAG: names[:_TAG_LIMIT],
                    TRIGGER_TAG: "landing_extracts_sensor",
                },
            )
        ],
        cursor=json.dumps(current, sort_keys=True),
    )
