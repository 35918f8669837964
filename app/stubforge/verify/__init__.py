"""The request journal as domain logic: criteria, verification, the redacted view of
entries. Used by the admin API, ``stubforge verify`` and the pytest plugin."""
