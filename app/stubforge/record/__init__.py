"""The recording proxy: ``stubforge record``, redaction, the crash-safe writer, HAR import/export.

This is the only package that imports mitmproxy, and it does so only in
modules loaded once recording starts (``runner``, ``addon``, ``flowentry``):
``redact``, ``rules``, ``writer``, ``har`` and ``cli`` work without it.
"""
