"""The benchmark scripts run (smoke tests). Their figures are reported, never asserted: CI
machines are shared and noisy, so speed lives in benchmarks/, not in timed tests."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.helpers import ROOT, bundled_cards


@pytest.mark.slow
def test_benchmark_suite_quick_writes_every_figure(tmp_path):
    out = tmp_path / "figures.json"
    result = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "run.py"), "--quick", "--json", str(out)],
                            capture_output=True, text=True, timeout=900, env={"PATH": "/usr/bin:/bin",
                                                                              "HOME": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    figures = json.loads(out.read_text())
    targets = ("startup_due_ratio", "startup_stats_json_ratio", "startup_stats_ratio", "first_card_ratio",
               "heavy_due_ratio", "heavy_stats_json_ratio", "heavy_first_card_ratio", "save_growth_ratio",
               "build_scaling", "rename_ratio", "peak_rss_mb_heavy")
    for key in (*targets, "sm2_speedup"):
        assert isinstance(figures[key], float) and figures[key] > 0, key
        assert key in result.stdout
    assert figures["check_s"] > 0 and figures["check_decks"] == 100
    assert set(figures["peak_rss_mb_by_command"]) == {"due", "stats_json", "stats", "review", "exam"}
    assert figures["scale"]["heavy_reviews_logged"] > 50 * figures["scale"]["heavy_cards"] * 0.9
    assert figures["machine"]["typer"]  # the start-up figures say which typer they were taken with


def test_exam_simulation_is_deterministic_and_reports_both_arms(tmp_path):
    out = tmp_path / "sim.json"
    command = [sys.executable, str(ROOT / "benchmarks" / "exam_sim.py"), "--seed", "11", "--json", str(out)]
    first = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert first.returncode == 0, first.stderr
    arms = json.loads(out.read_text())
    second = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert json.loads(out.read_text()) == arms  # a seeded generator: the same numbers every run
    plain, exam = arms["without exam mode"], arms["with exam mode"]
    assert plain["cards"] == exam["cards"] == len(bundled_cards())
    assert 0 < plain["recalled"] < 1 and 0 < exam["recalled"] < 1
    assert "with exam mode" in second.stdout
