"""The seed parser on the real seeds and on every hand-editing variation the format allows."""

from __future__ import annotations

from pathlib import Path

import pytest

from crmrev.errors import SeedError
from crmrev.seeds import decode_seed, parse_seed, split_concept

ROOT = Path(__file__).resolve().parent.parent

CLEAN = """Preview of the synopsis that stops mid-wor
Topic Synopsis
A topic about listening to customers.
Key Concepts & Core Principles
- Active listening: Paying full attention: paraphrasing, questioning – and confirming (e.g., summarising).
- Rapport: Building trust.
Exam Tips & Revision Strategies
- Use real examples.
Common Misconceptions & Mistakes to Avoid
- Confusing hearing with listening – hearing is passive.
Examiner Marking Points
- Award credit for paraphrasing.
"""


def parse(text: str, name: str = "seeds/t.txt"):
    return parse_seed(decode_seed(text.encode("utf-8"), name), name)


def test_clean_seed_gives_every_section_and_no_warnings():
    topic = parse(CLEAN)
    assert topic.synopsis == "A topic about listening to customers."
    assert topic.synopsis_line == 3
    assert [b.line for b in topic.concepts] == [5, 6]
    assert [len(x) for x in (topic.tips, topic.misconceptions, topic.marking_points)] == [1, 1, 1]
    assert topic.warnings == []


def test_line_one_preview_is_never_content():
    topic = parse(CLEAN.replace("Preview of the synopsis", "- Sneaky: bullet"))
    assert all("Sneaky" not in b.text for b in topic.concepts)
    assert "Preview" not in topic.synopsis


def test_colon_dash_and_brackets_stay_in_the_explanation():
    topic = parse(CLEAN)
    term, explanation = split_concept(topic.concepts[0].text)
    assert term == "Active listening"
    assert explanation == "Paying full attention: paraphrasing, questioning – and confirming (e.g., summarising)."


def test_crlf_bom_trailing_whitespace_and_blank_lines():
    messy = "\ufeff" + "\r\n\r\n".join(line + "  \t" for line in CLEAN.splitlines()) + "\r\n"
    topic = parse(messy)
    assert [split_concept(b.text)[0] for b in topic.concepts] == ["Active listening", "Rapport"]
    assert topic.concepts[0].line == 9  # blank lines doubled the numbering: 5 → 9
    assert topic.warnings == []


@pytest.mark.parametrize("transform", [str.upper, str.lower, lambda h: h + ":", lambda h: h.lower() + " :",
                                       lambda h: "## " + h, lambda h: h.replace("&", "and")])
def test_headings_in_any_case_with_or_without_colon(transform):
    headings = ["Topic Synopsis", "Key Concepts & Core Principles", "Exam Tips & Revision Strategies",
                "Common Misconceptions & Mistakes to Avoid", "Examiner Marking Points"]
    text = CLEAN
    for heading in headings:
        text = text.replace(heading + "\n", transform(heading) + "\n")
    topic = parse(text)
    assert len(topic.concepts) == 2 and len(topic.marking_points) == 1
    assert topic.warnings == []


@pytest.mark.parametrize("marker", ["-", "*", "•"])
def test_bullet_markers(marker):
    topic = parse(CLEAN.replace("\n- ", f"\n{marker} "))
    assert len(topic.concepts) == 2 and len(topic.misconceptions) == 1
    assert topic.warnings == []


def test_wrapped_bullet_continues_on_indented_lines():
    text = CLEAN.replace("- Rapport: Building trust.",
                         "- Rapport: Building trust\n    over many contacts\n\tand channels.")
    topic = parse(text)
    assert topic.concepts[1].text == "Rapport: Building trust over many contacts and channels."
    assert topic.concepts[1].line == 6
    assert topic.warnings == []


def test_unplaceable_line_warns_with_file_and_line():
    text = CLEAN.replace("- Rapport: Building trust.", "- Rapport: Building trust.\nStray words here")
    topic = parse(text, "seeds/x.txt")
    [warning] = topic.warnings
    assert (warning.path, warning.line, warning.code) == ("seeds/x.txt", 7, "S002")
    assert "start it with '- '" in warning.message


def test_misspelt_heading_is_suggested():
    topic = parse(CLEAN.replace("Examiner Marking Points", "Examiner Marking Pionts"))
    codes = {w.code for w in topic.warnings}
    assert "S004" in codes  # the real section is missing
    assert any("did you mean 'Examiner Marking Points'" in w.message for w in topic.warnings)


def test_missing_section_warns():
    text = CLEAN.split("Examiner Marking Points", maxsplit=1)[0]
    topic = parse(text)
    assert [(w.code, "Examiner Marking Points" in w.message) for w in topic.warnings] == [("S004", True)]


def test_text_before_any_heading_warns():
    text = CLEAN.replace("Topic Synopsis\n", "Orphan line\nTopic Synopsis\n", 1)
    topic = parse(text)
    assert [(w.code, w.line) for w in topic.warnings] == [("S001", 2)]


@pytest.mark.parametrize(("data", "needle"), [
    (b"", "empty"),
    (b"   \n\n", "empty"),
    (b"Topic Synopsis\n\x00\x01\x02", "binary"),
    (b"Topic Synopsis\ncaf\xe9\n", "not valid UTF-8"),
])
def test_unreadable_seed_is_an_error_naming_the_file(data, needle):
    with pytest.raises(SeedError) as info:
        decode_seed(data, "seeds/bad.txt")
    assert needle in info.value.message
    assert info.value.path == "seeds/bad.txt"
    assert info.value.hint


def test_real_seeds_parse_without_warnings():
    for path in sorted((ROOT / "seeds").glob("*.txt")):
        topic = parse_seed(decode_seed(path.read_bytes(), path.name), path.name)
        assert topic.warnings == [], path
        assert topic.synopsis and not topic.synopsis.endswith("f")


def test_concept_without_term_colon_warns_at_its_line():
    text = CLEAN.replace("- Rapport: Building trust.", "- Rapport – building trust over time")
    topic = parse(text, "seeds/r.txt")
    [warning] = topic.warnings
    assert (warning.code, warning.line) == ("S008", 6)
    assert "Term: explanation" in warning.message
