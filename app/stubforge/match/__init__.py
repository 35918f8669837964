"""Matching: the request view, compiled predicates, the indexed router, near misses.

Everything here is compiled at load time; matching a request never parses a pattern.
"""
