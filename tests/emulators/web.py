"""A fake web on loopback: feeds and article pages, good ones and every bad kind.

`FakeWeb` is an aiohttp server on 127.0.0.1 (an ephemeral port) for the live-source
tests and bench. It serves what a test puts at a path, changes it between polls
(`swap`, with ETag / Last-Modified and 304s for conditional requests), computes pages
under a prefix (`generate`), records every request with its headers, and has fixed
routes for every failure a real site shows: 404/410/429/500/503 (with Retry-After), a
slow answer, a dripping body, a redirect loop, an oversized body with and without
Content-Length, a gzip bomb, an unasked-for encoding, an image, a reset connection.
`install_bad_cases()` adds malformed and odd feeds and pages (BAD_CASES says which).

Sample content: `STORIES` are news articles written for these tests: two stories each
told by three outlets in their own words (the quotes are the same, as real rewrites keep
them), and four different stories on the same topic (troops for Ukraine, the same
actors). The near-duplicate threshold of `briefs.sources.dedupe` was chosen on them.
`article_page`, `rss_feed` and `atom_feed` build realistic markup around a text: site
navigation, a byline, a related-links sidebar, a newsletter box, a cookie banner and a
footer, so that extraction has furniture to throw away.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import email.utils
import gzip
import hashlib
import html
import time
import zlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from aiohttp import web
from multidict import MultiDict, MultiDictProxy, MultiMapping


@dataclass(frozen=True)
class Story:
    """One outlet's article: `story` names the underlying event (the expected cluster)."""

    slug: str
    story: str
    outlet: str
    host: str
    title: str
    published: dt.date
    paragraphs: tuple[str, ...]

    @property
    def text(self) -> str:
        return "\n".join(self.paragraphs)


