"""Maps dbt resources to Dagster asset keys and groups so the asset graph reads like the folders.

- dbt sources (all in schema ``raw``) map to the ingest assets ``raw/<table>``.
- models and seeds map to ``<schema>/<name>``, e.g. ``marts/fct_scorecard_monthly``; the schema
  comes from the dbt folder configuration (``+schema``), so folder, schema and group agree.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from dagster import AssetKey
from dagster_dbt import DagsterDbtTranslator

RAW_SCHEMA = "raw"


class ScorecardDbtTranslator(DagsterDbtTranslator):
    """Asset key = schema + name; group = schema."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            return AssetKey([RAW_SCHEMA, dbt_resource_props["name"]])
        return AssetKey([_schema_of(dbt_resource_props), dbt_resource_props["name"]])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "source":
            return RAW_SCHEMA
        return _schema_of(dbt_resource_props)


def _schema_of(dbt_resource_props: Mapping[str, Any]) -> str:
    configured = (dbt_resource_props.get("config") or {}).get("schema")
    return str(configured or dbt_resource_props["schema"])
