"""Continuous mode: poll RSS/Atom feeds, fetch new articles, ingest them, update the corpus.

    from storyline.watch import FeedWatcher, read_feed_list
    with open_store(settings.store.db) as store, FeedWatcher(read_feed_list("feeds.txt"), store, settings) as w:
        w.run(once=True)          # or w.run() until Ctrl-C

Each round polls every feed in turn:

* conditional GET (the feed's ETag / Last-Modified are kept in the store's ``state`` table under
  ``watch.feed:<url>``); a 304, or a body identical to last time, costs nothing more;
* items with embedded content are ingested as they are (content already stored is skipped by
  hash, so a second poll adds nothing); link-only items are fetched once per URL (remembered
  under ``watch.page:<url>``), politely (robots.txt, per-host delay) and through the SSRF guard;
* everything new is ingested, then corpus stages are updated for the new article ids.

A feed or page that fails is recorded with ``store.put_failure`` and reported, and the round goes
on.  A transient page failure (timeout, 5xx after retries) is retried next round; a permanent
one (4xx, robots.txt, refused address, unreadable page) is not.  Only errors the user must fix
(store, configuration, missing model) stop the watcher.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin

from storyline.errors import InputError, StorylineError
from storyline.ingest import ingest_docs
from storyline.records import Failure, RawDoc
from storyline.settings import Settings, parse_interval
from storyline.sources.fetch import (TransientFetchError, doc_from_response, fetch_with_retries, make_client)
from storyline.sources.feeds import parse_feed
from storyline.sources.politeness import Politeness, RobotsAnswer

FEED_STATE = "watch.feed:"
PAGE_STATE = "watch.page:"
BACKOFF = 1.0  # first retry after 1 s, then 2 s, 4 s … (capped in fetch.MAX_BACKOFF)
LINK_ONLY = "feed item has no embedded content"

__all__ = ["FeedWatcher", "FeedResult", "PollReport", "read_feed_list", "parse_interval"]


def read_feed_list(path: str | Path) -> list[str]:
    """Feed URLs from a text file: one per line; blank lines and ``#`` comments ignored; duplicates dropped."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(str(path), f"cannot read the feed list: {exc}") from exc
    feeds: list[str] = []
    for line in text.splitlines():
        words = line.split()
        if not words or words[0].startswith("#"):
            continue
        if words[0] not in feeds:  # anything after the URL ("# comment", a name) is ignored
            feeds.append(words[0])
    if not feeds:
        raise InputError(str(path), "no feed URLs in the file (one http(s):// URL per line)")
    return feeds


@dataclass
class FeedResult:
    """One feed in one round.  ``status``: new | unchanged | not-modified | failed."""

    feed: str
    status: str
    new_ids: list[str] = field(default_factory=list)
    already: int = 0
    fetched: int = 0
    failures: list[Failure] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"feed": self.feed, "status": self.status, "new_ids": self.new_ids, "already_stored": self.already,
                "pages_fetched": self.fetched, "failures": [f.to_dict() for f in self.failures]}


@dataclass
class PollReport:
    round: int
    feeds: list[FeedResult] = field(default_factory=list)
    corpus: dict = field(default_factory=dict)

    @property
    def new_ids(self) -> list[str]:
        return [i for f in self.feeds for i in f.new_ids]

    @property
    def failures(self) -> list[Failure]:
        return [x for f in self.feeds for x in f.failures]

    def summary(self) -> str:
        counts: dict[str, int] = {}
        for f in self.feeds:
            counts[f.status] = counts.get(f.status, 0) + 1
        states = ", ".join(f"{n} {s}" for s, n in sorted(counts.items()))
        fetched = sum(f.fetched for f in self.feeds)
        return (f"round {self.round}: {len(self.feeds)} feeds ({states}); {len(self.new_ids)} new articles, "
                f"{fetched} pages fetched, {len(self.failures)} failures")

    def to_dict(self) -> dict:
        return {"round": self.round, "new": len(self.new_ids), "failed": len(self.failures),
                "feeds": [f.to_dict() for f in self.feeds], "corpus": self.corpus}