STORIES: tuple[Story, ...] = (
    # --- story "poland-no-troops", three outlets -------------------------------------------
    Story(
        slug="poland-rules-out-troops",
        story="poland-no-troops",
        outlet="Kyiv Wire",
        host="kyivwire.example",
        title="Poland rules out sending troops to Ukraine after the war",
        published=dt.date(2026, 1, 6),
        paragraphs=(
            "Poland will not send its troops to Ukraine after the war as part of a "
            "peacekeeping mission, Polish Defence Minister Władysław Kosiniak-Kamysz said "
            "on Tuesday.",
            "The minister said the country's key tasks are protecting NATO's eastern flank "
            "and securing the Polish-Belarusian border, where about 5,000 soldiers are on "
            "duty, as well as providing infrastructure and logistics for a possible mission.",
            "“We will not send Polish soldiers to Ukraine. This is the government's position "
            "not for a week, but for many months,” he said.",
            "According to Kosiniak-Kamysz, the position is shared by the governing coalition "
            "and by the opposition.",
            "He stressed that Poland remains part of the Coalition of the Willing and would "
            "act as a logistics hub for allied forces stationed in Ukraine.",
            "By contrast, the United Kingdom and France have said they would deploy forces "
            "if a ceasefire is established.",
        ),
    ),
    Story(
        slug="warsaw-no-boots-on-ground",
        story="poland-no-troops",
        outlet="Northern Ledger",
        host="northernledger.example",
        title="Warsaw says no Polish boots on the ground in post-war Ukraine",
        published=dt.date(2026, 1, 6),
        paragraphs=(
            "Polish soldiers will not be deployed to Ukraine as peacekeepers once the war "
            "ends, Defence Minister Władysław Kosiniak-Kamysz announced on Tuesday.",
            "“We will not send Polish soldiers to Ukraine. This is the government's position "
            "not for a week, but for many months,” the minister told reporters in Warsaw.",
            "Kosiniak-Kamysz said Poland's main tasks are guarding NATO's eastern flank and "
            "the border with Belarus, where some 5,000 troops serve, and offering "
            "infrastructure and logistics to a possible peacekeeping mission.",
            "The position, he added, is shared not only by the ruling coalition but also by "
            "the opposition parties.",
            "Poland is still a member of the Coalition of the Willing and is ready to serve "
            "as a logistics hub for allied troops deployed in Ukraine, the minister said.",
            "Britain and France, in contrast, have said they would send forces if a ceasefire "
            "is agreed.",
        ),
    ),
    Story(
        slug="poland-logistics-not-troops",
        story="poland-no-troops",
        outlet="Continental Post",
        host="continentalpost.example",
        title="Poland to offer logistics, not troops, for Ukraine peace mission",
        published=dt.date(2026, 1, 7),
        paragraphs=(
            "Poland will provide logistics and infrastructure for a future peacekeeping "
            "mission in Ukraine but will not send its own troops there, Defence Minister "
            "Władysław Kosiniak-Kamysz said on Tuesday.",
            "“We will not send Polish soldiers to Ukraine. This is the government's position "
            "not for a week, but for many months,” Kosiniak-Kamysz said.",
            "The minister said Polish forces are needed to protect NATO's eastern flank and "
            "the Polish-Belarusian border, where about 5,000 soldiers are stationed.",
            "Warsaw will act as a logistics hub for allied forces in Ukraine and remains "
            "part of the Coalition of the Willing, he said, adding that the governing "
            "coalition and the opposition share the position.",
            "The United Kingdom and France have said they would deploy forces once a "
            "ceasefire is in place.",
        ),
    ),
    # --- story "uk-france-declaration", three outlets --------------------------------------
    Story(
        slug="uk-france-sign-declaration",
        story="uk-france-declaration",
        outlet="Kyiv Wire",
        host="kyivwire.example",
        title="UK and France sign declaration on deploying forces to Ukraine",
        published=dt.date(2026, 1, 6),
        paragraphs=(
            "The United Kingdom and France signed a declaration of intent in Paris on "
            "Tuesday to deploy forces to Ukraine after a ceasefire, the two governments said.",
            "British Prime Minister Keir Starmer said the two countries would set up "
            "military hubs across Ukraine and build protected facilities for weapons and "
            "equipment.",
            "“This is a vital part of our ironclad commitment to stand with Ukraine for the "
            "long term,” Starmer said after the meeting.",
            "French President Emmanuel Macron said thousands of troops could be deployed, "
            "but only once the fighting has stopped.",
            "The declaration was signed at a summit of the Coalition of the Willing, attended "
            "by European leaders, Canada and senior United States officials.",
        ),
    ),
    Story(
        slug="paris-declaration-troops",
        story="uk-france-declaration",
        outlet="Northern Ledger",
        host="northernledger.example",
        title="Britain and France pledge troops for Ukraine in Paris declaration",
        published=dt.date(2026, 1, 6),
        paragraphs=(
            "Britain and France on Tuesday signed a declaration of intent to send forces to "
            "Ukraine once a ceasefire is reached, at a summit in Paris.",
            "Prime Minister Keir Starmer said British and French troops would establish "
            "military hubs in Ukraine and protected facilities for weapons and military "
            "equipment.",
            "“This is a vital part of our ironclad commitment to stand with Ukraine for the "
            "long term,” Starmer told reporters.",
            "Emmanuel Macron, the French president, said thousands of soldiers could be "
            "deployed after the fighting stops.",
            "European leaders, Canada and senior officials from the United States attended "
            "the Coalition of the Willing summit where the declaration was signed.",
        ),
    ),
    Story(
        slug="starmer-macron-hubs",
        story="uk-france-declaration",
        outlet="Continental Post",
        host="continentalpost.example",
        title="Starmer and Macron agree military hubs in Ukraine after ceasefire",
        published=dt.date(2026, 1, 7),
        paragraphs=(
            "British and French forces would set up military hubs across Ukraine after a "
            "ceasefire under a declaration of intent signed in Paris on Tuesday.",
            "“This is a vital part of our ironclad commitment to stand with Ukraine for the "
            "long term,” British Prime Minister Keir Starmer said.",
            "The two countries would also build protected facilities for weapons and "
            "military equipment, Starmer said, while French President Emmanuel Macron said "
            "thousands of troops could be deployed once the fighting has ended.",
            "The declaration was signed at a meeting of the Coalition of the Willing with "
            "European leaders, Canada and senior United States officials.",
        ),
    ),
    # --- different stories on the same topic -----------------------------------------------
    Story(
        slug="germany-bundestag-vote",
        story="germany-bundestag-vote",
        outlet="Continental Post",
        host="continentalpost.example",
        title="Germany says any Ukraine deployment would need a Bundestag vote",
        published=dt.date(2026, 1, 8),
        paragraphs=(
            "Germany has not ruled out sending troops to Ukraine after a ceasefire, but any "
            "deployment would need the approval of the Bundestag, Chancellor Friedrich Merz "
            "said on Thursday.",
            "“We are not excluding anything, but it is too early to make any announcements,” "
            "Merz said in Berlin.",
            "German officials said Berlin could contribute air defence and training for "
            "Ukrainian forces in neighbouring countries.",
            "The chancellor said Germany would decide together with its European partners "
            "and the United States once the terms of a ceasefire are known.",
        ),
    ),
    Story(
        slug="italy-demining-offer",
        story="italy-demining-offer",
        outlet="Northern Ledger",
        host="northernledger.example",
        title="Italy will not send soldiers to Ukraine but offers demining help",
        published=dt.date(2026, 1, 9),
        paragraphs=(
            "Italy will not send soldiers to Ukraine, Prime Minister Giorgia Meloni said on "
            "Friday, but her government is ready to help with demining and training.",
            "“No Italian soldiers will be sent to Ukraine,” Meloni told a news conference in Rome.",
            "Italy could help monitor a ceasefire from outside the country and train "
            "Ukrainian engineers to clear mines, Italian officials said.",
            "Meloni said security guarantees for Ukraine should be modelled on NATO's "
            "collective defence clause.",
        ),
    ),
    Story(
        slug="poland-belarus-border",
        story="poland-belarus-border",
        outlet="Kyiv Wire",
        host="kyivwire.example",
        title="Poland sends more soldiers to the Belarusian border",
        published=dt.date(2026, 1, 12),
        paragraphs=(
            "Poland is sending another 2,000 soldiers to its border with Belarus after a rise "
            "in attempted crossings, Defence Minister Władysław Kosiniak-Kamysz said on Monday.",
            "“The security of the border is our priority, and we will not allow it to be "
            "tested,” the minister said during a visit to a unit in Podlasie.",
            "The reinforcements will join about 5,000 troops already stationed along the "
            "frontier, where a steel barrier has been built.",
            "Kosiniak-Kamysz said the army would also expand drone surveillance and build new "
            "barracks near the border this year.",
        ),
    ),
    Story(
        slug="canada-pledge-coalition",
        story="canada-pledge-coalition",
        outlet="Continental Post",
        host="continentalpost.example",
        title="Canada ready to contribute to Ukraine security guarantees, Carney says",
        published=dt.date(2026, 1, 6),
        paragraphs=(
            "Canada is ready to contribute to security guarantees for Ukraine, Prime Minister "
            "Mark Carney said at the Coalition of the Willing meeting in Paris on Tuesday.",
            "“Canada will be there for Ukraine, for as long as it takes,” Carney said.",
            "Canadian officials said the contribution could include air policing, naval "
            "patrols in the Black Sea and funding for Ukrainian arms production.",
            "Carney said Canada had not decided whether any of its troops would take part in "
            "a mission on the ground.",
        ),
    ),
)


