"""Everything a person sees: the Rich views, the keypress loop and the scripted line protocol."""

from __future__ import annotations

from crmrev.ui.interactive import LEGEND, run_interactive
from crmrev.ui.keys import GetcharKeys, Keys, cbreak
from crmrev.ui.scripted import run_scripted
from crmrev.ui.views import (
    due_table,
    make_console,
    note_to_show,
    nothing_to_review_lines,
    render_summary,
    safe,
    siblings_line,
    stats_view,
    summary_lines,
)

__all__ = ["LEGEND", "GetcharKeys", "Keys", "cbreak", "due_table", "make_console", "note_to_show",
           "nothing_to_review_lines", "render_summary", "run_interactive", "run_scripted", "safe",
           "siblings_line", "stats_view", "summary_lines"]
