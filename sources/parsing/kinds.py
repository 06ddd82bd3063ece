"""Kind of an event sentence (gold README, "Kinds"). Pure Python, keyword rules.

Ground changing hands (``capture``/``recapture``) or a ``withdrawal`` is the principal outcome
when the main clauses report one (the first mentioned wins); otherwise the first principal action
(attack, counterattack, airstrike, reinforcement, casualties, announcement, other). Subordinate and
purpose clauses ("to recapture", "While retreating", "as the rebels withdrew", "after
recapturing") and quoted speech do not decide the kind.
"""
from __future__ import annotations

import re

_EQUIPMENT = (r"(?:[\w-]+\s+){0,4}?(?:BMP|T-\d+|tanks?|vehicles?|Humvees?|weapon\w*|ammunition"
              r"|equipment|trucks?|"
              r"missiles?|guns?|artillery|rifles?|arms|prisoners?|documents?|supplies|APCs?|drones?|aircraft|"
              r"helicopters?|jets?|boats?|ships?|launchers?|mortars?|howitzers?|cars?|bulldozers?)\b")

_OUTCOMES: list[tuple[str, re.Pattern]] = [
    ("recapture", re.compile(
        r"(?i)\b(?:re-?captur\w*|re-?took|re-?tak(?:e|en|es|ing)|regain\w*|re-?seiz\w*|re-?occup\w*"
        r"|took\s+back|taken\s+back|taking\s+back|won\s+back|re-?conquer\w*)\b")),
    ("capture", re.compile(
        r"(?i)\b(?:captur\w*|seiz\w*|overr[au]n\w*|occup(?:ied|y|ying)|liberat\w*|conquer\w*|"
        r"(?:took|taken|taking|take|gained|seized|assumed)\s+(?:full\s+|complete\s+|effective\s+)?control|"
        r"(?<!still\s)in\s+(?:full\s+|complete\s+)?control\s+of|fell\s+to|secured|under\s+(?!control)[\w-]+\s+control|"
        r"took\s+(?:the|over)\b|taken\s+over|took\s+over)")),
    ("withdrawal", re.compile(
        r"(?i)\b(?:withdr[ae]w\w*|withdrawal|retreat(?:ed|s)?|pulled\s+(?:back|out)|evacuated|(?<!an\s)"
        r"(?<!the\s)(?<!a\s)abandoned|fell\s+back)\b")),
]
_ACTIONS: list[tuple[str, re.Pattern]] = [
    ("counterattack", re.compile(r"(?i)\bcounter[-\s]?(?:attack\w*|offensive\w*|assault\w*|strike\w*)")),
    ("airstrike", re.compile(
        r"(?i)\b(?:air\s*-?\s*strikes?|airstrikes?|air[-\s]raids?|bomb(?:ed|ing|ings|ardment|arded)|aircraft|"
        r"warplanes?|jets|sorties|helicopter\s+gunships?|air\s+support|drone\s+strikes?)\b")),
    ("attack", re.compile(
        r"(?i)\b(?:(?:launch\w*|beg[au]n|start\w*|mount\w*|conduct\w*|carr(?:ied|y)\s+out|initiat\w*|open\w*|"
        r"renew\w*|resum\w*|led|undertook)\s+(?:\S+\s+){0,5}?(?:attacks?|assaults?|offensives?|operations?|"
        r"push|drive|raids?|incursions?|advance|landings?|invasion)\b|(?:offensive|attack|assault|operation|invasion|"
        r"landing)s?\s+(?:of\s+(?:the\s+)?\S+\s+)?(?:was\s+|were\s+|had\s+)?(?:launched|began|begun|started|opened)\b|clashed|landed|(?:re-?)?attack(?:ed|ing)|assault(?:ed|ing)|storm"
        r"(?:ed|ing)|"
        r"shell(?:ed|ing)|ambush\w*|advanc(?:ed|ing)|enter(?:ed|ing)?\b|pushed\s+(?:into|out)|repel\w*|"
        r"besieg\w*|infiltrat\w*|raid(?:ed|ing)|invad\w*|broke\s+through|fought)")),
    ("reinforcement", re.compile(
        r"(?i)\b(?:reinforc\w*|suppl(?:ied|ying)|deliver\w*|arriv(?:ed|ing|al)|deploy\w*|dispatch\w*|"
        r"airlift\w*|redeploy\w*|sent\s+(?:in\s+)?(?:\S+\s+){0,3}?(?:troops|fighters|soldiers|units))\b")),
    ("casualties", re.compile(
        r"(?i)\b(?:kill\w*|wound\w*|dead|died|deaths?|casualt\w*|losses|injur\w*|execut\w*|behead\w*|"
        r"lost\s+(?:at\s+least\s+|about\s+|around\s+|some\s+|over\s+|more\s+than\s+)?(?:\d|several|many"
        r"|dozens|"
        r"hundreds|a\s+number))")),
    ("announcement", re.compile(
        r"(?i)\b(?:stated|said|says|announc\w*|(?<!-)reported(?!ly)|claimed|declared|confirmed|statement|"
        r"denied|acknowledged)\b")),
    ("other", re.compile(
        r"(?i)\b(?:halt\w*|paus\w*|fled|flee\w*|displac\w*|travel\w*|visit\w*|still\s+(?:in\s+control"
        r"|held|holds|"
        r"controlled)|ceasefire|truce|surrender\w*)\b")),
]

