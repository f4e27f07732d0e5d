"""The review loop in a real pseudo-terminal, pressing single keys as a person would."""

from __future__ import annotations

import os
import signal
import time

import pexpect
import pytest

from crmrev.progress import open_progress
from tests.helpers import POSIX_ONLY, entries, finish, reveal_and_grade, spawn

pytestmark = POSIX_ONLY


def test_keys_reveal_grade_undo_and_quit(tmp_path):
    progress = tmp_path / "progress.json"
    child = spawn(progress, "--limit", "3")
    child.expect("card 1 of 3")
    child.expect("Question")
    child.expect("0 blank")  # the legend is on screen before the answer is revealed
    child.send("4")             # grading before revealing is refused
    child.expect("Reveal the answer first")
    child.send(" ")
    child.expect("Answer")
    child.expect("5 right, at once")
    child.send("5")
    child.expect("card 2 of 3")
    child.expect("Saved: grade 5")  # the confirmation shows under the next card
    child.send("\r")            # enter reveals too
    child.expect("Answer")
    child.send("2")             # below 4: the card comes back in this session
    child.expect("card 3 of 4")
    child.send("u")             # undo the 2
    child.expect("card 2 of 3")
    child.expect("Undid the last grade")
    child.send(" ")
    child.expect("Answer")
    child.send("4")
    child.expect("card 3 of 3")
    child.send("q")
    child.expect("Session saved")
    child.expect("Reviewed 2 answers on 2 cards")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert [e["grade"] for e in entries(progress)] == [5, 4]
    with open_progress(progress, writable=False) as store:
        assert sorted(s.easiness for s in store.states.values()) == [2.5, 2.6]


def test_finishing_the_queue_shows_the_summary(tmp_path):
    progress = tmp_path / "progress.json"
    child = spawn(progress, "--limit", "1")
    child.expect("card 1 of 1")
    reveal_and_grade(child, "5")
    child.expect("Session complete")
    child.expect("Due tomorrow: 1")
    assert finish(child) == 0


def test_ctrl_c_mid_card_saves_answers_and_exits_130(tmp_path):
    progress = tmp_path / "progress.json"
    child = spawn(progress, "--limit", "5")
    child.expect("card 1 of 5")
    reveal_and_grade(child, "5")
    child.expect("card 2 of 5")
    child.sendintr()
    child.expect("Interrupted: 1 answer saved")
    child.expect(pexpect.EOF)
    output = child.before or ""
    child.close()
    assert child.exitstatus == 130
    assert "Traceback" not in output
    assert len(entries(progress)) == 1


@pytest.mark.parametrize("term_env", [{"TERM": "dumb"}, {"NO_COLOR": "1"}])
def test_plain_terminals_work(tmp_path, term_env):
    progress = tmp_path / "progress.json"
    child = spawn(progress, "--limit", "1", **term_env)
    child.expect("card 1 of 1")
    reveal_and_grade(child, "4")
    child.expect("Session complete")
    assert finish(child) == 0
    assert len(entries(progress)) == 1


@pytest.mark.parametrize("key", ["\x1b", "\x1b[A", "\x1bOP"], ids=["esc", "arrow-up", "f1"])
def test_escape_and_arrow_keys_neither_block_nor_swallow_the_next_key(tmp_path, key):
    progress = tmp_path / "progress.json"
    child = spawn(progress, "--limit", "1")
    child.expect("card 1 of 1")
    child.expect("0 blank")
    child.send(key)
    child.send(" ")  # a lone Esc used to block the read and swallow this key
    child.expect("Answer", timeout=5)
    child.send("5")
    assert finish(child) == 0
    assert [e["grade"] for e in entries(progress)] == [5]


def _stopped(pid: int) -> bool:
    with open(f"/proc/{pid}/stat") as stat:
        return stat.read().rsplit(")", 1)[1].split()[0] == "T"


@POSIX_ONLY
@pytest.mark.skipif(not os.path.exists("/proc/self/stat"), reason="reads process state from /proc")
def test_after_ctrl_z_and_fg_keys_work_at_once_and_keys_typed_while_stopped_are_dropped(tmp_path):
    """Issue 13, case 21: the shell puts the terminal back in line mode while crmrev is stopped."""
    import termios

    progress = tmp_path / "progress.json"
    child = spawn(progress, "--limit", "2")
    child.expect("card 1 of 2")
    # Ctrl-Z: the kernel discards SIGTSTP for a process group no shell controls (as under pexpect),
    # so the process is stopped with SIGSTOP; what matters is what happens when it continues.
    os.kill(child.pid, signal.SIGSTOP)
    for _ in range(100):
        if _stopped(child.pid):
            break
        time.sleep(0.05)
    assert _stopped(child.pid)
    attrs = termios.tcgetattr(child.child_fd)  # what `fg` leaves: canonical mode with echo
    attrs[3] |= termios.ICANON | termios.ECHO
    termios.tcsetattr(child.child_fd, termios.TCSANOW, attrs)
    child.send("4")  # typed while stopped: not a grade for whatever card comes next
    os.kill(child.pid, signal.SIGCONT)
    child.expect("card 1 of 2")  # redrawn on resume
    child.send(" ")  # a single key works again, no Enter needed
    child.expect("Answer")
    child.send("5")
    child.expect("card 2 of 2")
    child.send("q")
    assert finish(child) == 0
    assert [(e["grade"], e["kind"]) for e in entries(progress)] == [(5, "first")]


@POSIX_ONLY
def test_a_resized_terminal_is_redrawn_without_waiting_for_a_key(tmp_path):
    child = spawn(tmp_path / "progress.json", "--limit", "1", width=100)
    child.expect("card 1 of 1")
    child.expect("Grades")
    child.setwinsize(30, 50)
    child.expect("card 1 of 1", timeout=5)
    child.send("q")
    assert finish(child) == 0
