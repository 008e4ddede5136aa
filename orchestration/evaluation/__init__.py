"""Runs of the whole pipeline on generated authorities: the data-quality evaluation
(``make dq-eval``) and the test fixtures that need a built warehouse with known defects."""