class FeedWatcher:
    """Polls ``feeds`` into ``store`` with the ``[watch]`` settings.  Close it (or use ``with``)."""

    def __init__(self, feeds: Iterable[str], store, settings: Settings, *,
                 log: Callable[[str], None] | None = None, sleep: Callable[[float], None] = time.sleep,
                 clock: Callable[[], float] = time.monotonic, backoff: float = BACKOFF):
        self.feeds = list(feeds)
        self.store, self.settings = store, settings
        self.log = log or (lambda _msg: None)
        self.sleep, self.backoff = sleep, backoff
        w = settings.watch
        self.client = make_client(w.timeout, w.allow_private, w.user_agent)
        agent = w.user_agent or self.client.headers["User-Agent"]
        self.politeness = Politeness(self._fetch_robots, agent, w.per_host_delay, clock=clock, sleep=sleep)
        self.rounds = 0
        self._pending_corpus: list[str] = []  # new ids whose corpus update failed; retried next round

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> FeedWatcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the loop ------------------------------------------------------------------------------------
    def run(self, *, once: bool = False, rounds: int | None = None, interval: float | None = None,
            stop: threading.Event | None = None, on_round: Callable[[PollReport], None] | None = None) -> int:
        """Poll rounds until ``stop`` is set, ``rounds`` are done, or (``once``) after one round.

        Sleeps ``interval`` seconds (default: settings) between rounds; Ctrl-C (KeyboardInterrupt)
        propagates to the caller, and any open transaction is rolled back first.  Returns rounds run.
        """
        stop = stop or threading.Event()
        interval = self.settings.watch.interval if interval is None else interval
        done = 0
        while not stop.is_set():
            report = self.poll_round()
            done += 1
            if on_round:
                on_round(report)
            if once or (rounds is not None and done >= rounds):
                break
            stop.wait(interval)
        return done

    def poll_round(self) -> PollReport:
        """Poll every feed once, then update corpus stages for what is new."""
        self.rounds += 1
        report = PollReport(self.rounds)
        for feed in self.feeds:
            result = self.poll_feed(feed)
            report.feeds.append(result)
            self.log(_feed_line(result))
        report.corpus = self._update_corpus(report.new_ids)
        return report

    def poll_feed(self, url: str) -> FeedResult:
        """Poll one feed.  Never raises for a bad feed or page: failures are recorded and returned."""
        try:
            return self._poll_feed(url)
        except InputError as exc:
            return self._failed(url, Failure(url, "fetch", _reason(exc, url)))
        except StorylineError:
            raise  # store, settings, missing model: the user must act, polling on would only repeat it
        except Exception as exc:  # noqa: BLE001 — a bug on one feed must not stop the others
            return self._failed(url, Failure(url, "watch", f"{type(exc).__name__}: {exc}"))

    # -- one feed ------------------------------------------------------------------------------------
    def _poll_feed(self, url: str) -> FeedResult:
        key = FEED_STATE + url
        state = self.store.get_state(key) or {}
        self.politeness.before_request(url)
        resp = self._get(url, _conditional_headers(state))
        state.update(polled_at=_now(), status=resp.status)
        if resp.status == 304:
            self._save_state({key: state})
            return FeedResult(url, "not-modified")
        body_sha = hashlib.sha256(resp.body).hexdigest()
        state.update(etag=resp.etag, last_modified=resp.last_modified)
        if body_sha == state.get("body_sha256"):
            self._save_state({key: state})
            return FeedResult(url, "unchanged")
        try:
            items = list(parse_feed(resp.body, url, resp.url))
        except InputError as exc:
            return self._failed(url, Failure(url, "read", exc.reason, raw=resp.body))
        result = FeedResult(url, "new")
        docs, marks = self._collect(url, resp.url, resp.body, items, result)
        report = ingest_docs(docs, self.store, self.settings)
        result.new_ids, result.already = report.new_ids, report.already
        result.failures.extend(report.failures)
        state["body_sha256"] = body_sha  # only now: a crash before this re-reads the feed next round
        self._save_state({key: state, **marks})
        return result

    def _collect(self, feed: str, base: str, body: bytes, items: list[RawDoc | Failure], result: FeedResult
                 ) -> tuple[list[RawDoc | Failure], dict[str, dict]]:
        """Records to ingest (embedded items, fetched pages, failures) and page states to save.

        ``base`` is where the feed was served from (after redirects): relative item links resolve to it."""
        outlet = _feed_title(body)
        docs: list[RawDoc | Failure] = []
        marks: dict[str, dict] = {}
        for item in items:
            if isinstance(item, RawDoc):
                item.meta.setdefault("feed", feed)
                docs.append(item)
                continue
            fields = _item_fields(item.raw, base) if LINK_ONLY in item.reason and item.raw else {}
            link = fields.pop("url", None)
            if not link:
                docs.append(item)
                continue
            page_key = PAGE_STATE + link
            if page_key in marks or self.store.get_state(page_key) is not None:
                continue  # fetched in an earlier round (or earlier in this feed)
            doc, transient = self._fetch_page(link, {**fields, "outlet": outlet, "feed": feed})
            result.fetched += isinstance(doc, RawDoc)
            docs.append(doc)
            if not transient:
                marks[page_key] = {"fetched_at": _now(), "ok": isinstance(doc, RawDoc)}
        return docs, marks

    def _fetch_page(self, link: str, meta: dict) -> tuple[RawDoc | Failure, bool]:
        """The page as a RawDoc (feed metadata merged in) or a Failure; and whether it is worth retrying."""
        try:
            self.politeness.before_request(link)
            resp = self._get(link)
            doc = doc_from_response(link, resp.url, resp.content_type, resp.body)
        except TransientFetchError as exc:
            return Failure(link, "fetch", _reason(exc, link)), True
        except InputError as exc:
            return Failure(link, "fetch", _reason(exc, link)), False
        # the feed's title/date/outlet are what the publisher declared: they win over page guesses
        doc.meta = {**{k: v for k, v in meta.items() if v}, **doc.meta}
        return doc, False

    # -- helpers -------------------------------------------------------------------------------------
    def _get(self, url: str, headers: dict[str, str] | None = None, *, raise_for_status: bool = True):
        w = self.settings.watch
        return fetch_with_retries(url, retries=w.retries, backoff=self.backoff, sleep=self.sleep,
                                  allow_private=w.allow_private, timeout=w.timeout,
                                  max_bytes=self.settings.ingest.max_bytes, headers=headers, client=self.client,
                                  raise_for_status=raise_for_status)

    def _fetch_robots(self, url: str) -> RobotsAnswer:
        try:
            resp = self._get(url, raise_for_status=False)
        except TransientFetchError:
            return RobotsAnswer(None)
        except InputError as exc:
            if "redirects" in exc.reason:  # RFC 9309: too many redirects counts as "unavailable" (4xx)
                return RobotsAnswer(404)
            raise
        return RobotsAnswer(resp.status, resp.body)

    def _failed(self, url: str, failure: Failure) -> FeedResult:
        with self.store.transaction():
            self.store.put_failure(failure)
        return FeedResult(url, "failed", failures=[failure])

    def _save_state(self, values: dict[str, dict]) -> None:
        with self.store.transaction():
            for key, value in values.items():
                self.store.set_state(key, value)

    def _update_corpus(self, new_ids: list[str]) -> dict:
        ids = [*self._pending_corpus, *new_ids]
        if not ids or not self.settings.ingest.corpus_stages:
            return {}
        from storyline.corpus import update

        try:
            out = update.update_corpus(self.store, self.settings, ids)
        except StorylineError as exc:
            if not isinstance(exc, InputError):
                raise
            self._pending_corpus = ids  # one bad article must not stop the watcher; retried next round
            self.log(f"corpus update failed (retried next round): {exc}")
            return {"error": str(exc)}
        except Exception as exc:  # noqa: BLE001 — same: keep polling, say so, retry
            self._pending_corpus = ids
            self.log(f"corpus update failed (retried next round): {type(exc).__name__}: {exc}")
            return {"error": f"{type(exc).__name__}: {exc}"}
        self._pending_corpus = []
        return out


