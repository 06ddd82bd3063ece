"""The import's intake (issue 15, point 1; issue 12, point 3): which files are read, and how.

``importer.pipeline.collect`` reads nothing but a short prefix of regular files: symbolic links are
not followed (unless asked, and never out of the paths given), FIFOs, devices and sockets are never
opened, a document over ``--max-bytes`` is refused from its size, and files in folders that are not
documents (gold JSON files, images, archives) are skipped and counted, not failed.
"""
from __future__ import annotations

import argparse
import gzip
import io
import os
import socket
import stat
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from importer import pipeline
from importer.management.commands.import_sources import _one_line, _size
from importer.pipeline import (
    DEFAULT_MAX_BYTES,
    SNIFF_BYTES,
    ImportOptions,
    Intake,
    Skipped,
    Unreadable,
    collect,
    import_paths,
    read_document,
    sniff,
)
from sources.models import SourceDocument
from tests.conftest import SAMPLES

PALMYRA = SAMPLES / "000_062e724f942c86c7.txt"
DOC = PALMYRA.read_bytes()
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00\x00\x1f\xf3\xffa"


def files(intake: Intake) -> list[str]:
    return [p.name for p in intake.files]


def errors(intake: Intake) -> dict[str, str]:
    return {p.name: error for p, error in intake.documents if error}


def skipped(intake: Intake) -> dict[str, tuple[str, str]]:
    return {Path(s.path).name: (s.kind, s.detail) for s in intake.skipped}


@pytest.fixture
def opened(monkeypatch) -> list[str]:
    """Every path ``os.open`` is called with during the test."""
    calls: list[str] = []
    real_open = os.open

    def spy(path, flags, *args, **kwargs):
        calls.append(os.fspath(path))
        return real_open(path, flags, *args, **kwargs)
    monkeypatch.setattr(os, "open", spy)
    return calls


# -- folders --------------------------------------------------------------------------------------------

def test_a_folder_is_walked_in_sorted_order_without_hidden_files_or_folders(tmp_path):
    for name in ("b.txt", "a.txt", "sub/c.txt", "sub/deeper/a.txt", "a-z/x.txt", ".hidden.txt", ".git/objects.txt",
                 "notes"):
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(DOC)
    intake = collect([tmp_path])
    assert intake.files == sorted(p for p in tmp_path.rglob("*") if p.is_file() and ".git" not in p.parts
                                  and not p.name.startswith("."))
    assert not intake.skipped


def test_paths_keep_their_order_and_a_file_reached_twice_is_taken_once(tmp_path):
    (tmp_path / "sub").mkdir()
    for name in ("a.txt", "sub/b.txt"):
        (tmp_path / name).write_bytes(DOC)
    intake = collect([tmp_path / "sub" / "b.txt", tmp_path, tmp_path / "a.txt", Path(f"{tmp_path}/./a.txt")])
    assert files(intake) == ["b.txt", "a.txt"]


def test_a_deep_tree_costs_no_recursion(tmp_path):
    levels = [tmp_path]
    for _ in range(1100):   # deeper than Python's recursion limit
        levels.append(levels[-1] / "d")
        levels[-1].mkdir()
    (levels[-1] / "x.txt").write_bytes(DOC)
    try:
        assert files(collect([tmp_path])) == ["x.txt"]
    finally:   # removed here, bottom up: a recursive removal would not get to the bottom
        (levels[-1] / "x.txt").unlink()
        for level in reversed(levels[1:]):
            level.rmdir()


def test_a_missing_file_given_fails_in_its_report(tmp_path):
    intake = collect([tmp_path / "nope.txt"])
    assert errors(intake) == {"nope.txt": f"{tmp_path / 'nope.txt'}: cannot read the file (No such file or directory)"}


@pytest.mark.skipif(os.geteuid() == 0, reason="running as root: every folder is readable")
def test_an_unreadable_folder_fails_with_its_reason(tmp_path):
    (tmp_path / "locked").mkdir()
    (tmp_path / "locked" / "a.txt").write_bytes(DOC)
    (tmp_path / "locked").chmod(0)
    try:
        assert errors(collect([tmp_path])) == {
            "locked": f"{tmp_path / 'locked'}: cannot read the folder (Permission denied)"}
    finally:
        (tmp_path / "locked").chmod(0o700)


# -- symbolic links -------------------------------------------------------------------------------------

