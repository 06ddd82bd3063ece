"""Hostile files fed to ``import_sources`` (issue 15, point 7): every case is one run of the command
with a good document beside the hostile input.

Each case asserts the exit status (``CommandError`` when the hostile document fails), one line that
names the file (and the line, where the input has lines) with what is wrong, no traceback, the good
document loaded, and nothing left by a failing document (no record and no claim of it; a failed
document row is allowed, staff-only). The inputs are generated here, from small documents, so the
file runs in well under a minute. Run it on both databases, with the same assertions:
``DATABASE_URL=postgres://postgres@127.0.0.1:5432/conflicts_dev .venv/bin/python -m pytest tests/hostile``.
"""
from __future__ import annotations

import codecs
import contextlib
import gzip
import html
import io
import logging
import os
import re
import signal
import socket
import stat
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from conflicts.models import Conflict, Force, Participation, Side, Strength
from events.models import Event, EventPlace, Place
from people.models import CommandRole, Person
from sources.models import Claim, SourceDocument

pytestmark = pytest.mark.django_db

SOURCED = (Conflict, Side, Force, Participation, Strength, Place, Event, EventPlace, Person, CommandRole)
GOOD_TITLE = "Good offensive"
# what escapes as a raw error: never in the output of a run
RAW_ERRORS = re.compile(r"Traceback|IntegrityError|DataError|OperationalError|value too long|out of range for type"
                        r"|violates|duplicate key|NUL \(0x00\)|Exception:|the parser failed|could not be loaded",
                        re.IGNORECASE)


def document(title="Hostile offensive", *, date="1 October – 30 October 2016", combatant1="Syria, Russia",
             combatant2="ISIL", commander1="Ali Hassan", commander2="Abu Bakr al-Baghdadi",
             strength1="2,000 fighters", place="Aleppo, Syria", extra="",
             prose="On 5 October 2016, the army captured the village of Tal Hadiya.") -> str:
    return (f"= {title} =\n\nInfobox\n- Conflict: {title}\n- Date: {date}\n- Place: {place}\n"
            f"- Combatant1: {combatant1}\n- Combatant2: {combatant2}\n- Commander1: {commander1}\n"
            f"- Commander2: {commander2}\n- Strength1: {strength1}\n- Strength2: Unknown\n{extra}\n"
            f"==Offensive==\n{prose}\n")


GOOD = document(GOOD_TITLE, combatant1="Iraq", combatant2="Kurdistan", commander1="Omar Said",
                commander2="Karim Aziz", place="Mosul, Iraq",
                prose="On 7 October 2016, the brigade reached the bridge at Qayyarah.").encode()


def line_of(text: str, needle: str) -> int:
    return text[:text.index(needle)].count("\n") + 1


def byte_line(data: bytes, offset: int) -> int:
    """The line of a byte offset, ``\\r\\n``, ``\\r`` and ``\\n`` each ending a line (as the decoder counts)."""
    return len(re.findall(rb"\r\n|\r|\n", data[:offset])) + 1


@dataclass
class Case:
    """A hostile input. ``build(folder)`` writes it into ``folder`` and returns the path the messages
    name (default: ``content`` written as ``name``). ``outcome``: ``failed`` (the run raises
    CommandError), ``loaded`` (it loads; ``message`` is then a warning, if any), ``skipped`` (not a
    document: the run succeeds) or ``ignored`` (nothing to say: a hidden file, an empty folder)."""

    id: str
    content: bytes = b""
    outcome: str = "loaded"
    message: str = ""             # a regular expression for what follows "path[:line]: "
    line: int | None = None       # the line the message names (None: the input has no lines)
    name: str = "hostile.txt"
    given: bool = True            # the file is named on the command line (else its folder is)
    args: tuple[str, ...] = ()
    build: Callable[[Path], Path] | None = None
    check: Callable[..., None] | None = None   # more assertions, given (client, path)
    marks: tuple = ()
    extra_good: list[bytes] = field(default_factory=list)

    def write(self, folder: Path) -> Path:
        if self.build is not None:
            return self.build(folder)
        path = folder / self.name
        path.write_bytes(self.content)
        return path


