"""Form bodies read as data: urlencoded with bracket nesting, multipart text fields."""

from __future__ import annotations

from stubforge.model.formdata import form_body


def test_urlencoded_nests_brackets_and_lists() -> None:
    body = b"email=a%40b.c&metadata[plan]=gold&metadata[seats]=3&expand[]=x&expand[]=y"
    assert form_body(body, "application/x-www-form-urlencoded; charset=utf-8") == {
        "email": "a@b.c",
        "metadata": {"plan": "gold", "seats": "3"},
        "expand": ["x", "y"],
    }


def test_multipart_keeps_text_fields_and_leaves_files_out() -> None:
    body = (
        b'--XX\r\nContent-Disposition: form-data; name="purpose"\r\n\r\ndispute\r\n'
        b'--XX\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n'
        b"Content-Type: text/plain\r\n\r\nhello\r\n--XX--\r\n"
    )
    assert form_body(body, "multipart/form-data; boundary=XX") == {"purpose": "dispute"}


def test_other_bodies_are_no_form() -> None:
    assert form_body(b'{"a": 1}', "application/json") is None
    assert form_body(b"a=1", "text/plain") is None