def test_a_symlink_in_a_folder_is_skipped_with_its_reason(tmp_path, opened):
    (tmp_path / "a.txt").write_bytes(DOC)
    (tmp_path / "passwd.txt").symlink_to("/etc/passwd")
    intake = collect([tmp_path])
    assert files(intake) == ["a.txt"]
    assert skipped(intake) == {"passwd.txt": (
        "symbolic link", "to /etc/passwd; not followed: --follow-symlinks follows links that stay inside the paths "
                         "given")}
    assert "/etc/passwd" not in opened and str(tmp_path / "passwd.txt") not in opened


def test_a_symlink_given_is_skipped_too(tmp_path):
    (tmp_path / "a.txt").write_bytes(DOC)
    (tmp_path / "link.txt").symlink_to(tmp_path / "a.txt")
    intake = collect([tmp_path / "link.txt"])
    assert intake.documents == [] and skipped(intake)["link.txt"][0] == "symbolic link"


def test_followed_links_stay_inside_the_paths_given(tmp_path):
    docs, outside = tmp_path / "docs", tmp_path / "outside"
    (docs / "sub").mkdir(parents=True)
    outside.mkdir()
    (docs / "a.txt").write_bytes(DOC)
    (outside / "secret.txt").write_bytes(DOC)
    (docs / "sub" / "same.txt").symlink_to("../a.txt")          # inside: the same file as a.txt, taken once
    (docs / "secret.txt").symlink_to(outside / "secret.txt")   # outside
    (docs / "up").symlink_to("..")                              # a folder outside
    (docs / "sub" / "loop").symlink_to("..")                    # a folder inside: a loop
    (docs / "dangling.txt").symlink_to("nowhere.txt")
    (docs / "alias.txt").symlink_to("a.txt")                    # inside, given below
    intake = collect([docs], ImportOptions(follow_symlinks=True))
    assert files(intake) == ["a.txt"]
    reasons = skipped(intake)
    assert reasons["secret.txt"] == ("symbolic link", f"to {outside / 'secret.txt'}, outside the paths given; "
                                                      "never followed")
    assert reasons["up"] == ("symbolic link", "to .., outside the paths given; never followed")
    assert reasons["dangling.txt"][1].startswith("to nowhere.txt, which cannot be read")
    assert set(reasons) == {"secret.txt", "up", "dangling.txt"}
    # a link given is followed within the folder that holds it
    intake = collect([docs / "alias.txt"], ImportOptions(follow_symlinks=True))
    assert intake.files == [docs / "a.txt"]
    assert skipped(collect([docs / "sub" / "same.txt"], ImportOptions(follow_symlinks=True)))["same.txt"][1] == (
        "to ../a.txt, outside the paths given; never followed")   # a link given stays in its own folder
    assert skipped(collect([docs / "secret.txt"], ImportOptions(follow_symlinks=True)))["secret.txt"][1].endswith(
        "outside the paths given; never followed")


def test_a_followed_link_to_a_folder_inside_is_walked(tmp_path):
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "a.txt").write_bytes(DOC)
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "more").symlink_to(tmp_path / "real")
    assert files(collect([tmp_path], ImportOptions(follow_symlinks=True))) == ["a.txt"]
    assert files(collect([tmp_path / "docs"], ImportOptions(follow_symlinks=True))) == []   # outside docs


def test_a_file_that_became_a_link_is_not_read(tmp_path):
    (tmp_path / "a.txt").symlink_to("/etc/passwd")
    with pytest.raises(Unreadable, match="a symbolic link"):
        read_document(tmp_path / "a.txt")


# -- FIFOs, devices, sockets ----------------------------------------------------------------------------

def test_a_fifo_is_never_opened(tmp_path, opened):
    (tmp_path / "a.txt").write_bytes(DOC)
    os.mkfifo(tmp_path / "pipe.txt")
    intake = collect([tmp_path])
    assert files(intake) == ["a.txt"]
    assert skipped(intake) == {"pipe.txt": ("not a regular file", "a FIFO; not opened")}
    intake = collect([tmp_path / "pipe.txt"])
    assert errors(intake) == {"pipe.txt": f"{tmp_path / 'pipe.txt'}: refused: a FIFO, not a regular file; "
                                          "it was not opened"}
    assert str(tmp_path / "pipe.txt") not in opened


def test_a_fifo_read_directly_never_blocks(tmp_path):
    """The open is non-blocking and the type is checked on the descriptor (a file swapped for a FIFO)."""
    os.mkfifo(tmp_path / "pipe.txt")
    with pytest.raises(Unreadable, match="refused: a FIFO, not a regular file; nothing was read"):
        read_document(tmp_path / "pipe.txt")