def warned(doc: str, needle: str, message: str, **kw) -> dict:
    """A document that loads with a warning about the line holding ``needle``."""
    return {"content": doc.encode(), "outcome": "loaded", "message": message, "line": line_of(doc, needle), **kw}


def failed(content: bytes | str, message: str, line: int | None, **kw) -> dict:
    data = content.encode() if isinstance(content, str) else content
    return {"content": data, "outcome": "failed", "message": message, "line": line, **kw}


# -- checks on what loaded ----------------------------------------------------------------------------

def conflict_of(path: Path) -> Conflict:
    return Conflict.objects.get(source__name=path.name)


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def escaped_on_pages(payload: str, *urls_of: Callable[[Path], str]):
    """The payload is stored as text and appears escaped (never raw) on the offensive's page."""
    def check(client, path):
        conflict = conflict_of(path)
        urls = [conflict.get_absolute_url(), *(f(path) for f in urls_of)]
        for url in urls:
            content = page(client, url)
            assert payload not in content, url
            assert html.escape(payload, quote=False) in content or html.escape(payload) in content, url
    return check


def person_page(name_part: str):
    return lambda path: Person.objects.get(name__contains=name_part).get_absolute_url()


def stored_text(*needles: str):
    def check(client, path):
        text = SourceDocument.objects.get(name=path.name).text
        assert "\r" not in text
        for needle in needles:
            assert needle in text
        assert conflict_of(path).events.exists()
    return check


def title_is(title: str):
    def check(client, path):
        conflict = conflict_of(path)
        assert conflict.name == title
        assert conflict.slug and not conflict.slug.startswith("untitled-") or not any(c.isalnum() for c in title)
        page(client, conflict.get_absolute_url())
    return check


def no_strength(client, path):
    """No figure out of range was stored (it is dropped, with a warning)."""
    numbers = Strength.objects.filter(side__conflict=conflict_of(path), side__number=1).values_list("number", flat=True)
    assert all(n is None or 0 <= n <= 2**31 - 1 for n in numbers)


def dates_sane(client, path):
    for event in conflict_of(path).events.all():
        assert event.date is None or 1000 <= event.date.year <= 2100, event
        assert event.end_date is None or event.date is None or event.end_date >= event.date, event
    conflict = conflict_of(path)
    assert conflict.end_date is None or conflict.start_date is None or conflict.end_date >= conflict.start_date


def no_event_dated(client, path):
    """The sentence keeps no false date."""
    dates_sane(client, path)
    assert not conflict_of(path).events.exclude(date=None).filter(text__contains="captured the village").exists()


def tables_intact(client, path):
    assert Conflict.objects.count() >= 2
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM conflicts_conflict")
        assert cursor.fetchone()[0] >= 2


# -- builders of files that are not plain bytes --------------------------------------------------------

def symlink_to(target: str, name: str = "passwd.txt") -> Callable[[Path], Path]:
    def build(folder: Path) -> Path:
        link = folder / name
        link.symlink_to(target)
        return link
    return build


def fifo(folder: Path) -> Path:
    path = folder / "pipe.txt"
    os.mkfifo(path)
    return path


def unix_socket(folder: Path) -> Path:
    path = folder / "sock.txt"
    with contextlib.chdir(folder):   # a socket path is limited to ~100 bytes: bind it relative
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.bind(path.name)
        sock.close()
    return path


def char_device(folder: Path) -> Path:
    path = folder / "null.txt"
    try:
        os.mknod(path, stat.S_IFCHR | 0o600, os.makedev(1, 3))
    except PermissionError:
        pytest.skip("cannot make a device node here (no CAP_MKNOD)")
    return path


def unreadable(folder: Path) -> Path:
    if os.geteuid() == 0:
        pytest.skip("running as root: every file is readable")
    path = folder / "secret.txt"
    path.write_text(document("Secret offensive"), encoding="utf-8")
    path.chmod(0)
    return path


def folder_named_like_a_file(folder: Path) -> Path:
    path = folder / "hostile.txt"
    path.mkdir()
    (path / "notes").mkdir()
    return path


