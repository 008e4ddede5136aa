"""Statutory returns written from the published warehouse (docs/decisions/0009)."""

from orchestration.defs.returns.cin_census import cin_census
from orchestration.defs.returns.ssda903 import ssda903

returns_assets = [ssda903, cin_census]

__all__ = ["returns_assets"]
