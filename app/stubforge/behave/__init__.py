"""Behaviours: each computes a plan (a delay, a response, a fault) and does no I/O."""