def deep_folder(folder: Path) -> Path:
    deep = folder / "deep"
    for i in range(120):
        deep = deep / f"level{i}"
    deep.mkdir(parents=True)
    path = deep / "hostile.txt"
    path.write_text(document("Deep offensive"), encoding="utf-8")
    return path


def link_loop(folder: Path) -> Path:
    (folder / "loop-b.txt").symlink_to(folder / "loop-a.txt")
    path = folder / "loop-a.txt"
    path.symlink_to(folder / "loop-b.txt")
    return path


def folder_link_to_root(folder: Path) -> Path:
    path = folder / "root"
    path.symlink_to("/")
    return path


def folder_link_to_itself(folder: Path) -> Path:
    sub = folder / "sub"
    sub.mkdir()
    (sub / "hostile.txt").write_text(document("Looped offensive"), encoding="utf-8")
    (sub / "again").symlink_to(sub)   # sub/again/again/... is sub
    return sub / "hostile.txt"


def zip_of_documents(folder: Path) -> Path:
    path = folder / "hostile.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("a.txt", document("Zipped offensive"))
    return path


def two_titles(first: str, second: str) -> Callable[[Path], Path]:
    """Two documents in one run: their offensives must be two, with two slugs."""
    def build(folder: Path) -> Path:
        (folder / "hostile-2.txt").write_text(document(second), encoding="utf-8")
        path = folder / "hostile.txt"
        path.write_text(document(first), encoding="utf-8")
        return path
    return build


def distinct_offensives(first: str, second: str):
    def check(client, path):
        one = Conflict.objects.get(source__name="hostile.txt")
        two = Conflict.objects.get(source__name="hostile-2.txt")
        assert (one.name, two.name) == (first, second)
        assert one.pk != two.pk and one.slug != two.slug
        for conflict, title in ((one, first), (two, second)):
            assert html.escape(title) in page(client, conflict.get_absolute_url())
    return check


def never_stored(*needles: str):
    def check(client, path):
        for needle in needles:
            assert not SourceDocument.objects.filter(text__contains=needle).exists()
        assert not SourceDocument.objects.filter(name=path.name).exists()
        for doc in SourceDocument.objects.all():
            response = client.get(doc.get_absolute_url())
            assert all(n not in response.content.decode() for n in needles)
    return check


# -- the cases ------------------------------------------------------------------------------------------

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00\x00\x1f\xf3\xffa"
BINARY = bytes((i * 7919 + 13) % 256 for i in range(3000))
DOC = document()
XSS = "<script>alert('x')</script>"
IMG = '<img src=x onerror="alert(1)">'
UTF16 = document("Offensive of Kobanî").encode("utf-16-le")

