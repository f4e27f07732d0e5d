"""Topic → Deck: which questions a note is worth, their wording, and card ids. Pure: no I/O.

The generator decides *what to ask* from the structure of a note (a list after "such as", a
condition before a comma, a mistake's consequence, an acronym's expansion), not from word
positions. A note that offers nothing worth asking makes no optional card; every key-concept and
misconception bullet still makes one card, because learners rely on those.

A card's identity is its note and its type (ids.py explains the matching), never its wording, so
the templates below can change freely without orphaning anyone's progress.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from crmrev.ids import carry_ids, new_card_id
from crmrev.model import Bullet, Card, CardType, Deck, group_of
from crmrev.seeds import Topic, split_concept
from crmrev.text import (
    STOPWORDS,
    gives_away,
    gives_away_count,
    lower_first,
    normalise_space,
    sentence,
    significant,
    slugify,
)

GAP = "______"


@dataclass(frozen=True, slots=True)
class DeckMeta:
    id: str
    title: str


@dataclass(frozen=True, slots=True)
class Draft:
    """A card before it has an id: its type, its texts and the note it asks about."""

    type: str
    front: str
    back: str
    bullet: Bullet

    @property
    def note(self) -> str:
        return normalise_space(self.bullet.text)


# ---------------------------------------------------------------- titles and deck ids

_LEAD_IN = re.compile(
    r"^this\s+(?:sub)?(?:topic|element|unit|section|module|chapter)\s+"
    r"(?:explores|focuses on|covers|examines|looks at|introduces|is about|considers|deals with)\s+",
    re.IGNORECASE,
)
# A title is the noun phrase the lead-in introduces; it ends where a clause or qualifier begins.
_TITLE_END = re.compile(
    r",|;|\s(?:that|which|who|whose|within|in|across|through|to|for|by|required|needed|used|"
    r"involved|and how|including|where|when)\s", re.IGNORECASE)
_TITLE_STOP = {"the", "a", "an", "and", "of", "to", "in", "for", "with", "on", "that", "how", "within"}
TITLE_WORDS = 7


def derive_meta(topic: Topic, fallback: str) -> tuple[DeckMeta, bool]:
    """(meta, derived): the documented rule for a seed without meta.yaml.

    When the synopsis opens "This subtopic explores the …", the title is that noun phrase up to the
    first qualifying clause, at most seven words, in sentence case. Anything else (a synopsis that
    opens mid-argument, "explores how …") gives no title worth showing, so the deck gets a neutral
    one and derived is False: the build then tells the author to set a title in meta.yaml."""
    first_sentence = re.split(r"(?<=[.!?])\s", topic.synopsis.strip(), maxsplit=1)[0].rstrip(".!?")
    lead = _LEAD_IN.match(first_sentence)
    rest = first_sentence[lead.end():] if lead else ""
    determiner = re.match(r"(?:the|a|an)\s+", rest, re.IGNORECASE)
    if determiner:
        phrase = _TITLE_END.split(rest[determiner.end():], maxsplit=1)[0]
        words = phrase.split()
        if words and len(words) <= TITLE_WORDS:
            while words and words[-1].lower() in _TITLE_STOP:
                words.pop()
            if len(words) >= 2:
                title = " ".join(words)
                title = title[0].upper() + title[1:]
                significant = [w for w in words if w.lower() not in _TITLE_STOP]
                return DeckMeta(id=slugify(" ".join(significant), max_words=4) or "deck", title=title), True
    neutral = f"Topic {fallback}"
    return DeckMeta(id=slugify(fallback) or "deck", title=neutral), False


# ---------------------------------------------------------------- shared phrase finders

_LIST_MARKER = re.compile(r"\b(?:such as|including|like|e\.g\.,?|for example,?)\s+", re.IGNORECASE)
_ITEM_END = re.compile(r"\s(?:to|that|which|for|so|in order|when|where|with|are|is|can|should|must|will|"
                       r"may|have|has|shared|used|offered|run|provided|known|called)\s|[;.]\s|[;.]$")
# The verbs course outcomes open with; what follows them is the content worth asking about.
_BLURB = re.compile(
    r"^(?:in-depth knowledge of|knowing (?:how to|when|what|which)?|recognising|understanding (?:how to|of)?|"
    r"mastering|developing (?:skills|the ability) to|developing|utilising|using|implementing|demonstrating|"
    r"creating|building|leveraging|designing|moving beyond)(?:,?\s+(?:and\s+)?[a-z]+ing\b)*\s*",
    re.IGNORECASE)
_HEAD_DROP = {"various", "different", "relevant", "key", "common", "main", "typical", "the", "a", "an",
              "some", "other",
              "several", "many", "appropriate", "its", "their", "list", "describe", "identify", "name",
              "compare", "define", "explain"}


@dataclass(frozen=True, slots=True)
class Listing:
    head: str             # the noun phrase the items exemplify: "quality assurance methods"
    items: tuple[str, ...]
    # The word that opened the list ("such as", "e.g."), if any. A counted set or a plain bracketed or
    # dashed list is the whole set; an "e.g." list is a few arbitrary examples, and blind reviews
    # graded "name two" of one BAD: any other example is as right.
    marker: str = ""

    @property
    def closed(self) -> bool:
        return self.head.startswith("of the ") or not self.marker

    @property
    def arbitrary(self) -> bool:
        return not self.closed and self.marker.startswith(("e.g", "for example"))


# Verbs as well: "written channels require netiquette (…)" lists netiquette, not "require netiquette".
_HEAD_BREAK = {"require", "requires", "need", "needs", "include", "includes", "involve", "involves", "use",
               "uses", "cover", "covers", "show", "shows", "offer", "offers", "provide", "provides",
               "is", "are", "has", "have", "means", "expect", "expects",
               "to", "with", "for", "and", "by", "in", "on", "through", "as", "using", "via", "from",
               "between", "about", "among", "across", "within", "into", "towards", "against", "outside",
               "beyond", "without", "under", "after", "before", "during", "at"}
# "security measures in CRM systems such as …": the noun after a preposition is not what is listed.
_PREPOSITIONS = {"to", "with", "for", "by", "in", "on", "through", "as", "via", "from", "between", "about",
                 "among", "across", "within", "into", "towards", "against", "outside", "beyond", "without",
                 "under", "after", "before", "during", "at"}
_COUNT_WORDS = ("two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")  # in order: index + 2


def _head_before(text: str) -> str | None:
    """The noun phrase that ends just before a list, after its last verb or preposition:
    "Implementing quality assurance methods" → "quality assurance methods"."""
    stripped = text.rstrip()
    if stripped.endswith(","):
        # "the main scheme structures used in the UK, such as …": the participle phrase qualifies
        # the head; anything else before a comma is a clause, not a noun.
        trimmed = _PARTICIPLE.sub("", stripped[:-1])
        if trimmed == stripped[:-1]:
            return None
        text = trimmed
    elif stripped.endswith((";", ":")):
        return None
    # "shaped by past experience, explicit promises (…)": a head never reaches back past a comma
    words = re.findall(r"[\w'’/-]+", text.rsplit(",", 1)[-1])[-6:]
    for index in range(len(words) - 1, -1, -1):
        word = words[index].lower()
        if word in _HEAD_BREAK or (word.endswith("ing") and index < len(words) - 1):
            counted = index + 1 < len(words) and words[index + 1].lower() in _COUNT_WORDS
            if word in _PREPOSITIONS and not counted:
                return None
            words = words[index + 1:]
            break
    if len(words) > 4 and _plural(words[-1]):
        # "…whose members play different roles": the noun and its modifier ("a mix of methods": the noun)
        words = words[-1:] if words[-2].lower() in _HEAD_BREAK | {"of"} else words[-2:]
    while words and words[0].lower() in _HEAD_DROP:
        words.pop(0)
    if not words or len(words) > 4 or words[-1].lower() in STOPWORDS | {"ones", "others", "them", "these"}:
        return None
    if any(word[0].isupper() for word in words):
        return None  # "identified by Thomas and Kilmann (…)": a name, not the kind of thing listed
    if re.search(r"\b(?:it|they|this|which)\s+\w+s?\s+" + re.escape(" ".join(words)) + r"\s*$", text, re.I):
        return None  # "ways it reduces early cancellations (e.g. …)": the list is of ways, not of the object
    head = " ".join(words)
    if words[0].lower() in _COUNT_WORDS:
        return f"of the {head}"  # "name two of the nine protected characteristics"
    return head if any(_plural(word) for word in words) else f"examples of {head}"


_COUNT_ALTERNATIVES = "|".join(sorted(_COUNT_WORDS))
_COUNTED = re.compile(rf"(?:\bthe\s+|\b(?:protects|covers|sets out|lists|has|names|identifies)\s+)"
                      rf"(?P<count>{_COUNT_ALTERNATIVES})\s+(?P<what>[^,;()–—]{{2,70}}?)\s*$", re.I)
_PARTICIPLE = re.compile(r"\s(?:identified|used|set out|described|named|listed|proposed|defined)\b.*$", re.I)


def _counted_head(text: str) -> str | None:
    """"the five ways of handling conflict identified by Thomas and Kilmann" → "of the five ways of
    handling conflict": a counted set just before a list names the list."""
    counted = _COUNTED.search(text)
    if not counted:
        return None
    what = _PARTICIPLE.sub("", counted.group("what")).strip()
    return f"of the {counted.group('count').lower()} {what}" if what else None


