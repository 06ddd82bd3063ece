"""Text helpers shared by every parser: decoding, citation markers, offsets, normalisation."""
from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass

from .records import ParseError, Span

CITATION = re.compile(r"\[(\d+)\]")
CITATION_RUN = re.compile(r"(?:\[\d+\])+")
_PUNCT = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"',
                        "\u2013": "-", "\u2014": "-", "\u00a0": " "})
_SPACES = re.compile(r"\s+")
# control characters that never occur in text (tab, newline and carriage return excluded)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def decode(data: bytes) -> tuple[str, str]:
    """Bytes of a source file -> (text, encoding name).

    Handles a UTF-8 BOM, UTF-16 with a BOM, Windows-1252 and Latin-1 text; line endings become
    ``\\n``. Raises ``ParseError`` for empty, binary or undecodable input.
    """
    if not data.strip():
        raise ParseError("the file is empty")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ["utf-16"]
    elif b"\x00" in data:
        raise ParseError("the file is binary (it contains NUL bytes), not a text document")
    else:
        candidates = ["utf-8-sig", "cp1252"]
    for encoding in candidates:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        break
    else:
        raise ParseError("the file is neither UTF-8 nor Windows-1252 text and cannot be decoded")
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if len(_CONTROL.findall(text)) > max(3, len(text) // 100):
        raise ParseError("the file looks binary (many control characters), not a text document")
    if not text.strip():
        raise ParseError("the file has no text")
    return text, ("utf-8" if encoding == "utf-8-sig" else encoding)


@dataclass(frozen=True)
class Clean:
    """Text with citation markers removed, and the way back to document offsets."""

    text: str
    citations: tuple[str, ...]
    _origin: tuple[int, ...]   # document offset of each character of ``text``, plus one past the end

    def span(self, start: int, end: int) -> Span:
        """Document span of ``text[start:end]``."""
        if end <= start:
            at = self._origin[start]
            return Span(at, at)
        return Span(self._origin[start], self._origin[end - 1] + 1)


def strip_citations(raw: str, offset: int = 0) -> Clean:
    """Remove ``[n]`` markers from ``raw`` (which starts at document offset ``offset``).

    A marker glued between two words (``Iran[1]Allied``) leaves a space so the words stay apart;
    a marker before punctuation or at a line end leaves nothing.
    """
    out: list[str] = []
    origin: list[int] = []
    citations: list[str] = []
    pos = 0
    for m in CITATION_RUN.finditer(raw):
        for i in range(pos, m.start()):
            out.append(raw[i])
            origin.append(offset + i)
        citations.extend(CITATION.findall(m.group()))
        before = raw[m.start() - 1] if m.start() else " "
        after = raw[m.end()] if m.end() < len(raw) else " "
        if not before.isspace() and not after.isspace() and after not in ".,;:)!?'\"’":
            out.append(" ")
            origin.append(offset + m.start())
        pos = m.end()
    for i in range(pos, len(raw)):
        out.append(raw[i])
        origin.append(offset + i)
    origin.append(offset + len(raw))
    return Clean("".join(out), tuple(citations), tuple(origin))


def norm(text: str | None) -> str:
    """The comparison form used by the gold scorer: NFKC, straight quotes, hyphens, lower case."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", text).translate(_PUNCT)
    return _SPACES.sub(" ", text).strip().lower()


def collapse(text: str) -> str:
    """Whitespace runs to one space, stripped."""
    return _SPACES.sub(" ", text).strip()


def line_at(text: str, offset: int) -> int:
    """1-based line number of a document offset."""
    return text.count("\n", 0, offset) + 1


_MONTH_WORDS = ("january february march april may june july august september october november "
                "december jan feb mar apr jun jul aug sep sept oct nov dec").split()


def first_words(sentence: str, n: int = 8) -> str:
    """The sentence's first ``n`` words, extended (up to 10) so that a date is not cut in two.

    A sentence of ``n`` words or fewer is taken whole, without its final stop.
    """
    words = sentence.split()
    if len(words) <= n:
        return sentence.rstrip().rstrip(".")
    k = n
    while k < min(len(words), 10):
        last, nxt = words[k - 1].strip(",.").lower(), words[k].strip(",.").lower()
        if (last.isdigit() and nxt in _MONTH_WORDS) or (last in _MONTH_WORDS and nxt.isdigit()):
            k += 1
        else:
            break
    return " ".join(words[:k])
