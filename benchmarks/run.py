#!/usr/bin/env python3
"""crmrev's benchmark suite: synthetic data at several scales, medians of alternated runs, ratios.

    python benchmarks/run.py              # the full suite (100k cards / 1M reviews; a few minutes)
    python benchmarks/run.py --quick      # a small version, used by CI as a smoke test
    python benchmarks/run.py --json FILE  # also write the figures as JSON

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
from crmrev.progress import encode_entry, encode_snapshot, log_path_for, open_progress  # noqa: E402

TARGETS = {
    "startup_ratio": ("<=", 1.2),
    "due_scale_ratio": ("<=", 4),
    "save_growth_ratio": ("<=", 2),
    "build_scaling": ("<=", 11),
    "peak_rss_mb_100k": ("<=", 200),
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


def write_progress(path: Path, card_ids: list[str], reviews: int, today: dt.date) -> int:
    """A realistic history through crmrev's own scheduler and encoders: each card is reviewed on
    its due days with mostly passing grades, the whole log in time order, then a snapshot."""
    rng = random.Random(len(card_ids))
    per_card = max(1, reviews // len(card_ids))
    entries: list[tuple[dt.date, str, int, str]] = []
    states = {}
    for card_id in card_ids:
        # Each card starts within the last eighteen months and is reviewed on its due days until the
        # next one is in the future; same-day repeats of low grades make up the target count.
        day, state, count = today - dt.timedelta(days=rng.randrange(1, 540)), None, 0
        while day <= today:
            grade = rng.choices((1, 2, 3, 4, 5), weights=(5, 5, 20, 40, 30))[0]
            state = scheduler.review(state, grade, day)
            entries.append((day, card_id, grade, ReviewKind.FIRST))
            count += 1
            day = state.due
        while count < per_card:
            entries.append((state.last_review, card_id, rng.randint(1, 3), ReviewKind.REPEAT))
            count += 1
        states[card_id] = state
    entries.sort()
    with open(log_path_for(path), "wb") as log:
        for day, card_id, grade, kind in entries:
            log.write(encode_entry(Review(card_id, f"{day.isoformat()}T09:00:00", day, grade, kind)))
        offset = log.tell()
    path.write_bytes(encode_snapshot(states, None, offset))
    return len(entries)


# ---------------------------------------------------------------- measuring


def timed(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of one run of a command."""
    # stderr goes to a file, not a pipe: wait4 does not read, so a command that warns more than a
    # pipe holds (64 KiB; build warns per seed) would block forever on a full pipe.
    with tempfile.TemporaryFile() as errors:
        started = time.perf_counter()
        proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=errors)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        errors.seek(0)
        err = errors.read().decode(errors="replace")
    if proc.returncode not in (0, 1):
        raise SystemExit(f"benchmark command failed ({proc.returncode}): {' '.join(command)}\n{err}")
    return elapsed, usage.ru_maxrss / 1024


def alternate(commands: dict[str, tuple[list[str], dict[str, str]]], runs: int) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, (command, env) in commands.items():
            times[name].append(timed(command, env)[0])
    return times


def base_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CRMREV_")}
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env["CRMREV_TODAY"] = "2026-11-24"
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
        store.writable = False  # leave the prepared files as they were for the next round
        store._dirty = False
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
    if quick:
        return {"big_cards": 5_000, "big_reviews": 50_000, "small_cards": 500, "small_reviews": 5_000,
                "seeds_small": 10, "seeds_big": 100, "check_decks": 100, "runs": 5}
    return {"big_cards": 100_000, "big_reviews": 1_000_000, "small_cards": 1_000,
            "small_reviews": 10_000, "seeds_small": 100, "seeds_big": 1_000, "check_decks": 1_000,
            "runs": 11}


