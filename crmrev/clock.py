"""The only place crmrev reads the clock. `--today` (env CRMREV_TODAY) pretends today is that day."""

from __future__ import annotations

import datetime as dt

from crmrev.errors import UsageError

EARLIEST_TODAY = dt.date(1970, 1, 1)
LATEST_TODAY = dt.date(9000, 12, 31)


def today(override: str | None = None) -> dt.date:
    """The calendar day: `override` (YYYY-MM-DD, from --today) when given, else the real one."""
    if not override:
        return dt.date.today()
    try:
        day = dt.date.fromisoformat(override.strip())
    except ValueError:
        raise UsageError(f"--today {override!r} is not a date",
                         hint="use the form YYYY-MM-DD, or unset CRMREV_TODAY") from None
    if not EARLIEST_TODAY <= day <= LATEST_TODAY:
        # Stats look back twelve weeks and forward two; schedules run up to a century ahead.
        raise UsageError(f"--today {override} is outside the days crmrev can schedule",
                         hint=f"use a day from {EARLIEST_TODAY} to {LATEST_TODAY}, or unset CRMREV_TODAY")
    return day


def now_on(day: dt.date) -> dt.datetime:
    """The local time of day, on `day` (which --today may have moved)."""
    return dt.datetime.combine(day, dt.datetime.now().time().replace(microsecond=0))


def stamp() -> str:
    """Now, for naming a file: 20261126T041500."""
    return dt.datetime.now().strftime("%Y%m%dT%H%M%S")
