"""Item identity and near-duplicate story clusters.

Identity. Feeds change an item's guid, date or title between polls (a CMS migration,
an updated headline, a re-published story), so none of those identify it. An item is
known by two keys, either of which matching means "the same item":

- `url_key`: a hash of the canonical URL, normalised so that the same page under
  another spelling (scheme, host case, `www.`, trailing slash, tracking parameters,
  fragment, query order) has the same key. It is known before the page is fetched.
- `content_key`: a hash of the extracted text with case, whitespace and punctuation
  folded away. It catches the same article under a new URL (a changed slug).

Clusters. Outlets rewrite one story in their own words, so exact hashes cannot group
them. `StoryClusterer` compares MinHash signatures of word 4-shingles: the signature
estimates the Jaccard similarity of two texts' shingle sets. Why in-house and not
`datasketch`: datasketch needs scipy (144 MB installed with it, for features we do not
use), while the part we need is 30 lines over numpy (already installed with spaCy) and
hashlib. Its estimates match datasketch's scheme (universal hashing mod 2^61-1 over
32-bit shingle hashes), and its parameters are derived from fixed seeds, so a signature
stored today compares with one computed after a restart or an upgrade.

Why no LSH index: the threshold that separates rewritten copies from different
stories on the same topic is low (Jaccard about 0.06 on 4-shingles, chosen on the
tests' stories), where banded LSH can no longer prune candidates without losing real
matches. A vectorised comparison against every stored signature costs about 3 ms per
10,000 documents (1 KB each in memory), so the clusterer compares them all.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from urllib.parse import (
    SplitResult,
    parse_qsl,
    quote,
    unquote,
    urlencode,
    urlsplit,
    urlunsplit,
)

import numpy as np
import numpy.typing as npt

from briefs.models import Frozen

# --- canonical URLs -----------------------------------------------------------------------

# Query parameters that only say how a reader arrived; they never select content.
_TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hsa_", "_hs")
_TRACKING_PARAMS = frozenset(
    {
        "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid",
        "igshid", "mc_cid", "mc_eid", "_ga", "_gl", "ocid", "cmpid", "ito",
        "at_medium", "at_campaign", "rss", "ref_src", "spm",
    }
)  # fmt: skip
_DEFAULT_PORTS = {"http": 80, "https": 443}
_SAFE_PATH = "/:@!$&'()*+,;=-._~%"
_SAFE_QUERY = "/:@!$'()*+,;-._~%?"


def canonical_url(url: str) -> str:
    """The URL with its noise removed; the same page spelt differently gives the same string.

    Lowercases scheme and host (IDNA-encoded), drops default ports, the fragment, a
    trailing slash, and tracking parameters (utm_*, fbclid, gclid, ...); sorts the
    remaining query parameters and normalises percent-escapes. The scheme is kept (https
    stays https): this is the URL a brief shows.
    """
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = _host(parts.hostname or "")
    port = _port(parts)
    netloc = host if port is None or port == _DEFAULT_PORTS.get(scheme) else f"{host}:{port}"
    path = quote(unquote(parts.path), safe=_SAFE_PATH) or "/"
    if len(path) > 1:
        path = path.rstrip("/") or "/"
    query = [
        (key, value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if not _is_tracking(key)
    ]
    query_text = urlencode(sorted(query), safe=_SAFE_QUERY, quote_via=quote)
    return urlunsplit((scheme, netloc, path, query_text, ""))


def url_key(url: str) -> str:
    """A key for "the same page": the canonical URL without scheme and leading `www.`.

    http/https and www/no-www are folded because sites move between them and their feeds
    follow, while the page stays the same.
    """
    canonical = urlsplit(canonical_url(url))
    host = canonical.netloc.removeprefix("www.")
    rest = canonical.path + (f"?{canonical.query}" if canonical.query else "")
    return _digest(f"{host}{rest}")


def site_of(url: str) -> str:
    """The URL's host, IDNA-encoded and lowercased, without `www.` ("" when there is none)."""
    return _site(url)


def same_site(first: str, second: str) -> bool:
    """Whether two URLs are on the same host (ignoring `www.`)."""
    return _site(first) == _site(second) and _site(first) != ""


def _site(url: str) -> str:
    return _host(urlsplit(url).hostname or "").removeprefix("www.")


def _host(host: str) -> str:
    host = host.strip().rstrip(".").lower()
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:  # not a valid IDNA label: keep it as written (lowercased)
        return host


def _port(parts: SplitResult) -> int | None:
    try:
        return parts.port
    except ValueError:  # a port that is not a number
        return None


def _is_tracking(key: str) -> bool:
    lowered = key.lower()
    return lowered in _TRACKING_PARAMS or lowered.startswith(_TRACKING_PREFIXES)


# --- content fingerprints -----------------------------------------------------------------

_WORD = re.compile(r"\w+")


