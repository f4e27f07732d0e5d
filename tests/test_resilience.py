"""Damaged progress, unusable locations, injected write failures and terminal edge cases,
driven through the real command line."""

from __future__ import annotations

import errno
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile

import pytest

from crmrev.progress import FORMAT, log_path_for, open_progress
from tests.helpers import POSIX_ONLY, ROOT, env_for, run_crmrev, run_unprivileged


def saved(output: str) -> int:
    return sum(1 for line in output.splitlines() if line.startswith("saved "))


def three_sessions(invoke):
    for day in ("2026-03-02", "2026-03-03", "2026-03-04"):
        invoke("review", "--new", "2", input="5\n5\n5\n5\n", env={"CRMREV_TODAY": day})


# ---------------------------------------------------------------- damaged progress via the CLI


@pytest.mark.parametrize("damage", ["truncate", "empty", "nuls", "wrong-shape", "nan"])
def test_damaged_progress_is_repaired_and_review_carries_on(invoke, progress_path, damage):
    three_sessions(invoke)
    with open_progress(progress_path, writable=False) as store:
        before = dict(store.states)
        reviews_before = len(list(store.iter_reviews()))
    good = progress_path.read_bytes()
    bad = {"truncate": good[: len(good) // 3], "empty": b"", "nuls": b"\0" * 4096,
           "wrong-shape": json.dumps({"format": FORMAT, "version": 1, "cards": [1, 2]}).encode(),
           "nan": good.replace(b'"easiness":[', b'"easiness":[NaN,', 1)}[damage]
    assert bad != good
    progress_path.write_bytes(bad)
    result = invoke("review", "--new", "1", input="4\n", env={"CRMREV_TODAY": "2026-03-05"})
    assert result.exit_code == 0, result.output
    assert "was damaged" in result.output and "restored progress from backup" in result.output
    assert "Traceback" not in result.output
    aside = list(progress_path.parent.glob("progress.json.corrupt-*"))
    assert len(aside) == 1 and aside[0].read_bytes() == bad
    with open_progress(progress_path, writable=False) as store:
        changed = [card for card, state in before.items() if store.states[card] != state]
        assert len(changed) == 1  # exactly the card answered after the repair; nothing lost
        assert store.states[changed[0]].last_review.isoformat() == "2026-03-05"
        assert len(list(store.iter_reviews())) == reviews_before + 1


def test_newer_version_refused_by_every_command_and_untouched(invoke, progress_path):
    data = json.dumps({"format": FORMAT, "version": 7, "cards": {}}).encode()
    progress_path.write_bytes(data)
    for args in (["review"], ["due"], ["stats", "--json"]):
        result = invoke(*args, input="5\n")
        assert result.exit_code == 2, args
        assert "written by a newer crmrev" in result.output
        assert "upgrade crmrev" in result.output
    assert progress_path.read_bytes() == data


def test_older_version_is_backed_up_then_migrated_via_cli(invoke, progress_path):
    old = json.dumps({"version": 0, "cards": {"con-2aecdf4c": {"reps": 1, "interval": 1, "ef": 2.6,
                                                                "due": "2026-03-03", "last": "2026-03-02"}}}).encode()
    progress_path.write_bytes(old)
    result = invoke("review", "--new", "0", input="5\n", env={"CRMREV_TODAY": "2026-03-03"})
    assert result.exit_code == 0, result.output
    assert "upgraded from format version 0" in result.output
    assert saved(result.output) == 1
    assert (progress_path.parent / "progress.json.v0.bak").read_bytes() == old
    cards = json.loads(progress_path.read_text())["cards"]
    row = cards["id"].index("con-2aecdf4c")
    assert (cards["interval"][row], cards["easiness"][row]) == (6, 2.7)


@pytest.mark.parametrize("where", ["directory", "missing-folder"])
def test_unusable_progress_path_fails_before_the_first_card(invoke, tmp_path, where):
    path = {"directory": tmp_path, "missing-folder": tmp_path / "no" / "such" / "progress.json"}[where]
    result = invoke("review", "--progress", path, input="5\n")
    assert result.exit_code == 2
    assert "Error: " in result.output and "Q: " not in result.output
    assert ("is a folder" if where == "directory" else "does not exist") in result.output


@POSIX_ONLY
def test_read_only_folder_as_an_unprivileged_user(invoke):
    """Root ignores permissions, so the review runs in a child that drops to 'nobody'."""
    invoke("due")  # import everything the command needs before dropping privileges
    base = tempfile.mkdtemp(prefix="crmrev-ro-")
    os.chmod(base, 0o755)
    folder = os.path.join(base, "ro")
    os.mkdir(folder)
    os.chmod(folder, stat.S_IRUSR | stat.S_IXUSR | stat.S_IRGRP | stat.S_IXGRP | stat.S_IROTH | stat.S_IXOTH)
    code, text = run_unprivileged(["review", "--progress", os.path.join(folder, "progress.json")])
    shutil.rmtree(base, ignore_errors=True)
    assert code == 2, text
    assert "cannot write in folder" in text and "Permission denied" in text
    assert "Q: " not in text


# ---------------------------------------------------------------- injected write failures


def failing(original, code: int, predicate=lambda *a: True):
    """Wrap an os function so that it fails with `code` when predicate(args) holds."""
    def fail(*args, **kwargs):
        if predicate(*args):
            raise OSError(code, os.strerror(code))
        return original(*args, **kwargs)
    return fail


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EIO])
@pytest.mark.parametrize("stage", ["write", "fsync"])
def test_answer_write_failure_keeps_everything_and_tells_the_user(invoke, progress_path, monkeypatch, code, stage):
    invoke("review", "--new", "2", input="5\n5\n", env={"CRMREV_TODAY": "2026-03-02"})
    snapshot, log = progress_path.read_bytes(), log_path_for(progress_path).read_bytes()
    predicate = (lambda fd, data: data.startswith(b'{"card"')) if stage == "write" else (lambda fd: True)
    monkeypatch.setattr(os, stage, failing(getattr(os, stage), code, predicate))
    result = invoke("review", "--new", "2", input="4\n4\n", env={"CRMREV_TODAY": "2026-03-03"})
    monkeypatch.undo()
    assert result.exit_code == 2, result.output
    assert f"could not save your answer: {os.strerror(code)}" in result.output
    assert "every earlier answer is safe" in result.output
    assert "Traceback" not in result.output
    assert progress_path.read_bytes() == snapshot
    assert log_path_for(progress_path).read_bytes() == log
    with open_progress(progress_path, writable=False) as store:
        assert len(store.states) == 2


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EIO])
def test_snapshot_rename_failure_keeps_old_file_and_the_answers(invoke, progress_path, monkeypatch, code):
    invoke("review", "--new", "1", input="5\n", env={"CRMREV_TODAY": "2026-03-02"})
    snapshot = progress_path.read_bytes()
    monkeypatch.setattr(os, "replace", failing(os.replace, code, lambda src, dst: str(dst).endswith("progress.json")))
    result = invoke("review", "--new", "1", input="4\n4\n", env={"CRMREV_TODAY": "2026-03-03"})
    monkeypatch.undo()
    assert result.exit_code == 2
    assert f"could not write the progress snapshot: {os.strerror(code)}" in result.output
    assert "answers are safe in the review log" in result.output
    assert progress_path.read_bytes() == snapshot
    assert not list(progress_path.parent.glob(".progress.json.*.tmp"))
    with open_progress(progress_path, writable=False) as store:
        assert len(store.states) == 2  # the new answers are replayed from the log