def _singular(word: str) -> str:
    if word.lower().endswith(("ches", "shes", "sses", "xes")):
        return word[:-2]
    return word[:-1] if _plural(word) else word


_IRREGULAR_PLURALS = {"criteria", "data", "media", "phenomena", "people", "staff", "personnel"}


def _plural(word: str) -> bool:
    lowered = word.lower()
    if lowered in _IRREGULAR_PLURALS:
        return True
    return lowered.endswith("s") and not lowered.endswith(("ss", "is", "us"))


def _close_of(text: str) -> int:
    """Where the bracket that text sits inside closes (text starts after the opening bracket)."""
    depth = 1
    for index, char in enumerate(text):
        depth += (char == "(") - (char == ")")
        if depth == 0:
            return index
    return len(text)


def _items(text: str, bracketed: bool) -> tuple[str, ...]:
    """Items of a list that starts at text[0]. Commas separate items; "and"/"or" joins the last
    one ("current and potential revenue, profitability and fit" is three items), and inside
    brackets only commas count. A list ends at its bracket, its sentence, or its last item's verb
    or clause ("service audits to monitor …" → "service audits")."""
    if bracketed:
        text = text[: _close_of(text)]
    segments = [text[start:end] for start, end in _segment_bounds(text)]
    if len(segments) == 1 and not bracketed:
        segments = re.split(r"\s+(?:and|or)\s+", segments[0], maxsplit=1)
    elif bracketed and len(segments) >= 3 and re.search(r"\s(?:and|or)\s", segments[-1]):
        # "(competing, …, avoiding and accommodating)": the last two items share a segment
        segments[-1:] = re.split(r"\s+(?:and|or)\s+", segments[-1].strip(), maxsplit=1)
    items: list[str] = []
    # With a serial comma (", and timeliness") an "and" inside an earlier item is part of it.
    serial = any(re.match(r"^\s*(?:and|or)\s", segment) for segment in segments[1:])
    for index, raw in enumerate(segments):
        piece, final = raw, False
        joined = re.match(r"^(?:and|or)\s+", piece.strip())
        clause_word = r"(?:how|what|why|when|where|that|which|whether)\b"
        if joined and re.match(clause_word, piece.strip()[joined.end():]):
            break  # "…, and how these measures can pull apart": a clause, not a last item
        if joined:
            piece, final = piece.strip()[joined.end():], not bracketed
        elif index > 0 and not bracketed and not serial:
            head, sep, tail = piece.partition(" and ") if " and " in piece else piece.partition(" or ")
            if sep:
                _add_item(items, head)
                piece, final = tail, True
        cut = _ITEM_END.search(piece + " ")
        if cut and not bracketed:
            piece, final = piece[: cut.start()], True
        _add_item(items, piece)
        if final:
            break
    return tuple(items)


def _add_item(items: list[str], text: str) -> None:
    item = re.sub(r"^(?:the|a|an)\s+", "", text.strip(" .,")).strip()
    if item:
        items.append(item)


def _segment_bounds(text: str) -> list[tuple[int, int]]:
    """(start, end) of each comma-separated segment outside brackets ("1,000" is one number)."""
    depth, start, bounds = 0, 0, []
    for index, char in enumerate(text):
        depth += (char == "(") - (char == ")")
        in_number = text[index - 1: index].isdigit() and text[index + 1: index + 2].isdigit()
        if char == "," and depth == 0 and not in_number:
            bounds.append((start, index))
            start = index + 1
    bounds.append((start, len(text)))
    return bounds


# "the TEXAS protocol (Thank, …)": capitalised words around an acronym, and its expansion.
_NAMED_ITEM = re.compile(r"^(?:the\s+)?(?:[A-Z][\w’'-]*\s+){0,3}[A-Z]{2,}[\w’'-]*(?:\s+[a-z]+)?"
                         r"(?:\s*\([^()]+\))?")


def find_named_example(text: str) -> tuple[str, str] | None:
    """(head, name) for "structured approaches such as the TEXAS protocol (Thank, …)": one named
    thing, asked as "name a structured approach"."""
    for match in _LIST_MARKER.finditer(text):
        head = _head_before(text[: match.start()].rstrip())
        named = _NAMED_ITEM.match(text[match.end():])
        if head and named and not head.startswith(("examples of", "of the")):
            words = head.split()
            words[-1] = _singular(words[-1])
            return " ".join(words), named.group(0).strip()
    return None


_CLAUSE_WORD = re.compile(r"^(?:is|are|was|were|because|which|that|so|but|has|have|can|will|must|should|"
                          r"may|does|do)\b", re.I)
_ASIDE = re.compile(r"^(?:especially|particularly|notably|mainly|mostly|for example|for instance|e\.g\.|"
                    r"such as|including|i\.e\.)\b", re.I)


