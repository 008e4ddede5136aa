"""The committee scorecard paper: one month's headline indicators as HTML and Excel.

``data`` reads the published warehouse and applies suppression into plain dataclasses;
``html`` and ``workbook`` lay them out; ``outputs`` writes both files atomically.
Pure library: no Dagster (docs/committee_scorecard.md).
"""
