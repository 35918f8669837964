"""Drift detection: is what the stubs answer still what the provider answers?

Live (probes re-sent to the provider) and offline (a fresh recording set) runs feed the
same comparison: each answer is matched to its stub route and compared, noise-aware, with
what the route would answer, and each difference is classified as breaking, additive,
behavioural, or (for what could not be checked) unreachable / unknown.
"""
