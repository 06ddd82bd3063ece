"""Text helpers shared by every parser: decoding, citation markers, offsets, normalisation."""
from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass

from .records import ParseError, Problem, Span

CITATION = re.compile(r"\[(\d+)\]")
CITATION_RUN = re.compile(r"(?:\[\d+\])+")
_PUNCT = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"',
                        "\u2013": "-", "\u2014": "-", "\u00a0": " "})
_SPACES = re.compile(r"\s+")
# control characters that never occur in text (tab, newline and carriage return excluded)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


# bytes that never occur in text: C0 controls except tab, newline and carriage return, and DEL
_CONTROL_BYTES = bytes(b for b in range(0x20) if b not in (0x09, 0x0A, 0x0D)) + b"\x7f"
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_MAX_NUL = 3                                            # more NUL bytes than this: a binary file


@dataclass(frozen=True)
class Decoded:
    """A decoded file: normalised ``text`` (no BOM, ``\\n`` line endings), the ``encoding`` it was
    read as, and ``problems``: every byte that was not text (replaced by U+FFFD, or a control
    character kept as it was), each with its line in ``text`` and its byte offset in the file."""

    text: str
    encoding: str
    problems: tuple[Problem, ...] = ()


def _few(data: bytes) -> int:
    """How many bad bytes a file may have and still be read as text with errors."""
    return max(16, len(data) // 1000)


def _looks_binary(count: int, size: int) -> bool:
    return count > max(3, size // 100)


def _line_counter(text: str | bytes):
    """``line(offset)``: 1-based line of an offset into ``text`` (decoded text, or the undecoded bytes)
    once line endings are ``\n`` (``\r\n`` and ``\r`` count as one line end); offsets must come in
    increasing order, so that reporting n problems costs one pass over the text, not n."""
    lf, cr = ("\n", "\r") if isinstance(text, str) else (b"\n", b"\r")
    state = {"at": 0, "line": 1}

    def line(offset: int) -> int:
        at = state["at"]
        if offset < at:
            at, state["line"] = 0, 1
        if offset > at:
            chunk = text[at:offset]
            state["line"] += chunk.count(lf) + chunk.count(cr) - chunk.count(cr + lf)
            if at and text[at - 1:at + 1] == cr + lf:
                state["line"] -= 1      # the pair was split between two calls: count it once
        state["at"] = offset
        return state["line"]

    return line


def _utf16_without_bom(data: bytes) -> str | None:
    """``"utf-16-le"``/``"utf-16-be"`` when the NUL bytes fall on one parity, as they do in UTF-16
    text of mostly Latin script (every ASCII character has a zero high byte); else None."""
    if len(data) < 4:
        return None
    half = len(data) // 2
    even, odd = data[0::2].count(0), data[1::2].count(0)
    if odd >= half // 5 and even * 10 <= odd:
        return "utf-16-le"
    if even >= half // 5 and odd * 10 <= even:
        return "utf-16-be"
    return None


def _decode_wide(data: bytes, encoding: str, why: str) -> str:
    """Strict UTF-16/UTF-32 decoding; a ParseError names the first bad unit and its line."""
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        unit = 4 if "32" in encoding else 2
        good = data[:exc.start - exc.start % unit].decode(encoding, "replace")
        line = good.count("\n") + good.count("\r") - good.count("\r\n") + 1
        what = "ends in the middle of a character" if exc.end >= len(data) else (
            f"has an invalid sequence {data[exc.start:exc.end].hex(' ')}")
        raise ParseError(f"the file is {why} but {what} at byte offset {exc.start}", line) from None


def _decode_utf8(data: bytes) -> tuple[str, list[tuple[int, int, str]], int]:
    """UTF-8 with every invalid byte sequence replaced by one U+FFFD.

    Returns (text, bad, non-ASCII characters decoded): ``bad`` lists (byte offset, character offset
    in ``text``, description) and stops once there are more than ``_few(data)`` of them (the caller
    then gives up on UTF-8)."""
    view = memoryview(data)
    parts: list[str] = []
    bad: list[tuple[int, int, str]] = []
    chars = 0
    non_ascii = 0
    pos = 0
    limit = _few(data)
    while True:
        try:
            piece, _ = codecs.utf_8_decode(view[pos:], "strict", True)
        except UnicodeDecodeError as exc:
            start, end = pos + exc.start, pos + exc.end
            piece, _ = codecs.utf_8_decode(view[pos:start], "strict", True)
            if data[start] == 0xED and len(data) >= start + 3 and 0xA0 <= data[start + 1] <= 0xBF \
                    and 0x80 <= data[start + 2] <= 0xBF:
                end = start + 3
                what = f"a UTF-16 surrogate encoded as UTF-8 (CESU-8) {data[start:end].hex(' ')}"
            else:
                what = f"an invalid UTF-8 byte {data[start:end].hex(' ')}"
            parts.append(piece)
            chars += len(piece)
            non_ascii += len(_NON_ASCII.findall(piece))
            bad.append((start, chars, what))
            parts.append("\ufffd")
            chars += 1
            pos = end
            if len(bad) > limit:
                break
            continue
        parts.append(piece)
        non_ascii += len(_NON_ASCII.findall(piece))
        break
    return "".join(parts), bad, non_ascii


def _cp1252(data: bytes) -> str | None:
    """The data as Windows-1252, or None when it holds one of the five bytes that encoding leaves
    undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D)."""
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return None


def decode_report(data: bytes) -> Decoded:
    """Bytes of a source file -> ``Decoded(text, encoding, problems)``.

    - UTF-8 (with or without a BOM). A few bad bytes (at most ``_few``: 16, or one in a thousand)
      do not change the encoding: each bad sequence becomes U+FFFD and is reported with its line
      and byte offset.
    - Windows-1252 (and Latin-1) when the non-ASCII bytes never form a UTF-8 sequence, as before;
      when there are many bad UTF-8 bytes but the file reads as Windows-1252, it is read so and
      the UTF-8 sequences it also holds are reported.
    - UTF-16 and UTF-32 with a BOM; UTF-16 without a BOM, recognised from its NUL bytes.
    - Up to three NUL bytes in text become U+FFFD; other control characters are kept; each is
      reported.

    Raises ``ParseError`` (with the line where the problem is) for an empty or binary file and for
    bytes that are neither UTF-8 nor Windows-1252.
    """
    if not data.strip():
        raise ParseError("the file is empty")
    problems: list[Problem] = []
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        text, encoding = _decode_wide(data, "utf-32", "UTF-32 (it has a UTF-32 byte order mark)"), "utf-32"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text, encoding = _decode_wide(data, "utf-16", "UTF-16 (it has a UTF-16 byte order mark)"), "utf-16"
    elif b"\x00" in data and (wide := _utf16_without_bom(data)):
        text = _decode_wide(data, wide, f"UTF-16 ({wide[-2:].upper()}, recognised from its NUL bytes)")
        encoding = wide
    else:
        controls = sum(data.count(bytes([b])) for b in _CONTROL_BYTES)
        if data.count(0) > _MAX_NUL or _looks_binary(controls, len(data)):
            if data.count(0) > _MAX_NUL:
                what, at = "NUL bytes", data.find(0)
            else:
                what, at = "many control characters", min(i for i in map(data.find, _CONTROL_BYTES) if i >= 0)
            raise ParseError(f"the file is binary ({what}, the first at byte offset {at}), not a text document",
                             _line_counter(data)(at))
        body = data[len(codecs.BOM_UTF8):] if data.startswith(codecs.BOM_UTF8) else data
        skipped = len(data) - len(body)
        text, bad, non_ascii = _decode_utf8(body)
        encoding = "utf-8"
        if bad and (non_ascii == 0 or len(bad) > _few(body)) and skipped == 0 and (cp := _cp1252(data)):
            text, encoding = cp, "cp1252"
            if non_ascii:
                # "Ã©" is valid UTF-8 and valid Windows-1252: say that the file held both kinds
                problems.append(Problem(_line_counter(data)(bad[0][0]), f"read as Windows-1252: more than "
                                        f"{_few(body)} byte sequences are not UTF-8 (the first at byte offset "
                                        f"{bad[0][0]}), although {non_ascii} or more others are"))
        elif len(bad) > _few(body):
            offset, _, what = bad[0]
            raise ParseError(f"the file is neither UTF-8 nor Windows-1252 text and cannot be decoded: more than "
                             f"{_few(body)} bad bytes, the first ({what}) at byte offset {offset + skipped}",
                             _line_counter(body)(offset))
        else:
            line = _line_counter(text)
            problems.extend(Problem(line(char), f"{what} at byte offset {offset + skipped} is not text: "
                                                f"replaced by U+FFFD") for offset, char, what in bad)
    text, more = _controls(text)
    problems.extend(more)
    problems.sort(key=lambda p: p.line)
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise ParseError("the file has no text (only white space)", 1)
    return Decoded(text, encoding, tuple(problems))




def _controls(text: str) -> tuple[str, list[Problem]]:
    """NUL characters become U+FFFD (a database refuses them); other control characters stay; each
    is reported. Too many of them: the file is binary."""
    found = [m.start() for m in _CONTROL.finditer(text)]
    if not found:
        return text, []
    line = _line_counter(text)
    nul = text.count("\x00")
    if nul > _MAX_NUL or _looks_binary(len(found), len(text)):
        what = "NUL characters" if nul > _MAX_NUL else "many control characters"
        raise ParseError(f"the file is binary ({what}), not a text document", line(found[0]))
    problems = []
    for at in found:
        code = ord(text[at])
        action = "replaced by U+FFFD" if code == 0 else "kept"
        problems.append(Problem(line(at), f"control character U+{code:04X} in the text: {action}"))
    return text.replace("\x00", "\ufffd"), problems


def decode(data: bytes) -> tuple[str, str]:
    """Bytes of a source file -> (text, encoding name); ``decode_report`` without the problems.

    Raises ``ParseError`` for empty, binary or undecodable input.
    """
    decoded = decode_report(data)
    return decoded.text, decoded.encoding


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


def quote(value: str, limit: int = 200) -> str:
    """``repr(value)`` for a message, cut after ``limit`` characters (a hostile file's 1 MB value is
    not copied into every warning about it)."""
    if len(value) <= limit:
        return repr(value)
    return f"{value[:limit]!r}... ({len(value):,} characters)"


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
