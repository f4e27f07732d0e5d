"""Topic → Deck: card texts, titles, and card ids that survive rewording. Pure: no I/O."""

from __future__ import annotations

import difflib
import hashlib
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from crmrev.model import Bullet, Card, CardType, Deck
from crmrev.seeds import Topic, split_concept
from crmrev.text import lower_first, normalise_space, sentence, slugify

GAP = "______"
# A reworded bullet keeps its card id when its text is at least this similar to the old one,
# the same idea as git's rename detection (git's default is 50%).
SIMILARITY_THRESHOLD = 0.6

_ID_PREFIX = {
    CardType.CONCEPT: "con",
    CardType.MISCONCEPTION: "mis",
    CardType.EXAM_TIP: "tip",
    CardType.MARKING_POINT: "mark",
    CardType.CLOZE: "cloze",
}


@dataclass(frozen=True, slots=True)
class DeckMeta:
    id: str
    title: str


# ---------------------------------------------------------------- titles and deck ids

_LEAD_IN = re.compile(
    r"^this\s+(?:sub)?(?:topic|element|unit|section|module|chapter)\s+"
    r"(?:explores|focuses on|covers|examines|looks at|introduces|is about|considers|deals with)\s+"
    r"(?:how\s+)?(?:the\s+)?(?:equipping learners with the knowledge to\s+)?",
    re.IGNORECASE,
)
_TITLE_STOP = {"the", "a", "an", "and", "of", "to", "in", "for", "with", "on", "that", "how", "within"}


def derive_meta(topic: Topic, fallback: str) -> DeckMeta:
    """The documented rule: the synopsis's first sentence, without its lead-in ("This subtopic
    explores the ..."), cut at the first comma and to at most eight words, in sentence case.
    The id is the first four significant words of the title as a slug."""
    first_sentence = re.split(r"(?<=[.!?])\s", topic.synopsis.strip(), maxsplit=1)[0].rstrip(".!?")
    core = _LEAD_IN.sub("", first_sentence).split(",")[0].strip()
    words = core.split()[:8]
    while words and words[-1].lower() in _TITLE_STOP:
        words.pop()
    if not words:
        return DeckMeta(id=slugify(fallback) or "deck", title=fallback)
    title = " ".join(words)
    title = title[0].upper() + title[1:]
    significant = [w for w in words if w.lower() not in _TITLE_STOP]
    return DeckMeta(id=slugify(" ".join(significant), max_words=4) or "deck", title=title)


# ---------------------------------------------------------------- card texts


def concept_card(bullet: Bullet, title: str) -> tuple[str, str] | None:
    parts = split_concept(bullet.text)
    if parts is None:
        return None
    term, explanation = parts
    front = f"What does “{term}” mean in the context of {lower_first(title)}?"
    return front, sentence(explanation)


_REASON_SEPARATORS = (" – ", " — ", " - ", "; ")
_CONSEQUENCE = re.compile(r",\s+(?:leading to|resulting in|which leads to|causing)\s+(.+)$", re.I)
_CONFUSING = re.compile(r"^confusing\s+(.+?)\s+with\s+(.+)$", re.I)
_REASON_LEAD = re.compile(r"^(?:failing to recognise|not recognising|forgetting)\s+that\s+", re.I)
# Words after which the rest of a mistake is the phrase worth recalling, strongest first.
_GAP_TRIGGERS = (
    ("rather than", "instead of", "without", "ignoring", "over", "with"),
    ("on", "about", "to", "of", "in", "for", "from", "into", "by", "against"),
)
_STOPWORDS = {"the", "a", "an", "and", "or", "of", "to", "in", "for", "with", "on", "it", "them",
              "this", "that", "as", "be", "their", "its", "own", "all", "only"}


def _split_reason(text: str) -> tuple[str, str]:
    for separator in _REASON_SEPARATORS:
        mistake, sep, reason = text.partition(separator)
        if sep and mistake.strip() and reason.strip():
            return mistake.strip(), _REASON_LEAD.sub("", reason.strip())
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


def _is_meaningful(phrase: str) -> bool:
    words = [w for w in re.findall(r"[\w'’-]+", phrase.lower()) if w not in _STOPWORDS]
    return bool(words)