# --- markup -------------------------------------------------------------------------------


def article_page(
    *,
    title: str,
    paragraphs: Sequence[str],
    site: str = "Kyiv Wire",
    published: dt.date | None = dt.date(2026, 1, 6),
    lang: str | None = "en",
    canonical: str | None = None,
    charset: str | None = "utf-8",
    author: str = "Staff reporter",
    related: Sequence[str] = ("Markets close higher", "Weather: snow expected in the north"),
) -> str:
    """A news article page with site furniture around the text."""
    esc = html.escape
    head = [f"<title>{esc(title)} | {esc(site)}</title>"]
    if charset:
        head.insert(0, f'<meta charset="{charset}">')
    head.append(f'<meta property="og:site_name" content="{esc(site)}">')
    head.append(f'<meta property="og:title" content="{esc(title)}">')
    if published is not None:
        stamp = f"{published.isoformat()}T09:30:00+00:00"
        head.append(f'<meta property="article:published_time" content="{stamp}">')
    if canonical:
        head.append(f'<link rel="canonical" href="{esc(canonical)}">')
    body = "\n".join(f"<p>{esc(p)}</p>" for p in paragraphs)
    related_items = "".join(
        f'<li><a href="/r/{i}">{esc(r)}</a></li>' for i, r in enumerate(related)
    )
    lang_attr = f' lang="{lang}"' if lang else ""
    dateline = published.strftime("%d %B %Y") if published else ""
    return f"""<!DOCTYPE html>
<html{lang_attr}>
<head>
{chr(10).join(head)}
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/static/site.css">
<script>window.dataLayer = window.dataLayer || [];
function gtag(){{dataLayer.push(arguments);}}</script>
</head>
<body>
<div class="cookie-banner">We use cookies to improve your experience.
<button>Accept all</button></div>
<header class="site-header">
  <a class="logo" href="/">{esc(site)}</a>
  <nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li>
  <li><a href="/politics">Politics</a></li><li><a href="/business">Business</a></li>
  <li><a href="/opinion">Opinion</a></li><li><a href="/subscribe">Subscribe</a></li></ul></nav>
</header>
<main>
<article>
  <h1>{esc(title)}</h1>
  <div class="byline">By {esc(author)} · {dateline}</div>
  <div class="share"><a href="#">Share on X</a> <a href="#">Share on Facebook</a></div>
  <div class="article-body">
{body}
  </div>
  <div class="tags"><a href="/tag/ukraine">Ukraine</a> <a href="/tag/defence">Defence</a></div>
</article>
<aside class="sidebar">
  <h3>Most read</h3>
  <ul>{related_items}</ul>
  <div class="newsletter"><h4>Our morning briefing</h4>
  <p>Sign up for our newsletter and get the day's top stories.</p>
  <form><input type="email" placeholder="Email"><button>Sign up</button></form></div>
</aside>
</main>
<footer>
  <p>© 2026 {esc(site)}. All rights reserved.</p>
  <ul><li><a href="/about">About us</a></li><li><a href="/privacy">Privacy</a></li>
  <li><a href="/contact">Contact</a></li></ul>
</footer>
</body>
</html>
"""


