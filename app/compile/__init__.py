"""The stub compiler: recordings in, editable YAML stubs (and a report) out.

:func:`app.compile.compiler.compile_recordings` is the pure entry point; ``stubforge
compile`` (``app.compile.cli``) reads recordings, writes files and prints the report.
"""
