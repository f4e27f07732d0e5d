"""Settings: the file, `crmrev config`, precedence (option > environment > file > default), bad values
named with their file and line, and a file that is never rewritten with values the learner did not set."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from crmrev.settings import SETTINGS, Budget, ConfigError, load, write_setting


@pytest.fixture
def config_file(isolated_user_data):
    return isolated_user_data / ".config" / "crmrev" / "config.toml"


def shown(invoke, *args, env=None) -> dict:
    result = invoke(*args, "config", "--json", env=env)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["settings"]


def test_defaults_with_no_file(invoke, config_file):
    settings = shown(invoke)
    assert {name: entry["value"] for name, entry in settings.items()} == {
        "new-per-day": 20, "daily-budget": None, "grading": "four", "day-starts-at": 4,
        "exam-target-recall": 0.9}
    assert {entry["source"] for entry in settings.values()} == {"default"}
    assert not config_file.exists()  # showing settings writes nothing


def test_option_beats_environment_beats_file_beats_default(invoke, config_file):
    config_file.parent.mkdir(parents=True)
    config_file.write_text('grading = "six"\nday-starts-at = 6\nnew-per-day = 5\n')
    env = {"CRMREV_DAY_STARTS_AT": "2", "CRMREV_NEW_PER_DAY": "7"}
    settings = shown(invoke, "--set", "new-per-day=9", env=env)
    assert settings["grading"] == {"value": "six", "source": "file", "where": f"{config_file}:1"}
    assert settings["day-starts-at"] == {"value": 2, "source": "env", "where": "CRMREV_DAY_STARTS_AT"}
    assert settings["new-per-day"] == {"value": 9, "source": "option", "where": "--set"}
    assert settings["exam-target-recall"]["source"] == "default"


def test_new_per_day_setting_changes_what_due_offers(invoke):
    def new_today(*options):
        result = invoke(*options, "due", "--json", "--today", "2026-03-02")
        return json.loads(result.stdout)["new_today"]

    assert new_today() == 20
    assert new_today("--set", "new-per-day=3") == 3
    assert invoke("config", "set", "new-per-day", "5").exit_code == 0
    assert new_today() == 5


def test_set_changes_one_line_and_keeps_comments_and_order(invoke, config_file):
    config_file.parent.mkdir(parents=True)
    original = '# my settings\r\ngrading = "six"   # I like 0-5\r\n\r\nnew-per-day = 12  # exam season\r\n'
    config_file.write_bytes(original.encode())
    assert invoke("config", "set", "new-per-day", "8").exit_code == 0
    changed = original.replace("new-per-day = 12  # exam season", "new-per-day = 8 # exam season")
    assert config_file.read_bytes() == changed.encode()  # its comment and CRLF kept, all else as it was
    assert invoke("config", "set", "daily-budget", "30 min").exit_code == 0
    assert config_file.read_bytes().endswith(b'new-per-day = 8 # exam season\r\ndaily-budget = "30 minutes"\r\n')
    assert invoke("config", "unset", "grading").exit_code == 0
    assert "grading" not in config_file.read_text() and "# my settings" in config_file.read_text()
    result = invoke("config", "unset", "grading")  # not there any more: nothing to write
    assert result.exit_code == 0 and "is not in" in result.stdout


def test_set_off_writes_off_and_a_symlinked_file_stays_a_link(invoke, config_file, tmp_path):
    real = tmp_path / "dotfiles" / "crmrev.toml"
    real.parent.mkdir()
    real.write_text('grading = "six"\n')
    config_file.parent.mkdir(parents=True)
    config_file.symlink_to(real)
    assert invoke("config", "set", "daily-budget", "OFF").exit_code == 0
    assert config_file.is_symlink()
    assert real.read_text() == 'grading = "six"\ndaily-budget = "off"\n'


def test_set_keeps_new_settings_above_a_table_and_refuses_what_it_cannot_edit(invoke, config_file):
    config_file.parent.mkdir(parents=True)
    config_file.write_text('grading = "six"\n[extra]\nx = 1\n')
    assert invoke("config", "set", "new-per-day", "3").exit_code == 0
    assert config_file.read_text() == 'grading = "six"\nnew-per-day = 3\n[extra]\nx = 1\n'
    result = invoke("config", "get", "new-per-day")
    assert result.exit_code == 2 and f"{config_file}:3: there is no setting 'extra'" in result.stderr
    result = invoke("config", "unset", "extra")
    assert result.exit_code == 2 and "edit the file by hand" in result.stderr
    config_file.write_text('grading = """\nsix"""\n')
    before = config_file.read_bytes()
    result = invoke("config", "set", "grading", "four")
    assert result.exit_code == 2 and "several lines" in result.stderr
    assert config_file.read_bytes() == before


def test_unreadable_values_and_typos_get_clear_messages(invoke, config_file):
    config_file.parent.mkdir(parents=True)
    config_file.write_text("new-per-day = " + "9" * 5000 + "\n")
    result = invoke("due")
    assert result.exit_code == 2 and "cannot read" in result.stderr and len(result.stderr) < 1000
    config_file.write_text("a = " + "[" * 100_000 + "\n")
    assert invoke("due").exit_code == 2
    config_file.write_text("new_per_day = 5\n")
    result = invoke("due")
    assert result.exit_code == 2 and "did you mean new-per-day?" in result.stderr


def test_the_file_holds_only_what_the_learner_set(invoke, config_file, progress_path):
    assert invoke("config", "set", "grading", "six").exit_code == 0
    before = config_file.read_bytes()
    invoke("review", "--today", "2026-03-02", input="4\nq\n")
    invoke("stats", "--today", "2026-03-02")
    invoke("--set", "new-per-day=3", "due")
    assert config_file.read_bytes() == before == b'grading = "six"\n'


@pytest.mark.parametrize(("line", "message"), [
    ('grading = "five"', "grading = 'five' is not a grading scale"),
    ("day-starts-at = 24", "day-starts-at = '24' must be from 0 to 23"),
    ("new-per-day = -1", "new-per-day = '-1' must be from 0 to 10000"),
    ('daily-budget = "lots"', "daily-budget = 'lots' is not a budget"),
    ("exam-target-recall = 1.5", "exam-target-recall = '1.5' must be from 0.5 to 0.99"),
    ("new-per-dya = 5", "there is no setting 'new-per-dya'"),
    ("grading = true", "grading must be a number or text"),
    ("grading = [four", "the settings file is not valid TOML"),
])
def test_a_bad_value_names_the_setting_file_and_line_and_writes_nothing(invoke, config_file, progress_path,
                                                                          line, message):
    config_file.parent.mkdir(parents=True)
    config_file.write_text(f"# settings\n{line}\n")
    before = config_file.read_bytes()
    result = invoke("review", "--today", "2026-03-02", input="4\n")
    assert result.exit_code == 2
    assert f"{config_file}:2" in result.stderr and message in result.stderr, result.stderr
    assert "hint:" in result.stderr and "Traceback" not in result.output
    assert config_file.read_bytes() == before
    assert not progress_path.exists()  # nothing reviewed on a broken setting
    # CI's commands never read the learner's settings.
    assert invoke("check", "decks").exit_code == 0


def test_bad_environment_and_option_values_name_their_source(invoke):
    result = invoke("due", env={"CRMREV_GRADING": "five"})
    assert result.exit_code == 2 and "CRMREV_GRADING: grading = 'five'" in result.stderr
    result = invoke("--set", "day-starts-at=noon", "due")
    assert result.exit_code == 2 and "--set day-starts-at: day-starts-at = 'noon'" in result.stderr
    result = invoke("--set", "grading", "due")
    assert result.exit_code == 2 and "is not NAME=VALUE" in result.stderr


def test_config_set_refuses_a_bad_value_and_an_unknown_name(invoke, config_file):
    result = invoke("config", "set", "grading", "five")
    assert result.exit_code == 2 and "not a grading scale" in result.stderr and "nothing was written" in result.stderr
    result = invoke("config", "set", "colour", "blue")
    assert result.exit_code == 2 and "there is no setting 'colour'" in result.stderr
    assert not config_file.exists()


def test_a_typo_in_the_file_can_be_removed_with_unset(invoke, config_file):
    config_file.parent.mkdir(parents=True)
    config_file.write_text('grading = "six"\ncolour = "blue"\n')
    assert invoke("due").exit_code == 2
    result = invoke("config", "unset", "colour")
    assert result.exit_code == 0, result.output
    assert config_file.read_text() == 'grading = "six"\n'
    assert invoke("due").exit_code == 0


def test_config_get_and_path(invoke, config_file):
    assert invoke("config", "get", "day-starts-at").stdout.strip() == "4"
    assert invoke("config", "get", "day-starts-at", env={"CRMREV_DAY_STARTS_AT": "0"}).stdout.strip() == "0"
    assert invoke("config", "path").stdout.strip() == str(config_file)
    assert invoke("config", "get", "nope").exit_code == 2


def test_config_option_and_variable_choose_the_file(invoke, tmp_path):
    other = tmp_path / "elsewhere.toml"
    other.write_text("new-per-day = 2\n")
    assert invoke("--config", str(other), "config", "get", "new-per-day").stdout.strip() == "2"
    assert invoke("config", "get", "new-per-day", env={"CRMREV_CONFIG": str(other)}).stdout.strip() == "2"


def test_write_refuses_a_broken_file(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text("grading = [\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        write_setting(path, "grading", "six")
    assert path.read_text() == "grading = [\n"


def test_values_are_parsed_into_their_types(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text('daily-budget = "150 cards"\nexam-target-recall = "85%"\n')
    settings = load(environ={}, path=path)
    assert settings.daily_budget == Budget(150, "cards")
    assert settings.exam_target_recall == 0.85
    assert load(environ={"CRMREV_DAILY_BUDGET": "45m"}, path=path).daily_budget == Budget(45, "minutes")
    assert set(SETTINGS) == {"new-per-day", "daily-budget", "grading", "day-starts-at", "exam-target-recall"}


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_an_unreadable_settings_file_is_an_error_not_ignored(invoke, monkeypatch):
    """As an unprivileged user (root reads every file): a settings file that exists but cannot be
    read must stop the command, not be skipped as if there were none."""
    import shutil
    import tempfile

    from tests.helpers import run_unprivileged

    invoke("due")  # import everything the command needs before dropping privileges
    base = Path(tempfile.mkdtemp(prefix="crmrev-cfg-"))
    try:
        config = base / "crmrev" / "config.toml"
        config.parent.mkdir()
        for folder in (base, config.parent):
            folder.chmod(0o755)
        config.write_text('grading = "six"\n')
        config.chmod(0)
        monkeypatch.setenv("CRMREV_CACHE", "off")
        monkeypatch.setenv("XDG_CONFIG_HOME", str(base))  # the default place, found by platformdirs
        code, text = run_unprivileged(["due", "--progress", str(base / "p.json")])
        assert code == 2, text
        assert "cannot read the settings file" in text and str(config) in text
    finally:
        shutil.rmtree(base, ignore_errors=True)
