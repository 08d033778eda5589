"""Who said what as text, Markdown and JSON: `briefbot quotes`.

The JSON is the contract (`briefs.quotes`); its keys are pinned by tests. Quotes and
names come from article text, so Markdown escapes them.
"""

from __future__ import annotations

from briefs.models import Evidence, SpeakerRef
from briefs.quotes import QuoteItem, QuoteList
from briefs.render import attribution_parts, date_text
from briefs.render.json import JsonObject, dumps
from briefs.render.markdown import blockquote, escape


def no_quotes_text(found: QuoteList) -> str:
    """One line for an empty answer, saying what was asked."""
    who = found.speaker.name if found.speaker else "anyone"
    about = f" about {found.about!r}" if found.about else ""
    return f"No statements by {who}{about} in the store yet."


def quotes_title(found: QuoteList) -> str:
    """ "What Adaeze Okafor said about budget (3)"; everyone's when no speaker was asked."""
    who = f"What {found.speaker.name} said" if found.speaker else "Who said what"
    about = f" about {found.about}" if found.about else ""
    return f"{who}{about} ({len(found.quotes)})"


def as_evidence(item: QuoteItem) -> Evidence:
    """A statement as the citation renderers show: the quote, then who, where and when."""
    return Evidence(
        document=item.document,
        title=item.title,
        source=item.source,
        url=item.url,
        published=item.published,
        quote=item.quote,
        start=item.start,
        end=item.end,
        speaker=speaker_line(item),
    )


def speaker_line(item: QuoteItem) -> str | None:
    """ "Adaeze Okafor (Halbrook), told" — the resolved speaker, affiliation and cue."""
    if item.speaker is None:
        return item.cue
    name = item.speaker.name
    if item.speaker.affiliation:
        name = f"{name} ({item.speaker.affiliation})"
    return f"{name}, {item.cue}" if item.cue else name


def quotes_to_text(found: QuoteList) -> str:
    """A heading, then each statement and its attribution, newest first."""
    if not found.quotes:
        return no_quotes_text(found)
    lines = [quotes_title(found), ""]
    for item in found.quotes:
        evidence = as_evidence(item)
        known = ", ".join(attribution_parts(evidence))
        lines += [
            f"  {item.quote}",
            f"  — {known} ({item.document})" if known else f"  — ({item.document})",
            "",
        ]
    return "\n".join(lines).rstrip()


def quotes_to_markdown(found: QuoteList) -> str:
    """Each statement as a blockquote, with who said it, where and when below it."""
    if not found.quotes:
        return escape(no_quotes_text(found))
    lines = [f"**{escape(quotes_title(found))}**", ""]
    for item in found.quotes:
        parts = ", ".join(escape(p) for p in attribution_parts(as_evidence(item)))
        lines += [blockquote(item.quote), "", f"— {parts} ({escape(item.document)})", ""]
    return "\n".join(lines).rstrip()


def speaker_json(speaker: SpeakerRef | None) -> JsonObject | None:
    """The contract's speaker object."""
    if speaker is None:
        return None
    return {
        "id": speaker.id,
        "name": speaker.name,
        "kind": speaker.kind,
        "affiliation": speaker.affiliation,
    }


def quote_json(item: QuoteItem) -> JsonObject:
    """The contract's quote item."""
    mention = item.mention
    return {
        "document": item.document,
        "title": item.title,
        "source": item.source,
        "url": item.url,
        "published": date_text(item.published),
        "quote": item.quote,
        "start": item.start,
        "end": item.end,
        "sentence": item.sentence,
        "kind": item.kind,
        "cue": item.cue,
        "speaker": speaker_json(item.speaker),
        "mention": (
            {"text": mention.text, "start": mention.start, "end": mention.end} if mention else None
        ),
    }


def quotes_to_json(found: QuoteList) -> str:
    """`{"speaker": … | null, "quotes": [...]}`: the contract, nothing more."""
    return dumps(
        {"speaker": speaker_json(found.speaker), "quotes": list(map(quote_json, found.quotes))}
    )