def find_listing(text: str, accept: Callable[[Listing], bool] = lambda listing: True) -> Listing | None:
    """The first list of two to ten short items with a nameable head that `accept` allows."""
    candidates: list[tuple[int, str, bool]] = []
    for match in _LIST_MARKER.finditer(text):
        inside = text[: match.start()].count("(") > text[: match.start()].count(")")
        candidates.append((match.start(), text[match.end():], inside))
    for match in re.finditer(r"\(([^()]{3,160})\)", text):
        if "," in match.group(1) and not _LIST_MARKER.match(match.group(1)) and \
                not re.search(r",\s*(?:1[89]|20)\d\d\s*$", match.group(1)):  # "(Webster and Wind, 1972)"
            candidates.append((match.start(), match.group(1) + ")", True))
    for match in re.finditer(r"\s[–—]\s", text):
        candidates.append((match.start(), text[match.end():], False))
    for start, rest, bracketed in sorted(candidates):
        before = text[:start].rstrip()
        opened = _LIST_MARKER.match(text, start)
        marker = opened.group(0).strip().lower() if opened else ""
        if bracketed and before.endswith("("):
            before = before[:-1].rstrip()
        # "the Seven Principles of Public Life (the Nolan Principles, 1995) –": named before the aside
        head = _counted_head(re.sub(r"\s*\([^()]*\)$", "", before)) or _head_before(before)
        dashed = text[start:].lstrip().startswith(("–", "—"))
        if dashed and not head:
            plural_np = re.search(r"\bthe\s+(?:(?P<adjective>\w+)\s+)?(?P<noun>\w+s)\b(?!.*\bthe\b)", before)
            after_noun = before[plural_np.end():] if plural_np else ""
            # "the difference matters because …": a verb, not the plural noun a list names
            verb_like = re.match(r"\s+(?:because|so|as|since|when|if)\b", after_noun)
            if plural_np and _plural(plural_np.group("noun")) and not verb_like:
                head = plural_np.group("noun")  # "the typical stages a customer passes through –"
        if dashed:
            if not head or head.startswith("examples of"):
                continue  # a dash opens a list after a set: "the seven principles –", "roles –"
            listed = re.split(r"\s[–—]\s", rest, maxsplit=1)[0]
            items = tuple(i.strip(" .") for i in re.split(r";\s*(?:and\s+)?", listed) if i.strip(" .")) \
                if ";" in listed else _items(listed, False)
        else:
            items = _items(rest, bracketed)
        items = tuple(re.sub(r"\s*\([^()]*\)", "", item) for item in items)  # "LAST (Listen, …)" → "LAST"
        if items and _ASIDE.match(items[0]):
            continue  # "– especially detractors and low scores –" qualifies; it lists nothing
        if any(_CLAUSE_WORD.match(item) for item in items):
            continue  # "partner agencies – is the starting point, because …": a clause, not items
        if any(re.search(r"\b(?:based on|such as|like|including)\b", item) for item in items):
            continue  # "(affinity bias, judgements based on accent, age or appearance)": no clean set
        if any(_QUANTITY.match(item) or item[:1].isdigit() for item in items):
            continue  # "(30 days, six months, six years)": bare numbers, each needs what it applies to
        span = listed if dashed else rest[: _close_of(rest)] if bracketed else rest
        counted = _as_counted(head or "", items, re.split(r"[.;](?:\s|$)", span)[0])
        if counted is None:
            continue  # "the nine characteristics" but not nine items: the set would be taught wrong
        items = counted
        if head and 2 <= len(items) <= 10 and all(1 <= len(i.split()) <= 5 for i in items):
            listing = Listing(head, items, marker)
            if accept(listing):
                return listing
    return None


def _as_counted(head: str, items: tuple[str, ...], listed: str) -> tuple[str, ...] | None:
    """A counted set ("the nine characteristics") must have that many items. "marriage and civil
    partnership" is one item, so when the count disagrees, commas alone are tried as separators."""
    counted = re.match(r"of the (\w+) ", head)
    if not counted:
        return items
    expected = _COUNT_WORDS.index(counted.group(1).lower()) + 2
    if len(items) == expected:
        return items
    segments = [listed[a:b].strip(" .") for a, b in _segment_bounds(listed)]
    if segments:
        segments[-1:] = re.split(r"\s+(?:and|or)\s+", re.sub(r"^(?:and|or)\s+", "", segments[-1]), maxsplit=1)
    segments = [re.sub(r"^(?:and|or)\s+", "", re.sub(r"\s*\([^()]*\)", "", seg)).strip() for seg in segments]
    return tuple(segments) if len(segments) == expected and all(segments) else None



def list_answer(items: tuple[str, ...]) -> str:
    if len(items) == 2:
        return sentence(f"{items[0]} and {items[1]}")
    return sentence("Any two of: " + ", ".join(items))


def _strip_blurb(text: str) -> str:
    stripped = _BLURB.sub("", normalise_space(text), count=1).strip()
    return re.sub(r"^that\s+", "", stripped, flags=re.I)


_ABBREVIATIONS = ("e.g.", "i.e.", "etc.", "vs.", "v.", "no.", "approx.", "incl.")


def _first_sentence(text: str) -> str:
    """The text up to the first full stop that ends a sentence ("e.g. Ireland" does not)."""
    text = text.strip()
    for match in re.finditer(r"[.!?]\s+(?=[A-Z‘“'\"(])", text):
        before = text[: match.start() + 1].rsplit(None, 1)[-1].lower()
        if not before.endswith(_ABBREVIATIONS):
            return text[: match.start()].rstrip(".")
    return text.rstrip(".")


# ---------------------------------------------------------------- numbers, durations, thresholds

_NUMBER_WORDS = ("one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fourteen|fifteen|"
                 "twenty|thirty|forty|fifty|sixty|ninety|seventy-two|forty-eight|twenty-four")
_UNIT = (r"(?:working |calendar |business )?(?:days?|weeks?|months?|years?|hours?|minutes?|seconds?|"
         r"per ?cent|%)")
_QUANTITY = re.compile(rf"(?<![\d,.])\b(?P<number>\d{{1,3}}(?:,\d{{3}})+|\d+(?:\.\d+)?|{_NUMBER_WORDS})\s*"
                       rf"(?P<unit>{_UNIT})(?![\w-])", re.I)
_ANY_NUMBER = re.compile(r"\d+")
_EXAMPLE_MARKER = re.compile(r"\b(?:for example|e\.g\.|such as|for instance)(?!\w)", re.I)
_EXAMPLES_START = re.compile(r",?\s+(?:including|for example|e\.g\.|such as|for instance)(?!\w)", re.I)
_WORKED = re.compile(r"[=+×÷/‘’“”\"]|\s[−–-]\s\d")
_CLAUSE_LEAD = re.compile(r"^(?:and|or|but|after which|which|where|when|so that|so|because|since|therefore|"
                          r"while|as|then|including|"
                          r"(?:state|explain|remember|note|show|mention) that)\s+", re.I)


def _clauses(text: str) -> list[tuple[int, str]]:
    """(start, clause) for each clause outside brackets, split at commas, semicolons and dashes."""
    found, start, depth = [], 0, 0
    for index, char in enumerate(text):
        depth += (char == "(") - (char == ")")
        in_number = char == "," and text[index - 1: index].isdigit() and text[index + 1: index + 2].isdigit()
        sentence_end = char == "." and text[index + 1: index + 2] == " " and \
            not text[:index + 1].rsplit(None, 1)[-1].lower().endswith(_ABBREVIATIONS)
        dash = text.startswith((" – ", " — "), index)
        if depth == 0 and not in_number and (char in ",;" or sentence_end or dash):
            found.append((start, text[start:index]))
            start = index + 1
    found.append((start, text[start:]))
    return [(begin, clause) for begin, clause in found if clause.strip()]


def number_questions(text: str) -> list[tuple[str, str]]:
    """(question, answer) for each duration, count or threshold: "…send a final response within how
    many weeks?" → "Eight weeks." A number is what examiners ask for and has exactly one answer."""
    questions = []
    text = normalise_space(text).rstrip(".")
    for _start, clause in _clauses(text):
        quantity = _QUANTITY.search(clause)
        if not quantity or _WORKED.search(clause) or len(_ANY_NUMBER.findall(clause)) > 1:
            continue  # a worked example or a ratio: the other figures give this one away
        if _EXAMPLE_MARKER.search(clause[: quantity.start()]):
            continue  # an example's number is arbitrary, not a rule to learn
        digits = _ANY_NUMBER.findall(quantity.group(0))
        if digits and text.count(digits[0]) > 1:
            continue
        unit = quantity.group("unit")
        plural_unit = unit if unit.endswith(("s", "%")) or "cent" in unit else f"{unit}s"
        asked = "what percentage" if unit in ("%",) or "cent" in unit else f"how many {plural_unit}"
        before, after = clause[: quantity.start()], clause[quantity.end():]
        before = re.sub(r"^.*?\bsuch as\s+", "", before)  # "sector rules such as the FCA requirement…"
        question = _CLAUSE_LEAD.sub("", f"{before}{asked}{after}".strip(" –—"))
        question = _number_phrase_last(question)
        # "(with ServiceMark Distinction for top performers)": an aside is clutter on a question
        question = re.sub(r"\s*\((?:[^()\s]+\s+){2,}[^()]*\)", "", question)
        if not 5 <= len(question.split()) <= 25 or question.split()[0].lower() in _PREPOSITIONS | {"without"}:
            # "without undue delay and within how many days?": no subject, so no question
            continue
        answer = f"{quantity.group('number')}{'' if unit == '%' else ' '}{unit}"
        questions.append((f"{sentence(question).rstrip('.')}?", sentence(answer)))
    return questions