def _gap_phrase(mistake: str) -> tuple[str, str, str] | None:
    """Find (before, answer, after) where answer is the phrase a learner should recall."""
    trailing_example = re.search(r"\s*\([^()]*\)$", mistake)
    if trailing_example and trailing_example.start() > 0:
        return _gap_phrase(mistake[: trailing_example.start()])  # the example stays on the back
    lowered = mistake.lower()
    for triggers in _GAP_TRIGGERS:
        best: tuple[tuple[bool, int], tuple[str, str, str]] | None = None
        for trigger in triggers:
            for match in re.finditer(rf"\b{re.escape(trigger)}\s+", lowered):
                start = match.end()
                answer = _until_comma(mistake[start:]).rstrip(".")
                after = mistake[start + len(answer):].rstrip(".")
                n_words = len(answer.split())
                if not 1 <= n_words <= 8 or not _is_meaningful(answer):
                    continue
                before = mistake[:start]
                if answer.lower() in (before + after).lower() or before.count("(") != before.count(")"):
                    continue  # never split a bracket, never leave the answer in view
                # Prefer a phrase of two or more words, then the one nearest the end.
                rank = (n_words >= 2, len(before))
                if best is None or rank > best[0]:
                    best = (rank, (before, answer, after))
        if best:
            return best[1]
    words = mistake.rstrip(".").split()
    if len(words) >= 5:
        return " ".join(words[:-3]) + " ", " ".join(words[-3:]), ""
    return None


def _gap_card(text: str, framing: str, in_full: str, reason: str = "") -> tuple[str, str] | None:
    """A card that quotes `text` with its key phrase blanked; framing leads the front in."""
    gap = _gap_phrase(text)
    if gap is None:
        return None
    before, answer, after = gap
    question = " And why is it a mistake?" if reason else ""
    front = f"{framing} “{sentence(f'{before}{GAP}{after}')}” What belongs in the gap?{question}"
    back = sentence(answer) + (" " + sentence(reason) if reason else "")
    return front, f"{back}\n\n{in_full}"


def misconception_card(bullet: Bullet) -> tuple[str, str] | None:
    text = normalise_space(bullet.text).rstrip(".")
    if len(text.split()) < 3:
        return None
    in_full = f"{IN_FULL}“{sentence(text)}”"
    mistake, reason = _split_reason(text)

    confusing = _CONFUSING.match(mistake)
    if confusing:
        thing, other = confusing.group(1), confusing.group(2)
        other = _until_comma(other)
        question = "Why is that wrong?" if reason else f"What is {thing} often confused with?"
        front = f"Common mistake: confusing {lower_first(thing)} with {GAP}. {question}"
        back = sentence(other) + (" " + sentence(reason) if reason else "")
        return front, f"{back}\n\n{in_full}"

    consequence = _CONSEQUENCE.search(mistake)
    if consequence:
        cause = mistake[: consequence.start()]
        front = f"Common mistake: {lower_first(cause)}. What does this typically lead to?"
        return front, f"{sentence(consequence.group(1))}\n\n{in_full}"

    return _gap_card(mistake, "Complete this common mistake:", in_full, reason)


_TIP_CONDITION = re.compile(r"^(when|for|if|in|before|after|during|whenever)\b(.{8,}?),\s+(.{8,})$", re.I)


def exam_tip_card(bullet: Bullet) -> tuple[str, str] | None:
    """"When X, do Y" asks what to do when X; anything else blanks the advice's key phrase."""
    text = normalise_space(bullet.text).rstrip(".")
    if len(text.split()) < 4:
        return None
    in_full = f"{IN_FULL}“{sentence(text)}”"
    condition = _TIP_CONDITION.match(text)
    if condition:
        situation = f"{condition.group(1)}{condition.group(2)}"
        front = f"Exam technique: {lower_first(situation)}, what should you do?"
        return front, f"{sentence(condition.group(3))}\n\n{in_full}"
    return _gap_card(text, "Complete this exam tip:", in_full)


# What examiners credit, as "<lead> <what is credited>"; a lead ending in "that"/"show" is followed
# by a clause ("the candidate has used ..."), which reads badly after "credit for", so it is gapped.
_CREDIT_LEAD = re.compile(
    r"^(?:(?:award credit for|credit should be given for|credit)(?: evidence of)?|expect evidence of|"
    r"require|candidates should provide|(?P<clause>look for (?:evidence|proof) that|evidence must show)|"
    r"look for (?:evidence|proof) of|look for|examiners? (?:will )?(?:look for|reward|credit))\s+", re.I)
# Where the evidence starts, strongest first.
_EVIDENCE_WORDS = ("such as", "through", "using", "by", "via", "including", "with", "(e.g.", "to")
_WEAK_ENDINGS = {"and", "or", "the", "a", "an", "of", "to", "in", "for", "ability", "how", "that"}


def _evidence_split(core: str) -> tuple[str, str] | None:
    lowered = core.lower()
    for word in _EVIDENCE_WORDS:
        at = lowered.find(f" {word} ")
        if at < 0:
            continue
        head, detail = core[:at].strip(" ,"), core[at:].strip(" ,")
        words = head.split()
        if len(words) >= 4 and len(detail.split()) >= 2 and words[-1].lower() not in _WEAK_ENDINGS:
            return head, detail
    return None


