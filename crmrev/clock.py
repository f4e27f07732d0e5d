"""The only place crmrev reads the clock, and the one rule for which study day "now" belongs to.

A study day starts at the learner's `day-starts-at` hour (default 04:00 local time, as in Anki), not
at midnight: an answer at 00:30 still belongs to the evening's session, for the streak, the new-card
allowance, the same-day rule and every other day-based figure.

For trying things out and for tests, `--today` (env CRMREV_TODAY) pretends today is a given study day,
and CRMREV_NOW pretends the local time is a given moment (YYYY-MM-DDTHH:MM[:SS], optionally with a
UTC offset); the study day then follows from it by the same rule.
"""

from __future__ import annotations

import datetime as dt
import os

from crmrev.errors import UsageError

EARLIEST_TODAY = dt.date(1970, 1, 1)
LATEST_TODAY = dt.date(9000, 12, 31)
NOW_VARIABLE = "CRMREV_NOW"


def _in_range(day: dt.date, what: str, variable: str) -> dt.date:
    if not EARLIEST_TODAY <= day <= LATEST_TODAY:
        # Stats look back twelve weeks and forward two; schedules run up to a century ahead.
        raise UsageError(f"{what} is outside the days crmrev can schedule",
                         hint=f"use a day from {EARLIEST_TODAY} to {LATEST_TODAY}, or unset {variable}")
    return day


def now() -> dt.datetime:
    """The local time, with its UTC offset: the real one, or CRMREV_NOW's."""
    fake = os.environ.get(NOW_VARIABLE, "").strip()
    if not fake:
        return dt.datetime.now().astimezone().replace(microsecond=0)
    if len(fake) <= len("2026-11-26"):  # a date alone would be midnight: yesterday's study day
        raise UsageError(f"{NOW_VARIABLE}={fake!r} has no time of day",
                         hint="give one (2026-11-26T09:00), or set the study day with CRMREV_TODAY")
    try:
        moment = dt.datetime.fromisoformat(fake)
    except ValueError:
        raise UsageError(f"{NOW_VARIABLE}={fake!r} is not a date and time",
                         hint="use the form 2026-11-26T00:30 (or unset it)") from None
    _in_range(moment.date(), f"{NOW_VARIABLE}={fake}", NOW_VARIABLE)
    # A moment without an offset is local time, as a learner would write it.
    return (moment if moment.tzinfo else moment.astimezone()).replace(microsecond=0)


def study_day(moment: dt.datetime, day_starts_at: int) -> dt.date:
    """The study day `moment` belongs to: before `day_starts_at` o'clock it is still yesterday."""
    return (moment - dt.timedelta(hours=day_starts_at)).date()


def today(override: str | None = None, day_starts_at: int = 0) -> dt.date:
    """The study day: `override` (YYYY-MM-DD, from --today) when given, else now's."""
    if not override:
        return study_day(now(), day_starts_at)
    try:
        day = dt.date.fromisoformat(override.strip())
    except ValueError:
        raise UsageError(f"--today {override!r} is not a date",
                         hint="use the form YYYY-MM-DD, or unset CRMREV_TODAY") from None
    return _in_range(day, f"--today {override}", "CRMREV_TODAY")


def now_on(day: dt.date, day_starts_at: int) -> dt.datetime:
    """The local time of an answer given on study day `day`. When --today moved the day, the time
    of day is kept and the date is the pretended one."""
    moment = now()
    if study_day(moment, day_starts_at) == day:
        return moment  # the clock agrees with the study day (after midnight, the next date does too)
    # Before the day starts, the time belongs to the pretended study day's night: the next date.
    date = day + dt.timedelta(days=1) if moment.hour < day_starts_at else day
    return moment.replace(year=date.year, month=date.month, day=date.day)


def stamp() -> str:
    """Now, for naming a file: 20261126T041500."""
    return dt.datetime.now().strftime("%Y%m%dT%H%M%S")
