"""The date engine on expressions from many wars (none taken from the seed documents)."""
from __future__ import annotations

import datetime

import pytest

from sources.parsing.dates import find_mentions, infer_year, parse_date, resolve_checked
from sources.parsing.infodate import parse_period_report


def d(text: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(text) if text else None


# (text, reference date (latest narrative date) or None, offensive start or None,
#  expected date, expected end_date, expected precision)
CASES = [
    # absolute dates, every common style
    ("The Allies landed in Normandy on 6 June 1944.", None, None, "1944-06-06", None, "day"),
    ("Seoul was recaptured on September 28, 1950.", None, None, "1950-09-28", None, "day"),
    ("The assault on Fallujah began on Nov. 7, 2004.", None, None, "2004-11-07", None, "day"),
    ("Marines reached the river on the 15th of March 1945.", None, None, "1945-03-15", None, "day"),
    ("The attack resumed on March 3rd.", d("1951-02-20"), None, "1951-03-03", None, "day"),
    ("Brigade HQ reported contact on 2016-03-15.", None, None, "2016-03-15", None, "day"),
    ("On Monday, 15 March the division crossed the Rhine.", d("1945-03-10"), None, "1945-03-15", None, "day"),
    ("On Tuesday, September 15, 1950, X Corps landed.", None, None, "1950-09-15", None, "day"),
    ("Kherson was liberated on 11 Nov. 2022.", None, None, "2022-11-11", None, "day"),
    ("The counterattack came on Sept. 3.", d("1943-08-20"), None, "1943-09-03", None, "day"),
    ("Fighting stopped on 15 Oct.", d("1973-10-06"), None, "1973-10-15", None, "day"),
    ("On 9 April, the city fell.", None, d("2003-03-20"), "2003-04-09", None, "day"),
    ("The Houthis attacked Marib on 8 February.", d("2021-02-01"), None, "2021-02-08", None, "day"),
    # the year: December -> January rollover and back
    ("On 1 January, the Soviets attacked again.", d("1942-12-28"), None, "1943-01-01", None, "day"),
    ("On 30 December, the bridgehead was lost.", d("1951-01-03"), None, "1950-12-30", None, "day"),
    ("By 5 January the pocket was sealed.", None, d("1942-11-19"), "1943-01-05", None, "day"),
    # ranges
    ("On the night of 3–4 June, commandos raided the port.", d("1942-05-30"), None,
     "1942-06-03", "1942-06-04", "day"),
    ("Heavy fighting raged on 3-4 June 1942.", None, None, "1942-06-03", "1942-06-04", "day"),
    ("The offensive ran from 5 to 9 May 1945.", None, None, "1945-05-05", "1945-05-09", "day"),
    ("Shelling went on between 5 May and 2 June.", d("2022-05-01"), None, "2022-05-05", "2022-06-02", "day"),
    ("The siege lasted from 28 December 2016 to 3 January 2017.", None, None, "2016-12-28", "2017-01-03",
     "day"),
    ("Iraqi troops advanced between 29 December and 4 January.", d("2016-12-20"), None, "2016-12-29",
     "2017-01-04", "day"),
    ("Between 12 and 15 August, the ridge changed hands.", d("1950-08-01"), None, "1950-08-12", "1950-08-15",
     "day"),
    ("The division attacked on March 3–5, 2003.", None, None, "2003-03-03", "2003-03-05", "day"),
    ("Raids were carried out from July 10 to August 2, 1943.", None, None, "1943-07-10", "1943-08-02", "day"),
    # month and year precision
    ("In March, the Marines moved north.", d("1951-01-25"), None, "1951-03-01", None, "month"),
    ("By mid-April the front had stabilised.", d("1951-03-20"), None, "1951-04-01", None, "month"),
    ("In mid-March 2016, the army retook Palmyra.", None, None, "2016-03-01", None, "month"),
    ("Reinforcements arrived in early March 2016.", None, None, "2016-03-01", None, "month"),
    ("In late August 2014, ISIL executed hundreds.", None, None, "2014-08-01", None, "month"),
    ("The town had been lost in July 1941.", None, None, "1941-07-01", None, "month"),
    ("The plan was drafted at the end of May 1940.", None, None, "1940-05-01", None, "month"),
    ("In 2016, the coalition intensified its air campaign.", None, None, "2016-01-01", None, "year"),
    ("The militia was founded in early 2013.", None, None, "2013-01-01", None, "year"),
    ("Construction of the line began during 1942.", None, None, "1942-01-01", None, "year"),
    ("The Korean War began in June 1950.", None, None, "1950-06-01", None, "month"),
    ("The city had been contested since early 2014.", None, None, "2014-01-01", None, "year"),
    # a month range without a year after a preposition
    ("Through June and July, ISIL held out in the city.", d("2016-05-20"), None, "2016-06-01", "2016-07-01",
     "month"),
    ("Shelling went on during May and June.", d("2022-04-20"), None, "2022-05-01", "2022-06-01", "month"),
    # relative to the latest narrative date
    ("The following day, the Germans counterattacked.", d("1944-06-06"), None, "1944-06-07", None, "day"),
    ("The day after, the bridge was blown.", d("1944-09-17"), None, "1944-09-18", None, "day"),
    ("The next morning, tanks entered the town.", d("2022-09-08"), None, "2022-09-09", None, "day"),
    ("Two days later, Ramadi fell.", d("2015-05-15"), None, "2015-05-17", None, "day"),
    ("A week later, the airport was captured.", d("1941-05-20"), None, "1941-05-27", None, "day"),
    ("Ten days later, the city surrendered.", d("1945-04-25"), None, "1945-05-05", None, "day"),
    ("That evening, the Houthis shelled the port.", d("2018-06-13"), None, "2018-06-13", None, "day"),
    ("Later that night, the convoy was ambushed.", d("2004-04-04"), None, "2004-04-04", None, "day"),
    # a part of the day without a date is the narrative's day
    ("In the late afternoon, the Marines went over the sea wall.", d("1950-09-15"), None, "1950-09-15", None,
     "day"),
    ("Shortly before noon, helicopters brought in reinforcements.", d("1963-01-02"), None, "1963-01-02", None,
     "day"),
    ("The previous day, rebels had cut the road.", d("2015-10-20"), None, "2015-10-19", None, "day"),
    ("The same day, Vietnamese troops took Hue.", d("1968-01-31"), None, "1968-01-31", None, "day"),
    ("Two weeks later, the offensive stalled.", d("1950-11-25"), None, "1950-12-09", None, "day"),
    # relative to the offensive's start
    ("Two months before the offensive, the Wehrmacht massed armour.", None, d("1943-07-05"), "1943-05-01",
     None, "month"),
    ("Three days before the operation, scouts crossed the river.", None, d("1944-06-22"), "1944-06-19", None,
     "day"),
]


@pytest.mark.parametrize("text,ref,start,date,end_date,precision", CASES)
def test_date_expressions(text, ref, start, date, end_date, precision):
    got = parse_date(text, ref=ref, start=start)
    assert got is not None, text
    assert (got.date, got.end_date, got.precision) == (d(date), d(end_date), precision)


@pytest.mark.parametrize("text", [
    "The attack may have been designed to coincide with a rebel offensive.",
    "The clashes over the next 24 hours left 30 dead.",
    "The 800th Regiment held the airbase with T-90 tanks.",
    "A two-year siege ended; 2,000 fighters and 341 sqkm were involved.",
    "He led the Long March as a young man.",
    "The 2014 offensive was a failure.",
    "May and June were the wettest months.",
])
def test_no_date_in_non_dates(text):
    assert [m.text for m in find_mentions(text) if not m.relative] == []


def test_first_expression_wins_and_offsets_point_at_it():
    text = "By the end of 11 November, the rebels advanced, but on 12 November they stopped."
    mentions = find_mentions(text)
    assert [text[m.start:m.end] for m in mentions] == ["11 November", "12 November"]
    assert parse_date(text, year=2015).date == datetime.date(2015, 11, 11)


def test_infer_year_picks_the_nearest():
    assert infer_year(1, 2, datetime.date(2016, 12, 20)) == 2017
    assert infer_year(12, 30, datetime.date(2017, 1, 3)) == 2016
    assert infer_year(6, 1, datetime.date(2016, 5, 1)) == 2016


def test_unresolvable_without_reference():
    assert parse_date("On 5 May, the town fell.") is None
    assert parse_date("The next day, the town fell.") is None
    assert parse_date("One month before the offensive, the army massed.") is None


# ---------------------------------------------------------------- impossible dates (issue 15)

@pytest.mark.parametrize(("text", "why"), [
    ("On 31 February 2016, the army attacked.", "February 2016 has 29 days"),
    ("On 29 February 2015, the army attacked.", "February 2015 has 28 days"),
    ("On 0 October, rebels attacked.", "days start at 1"),
    ("On 0 October 2015, rebels attacked.", "days start at 1"),
    ("On 32 December, the town fell.", "December has 31 days"),
    ("On 45 March, the town fell.", "March has 31 days"),
    ("On March 35, 2016, the town fell.", "March 2016 has 31 days"),
    ("On 13/45/2015 the town fell.", "no such day and month"),
    ("On 31/31/31 the town fell.", "is not a date"),
    ("On 3/4/2015 the town fell.", "ambiguous"),
    ("Logged as 2015-13-45 by the brigade.", "no month 13"),
    ("On 3 May 9999 the army attacked.", "the year 9999 is outside"),
    ("On 3 May 0, the army attacked.", "the year 0 is outside"),
    ("On 3 May -500 the army attacked.", "the year -500 is outside"),
    ("On 3 May 500 BC the army attacked.", "the year 500 BC is outside"),
    ("In 500 BC, the army attacked.", "the year 500 BC is outside"),
    ("In March 2100, the army attacked.", "the year 2100 is outside"),
])
def test_impossible_expressions_are_errors_that_hide_lesser_readings(text, why):
    assert find_mentions(text) == []            # no "February 2016" left over from "31 February 2016"
    (mention,) = find_mentions(text, errors=True)
    assert why in mention.error
    assert parse_date(text, ref=datetime.date(2015, 10, 1)) is None
    assert resolve_checked(mention, ref=datetime.date(2015, 10, 1)) == (None, mention.error)


@pytest.mark.parametrize(("text", "date"), [
    ("On 12 October 300 rebels attacked.", "2015-10-12"),     # a count after the date, not a year
    ("in May 35 soldiers were killed", "2015-05-01"),         # a count after the month, not a day
    ("On 15/3/2016 the town fell.", "2016-03-15"),            # only one reading is a date
    ("On the night of 5/6 June 1944, commandos landed.", "1944-06-06"),
])
def test_numbers_next_to_dates_that_are_not_errors(text, date):
    assert parse_date(text, ref=datetime.date(2015, 10, 1)).date.isoformat() == date


def test_29_february_in_an_inferred_year():
    (mention,) = find_mentions("On 29 February, the army attacked.")
    resolved, why = resolve_checked(mention, ref=datetime.date(2015, 3, 10))
    assert resolved is None and "not a date in 2015" in why
    resolved, why = resolve_checked(mention, ref=datetime.date(2016, 3, 10))
    assert resolved.date == datetime.date(2016, 2, 29) and why is None


@pytest.mark.parametrize("text", [
    "Between 30 and 2 October, the army shelled the town.",
    "From 30 October to 2 October 2015, the army shelled the town.",
    "Between 5 May 2016 and 2 June 2015, the army shelled the town.",
])
def test_reversed_ranges_keep_the_start_and_lose_the_end(text):
    (mention,) = find_mentions(text)
    resolved, why = resolve_checked(mention, ref=datetime.date(2015, 10, 1))
    assert resolved.end_date is None and resolved.date.day in (30, 5)
    assert "ends before it starts" in why


def test_a_range_over_new_year_is_not_reversed():
    (mention,) = find_mentions("Between 29 December and 4 January, the army shelled the town.")
    resolved, why = resolve_checked(mention, ref=datetime.date(2016, 12, 20))
    assert (resolved.date, resolved.end_date, why) == (d("2016-12-29"), d("2017-01-04"), None)


def test_relative_offsets_beyond_the_calendar():
    (mention,) = find_mentions("99999999999 days later, the town fell.")
    assert resolve_checked(mention, ref=datetime.date(2015, 10, 1)) == (
        None, "'99999999999 days later' gives a date beyond the calendar")
    (mention,) = find_mentions("Fifteen years later, the town fell.")
    resolved, why = resolve_checked(mention, ref=datetime.date(2020, 10, 1))
    assert resolved is None and "out of range" in why


@pytest.mark.parametrize(("value", "start", "end", "warning"), [
    ("30 – 2 October 2015", "2015-10-30", None, "ends before it starts"),
    ("Between 30 and 2 October 2015", "2015-10-30", None, "ends before it starts"),
    ("5 May 2016 – 2 June 2015", "2016-05-05", None, "ends before it starts"),
    ("30 December 2015 – 2 January 2015", "2015-12-30", None, "ends before it starts"),
    ("1943 – 1942", "1943-01-01", None, "ends before it starts"),
    ("16 October 2015 – 3 May 9999", "2015-10-16", None, "the year 9999 is outside"),
    ("31 February 2016", None, None, "February 2016 has no day 31"),
    ("0 October 2015", None, None, "October 2015 has no day 0"),
    ("3 May 9999", None, None, "the year 9999 is outside"),
    ("500 BC", None, None, "the year 500 BC is outside"),
    ("-500", None, None, "the year -500 is outside"),
    ("Between 30 and 2 October", None, None, "states no year, and ends before it starts"),
    # a year change the months show is not a reversal
    ("28 December – 3 January 1944", "1943-12-28", "1944-01-03", None),
    ("December 1943 – January", "1943-12-01", "1944-01-01", None),
    ("December – January 1944", "1943-12-01", "1944-01-01", None),
])
def test_infobox_periods_report_what_they_drop(value, start, end, warning):
    s, e, _ok, warnings = parse_period_report(value)
    assert (s.date.isoformat() if s else None, e.date.isoformat() if e else None) == (start, end)
    if warning is None:
        assert warnings == []
    else:
        (message,) = warnings
        assert warning in message and repr(value) in message