_LEADING_NUMBER = re.compile(r"^(?P<phrase>(?:within|after|for|up to|over|in) how many [\w ]+?"
                             r"(?: of [\w’'-]+)?)\s+(?P<rest>(?:an?|the)\s.+)$", re.I)


def _number_phrase_last(question: str) -> str:
    """"within how many months of delivery a fault is presumed …" reads as a question only with the
    number phrase at the end: "a fault is presumed … within how many months of delivery"."""
    found = _LEADING_NUMBER.match(question)
    if not found:
        return question
    # "… unless the retailer proves otherwise within how many months" would tie the number to the
    # exception, so the exception goes.
    rest = re.split(r",?\s+(?:unless|except|if|provided)\b", found.group("rest"))[0]
    return f"{rest} {lower_first(found.group('phrase'))}"


# ---------------------------------------------------------------- concept cards


_DEFINITION = re.compile(r"^(?P<subject>(?:(?:an?|the)\s+)?[\w’'-]+(?:\s+[\w’'-]+){0,3}?)\s+"
                         r"(?P<verb>is|are|means)\s+(?P<rest>.{8,})$", re.I)


_EXTRA_FACT = re.compile(r",\s+(?:often|usually|typically|which|informed|supported|based|built|achieved|"
                         r"shown|made|used|measured|created|developed|through|by)\b")
# "is usually a symptom", "are formed at every touchpoint": these qualify or describe, they do not define
_QUALIFIER = re.compile(r"(?:usually|often|typically|always|never|not|only|also|rarely|sometimes|generally|"
                        r"fundamental|more|less|\w+ed)\b", re.I)


def concept_card(bullet: Bullet) -> tuple[str, str] | None:
    """One card per key concept: the list it names ("name two"), else the term from its description,
    else what it involves."""
    parts = split_concept(bullet.text)
    if parts is None:
        return None
    term, explanation = parts
    listing = find_listing(explanation, lambda found: found.closed)
    if listing:
        return f"{term}: name two {lower_first(listing.head)}.", list_answer(listing.items)
    purpose = _purpose_card(term, _first_sentence(_LIGHT_BLURB.sub("", normalise_space(explanation))))
    if purpose:
        return purpose
    numbers = number_questions(_strip_blurb(explanation))
    if numbers:
        question, answer = numbers[0]
        return f"{term}: {lower_first(question)}", answer
    named = find_named_example(explanation)
    if named and not significant(named[1]) & significant(term):
        head, name = named
        article = "an" if head[0].lower() in "aeiou" else "a"
        return f"{term}: name {article} {head} the notes give.", sentence(name)
    activities = _activities(explanation)
    if activities:
        return f"{term}: name two of the activities it involves.", list_answer(activities)
    description = _first_sentence(_strip_blurb(explanation))
    made = _contrast_card(term, description) or _named_source_card(term, description) or \
        _listed_subject_card(term, description)
    if made:
        return made
    definition = _DEFINITION.match(_trim_words(description, 25))
    # "that a complaint is any expression of dissatisfaction …"; but "a complaint is usually a symptom"
    # qualifies rather than defines, and a subject other than the note's term is not what it teaches.
    if definition and _shares_a_word(definition.group("subject"), term) and \
            not _QUALIFIER.match(definition.group("rest")):
        subject = lower_first(definition.group("subject"))
        meaning = _EXAMPLES_START.split(definition.group("rest"))[0]  # the meaning, not its examples
        # One fact: up to "…, often informed by …", but never "a formal" of "a formal, usually annual review".
        for extra in _EXTRA_FACT.finditer(meaning):
            if len(meaning[: extra.start()].split()) >= 4:
                meaning = meaning[: extra.start()]
                break
        verb = definition.group("verb").lower()
        question = f"what does {subject} mean?" if verb == "means" else f"what {verb} {subject}?"
        if significant(subject) >= significant(term):  # "Rapport: what is rapport?" says it twice
            return sentence(question).rstrip("."), sentence(meaning)
        return f"{term}: {question}", sentence(meaning)
    clause = _trim_words(description, 25)
    if len(clause.split()) >= 4 and not _shares_a_word(term, clause):
        return f"Which key idea does this describe: {lower_first(clause).rstrip('.')}?", sentence(term)
    return f"{term}: what does it involve?", sentence(_trim_words(description, 30, ellipsis=True))


_PURPOSE = re.compile(
    r"(?:,\s+|\s+)(?P<marker>so that|so|in order to|to ensure that|to ensure|because)\s+(?P<why>.+)$", re.I)
_LIGHT_BLURB = re.compile(r"^(?:understanding|knowing|recognising|appreciating)\s+(?:that\s+|how\s+)?", re.I)


def _purpose_card(term: str, description: str) -> tuple[str, str] | None:
    """"Using tone and pace deliberately because the caller cannot see body language" → what is
    the reason for using tone and pace deliberately? Why a practice exists is what an examiner
    asks, and it has one answer in the note."""
    depth = 0
    for index, char in enumerate(description):
        depth += (char == "(") - (char == ")")
        found = _PURPOSE.match(description, index) if depth == 0 and char in ", " else None
        if not found:
            continue
        parts = [p.strip(" ,–—") for p in re.split(r"\s[–—]\s?|;\s", description[:index])]
        candidates = [p for p in parts if len(p.split()) >= 3 and p.count(",") < 2
                      and not re.match(r"(?:for example|e\.g\.|such as|including)\b", p, re.I)]
        what = candidates[-1] if candidates else parts[0]
        what = re.sub(r"\s*\((?:e\.g\.|for example|such as)[^()]*\)", "", what)
        if not _is_practice(what) or _FINITE.search(what) or \
                re.search(r",\s+(?:in which|which|where|who)\b", what):
            return None  # "replies on X are visible to everyone": a fact, which has no purpose
        trailing = r",\s+(?=(?:supported|including|which|while|and how|as well as)\b)"
        why = re.split(trailing, found.group("why"))[0]
        why = _trim_words(why, 25)
        if not 3 <= len(what.split()) <= 22 or len(why.split()) < 3 or (_shares_a_word(why, term) and \
                len(significant(why) - significant(term)) < 2):
            return None
        asked = "reason for" if found.group("marker").lower() == "because" else "purpose of"
        return f"{term}: what is the {asked} {lower_first(what)}?", sentence(why)
    return None


def _is_practice(what: str) -> bool:
    """"using a warm transfer" or "a consistent call flow" has a purpose; "the Equality Act 2010
    requires adjustments" is a clause, and its verb cannot be told from a noun, so only a gerund
    phrase or a short noun phrase is taken."""
    first = what.split(maxsplit=1)[0].lower()
    if first.endswith("ing") and first not in _PREPOSITIONS:
        return True
    return first in ("a", "an", "the") and len(what.split()) <= 4 and "," not in what


_FINITE = re.compile(r"\b(?:is|are|was|were|has|have|offers|provides|whereas|can|will|must|may)\b", re.I)


_COURSE_VERBS = {"understanding", "knowing", "recognising", "developing", "mastering", "demonstrating",
                 "appreciating", "learning", "exploring", "explaining"}


def _activities(explanation: str) -> tuple[str, ...] | None:
    """"Coordinating logistics, preparing agendas and minutes, and ensuring meetings run smoothly"
    is a set of activities: three or more comma-separated phrases that each open with a verb in
    -ing. A course-outcome verb ("Understanding …") opens a description, not an activity."""
    text = _first_sentence(explanation)
    text = re.sub(r"^[\w-]+\s+(?:involves|includes|means|covers|requires)\s+", "", text)
    first = text.split(" ", 1)[0].lower()
    if not first.endswith("ing") or first in _COURSE_VERBS:
        return None
    items = []
    for start, end in _segment_bounds(text):
        segment = re.sub(r"^(?:and|or)\s+", "", text[start:end].strip())
        if segment.lower().startswith("including"):
            break
        if not segment.split(" ", 1)[0].lower().endswith("ing"):
            return None  # "recording actions, thoughts and emotions": the set cannot be told apart
        segment = re.split(r"\s(?:to|in order to|so that|so|which)\s", segment, maxsplit=1)[0]
        for part in re.split(r"\s+and\s+(?=\w+ing\b)", segment):  # "recording actions and highlighting …"
            items.append(lower_first(part.strip(" .")))
    if len(items) < 3 or any(len(item.split()) > 7 for item in items):
        return None
    return tuple(items)


