"""Bytes of a web response to text: the HTTP charset, else the document's own, else detection.

Order, and why:

1. A byte order mark wins over every label (browsers do the same; a BOM cannot lie).
2. The charset of the HTTP Content-Type, then the one the document declares (an XML
   prolog, `<meta charset>` or `<meta http-equiv="Content-Type">` in its first bytes).
   A declared label is only believed if the bytes decode with it *strictly*: a page
   that says UTF-8 but is really Windows-1252 fails here and falls through.
3. Undeclared (or every declaration failed): strict UTF-8 first, since most of the web
   is UTF-8 and detection on short texts is unreliable; then charset-normalizer, with
   UTF-16/32 ruled out (without a BOM they do not occur on the web, and the detector
   likes them for short Latin texts); then Windows-1252 with replacement characters, so
   decoding never fails.

ISO-8859-1 and US-ASCII labels are read as Windows-1252, as the WHATWG Encoding Standard
says: servers that say "latin-1" almost always send Windows-1252 (curly quotes in 0x80-0x9F).
"""

from __future__ import annotations

import codecs
import re
from typing import Literal

from charset_normalizer import from_bytes

from briefs.models import Frozen

CharsetOrigin = Literal["bom", "http", "document", "utf-8", "detected", "fallback"]

_SNIFF_BYTES = 4096  # where a document's own declaration must appear (HTML says 1024; be lenient)
_BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)
_WINDOWS_1252 = "cp1252"
# Labels that mean Windows-1252 on the web (WHATWG), by their Python codec names.
_READ_AS_1252 = frozenset({"latin_1", "iso8859_1", "ascii", "cp1252"})
_NO_BOM_NO_WEB = ("utf_16", "utf_16_be", "utf_16_le", "utf_32", "utf_32_be", "utf_32_le", "utf_7")
_DETECT_BYTES = 65_536  # detection time grows with the sample; this is plenty for a verdict

_CONTENT_TYPE_CHARSET = re.compile(r"""charset\s*=\s*["']?([\w.:-]+)""", re.IGNORECASE)
_XML_PROLOG = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([\w.:-]+)["']""", re.IGNORECASE)
_META_CHARSET = re.compile(rb"""<meta[^>]+?charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE)


class DecodedText(Frozen):
    """Text decoded from a response body, and how its charset was chosen."""

    text: str
    charset: str  # Python codec name actually used
    origin: CharsetOrigin
    # Set when a declared charset failed (or was unknown) and another one was used.
    note: str | None = None


def charset_from_content_type(content_type: str | None) -> str | None:
    """The charset parameter of a Content-Type header value, as written."""
    if not content_type:
        return None
    match = _CONTENT_TYPE_CHARSET.search(content_type)
    return match.group(1) if match else None


def declared_charset(raw: bytes) -> str | None:
    """The charset a document declares about itself (XML prolog or HTML meta), as written."""
    head = raw[:_SNIFF_BYTES]
    for pattern in (_XML_PROLOG, _META_CHARSET):
        match = pattern.search(head)
        if match:
            return match.group(1).decode("ascii", "replace")
    return None


def codec_name(label: str | None) -> str | None:
    """The Python codec for a charset label (WHATWG's latin-1 rule applied); None if unknown."""
    if not label:
        return None
    try:
        name = codecs.lookup(label.strip()).name.replace("-", "_")
    except LookupError:
        return None
    return _WINDOWS_1252 if name in _READ_AS_1252 else name


def decode_body(raw: bytes, content_type: str | None = None) -> DecodedText:
    """Decode a response body; never raises (the last resort replaces undecodable bytes)."""
    for bom, bom_codec in _BOMS:
        if raw.startswith(bom):
            text = raw[len(bom) :].decode(bom_codec, "replace")
            return DecodedText(text=text, charset=bom_codec, origin="bom")
    failed: list[str] = []
    declared: tuple[tuple[str | None, CharsetOrigin], ...] = (
        (charset_from_content_type(content_type), "http"),
        (declared_charset(raw), "document"),
    )
    for label, origin in declared:
        if not label:
            continue
        codec = codec_name(label)
        decoded = _strict(raw, codec) if codec else None
        if decoded is not None and codec is not None:
            note = _note(failed, codec) if failed else None
            return DecodedText(text=decoded, charset=codec, origin=origin, note=note)
        failure = label if codec else f"{label} (unknown)"
        if failure not in failed:  # HTTP and meta often repeat the same wrong label
            failed.append(failure)
    as_utf8 = _strict(raw, "utf_8")
    if as_utf8 is not None:
        return _undeclared(as_utf8, "utf_8", "utf-8", failed)
    detected = detect_charset(raw)
    as_detected = _strict(raw, detected) if detected is not None else None
    if as_detected is not None and detected is not None:
        return _undeclared(as_detected, detected, "detected", failed)
    return _undeclared(raw.decode(_WINDOWS_1252, "replace"), _WINDOWS_1252, "fallback", failed)


def detect_charset(raw: bytes) -> str | None:
    """charset-normalizer's guess, ties between equally clean readings going to Windows-1252.

    Single-byte Western texts decode cleanly as cp1250, cp1252 and cp1257 alike, and
    the detector's order among them is arbitrary; Windows-1252 is by far the commonest
    mislabelled charset on the web, so it wins a tie.
    """
    matches = from_bytes(raw[:_DETECT_BYTES], cp_exclusion=list(_NO_BOM_NO_WEB))
    best = matches.best()
    if best is None:
        return None
    tied = [m for m in matches if m.percent_chaos <= best.percent_chaos]
    for match in tied:
        if _WINDOWS_1252 in (codec_name(c) for c in match.could_be_from_charset):
            return _WINDOWS_1252
    return codec_name(best.encoding)


def _strict(raw: bytes, codec: str) -> str | None:
    try:
        return raw.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def _undeclared(text: str, codec: str, origin: CharsetOrigin, failed: list[str]) -> DecodedText:
    return DecodedText(
        text=text, charset=codec, origin=origin, note=_note(failed, codec) if failed else None
    )


def _note(failed: list[str], used: str) -> str:
    return f"declared charset {', '.join(failed)} did not decode; read as {used}"
