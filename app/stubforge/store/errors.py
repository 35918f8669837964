"""Errors a store raises that the server turns into answers."""

from __future__ import annotations


class StoreUnavailable(Exception):
    """The shared store cannot be reached (connection refused, timeout, lost connection).

    The replay path answers 503 with a JSON body and the admin API a 503 problem; the
    server keeps running and serves again as soon as the store is back.
    """
