#!/usr/bin/env python3
"""crmrev's benchmark suite: synthetic data at several scales, medians of alternated runs, ratios.

    python benchmarks/run.py                 # the full suite (20k cards / 1M reviews; some minutes)
    python benchmarks/run.py --quick         # a small version, used by CI as a smoke test
    python benchmarks/run.py --json FILE     # also write the figures as JSON
    python benchmarks/run.py --startup-only  # only the start-up figures (typer's bound: README)

The full suite exits 1 when a target is missed.

Every figure that has a target is a ratio of two things measured side by side in one run on the same
machine, alternating between them, so a noisy shared machine slows both alike.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from crmrev import scheduler  # noqa: E402
from crmrev.decks import dump_deck  # noqa: E402
from crmrev.model import Card, CardType, Deck, Review, ReviewKind  # noqa: E402
from crmrev.progress import encode_entry, log_path_for, open_progress  # noqa: E402

# Each target is a ratio of two things measured side by side in one run (see the module docstring),
# chosen because a learner or an author feels it: a command's wait beyond Python's own start-up, how
# that wait grows from the bundled decks to a heavy user's collection, and memory.
TARGETS = {  # figure → the most it may be
    "startup_due_ratio": 1.2,
    "startup_stats_json_ratio": 1.2,
    "startup_stats_ratio": 1.2,
    "first_card_ratio": 1.3,
    "heavy_due_ratio": 3,
    "heavy_stats_json_ratio": 3,
    "heavy_first_card_ratio": 3,
    "save_growth_ratio": 2,
    "build_scaling": 11,
    "rename_ratio": 2,
    "peak_rss_mb_heavy": 150,
    # An export is a one-off wait, so its bound is looser: it must stay a small multiple of reading
    # the history at all (numbering same-second answers once made it 12x), and must not hold a
    # million answers as objects (590 MiB before they were streamed into the package).
    "heavy_export_anki_ratio": 8,
    "peak_rss_mb_export_heavy": 500,
}

WORDS = ("customer", "service", "complaint", "loyalty", "retention", "feedback", "survey",
         "journey", "touchpoint", "channel", "empathy", "escalation", "standard", "quality",
         "rapport", "listening", "questioning", "record", "policy", "review", "satisfaction",
         "segment", "value", "promise", "expectation", "resolution", "apology", "follow-up",
         "trust", "team", "target", "measure", "improvement", "evidence", "data", "privacy",
         "consent", "colleague", "stakeholder")


def phrase(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


# ---------------------------------------------------------------- synthetic data


def make_seed(rng: random.Random, index: int) -> str:
    synopsis = f"This subtopic explores {phrase(rng, 6)} and {phrase(rng, 10)}. {phrase(rng, 20)}."
    lines = [synopsis[:150], "Topic Synopsis", synopsis, "Key Concepts & Core Principles"]
    lines += [f"- {phrase(rng, 2).title()} {index}-{n}: {phrase(rng, 18)}, including {phrase(rng, 6)}."
              for n in range(5)]
    lines.append("Exam Tips & Revision Strategies")
    lines += [f"- When answering, {phrase(rng, 12)} to show {phrase(rng, 4)}." for _ in range(4)]
    lines.append("Common Misconceptions & Mistakes to Avoid")
    lines += [f"- Confusing {phrase(rng, 2)} with {phrase(rng, 2)} – {phrase(rng, 8)}",
              f"- Neglecting to {phrase(rng, 3)}, leading to {phrase(rng, 4)}.",
              f"- Assuming {phrase(rng, 4)} without {phrase(rng, 3)}."]
    lines.append("Examiner Marking Points")
    lines += [f"- Award credit for demonstrating {phrase(rng, 8)} such as {phrase(rng, 4)}."
              for _ in range(5)]
    return "\n".join(lines) + "\n"


def write_big_seed(folder: Path, bullets: int, reworded: bool) -> Path:
    """One seed with `bullets` misconception bullets; reworded=True changes one word in each, as an
    author tidying a whole seed would."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = ["This subtopic explores customer care in depth for the exam...", "Topic Synopsis",
             "This subtopic explores customer care in depth for the exam and beyond.",
             "Key Concepts & Core Principles", "- Loyalty: the customer's wish to come back.",
             "Exam Tips & Revision Strategies", "- Use examples.",
             "Common Misconceptions & Mistakes to Avoid"]
    for index in range(bullets):
        rng = random.Random(index)
        words = [rng.choice(WORDS) for _ in range(9)]
        if reworded:
            words[rng.randrange(9)] = "revised"
        lines.append(f"- Neglecting to {' '.join(words[:4])} {index}, leading to {' '.join(words[4:])}.")
    lines += ["Examiner Marking Points", "- Award credit for examples."]
    (folder / "001_big.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def write_seeds(folder: Path, count: int) -> Path:
    folder.mkdir(parents=True)
    rng = random.Random(count)
    for index in range(count):
        (folder / f"{index:04d}_synthetic.txt").write_text(make_seed(rng, index), encoding="utf-8")
    return folder


def card_ids(cards: int, per_deck: int = 100) -> list[str]:
    return [f"c{deck:05d}-{n:03d}" for deck in range(max(1, cards // per_deck)) for n in range(per_deck)]


def write_decks(folder: Path, cards: int, per_deck: int = 100) -> list[str]:
    """Decks written with crmrev's own dumper; returns the card ids."""
    folder.mkdir(parents=True)
    rng = random.Random(cards)
    types = [t.value for t in CardType]
    ids: list[str] = []
    for deck_index in range(max(1, cards // per_deck)):
        deck_cards = []
        for n in range(per_deck):
            card_id = f"c{deck_index:05d}-{n:03d}"
            ids.append(card_id)
            deck_cards.append(Card(card_id, types[n % len(types)], f"What is {phrase(rng, 8)}?",
                                   f"{phrase(rng, 20).capitalize()}.", f"seeds/{deck_index:05d}.txt:{n + 5}"))
        deck = Deck(f"deck-{deck_index:05d}", f"Synthetic deck {deck_index}", tuple(deck_cards))
        (folder / f"{deck_index:05d}.yaml").write_text(dump_deck(deck, f"seeds/{deck_index:05d}.txt"),
                                                       encoding="utf-8")
    return ids


def write_progress(path: Path, card_ids: list[str], reviews: int, today: dt.date, days: int) -> int:
    """A realistic history through crmrev's own scheduler and encoders, ending yesterday: each card
    starts on a day in the last `days` and is reviewed on its due days, mostly passing; low grades
    are repeated the same day as crmrev does, until the log holds about `reviews` answers. Cards due
    today are left due, so a review session has something to show."""
    rng = random.Random(len(card_ids))
    per_card = max(1, reviews // len(card_ids))
    # (day, card, 0 for the day's first answer and 1 for a repeat, grade, kind): sorted, the first
    # answer of a day always comes before that day's repeats, as crmrev logs them.
    entries: list[tuple[dt.date, str, int, int, str]] = []
    for card_id in card_ids:
        day, state = today - dt.timedelta(days=rng.randrange(1, days)), None
        reviewed, failed = [], []
        while day < today:
            grade = rng.choices((1, 2, 3, 4, 5), weights=(5, 5, 20, 40, 30))[0]
            state = scheduler.review(state, grade, day)
            entries.append((day, card_id, 0, grade, ReviewKind.FIRST))
            reviewed.append(day)
            if grade < 4:
                failed.append(day)
            day = state.due
        # A heavy user's extra answers are same-day repeats of failed cards (crmrev repeats a card
        # graded below 4 until it reaches 4); a card never failed gets them on its first day.
        for _ in range(per_card - len(reviewed)):
            repeat_day = rng.choice(failed or reviewed[:1])
            entries.append((repeat_day, card_id, 1, rng.randint(1, 4), ReviewKind.REPEAT))
    entries.sort()
    with open(log_path_for(path), "wb") as log:
        for day, card_id, _order, grade, kind in entries:
            log.write(encode_entry(Review(card_id, f"{day.isoformat()}T09:00:00", day, grade, kind)))
    # crmrev builds the snapshot itself, as for a log copied from another machine.
    open_progress(path, writable=True).close()
    return len(entries)


# ---------------------------------------------------------------- measuring


def timed(command: list[str], env: dict[str, str], stdin: bytes = b"",
          ok: tuple[int, ...] = (0,)) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of one run of a command that must exit with a code in `ok`."""
    # stderr goes to a file, not a pipe: wait4 does not read, so a command that warns more than a
    # pipe holds (64 KiB; build warns per seed) would block forever on a full pipe.
    with tempfile.TemporaryFile() as errors:
        started = time.perf_counter()
        proc = subprocess.Popen(command, env=env, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                stderr=errors)
        assert proc.stdin is not None
        proc.stdin.write(stdin)
        proc.stdin.close()
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        errors.seek(0)
        err = errors.read().decode(errors="replace")
    if proc.returncode not in ok:
        raise SystemExit(f"benchmark command failed ({proc.returncode}): {' '.join(command)}\n{err}")
    return elapsed, usage.ru_maxrss / 1024


Command = tuple[list[str], dict[str, str]]


def alternate(commands: dict[str, Command], runs: int, measure=None) -> dict[str, list[float]]:
    """Each command `runs` times, taking turns, so a noisy machine slows every side alike."""
    measure = measure or (lambda command, env: timed(command, env)[0])
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, (command, env) in commands.items():
            times[name].append(measure(command, env))
    return times


def first_output(command: list[str], env: dict[str, str], marker: str = "card 1 of") -> float:
    """Seconds from starting a command in a pseudo-terminal until `marker` is on its screen, as
    a learner sees it; then the command is told to quit (q) and reaped, uncounted."""
    import pexpect

    started = time.perf_counter()
    child = pexpect.spawn(command[0], command[1:], env=env, encoding="utf-8", dimensions=(40, 100),
                          timeout=120)
    child.expect_exact(marker)
    elapsed = time.perf_counter() - started
    child.send("q")
    child.expect(pexpect.EOF)
    child.close()
    if child.exitstatus not in (0, None):
        raise SystemExit(f"benchmark command failed ({child.exitstatus}): {' '.join(command)}")
    return elapsed


def base_env(workdir: Path, **extra: str) -> dict[str, str]:
    # PYTHONDONTWRITEBYTECODE would make every changed module compile on every run: an installed
    # crmrev has its bytecode, so it is measured with it (main() compiles it first).
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("CRMREV_") and k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env["CRMREV_TODAY"] = TODAY.isoformat()
    # The deck cache where a user's would be (platformdirs, as by default), but never the user's own.
    env["XDG_CACHE_HOME"] = str(workdir / "cache")
    env.update(extra)
    return env


def save_latencies(progress: Path, card_ids: list[str], answers: int, today: dt.date) -> list[float]:
    rng = random.Random(7)
    latencies = []
    with open_progress(progress, writable=True) as store:
        for _ in range(answers):
            card = rng.choice(card_ids)
            review = Review(card, f"{today.isoformat()}T10:00:00", today, rng.randint(3, 5), ReviewKind.FIRST)
            started = time.perf_counter()
            store.record(review)
            latencies.append(time.perf_counter() - started)
        for _ in range(answers):
            store.undo()  # leave the prepared files as they were for the next round
    return latencies


def sm2_rates(rounds: int, length: int = 100_000, per_card: int = 10) -> tuple[float, float]:
    from supermemo2 import review as sm2_review

    rng = random.Random(42)
    grades = [rng.choice((0, 1, 2, 3, 3, 4, 4, 4, 5, 5, 5, 5)) for _ in range(length)]
    cards = [grades[i:i + per_card] for i in range(0, length, per_card)]
    review = scheduler.review

    def ours() -> None:
        for card in cards:
            state, day = None, dt.date(2026, 1, 1)
            for grade in card:
                state = review(state, grade, day)
                day = state.due

    def theirs() -> None:
        for card in cards:
            easiness, interval, repetitions, when = 2.5, 0, 0, "2026-01-01 00:00:00"
            for grade in card:
                result = sm2_review(grade, easiness, interval, repetitions, when)
                easiness, interval = result["easiness"], result["interval"]
                repetitions, when = result["repetitions"], result["review_datetime"]

    ours_t, theirs_t = [], []
    for _ in range(rounds):
        for fn, bucket in ((ours, ours_t), (theirs, theirs_t)):
            # CPU time of this process: on a shared machine, other processes' load does not count.
            started = time.process_time()
            fn()
            bucket.append(time.process_time() - started)
    return length / statistics.median(ours_t), length / statistics.median(theirs_t)


# ---------------------------------------------------------------- the suite


def scales(quick: bool) -> dict[str, int]:
    # The heavy user: a five-year Anki collection, 20,000 cards and a million answers.
    if quick:
        return {"heavy_cards": 2_000, "heavy_reviews": 100_000, "small_cards": 100, "small_reviews": 5_000,
                "history_days": 5 * 365, "seeds_small": 10, "seeds_big": 100, "check_decks": 100,
                "runs": 3}
    return {"heavy_cards": 20_000, "heavy_reviews": 1_000_000, "small_cards": 1_000,
            "small_reviews": 50_000, "history_days": 5 * 365, "seeds_small": 100, "seeds_big": 1_000,
            "check_decks": 1_000, "runs": 11}


TODAY = dt.date(2026, 11, 24)
RENAME_BULLETS = 1_000  # one large seed whose every bullet an author rewords
BUNDLED_HISTORY_DAYS = 90  # the bundled learner: three months of daily revision


def bundled_ids() -> list[str]:
    from crmrev.decks import load_decks

    return [card.id for deck in load_decks(ROOT / "decks") for card in deck.cards]


def generate(quick: bool, workdir: Path, startup_only: bool = False) -> None:
    scale = scales(quick)
    ids = bundled_ids()
    # Most bundled cards seen, a few still new: the learner a quick start turns into.
    logged = {"bundled": write_progress(workdir / "bundled.json", ids[: len(ids) * 4 // 5], len(ids) * 12,
                                        TODAY, BUNDLED_HISTORY_DAYS)}
    (workdir / "logged.json").write_text(json.dumps(logged))
    if startup_only:
        return
    write_decks(workdir / "heavy-decks", scale["heavy_cards"])
    logged["heavy"] = write_progress(workdir / "heavy.json", card_ids(scale["heavy_cards"]),
                                     scale["heavy_reviews"], TODAY, scale["history_days"])
    write_decks(workdir / "small-decks", scale["small_cards"])
    logged["small"] = write_progress(workdir / "small.json", card_ids(scale["small_cards"]),
                                     scale["small_reviews"], TODAY, scale["history_days"])
    (workdir / "logged.json").write_text(json.dumps(logged))
    write_seeds(workdir / "seeds-small", scale["seeds_small"])
    write_seeds(workdir / "seeds-big", scale["seeds_big"])
    write_decks(workdir / "check-decks", scale["check_decks"] * 20, per_deck=20)


CRMREV = [sys.executable, "-m", "crmrev"]
COMMANDS = {"due": ["due", "--json"], "stats_json": ["stats", "--json"], "stats": ["stats"]}
IMPORT_FLOOR = [sys.executable, "-c", "import typer, rich.console, yaml, json; print('ready')"]
MARKERS = {False: "card 1 of", True: "ready"}  # what each side prints when it is ready


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def ratio(figures: dict, key: str, top: str, bottom: str, times: dict[str, list[float]]) -> None:
    """Medians of two alternated series and their ratio, into figures."""
    figures[f"{key}_{top}_s"] = statistics.median(times[top])
    figures[f"{key}_{bottom}_s"] = statistics.median(times[bottom])
    figures[f"{key}_ratio"] = figures[f"{key}_{top}_s"] / figures[f"{key}_{bottom}_s"]


def environments(workdir: Path) -> dict[str, dict[str, str]]:
    return {
        "bundled": base_env(workdir, CRMREV_PROGRESS=str(workdir / "bundled.json")),
        "heavy": base_env(workdir, CRMREV_PROGRESS=str(workdir / "heavy.json"),
                          CRMREV_DECKS=str(workdir / "heavy-decks")),
    }


def measure_startup(figures: dict, workdir: Path, runs: int) -> None:
    """Each command on the bundled decks ÷ the imports it cannot avoid, alternated."""
    bundled = environments(workdir)["bundled"]
    log("start-up …")
    commands: dict[str, Command] = {"imports": (IMPORT_FLOOR, base_env(workdir))}
    commands.update({name: ([*CRMREV, *args], bundled) for name, args in COMMANDS.items()})
    times = alternate(commands, runs)
    for name in COMMANDS:
        ratio(figures, f"startup_{name}", "crmrev", "imports",
              {"crmrev": times[name], "imports": times["imports"]})
    log("first card …")
    floor_in_pty = (IMPORT_FLOOR, base_env(workdir))
    pty_times = alternate({"crmrev": ([*CRMREV, "review"], bundled), "imports": floor_in_pty}, runs,
                          lambda command, env: first_output(command, env, MARKERS[command is IMPORT_FLOOR]))
    ratio(figures, "first_card", "crmrev", "imports", pty_times)


def measure_heavy(figures: dict, workdir: Path, runs: int) -> None:
    """The same commands at heavy-user scale ÷ on the bundled decks, alternated."""
    envs = environments(workdir)
    for name in ("due", "stats_json"):
        log(f"{name} at heavy scale …")
        timed([*CRMREV, *COMMANDS[name]], envs["heavy"])  # the first run fills the deck cache; not counted
        times = alternate({side: ([*CRMREV, *COMMANDS[name]], envs[side]) for side in ("heavy", "bundled")},
                          runs)
        ratio(figures, f"heavy_{name}", "heavy", "bundled", times)
    log("first card at heavy scale …")
    times = alternate({side: ([*CRMREV, "review"], envs[side]) for side in ("heavy", "bundled")}, runs,
                      first_output)
    ratio(figures, "heavy_first_card", "heavy", "bundled", times)
    log("peak memory at heavy scale …")
    rss = {}
    for name, args in {**COMMANDS, "review": ["review"], "exam": ["exam", "--json"]}.items():
        # review with stdin not a terminal: the line protocol, quitting at the first card.
        rss[name] = max(timed([*CRMREV, *args], envs["heavy"], stdin=b"q\n")[1] for _ in range(3))
    figures["peak_rss_mb_by_command"] = rss
    figures["peak_rss_mb_heavy"] = max(rss.values())


# What `export anki` cannot avoid: reading and parsing every answer in the review log.
READ_LOG = "import json, sys\nfor line in open(sys.argv[1], 'rb'): json.loads(line)"


def measure_export(figures: dict, workdir: Path, runs: int) -> None:
    """export anki of the heavy user ÷ parsing the heavy log, alternated; and the export's memory."""
    log("export anki at heavy scale …")
    export = [*CRMREV, "export", "anki", "--out", str(workdir / "heavy.apkg"), "--force"]
    read = [sys.executable, "-c", READ_LOG, str(log_path_for(workdir / "heavy.json"))]
    times: dict[str, list[float]] = {"export": [], "read": []}
    rss = []
    for _ in range(max(3, runs // 4)):  # 12 s a run at full scale: fewer runs than the quick commands
        seconds, mib = timed(export, environments(workdir)["heavy"])
        times["export"].append(seconds)
        rss.append(mib)
        times["read"].append(timed(read, base_env(workdir))[0])
    ratio(figures, "heavy_export_anki", "export", "read", times)
    figures["peak_rss_mb_export_heavy"] = max(rss)


def measure_build(figures: dict, workdir: Path) -> None:
    log("build …")
    builds: dict[str, list[float]] = {"big": [], "small": []}
    for round_number in range(3):
        for name in ("small", "big"):
            command = [*CRMREV, "build", str(workdir / f"seeds-{name}"), "--out",
                       str(workdir / f"built-{name}-{round_number}")]
            builds[name].append(timed(command, base_env(workdir))[0])
    figures["build_small_s"] = statistics.median(builds["small"])
    figures["build_big_s"] = statistics.median(builds["big"])
    figures["build_scaling"] = figures["build_big_s"] / figures["build_small_s"]
    log("rename …")
    renames: dict[str, list[float]] = {"fresh": [], "reworded": []}
    for round_number in range(3):
        seeds, out = workdir / f"rename-{round_number}", workdir / f"rename-out-{round_number}"
        build = [*CRMREV, "build", str(seeds), "--out", str(out)]
        write_big_seed(seeds, RENAME_BULLETS, reworded=False)
        renames["fresh"].append(timed(build, base_env(workdir))[0])
        write_big_seed(seeds, RENAME_BULLETS, reworded=True)
        renames["reworded"].append(timed(build, base_env(workdir))[0])
    ratio(figures, "rename", "reworded", "fresh", renames)
    log("check …")
    figures["check_s"] = statistics.median(
        # Exit 1: the synthetic cards trip content checks (their text is random words); every check runs.
        timed([*CRMREV, "check", str(workdir / "check-decks")], base_env(workdir), ok=(0, 1))[0]
        for _ in range(3))


def measure_saves(figures: dict, workdir: Path, scale: dict[str, int]) -> None:
    log("per-answer save …")
    heavy_ids, small_ids = card_ids(scale["heavy_cards"]), card_ids(scale["small_cards"])
    heavy, small = [], []
    for _ in range(3):
        heavy += save_latencies(workdir / "heavy.json", heavy_ids, 60, TODAY)
        small += save_latencies(workdir / "small.json", small_ids, 60, TODAY)
    figures["save_heavy_ms"] = statistics.median(heavy) * 1000
    figures["save_small_ms"] = statistics.median(small) * 1000
    figures["save_growth_ratio"] = figures["save_heavy_ms"] / figures["save_small_ms"]


def versions() -> dict[str, str]:
    from importlib.metadata import version

    return {name: version(name) for name in ("typer", "rich", "pyyaml")}


def run(quick: bool, workdir: Path, startup_only: bool) -> dict:
    scale = scales(quick)
    log("generating data …")
    # In a child process: this process must stay small, because a forked child's peak RSS
    # counts the parent's pages until it execs, which would inflate peak_rss_mb_heavy.
    subprocess.run([sys.executable, __file__, "--generate", str(workdir), *(["--quick"] if quick else []),
                    *(["--startup-only"] if startup_only else [])], check=True)
    figures: dict[str, object] = {"check_decks": scale["check_decks"]}
    measure_startup(figures, workdir, scale["runs"])
    if not startup_only:
        measure_heavy(figures, workdir, scale["runs"])
        measure_saves(figures, workdir, scale)
        measure_export(figures, workdir, scale["runs"])
        measure_build(figures, workdir)
        log("SM-2 …")
        # A fresh process: both libraries measured in it, and neither pays for this process's heap.
        rates = subprocess.run([sys.executable, __file__, "--sm2", str(7 if quick else 11)], check=True,
                               capture_output=True, text=True).stdout
        ours, theirs = json.loads(rates)
        figures["sm2_crmrev_per_s"], figures["sm2_supermemo2_per_s"] = ours, theirs
        figures["sm2_speedup"] = ours / theirs
    logged = json.loads((workdir / "logged.json").read_text())
    figures["scale"] = {**scale, "quick": quick, **{f"{name}_reviews_logged": count
                                                    for name, count in logged.items()}}
    figures["machine"] = {"python": platform.python_version(), "platform": platform.platform(),
                          "cpus": os.cpu_count(), **versions()}
    return figures


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms"


def rows(figures: dict) -> list[tuple[str, str]]:
    scale = figures["scale"]
    out = [(f"startup_{name}_ratio", f"crmrev {' '.join(COMMANDS[name])} (bundled) "
                                     f"{_ms(figures[f'startup_{name}_crmrev_s'])} ÷ imports "
                                     f"{_ms(figures[f'startup_{name}_imports_s'])}")
           for name in COMMANDS]
    out.append(("first_card_ratio", f"review, first card on screen (pty, bundled) "
                                    f"{_ms(figures['first_card_crmrev_s'])} ÷ imports in a pty "
                                    f"{_ms(figures['first_card_imports_s'])}"))
    if "heavy_due_ratio" not in figures:
        return out
    heavy = f"{scale['heavy_cards']:,} cards / {scale['heavy_reviews_logged']:,} reviews"
    for key, what in (("heavy_due", "due --json"), ("heavy_stats_json", "stats --json"),
                      ("heavy_first_card", "first card")):
        out.append((f"{key}_ratio", f"{what} at {heavy} {_ms(figures[f'{key}_heavy_s'])} ÷ bundled "
                                    f"{_ms(figures[f'{key}_bundled_s'])}"))
    out += [
        ("save_growth_ratio", f"one answer saved at {heavy} {figures['save_heavy_ms']:.2f} ms ÷ at "
                              f"{scale['small_cards']:,} cards {figures['save_small_ms']:.2f} ms"),
        ("build_scaling", f"build {scale['seeds_big']:,} seeds {figures['build_big_s']:.2f} s ÷ "
                          f"{scale['seeds_small']:,} seeds {figures['build_small_s']:.2f} s"),
        ("rename_ratio", f"build after rewording all {RENAME_BULLETS:,} bullets of one seed "
                         f"{figures['rename_reworded_s']:.2f} s ÷ building it fresh "
                         f"{figures['rename_fresh_s']:.2f} s"),
        ("peak_rss_mb_heavy", "MiB, the most of " + ", ".join(
            f"{name} {value:.0f}" for name, value in figures["peak_rss_mb_by_command"].items())),
        ("heavy_export_anki_ratio", f"export anki at {heavy} {figures['heavy_export_anki_export_s']:.2f} s "
                                    f"÷ parsing its log {figures['heavy_export_anki_read_s']:.2f} s"),
        ("peak_rss_mb_export_heavy", f"MiB, export anki at {heavy}"),
    ]
    return out


def table(figures: dict) -> str:
    lines = [f"{'figure':<25} {'value':>7}  {'target':<7} {'':4}  measured", "-" * 110]
    for key, detail in rows(figures):
        value, limit = figures[key], TARGETS[key]
        verdict = "ok" if value <= limit else "MISS"
        lines.append(f"{key:<25} {value:>7.2f}  <= {limit:<4} {verdict:4}  {detail}")
    if "check_s" in figures:
        lines.append(f"{'check':<25} {figures['check_s']:>7.2f}  {'':7} {'':4}  crmrev check of "
                     f"{figures['check_decks']:,} decks (seconds)")
        # No target: a learner makes one review per keypress, so SM-2 speed is information only.
        lines.append(f"{'sm2_speedup':<25} {figures['sm2_speedup']:>7.2f}  {'':7} {'':4}  crmrev "
                     f"{figures['sm2_crmrev_per_s']:,.0f}/s ÷ supermemo2 "
                     f"{figures['sm2_supermemo2_per_s']:,.0f}/s")
    machine = figures["machine"]
    lines.append(f"typer {machine['typer']}, rich {machine['rich']}, PyYAML {machine['pyyaml']}, "
                 f"Python {machine['python']}")
    return "\n".join(lines)


def misses(figures: dict) -> list[str]:
    return [key for key, _ in rows(figures) if figures[key] > TARGETS[key]]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="small scales, for a smoke test")
    parser.add_argument("--json", type=Path, help="write the figures to this file")
    parser.add_argument("--keep", type=Path, help="generate data here and keep it")
    parser.add_argument("--startup-only", action="store_true",
                        help="only the start-up figures: the guard for typer's upper bound (README)")
    parser.add_argument("--generate", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--sm2", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.sm2:
        print(json.dumps(sm2_rates(args.sm2)))
        return 0
    if args.generate:
        generate(args.quick, args.generate, args.startup_only)
        return 0
    import compileall

    compileall.compile_dir(ROOT / "crmrev", quiet=1)
    workdir = args.keep or Path(tempfile.mkdtemp(prefix="crmrev-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        figures = run(args.quick, workdir, args.startup_only)
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    print(table(figures))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    missed = misses(figures)
    if missed and not args.quick:  # --quick is a smoke test on tiny data: its ratios mean little
        print(f"targets missed: {', '.join(missed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
