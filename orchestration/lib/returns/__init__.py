"""Statutory returns written from the warehouse: the SSDA903 CSV set and the CIN census XML.

docs/decisions/0009-outputs-for-readers.md says where they are written and who may read them.
"""