def test_devices_and_sockets_are_refused(tmp_path, opened, monkeypatch):
    intake = collect([Path("/dev/null"), Path("/dev/zero")])
    assert errors(intake) == {"null": "/dev/null: refused: a character device, not a regular file; it was not opened",
                              "zero": "/dev/zero: refused: a character device, not a regular file; it was not opened"}
    monkeypatch.chdir(tmp_path)   # a socket's path is limited to ~100 bytes: bind it relative
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind("sock")
        assert skipped(collect([tmp_path])) == {"sock": ("not a regular file", "a socket; not opened")}
    assert not {"/dev/null", "/dev/zero", str(tmp_path / "sock")} & set(opened)


def test_a_folder_given_as_a_file_is_walked(tmp_path):
    (tmp_path / "x.txt").mkdir()
    (tmp_path / "x.txt" / "a.txt").write_bytes(DOC)
    assert files(collect([tmp_path / "x.txt"])) == ["a.txt"]


# -- size ------------------------------------------------------------------------------------------------

def test_a_document_over_the_limit_is_refused_from_its_size_unread(tmp_path, opened):
    big = tmp_path / "big.txt"
    with big.open("wb") as f:        # sparse: 30 MB that cost nothing to make
        f.write(DOC)
        f.truncate(30 * 2**20)
    intake = collect([big])
    assert errors(intake) == {"big.txt": f"{big}: refused: the file is 31,457,280 bytes, more than the limit of "
                                         "20,971,520 bytes per document (--max-bytes); it was not read"}
    assert str(big) not in opened
    assert DEFAULT_MAX_BYTES == 20 * 2**20


def test_the_limit_is_an_option_and_applies_in_folders_after_sniffing(tmp_path):
    (tmp_path / "doc").write_bytes(DOC)          # no suffix: recognised by its content, then measured
    (tmp_path / "image").write_bytes(PNG + bytes(10_000))
    intake = collect([tmp_path], ImportOptions(max_bytes=1000))
    assert errors(intake) == {"doc": f"{tmp_path / 'doc'}: refused: the file is {len(DOC):,} bytes, more than the "
                                     "limit of 1,000 bytes per document (--max-bytes); it was not read"}
    assert skipped(intake) == {"image": ("not a document", "a PNG image")}
    assert files(collect([tmp_path], ImportOptions(max_bytes=len(DOC)))) == ["doc"]


def test_a_file_that_grew_past_the_limit_is_not_read_past_it(tmp_path, monkeypatch):
    path = tmp_path / "a.txt"
    path.write_bytes(DOC)
    real_fstat = os.fstat
    monkeypatch.setattr(os, "fstat", lambda fd: os.stat_result((*real_fstat(fd)[:6], 10, *real_fstat(fd)[7:])))
    with pytest.raises(Unreadable, match=r"grew past the limit of 1,000 bytes per document \(--max-bytes\) while it"):
        read_document(path, max_bytes=1000)


def test_the_max_bytes_option_takes_units():
    assert (_size("500"), _size("2K"), _size("20M"), _size("1g"), _size("64KiB")) == (
        500, 2048, 20 * 2**20, 2**30, 65536)
    for bad in ("0", "-1", "ten", "5T", ""):
        with pytest.raises(argparse.ArgumentTypeError, match="not a size in bytes"):
            _size(bad)


# -- content ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("prefix", "what", "text"), [
    (DOC, "", True),
    (b"= Title =\n\nInfobox\n- Date: 1 May 2016\n", "", True),
    ("= Kobanî =\n".encode("utf-16-le"), "", True),                  # UTF-16 without a BOM
    ("= Kobanî =\n".encode("cp1252"), "", True),
    (b"[1] The Battle of X was fought in 1916.\n", "", True),         # a citation is not JSON
    (b"", "an empty file", False),
    (b" \n\t\r\n", "an empty file", False),
    (PNG, "a PNG image", False),
    (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00", "a JPEG image", False),
    (b"GIF89a\x01\x00\x01\x00\x00\x00\x00", "a GIF image", False),
    (b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\n", "a PDF document", True),
    (b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bytes(30), "a ZIP archive (or an Office document)", False),
    (gzip.compress(DOC, mtime=0), "a gzip archive", False),
    (b'{\n  "document": "x.txt",\n  "title": "The X was"', "JSON data", True),
    (b'\xef\xbb\xbf  [{"title": "X"}]', "JSON data", True),
    (b"<!DOCTYPE html>\n<html><body>The X was</body></html>",
     "HTML or XML markup that is not a wiki article or export", True),
    (b'<?xml version="1.0"?><rss><channel>', "HTML or XML markup that is not a wiki article or export", True),
    (b'<?xml version="1.0"?><mediawiki>', "", True),        # an export: a file of documents
    (bytes(range(256)) * 4, "binary data or text in no known encoding", False),
])
def test_sniff(prefix, what, text):
    assert sniff(prefix[:SNIFF_BYTES], whole=len(prefix) <= SNIFF_BYTES) == (what, text)


