"""Turning a file's bytes into a `Document`, keeping its text verbatim.

Nothing is normalised: every offset in the system indexes `Document.text`, and
quotes must be exact substrings of the original file. Parsing only decides where
the body starts and reads the metadata (title, source, url, date) around it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re

from briefs.boilerplate import Line, is_furniture_line, iter_lines
from briefs.errors import SkippedFile
from briefs.models import Document

DEFAULT_MAX_BYTES = 5_000_000

_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_SNIFF_BYTES = 8192
_MAX_CONTROL_SHARE = 0.1  # text has almost none; binary formats are full of them
_TEXT_CONTROLS = frozenset(b"\t\n\r\f")

_HEADER_FIELD = re.compile(r"^(?P<key>[A-Za-z][A-Za-z0-9_-]*)[ \t]*:[ \t]*(?P<value>.*?)\s*$")
_HEADER_END = "---"
_ISO_DATE = re.compile(r"^(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})(?:[T ].*)?$")
_NAME_DATE = re.compile(r"^(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})(?!\d)")

_MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
    "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
# Longest names first so "Sept" is not read as "Sep"; a capital letter keeps "may" a verb.
_MONTH = (
    r"(?:"
    + "|".join(sorted((name.capitalize() for name in _MONTHS), key=len, reverse=True))
    + r")(?![a-z])\.?"
)
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
_YEAR = r"(?:19|20)\d{2}"
_STATED_DATE = re.compile(
    rf"\b(?P<month1>{_MONTH})\s+(?P<day1>{_DAY}),?\s+(?P<year1>{_YEAR})\b"
    rf"|\b(?P<day2>{_DAY})\s+(?:of\s+)?(?P<month2>{_MONTH}),?\s+(?P<year2>{_YEAR})\b"
    rf"|(?<![\d-])(?P<year3>{_YEAR})-(?P<month3>\d{{2}})-(?P<day3>\d{{2}})(?![\d-])"
)
_MAX_TITLE = 120


def parse_document(
    name: str,
    raw: bytes,
    *,
    doc_id: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Document:
    """A `Document` from a file's bytes; raises `SkippedFile` when it is not ingestible text."""
    text = decode_text(name, raw, max_bytes=max_bytes)
    header, body_start = _read_header(text)
    if header is None:
        header = {}
        title, body_start = _raw_title(text)
    else:
        title = header.get("title") or _title_from_body(text, body_start)
    published, from_text = _published(header.get("published"), name, text[body_start:])
    return Document(
        id=doc_id or hashlib.sha256(name.encode("utf-8")).hexdigest()[:16],
        name=name,
        title=title or name,
        source=header.get("source") or None,
        url=header.get("url") or None,
        published=published,
        date_from_text=from_text,
        text=text,
        body_start=body_start,
        checksum=hashlib.sha256(raw).hexdigest(),
    )