def marking_point_card(bullet: Bullet) -> tuple[str, str] | None:
    """Asks what evidence earns the credit; the back is the evidence the examiner names."""
    text = normalise_space(bullet.text).rstrip(".")
    lead = _CREDIT_LEAD.match(text)
    core = text[lead.end():] if lead else text
    if len(core.split()) < 4:
        return None
    in_full = f"{IN_FULL}“{sentence(text)}”"
    split = None if lead and lead.group("clause") else _evidence_split(core)
    if split:
        head, detail = split
        front = f"Marking point: what evidence earns credit for {lower_first(head)}?"
        return front, f"{sentence(detail)}\n\n{in_full}"
    if lead and lead.group("clause"):
        clause = lower_first(lead.group("clause"))
        framing = f"Marking point: {'examiners ' if clause.startswith('look') else ''}{clause}"
    else:
        framing = "Marking point: complete what earns credit —"
    return _gap_card(core, framing, in_full)


_ACRONYM = re.compile(r"\(([A-Z][A-Z]{1,5})s?\)")
_NAMED = re.compile(r"\b((?:[A-Z][a-z]+\s+){1,4}(?:Act|Regulations?|Model|Framework|Standard)(?:\s+\d{4})?)")
_LISTED = re.compile(r"\b(?:such as|including|like|e\.g\.,?)\s+([^,;()]{3,60}?)(?=,|;|\)| and |\.|$)", re.I)
_BRACKETED = re.compile(r"\(([^()]{3,60})\)")
_WORD = re.compile(r"[A-Za-z][A-Za-z’'-]{6,}")
CLOZE_PER_CONCEPT = 2


def _expansions(explanation: str) -> list[str]:
    """'service level agreements (SLAs)' → 'service level agreements': the words before an
    acronym whose initials spell it."""
    found = []
    for match in _ACRONYM.finditer(explanation):
        letters = match.group(1)
        words = explanation[: match.start()].split()[-len(letters):]
        if len(words) == len(letters) and "".join(w[0] for w in words).upper() == letters:
            found.append(" ".join(words))
    return found


def _cloze_terms(explanation: str) -> list[str]:
    """Key terms of an explanation, most telling first: acronym expansions, named acts and models,
    listed examples, bracketed lists; else its longest word that is not a verb form."""
    candidates = _expansions(explanation)
    for pattern in (_NAMED, _LISTED, _BRACKETED):
        candidates += [match.group(1) for match in pattern.finditer(explanation)]
    found: list[str] = []
    for candidate in candidates:
        term = re.sub(r"^(?:the|a|an|of|and|to|e\.g\.,?)\s+", "", candidate.strip(" ,."), flags=re.I)
        if term and _is_meaningful(term) and term.lower() not in (t.lower() for t in found):
            found.append(term)
    if not found:
        words = _WORD.findall(explanation)[1:]  # the first word is the leading verb
        words = [w for w in words if not w.lower().endswith(("ing", "ed")) and w.lower() not in _STOPWORDS]
        found = sorted(words, key=len, reverse=True)[:1]
    return found


def cloze_cards(bullet: Bullet) -> list[tuple[str, str]]:
    parts = split_concept(bullet.text)
    if parts is None:
        return []
    term, explanation = parts
    explanation = sentence(explanation)
    cards = []
    for answer in _cloze_terms(explanation):
        start = explanation.find(answer)
        blanked = explanation[:start] + GAP + explanation[start + len(answer):]
        if start < 0 or answer.lower() in blanked.lower() or answer.lower() in term.lower():
            continue
        front = f"Fill the gap in this explanation of “{term}”: {blanked}"
        back = f"{sentence(answer).rstrip('.')}\n\n{IN_FULL}“{term}: {explanation}”"
        cards.append((front, back))
        if len(cards) == CLOZE_PER_CONCEPT:
            break
    return cards


# ---------------------------------------------------------------- ids that survive rewording


def new_card_id(seed_name: str, card_type: str, text: str, taken: set[str]) -> str:
    digest = hashlib.sha1(f"{seed_name}\0{card_type}\0{normalise_space(text)}".encode()).hexdigest()
    prefix = _ID_PREFIX.get(CardType(card_type), "card")
    for width in range(8, 41):
        candidate = f"{prefix}-{digest[:width]}"
        if candidate not in taken:
            return candidate
    raise AssertionError("sha1 prefixes exhausted")  # pragma: no cover