def test_a_prefix_cut_inside_a_character_is_still_text():
    utf16 = ("= Kobanî =\n" + "Ö" * 5000).encode("utf-16-le")
    assert sniff(utf16[:SNIFF_BYTES - 1]) == ("", True)
    utf8 = ("= Kobanî =\n" + "€" * 5000).encode()
    assert sniff(utf8[:SNIFF_BYTES]) == ("", True)


def test_files_in_folders_that_are_not_documents_are_skipped_and_counted(tmp_path):
    (tmp_path / "doc.txt").write_bytes(DOC)
    (tmp_path / "doc.json").write_text('{"document": "doc.txt", "events": []}', encoding="utf-8")
    (tmp_path / "map.png").write_bytes(PNG)
    (tmp_path / "notes").write_bytes(DOC)       # text without a suffix: a document
    (tmp_path / "broken.txt").write_bytes(PNG)  # named as a document: tried, and fails in the loader
    (tmp_path / "empty").write_bytes(b"")
    intake = collect([tmp_path])
    assert files(intake) == ["broken.txt", "doc.txt", "notes"]
    assert skipped(intake) == {"doc.json": ("not a document", "JSON data"),
                               "empty": ("not a document", "an empty file"),
                               "map.png": ("not a document", "a PNG image")}
    assert [str(s) for s in intake.skipped][0] == f"{tmp_path / 'doc.json'}: skipped: not a document (JSON data)"


def test_a_projects_readme_and_scripts_in_a_folder_are_not_documents(tmp_path):
    """A corpus folder kept with its README and a checking script: their text decodes as a plain
    document would (an import of tests/corpus/ made offensives named "# Development corpus" and
    "#!/usr/bin/env python3"); their names, or a script's first bytes, say what they are."""
    (tmp_path / "doc.txt").write_bytes(DOC)
    (tmp_path / "README.md").write_text("# Development corpus\n\nThe Battle of X was fought in 2015.\n")
    (tmp_path / "check.py").write_text("#!/usr/bin/env python3\nprint('the offensive began')\n")
    (tmp_path / "run").write_text("#!/bin/sh\necho the offensive began\n")
    intake = collect([tmp_path])
    assert files(intake) == ["doc.txt"]
    assert skipped(intake) == {"README.md": ("not a document", "a .md file, by its name; not opened"),
                               "check.py": ("not a document", "a .py file, by its name; not opened"),
                               "run": ("not a document", "a script")}
    given = collect([tmp_path / "README.md"])     # named on the command line: still tried
    assert files(given) == ["README.md"]


def test_files_given_are_tried_and_fail_when_they_are_not_documents(tmp_path):
    (tmp_path / "doc.json").write_text('[{"title": "The Battle of X was fought"}]', encoding="utf-8")
    (tmp_path / "map.png").write_bytes(PNG)
    intake = collect([tmp_path / "doc.json", tmp_path / "map.png"])
    # JSON would decode as text: refused here; an image is refused by the decoder, with its line
    assert errors(intake) == {"doc.json": f"{tmp_path / 'doc.json'}: not a document: JSON data, not the text of an "
                                          "article"}
    assert files(intake) == ["map.png"]
    assert not intake.skipped


# -- the run and its summary -----------------------------------------------------------------------------

def run(*args) -> tuple[str, str | None]:
    out = io.StringIO()
    try:
        call_command("import_sources", *map(str, args), "--no-progress", stdout=out, stderr=out)
    except CommandError as exc:
        return out.getvalue(), str(exc)
    return out.getvalue(), None


@pytest.mark.django_db
def test_skipped_files_are_a_section_of_the_summary_not_failures(tmp_path):
    (tmp_path / "doc.txt").write_bytes(DOC)
    (tmp_path / "doc.json").write_text('{"document": "doc.txt"}', encoding="utf-8")
    (tmp_path / "map.png").write_bytes(PNG)
    (tmp_path / "passwd.txt").symlink_to("/etc/passwd")
    os.mkfifo(tmp_path / "pipe")
    output, error = run(tmp_path)
    assert error is None, output
    lines = output.splitlines()
    at = lines.index("Skipped, not failures (4): 2 not a document, 1 symbolic link, 1 not a regular file.")
    assert lines[at + 1:at + 5] == [
        f"  {tmp_path / 'doc.json'}: skipped: not a document (JSON data)",
        f"  {tmp_path / 'map.png'}: skipped: not a document (a PNG image)",
        f"  {tmp_path / 'passwd.txt'}: skipped: symbolic link (to /etc/passwd; not followed: --follow-symlinks "
        "follows links that stay inside the paths given)",
        f"  {tmp_path / 'pipe'}: skipped: not a regular file (a FIFO; not opened)",
    ]
    assert "Documents: 1 created, 0 updated, 0 unchanged, 0 failed." in output
    assert list(SourceDocument.objects.values_list("name", flat=True)) == ["doc.txt"]