def no_article_page(site: str = "Kyiv Wire") -> str:
    """A section front or login page: navigation and forms, no article text."""
    esc = html.escape(site)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Sign in | {esc}</title></head>
<body>
<header><a href="/">{esc}</a><nav><ul><li><a href="/">Home</a></li>
<li><a href="/world">World</a></li><li><a href="/politics">Politics</a></li></ul></nav></header>
<main><h1>Sign in</h1>
<form action="/login" method="post"><label>Email <input name="email"></label>
<label>Password <input name="password" type="password"></label><button>Sign in</button></form>
<p><a href="/forgot">Forgot your password?</a></p></main>
<footer><p>© 2026 {esc}</p></footer>
</body></html>
"""


POLISH_PARAGRAPHS = (
    "Polska nie wyśle swoich żołnierzy na Ukrainę po zakończeniu wojny w ramach misji "
    "pokojowej, powiedział we wtorek minister obrony narodowej Władysław Kosiniak-Kamysz.",
    "Według ministra najważniejszymi zadaniami kraju są ochrona wschodniej flanki NATO oraz "
    "zabezpieczenie granicy polsko-białoruskiej, gdzie służbę pełni około pięciu tysięcy "
    "żołnierzy.",
    "„Nie wyślemy polskich żołnierzy na Ukrainę. To jest stanowisko rządu nie na tydzień, ale "
    "na wiele miesięcy” – powiedział minister.",
    "Zdaniem Kosiniaka-Kamysza to stanowisko podziela nie tylko koalicja rządząca, ale także "
    "opozycja. Polska pozostaje członkiem Koalicji Chętnych i będzie centrum logistycznym.",
)


@dataclass(frozen=True)
class FeedItem:
    """One item of a generated feed."""

    title: str
    link: str
    guid: str | None = None
    summary: str | None = None
    published: dt.datetime | None = None


def rss_feed(
    items: Sequence[FeedItem],
    *,
    title: str = "Kyiv Wire: World",
    link: str = "https://kyivwire.example/world",
    language: str = "en",
    encoding: str = "utf-8",
) -> str:
    """An RSS 2.0 document (dates in RFC 822, as RSS has them)."""
    esc = html.escape
    parts = [
        f'<?xml version="1.0" encoding="{encoding}"?>',
        '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">',
        "<channel>",
        f"<title>{esc(title)}</title><link>{esc(link)}</link>",
        f"<description>News from {esc(title)}</description><language>{language}</language>",
    ]
    for item in items:
        parts.append("<item>")
        parts.append(f"<title>{esc(item.title)}</title><link>{esc(item.link)}</link>")
        if item.guid is not None:
            parts.append(f'<guid isPermaLink="false">{esc(item.guid)}</guid>')
        if item.summary is not None:
            parts.append(f"<description>{esc(item.summary)}</description>")
        if item.published is not None:
            parts.append(
                f"<pubDate>{item.published.strftime('%a, %d %b %Y %H:%M:%S %z')}</pubDate>"
            )
        parts.append("</item>")
    parts.append("</channel></rss>")
    return "\n".join(parts)


def atom_feed(
    items: Sequence[FeedItem],
    *,
    title: str = "Northern Ledger",
    link: str = "https://northernledger.example/",
) -> str:
    """An Atom 1.0 document (dates in RFC 3339)."""
    esc = html.escape
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom">',
        f'<title>{esc(title)}</title><link href="{esc(link)}"/><id>{esc(link)}</id>',
        "<updated>2026-01-06T12:00:00Z</updated>",
    ]
    for item in items:
        parts.append("<entry>")
        parts.append(f'<title>{esc(item.title)}</title><link href="{esc(item.link)}"/>')
        parts.append(f"<id>{esc(item.guid or item.link)}</id>")
        if item.published is not None:
            parts.append(f"<published>{item.published.isoformat()}</published>")
            parts.append(f"<updated>{item.published.isoformat()}</updated>")
        if item.summary is not None:
            parts.append(f'<summary type="html">{esc(item.summary)}</summary>')
        parts.append("</entry>")
    parts.append("</feed>")
    return "\n".join(parts)


# --- the server ---------------------------------------------------------------------------

BASE_LAST_MODIFIED = dt.datetime(2026, 1, 6, 12, 0, tzinfo=dt.UTC)
RETRY_AFTER_S = 120
BOMB_BYTES = 64 * 1024 * 1024  # what the gzip bomb inflates to
HUGE_BYTES = 64 * 1024 * 1024  # what /huge would stream if nobody stopped reading
_STREAM_CHUNK = 65_536

Generator = Callable[[str], "Resource | None"]


@dataclass
class Resource:
    """What the fake serves at one path; `swap` on the server changes it between polls."""

    body: bytes
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    conditional: bool = True  # answer If-None-Match / If-Modified-Since with 304
    gzip: bool = False  # compress when the client accepts gzip
    delay_s: float = 0.0  # wait before answering (a slow site)
    version: int = 0

    @property
    def etag(self) -> str:
        return '"' + hashlib.sha256(self.body).hexdigest()[:16] + '"'

    @property
    def last_modified(self) -> str:
        moment = BASE_LAST_MODIFIED + dt.timedelta(minutes=self.version)
        return email.utils.format_datetime(moment, usegmt=True)


@dataclass(frozen=True)
class Recorded:
    """One request the fake received, and the status it answered."""

    method: str
    path: str
    query: str
    headers: Mapping[str, str]
    status: int
    at: float  # time.perf_counter() when it arrived

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers.items() if k.lower() == name.lower()), None)


def _as_bytes(body: bytes | str, encoding: str = "utf-8") -> bytes:
    return body.encode(encoding) if isinstance(body, str) else body


@dataclass
class FakeWeb:
    """Feeds and pages on 127.0.0.1 (an ephemeral port), good ones and every bad kind.

    `put(path, body, ...)` serves a resource, `swap(path, body)` changes it (new ETag and
    Last-Modified, so a conditional re-poll sees the change), `generate(prefix, fn)` serves
    computed pages under a prefix, `alias(path, target)` answers a path as another would
    (a fault route or a bad case) until `alias(path, None)`. `install_bad_cases()` adds
    the catalogue in BAD_CASES.
    Fixed fault routes, whatever is installed:

        /status/<code>     that status; 429 and 503 carry Retry-After (?retry_after=N,
                           or ?retry_date=N for an HTTP date N seconds after `now`)
        /slow?s=N          headers after N seconds (default 30)
        /drip?s=N          headers at once, then one byte every N seconds (default 0.5)
        /loop/a, /loop/b   redirect to each other
        /redirect/<n>?to=P n redirects, then P
        /huge              text streamed without Content-Length, up to HUGE_BYTES
        /huge-declared     Content-Length of HUGE_BYTES, then streamed
        /bomb              ~65 KB of gzip that inflates to BOMB_BYTES
        /brotli            Content-Encoding: br, which nobody asked for
        /image             a PNG
        /reset             the connection is closed without an answer

    Every request is recorded with its headers (If-None-Match, If-Modified-Since,
    User-Agent...). `max_in_flight` is the most requests handled at once.
    """

    host: str = "127.0.0.1"
    now: dt.datetime = BASE_LAST_MODIFIED
    requests: list[Recorded] = field(default_factory=list)
    resources: dict[str, Resource] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)  # path -> what it answers as
    streamed: dict[str, int] = field(default_factory=dict)  # bytes written per stream route
    in_flight: int = 0
    max_in_flight: int = 0
    _generators: list[tuple[str, Generator]] = field(default_factory=list)
    _runner: web.AppRunner | None = None
    _port: int = 0

    # --- lifecycle ------------------------------------------------------------------------

    async def start(self) -> FakeWeb:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        # handler_cancellation: a client that gives up (a timeout test) ends the handler,
        # so stopping the server never waits for a sleeping /slow.
        self._runner = web.AppRunner(
            app,
            handle_signals=False,
            access_log=None,
            handler_cancellation=True,
            shutdown_timeout=1.0,
        )
        await self._runner.setup()
        await web.TCPSite(self._runner, self.host, 0).start()
        self._port = self._runner.addresses[0][1]
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def __aenter__(self) -> FakeWeb:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self._port}"

    def url(self, path: str) -> str:
        return self.base_url + (path if path.startswith("/") else "/" + path)

    # --- content --------------------------------------------------------------------------

    def put(
        self,
        path: str,
        body: bytes | str,
        *,
        content_type: str = "text/html; charset=utf-8",
        **options: Any,
    ) -> str:
        """Serve `body` at `path` (options: Resource fields); returns the full URL."""
        self.resources[path] = Resource(body=_as_bytes(body), content_type=content_type, **options)
        return self.url(path)

    def swap(self, path: str, body: bytes | str) -> None:
        """Change what `path` serves: a new version with a new ETag and Last-Modified."""
        old = self.resources[path]
        self.resources[path] = replace(old, body=_as_bytes(body), version=old.version + 1)

    def generate(self, prefix: str, make: Generator) -> None:
        """Serve `make(rest_of_path)` for every path under `prefix` (None: a 404)."""
        self._generators.append((prefix, make))

    def alias(self, path: str, target: str | None) -> None:
        """Answer `path` as `target` ("/status/500", "/slow?s=5", "/feeds/broken.xml") would
        be answered, until `alias(path, None)`: a working source breaks, then is fixed."""
        if target is None:
            self.aliases.pop(path, None)
        else:
            self.aliases[path] = target

    def calls(self, path: str) -> list[Recorded]:
        return [r for r in self.requests if r.path == path]

    def install_bad_cases(self) -> None:
        """Serve every feed and page of BAD_CASES at its path, and /gen/ item pages."""
        options: dict[str, dict[str, Any]] = {
            "/pages/gzip.html": {"gzip": True},
            "/feeds/big-unconditional.xml": {"conditional": False},
        }
        for path, (body, content_type) in bad_case_bodies().items():
            self.put(path, body, content_type=content_type, **options.get(path, {}))
        self.generate("/gen/", generated_article)

    # --- serving --------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        status = 0
        try:
            response = await self._answer(request)
            status = response.status
            return response
        finally:
            self.in_flight -= 1
            self.requests.append(
                Recorded(
                    method=request.method,
                    path=request.path,
                    query=request.query_string,
                    headers=dict(request.headers),
                    status=status,
                    at=time.perf_counter(),
                )
            )

    async def _answer(self, request: web.Request) -> web.StreamResponse:
        path, query = self._route(request)
        fault = await self._fault(request, path, query)
        if fault is not None:
            return fault
        resource = self.resources.get(path)
        if resource is None:
            for prefix, make in self._generators:
                if path.startswith(prefix):
                    resource = make(path[len(prefix) :])
                    break
        if resource is None:
            return web.Response(status=404, text="not found")
        if resource.delay_s:
            await asyncio.sleep(resource.delay_s)
        headers = dict(resource.headers)
        if resource.conditional:
            headers["ETag"] = resource.etag
            headers["Last-Modified"] = resource.last_modified
            if _not_modified(request, resource):
                return web.Response(status=304, headers=headers)
        body = resource.body
        if resource.gzip and "gzip" in request.headers.get("Accept-Encoding", ""):
            body = gzip.compress(body)
            headers["Content-Encoding"] = "gzip"
        headers["Content-Type"] = resource.content_type
        return web.Response(status=resource.status, body=body, headers=headers)

    def _route(self, request: web.Request) -> tuple[str, MultiMapping[str]]:
        """The path and query to answer: an alias's target, else the request's own."""
        target = self.aliases.get(request.path)
        if target is None:
            return request.path, request.query
        parts = urlsplit(target)
        return parts.path, MultiDictProxy(MultiDict(parse_qsl(parts.query)))

    async def _fault(
        self, request: web.Request, path: str, query: MultiMapping[str]
    ) -> web.StreamResponse | None:
        if path.startswith("/status/"):
            code = int(path.rsplit("/", 1)[-1])
            headers: dict[str, str] = {}
            if code in (429, 503):
                if "retry_date" in query:
                    later = self.now + dt.timedelta(seconds=int(query["retry_date"]))
                    headers["Retry-After"] = email.utils.format_datetime(later, usegmt=True)
                else:
                    headers["Retry-After"] = query.get("retry_after", str(RETRY_AFTER_S))
            if code in (301, 302, 303, 307, 308):  # a redirect without Location
                return web.Response(status=code, headers=headers)
            return web.Response(status=code, text=f"status {code}", headers=headers)
        if path == "/slow":
            await asyncio.sleep(float(query.get("s", "30")))
            return web.Response(text=article_page(title="Late", paragraphs=["Too late."]))
        if path == "/drip":
            return await self._drip(request, float(query.get("s", "0.5")))
        if path in ("/loop/a", "/loop/b"):
            other = "/loop/b" if path == "/loop/a" else "/loop/a"
            raise web.HTTPFound(other)
        if path.startswith("/redirect/"):
            left = int(path.rsplit("/", 1)[-1])
            target = query.get("to", "/pages/article.html")
            if left <= 0:
                raise web.HTTPFound(target)
            raise web.HTTPMovedPermanently(f"/redirect/{left - 1}?to={target}")
        if path in ("/huge", "/huge-declared"):
            return await self._huge(request, declared=path == "/huge-declared")
        if path == "/bomb":
            headers = {"Content-Encoding": "gzip", "Content-Type": "text/html; charset=utf-8"}
            return web.Response(body=gzip_bomb(), headers=headers)
        if path == "/brotli":
            headers = {"Content-Encoding": "br", "Content-Type": "text/html; charset=utf-8"}
            return web.Response(body=b"\x1b\x03\x00\xf8\xa5\x02\xc2\x02", headers=headers)
        if path == "/image":
            return web.Response(body=b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, content_type="image/png")
        if path == "/reset":
            assert request.transport is not None
            request.transport.close()
            return web.Response(status=499)  # never reaches the client
        return None

    async def _drip(self, request: web.Request, every_s: float) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/html; charset=utf-8"})
        await response.prepare(request)
        for _ in range(10_000):
            await response.write(b".")
            await asyncio.sleep(every_s)
        return response

    async def _huge(self, request: web.Request, *, declared: bool) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/html; charset=utf-8"})
        if declared:
            response.content_length = HUGE_BYTES
        await response.prepare(request)
        chunk = b"<p>" + b"x" * (_STREAM_CHUNK - 8) + b"</p>\n\n"
        sent = 0
        try:
            while sent < HUGE_BYTES:
                await response.write(chunk)
                sent += len(chunk)
                self.streamed[request.path] = sent
        except (ConnectionResetError, ConnectionError, asyncio.CancelledError):
            pass  # the client stopped reading: exactly what the cap should do
        return response


def _not_modified(request: web.Request, resource: Resource) -> bool:
    sent_etag = request.headers.get("If-None-Match")
    if sent_etag is not None:  # RFC 9110: If-None-Match wins over If-Modified-Since
        tags = {t.strip().removeprefix("W/") for t in sent_etag.split(",")}
        return resource.etag in tags or "*" in tags
    since = request.headers.get("If-Modified-Since")
    if since:
        try:
            return email.utils.parsedate_to_datetime(since) >= email.utils.parsedate_to_datetime(
                resource.last_modified
            )
        except (TypeError, ValueError):
            return False
    return False


_BOMB: bytes | None = None


def gzip_bomb() -> bytes:
    """gzip data of BOMB_BYTES spaces inside an HTML shell (about 65 KB), built once."""
    global _BOMB
    if _BOMB is None:
        packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
        parts = [packer.compress(b"<html><body><p>")]
        block = b" " * (1024 * 1024)
        for _ in range(BOMB_BYTES // len(block)):
            parts.append(packer.compress(block))
        parts.append(packer.compress(b"</p></body></html>"))
        parts.append(packer.flush())
        _BOMB = b"".join(parts)
    return _BOMB


# --- the catalogue of bad feeds and pages -------------------------------------------------

ENGLISH_STORY = STORIES[0]
CP1252_PARAGRAPHS = (
    "The minister’s statement came after talks in Paris — the “Coalition of the Willing” "
    "met at the Élysée Palace, where leaders discussed security guarantees for Ukraine.",
    "“We will not send Polish soldiers to Ukraine,” the minister said, adding that the "
    "country would act as a logistics hub for allied forces stationed there.",
    "Officials in Kraków and Zürich welcomed the decision, and a café owner in Warsaw said "
    "the naïve hopes of a quick peace had faded after three years of war.",
)
BAD_CASES: dict[str, str] = {
    "/feeds/broken.xml": "malformed XML with no recoverable entry",
    "/feeds/sloppy.xml": "an unescaped & in a title: not well-formed, entries recoverable",
    "/feeds/truncated.xml": "cut off in the middle of its second item",
    "/feeds/html-instead.xml": "an HTML page where a feed was expected",
    "/feeds/big.xml": "500 items, the same every time",
    "/feeds/big-unconditional.xml": "500 items, the same every time, without ETag/Last-Modified",
    "/pages/article.html": "a good English article page",
    "/pages/no-article.html": "HTML with no article: a sign-in page",
    "/pages/polish.html": "a Polish article, declared lang=pl",
    "/pages/polish-says-en.html": "a Polish article, declared lang=en",
    "/pages/wrong-charset.html": "declared UTF-8 (HTTP and meta), actually Windows-1252",
    "/pages/no-charset.html": "no charset anywhere, Windows-1252 bytes",
    "/pages/meta-charset.html": "no HTTP charset; <meta charset=windows-1252>",
    "/pages/gzip.html": "a good article served gzip-compressed",
}


def big_feed_items(count: int = 500) -> list[FeedItem]:
    """The same `count` items every time (links to /gen/item-N.html)."""
    start = dt.datetime(2026, 1, 1, 8, 0, tzinfo=dt.UTC)
    return [
        FeedItem(
            title=f"Item {n}: briefing on the coalition talks",
            link=f"/gen/item-{n}.html",
            guid=f"item-{n}",
            summary=f"Item {n} summary: leaders discussed security guarantees for Ukraine.",
            published=start + dt.timedelta(minutes=n),
        )
        for n in range(count)
    ]


def generated_article(name: str) -> Resource | None:
    """The page of a generated item ("item-17.html"): two stories' paragraphs and a line of
    its own, so every item's text is different. None (a 404) for other names."""
    stem = name.removesuffix(".html")
    if not stem.startswith("item-") or not stem[5:].isdigit():
        return None
    number = int(stem[5:])
    first, second = STORIES[number % len(STORIES)], STORIES[(number + 3) % len(STORIES)]
    paragraphs = (
        *first.paragraphs,
        f"This is update number {number} of the live coverage, published by {first.outlet}.",
        *second.paragraphs,
    )
    page = article_page(
        title=f"{first.title} (update {number})",
        paragraphs=paragraphs,
        site=first.outlet,
        published=first.published,
    )
    return Resource(body=page.encode("utf-8"))


