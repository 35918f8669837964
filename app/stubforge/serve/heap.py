"""Keep the cyclic garbage collector off the request path.

A compiled stub set is large (10,000 routes are hundreds of thousands of objects) and
lives until the next reload; the journal holds thousands more. CPython's full
collections walk every tracked object, so with a big stub set they show up as 10-100 ms
pauses in the tail latency. After each load we collect once and freeze what survived
(``gc.freeze``: the collector no longer scans it; reference counting still frees it), and
raise the young-generation threshold so that collections run less often.
"""

from __future__ import annotations

import gc

YOUNG_THRESHOLD = 50_000


def settle() -> None:
    """Collect the previous stub set's garbage, then freeze everything alive now."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()
    _, second, third = gc.get_threshold()
    if gc.get_threshold()[0] < YOUNG_THRESHOLD:
        gc.set_threshold(YOUNG_THRESHOLD, second, third)
