"""benchmarks/calibration.py: a quick replay of part of the real review log, and its scores worked out
by hand. The full replay's figures are reported by the script, not asserted here."""

from __future__ import annotations

import importlib.util
import json
import math
import subprocess
import sys

import pytest

from tests.helpers import ROOT

SCRIPT = ROOT / "benchmarks" / "calibration.py"


def load_script():
    spec = importlib.util.spec_from_file_location("calibration", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


calibration = load_script()


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True, timeout=120)


def test_replay_of_150_cards_scores_all_three_predictors(tmp_path):
    out = tmp_path / "calibration.json"
    result = run("--limit-cards", "150", "--json", str(out))
    assert result.returncode in (0, 1), result.stderr
    figures = json.loads(out.read_text())
    assert figures["cards"] == 150 and 0 < figures["predictions"] < figures["reviews"]
    predictors = figures["predictors"]
    assert set(predictors) == {"constant", "sm2", "fsrs6"}
    for name, scores in predictors.items():
        assert isinstance(scores["log_loss"], float) and 0 < scores["log_loss"] < 2, name
        assert isinstance(scores["rmse_bins"], float) and 0 <= scores["rmse_bins"] < 1, name
        assert isinstance(scores["auc"], float) and 0 <= scores["auc"] <= 1, name
    assert predictors["constant"]["auc"] == 0.5
    assert predictors["fsrs6"]["log_loss"] < predictors["sm2"]["log_loss"]
    assert "| predictor | log loss | RMSE (20 bins) | AUC |" in result.stdout
    assert "targets: log loss" in result.stdout


def test_auc_ranks_with_ties_averaged():
    assert calibration.auc([0.1, 0.2, 0.8, 0.9], [False, False, True, True]) == 1.0
    assert calibration.auc([0.9, 0.8, 0.2, 0.1], [False, False, True, True]) == 0.0
    assert calibration.auc([0.5] * 4, [False, True, False, True]) == 0.5
    # One recalled/forgotten pair tied, the other three pairs ordered right: (3 + 0.5) / 4.
    assert calibration.auc([0.2, 0.5, 0.5, 0.9], [False, False, True, True]) == 0.875
    assert calibration.auc([0.3, 0.7], [True, True]) is None  # one class: nothing to rank


def test_log_loss_and_its_clipping():
    assert calibration.log_loss([0.5] * 3, [True, False, True]) == pytest.approx(math.log(2))
    assert calibration.log_loss([0.8, 0.8], [True, False]) == pytest.approx(-(math.log(0.8) + math.log(0.2)) / 2)
    assert calibration.log_loss([0.0], [True]) == pytest.approx(-math.log(1e-6))  # finite when certain and wrong


def test_rmse_bins():
    # Bin [0.20, 0.25) says 0.2 and 1 of 5 was recalled; bin [0.80, 0.85) says 0.8 and 4 of 5: calibrated.
    predicted = [0.2] * 5 + [0.8] * 5
    outcomes = [True, False, False, False, False, True, True, True, True, False]
    assert calibration.rmse_bins(predicted, outcomes) == pytest.approx(0.0)
    # One bin (0.5 predicted, all recalled) of 2 points and one calibrated bin of 2: sqrt(2·0.5² / 4).
    assert calibration.rmse_bins([0.5, 0.5, 1.0, 1.0], [True] * 4) == pytest.approx(math.sqrt(0.125))
    # Within a bin [0.45, 0.50) the mean prediction is compared, not each one: 0.46 and 0.49 average
    # 0.475 against a rate of 0.5.
    assert calibration.rmse_bins([0.46, 0.49], [True, False]) == pytest.approx(0.025)


def test_same_day_repeats_are_not_predicted_and_move_sm2_once():
    reviews = calibration.read_reviews(ROOT / "benchmarks" / "data" / "fsrs-reviews-sample.csv")
    # The data's first card: Again at 20:32, later that evening (same study day), then on later days.
    first_card = calibration.first_cards(reviews, 1)
    predictions = calibration.replay(first_card)
    days = {calibration.study_day(review.moment, 4) for review in first_card}
    assert len(predictions) == len(days) - 1


@pytest.mark.parametrize(("content", "message"), [
    ("card_id,review_rating,review_time\n", ":1: the header must be"),
    ("card_id,review_rating,review_time,review_duration\n1,3,2024-03-29T20:32:32+00:00,25\n1,5,2024-03-30T20:00:00+00:00,9\n",
     ":3: review_rating '5' is not an Anki button 1-4"),
    ("card_id,review_rating,review_time,review_duration\n1,3,yesterday,25\n", ":2: review_time 'yesterday'"),
    ("card_id,review_rating,review_time,review_duration\n1,3\n", ":2: expected 4 columns, found 2"),
])
def test_bad_input_is_named_by_file_and_line(tmp_path, content, message):
    log = tmp_path / "log.csv"
    log.write_text(content, encoding="utf-8")
    result = run("--csv", str(log))
    assert result.returncode == 2
    assert f"{log}{message}" in result.stderr and "Traceback" not in result.stderr


def test_a_missing_file_is_bad_input(tmp_path):
    result = run("--csv", str(tmp_path / "nowhere.csv"))
    assert result.returncode == 2
    assert "nowhere.csv: cannot read it" in result.stderr and "Traceback" not in result.stderr