_WHEREAS = re.compile(r"^(?P<a>.+?),?\s+whereas\s+(?P<b>.+)$", re.I)
_COMPARING = re.compile(r"^comparing\s+(?:an?\s+|the\s+)?(?P<a>[\w -]+?),\s+where\s+(?P<x>.+?),\s+with\s+"
                        r"(?:an?\s+|the\s+)?(?P<b>[\w -]+?),\s+where\s+(?P<y>.+)$", re.I)
_LISTED_SUBJECT = re.compile(r"^(?P<items>[^,()]+(?:,\s*[^,()]+)+,?\s+and\s+[^,()]+?)\s+(?:are|were)\s+"
                             r"(?:all\s+)?(?P<what>[^,;–]+)", re.I)


def _contrast_card(term: str, description: str) -> tuple[str, str] | None:
    """"Comparing A, where X, with B, where Y" and "A …, whereas B …": what sets B apart."""
    comparing = _COMPARING.match(description)
    if comparing:
        return (f"{term}: what distinguishes a {comparing.group('b')} from a {comparing.group('a')}?",
                sentence(_trim_words(comparing.group("y"), 25)))
    whereas = _WHEREAS.match(description)
    if whereas and len(whereas.group("b").split()) >= 4:
        subject = re.match(r"^(?:an?|the)\s+([\w-]+)", whereas.group("b"), re.I)
        other = re.match(r"^(?:an?|the)\s+([\w-]+)", whereas.group("a"), re.I)
        if subject and other:
            return (f"{term}: how does {subject.group(1)} differ from {other.group(1)}?",
                    sentence(_trim_words(whereas.group("b"), 30, ellipsis=True)))
    return None


def _named_source_card(term: str, description: str) -> tuple[str, str] | None:
    """"the anticipatory duty under the Equality Act 2010 to make …" → which Act? Asked only where
    one named thing stands in its clause: "in line with UK GDPR, the DPA 2018 and PECR" has three
    right answers."""
    clause = next((c for _, c in _clauses(description) if _NAMED_THING.search(c)), "")
    clause = _trim_words(_CLAUSE_LEAD.sub("", clause.strip(" –—")), 30)
    clause = re.sub(r"^(?:(?:and\s+)?(?:how|that|why)\s+)+", "", clause, flags=re.I)
    named = _NAMED_THING.search(clause)
    if not named or len(_NAMED_THING.findall(clause)) > 1 or _shares_a_word(named.group(1), term) or \
            len(clause.split()) < 6 or re.search(r"\b(?:GDPR|PECR|Act|Regulations)\b", clause[named.end():]) \
            or not clause[:1].isalpha():
        return None
    if re.search(r"\b(?:such as|like|or|e\.g\.,?)\s*$", clause[: named.start()]) or \
            _EXAMPLE_MARKER.search(clause[: named.start()]):
        return None  # "schemes such as ______", "e.g. under ______": other names would fill the gap
    kind = named.group("kind")
    kind = kind if kind in ("Act",) else kind.lower()
    joined = list(re.finditer(r"\band\s+(?=\w+ing\b)", clause[: named.start()]))
    if joined:  # "protecting data and speaking up through channels protected by ______": the last activity
        clause = clause[joined[-1].end():]
        named = _NAMED_THING.search(clause)
        if named is None:
            return None
    # "______ (PSR)", "______ (Goal, Reality, …)": a bracket after the gap spells the answer out.
    after = re.sub(r"^\s*\([^()]*\)", "", clause[named.end():])
    blanked = f"{clause[: named.start()]}{GAP}{after}".strip()
    if len(re.sub(r"\([^()]*\)", "", blanked).split()) < 6:
        return None
    return f"{term}: {lower_first(blanked)}. Which {kind}?", sentence(named.group(0))


def _listed_subject_card(term: str, description: str) -> tuple[str, str] | None:
    """"residents, service users, taxpayers and local businesses are all customers of public
    bodies" → who are customers of public bodies? Name two."""
    listed = _LISTED_SUBJECT.match(description)
    if not listed:
        return None
    parts = re.split(r",\s*(?:and\s+)?|\s+and\s+", listed.group("items"))
    items = tuple(i.strip() for i in parts if i.strip())
    if len(items) < 3 or any(len(i.split()) > 4 for i in items):
        return None
    return f"{term}: who or what are {listed.group('what').strip()}? Name two.", list_answer(items)


def _shares_a_word(a: str, b: str) -> bool:
    """True when a word of one text is, or contains, a word of the other: "chatbots" and "bot"."""
    left, right = significant(a), significant(b)
    return any(x in y or y in x for x in left for y in right if min(len(x), len(y)) >= 3)


def _trim_words(text: str, limit: int, ellipsis: bool = False) -> str:
    """The main clause of an explanation: up to its first ", and", ";" or dash outside brackets,
    then at most `limit` words, never ending inside a bracket."""
    depth = 0
    for index, char in enumerate(text):
        depth += (char == "(") - (char == ")")
        if depth == 0 and len(text[:index].split()) >= 6 and \
                (text.startswith((", and ", "; ", " – ", " — ", ", which ", ", including "), index)):
            text = text[:index]
            break
    words = text.split()
    if len(words) <= limit:
        return text
    clipped = " ".join(words[:limit])
    if clipped.count("(") > clipped.count(")"):
        clipped = clipped[: clipped.rfind("(")].rstrip()
    depth, boundary = 0, -1
    for index, char in enumerate(clipped):
        depth += (char == "(") - (char == ")")
        if depth == 0 and clipped.startswith((", ", "; "), index):
            boundary = index
    if boundary > len(clipped) // 2:
        return clipped[:boundary]
    return f"{clipped}…" if ellipsis else clipped  # cut mid-clause: say so rather than pretend


# ---------------------------------------------------------------- misconception cards

_REASON_SEPARATORS = (" – ", " — ", " - ", "; ", ": ")
_CONSEQUENCE = re.compile(
    r",?\s+(?:leading to|resulting in|which leads to|causing|thus|"
    r"which (?=(?:damages|causes|drives|creates|undermines|reduces|increases|harms|inflames|risks)\b))"
    r"\s*(.+)$",
    re.I)
_CONFUSING = re.compile(r"^confusing\s+(.+?)\s+with\s+(.+)$", re.I)
_BELIEF = re.compile(r"^(?:assuming|believing|thinking|presuming)\s+(?:that\s+)?(.+)$", re.I)
_CONTRAST = re.compile(r",?\s+(?P<word>rather than|instead of|when)\s+(.+)$", re.I)
_ABSOLUTE = re.compile(r"\b(?:always|only|solely|never|every|all|any|fixed|absolute|nothing but|entirely|"
                       r"completely|guarantees?|automatically)\b", re.I)
_UNRECOGNISED = re.compile(r"^(?:failing to recognise|not recognising|forgetting|overlooking the fact)\s+"
                           r"that\s+(.+)$", re.I)
_TREATING = re.compile(r"^treating\s+(.+?)\s+as\s+(.+)$", re.I)
_SUBJECT = re.compile(r"^(.+?\s(?:is|are|should be|must be|can be|needs to be|need to be))\b", re.I)
_REASON_LEAD = re.compile(r"^(?:failing to recognise|not recognising|forgetting)\s+that\s+", re.I)
_CLAIM_VERB = re.compile(r"\b(?:is|are|was|were|need|needs|require|requires|have|has|can|will|"
                         r"should|must|only|always|never)\b", re.I)