@pytest.mark.django_db
def test_a_run_without_skips_prints_no_skipped_section(tmp_path):
    (tmp_path / "doc.txt").write_bytes(DOC)
    output, error = run(tmp_path)
    assert error is None and "Skipped" not in output


@pytest.mark.django_db
def test_a_run_that_only_skipped_files_succeeds_and_says_so(tmp_path):
    (tmp_path / "passwd.txt").symlink_to("/etc/passwd")
    (tmp_path / "gold.json").write_text("[]", encoding="utf-8")
    output, error = run(tmp_path)
    assert error is None
    assert output.strip().splitlines()[-1] == "No documents to import: every file was skipped."
    assert SourceDocument.objects.count() == 0
    # an empty folder is still an error
    (tmp_path / "empty").mkdir()
    assert run(tmp_path / "empty")[1] == f"No documents found in {tmp_path / 'empty'}"


@pytest.mark.django_db
def test_refused_files_fail_in_the_summary_with_one_line_each(tmp_path):
    (tmp_path / "doc.txt").write_bytes(DOC)
    os.mkfifo(tmp_path / "pipe.txt")
    output, error = run(tmp_path / "doc.txt", tmp_path / "pipe.txt", "/dev/null", tmp_path / "doc.txt",
                        "--max-bytes", "100K")
    assert error == "2 of 3 documents failed (listed above)."
    assert output.splitlines()[-2:] == [
        f"  {tmp_path / 'pipe.txt'}: refused: a FIFO, not a regular file; it was not opened",
        "  /dev/null: refused: a character device, not a regular file; it was not opened"]
    output, error = run(tmp_path / "doc.txt", "--max-bytes", "1K", "--force")
    assert error == "1 of 1 documents failed (listed above)."
    assert f"  {tmp_path / 'doc.txt'}: refused: the file is {len(DOC):,} bytes, more than the limit of 1,024 bytes " \
           "per document (--max-bytes); it was not read" in output.splitlines()


@pytest.mark.django_db
def test_the_run_report_lists_the_skipped_files(tmp_path):
    (tmp_path / "doc.txt").write_bytes(DOC)
    (tmp_path / "gold.json").write_text("{}", encoding="utf-8")
    report = import_paths([tmp_path])
    assert [d.name for d in report.documents] == ["doc.txt"]
    assert report.skipped == [Skipped(str(tmp_path / "gold.json"), "not a document", "JSON data")]
    assert report.statuses == {"created": 1} and not report.failed


@pytest.mark.django_db
def test_a_file_name_with_a_newline_stays_on_one_line(tmp_path):
    bad = tmp_path / "bad\nname.txt"
    bad.write_bytes(b"")
    output, error = run(bad)
    assert error
    assert f"  {tmp_path}/bad\\nname.txt: the file is empty" in output.splitlines()
    assert _one_line("a\u202eb\tc\x85") == "a\\u202eb\tc\\x85"


def test_the_pipeline_reads_documents_through_the_intake(tmp_path, monkeypatch):
    """The loader gets the bytes the intake read (checked on the descriptor), never the path to read again."""
    (tmp_path / "doc.txt").write_bytes(DOC)
    seen = {}

    def parse_file(path, *, data=None, **kwargs):
        seen[path.name] = data
        return pipeline.load.DocumentReport(path=str(path), name=path.name, status="parsed")
    monkeypatch.setattr(pipeline, "unapplied_migrations", lambda: ["x"])
    monkeypatch.setattr(pipeline.load, "parse_file", parse_file)
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail(f"{self} read by path"))
    report = import_paths([tmp_path], options=ImportOptions(dry_run=True))
    assert seen == {"doc.txt": DOC} and report.statuses == {"parsed": 1}


def test_file_kinds_have_names():
    assert pipeline._kind(stat.S_IFIFO) == "a FIFO"
    assert pipeline._kind(stat.S_IFSOCK) == "a socket"
    assert pipeline._kind(stat.S_IFBLK) == "a block device"