CASES = [
    # not text: each given file fails with the decoder's one line
    Case("empty", **failed(b"", "the file is empty", None)),
    Case("whitespace-only", **failed(b"  \n\t\n  \r\n", "the file is empty", None)),
    Case("binary", **failed(BINARY, "the file is binary", byte_line(BINARY, BINARY.index(0)))),
    Case("png-given", name="image.png", **failed(PNG, "the file is binary", 3)),
    Case("png-in-folder", name="image.png", content=PNG, outcome="skipped", message=r"not a document \(a PNG image\)",
         given=False),
    Case("png-named-txt-in-folder", given=False, **failed(PNG, "the file is binary", 3)),
    Case("zip-given", build=zip_of_documents, outcome="failed", message="the file is binary", line=1),
    Case("zip-in-folder", build=zip_of_documents, outcome="skipped", message=r"not a document \(a ZIP archive",
         given=False),
    Case("gzip-in-folder", name="hostile.gz", content=gzip.compress(DOC.encode(), mtime=0), outcome="skipped",
         message=r"not a document \(a gzip archive\)", given=False),
    Case("pdf-given", name="hostile.pdf",
         **failed(b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n", "not a document: a PDF document",
                  None)),
    Case("gold-json-in-folder", name="hostile.json", content=b'{"document": "x.txt", "title": "The X was"}',
         outcome="skipped", message=r"not a document \(JSON data\)", given=False),
    Case("gold-json-given", name="hostile.json",
         **failed(b'[{"title": "The Battle of X was fought"}]', "not a document: JSON data", None)),
    Case("html-in-folder", name="page.html", content=f"<!DOCTYPE html><html><body>{XSS}</body></html>".encode(),
         outcome="skipped", given=False,
         message=r"not a document \(HTML or XML markup that is not a wiki article or export\)"),
    Case("nul-bytes", **failed(DOC.replace("captured", "cap\0\0\0\0\0tured"), "the file is binary \\(NUL bytes",
                               line_of(DOC, "captured"))),
    Case("few-nul-bytes", **warned(DOC.replace("captured", "cap\0tured"), "the army",
                                   r"control character U\+0000 in the text: replaced by U\+FFFD")),
    Case("control-characters", **warned(DOC.replace("Tal Hadiya", "Tal\x07Hadiya"), "the army",
                                        r"control character U\+0007")),
    # encodings
    Case("invalid-utf8-two-bytes", content=DOC.replace("Hadiya", "Hadiyé").encode().replace("é".encode(), b"\xff\xfe")
         + "\nÀ bientôt.\n".encode(), outcome="loaded", line=line_of(DOC, "Hadiya"),
         message=r"an invalid UTF-8 byte ff at byte offset \d+ is not text: replaced by U\+FFFD"),
    Case("undecodable", **failed(b"= X =\n" + b"\x81\x8d\x8f\x90\x9d" * 40, "cannot be decoded", 2)),
    Case("utf16-le-without-bom", content=UTF16, check=stored_text("Kobanî")),
    Case("utf16-be-without-bom", content=document("Offensive of Kobanî").encode("utf-16-be"),
         check=stored_text("Kobanî")),
    Case("utf16-with-bom", content=codecs.BOM_UTF16_LE + UTF16, check=stored_text("Kobanî")),
    Case("utf32-with-bom", content=document("Offensive of Kobanî").encode("utf-32"), check=stored_text("Kobanî")),
    Case("utf16-cut-in-a-character", **failed(codecs.BOM_UTF16_LE + UTF16 + b"\x41",
                                              "ends in the middle of a character", DOC.count("\n") + 1)),
    Case("windows-1252", content=document("Offensive of Kobanî").encode("cp1252"), check=stored_text("Kobanî")),
    Case("utf8-bom-crlf", content=codecs.BOM_UTF8 + DOC.replace("\n", "\r\n").encode(),
         check=stored_text("Tal Hadiya")),
    Case("crlf", content=DOC.replace("\n", "\r\n").encode(), check=stored_text("Tal Hadiya")),
    Case("cr-only", content=DOC.replace("\n", "\r").encode(), check=stored_text("Tal Hadiya")),
    Case("mixed-line-endings", content=DOC.replace("\n", "\r\n", 3).replace("\n\n", "\r\r", 1).encode(),
         check=stored_text("Tal Hadiya")),
    # sizes
    Case("one-megabyte-line", content=document(prose="A" * 1_000_000).encode()),
    # a sentence of 100 KB (the event extractor reads about 100 KB/s of prose: 1 MB would take ten seconds)
    Case("hundred-kilobyte-sentence", content=document(prose="On 5 October 2016, the army captured the village "
                                                             "of Tal Hadiya " + "and more " * 11_000 + ".").encode(),
         check=stored_text("Tal Hadiya")),
    Case("ten-thousand-character-title", **warned(document("Siege of " + "A" * 9991), "= Siege",
                                                   r"conflict name .*10,000 characters.* cut")),
    Case("five-thousand-key-infobox",
         content=document(extra="".join(f"- Key{i}: value {i}\n" for i in range(5000))).encode(),
         check=lambda client, path: conflict_of(path).events.exists()),
    Case("too-large-for-max-bytes", args=("--max-bytes", "2K"), content=(DOC + "Padding. " * 400).encode(),
         outcome="failed", message=r"refused: the file is [\d,]+ bytes, more than the limit of 2,048 bytes"),
    Case("a-hundred-and-fifty-names", content=document(combatant1=", ".join(f"Brigade {i}" for i in range(150)))
         .encode()),
    Case("four-hundred-digit-strength", content=document(strength1="9" * 400 + " fighters").encode(),
         check=no_strength),
    # titles
    Case("title-of-punctuation-only", build=two_titles("!!! ??? ...", "*** ,,, ;;;"), given=False,
         check=distinct_offensives("!!! ??? ...", "*** ,,, ;;;")),
    Case("chinese-and-arabic-titles", build=two_titles("阿勒颇攻势", "هجوم حلب"), given=False,
         check=distinct_offensives("阿勒颇攻势", "هجوم حلب")),
    Case("two-chinese-titles", build=two_titles("阿勒颇攻势", "摩苏尔战役"), given=False,
         check=distinct_offensives("阿勒颇攻势", "摩苏尔战役")),
    Case("cyrillic-title", content=document("Битва за Дебальцево").encode(), check=title_is("Битва за Дебальцево")),
    Case("emoji-title", content=document("Offensive 🔥💣").encode(), check=title_is("Offensive 🔥💣")),
    Case("bidi-and-zero-width-title", content=document("Offensive \u202egnirts\u202c of \u200bX").encode()),
    Case("combining-marks-title", content=document("Z" + "\u0301\u0302\u0303" * 50 + "alg offensive").encode()),
    Case("title-line-only", **warned("= Only a title =\n", "= Only", "the document has no Infobox block")),
    Case("no-title", **failed("Just some words without a lead sentence.\n", "no title", 1)),
    # names and numbers
    Case("unbalanced-quote-494-character-name", **warned(
        document(combatant1="Syria, " + ('"Free Army of the Mountains and the Coast '
                                         + "and the brigades of the northern villages " * 11)[:494].rstrip()),
        "- Combatant1", "force name .*494 characters.* cut")),
    Case("ten-thousand-character-commander", **warned(document(commander1="Ali " + "B" * 10_000), "- Commander1",
                                                      "cut")),
    Case("ten-thousand-character-place", **warned(document(place="Aleppo" + "x" * 10_000), "- Place", "cut")),
    Case("strength-ten-to-the-26th", **warned(document(strength1="100,000,000,000,000,000,000,000,000 fighters"),
                                              "- Strength1", "strength"), check=no_strength),
    Case("negative-strength", content=document(strength1="-5,000 fighters").encode(), check=no_strength),
    Case("side-number-99", **warned(document(extra="- Combatant99: Nobody\n"), "- Combatant99", "99")),
    # dates
    Case("reversed-infobox-range", **warned(document(date="30 October – 1 October 2016"), "- Date", "",
                                            check=dates_sane)),
    Case("reversed-prose-range", **warned(document(prose="Between 30 and 2 October 2016, the army captured the "
                                                         "village of Tal Hadiya."), "Between", "", check=dates_sane)),
    Case("thirty-first-february", **warned(document(prose="On 31 February 2016, the army captured the village of "
                                                          "Tal Hadiya."), "On 31", "", check=no_event_dated)),
    Case("thirty-second-december", **warned(document(prose="On 32 December 2016, the army captured the village of "
                                                           "Tal Hadiya."), "On 32", "", check=no_event_dated)),
    Case("twenty-ninth-february-2015", **warned(document(prose="On 29 February 2015, the army captured the village "
                                                               "of Tal Hadiya."), "On 29", "", check=no_event_dated)),
    Case("day-zero", **warned(document(prose="On 0 October 2016, the army captured the village of Tal Hadiya."),
                              "On 0", "", check=no_event_dated)),
    Case("year-zero", **warned(document(prose="On 5 October 0, the army captured the village of Tal Hadiya."),
                               "On 5", "", check=no_event_dated)),
    Case("year-9999", **warned(document(prose="On 5 October 9999, the army captured the village of Tal Hadiya."),
                               "On 5", "", check=no_event_dated)),
    Case("year-minus-500", **warned(document(prose="On 5 October -500, the army captured the village of Tal Hadiya."),
                                    "On 5", "", check=no_event_dated)),
    Case("year-500-bc", **warned(document(prose="In 500 BC, the army captured the village of Tal Hadiya."),
                                 "In 500", "", check=no_event_dated)),
    Case("month-45", **warned(document(prose="On 13/45/2015, the army captured the village of Tal Hadiya."),
                              "On 13", "", check=no_event_dated)),
    Case("impossible-infobox-date", **warned(document(date="31 February 2016"), "- Date", "", check=dates_sane)),
    Case("infobox-year-9999", **warned(document(date="1 October – 30 October 9999"), "- Date", "",
                                       check=dates_sane)),
    # the infobox itself
    Case("duplicate-infobox-date", **warned(document(extra="- Date: 5 May 2015\n"), "- Date: 5 May", "Date")),
    Case("duplicate-infobox-combatant", **warned(document(extra="- Combatant1: Hezbollah\n"),
                                                 "- Combatant1: Hezbollah", "Combatant1")),
    Case("broken-infobox-line", **failed(DOC.replace("- Place: Aleppo", "- Place Aleppo"),
                                         "infobox line is not '- Key: value'", line_of(DOC, "- Place"))),
    # payloads
    Case("script-in-title", content=document(f"Offensive {XSS}").encode(),
         check=escaped_on_pages(f"Offensive {XSS}")),
    Case("script-in-commander", content=document(commander1=f"Ali {XSS}").encode(),
         check=escaped_on_pages(XSS, person_page("alert"))),
    Case("img-onerror-in-prose", content=document(prose=f"On 5 October 2016, the army captured {IMG} Tal Hadiya.")
         .encode(), check=escaped_on_pages(IMG)),
    Case("html-entities-in-title", content=document("Offensive &lt;b&gt; &amp; </title><b>bold</b>").encode(),
         check=escaped_on_pages("&lt;b&gt; &amp; </title><b>bold</b>")),
    Case("sql-in-title", content=document("Robert'); DROP TABLE conflicts_conflict;--").encode(),
         check=tables_intact),
    Case("sql-in-names", content=document(commander1="' OR '1'='1", combatant1="%_%; SELECT pg_sleep(10)").encode(),
         check=tables_intact),
    # files that are not regular, links, folders
    Case("symlink-to-passwd-in-folder", build=symlink_to("/etc/passwd"), outcome="skipped", given=False,
         message=r"symbolic link \(to /etc/passwd; not followed", check=never_stored("root:x:0:0", "root:")),
    Case("symlink-to-passwd-followed", build=symlink_to("/etc/passwd"), outcome="skipped", given=False,
         args=("--follow-symlinks",), message=r"symbolic link \(to /etc/passwd, outside the paths given",
         check=never_stored("root:x:0:0")),
    Case("symlink-given", build=symlink_to("/etc/passwd"), outcome="skipped", message="symbolic link",
         check=never_stored("root:x:0:0")),
    Case("dangling-symlink", build=symlink_to("/nonexistent/file.txt", "dangling.txt"), outcome="skipped",
         given=False, message="symbolic link"),
    Case("symlink-loop-followed", build=link_loop, outcome="skipped", given=False, args=("--follow-symlinks",),
         message="symbolic link"),
    Case("folder-link-to-root-followed", build=folder_link_to_root, outcome="skipped", given=False,
         args=("--follow-symlinks",), message="outside the paths given"),
    Case("folder-link-to-itself-followed", build=folder_link_to_itself, given=False, args=("--follow-symlinks",),
         check=lambda client, path: conflict_of(path)),
    Case("fifo-in-folder", build=fifo, outcome="skipped", given=False, message=r"not a regular file \(a FIFO"),
    Case("fifo-given", build=fifo, outcome="failed", message="refused: a FIFO, not a regular file; it was not opened"),
    Case("socket-in-folder", build=unix_socket, outcome="skipped", given=False, message=r"\(a socket"),
    Case("device-in-folder", build=char_device, outcome="skipped", given=False,
         message=r"not a regular file \(a character device"),
    Case("dev-null-given", build=lambda folder: Path("/dev/null"), outcome="failed",
         message="refused: a character device"),
    Case("missing-file", build=lambda folder: folder / "nowhere.txt", outcome="failed",
         message=r"cannot read the file \(No such file or directory\)"),
    Case("folder-named-like-a-file", build=folder_named_like_a_file, outcome="ignored"),
    Case("hidden-file-in-folder", name=".hostile.txt", content=DOC.encode(), outcome="ignored", given=False),
    Case("deep-folders", build=deep_folder, given=False, check=lambda client, path: conflict_of(path)),
    Case("unreadable-file", build=unreadable, outcome="failed", message=r"cannot read the file \(Permission denied\)"),
    Case("newline-in-file-name", name="hostile\nname.txt", **failed(b"", "the file is empty", None)),
    Case("long-unicode-file-name", name="Ω" * 120 + ".txt", content=DOC.encode(),
         check=lambda client, path: conflict_of(path)),
]