_QUOTED = re.compile(r"\"[^\"]*\"|\u201c[^\u201d]*\u201d")
# leading subordinate clause: "While retreating towards X, ..."
_LEADING = re.compile(r"(?i)^(?:while|whilst|as|after|before|when|following|despite|since|although|though|"
                      r"having)\b[^,]*,\s*")
# purpose clauses and the like, up to the next comma
_PURPOSE = re.compile(
    r"(?i)(?<!forced\s)(?<!managed\s)(?<!began\s)(?<!begun\s)(?<!started\s)(?<!had\s)(?<!continued\s)"
    r"(?<!decided\s)(?<!able\s)(?<!going\s)(?<!used\s)(?<!agreed\s)(?<!failed\s)"
    r"\bto\s+(?!the\b|a\b|an\b|its\b|their\b|his\b|her\b|at\b|about\b|around\b|some\b|be\b|have\b|\d)"
    r"[a-z][\w-]*\b[^,;]*")
_AFTER = re.compile(r"(?i),?\s*\b(?:after|before|while\s+\w+ing|as\s+(?!well\b)"
                    r"(?:the\s+)?\w+\s+\w+ed)\b[^,;]*")
_AS_CLAUSE = re.compile(r"(?i),\s*as\s+(?!well\b|part\b|a\b|an\b)[^,;]*")


def _main_clauses(text: str) -> str:
    text = _QUOTED.sub('""', text)
    text = _LEADING.sub("", text)
    text = _AS_CLAUSE.sub("", text)
    text = _AFTER.sub("", text)
    text = _PURPOSE.sub("", text)
    return text


_EQUIPMENT_AFTER = re.compile(_EQUIPMENT, re.I)
_GROUND_AFTER = re.compile(r"(?i)\s*(?:the\s+)?(?:village|town|city|hill|base)")
_EQUIPMENT_BEFORE = re.compile(r"(?i)\b(?:weapon\w*|equipment|vehicles?|tanks?|ammunition|arms)\s+"
                               r"(?:\w+\s+){0,2}$")


def _first(patterns: list[tuple[str, re.Pattern]], text: str) -> tuple[int, str] | None:
    best: tuple[int, str] | None = None
    for label, pattern in patterns:
        for m in pattern.finditer(text):
            if label in ("capture", "recapture") and re.match(r"(?i)(?:re-?)?(?:captur|seiz)", m.group()):
                # what is seized is read where it is, not from a copy of the rest of the sentence (a
                # sentence of 10,000 "seized weapons" copied itself for each)
                after = m.end()
                while after < len(text) and text[after].isspace():
                    after += 1
                if _EQUIPMENT_AFTER.match(text, after) and not _GROUND_AFTER.match(text, m.end()):
                    continue   # seized equipment is not ground
                if _EQUIPMENT_BEFORE.search(text, max(0, m.start() - 300), m.start()):
                    continue   # "the heavy weaponry it seized"
            if best is None or m.start() < best[0]:
                best = (m.start(), label)
            break
    return best


def classify_kind(sentence: str) -> str:
    """One of records.KINDS for an event sentence."""
    text = _main_clauses(sentence)
    outcome = _first(_OUTCOMES, text)
    if outcome:
        return outcome[1]
    action = _first(_ACTIONS, text)
    if action is None:
        return "other"
    if action[1] == "announcement":
        # "X stated that it had carried out airstrikes": the event is what was reported
        m = re.search(r"(?i)\bthat\b(.*)", text[action[0]:])
        if m:
            inner = _first(_ACTIONS[:-2], m.group(1)) or _first(_OUTCOMES, m.group(1))
            if inner:
                return inner[1]
    return action[1]
