"""Pydantic models of stubforge's file formats (stub files, recordings) and their JSON Schema.

Nothing here imports the rest of the package: every stage may depend on it.
"""
