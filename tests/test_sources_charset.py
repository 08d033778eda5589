"""Decoding response bodies: HTTP charset, then the document's, then detection; never fails."""

from __future__ import annotations

import pytest
from emulators.web import CP1252_PARAGRAPHS

from briefs.sources.charset import codec_name, declared_charset, decode_body, detect_charset

WESTERN = " ".join(CP1252_PARAGRAPHS)


def test_the_http_charset_is_used_when_it_decodes() -> None:
    decoded = decode_body("Zażółć gęślą jaźń".encode("iso-8859-2"), "text/html; charset=ISO-8859-2")
    assert decoded.text == "Zażółć gęślą jaźń"
    assert (decoded.origin, decoded.charset, decoded.note) == ("http", "iso8859_2", None)


def test_the_xml_prolog_is_used_without_an_http_charset() -> None:
    raw = '<?xml version="1.0" encoding="windows-1250"?><rss><title>Łódź</title></rss>'
    decoded = decode_body(raw.encode("cp1250"), "application/rss+xml")
    assert "Łódź" in decoded.text and decoded.origin == "document"


def test_a_meta_charset_is_used_without_an_http_charset() -> None:
    raw = f'<html><head><meta charset="windows-1252"></head><p>{WESTERN}</p></html>'
    decoded = decode_body(raw.encode("cp1252"), "text/html")
    assert WESTERN in decoded.text and decoded.origin == "document"


def test_a_wrong_utf8_label_falls_back_to_detection_with_a_note() -> None:
    decoded = decode_body(WESTERN.encode("cp1252"), "text/html; charset=utf-8")
    assert decoded.text == WESTERN
    assert decoded.charset == "cp1252" and decoded.origin == "detected"
    assert decoded.note == "declared charset utf-8 did not decode; read as cp1252"


def test_a_wrong_http_label_gives_way_to_a_right_document_label() -> None:
    raw = f'<meta charset="windows-1252"><p>{WESTERN}</p>'.encode("cp1252")
    decoded = decode_body(raw, "text/html; charset=utf-8")
    assert WESTERN in decoded.text and decoded.origin == "document"
    assert decoded.note == "declared charset utf-8 did not decode; read as cp1252"


def test_an_unknown_label_is_noted_and_ignored() -> None:
    decoded = decode_body("plain café".encode(), "text/html; charset=x-made-up")
    assert decoded.text == "plain café" and decoded.origin == "utf-8"
    assert decoded.note == "declared charset x-made-up (unknown) did not decode; read as utf_8"


def test_undeclared_utf8_is_read_as_utf8() -> None:
    decoded = decode_body("“Quoted” — café".encode(), None)
    assert decoded.text == "“Quoted” — café" and decoded.origin == "utf-8"


def test_latin1_labels_are_read_as_windows_1252() -> None:
    """WHATWG: servers saying ISO-8859-1 send curly quotes in 0x80-0x9F."""
    decoded = decode_body("“Hi”".encode("cp1252"), "text/html; charset=iso-8859-1")
    assert decoded.text == "“Hi”" and decoded.charset == "cp1252"


@pytest.mark.parametrize(("bom", "codec"), [(b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le")])
def test_a_byte_order_mark_wins(bom: bytes, codec: str) -> None:
    decoded = decode_body(bom + "café".encode(codec), "text/html; charset=cp1252")
    assert decoded.text == "café" and decoded.origin == "bom"


def test_short_western_text_is_not_read_as_utf16() -> None:
    """charset-normalizer alone calls "Café’s" UTF-16-BE; those codecs are excluded."""
    assert detect_charset("Café’s".encode("cp1252")) == "cp1252"


def test_undecodable_bytes_never_raise() -> None:
    decoded = decode_body(bytes(range(256)) * 4, "text/html; charset=utf-8")
    assert isinstance(decoded.text, str) and decoded.text


def test_helpers() -> None:
    assert declared_charset(b"<?xml version='1.0' encoding='UTF-8'?><rss/>") == "UTF-8"
    assert declared_charset(b'<meta http-equiv="Content-Type" content="text/html; charset=koi8-r">')
    assert declared_charset(b"<html><p>no declaration</p></html>") is None
    assert codec_name("latin1") == "cp1252" and codec_name("UTF8") == "utf_8"
    assert codec_name("nonsense") is None and codec_name(None) is None
