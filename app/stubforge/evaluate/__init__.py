"""Evaluation of compiled stubs against the recordings they came from."""