@pytest.fixture
def hang_guard():
    """A guard against a hang (a FIFO opened for reading blocks): the run is interrupted after 30 s.
    Not a timing assertion: a correct intake returns at once."""
    def interrupt(signum, frame):
        raise TimeoutError("import_sources blocked")
    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.alarm(30)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


def run_command(*args: str) -> tuple[str, bool]:
    """(output, whether it raised CommandError)."""
    out = io.StringIO()
    try:
        call_command("import_sources", *args, "--no-progress", stdout=out, stderr=out)
    except CommandError as exc:
        return out.getvalue() + f"\nCommandError: {exc}\n", True
    return out.getvalue(), False


def shown(path: Path) -> str:
    """How a path appears in the summary (control characters escaped to keep the line one line)."""
    return str(path).encode("unicode_escape").decode("ascii") if "\n" in str(path) else str(path)


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id, marks=c.marks) for c in CASES])
def test_hostile_input(case: Case, tmp_path, client, caplog, capfd, hang_guard):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "good.txt").write_bytes(GOOD)
    path = case.write(folder)
    args = (*map(str, (folder / "good.txt", path)),) if case.given else (str(folder),)
    with caplog.at_level(logging.WARNING):
        output, raised = run_command(*args, *case.args)
    captured = capfd.readouterr()

    # the exit status, and no traceback or raw database error anywhere
    assert raised == (case.outcome == "failed"), output
    if raised:
        assert "CommandError: 1 of 2 documents failed" in output, output
    assert not RAW_ERRORS.search(output + captured.out + captured.err), output + captured.err
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]

    # one line naming the file (and the line) says what is wrong
    if case.message or case.outcome in ("failed", "skipped"):
        where = re.escape(shown(path)) + (f":{case.line}" if case.line else "")
        prefix = "skipped: " if case.outcome == "skipped" else ""
        pattern = re.compile(rf"^\s*{where}: {prefix}.*{case.message}" if case.message else rf"^\s*{where}: ")
        lines = [ln for ln in output.splitlines() if pattern.search(ln)]
        assert lines, f"no line matches {pattern.pattern!r} in:\n{output}"
        if case.outcome == "failed":
            errors = [ln for ln in output.splitlines() if ln.strip().startswith(shown(path) + ":")]
            assert len(errors) == 1, output    # one line, not a line per problem or a wrapped message

    # the good document loaded
    good = SourceDocument.objects.get(name="good.txt")
    assert good.status == SourceDocument.Status.IMPORTED
    assert Conflict.objects.get(source=good).events.count() == 1

    # nothing left by a failing document (a failed row is allowed: staff only); nothing from a skipped one
    loaded = set(SourceDocument.objects.filter(status=SourceDocument.Status.IMPORTED).values_list("pk", flat=True))
    for model in SOURCED:
        assert set(model.objects.exclude(source=None).values_list("source", flat=True)) <= loaded, model
    assert set(Claim.objects.values_list("document", flat=True)) <= loaded
    for doc in SourceDocument.objects.exclude(pk__in=loaded):
        assert doc.status == SourceDocument.Status.FAILED
        assert client.get(doc.get_absolute_url()).status_code == 404
    if case.outcome != "loaded":
        assert loaded == {good.pk}, SourceDocument.objects.values_list("name", "status")
        assert Conflict.objects.count() == 1
    else:
        hostile = SourceDocument.objects.get(name=path.name)
        assert hostile.status == SourceDocument.Status.IMPORTED, hostile.problems
    if case.outcome == "skipped":
        assert re.search(r"Skipped, not failures \(\d+\)", output), output
    if case.check is not None:
        case.check(client, path)