def words_of(text: str) -> list[str]:
    """The text's words, NFKC-normalised and casefolded; punctuation and spacing dropped."""
    return _WORD.findall(unicodedata.normalize("NFKC", text).casefold())


def content_key(text: str) -> str:
    """A hash of the text's words: equal for copies that differ only in case, spacing,
    punctuation or quote style."""
    return _digest(" ".join(words_of(text)))


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()[:32]


class ItemIdentity(Frozen):
    """What makes two feed items the same article: either key matching."""

    url_key: str
    content_key: str | None = None  # known once the text has been read

    def same_item(self, other: ItemIdentity) -> bool:
        if self.url_key == other.url_key:
            return True
        return self.content_key is not None and self.content_key == other.content_key


def item_identity(url: str, text: str | None = None) -> ItemIdentity:
    """The identity of the article at `url`, with its text when it has been extracted."""
    return ItemIdentity(url_key=url_key(url), content_key=content_key(text) if text else None)


# --- MinHash signatures -------------------------------------------------------------------

SHINGLE_WORDS = 4
# 256 rather than 128 values: at the low similarities that separate rewritten copies
# from other stories the estimate's error matters (its standard deviation at J=0.13 is
# 0.021 with 256 values, 0.030 with 128); a stored signature costs 1 KB.
PERMUTATIONS = 256
# Estimated Jaccard similarity of 4-shingle sets at or above which two texts are one story.
# On the tests' stories, rewritten copies of one story scored 0.13-0.29 (exact Jaccard;
# estimates 0.12-0.31) and different stories on the same topic at most 0.024 (estimate
# 0.023); 0.06 is more than three standard deviations of the estimate from both.
CLUSTER_THRESHOLD = 0.06

_MERSENNE = np.uint64((1 << 61) - 1)
_MAX_HASH = np.uint64((1 << 32) - 1)
_SIGNATURE_DTYPE = np.dtype("<u4")  # little-endian uint32 on disk, whatever the machine


def _permutations(count: int) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.uint64]]:
    """Fixed (a, b) pairs for h(x) = (a*x + b) mod (2^61-1): derived from hashes, never random,
    so signatures are comparable across processes, machines and library versions."""
    seeds = [hashlib.blake2b(f"briefbot-minhash-{i}".encode(), digest_size=8) for i in range(count)]
    values = [int.from_bytes(seed.digest(), "little") for seed in seeds]
    # a and b below 2^32 keep a*x + b under 2^64 for 32-bit x: no silent overflow.
    a = np.array([(v & 0xFFFFFFFF) | 1 for v in values], dtype=np.uint64)
    b = np.array([v >> 32 for v in values], dtype=np.uint64)
    return a, b


_A, _B = _permutations(PERMUTATIONS)


class StoryFingerprint(Frozen):
    """A MinHash signature of a text's word shingles; store it with `to_bytes()`."""

    values: tuple[int, ...]

    def to_bytes(self) -> bytes:
        return np.asarray(self.values, dtype=_SIGNATURE_DTYPE).tobytes()

    @classmethod
    def from_bytes(cls, data: bytes) -> StoryFingerprint:
        if len(data) % _SIGNATURE_DTYPE.itemsize:
            raise ValueError(f"a fingerprint is whole 4-byte values; got {len(data)} bytes")
        return cls(values=tuple(int(v) for v in np.frombuffer(data, dtype=_SIGNATURE_DTYPE)))

    def similarity(self, other: StoryFingerprint) -> float:
        """The estimated Jaccard similarity of the two texts' shingle sets (0 to 1)."""
        if len(self.values) != len(other.values):
            raise ValueError("fingerprints of different lengths cannot be compared")
        same = sum(1 for x, y in zip(self.values, other.values, strict=True) if x == y)
        return same / len(self.values)


def shingles(text: str, size: int = SHINGLE_WORDS) -> set[str]:
    """The text's runs of `size` consecutive words (the whole text if it is shorter)."""
    words = words_of(text)
    if len(words) <= size:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i : i + size]) for i in range(len(words) - size + 1)}


def story_fingerprint(text: str, *, shingle_words: int = SHINGLE_WORDS) -> StoryFingerprint:
    """The MinHash signature of `text` (an empty text gets the all-max signature)."""
    found = shingles(text, shingle_words)
    if not found:
        return StoryFingerprint(values=(int(_MAX_HASH),) * PERMUTATIONS)
    hashed = np.array(
        [
            int.from_bytes(hashlib.blake2b(s.encode("utf-8"), digest_size=4).digest(), "little")
            for s in found
        ],
        dtype=np.uint64,
    )
    # (permutations x shingles) hashed values, then the minimum of each row.
    table = (np.outer(_A, hashed) + _B[:, None]) % _MERSENNE & _MAX_HASH
    return StoryFingerprint(values=tuple(int(v) for v in table.min(axis=1)))


# --- clusters -----------------------------------------------------------------------------


