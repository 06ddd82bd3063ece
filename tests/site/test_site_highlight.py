"""Spans highlighted in a source document: escaped, nested, one anchor per span."""
import re
from html.parser import HTMLParser

from reader.highlight import SpanRecord, highlight


def rec(start, end, kind="event", url="/x/"):
    return SpanRecord(start, end, kind, f"{kind} {start}", url)


class NestingChecker(HTMLParser):
    """Fails on a closing tag that does not close the innermost open element; collects text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.text, self.ids = [], [], []

    def handle_starttag(self, tag, attrs):
        self.stack.append(tag)
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.append(attrs["id"])

    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes {self.stack}"
        self.stack.pop()

    def handle_data(self, data):
        if not self.stack or self.stack[-1] != "a":
            self.text.append(data)


def check(html):
    parser = NestingChecker()
    parser.feed(str(html))
    parser.close()
    assert parser.stack == []
    return "".join(parser.text), parser.ids


def test_text_is_escaped_and_round_trips():
    text = 'A <script>alert("x")</script> & <b>bold</b> sentence.'
    html = highlight(text, [rec(2, 31)])
    assert "<script>" not in html and "&lt;script&gt;" in html
    plain, ids = check(html)
    assert plain == text
    assert ids == ["span-2-31"]


def test_nested_spans_nest():
    text = "On 2 May the army captured Khan Tuman village."
    start = text.index("Khan Tuman")
    html = highlight(text, [rec(0, len(text)), rec(start, start + 10, "place")])
    plain, ids = check(html)
    assert plain == text
    assert ids == [f"span-0-{len(text)}", f"span-{start}-{start + 10}"]
    assert re.search(rf'<mark id="span-0-{len(text)}">On 2 May the army captured '
                     rf'<mark id="span-{start}-{start + 10}">Khan Tuman</mark>', html)


def test_crossing_spans_are_split_without_a_second_id():
    text = "0123456789ABCDEFGHIJ"
    html = highlight(text, [rec(0, 10), rec(5, 15)])
    plain, ids = check(html)
    assert plain == text
    assert ids == ["span-0-10", "span-5-15"]
    assert '<mark class="cont" data-span="span-5-15">' in html


def test_identical_spans_share_one_mark_with_a_link_each():
    text = "Qasem Soleimani led it."
    html = highlight(text, [rec(0, 15, "person", "/p/"), rec(0, 15, "commander", "/c/")])
    _, ids = check(html)
    assert ids == ["span-0-15"]
    assert 'href="/p/"' in html and 'href="/c/"' in html


def test_spans_outside_the_text_or_empty_are_ignored_and_long_ends_clamped():
    text = "short"
    html = highlight(text, [rec(3, 3), rec(10, 20), rec(2, 99)])
    plain, ids = check(html)
    assert plain == text
    assert ids == ["span-2-99"]


def test_record_labels_and_urls_are_escaped():
    html = highlight("abc", [SpanRecord(0, 3, "event", '<img src=x onerror="1">', '/x/?a=1&b="2"')])
    assert "<img" not in html
    assert 'href="/x/?a=1&amp;b=&quot;2&quot;"' in html
