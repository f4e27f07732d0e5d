"""`crmrev export csv`, and what both exports do with bad input: driven through the CLI as a learner
runs it. (The Anki package itself is proved with the real client in test_anki_export.py.)"""

from __future__ import annotations

import csv
import io
import os
import shutil
import stat
import tempfile
from pathlib import Path

import pytest

from crmrev.decks import load_decks
from tests.helpers import DECKS, TINY_DECK, record, run_unprivileged

TODAY = "2026-03-10"


@pytest.fixture
def seen(progress_path):
    """Two tiny-deck cards with hand-worked SM-2 outcomes: a (4, 4) is due in 4 days with interval 6
    and EF 2.50; b (4, then 1 today) lapsed, interval 1, EF 1.96, and owes today's repeat: crmrev
    shows it again today, so its due date is today, not SM-2's tomorrow."""
    record(progress_path, [("2026-03-08", "a", 4, "first"), ("2026-03-08", "b", 4, "first"),
                           ("2026-03-09", "a", 4, "first"), ("2026-03-10", "b", 1, "first")])


@pytest.fixture
def tiny(tmp_path) -> Path:
    decks = tmp_path / "decks"
    decks.mkdir()
    (decks / "tiny.yaml").write_text(TINY_DECK.replace(
        "Card C?", "'Quote “this”, then a comma, and a \"straight\" one – ok?'"), encoding="utf-8")
    return decks


def rows_of(path: Path, dialect: str = "excel") -> list[dict]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig")), dialect=dialect))


def test_csv_has_a_row_per_card_with_progress_where_seen(invoke, tmp_path, tiny, seen):
    out = tmp_path / "cards.csv"
    result = invoke("export", "csv", "--decks", tiny, "--out", out, "--today", TODAY)

    assert result.exit_code == 0, result.output
    assert f"Wrote {out}: 4 cards, 2 with progress." in result.output
    rows = {row["id"]: row for row in rows_of(out)}
    assert list(rows) == ["a", "b", "c", "d"]
    a, b, c = rows["a"], rows["b"], rows["c"]
    assert (a["deck"], a["type"], a["front"], a["back"]) == ("tiny", "concept", "Card A?", "Answer A.")
    assert (a["due"], a["interval"], a["ef"], a["repetitions"], a["lapses"]) == ("2026-03-15", "6", "2.50", "2", "0")
    assert (b["due"], b["interval"], b["ef"], b["repetitions"], b["lapses"]) == ("2026-03-10", "1", "1.96", "0", "1")
    assert 0.9 < float(a["predicted_recall"]) < 1 and 0 < float(b["predicted_recall"]) <= 1
    assert c["front"] == "Quote “this”, then a comma, and a \"straight\" one – ok?"
    assert all(c[column] == "" for column in ("due", "interval", "ef", "repetitions", "lapses",
                                              "predicted_recall"))


def test_csv_is_utf8_with_a_mark_for_excel_and_crlf_lines(invoke, tmp_path, tiny):
    out = tmp_path / "cards.csv"
    assert invoke("export", "csv", "--decks", tiny, "--out", out).exit_code == 0

    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbfid,deck,type,front,back,source,due,interval,ef,repetitions,")
    assert data.count(b"\r\n") == 5 and b"\n" not in data.replace(b"\r\n", b"")
    assert '"Quote “this”, then a comma, and a ""straight"" one – ok?"'.encode() in data


def test_tsv_has_no_mark_and_tabs(invoke, tmp_path, tiny):
    out = tmp_path / "cards.tsv"  # the name alone chooses tabs
    assert invoke("export", "csv", "--decks", tiny, "--out", out).exit_code == 0

    data = out.read_bytes()
    assert data.startswith(b"id\tdeck\ttype\tfront\tback\t")
    rows = list(csv.DictReader(io.StringIO(data.decode()), dialect="excel-tab"))
    assert [row["back"] for row in rows] == ["Answer A.", "Answer B.", "Answer C.", "Answer D."]