class StoryClusterer:
    """Groups documents that tell the same story, across outlets.

    `add(doc_id, text)` returns the id of the document's cluster: the cluster of the most
    similar document already added, if that one is at least `threshold` similar, else a
    new cluster named after `doc_id`. Cluster ids never change once given, so they can
    be stored. To persist across restarts store each document's `fingerprint_of(doc_id)
    .to_bytes()` and cluster id, and rebuild with `StoryClusterer.restore(rows)`.
    """

    def __init__(self, *, threshold: float = CLUSTER_THRESHOLD) -> None:
        if not 0 < threshold <= 1:
            raise ValueError("the threshold is a similarity between 0 (excluded) and 1")
        self.threshold = threshold
        self._ids: list[str] = []
        self._clusters: list[str] = []
        self._index: dict[str, int] = {}
        self._matrix = np.empty((0, PERMUTATIONS), dtype=np.uint32)
        self._size = 0

    @classmethod
    def restore(
        cls,
        rows: Iterable[tuple[str, bytes, str]],
        *,
        threshold: float = CLUSTER_THRESHOLD,
    ) -> StoryClusterer:
        """A clusterer holding stored (doc_id, fingerprint bytes, cluster_id) rows."""
        clusterer = cls(threshold=threshold)
        clusterer.load(rows)
        return clusterer

    def load(self, rows: Iterable[tuple[str, bytes, str]]) -> None:
        """Take in stored (doc_id, fingerprint bytes, cluster_id) rows as they are: no
        re-clustering, so the ids given once never change. A known doc_id is replaced."""
        for doc_id, data, cluster_id in rows:
            self._insert(doc_id, StoryFingerprint.from_bytes(data), cluster_id)

    def __len__(self) -> int:
        return self._size

    def add(self, doc_id: str, text: str) -> str:
        """Cluster `text` (stored as `doc_id`); returns its cluster id."""
        return self.add_fingerprint(doc_id, story_fingerprint(text))

    def add_fingerprint(self, doc_id: str, fingerprint: StoryFingerprint) -> str:
        """Cluster an already computed fingerprint. Re-adding a doc_id re-clusters it."""
        if doc_id in self._index:
            self._remove(doc_id)
        match = self.nearest(fingerprint)
        cluster = match[1] if match is not None and match[2] >= self.threshold else doc_id
        self._insert(doc_id, fingerprint, cluster)
        return cluster

    def nearest(self, fingerprint: StoryFingerprint) -> tuple[str, str, float] | None:
        """The most similar stored document: (doc_id, cluster_id, similarity); None if empty."""
        if self._size == 0:
            return None
        row = np.asarray(fingerprint.values, dtype=np.uint32)
        scores = (self._matrix[: self._size] == row).mean(axis=1)
        best = int(scores.argmax())
        return self._ids[best], self._clusters[best], float(scores[best])

    def cluster_of(self, doc_id: str) -> str | None:
        index = self._index.get(doc_id)
        return None if index is None else self._clusters[index]

    def members(self, cluster_id: str) -> tuple[str, ...]:
        return tuple(d for d, c in zip(self._ids, self._clusters, strict=True) if c == cluster_id)

    def fingerprint_of(self, doc_id: str) -> StoryFingerprint:
        """The stored fingerprint (KeyError for an unknown doc_id)."""
        row = self._matrix[self._index[doc_id]]
        return StoryFingerprint(values=tuple(int(v) for v in row))

    def _insert(self, doc_id: str, fingerprint: StoryFingerprint, cluster: str) -> None:
        if len(fingerprint.values) != PERMUTATIONS:
            raise ValueError(f"expected {PERMUTATIONS} values, got {len(fingerprint.values)}")
        if doc_id in self._index:
            self._remove(doc_id)
        if self._size == len(self._matrix):  # grow by doubling: amortised O(1) inserts
            grown = np.empty((max(16, 2 * self._size), PERMUTATIONS), dtype=np.uint32)
            grown[: self._size] = self._matrix[: self._size]
            self._matrix = grown
        self._matrix[self._size] = np.asarray(fingerprint.values, dtype=np.uint32)
        self._index[doc_id] = self._size
        self._ids.append(doc_id)
        self._clusters.append(cluster)
        self._size += 1

    def _remove(self, doc_id: str) -> None:
        index = self._index.pop(doc_id)
        last = self._size - 1
        if index != last:  # move the last row into the hole
            self._matrix[index] = self._matrix[last]
            self._ids[index], self._clusters[index] = self._ids[last], self._clusters[last]
            self._index[self._ids[index]] = index
        self._ids.pop()
        self._clusters.pop()
        self._size -= 1


def similarities(texts: Sequence[str]) -> list[tuple[int, int, float]]:
    """Every pair's estimated similarity (i, j, score): for choosing a threshold on data."""
    prints = [story_fingerprint(t) for t in texts]
    return [
        (i, j, prints[i].similarity(prints[j]))
        for i in range(len(prints))
        for j in range(i + 1, len(prints))
    ]
