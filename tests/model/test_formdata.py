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


def test_xml_elements_become_fields_and_soap_envelopes_open() -> None:
    soap = (
        b'<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>'
        b"<GetUser><id>7</id><tag>a</tag><tag>b</tag><addr><city>Oslo</city></addr>"
        b"</GetUser></s:Body></s:Envelope>"
    )
    assert form_body(soap, "text/xml; charset=utf-8") == {
        "id": "7",
        "tag": ["a", "b"],
        "addr": {"city": "Oslo"},
    }


def test_xml_with_a_dtd_or_broken_is_no_data() -> None:
    bomb = b'<!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>'
    assert form_body(bomb, "application/xml") is None
    assert form_body(b"<x><y></x>", "application/xml") is None
