"""The stub compiler: recordings in, editable YAML stubs (and a report) out.

:func:`stubforge.compile.compiler.compile_recordings` is the pure entry point; ``stubforge
compile`` (``stubforge.compile.cli``) reads recordings, writes files and prints the report.
"""