def decode_text(name: str, raw: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """The UTF-8 text of `raw` (a leading BOM dropped); `SkippedFile` says why when it is not."""
    if len(raw) > max_bytes:
        raise SkippedFile(name, too_large_reason(len(raw), max_bytes))
    if raw.startswith(_UTF16_BOMS):
        raise SkippedFile(name, "not UTF-8 text (UTF-16 byte order mark)")
    bom = len(_UTF8_BOM) if raw.startswith(_UTF8_BOM) else 0
    content = raw[bom:]
    if not content.strip():
        raise SkippedFile(name, "empty file")
    if _looks_binary(content):
        raise SkippedFile(name, "binary file, not text")
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError as exc:
        byte = content[exc.start]
        reason = f"not UTF-8 text (invalid byte 0x{byte:02x} at offset {exc.start + bom})"
        raise SkippedFile(name, reason) from exc
    if not text.strip():
        raise SkippedFile(name, "empty file")
    return text


def too_large_reason(size: int, max_bytes: int) -> str:
    """The reason for a file over the cap: "larger than the 5.0 MB cap (12.3 MB)"."""
    cap, actual = _human_size(max_bytes), _human_size(size)
    if actual == cap:  # 5,000,001 bytes would read "5.0 MB cap (5.0 MB)"
        actual = f"{size:,} bytes"
    return f"larger than the {cap} cap ({actual})"


def find_stated_date(text: str) -> dt.date | None:
    """The first real calendar date written out with a year ("January 6, 2026", "6 Jan. 2026",
    "2026-01-06"); dates without a year are ignored."""
    for match in _STATED_DATE.finditer(text):
        found = _date_of(match)
        if found is not None:
            return found
    return None


def _looks_binary(content: bytes) -> bool:
    if b"\x00" in content:
        return True
    sample = content[:_SNIFF_BYTES]
    controls = sum(1 for byte in sample if _is_control(byte))
    return controls > _MAX_CONTROL_SHARE * len(sample)


def _is_control(byte: int) -> bool:
    return (byte < 0x20 or byte == 0x7F) and byte not in _TEXT_CONTROLS


def _human_size(size: int) -> str:
    if size >= 1_000_000:
        return f"{size / 1_000_000:.1f} MB"
    if size >= 1_000:
        return f"{size / 1_000:.1f} KB"
    return f"{size} bytes"


def _read_header(text: str) -> tuple[dict[str, str] | None, int]:
    """The `key: value` fields above a `---` line, and where the body starts after it.

    A leading `---` (Markdown front matter) is allowed. Without a closing `---`
    after at least one field the file has no header: (None, 0).
    """
    fields: dict[str, str] = {}
    for index, line in enumerate(iter_lines(text)):
        content = text[line.start : line.end].rstrip()
        if content == _HEADER_END:
            if fields:
                return fields, line.next
            if index > 0:
                return None, 0
            continue  # the opening line of front matter
        if not content:
            continue
        field = _HEADER_FIELD.match(content)
        if field is None:
            return None, 0
        fields.setdefault(field.group("key").lower(), field.group("value"))
    return None, 0


def _raw_title(text: str) -> tuple[str, int]:
    """Title and body start of a text without header.

    The first line is a headline (left out of the body) unless it is site
    furniture or a finished sentence; then the whole text is body, so no
    statement is lost, and the title is taken from the first real paragraph.
    """
    first = next((line for line in iter_lines(text) if _line_text(text, line)), None)
    if first is None:
        return "", 0
    headline = _line_text(text, first)
    if is_furniture_line(headline) or _is_sentence(headline):
        return _title_from_body(text, 0), 0
    return _shortened(headline), first.next


def _title_from_body(text: str, body_start: int) -> str:
    """The first body line that is not site furniture, shortened for display."""
    for line in iter_lines(text, body_start):
        content = _line_text(text, line)
        if content and not is_furniture_line(content):
            return _shortened(content)
    return ""


def _line_text(text: str, line: Line) -> str:
    return text[line.start : line.end].strip()


def _is_sentence(line: str) -> bool:
    # Headlines carry no full stop; a paragraph of prose ends with one.
    return line.rstrip("\"'”’»)").endswith(".")


def _shortened(title: str) -> str:
    if len(title) <= _MAX_TITLE:
        return title
    cut = title[: _MAX_TITLE - 1].rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:—–-") + "…"


def _published(header_value: str | None, name: str, body: str) -> tuple[dt.date | None, bool]:
    """The article date and whether it was read from the body text; never today's date."""
    from_header = _iso_date(_ISO_DATE, header_value or "")
    if from_header is not None:
        return from_header, False
    from_name = _iso_date(_NAME_DATE, _file_name(name))
    if from_name is not None:
        return from_name, False
    stated = find_stated_date(body)
    return stated, stated is not None


def _file_name(name: str) -> str:
    """The last path component; a URL has no user-chosen file name."""
    if "://" in name:
        return ""
    return re.split(r"[/\\]", name)[-1]


def _iso_date(pattern: re.Pattern[str], value: str) -> dt.date | None:
    match = pattern.match(value.strip())
    if match is None:
        return None
    return _safe_date(match.group("y"), match.group("m"), match.group("d"))


def _date_of(match: re.Match[str]) -> dt.date | None:
    for n in ("1", "2", "3"):
        year = match.group("year" + n)
        if year is None:
            continue
        month = match.group("month" + n)
        month_number = month if month.isdigit() else str(_MONTHS[month.rstrip(".").lower()])
        return _safe_date(year, month_number, match.group("day" + n).rstrip("stndrh"))
    return None


def _safe_date(year: str, month: str, day: str) -> dt.date | None:
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError:  # "February 30, 2026" is not a date
        return None
