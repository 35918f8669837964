"""The admin API (FastAPI) under ``/__admin``: health, stubs, reload."""
