"""The only place crmrev reads the clock. CRMREV_TODAY=YYYY-MM-DD pretends today is that day."""

from __future__ import annotations

import datetime as dt
import os

from crmrev.errors import UsageError


def today() -> dt.date:
    override = os.environ.get("CRMREV_TODAY")
    if not override:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(override.strip())
    except ValueError:
        raise UsageError(f"CRMREV_TODAY={override!r} is not a date",
                         hint="use the form YYYY-MM-DD, or unset it") from None


def now() -> dt.datetime:
    """Local time of day, on the (possibly overridden) calendar day."""
    current = dt.datetime.now().replace(microsecond=0)
    return dt.datetime.combine(today(), current.time())
