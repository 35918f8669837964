"""The digest helpers of header templates, against published check values."""

from __future__ import annotations

import base64
import hashlib

from stubforge.behave.templating import compile_text
from stubforge.model.digests import BodyView, crc32, crc32c, md5, sha256

CHECK = b"123456789"


def test_check_values() -> None:
    assert crc32(CHECK) == 0xCBF43926
    assert crc32c(CHECK) == 0xE3069283
    assert crc32(CHECK, "base64") == base64.b64encode(bytes.fromhex("cbf43926")).decode()
    assert md5(CHECK) == hashlib.md5(CHECK).hexdigest()
    assert sha256("é", "base64") == base64.b64encode(hashlib.sha256("é".encode()).digest()).decode()


def test_helpers_in_a_header_template() -> None:
    render = compile_text('"{{ md5(response.body) }}" {{ crc32(request.body) }}')
    ctx = {"response": BodyView(b"abc"), "request": BodyView(CHECK)}
    assert render(ctx) == f'"{hashlib.md5(b"abc").hexdigest()}" {0xCBF43926}'
