"""The study day starts at the `day-starts-at` hour (default 04:00), not at midnight.

An answer at 00:30 belongs to the evening's study day, in every figure: the review log, the new-card
allowance, what is due, the streak and heatmap, the forecast, the exam countdown and the same-day
rule. The local time is faked with CRMREV_NOW; every expected day below follows from the rule by
hand (00:30 on the 27th, before the day starts, is the 26th), never from the program's output.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from crmrev import clock
from tests.helpers import POSIX_ONLY, entries, env_for, finish, reveal_and_grade

# The evening's study day, D, and the moments around the night after it.
D = dt.date(2026, 11, 26)
D1 = D + dt.timedelta(days=1)
EVENING = "2026-11-26T21:00"
LATE_EVENING = "2026-11-26T23:50"
AFTER_MIDNIGHT = "2026-11-27T00:30"
NEW_PER_DAY = 20   # the default new-per-day setting
DECK_SIZE = 50     # more than two days' allowance


def deck_text(size: int = DECK_SIZE) -> str:
    cards = "\n".join(f"- {{id: n{i:02d}, type: concept, front: Card {i:02d}?, back: Answer {i:02d}.}}"
                      for i in range(size))
    return f"id: night\ntitle: Night deck\ncards:\n{cards}\n"


def card_id(i: int) -> str:
    return f"n{i:02d}"


@dataclass
class Crm:
    """crmrev with the day-starts-at setting given one way (default, --set, env or file)."""

    invoke: object
    decks: Path
    progress: Path
    hour: int
    via: str
    extra_env: dict = field(default_factory=dict)

    def after_boundary(self) -> str:
        """Half an hour after the study day D + 1 starts."""
        return f"{D1.isoformat()}T{self.hour:02d}:30"

    def _setting(self, env: dict) -> tuple[str, ...]:
        """Give the setting as `via` says: adds to `env`, returns the root options to put first."""
        if self.via == "env":
            env["CRMREV_DAY_STARTS_AT"] = str(self.hour)
        if self.via == "option":
            return ("--set", f"day-starts-at={self.hour}")
        return ()  # the default, or the settings file make_crm wrote

    def run(self, *args: str, now: str | None = None, input: str | None = None, env: dict | None = None,
            ok: bool = True):
        env = {**self.extra_env, **(env or {})}
        if now is not None:
            env["CRMREV_NOW"] = now
        result = self.invoke(*self._setting(env), *args, input=input, env=env)
        if ok:
            assert result.exit_code == 0, result.output
        return result

    def review(self, now: str, grades: list[int], *args: str):
        """A scripted session at `now`; returns the log lines it added."""
        before = len(entries(self.progress))
        self.run("review", "--decks", self.decks, *args, now=now,
                 input="".join(f"{grade}\n" for grade in grades))
        return entries(self.progress)[before:]

    def terminal_review(self, now: str, grade: str, *args: str) -> list[dict]:
        """A session in a real pseudo-terminal at `now`: reveal and grade one card, then quit."""
        import pexpect

        env = {**self.extra_env, "CRMREV_NOW": now, "CRMREV_GRADING": "six", "TERM": "xterm-256color",
               "COLUMNS": "100"}
        prefix = self._setting(env)
        before = len(entries(self.progress))
        child = pexpect.spawn(sys.executable, ["-m", "crmrev", *prefix, "review", "--decks", str(self.decks),
                                               *args], env=env_for(self.progress, None, **env),
                              encoding="utf-8", dimensions=(40, 100), timeout=20)
        child.expect("Question")
        reveal_and_grade(child, grade)
        assert finish(child) == 0
        return entries(self.progress)[before:]

    def json(self, command: str, now: str, *args: str) -> dict:
        decks = ("--decks", self.decks) if command in ("due", "stats") else ()
        return json.loads(self.run(command, "--json", *decks, *args, now=now).stdout)


# day-starts-at: the default, and other hours given by each way a setting can be given.
HOURS = [pytest.param((4, "default"), id="default-4"), pytest.param((2, "option"), id="set-2"),
         pytest.param((7, "env"), id="env-7"), pytest.param((5, "file"), id="file-5")]


def make_crm(invoke, tmp_path: Path, progress: Path, hour: int, via: str) -> Crm:
    decks = tmp_path / "decks"
    decks.mkdir(exist_ok=True)
    (decks / "night.yaml").write_text(deck_text())
    if via == "file":
        result = invoke("config", "set", "day-starts-at", str(hour))
        assert result.exit_code == 0, result.output
    return Crm(invoke, decks, progress, hour, via)


@pytest.fixture(params=HOURS)
def crm(request, invoke, tmp_path, progress_path) -> Crm:
    hour, via = request.param
    return make_crm(invoke, tmp_path, progress_path, hour, via)


@pytest.fixture
def default_crm(invoke, tmp_path, progress_path) -> Crm:
    """Where one hour is enough: the default 04:00."""
    return make_crm(invoke, tmp_path, progress_path, 4, "default")


# ---------------------------------------------------------------- clock.study_day


@pytest.mark.parametrize(("moment", "starts_at", "expected"), [
    ("2026-11-27T00:00", 4, "2026-11-26"),
    ("2026-11-27T00:30", 4, "2026-11-26"),
    ("2026-11-27T03:59:59", 4, "2026-11-26"),
    ("2026-11-27T04:00", 4, "2026-11-27"),
    ("2026-11-27T04:01", 4, "2026-11-27"),
    ("2026-11-27T23:59", 4, "2026-11-27"),
    ("2027-01-01T00:30", 4, "2026-12-31"),   # across a year
    ("2028-03-01T01:00", 4, "2028-02-29"),   # across a leap day
    ("2026-11-27T06:59", 7, "2026-11-26"),
    ("2026-11-27T07:00", 7, "2026-11-27"),
    ("2026-11-27T00:00", 0, "2026-11-27"),
    ("2026-11-26T23:59", 0, "2026-11-26"),
    ("2026-11-27T22:59", 23, "2026-11-26"),
    ("2026-11-27T23:00", 23, "2026-11-27"),
])
def test_study_day_around_the_boundary(moment, starts_at, expected):
    assert clock.study_day(dt.datetime.fromisoformat(moment), starts_at) == dt.date.fromisoformat(expected)


@pytest.mark.parametrize(("moment", "starts_at", "expected"), [
    ("2026-11-27T00:30-05:00", 4, "2026-11-26"),
    ("2026-11-27T00:30+05:30", 4, "2026-11-26"),
    # Local time in its own offset decides, not UTC: 05:00+09:00 is 20:00 UTC on the 26th.
    ("2026-11-27T05:00+09:00", 4, "2026-11-27"),
    # 03:30-05:00 is 08:30 UTC on the 27th; locally it is still the night after the 26th.
    ("2026-11-27T03:30-05:00", 4, "2026-11-26"),
    ("2026-11-27T00:30+00:00", 0, "2026-11-27"),
])
def test_study_day_of_an_aware_moment_uses_its_local_time(moment, starts_at, expected):
    aware = dt.datetime.fromisoformat(moment)
    assert aware.tzinfo is not None
    assert clock.study_day(aware, starts_at) == dt.date.fromisoformat(expected)


def test_now_and_today_follow_crmrev_now(monkeypatch):
    monkeypatch.setenv("CRMREV_NOW", "2026-11-27T00:30+05:30")
    assert clock.now() == dt.datetime(2026, 11, 27, 0, 30, tzinfo=dt.timezone(dt.timedelta(hours=5, minutes=30)))
    assert clock.today(None, 4) == D
    assert clock.today(None, 0) == D1
    assert clock.today("2026-03-02", 4) == dt.date(2026, 3, 2)  # --today wins


# ---------------------------------------------------------------- 1. the review log


def test_log_day_is_the_previous_study_day_and_at_is_the_real_moment(crm):
    log = crm.review(AFTER_MIDNIGHT, [4], "--limit", "1")
    assert len(log) == 1
    line = log[0]
    assert line["day"] == D.isoformat()
    assert re.fullmatch(r"2026-11-27T00:30:00[+-]\d\d:\d\d", line["at"]), line["at"]
    at = dt.datetime.fromisoformat(line["at"])
    # A moment without an offset is local time: the offset is the local one at that moment.
    assert at.utcoffset() == dt.datetime(2026, 11, 27, 0, 30).astimezone().utcoffset()
    assert "ms" not in line   # a script's answers are not timed (a person's are: see below)
    assert line["grade"] == 4 and line["kind"] == "first"


@POSIX_ONLY
def test_log_of_an_answer_at_the_keys_at_night(crm):
    """The same at the keys in a real terminal, where the answer is timed: "ms" is logged."""
    line, = crm.terminal_review(AFTER_MIDNIGHT, "4", "--limit", "1")
    assert line["day"] == D.isoformat()
    assert re.fullmatch(r"2026-11-27T00:30:00[+-]\d\d:\d\d", line["at"]), line["at"]
    assert type(line["ms"]) is int and line["ms"] >= 0
    assert line["grade"] == 4 and line["kind"] == "first"


def test_log_after_the_boundary_is_the_new_study_day(crm):
    line, = crm.review(crm.after_boundary(), [4], "--limit", "1")
    assert line["day"] == D1.isoformat()
    assert line["at"].startswith(f"{crm.after_boundary()}:00")


@pytest.mark.parametrize(("now", "today", "at"), [
    ("2026-11-26T10:19", "2026-11-25", "2026-11-25T10:19"),  # --today yesterday: the time moves with it
    ("2026-11-27T00:30", "2026-11-26", "2026-11-27T00:30"),  # the study day's own night: kept
    ("2026-11-27T10:19", "2026-11-26", "2026-11-26T10:19"),
    ("2026-11-27T00:30", "2026-11-25", "2026-11-26T00:30"),  # after midnight: the pretended day's night
])
def test_at_follows_a_pretended_day(default_crm, now, today, at):
    """An answer given with --today is logged on the pretended day: the review log's time (which the
    Anki export uses) must not put it on the real date. `--today` yesterday once kept the real date."""
    line, = default_crm.review(now, [4], "--limit", "1", "--today", today)
    assert line["day"] == today
    assert line["at"].startswith(at), line["at"]


@pytest.mark.parametrize(("now", "day"), [
    ("2026-11-27T00:30+05:30", "2026-11-26"),
    ("2026-11-27T00:30-08:00", "2026-11-26"),
    ("2026-11-27T05:00+09:00", "2026-11-27"),   # the 26th in UTC, but past 04:00 where it was
    ("2026-11-27T03:30-05:00", "2026-11-26"),   # the 27th in UTC, but before 04:00 where it was
])
def test_log_keeps_an_explicit_offset(default_crm, now, day):
    line, = default_crm.review(now, [4], "--limit", "1")
    assert line["day"] == day
    assert dt.datetime.fromisoformat(line["at"]) == dt.datetime.fromisoformat(now)
    assert line["at"] == dt.datetime.fromisoformat(now).isoformat(timespec="seconds")


# ---------------------------------------------------------------- 2. the new-card allowance


def test_new_card_allowance_is_shared_by_the_evening_and_the_night(crm):
    introduced = 3
    log = crm.review(EVENING, [4] * introduced, "--limit", str(introduced))
    assert len(log) == introduced
    night = crm.json("due", AFTER_MIDNIGHT)
    assert night["today"] == D.isoformat()
    assert night["new_today"] == NEW_PER_DAY - introduced
    assert night["due_today"] == 0
    morning = crm.json("due", crm.after_boundary())
    assert morning["today"] == D1.isoformat()
    assert morning["new_today"] == NEW_PER_DAY
    assert morning["due_today"] == introduced   # first grade 4: due one day later


def test_review_at_night_introduces_only_what_is_left_of_the_day(crm):
    introduced = 3
    crm.review(EVENING, [4] * introduced, "--limit", str(introduced))
    night = crm.review(AFTER_MIDNIGHT, [4] * DECK_SIZE)
    assert len(night) == NEW_PER_DAY - introduced
    assert {line["day"] for line in night} == {D.isoformat()}
    assert {line["kind"] for line in night} == {"first"}
    assert not {line["card"] for line in night} & {card_id(i) for i in range(introduced)}
    # The next study day: every card seen on D is due (first grade 4: one day), and a whole new allowance.
    morning = crm.review(crm.after_boundary(), [4] * DECK_SIZE)
    assert {line["day"] for line in morning} == {D1.isoformat()}
    assert len(morning) == NEW_PER_DAY + NEW_PER_DAY
    seen_on_d = {card_id(i) for i in range(NEW_PER_DAY)}
    assert {line["card"] for line in morning[:NEW_PER_DAY]} == seen_on_d
    assert not {line["card"] for line in morning[NEW_PER_DAY:]} & seen_on_d


# ---------------------------------------------------------------- 3. due


def test_card_due_tomorrow_is_not_due_at_night_but_is_after_the_boundary(crm):
    first, = crm.review(EVENING, [4], "--limit", "1")   # SM-2: first grade 4 → interval 1 day
    assert first["day"] == D.isoformat()
    assert crm.json("due", AFTER_MIDNIGHT)["due_today"] == 0
    assert crm.json("stats", AFTER_MIDNIGHT)["due_today"] == 0
    assert crm.review(AFTER_MIDNIGHT, [4], "--new", "0") == []   # nothing to review
    assert crm.json("due", crm.after_boundary())["due_today"] == 1
    assert crm.json("stats", crm.after_boundary())["due_today"] == 1
    again, = crm.review(crm.after_boundary(), [4], "--new", "0")
    assert (again["card"], again["day"], again["kind"]) == (first["card"], D1.isoformat(), "first")


# ---------------------------------------------------------------- 4. streak and heatmap


def heatmap_reviews(stats: dict) -> dict[str, int]:
    return {cell["date"]: cell["reviews"] for cell in stats["heatmap"] if cell["reviews"]}


def test_evening_and_night_are_one_day_of_the_streak(crm):
    crm.review(EVENING, [4], "--limit", "1")
    crm.review(AFTER_MIDNIGHT, [4], "--limit", "1")
    night = crm.json("stats", AFTER_MIDNIGHT)
    assert night["today"] == D.isoformat()
    assert night["streak_days"] == 1
    assert night["streak_longest"] == 1
    assert night["heatmap"][-1]["date"] == D.isoformat()       # the heatmap ends with the study day
    assert heatmap_reviews(night) == {D.isoformat(): 2}
    crm.review(crm.after_boundary(), [4], "--new", "0", "--limit", "1")
    morning = crm.json("stats", crm.after_boundary())
    assert morning["today"] == D1.isoformat()
    assert morning["streak_days"] == 2
    assert morning["streak_longest"] == 2
    assert heatmap_reviews(morning) == {D.isoformat(): 2, D1.isoformat(): 1}


# ---------------------------------------------------------------- 5. forecast


def test_forecast_starts_the_day_after_the_study_day(crm):
    crm.review(AFTER_MIDNIGHT, [4, 4], "--limit", "2")   # both due D + 1
    night = crm.json("stats", AFTER_MIDNIGHT)
    assert [cell["date"] for cell in night["forecast"]] == [
        (D + dt.timedelta(days=n)).isoformat() for n in range(1, 15)]
    assert night["forecast"][0]["due"] == 2
    assert sum(cell["due"] for cell in night["forecast"]) == 2
    morning = crm.json("stats", crm.after_boundary())
    assert morning["forecast"][0]["date"] == (D1 + dt.timedelta(days=1)).isoformat()
    assert sum(cell["due"] for cell in morning["forecast"]) == 0   # they are due today, not ahead


# ---------------------------------------------------------------- 6. exam days left


def test_exam_days_left_counts_from_the_study_day(crm):
    exam = dt.date(2026, 12, 1)
    made = crm.json("exam", AFTER_MIDNIGHT, exam.isoformat())
    assert made == {"date": exam.isoformat(), "days_left": (exam - D).days}
    assert crm.json("exam", AFTER_MIDNIGHT) == {"date": exam.isoformat(), "days_left": (exam - D).days}
    assert crm.json("stats", AFTER_MIDNIGHT)["exam"]["days_left"] == (exam - D).days
    assert crm.json("exam", crm.after_boundary())["days_left"] == (exam - D1).days


def test_an_exam_on_the_calendar_date_is_still_ahead_at_night(crm):
    # At 00:30 on the 27th the study day is the 26th, so an exam on the 27th is tomorrow.
    assert crm.json("exam", AFTER_MIDNIGHT, D1.isoformat())["days_left"] == 1
    refused = crm.run("exam", D.isoformat(), now=AFTER_MIDNIGHT, ok=False)
    assert refused.exit_code == 2
    assert D.isoformat() in refused.output


# ---------------------------------------------------------------- 7. the same-day rule


def test_card_failed_before_midnight_comes_back_as_a_repeat_at_night(crm):
    failed, = crm.review(LATE_EVENING, [1], "--limit", "1")   # input ends with the repeat on show
    assert (failed["day"], failed["kind"], failed["grade"]) == (D.isoformat(), "first", 1)
    repeat, = crm.review(AFTER_MIDNIGHT, [4], "--new", "0")
    assert repeat["card"] == failed["card"]
    assert (repeat["day"], repeat["kind"]) == (D.isoformat(), "repeat")
    assert crm.review(AFTER_MIDNIGHT, [4], "--new", "0") == []   # passed: done for the study day
    # A failed card is due one day later (SM-2), on the next study day, as its first review there.
    morning, = crm.review(crm.after_boundary(), [4], "--new", "0")
    assert (morning["card"], morning["day"], morning["kind"]) == (failed["card"], D1.isoformat(), "first")


def test_card_failed_at_night_is_not_repeated_after_the_boundary_as_a_repeat(crm):
    failed, = crm.review(AFTER_MIDNIGHT, [1], "--limit", "1")
    assert failed["day"] == D.isoformat()
    nxt, = crm.review(crm.after_boundary(), [4], "--new", "0")
    assert (nxt["card"], nxt["day"], nxt["kind"]) == (failed["card"], D1.isoformat(), "first")


def test_failed_card_comes_back_after_an_answer_logged_for_an_earlier_day(default_crm):
    """Changing day-starts-at (or the clock's offset) can log an answer for an earlier study day after
    one for a later day. A card failed on the later day must still come back that day."""
    crm = default_crm
    failed, = crm.review("2026-11-27T04:30", [1], "--limit", "1")      # study day the 27th
    assert failed["day"] == D1.isoformat()
    crm.via, crm.hour = "option", 6
    other, = crm.review("2026-11-27T05:00", [4], "--limit", "1")       # 05:00 < 06:00: the 26th
    assert other["day"] == D.isoformat() and other["card"] != failed["card"]
    crm.via, crm.hour = "default", 4
    later = crm.review("2026-11-27T05:10", [4, 4, 4], "--new", "0")    # the 27th again
    assert {line["day"] for line in later} == {D1.isoformat()}
    assert (failed["card"], "repeat") in {(line["card"], line["kind"]) for line in later}, later


# ---------------------------------------------------------------- 8. day-starts-at=0 and bad values


@pytest.mark.parametrize("via", ["option", "env", "file"])
def test_day_starting_at_midnight_makes_00_30_the_new_day(invoke, tmp_path, progress_path, via):
    crm = make_crm(invoke, tmp_path, progress_path, 0, via)
    crm.review(EVENING, [4] * 3, "--limit", "3")
    night = crm.json("due", AFTER_MIDNIGHT)
    assert night["today"] == D1.isoformat()
    assert night["due_today"] == 3
    assert night["new_today"] == NEW_PER_DAY
    line, = crm.review(AFTER_MIDNIGHT, [4], "--limit", "1")
    assert line["day"] == D1.isoformat()
    stats = crm.json("stats", AFTER_MIDNIGHT)
    assert stats["streak_days"] == 2
    assert heatmap_reviews(stats) == {D.isoformat(): 3, D1.isoformat(): 1}


def test_set_option_wins_over_the_environment(default_crm):
    crm = default_crm
    crm.via = "option"   # --set day-starts-at=4
    crm.extra_env = {"CRMREV_DAY_STARTS_AT": "0"}
    assert crm.json("due", AFTER_MIDNIGHT)["today"] == D.isoformat()
    crm.via = "default"   # the environment alone: midnight
    assert crm.json("due", AFTER_MIDNIGHT)["today"] == D1.isoformat()


def assert_clear_error(result, *names: str) -> None:
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert result.output.startswith("Error: ")
    for name in names:
        assert name in result.output


@pytest.mark.parametrize("command", ["due", "stats", "review", "exam"])
def test_day_starts_at_25_is_a_clear_error(invoke, progress_path, command):
    env = {"CRMREV_NOW": AFTER_MIDNIGHT}
    assert_clear_error(invoke("--set", "day-starts-at=25", command, env=env, input=""), "day-starts-at", "25")
    assert_clear_error(invoke(command, env={**env, "CRMREV_DAY_STARTS_AT": "25"}, input=""),
                       "day-starts-at", "25", "CRMREV_DAY_STARTS_AT")
    assert not entries(progress_path)


def test_config_set_day_starts_at_25_is_refused(invoke, isolated_user_data):
    assert_clear_error(invoke("config", "set", "day-starts-at", "25"), "day-starts-at", "25")
    assert invoke("config", "get", "day-starts-at").stdout.strip() == "4"


def test_day_starts_at_25_in_the_file_is_a_clear_error(invoke, isolated_user_data):
    path = isolated_user_data / ".config" / "crmrev" / "config.toml"
    path.parent.mkdir(parents=True)
    path.write_text("day-starts-at = 25\n")
    assert_clear_error(invoke("due", env={"CRMREV_NOW": AFTER_MIDNIGHT}), "day-starts-at", "25",
                       str(path))


# ---------------------------------------------------------------- 9. a bad CRMREV_NOW, and --today


@pytest.mark.parametrize("bad", ["tomorrow", "2026-11-27T25:00", "2026-13-01T00:30", "27/11/2026 00:30",
                                 "0001-01-01T00:30"])
@pytest.mark.parametrize("command", ["due", "stats", "review", "exam"])
def test_bad_crmrev_now_is_a_clear_error(invoke, progress_path, command, bad):
    result = invoke(command, env={"CRMREV_NOW": bad}, input="4\n")
    assert_clear_error(result, "CRMREV_NOW")
    assert "Q:" not in result.output   # refused before any card is shown
    assert not entries(progress_path)


def test_today_wins_over_crmrev_now_for_the_day(crm):
    today = dt.date(2026, 3, 2)
    assert crm.json("due", AFTER_MIDNIGHT, "--today", today.isoformat())["today"] == today.isoformat()
    assert crm.json("stats", AFTER_MIDNIGHT, "--today", today.isoformat())["today"] == today.isoformat()
    line, = crm.review(AFTER_MIDNIGHT, [4], "--limit", "1", "--today", today.isoformat())
    assert line["day"] == today.isoformat()
    assert crm.json("exam", AFTER_MIDNIGHT, "--today", today.isoformat(), "2026-06-10")["days_left"] == 100
    # CRMREV_TODAY does the same.
    due = json.loads(crm.run("due", "--json", "--decks", crm.decks, now=AFTER_MIDNIGHT,
                             env={"CRMREV_TODAY": today.isoformat()}).stdout)
    assert due["today"] == today.isoformat()
    assert due["due_today"] == 0 and due["new_today"] == NEW_PER_DAY - 1


@pytest.mark.parametrize("command", ["due", "stats"])
def test_today_works_with_a_bad_crmrev_now(default_crm, command):
    assert default_crm.json(command, "tomorrow", "--today", "2026-03-02")["today"] == "2026-03-02"
    assert default_crm.json("exam", "tomorrow", "--today", "2026-03-02", "2026-03-10")["days_left"] == 8


def test_review_with_today_and_a_bad_crmrev_now_does_not_lose_an_answer(default_crm, progress_path):
    """--today works with a bad CRMREV_NOW for due, stats and exam. Review must either work too (the
    answer saved on the --today day) or refuse before a card is shown: never read an answer and then
    fail without saving it."""
    result = default_crm.run("review", "--decks", default_crm.decks, "--limit", "1", "--today", "2026-03-02",
                     now="tomorrow", input="4\n", ok=False)
    if result.exit_code == 0:
        line, = entries(progress_path)
        assert line["day"] == "2026-03-02"
    else:
        assert "Q:" not in result.output, f"a card was shown and graded, then refused:\n{result.output}"
        assert_clear_error(result, "CRMREV_NOW")


def test_crmrev_now_without_a_time_of_day_is_refused(invoke):
    # Midnight would silently be the previous study day; the learner meant a day: CRMREV_TODAY.
    result = invoke("due", env={"CRMREV_NOW": "2026-11-27"})
    assert result.exit_code == 2 and "has no time of day" in result.stderr and "CRMREV_TODAY" in result.stderr
