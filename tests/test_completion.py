"""Shell completion, as the shell asks for it: the completion variables set, crmrev run as a process."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from tests.helpers import DECKS, TINY_DECK, env_for


def complete(tmp_path, words: str, **extra: str) -> list[str]:
    """What bash's Tab offers after `words` (the last word is the one being completed)."""
    env = env_for(tmp_path / "progress.json", _CRMREV_COMPLETE="complete_bash", COMP_WORDS=words,
                  COMP_CWORD=str(len(words.split()) - (0 if words.endswith(" ") else 1)), **extra)
    result = subprocess.run([sys.executable, "-m", "crmrev"], env=env, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def bundled_ids() -> set[str]:
    from crmrev.decks import load_decks

    return {deck.id for deck in load_decks(DECKS)}


def test_deck_ids_complete_from_the_bundled_decks(tmp_path):
    assert set(complete(tmp_path, "crmrev review --deck ")) == bundled_ids()
    assert complete(tmp_path, "crmrev review --deck ret") == ["retention-satisfaction"]


def test_deck_ids_complete_from_the_decks_the_command_would_read(tmp_path):
    folder = tmp_path / "mydecks"
    folder.mkdir()
    (folder / "tiny.yaml").write_text(TINY_DECK)
    assert complete(tmp_path, f"crmrev review --decks {folder} --deck ") == ["tiny"]
    assert complete(tmp_path, "crmrev review --deck ", CRMREV_DECKS=str(folder)) == ["tiny"]
    (folder / "broken.yaml").write_text("id: [unclosed\n")  # skipped, as review would skip it
    assert complete(tmp_path, f"crmrev review --decks {folder} --deck ") == ["tiny"]
    assert complete(tmp_path, f"crmrev review --decks {tmp_path / 'missing'} --deck ") == []


def test_card_types_and_setting_names_complete(tmp_path):
    from crmrev.model import CARD_TYPES
    from crmrev.settings import SETTINGS

    assert complete(tmp_path, "crmrev review --type ") == list(CARD_TYPES)
    assert complete(tmp_path, "crmrev review --type mis") == ["misconception"]
    assert complete(tmp_path, "crmrev config set da") == [n for n in SETTINGS if n.startswith("da")]


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_the_completion_script_is_for_the_shell_it_is_run_from(tmp_path):
    # Typer finds the shell from the parent process, so the command is run from bash.
    result = subprocess.run(["bash", "-c", f"'{sys.executable}' -m crmrev --show-completion"],
                            env=env_for(tmp_path / "p.json"), capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "_CRMREV_COMPLETE=complete_bash" in result.stdout and "complete -o default" in result.stdout