def generate(quick: bool, workdir: Path) -> None:
    scale, today = scales(quick), dt.date(2026, 11, 24)
    write_decks(workdir / "big-decks", scale["big_cards"])
    logged = {"big": write_progress(workdir / "big.json", card_ids(scale["big_cards"]),
                                    scale["big_reviews"], today)}
    write_decks(workdir / "small-decks", scale["small_cards"])
    logged["small"] = write_progress(workdir / "small.json", card_ids(scale["small_cards"]),
                                     scale["small_reviews"], today)
    (workdir / "logged.json").write_text(json.dumps(logged))
    write_seeds(workdir / "seeds-small", scale["seeds_small"])
    write_seeds(workdir / "seeds-big", scale["seeds_big"])
    write_decks(workdir / "check-decks", scale["check_decks"] * 20, per_deck=20)


CRMREV = [sys.executable, "-m", "crmrev"]
DUE = [*CRMREV, "due", "--json"]


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def ratio(figures: dict, key: str, top: str, bottom: str, times: dict[str, list[float]]) -> None:
    """Medians of two alternated series and their ratio, into figures."""
    figures[f"{key}_{top}_s"] = statistics.median(times[top])
    figures[f"{key}_{bottom}_s"] = statistics.median(times[bottom])
    figures[f"{key}_ratio"] = figures[f"{key}_{top}_s"] / figures[f"{key}_{bottom}_s"]


def measure_processes(figures: dict, workdir: Path, runs: int) -> None:
    fresh = base_env(CRMREV_PROGRESS=str(workdir / "fresh.json"))
    log("startup …")
    ratio(figures, "startup", "due", "imports", alternate({
        "due": (DUE, fresh),
        "imports": ([sys.executable, "-c", "import typer, rich.console, yaml, json"], base_env()),
    }, runs))
    log("due at scale …")
    big = base_env(CRMREV_PROGRESS=str(workdir / "big.json"), CRMREV_DECKS=str(workdir / "big-decks"))
    timed(DUE, big)  # the first run fills the deck cache; not counted
    times = alternate({"big": (DUE, big), "bundled": (DUE, fresh)}, runs)
    ratio(figures, "due_scale", "big", "bundled", times)
    figures["peak_rss_mb_100k"] = max(timed(DUE, big)[1] for _ in range(3))
    log("build …")
    builds: dict[str, list[float]] = {"big": [], "small": []}
    for round_number in range(3):
        for name in ("small", "big"):
            command = [*CRMREV, "build", str(workdir / f"seeds-{name}"), "--out",
                       str(workdir / f"built-{name}-{round_number}")]
            builds[name].append(timed(command, base_env())[0])
    figures["build_small_s"] = statistics.median(builds["small"])
    figures["build_big_s"] = statistics.median(builds["big"])
    figures["build_scaling"] = figures["build_big_s"] / figures["build_small_s"]
    log("check …")
    figures["check_s"] = statistics.median(
        timed([*CRMREV, "check", str(workdir / "check-decks")], base_env())[0] for _ in range(3))


def measure_saves(figures: dict, workdir: Path, scale: dict[str, int]) -> None:
    log("per-answer save …")
    today = dt.date(2026, 11, 24)
    big_ids, small_ids = card_ids(scale["big_cards"]), card_ids(scale["small_cards"])
    big, small = [], []
    for _ in range(3):
        big += save_latencies(workdir / "big.json", big_ids, 60, today)
        small += save_latencies(workdir / "small.json", small_ids, 60, today)
    figures["save_big_ms"] = statistics.median(big) * 1000
    figures["save_small_ms"] = statistics.median(small) * 1000
    figures["save_growth_ratio"] = figures["save_big_ms"] / figures["save_small_ms"]