# Words after which the rest of a mistake is the phrase worth recalling, strongest first.
_GAP_TRIGGERS = (
    ("rather than", "instead of", "without", "ignoring", "over", "with"),
    ("on", "about", "to", "of", "in", "for", "from", "into", "by", "against"),
)


def _split_reason(text: str) -> tuple[str, str]:
    """(mistake, reason) at the first separator outside brackets: "X – why", "X; why", "X: why".
    The earliest wins: in "X; Y is right – Z" the mistake is X alone."""
    splits = []
    for separator in _REASON_SEPARATORS:
        start = 0
        while (at := text.find(separator, start)) >= 0:
            before, after = text[:at], text[at + len(separator):]
            if before.count("(") == before.count(")") and before.strip() and after.strip():
                splits.append((at, before.strip(), _REASON_LEAD.sub("", after.strip())))
                break
            start = at + 1
    if splits:
        _at, mistake, reason = min(splits)
        return mistake, reason
    return text.strip().rstrip("."), ""


def _until_comma(text: str) -> str:
    """The text up to the first comma or em dash that is not inside brackets."""
    depth = 0
    for index, char in enumerate(text):
        if char in "([":
            depth += 1
        elif char in ")]":
            depth = max(0, depth - 1)
        elif char in ",—" and depth == 0:
            return text[:index].strip()
    return text.strip()


def _gap_phrase(mistake: str) -> tuple[str, str, str] | None:
    """Find (before, answer, after) where answer is the phrase a learner should recall."""
    trailing_example = re.search(r"\s*\([^()]*\)$", mistake)
    if trailing_example and trailing_example.start() > 0:
        return _gap_phrase(mistake[: trailing_example.start()])  # the example stays off the card
    lowered = mistake.lower()
    for triggers in _GAP_TRIGGERS:
        best: tuple[tuple[bool, int], tuple[str, str, str]] | None = None
        for trigger in triggers:
            for match in re.finditer(rf"\b{re.escape(trigger)}\s+", lowered):
                start = match.end()
                answer = _until_comma(mistake[start:]).rstrip(".")
                after = mistake[start + len(answer):].rstrip(".")
                n_words = len(answer.split())
                if not 2 <= n_words <= 8 or not significant(answer):
                    continue
                before = mistake[:start]
                if significant(answer) <= significant(before + after) or \
                        before.count("(") != before.count(")"):
                    continue  # never split a bracket, never leave the answer in view
                rank = (not after, len(before))  # prefer a phrase that ends the mistake
                if best is None or rank > best[0]:
                    best = (rank, (before, answer, after))
        if best:
            return best[1]
    return None


def _belief_card(mistake: str, reason: str) -> tuple[str, str] | None:
    """"Assuming that P rather than Q" → why is assuming P wrong? Q, or the reason the note gives."""
    belief = _BELIEF.match(mistake)
    treating = _TREATING.match(mistake)
    if treating:
        both = " and " in treating.group(1) and treating.group(2).lower().startswith("the same")
        claim = f"{treating.group(1)} {'are' if both else 'is'} {treating.group(2)}"
    elif belief:
        claim = belief.group(1)
    else:
        return None
    why = ""
    contrast = _CONTRAST.search(claim)
    if contrast and contrast.group("word").lower() == "when" and reason:
        contrast = None  # "responsible when a courier loses it; the goods remain …": a condition of the claim
    if contrast:
        claim, alternative = claim[: contrast.start()], contrast.group(2)
        if contrast.group("word").lower() == "when":
            why = alternative  # "…, when it can be made verbally": the fact that refutes it
        else:
            alternative = re.sub(r"^being\s+", "", alternative, flags=re.I)
            recognising = re.match(r"^(?:recognising|accepting|understanding|seeing)\s+(?:that\s+)?(.+)$",
                                   alternative, re.I)
            subject = _SUBJECT.match(claim)
            if recognising:
                why = recognising.group(1)
            elif subject and re.match(r"(?:the )?ones?\s+(?:that|which|who)\b", alternative, re.I):
                # "X is the best choice rather than the one that fits": the one is the best choice
                verb = subject.group(1).split()[-1]
                why = f"{claim[subject.end():].strip()} {verb} {alternative}"
            elif subject:
                why = f"{subject.group(1)} {alternative}"
            elif alternative.split()[0].lower().endswith("ing"):
                why = f"the better view is {alternative}"
            else:
                why = f"it is {alternative}"
    else:
        overlooked = re.search(r",?\s+and\s+(?=(?:ignoring|neglecting|overlooking|forgetting)\b)", claim)
        if overlooked:
            claim, rest, sep = claim[: overlooked.start()], claim[overlooked.end():], " and "
        else:
            claim, sep, rest = claim.partition(", ")
        if sep and rest.lower().startswith(("ignoring", "neglecting", "overlooking", "forgetting")):
            why = f"that assumption means {rest}"
    if reason and not why:
        gerund = reason.lower().startswith(("ignoring", "neglecting", "overlooking", "forgetting"))
        why = f"that assumption means {reason}" if gerund else reason
    if not why or len(claim.split()) < 4 or not (_CLAIM_VERB.search(claim) or reason or contrast):
        return None
    # Not "true or false?": a misconception card's answer is always False, so a blind review graded
    # every one guessable. The reason is what a learner has to recall.
    return f"Common mistake: {lower_first(mistake_without(mistake, contrast))}. Why is that wrong?", \
        sentence(why[5:] if why.startswith("that ") else why)


def mistake_without(mistake: str, contrast: re.Match[str] | None) -> str:
    """The mistake as stated, without the clause that refutes it ("…, ignoring X" or "rather than Y")."""
    if contrast is not None and contrast.group(0) in mistake:
        return mistake[: mistake.rfind(contrast.group(0))]
    head, sep, rest = mistake.rpartition(", ")
    if sep and rest.lower().startswith(("ignoring", "neglecting", "overlooking", "forgetting")):
        return head
    return mistake


_NAMED_THING = re.compile(r"\b(?:the\s+)?((?:[A-Z][\w’'-]+\s+(?:(?:and|of|at|for|on|the|etc\.)\s+)*){1,7}"
                          r"(?P<kind>Act|Regulations|[Mm]odel|Framework|Standard|Code|Duty|Service|Register|"
                          r"Principles)(?:\s+\d{4})?)\b")


def _named_gap(mistake: str) -> tuple[str, str] | None:
    """"Failing to recognise that the Consumer Rights Act 2015 gives remedies …" → the Act blanked:
    a named Act, model or scheme is what an examiner asks for."""
    named = _NAMED_THING.search(mistake)
    if not named or len(mistake.split()) < 6:
        return None
    kind = named.group("kind").lower()
    kind = {"regulations": "regulations", "act": "Act"}.get(kind, kind)
    blanked = f"{mistake[: named.start()]}{GAP}{mistake[named.end():]}"
    return f"Common mistake: {lower_first(blanked)}. Which {kind} fills the gap?", sentence(named.group(0))


def misconception_card(bullet: Bullet) -> tuple[str, str] | None:
    text = normalise_space(bullet.text).rstrip(".")
    if len(text.split()) < 3:
        return None
    mistake, reason = _split_reason(text)
    confusing = _CONFUSING.match(mistake)
    if confusing:
        thing, other = confusing.group(1), _until_comma(confusing.group(2))
        question = "Why is that wrong?" if reason else f"What is {lower_first(thing)} often confused with?"
        front = f"Common mistake: confusing {lower_first(thing)} with {GAP}. {question}"
        return front, sentence(other) + (" " + sentence(reason) if reason else "")
    belief = _belief_card(mistake, reason) or (None if reason or not _UNRECOGNISED.match(mistake)
                                               else _named_gap(mistake))
    if belief:
        return belief
    consequence = _CONSEQUENCE.search(mistake)
    if consequence and len(mistake[: consequence.start()].split()) >= 3:
        cause = mistake[: consequence.start()].rstrip(",")
        front = f"Common mistake: {lower_first(cause)}. What does this lead to?"
        return front, sentence(consequence.group(1))
    if reason and len(reason.split()) >= 4:
        return f"Common mistake: {lower_first(mistake)}. Why is that wrong?", sentence(reason)
    gap = _gap_phrase(mistake)
    if gap is None:
        return None
    before, answer, after = gap
    why = f" {sentence(reason)}" if reason else ""
    if not after.strip():
        return f"Common mistake: {lower_first(before.strip())} what?", sentence(answer) + why
    return f"Common mistake: {lower_first(before)}{GAP}{after}. What is missing?", sentence(answer) + why