def _similarity(a: str, b: str) -> float:
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    if matcher.real_quick_ratio() < SIMILARITY_THRESHOLD or matcher.quick_ratio() < SIMILARITY_THRESHOLD:
        return 0.0
    return matcher.ratio()


def carry_ids(new: Sequence[tuple[str, str]], old: Iterable[Card]) -> dict[int, str]:
    """Match new (type, text) cards to old cards as git matches renamed files.

    Exact text matches first; then, per type, the most similar remaining pairs above the threshold,
    best first. Returns {index in new: old id}. Unmatched new cards get fresh ids later."""
    old_by_type: dict[str, list[Card]] = {}
    for card in old:
        old_by_type.setdefault(card.type, []).append(card)
    result: dict[int, str] = {}
    used: set[str] = set()
    exact: dict[tuple[str, str], list[str]] = {}
    for card in old:
        exact.setdefault((card.type, content_key(card.type, card.front, card.back)), []).append(card.id)
    for index, key in enumerate(new):
        for candidate in exact.get(key, []):
            if candidate not in used:
                result[index] = candidate
                used.add(candidate)
                break
    pairs: list[tuple[float, int, int, str]] = []
    for index, (card_type, text) in enumerate(new):
        if index in result:
            continue
        for position, card in enumerate(old_by_type.get(card_type, [])):
            if card.id in used:
                continue
            score = _similarity(text, content_key(card.type, card.front, card.back))
            if score >= SIMILARITY_THRESHOLD:
                pairs.append((score, -abs(position - index), index, card.id))
    for _score, _distance, index, card_id in sorted(pairs, reverse=True):
        if index not in result and card_id not in used:
            result[index] = card_id
            used.add(card_id)
    return result


_TERM = re.compile(r"“(.+?)”")
IN_FULL = "The note in full: "


def content_key(card_type: str, front: str, back: str) -> str:
    """The bullet a generated card came from, recovered from its text, so that rename detection
    compares what the author wrote rather than the question templates every card shares. A cloze
    card adds its answer, since one bullet makes several."""
    if IN_FULL in back:
        note = back.rsplit(IN_FULL, 1)[1].strip("“”. ")
        if card_type == CardType.CLOZE:
            return f"{back.split(chr(10), 1)[0]}\n{note}"
        return note
    if card_type == CardType.CONCEPT:
        term = _TERM.search(front)
        if term:
            return f"{term.group(1)}: {back}"
    return f"{front}\n{back}"


# ---------------------------------------------------------------- the deck


def card_texts(topic: Topic, title: str) -> list[tuple[str, str, str, Bullet]]:
    """Every card a topic yields, as (type, front, back, bullet): section by section, note order."""
    makers: tuple[tuple[CardType, list[Bullet], Callable[[Bullet], list]], ...] = (
        (CardType.CONCEPT, topic.concepts, lambda bullet: [concept_card(bullet, title)]),
        (CardType.MISCONCEPTION, topic.misconceptions, lambda bullet: [misconception_card(bullet)]),
        (CardType.EXAM_TIP, topic.tips, lambda bullet: [exam_tip_card(bullet)]),
        (CardType.MARKING_POINT, topic.marking_points, lambda bullet: [marking_point_card(bullet)]),
        (CardType.CLOZE, topic.concepts, cloze_cards),
    )
    return [(kind.value, made[0], made[1], bullet)
            for kind, bullets, make in makers for bullet in bullets for made in make(bullet) if made]


def generate_deck(topic: Topic, meta: DeckMeta, seed_source: str, seed_name: str,
                  old_cards: Iterable[Card] = (), taken_ids: set[str] | None = None) -> Deck:
    """Build a deck; ids come from old_cards where a card is the same or a reworded one.

    seed_source is how sources are written ("seeds/000_x.txt"); seed_name feeds new ids, so it
    must not change when a project moves folders. taken_ids, the ids other decks already use, is
    extended with this deck's ids."""
    texts = card_texts(topic, meta.title)
    keyed = [(kind, content_key(kind, front, back)) for kind, front, back, _ in texts]
    carried = carry_ids(keyed, list(old_cards))
    # The caller's set is extended in place: copying it per deck made building 1,000 seeds quadratic.
    taken = taken_ids if taken_ids is not None else set()
    taken.update(carried.values())
    cards = []
    for index, (kind, front, back, bullet) in enumerate(texts):
        identity = bullet.text if kind != CardType.CLOZE else f"{bullet.text}\0{back}"
        card_id = carried.get(index) or new_card_id(seed_name, kind, identity, taken)
        taken.add(card_id)
        cards.append(Card(id=card_id, type=kind, front=front, back=back,
                          source=f"{seed_source}:{bullet.line}"))
    return Deck(id=meta.id, title=meta.title, cards=tuple(cards), source=seed_source)