def _conditional_headers(state: dict) -> dict[str, str]:
    headers = {}
    if state.get("etag"):
        headers["If-None-Match"] = state["etag"]
    if state.get("last_modified"):
        headers["If-Modified-Since"] = state["last_modified"]
    return headers


def _reason(exc: InputError, url: str) -> str:
    # the error may name a redirect target or robots.txt rather than the URL asked for: keep that
    return exc.reason if exc.input == url else f"{exc.input}: {exc.reason}"


def _feed_title(body: bytes) -> str | None:
    from defusedxml.ElementTree import fromstring

    from storyline.sources.feeds import ATOM, _text

    root = fromstring(body)
    holder = root if root.tag == f"{ATOM}feed" else root.find("channel")
    if holder is None:
        return None
    return _text(holder.find(f"{ATOM}title" if holder is root else "title"))


def _item_fields(raw_item: bytes, base: str) -> dict:
    """title / url / published of one feed item (as parse_feed reads them), without the body.

    A relative link is resolved against ``base`` (the feed's URL); Atom ``xml:base`` is ignored."""
    from defusedxml.ElementTree import fromstring

    from storyline.sources.feeds import ATOM, _atom_item, _rss_item

    element = fromstring(raw_item)
    fields = _atom_item(element) if element.tag == f"{ATOM}entry" else _rss_item(element)
    fields.pop("body", None)
    guid = fields.pop("guid", None) or ""
    link = fields.get("url") or (guid if guid.startswith(("http://", "https://")) else None)  # RSS permalink guid
    url = urljoin(base, link) if link else None
    fields["url"] = url if url and url.startswith(("http://", "https://")) else None  # not javascript:, mailto:
    return fields


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def _feed_line(result: FeedResult) -> str:
    text = f"{result.feed}: {result.status}"
    if result.status == "new":
        text += f", {len(result.new_ids)} new, {result.already} already stored, {result.fetched} pages fetched"
    for failure in result.failures:
        text += f"\n  failed: {failure.input}: {failure.reason}"
    return text