def test_tsv_flag_and_default_name(invoke, tmp_path, tiny, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = invoke("export", "csv", "--decks", tiny, "--tsv")
    assert result.exit_code == 0, result.output
    assert "Wrote crmrev.tsv: 4 cards, 0 with progress." in result.output
    assert (tmp_path / "crmrev.tsv").read_bytes().startswith(b"id\tdeck")


def test_csv_to_standard_output(invoke, tiny, seen):
    result = invoke("export", "csv", "--decks", tiny, "--out", "-", "--today", TODAY, "--deck", "tiny")

    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [row["id"] for row in rows] == ["a", "b", "c", "d"] and rows[0]["interval"] == "6"


def test_no_progress_leaves_the_progress_columns_empty(invoke, tmp_path, tiny, seen):
    out = tmp_path / "cards.csv"
    result = invoke("export", "csv", "--decks", tiny, "--out", out, "--no-progress", "--today", TODAY)
    assert result.exit_code == 0, result.output
    assert all(row["due"] == row["predicted_recall"] == "" for row in rows_of(out))


def test_bundled_decks_one_deck(invoke, tmp_path):
    out = tmp_path / "principles.csv"
    assert invoke("export", "csv", "--deck", "crm-principles", "--out", out).exit_code == 0
    principles = load_decks(DECKS)[0]
    rows = rows_of(out)
    assert [row["id"] for row in rows] == list(principles.card_ids)
    assert {row["deck"] for row in rows} == {"crm-principles"}
    assert [row["front"] for row in rows] == list(principles.fronts)


# -- bad input: a clear error, a non-zero exit, and nothing lost

@pytest.mark.parametrize("kind, name", [("anki", "x.apkg"), ("csv", "x.csv")])
def test_an_unknown_deck_is_refused(invoke, tmp_path, kind, name):
    result = invoke("export", kind, "--deck", "crm-principle", "--out", tmp_path / name)

    assert result.exit_code == 2
    assert "no deck with id 'crm-principle'" in result.output and "crm-principles" in result.output
    assert not (tmp_path / name).exists()


@pytest.mark.parametrize("kind, name", [("anki", "x.apkg"), ("csv", "x.csv")])
def test_an_existing_file_is_kept_unless_forced(invoke, tmp_path, kind, name):
    out = tmp_path / name
    out.write_bytes(b"my own file")

    refused = invoke("export", kind, "--out", out, "--no-progress")
    assert refused.exit_code == 2
    assert f"{out} already exists" in refused.output and "--force" in refused.output
    assert out.read_bytes() == b"my own file"

    forced = invoke("export", kind, "--out", out, "--force", "--no-progress")
    assert forced.exit_code == 0, forced.output
    assert out.read_bytes() != b"my own file" and out.stat().st_size > 1000


@pytest.mark.parametrize("kind, name", [("anki", "x.apkg"), ("csv", "x.csv")])
def test_a_missing_folder_is_named(invoke, tmp_path, kind, name):
    out = tmp_path / "no such folder" / name
    result = invoke("export", kind, "--out", out, "--no-progress")

    assert result.exit_code == 73
    assert f"the folder {out.parent} does not exist" in result.output and "Traceback" not in result.output


def test_a_folder_is_not_a_file_name(invoke, tmp_path):
    folder = tmp_path / "exports.apkg"
    folder.mkdir()
    result = invoke("export", "anki", "--out", folder, "--force", "--no-progress")
    assert result.exit_code == 2 and "is a folder" in result.output


def test_anki_needs_the_apkg_suffix(invoke, tmp_path):
    result = invoke("export", "anki", "--out", tmp_path / "cards.zip", "--no-progress")
    assert result.exit_code == 2
    assert "Anki imports only .apkg" in result.output and "cards.apkg" in result.output
    assert not (tmp_path / "cards.zip").exists()


@pytest.fixture
def unprivileged_export():
    """Runs an export as 'nobody' (root ignores permissions), in a folder of /tmp it may enter."""
    import crmrev.anki_package
    import crmrev.export
    import crmrev.fsutil  # noqa: F401 (imported before the child loses access to the project)

    base = Path(tempfile.mkdtemp(prefix="crmrev-export-"))
    base.chmod(0o755)

    def run(kind: str, out: Path) -> tuple[int, str]:
        return run_unprivileged(["export", kind, "--decks", str(DECKS), "--out", str(out), "--force",
                                 "--no-progress"])

    yield base, run
    for folder in base.iterdir():
        folder.chmod(0o755)
    shutil.rmtree(base)


READ_ONLY = stat.S_IRUSR | stat.S_IXUSR | stat.S_IRGRP | stat.S_IXGRP | stat.S_IROTH | stat.S_IXOTH


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions and fork")
@pytest.mark.parametrize("kind, name", [("anki", "x.apkg"), ("csv", "x.csv")])
def test_an_unwritable_folder_is_reported_and_the_old_file_kept(unprivileged_export, kind, name):
    base, export = unprivileged_export
    folder = base / "read-only"
    folder.mkdir()
    old = folder / name
    old.write_bytes(b"an earlier export")
    folder.chmod(READ_ONLY)

    code, output = export(kind, old)

    assert code == 73, output
    assert f"{old}: cannot write the file: Permission denied" in output and "nothing was changed" in output
    assert "Traceback" not in output and "internal error" not in output
    assert old.read_bytes() == b"an earlier export"
    assert [path.name for path in folder.iterdir()] == [name]  # no temporary file left behind


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions and fork")
def test_a_folder_that_cannot_be_entered_is_reported(unprivileged_export):
    base, export = unprivileged_export
    folder = base / "private"
    folder.mkdir()
    folder.chmod(0o700)  # root's own: 'nobody' may not even look inside

    code, output = export("anki", folder / "x.apkg")

    assert code == 73, output
    assert "cannot reach the file: Permission denied" in output and "internal error" not in output


@pytest.mark.skipif(os.name != "posix", reason="FIFOs and symbolic links as a learner makes them")
@pytest.mark.parametrize("kind, name", [("anki", "x.apkg"), ("csv", "x.csv")])
def test_a_link_or_pipe_is_not_replaced_even_with_force(invoke, tmp_path, kind, name):
    target = tmp_path / f"real-{name}"
    target.write_bytes(b"kept")
    link, pipe = tmp_path / name, tmp_path / f"pipe-{name}"
    link.symlink_to(target)
    os.mkfifo(pipe)

    for out in (link, pipe):
        result = invoke("export", kind, "--out", out, "--force", "--no-progress")
        assert result.exit_code == 2, result.output
        assert "is not a regular file" in result.output
    assert link.is_symlink() and target.read_bytes() == b"kept"
    assert stat.S_ISFIFO(pipe.stat().st_mode)


def test_csv_without_a_progress_file_is_every_card_unseen(invoke, tmp_path):
    out = tmp_path / "cards.csv"
    result = invoke("export", "csv", "--out", out, "--progress", tmp_path / "none.json")
    assert result.exit_code == 0, result.output
    assert all(row["due"] == "" for row in rows_of(out))


@pytest.mark.parametrize("kind, out, message", [
    ("anki", "", "--out is empty"),
    ("csv", "  ", "--out is empty"),
    ("anki", "-", "an Anki package cannot go to standard output"),
    ("anki", "exports/", "exports/ is a folder, not a file"),  # a folder meant, even if not made yet
    ("csv", "exports/", "exports/ is a folder, not a file"),
    ("anki", "cards", "use --out cards.apkg"),
    ("anki", "cards.zip", "use --out cards.apkg"),
])
def test_out_names_that_cannot_be_the_file_meant(invoke, tmp_path, monkeypatch, kind, out, message):
    monkeypatch.chdir(tmp_path)
    result = invoke("export", kind, "--out", out, "--no-progress")
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert list(tmp_path.iterdir()) == []


def test_a_long_file_name_is_written(invoke, tmp_path):
    out = tmp_path / ("b" * 245 + ".csv")  # 249 bytes: legal, and the temporary name must fit too
    result = invoke("export", "csv", "--out", out)
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"\xef\xbb\xbfid,")


@pytest.mark.parametrize("content", ["", "{not json"])
def test_anki_refuses_a_progress_file_with_no_answers_for_the_decks(invoke, tmp_path, content):
    """An empty or damaged file (its log lost too) would make a package of new cards."""
    progress = tmp_path / "progress.json"
    progress.write_text(content)
    result = invoke("export", "anki", "--out", tmp_path / "x.apkg", "--progress", progress)
    assert result.exit_code == 2, result.output
    assert "holds no answers to the cards of these decks" in result.output and "--no-progress" in result.output
    assert not (tmp_path / "x.apkg").exists()


def test_anki_refuses_progress_for_other_decks(invoke, tmp_path, tiny, seen):
    result = invoke("export", "anki", "--out", tmp_path / "x.apkg", "--deck", "crm-principles")
    assert result.exit_code == 2, result.output
    assert "holds no answers to the cards of the deck crm-principles" in result.output
    assert invoke("export", "anki", "--out", tmp_path / "x.apkg", "--decks", tiny).exit_code == 0
