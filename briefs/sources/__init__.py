"""Live sources, the pure part: feed parsing, article extraction, item identity, story clusters.

No network here (that is `adapters.web`): these functions take text that was fetched
and return frozen models, or raise `SkippedFile` with a one-line reason, as files do.

- `charset`: response bytes to text (HTTP charset, document charset, detection).
- `feeds`: RSS/Atom text to `FeedEntry`s, with fatal and recoverable problems told apart.
- `extract`: an article page to an `Article` (trafilatura), and a `Document` from it.
- `items`: `WebItem`s (page or feed-summary text), and their ingest into the store.
- `dedupe`: canonical URLs, item keys, content keys and MinHash story clusters.
- `models`: sources and their items as stored; intervals (`15m`, `2h`) and the backoff.
- `store`: `SourceStore`, the sources and items tables on the Store's engine.
- `text`: the lines of `sources list`.
"""