def bad_case_bodies() -> dict[str, tuple[bytes, str]]:
    """The body and Content-Type of every path in BAD_CASES."""
    story = ENGLISH_STORY
    good = article_page(title=story.title, paragraphs=story.paragraphs, site=story.outlet)
    xml = "application/rss+xml; charset=utf-8"
    html_type = "text/html; charset=utf-8"
    cp1252_page = article_page(title="Leaders meet in Paris", paragraphs=CP1252_PARAGRAPHS * 2)
    no_charset = article_page(
        title="Leaders meet in Paris", paragraphs=CP1252_PARAGRAPHS * 2, charset=None
    )
    meta_1252 = article_page(
        title="Leaders meet in Paris", paragraphs=CP1252_PARAGRAPHS * 2, charset="windows-1252"
    )
    one = FeedItem(title="Poland rules out troops", link="/pages/article.html", guid="a1")
    big = rss_feed(big_feed_items())
    return {
        "/feeds/broken.xml": (
            b'<?xml version="1.0"?>\n<rss version="2.0"><channel><title>Broken</title>\n'
            b"<item><title>Half an item</titl\n<<<>>> not xml at all",
            xml,
        ),
        "/feeds/sloppy.xml": (
            b'<?xml version="1.0"?>\n<rss version="2.0"><channel><title>Sloppy & Sons</title>\n'
            b"<item><title>Guns & butter</title><link>/pages/article.html</link></item>\n"
            b"</channel></rss>",
            xml,
        ),
        "/feeds/truncated.xml": (
            rss_feed([one, FeedItem(title="Second", link="/pages/second.html")])
            .encode()
            .split(b"<link>/pages/second")[0],
            xml,
        ),
        "/feeds/html-instead.xml": (good.encode(), html_type),
        "/feeds/big.xml": (big.encode(), xml),
        "/feeds/big-unconditional.xml": (big.encode(), xml),
        "/pages/article.html": (good.encode(), html_type),
        "/pages/no-article.html": (no_article_page().encode(), html_type),
        "/pages/polish.html": (
            article_page(
                title="Polska nie wyśle wojsk", paragraphs=POLISH_PARAGRAPHS, lang="pl"
            ).encode(),
            html_type,
        ),
        "/pages/polish-says-en.html": (
            article_page(
                title="Polska nie wyśle wojsk", paragraphs=POLISH_PARAGRAPHS, lang="en"
            ).encode(),
            html_type,
        ),
        "/pages/wrong-charset.html": (cp1252_page.encode("cp1252"), html_type),
        "/pages/no-charset.html": (no_charset.encode("cp1252"), "text/html"),
        "/pages/meta-charset.html": (meta_1252.encode("cp1252"), "text/html"),
        "/pages/gzip.html": (good.encode(), html_type),
    }