# ---------------------------------------------------------------- exam-tip cards

_GENERIC_SITUATION = {"answering", "answer", "scenario", "question", "exam", "assignment", "writing",
                      "responding", "response", "task", "unit", "case", "study", "when", "if", "for"}
_TIP_CONDITION = re.compile(r"^(when|for|if|in|before|after|during|whenever)\b(.{8,}?),\s+(.{8,})$", re.I)
_ADVICE_START = re.compile(
    r",\s+((?:always |explicitly |clearly |briefly )?(?:mention|explain|state|set|use|include|ensure|show|"
    r"identify|give|link|refer|describe|name|apply|structure|justify|compare|address|support|focus|"
    r"provide|avoid|check|go|reference|consider|outline|remember|make|start|list|quote|cite)\b.*)$", re.I)
_NAMED_EXAMPLE = re.compile(
    r"^(?P<verb>use|apply|reference|cite)\s+(?P<head>(?:a |an |the )?(?:recognised |relevant )?"
    r"[\w' -]{3,40}?)\s+(?:\(e\.g\.,?\s*(?P<eg>[^)]+)\)|(?:like|such as)\s+(?P<like>[^,;]+?))"
    r"(?P<rest>\s+(?:to|when|where|for)\s+.+)?$", re.I)


def exam_tip_card(bullet: Bullet) -> tuple[str, str] | None:
    """"When X, do Y" asks what to do when X; "use a model (e.g. M) to do Z" asks which model.
    Generic advice ("use examples") makes no card."""
    text = normalise_space(bullet.text).rstrip(".")
    numbers = number_questions(text)
    if numbers:
        question, answer = numbers[0]
        return f"Exam technique: {lower_first(question)}", answer
    condition = _TIP_CONDITION.match(text)
    if condition:
        advice = _ADVICE_START.search(text, condition.start(2))
        situation = text[: advice.start()] if advice else f"{condition.group(1)}{condition.group(2)}"
        if not significant(situation) - _GENERIC_SITUATION:
            return None  # "when answering a scenario": any tip would answer it
        what = advice.group(1) if advice else condition.group(3)
        if len(what.split()) > 30:
            return None  # several facts in one answer: nothing a learner can recall as one
        return f"Exam technique: {lower_first(situation)}, what should you do?", sentence(what)
    named = _NAMED_EXAMPLE.match(text)
    if named:
        examples = named.group("eg") or named.group("like")
        items = tuple(i.strip() for i in re.split(r",\s*|\s+or\s+|\s+and\s+", examples) if i.strip())
        if items and any(i[0].isupper() for i in items):
            head = re.sub(r"^(?:a|an|the)\s+", "", named.group("head").strip(), flags=re.I)
            head = head[:-1] if _plural(head.split()[-1]) else head
            purpose = (named.group("rest") or "").split(",")[0].strip()
            front = f"Exam technique: name a {head} you could use{' ' + purpose if purpose else ''}."
            answer = items[0] if len(items) == 1 else " or ".join(items)
            return front, sentence(answer)
    return None


# ---------------------------------------------------------------- marking-point cards

_CREDIT_LEAD = re.compile(
    r"^(?:(?:award credit for|credit should be given for|credit)(?: evidence of)?|expect evidence of|"
    r"require|candidates should provide|look for (?:evidence|proof) that|evidence must show|"
    r"look for (?:evidence|proof) of|look for|examiners? (?:will )?(?:look for|reward|credit))\s+", re.I)
_MEANS = re.compile(r"\s(?P<word>through|using|by|via)\s+(?P<rest>.+)$", re.I)
_AT_LEAST = re.compile(r"\bat least (?P<count>one|two|three|four|five|\d+)\s+(?P<what>.+)$", re.I)


def _credit_core(text: str) -> str:
    lead = _CREDIT_LEAD.match(text)
    return text[lead.end():] if lead else text


def _qualifier_after(text: str, listing: Listing) -> str:
    """" of inclusive service" in "the business benefits (reputation, loyalty) of inclusive service":
    without it, "name two business benefits" has countless answers."""
    head = listing.head.removeprefix("of the ").split(" ", 1)[-1] if listing.head.startswith("of the ") \
        else listing.head
    found = re.search(re.escape(head) + r"\s*\([^()]*\)\s+(?P<what>(?:of|for|in)\s+[^,;.()]+?)"
                      r"(?=\s+(?:and|to|by|when|with|rather|so)\b|[,;.]|$)", text)
    return f" {found.group('what')}" if found and len(found.group("what").split()) <= 6 else ""


_FILLER_ADJECTIVES = {"named", "specific", "relevant", "appropriate", "practical", "key", "suitable", "clear",
                      "accurate", "positive", "different", "various", "common"}
_GENERIC_NOUNS = {"models", "behaviours", "examples", "methods", "techniques", "ways", "factors", "benefits",
                  "tools", "skills", "points", "features", "issues", "measures", "strategies", "approaches",
                  "details", "things", "aspects", "elements", "items", "areas", "matters"}


def _generic_head(head: str) -> bool:
    """"specific positive behaviours" or "named models": without what they are of, any answer
    from the subject would do."""
    words = [w for w in head.lower().split() if w not in _FILLER_ADJECTIVES]
    return not words or (len(words) == 1 and words[0] in _GENERIC_NOUNS)


def marking_point_card(bullet: Bullet) -> tuple[str, str] | None:
    """What earns the credit: the named examples, the count, or the means examiners name."""
    text = normalise_space(bullet.text).rstrip(".")
    core = _credit_core(text)
    # A marking point's "such as" list is what an examiner happened to think of: only a whole set
    # is worth two of.
    listing = find_listing(core, lambda found: found.closed)
    qualifier = _qualifier_after(core, listing) if listing else ""
    if listing and len(listing.items) >= 2 and (qualifier or not _generic_head(listing.head)) and \
            not listing.head.startswith("examples of"):  # "examples of a de-escalation sequence": its steps
        return f"Marking point: name two {lower_first(listing.head)}{qualifier}.", list_answer(listing.items)
    at_least = _AT_LEAST.search(core)
    if at_least:
        what = _until_comma(re.sub(r"\s*\(.*$", "", at_least.group("what")))
        verb = core[: at_least.start()].strip()
        imperative = r"(?:describe|identify|give|explain|name|list|compare|provide|use|show)"
        if re.fullmatch(imperative, verb, re.I) and len(what.split()) <= 10:
            return f"Marking point: how many {what} must you {lower_first(verb)}?", \
                sentence(f"At least {at_least.group('count')}")
    means = _MEANS.search(core)
    if means and core.lower().startswith(("demonstrating", "showing", "illustrating", "identifying")):
        head = core[: means.start()].strip(" ,")
        how = re.split(r"\s(?:to|so that|in order to)\s", means.group("rest"), maxsplit=1)[0]
        if len(head.split()) >= 3 and len(how.split()) >= 2:
            if means.group("word").lower() == "by":
                return f"Marking point: how do you earn credit for {lower_first(head)}?", sentence(how)
            return f"Marking point: what should you use when {lower_first(head)}?", sentence(how)
    return None


# ---------------------------------------------------------------- cloze cards

