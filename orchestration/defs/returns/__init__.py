"""Statutory returns written from the published warehouse (docs/decisions/0009)."""

returns_assets: list = []

__all__ = ["returns_assets"]
