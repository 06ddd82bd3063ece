"""Generated hostile documents for the parsing layer, by size (issue 15).

Each shape is ``make(n) -> str``: n sections, lines, markers, keys... ``test_hostile_parsing.py``
parses them at a small n and checks what comes out; ``bench/fuzz.py`` times them at a size of about
a megabyte (and the two documents of the issue: 20,000 headings, 20,000 dated lines).
"""
from __future__ import annotations

import datetime

DAY0 = datetime.date(2015, 1, 1)
HEAD = "= Hostile offensive (2015) =\n\nInfobox\n- Date: 1 January – 31 December 2015\n- Combatant1: Syria\n\n"
PLAIN_LEAD = ("Government victory Syria Syrian Army 5,000 fighters The Hostile offensive in January 2015 was a "
              "military operation launched on 1 January 2015 by the Syrian Army.")


def day(i: int) -> datetime.date:
    return DAY0 + datetime.timedelta(days=i % 365)


def dated(i: int) -> str:
    d = day(i)
    return f"On {d.day} {d:%B} {d.year}, government forces captured Kafr{i}."


def headings(n: int) -> str:
    """The 20,000-heading file of issue 15: n sections, each a heading and one dated sentence."""
    return HEAD + "".join(f"==Section {i}==\n{dated(i)}\n\n" for i in range(n))


def plain_lines(n: int) -> str:
    """A plain document of n dated lines, each after a citation marker."""
    return PLAIN_LEAD + "\n" + "\n".join(f"[{i}] {dated(i)}" for i in range(n))


SHAPES = {
    "20,000-heading document": (headings, 20000),
    "20,000-line plain document": (plain_lines, 20000),
    "one line of n sentences": (lambda n: HEAD + " ".join(dated(i) for i in range(n)) + "\n", 20000),
    "plain line 1 of n names": (lambda n: "Government victory " + " ".join(f"Name{i} Force" for i in range(n))
                                + " " + PLAIN_LEAD + "\n", 50000),
    "n citation markers": (lambda n: HEAD + "On 3 May 2015, the army attacked" + "".join(f"[{i}]" for i in range(n))
                           + " Tal.\n", 150000),
    "n '*' unit markers": (lambda n: HEAD.replace("- Combatant1: Syria", "- Units1: A, " + "*" * n + " Deep")
                           + dated(0) + "\n", 1000000),
    "a title of n characters": (lambda n: "= " + "T" * n + " =\n\n" + dated(0) + "\n", 1000000),
    "an infobox of n keys": (lambda n: "= T =\n\nInfobox\n" + "".join(f"- Key{i}: value {i}\n" for i in range(n))
                             + "\n" + dated(0) + "\n", 50000),
    "a line of n '='": (lambda n: HEAD + "=" * n + "\n" + dated(0) + "\n", 1000000),
    "an unterminated heading of n characters": (lambda n: HEAD + "==" + "H " * n + "\n" + dated(0) + "\n", 500000),
    "an infobox key padded with n spaces": (lambda n: "= T =\n\nInfobox\n- Place" + " " * n + "x: y\n\n"
                                            + dated(0) + "\n", 1000000),
    "a commander with n KIA markers": (lambda n: HEAD.replace("- Combatant1: Syria", "- Commander1: Ali" + " KIA" * n)
                                       + dated(0) + "\n", 250000),
    "n stops without a space": (lambda n: HEAD + "On 3 May 2015 x" + "." * n + "\n", 1000000),
    "n open quotes": (lambda n: HEAD + " ".join(f'{dated(i)} "Quote' for i in range(n)) + "\n", 20000),
    "n bracketed dates": (lambda n: HEAD + "The army attacked " + " ".join("(20 October 2015)" for _ in range(n))
                          + ".\n", 60000),
    "n 'days later'": (lambda n: HEAD + "On 20 October 2015 " + " ".join("three days later" for _ in range(n))
                       + ".\n", 60000),
    "n 'launched' without a stop": (lambda n: PLAIN_LEAD + "\nOn 5 May 2015 they " + "launched " * n + "\n", 100000),
    "n places in one sentence": (lambda n: HEAD + "On 20 October 2015 the army captured "
                                 + ", ".join(f"Kafr{i}" for i in range(n)) + " and Tal.\n", 60000),
    "n 'seized weapons'": (lambda n: HEAD + "On 20 October 2015 the army "
                           + " ".join("seized weapons" for _ in range(n)) + ".\n", 60000),
}