_ACRONYM = re.compile(r"\(([A-Z][A-Z]{1,5})(s?)\)")


def _expansion(explanation: str, match: re.Match[str]) -> str | None:
    """'service level agreements (SLAs)' → 'service level agreement': the words before an acronym
    whose initials spell it."""
    letters = match.group(1)
    words = explanation[: match.start()].split()[-len(letters):]
    if len(words) != len(letters) or "".join(w[0] for w in words).upper() != letters:
        return None
    phrase = " ".join(words)
    if match.group(2) and phrase.endswith("s"):
        phrase = phrase[:-1]
    return phrase


def cloze_cards(bullet: Bullet) -> list[tuple[str, str]]:
    """A concept's further numbers (its first is the concept card), then the acronyms it expands:
    "what does SLA stand for?". Never an acronym the heading already spells out."""
    parts = split_concept(bullet.text)
    if parts is None:
        return []
    term, explanation = parts
    cards = [(f"{term}: {lower_first(question)}", answer)
             for question, answer in number_questions(_strip_blurb(explanation))[1:]]
    for match in _ACRONYM.finditer(explanation):
        expansion = _expansion(explanation, match)
        acronym = match.group(1)
        if expansion is None or acronym.lower() in term.lower() or \
                len(significant(expansion) & significant(term)) * 2 >= len(significant(expansion)):
            continue
        cards.append((f"{term}: what does {acronym} stand for?", sentence(expansion)))
    return cards


# ---------------------------------------------------------------- the deck

# The wordings of last-resort cards, made when a note offers nothing better to ask. Blind reviews
# graded almost all of them WEAK or BAD: a heading asked back ("…: what does it involve?"), an open
# "what should you do?" with several right answers, or a gap at the end of a copied sentence
# ("…without what?"). build keeps each out of the deck until the author curates it (S010).
_LAST_RESORT = re.compile(r": what does it involve\?$|^Which key idea does this describe:|"
                          r"” is good practice\?$|what should you do\?$|\s(?:\w+ )?what\?$|"
                          r"What is missing\?$")


def is_last_resort(front: str) -> bool:
    return bool(_LAST_RESORT.search(front))


def card_texts(topic: Topic, asked: set[str] | None = None) -> list[Draft]:
    """Every card a topic yields, section by section, in note order. `asked` holds the answers of
    optional cards already made for other decks, so that two decks never ask the same thing; it is
    extended in place."""
    drafts: list[Draft] = []

    def add(kind: CardType, bullet: Bullet, made: tuple[str, str] | None) -> None:
        if made and made[0] and made[1]:
            drafts.append(Draft(kind.value, made[0], made[1], bullet))

    for bullet in topic.concepts:
        add(CardType.CONCEPT, bullet, concept_card(bullet))
    for bullet in topic.misconceptions:
        add(CardType.MISCONCEPTION, bullet, misconception_card(bullet) or _fallback_misconception(bullet))
    for bullet in topic.tips:
        add(CardType.EXAM_TIP, bullet, exam_tip_card(bullet))
    for bullet in topic.marking_points:
        add(CardType.MARKING_POINT, bullet, marking_point_card(bullet))
    for bullet in topic.concepts:
        for made in cloze_cards(bullet):
            add(CardType.CLOZE, bullet, made)
    return _without_sibling_leaks(_without_repeats(drafts, asked))


def _fallback_misconception(bullet: Bullet) -> tuple[str, str] | None:
    """Every misconception bullet gives a card: when nothing in it can be asked for, whether it is a
    mistake at all is asked (weak, but never a broken fragment)."""
    text = normalise_space(bullet.text).rstrip(".")
    if len(text.split()) < 3:
        return None
    return f"True or false: “{sentence(text)}” is good practice?", "False: it is a common mistake."


_REQUIRED = (CardType.CONCEPT, CardType.MISCONCEPTION)


def _without_repeats(drafts: list[Draft], asked: set[str] | None) -> list[Draft]:
    """An optional card whose answer another card (of this deck, or of an earlier deck through
    `asked`) already gives is dropped.

    Each answer is compared only with the kept answers that share a word with it (an index from
    word to card): comparing every pair made a 2,000-bullet seed take seconds per thousand cards."""
    answers = asked if asked is not None else set()
    kept: list[Draft] = []
    holding: dict[str, list[int]] = {}  # a significant word → the kept cards whose answer holds it
    for draft in drafts:
        answer = significant(draft.back)
        key = " ".join(sorted(significant(draft.front + " " + draft.back))) if draft.type == CardType.CLOZE \
            else " ".join(sorted(answer))
        if draft.type not in _REQUIRED and (key in answers or _answer_given(answer, holding)
                                            or _number_shown_in(draft.back, kept)):
            continue
        for word in answer:
            holding.setdefault(word, []).append(len(kept))
        kept.append(draft)
        answers.add(key)
    return kept


def _answer_given(answer: set[str], holding: dict[str, list[int]]) -> bool:
    """gives_away(answer, a kept card's answer) for some kept card: the cards sharing no word with
    it cannot give it away, so only the others are counted."""
    shared = Counter(index for word in answer for index in holding.get(word, ()))
    return any(gives_away_count(answer, count) for count in shared.values())


def _number_shown_in(answer: str, kept: list[Draft]) -> bool:
    """"14 days." is given away by "a 14-day cooling-off period" on another card."""
    number = re.match(rf"(\d+|(?!one\b)(?:{_NUMBER_WORDS}))\s", answer, re.I)
    if number is None:
        return False
    shown = re.compile(rf"(?<![\w.]){re.escape(number.group(1))}(?![\w.])", re.I)
    return any(shown.search(f"{other.front} {other.back}") for other in kept)


def _gives_away(answer: str, text: str) -> bool:
    return gives_away(significant(answer), significant(text))


def _without_sibling_leaks(drafts: list[Draft]) -> list[Draft]:
    """An optional card whose answer a sibling (a card of the same note) shows is dropped: the
    sibling would teach it, and the lint (Q006) would flag it."""
    of_note: dict[Bullet, list[Draft]] = {}
    for draft in drafts:
        of_note.setdefault(draft.bullet, []).append(draft)
    kept: list[Draft] = []
    for draft in drafts:
        siblings = [d for d in of_note[draft.bullet] if d is not draft]
        leaked = any(_gives_away(draft.back, f"{d.front} {d.back}") for d in siblings)
        if draft.type in _REQUIRED or not leaked:
            kept.append(draft)
    return kept


def generate_deck(topic: Topic, meta: DeckMeta, seed_source: str, seed_name: str,
                  old_cards: Iterable[Card] = (), taken_ids: set[str] | None = None,
                  asked: set[str] | None = None) -> Deck:
    """Build a deck; a card keeps its old id when its note and type match an old card's.

    seed_source is how sources are written ("seeds/000_x.txt"); seed_name feeds new ids, so it
    must not change when a project moves folders. taken_ids, the ids other decks already use, is
    extended with this deck's ids."""
    drafts = card_texts(topic, asked)
    carried = carry_ids([(d.type, d.note) for d in drafts], list(old_cards))
    # The caller's set is extended in place: copying it per deck made building 1,000 seeds quadratic.
    taken = taken_ids if taken_ids is not None else set()
    taken.update(carried.values())
    cards = []
    seen: dict[tuple[str, str], int] = {}
    for index, draft in enumerate(drafts):
        ordinal = seen[(draft.type, draft.note)] = seen.get((draft.type, draft.note), 0) + 1
        identity = draft.note if ordinal == 1 else f"{draft.note}\0{ordinal}"
        card_id = carried.get(index) or new_card_id(seed_name, draft.type, identity, taken)
        taken.add(card_id)
        cards.append(Card(id=card_id, type=draft.type, front=draft.front, back=draft.back,
                          source=f"{seed_source}:{draft.bullet.line}", note=draft.note,
                          group=group_of(draft.note)))
    return Deck(id=meta.id, title=meta.title, cards=tuple(cards), source=seed_source)
