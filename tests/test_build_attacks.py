"""Issue 13's attacks on `crmrev build`: rewording a large seed stays near-linear (case 14)."""

from __future__ import annotations

import subprocess
import sys

import yaml

from benchmarks.run import write_big_seed
from crmrev import ids
from crmrev.model import Card


def test_rename_matching_compares_each_reworded_note_with_a_few_candidates_not_all(monkeypatch):
    notes = [f"Neglecting to check the {word} record {n}, leading to a lost {word} customer"
             for n, word in enumerate(["service", "complaint", "loyalty", "survey"] * 250)]
    old = [Card(f"mis-{n}", "misconception", "Q?", "A.", note=note) for n, note in enumerate(notes)]
    new = [("misconception", note.replace("lost", "angry")) for note in notes]
    calls = []
    real = ids._similarity
    monkeypatch.setattr(ids, "_similarity", lambda a, b: calls.append(1) or real(a, b))
    carried = ids.carry_ids(new, old)
    assert carried == {n: f"mis-{n}" for n in range(len(notes))}  # every card keeps its id
    assert len(calls) <= ids.CANDIDATES * len(notes)  # all pairs would be 1,000,000


def test_rewording_every_bullet_of_a_large_seed_keeps_every_id(tmp_path):
    seeds, out = tmp_path / "seeds", tmp_path / "decks"
    build = [sys.executable, "-m", "crmrev", "build", str(seeds), "--out", str(out)]
    write_big_seed(seeds, 1_000, reworded=False)
    assert subprocess.run(build, capture_output=True, timeout=120).returncode == 0
    before = {card["note"]: card["id"] for card in yaml.safe_load((out / "001_big.yaml").read_text())["cards"]}
    write_big_seed(seeds, 1_000, reworded=True)
    result = subprocess.run(build, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and "+0 ~1000 -0" in result.stdout, result.stdout
    after = yaml.safe_load((out / "001_big.yaml").read_text())["cards"]
    assert len(after) == len(before) == 1000 and set(before.values()) == {card["id"] for card in after}
