"""Attribution of a source document's text: the page it is from, its revision, when it was retrieved
and its licence (Wikipedia's text is CC BY-SA 4.0, which asks reusers to name and link all of these).

One place for the source page, the foot of an offensive's page (``templates/includes/attribution.html``),
the timeline's exports and admin. It reads a document's fields (``title``, ``name``, ``url``, ``site``,
``revision_id``, ``revision_time``, ``retrieved_at``, ``licence``) and makes no query.

Only ``http``/``https`` URLs become links: a document's URL comes from the file it was read from.
"""
from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from urllib.parse import parse_qs, quote, unquote, urlsplit

from .precision import format_date

#: Creative Commons versions that have a deed at creativecommons.org/licenses/<kind>/<version>/
CC_VERSIONS = ("1.0", "2.0", "2.5", "3.0", "4.0")
_CC = re.compile(r"cc by((?: (?:nc|nd|sa))*) (\d\.\d)")
_CC0 = re.compile(r"cc ?0(?: 1\.0)?")
_GFDL = re.compile(r"gfdl(?: 1\.3)?|gnu free documentation(?: 1\.3)?")
_WORDS = (  # spelled-out licence names, to the short form ("Creative Commons Attribution-ShareAlike 4.0")
    (re.compile(r"\bcreative commons\b"), "cc"), (re.compile(r"\battribution\b"), "by"),
    (re.compile(r"\bshare ?alike\b"), "sa"), (re.compile(r"\bnon ?commercial\b"), "nc"),
    (re.compile(r"\bno ?derivatives?\b"), "nd"),
    (re.compile(r"\b(?:licen[cs]e|international|unported|generic|version|v)\b"), ""),
)
#: MediaWiki's own safe characters in a title (``wfUrlencode``)
_TITLE_SAFE = ";@$!*(),/~:"


def licence_url(licence: str) -> str | None:
    """The deed of a licence written as wikis and their exports write it ("CC BY-SA 4.0",
    "CC-BY-SA-3.0", "Creative Commons Attribution-ShareAlike 4.0 International", "GFDL"), else None."""
    key = re.sub(r"[^a-z0-9.]+", " ", (licence or "").lower())
    for pattern, short in _WORDS:
        key = pattern.sub(short, key)
    key = " ".join(key.split())
    if match := _CC.fullmatch(key):
        kind = "by" + "".join(f"-{part}" for part in match[1].split())
        if match[2] in CC_VERSIONS:
            return f"https://creativecommons.org/licenses/{kind}/{match[2]}/"
        return None
    if _CC0.fullmatch(key):
        return "https://creativecommons.org/publicdomain/zero/1.0/"
    if _GFDL.fullmatch(key):
        return "https://www.gnu.org/licenses/fdl-1.3.html"
    return None


def web_url(url: str) -> str | None:
    """``url`` when it is an absolute ``http``/``https`` URL (safe to link), else None."""
    parts = urlsplit((url or "").strip())
    return parts.geturl() if parts.scheme in ("http", "https") and parts.netloc else None


def revision_url(url: str, revision_id: int | None) -> str | None:
    """The permanent link of a wiki page's revision, ``https://host/w/index.php?title=T&oldid=N``, for a
    page URL of the form ``https://host/wiki/T`` (or ``.../index.php?title=T``); else None."""
    if not revision_id or not (link := web_url(url)):
        return None
    parts = urlsplit(link)
    if parts.path.startswith("/wiki/") and len(parts.path) > len("/wiki/"):
        title, script = unquote(parts.path[len("/wiki/"):]), "/w/index.php"
    elif parts.path.endswith("/index.php") and parse_qs(parts.query).get("title"):
        title, script = parse_qs(parts.query)["title"][0], parts.path
    else:
        return None
    title = quote(title.replace(" ", "_"), safe=_TITLE_SAFE)
    return f"{parts.scheme}://{parts.netloc}{script}?title={title}&oldid={int(revision_id)}"


def _utc_date(value: datetime.datetime | None) -> datetime.date | None:
    if value is None:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(datetime.UTC)
    return value.date()


@dataclass(frozen=True)
class Attribution:
    """What a document states about where its text is from; empty strings and None where it states nothing."""

    title: str
    url: str | None               # the canonical page, when it is an http(s) URL
    site: str
    revision_id: int | None
    revision_url: str | None      # the revision's permanent link (wiki pages)
    revision_time: datetime.datetime | None
    retrieved_at: datetime.datetime | None
    licence: str
    licence_url: str | None       # the licence's deed, for licences we know

    @property
    def stated(self) -> bool:
        """Whether there is anything to attribute: a page or a licence (a plain file has neither)."""
        return bool(self.url or self.licence)

    @property
    def revision_date(self) -> datetime.date | None:
        """The revision's day (UTC, as wikis date their revisions)."""
        return _utc_date(self.revision_time)

    @property
    def retrieved_date(self) -> datetime.date | None:
        return _utc_date(self.retrieved_at)

    def sentence(self) -> str:
        """The attribution as plain text (exports and admin); pages render ``includes/attribution.html``,
        which says the same with links."""
        out = f"Text from the article “{self.title}”"
        where = ", ".join(part for part in (self.site, self.url) if part)
        out += f" ({where})" if where else ""
        if self.revision_id or self.revision_date:
            out += ", revision" + (f" {self.revision_id}" if self.revision_id else "")
            out += f" of {format_date(self.revision_date)}" if self.revision_date else ""
        elif self.retrieved_date:
            out += f", retrieved {format_date(self.retrieved_date)}"
        if self.licence:
            out += f", licensed {self.licence}" + (f" ({self.licence_url})" if self.licence_url else "")
        return out + "."


def attribution(document) -> Attribution:
    """The attribution of a ``SourceDocument`` (or any object with its fields)."""
    url = getattr(document, "url", "") or ""
    revision_id = getattr(document, "revision_id", None)
    licence = (getattr(document, "licence", "") or "").strip()
    return Attribution(
        title=getattr(document, "title", "") or getattr(document, "name", "") or "",
        url=web_url(url),
        site=(getattr(document, "site", "") or "").strip(),
        revision_id=revision_id,
        revision_url=revision_url(url, revision_id),
        revision_time=getattr(document, "revision_time", None),
        retrieved_at=getattr(document, "retrieved_at", None),
        licence=licence,
        licence_url=licence_url(licence),
    )
