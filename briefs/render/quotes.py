"""Who said what as text, Markdown and JSON: `briefbot quotes`.

The JSON is the contract (`briefs.quotes`); its keys are pinned by tests. Text and
Markdown are the quote view's, in `text` and `markdown`.
"""

from __future__ import annotations

from briefs.models import SpeakerRef
from briefs.quotes import QuoteItem, QuoteList
from briefs.render.json import JsonObject, dumps
from briefs.render.markdown import quotes_to_markdown
from briefs.render.text import quotes_to_text
from briefs.render.wording import date_text

__all__ = ["quotes_to_json", "quotes_to_markdown", "quotes_to_text"]


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