def run(quick: bool, workdir: Path) -> dict:
    scale = scales(quick)
    log("generating data …")
    # In a child process: this process must stay small, because a forked child's peak RSS
    # counts the parent's pages until it execs, which would inflate peak_rss_mb_100k.
    subprocess.run([sys.executable, __file__, "--generate", str(workdir), *(["--quick"] if quick else [])],
                   check=True)
    figures: dict[str, object] = {"check_decks": scale["check_decks"]}
    measure_processes(figures, workdir, scale["runs"])
    measure_saves(figures, workdir, scale)
    log("SM-2 …")
    # A fresh process: both libraries measured in it, and neither pays for this process's heap.
    rates = subprocess.run([sys.executable, __file__, "--sm2", str(7 if quick else 11)], check=True,
                           capture_output=True, text=True).stdout
    ours, theirs = json.loads(rates)
    figures["sm2_crmrev_per_s"], figures["sm2_supermemo2_per_s"] = ours, theirs
    figures["sm2_speedup"] = ours / theirs
    logged = json.loads((workdir / "logged.json").read_text())
    figures["scale"] = {**scale, "quick": quick, "big_reviews_logged": logged["big"],
                        "small_reviews_logged": logged["small"]}
    figures["machine"] = {"python": platform.python_version(), "platform": platform.platform(),
                          "cpus": os.cpu_count()}
    return figures


def table(figures: dict) -> str:
    scale = figures["scale"]
    rows = [
        ("startup_ratio", f"crmrev due --json (bundled) {figures['startup_due_s'] * 1000:.0f} ms ÷ "
                          f"imports {figures['startup_imports_s'] * 1000:.0f} ms"),
        ("due_scale_ratio", f"due at {scale['big_cards']:,} cards / {scale['big_reviews_logged']:,} reviews "
                            f"{figures['due_scale_big_s'] * 1000:.0f} ms ÷ bundled "
                            f"{figures['due_scale_bundled_s'] * 1000:.0f} ms"),
        ("save_growth_ratio", f"save at {scale['big_cards']:,}/{scale['big_reviews_logged']:,} "
                              f"{figures['save_big_ms']:.2f} ms ÷ at {scale['small_cards']:,}/"
                              f"{scale['small_reviews_logged']:,} {figures['save_small_ms']:.2f} ms"),
        ("build_scaling", f"build {scale['seeds_big']:,} seeds {figures['build_big_s']:.2f} s ÷ "
                          f"{scale['seeds_small']:,} seeds {figures['build_small_s']:.2f} s"),
        ("peak_rss_mb_100k", f"peak RSS of crmrev due at {scale['big_cards']:,} cards"),
    ]
    lines = [f"{'figure':<18} {'value':>8}  {'target':<7} {'':4}  measured", "-" * 100]
    for key, detail in rows:
        op, limit = TARGETS[key]
        value = figures[key]
        ok = value <= limit if op == "<=" else value >= limit
        lines.append(f"{key:<18} {value:>8.2f}  {op} {limit:<4} {'ok' if ok else 'MISS':4}  {detail}")
    lines.append(f"{'check':<18} {figures['check_s']:>8.2f}  {'':7} {'':4}  crmrev check of "
                 f"{figures['check_decks']:,} decks (seconds)")
    # No target: a learner makes one review per keypress, so SM-2 speed is information only.
    lines.append(f"{'sm2_speedup':<18} {figures['sm2_speedup']:>8.2f}  {'':7} {'':4}  crmrev "
                 f"{figures['sm2_crmrev_per_s']:,.0f}/s ÷ supermemo2 "
                 f"{figures['sm2_supermemo2_per_s']:,.0f}/s")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="small scales, for a smoke test")
    parser.add_argument("--json", type=Path, help="write the figures to this file")
    parser.add_argument("--keep", type=Path, help="generate data here and keep it")
    parser.add_argument("--generate", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--sm2", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.sm2:
        print(json.dumps(sm2_rates(args.sm2)))
        return 0
    if args.generate:
        generate(args.quick, args.generate)
        return 0
    workdir = args.keep or Path(tempfile.mkdtemp(prefix="crmrev-bench-"))
    try:
        figures = run(args.quick, workdir)
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    print(table(figures))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
