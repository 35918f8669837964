"""Log lines of the recorder pass through redaction, like everything it writes.

:class:`RedactingFilter` sits on the handlers of ``stubforge record``'s logging: every
record (ours and mitmproxy's, which logs through :mod:`logging`) is formatted, scanned
for secrets (URLs with their query parameters by name, secret-shaped values anywhere)
and emitted redacted. A traceback attached to a record is redacted too.
"""

from __future__ import annotations

import logging
import re
import threading

from stubforge.redact.redactor import Redactor

_URL = re.compile(r"(?i)\b[a-z][a-z0-9+.-]{0,30}://[^\s\"'<>]{1,8192}")


class RedactingFilter(logging.Filter):
    """Rewrites each record's message (and exception text) through a redactor."""

    def __init__(self, redactor: Redactor) -> None:
        super().__init__()
        self._red = Redactor(redactor.rules, redactor.key)
        self._lock = threading.Lock()

    def redact(self, text: str) -> str:
        with self._lock:
            fired: set[str] = set()
            text = _URL.sub(lambda m: self._red.url(m.group(0), fired), text)
            return self._red.scan(text, fired)

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = self.redact(record.getMessage())
        record.args = None
        if record.exc_info:
            record.exc_text = self.redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True


def install(redactor: Redactor) -> RedactingFilter:
    """Redact every log line of this process (root handlers)."""
    flt = RedactingFilter(redactor)
    for handler in logging.getLogger().handlers:
        handler.addFilter(flt)
    return flt
