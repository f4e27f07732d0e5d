"""Text helpers shared by the parser, the generator, the deck loader and the UI.

Card text is untrusted: a shared deck can carry escape sequences that rewrite the clipboard (OSC 52),
fake hyperlinks (OSC 8), clear the screen or reverse the reading order. Rich passes them through, so
they are made visible here before anything is shown.
"""

from __future__ import annotations

import re
import unicodedata

# Bidirectional embeddings, overrides and isolates: they reorder what the reader sees.
_BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f" + _BIDI + "]")


def _visible(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    if code < 0x20:
        return chr(0x2400 + code)  # Unicode "control pictures": ␛ for ESC, ␍ for CR
    if code == 0x7F:
        return "\u2421"  # ␡
    return f"<U+{code:04X}>"


def neutralise(text: str) -> str:
    """Replace control and bidi characters with visible placeholders; keep newline and tab."""
    return _UNSAFE.sub(_visible, text)


def utf16_name(data: bytes) -> str | None:
    """'UTF-16' when the bytes start with a UTF-16 (or UTF-32) byte-order mark, as Windows Notepad's
    "Unicode" encoding writes: text, but not UTF-8, and full of NUL bytes."""
    for bom, name in ((b"\xff\xfe\x00\x00", "UTF-32"), (b"\x00\x00\xfe\xff", "UTF-32"),
                      (b"\xff\xfe", "UTF-16"), (b"\xfe\xff", "UTF-16")):
        if data.startswith(bom):
            return name
    # Without a mark: English text in UTF-16 has a NUL in every other byte.
    sample = data[:4096]
    if len(sample) >= 8 and max(sample[0::2].count(0), sample[1::2].count(0)) >= 0.4 * len(sample) / 2:
        return "UTF-16 (without a byte-order mark)"
    return None


def json_safe(text: str) -> str:
    """JSON text with C1 controls and bidi characters written as \\u escapes: the same values to a
    JSON reader, nothing a terminal acts on. (json.dumps escapes C0 controls itself.)"""
    return _UNSAFE.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


def first_unsafe(text: str) -> tuple[int, str] | None:
    match = _UNSAFE.search(text)
    return (match.start(), f"U+{ord(match.group()):04X}") if match else None


_SLUG_DROP = re.compile(r"[^a-z0-9]+")


def slugify(text: str, max_words: int = 5) -> str:
    """ASCII, lower-case, hyphen-separated: safe on a command line and in a file name."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = [w for w in _SLUG_DROP.split(ascii_text.lower()) if w]
    return "-".join(words[:max_words])


def plural(count: int, noun: str) -> str:
    """'1 answer', '2 answers'."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def exam_countdown(date: str, days_left: int) -> str:
    """'Exam on 2027-06-14: 3 days left.', and after the day, what to do about it."""
    if days_left > 0:
        return f"Exam on {date}: {plural(days_left, 'day')} left."
    if days_left == 0:
        return f"Exam on {date}: today. Good luck!"
    return (f"The exam on {date} has passed ({plural(-days_left, 'day')} ago): set the next one with "
            "`crmrev exam YYYY-MM-DD`, or `crmrev exam --clear`.")


def normalise_space(text: str) -> str:
    return " ".join(text.split())


def sentence(text: str) -> str:
    """Capitalise the first letter and end with a full stop, as a teacher would write it."""
    text = normalise_space(text).strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    if text[-1] not in ".!?…)\"”’'" or (text[-1] == ")" and not text.endswith(".)")):
        text += "."
    return text


def lower_first(text: str) -> str:
    """Lower-case the first word unless it looks like an acronym or a proper name (CRM, GDPR)."""
    if not text:
        return text
    first = text.split(" ", 1)[0]
    if len(first) > 1 and (first.isupper() or any(c.isupper() for c in first[1:])):
        return text
    return text[0].lower() + text[1:]


# ---------------------------------------------------------------- words that carry meaning
# One list for the generator (what is worth blanking) and the lint (what a leak or a poor blank is).

_STOPWORD_TEXT = """
a about above after again against all also am an and any are as at be because been before being
below between both but by can could did do does doing down during each either etc few for from
further had has have having he her here hers herself him himself his how i if in into is it its
itself just may me might more most must my myself neither no nor not of off on once only or other
ought our ours ourselves out over own same shall she should so some such than that the their theirs
them themselves then there these they this those through to too under until up upon us very via was
we were what when where which while who whom whose why will with within without would you your
yours yourself yourselves
"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())
_WORD = re.compile(r"[^\W_]+(?:['’\-][^\W_]+)*")


def stem(word: str) -> str:
    """Case-folded and plural-insensitive: 'KPIs' → 'kpi', 'policies' → 'policy'."""
    for suffix in ("'s", "’s"):
        word = word.removesuffix(suffix)
    if len(word) > 2 and word[-1] == "s" and word[-2].isupper():
        return word[:-1].casefold()  # an acronym's plural
    word = word.casefold()
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def words(text: str) -> list[str]:
    return _WORD.findall(text)


def significant(text: str) -> set[str]:
    """The words that carry meaning: stopwords removed, case-folded, plurals merged."""
    return {stem(w) for w in words(text) if w.casefold() not in STOPWORDS}


# An answer is given away when this share of its significant words is already in view.
LEAK_SHARE = 0.75


def gives_away(answer: set[str], shown: set[str]) -> bool:
    """True when most of an answer's significant words are in the shown text: the one leak rule the
    generator (which cards not to make) and the lint (Q003, Q006) share."""
    return gives_away_count(answer, len(answer & shown))


def gives_away_count(answer: set[str], shown: int) -> bool:
    """The same rule, given how many of the answer's words are shown."""
    return bool(answer) and shown >= LEAK_SHARE * len(answer)


def minutes(seconds: float) -> str:
    """A duration for an estimate, rounded as a person would say it: '1 min', '14 min', '1 h 05 min'."""
    whole = max(1, round(seconds / 60))
    if whole < 60:
        return f"{whole} min"
    return f"{whole // 60} h {whole % 60:02d} min"