# ---------------------------------------------------------------- terminal edge cases


def test_stdin_from_dev_null_is_an_empty_script(tmp_path):
    with open(os.devnull) as null:
        result = subprocess.run([sys.executable, "-m", "crmrev", "review"], stdin=null, capture_output=True,
                                text=True, env=env_for(tmp_path / "p.json"), timeout=60)
    assert result.returncode == 0
    assert "Q: " in result.stdout and "Reviewed 0 answers" in result.stdout
    assert result.stderr == ""


@POSIX_ONLY  # a shell pipeline (yes, head)
def test_closed_stdin(tmp_path):
    result = subprocess.run(f"{sys.executable} -m crmrev review <&-", shell=True, capture_output=True,
                            text=True, env=env_for(tmp_path / "p.json"), timeout=60)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr


@POSIX_ONLY  # a shell pipeline (yes, head)
def test_closed_output_pipe_keeps_the_answers(tmp_path):
    progress = tmp_path / "p.json"
    # The reader prints up to the first acknowledged answer, then leaves: crmrev's next write
    # meets a closed pipe while answers are still coming in.
    reader = ("import sys\nfor line in sys.stdin:\n    print(line, end='')\n"
              "    if line.startswith('saved '):\n        break")
    result = subprocess.run(f"yes 5 | head -40 | {sys.executable} -m crmrev review | "
                            f"{sys.executable} -c \"{reader}\"", shell=True,
                            capture_output=True, text=True, env=env_for(progress, "2026-03-02"), timeout=60)
    assert result.returncode == 0
    acknowledged = [line.split()[1] for line in result.stdout.splitlines() if line.startswith("saved ")]
    assert len(acknowledged) == 1
    assert "Traceback" not in result.stderr and "Exception ignored" not in result.stderr
    with open_progress(progress, writable=False) as store:
        answered = [review.card for review in store.iter_reviews()]
        # the acknowledged answer is kept, nothing answered after the pipe closed is half-saved,
        # and every logged answer has its state
        assert answered[:1] == acknowledged and 1 <= len(answered) <= 20
        assert set(answered) <= set(store.states)
    json.loads(progress.read_text())  # the snapshot is whole


@POSIX_ONLY  # a shell pipeline (yes, head)
@pytest.mark.parametrize("command", [["due"], ["stats"], ["check", str(ROOT / "decks")]])
def test_closed_pipe_for_read_only_commands(tmp_path, command):
    result = subprocess.run(f"{sys.executable} -m crmrev {' '.join(command)} | head -1", shell=True,
                            capture_output=True, text=True, env=env_for(tmp_path / "p.json"), timeout=60,
                            cwd=tmp_path)
    assert result.returncode == 0
    assert result.stderr == ""
    assert len(result.stdout.splitlines()) == 1


@pytest.mark.parametrize("extra", [{"TERM": "dumb"}, {"NO_COLOR": "1"}])
def test_dumb_and_no_color_pipes_have_no_escapes(tmp_path, extra):
    result = run_crmrev(tmp_path / "p.json", "due", **extra)
    assert result.returncode == 0 and "\x1b" not in result.stdout
