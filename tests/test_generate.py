"""Cards made from notes: what is asked, how it is worded, counts on the real seeds, and titles."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from crmrev.build import plan_build
from crmrev.generate import (
    card_texts,
    cloze_cards,
    concept_card,
    derive_meta,
    exam_tip_card,
    find_listing,
    is_last_resort,
    marking_point_card,
    misconception_card,
)
from crmrev.model import Bullet, group_of
from crmrev.seeds import parse_seed

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def plan():
    return plan_build(ROOT / "seeds", ROOT / "decks")


def all_cards(plan):
    return [card for deck in plan.decks for card in deck.cards]


def bullet(text: str) -> Bullet:
    return Bullet(text, 1)


def test_five_seeds_give_at_least_25_concepts_and_23_misconceptions(plan):
    counts = Counter(card.type for card in all_cards(plan))
    assert counts["concept"] >= 25
    assert counts["misconception"] >= 23
    assert plan.errors == []


def test_every_concept_and_misconception_bullet_gives_a_card(plan):
    seeds = {}
    for path in sorted((ROOT / "seeds").glob("*.txt")):
        topic = parse_seed(path.read_text(encoding="utf-8"), f"seeds/{path.name}")
        seeds[f"seeds/{path.name}"] = topic
    for source, topic in seeds.items():
        for kind, bullets in (("concept", topic.concepts), ("misconception", topic.misconceptions)):
            made = {card.source for card in all_cards(plan) if card.type == kind}
            for item in bullets:
                assert f"{source}:{item.line}" in made, (kind, source, item.line)


def test_every_card_records_its_note_and_sibling_group(plan):
    for card in all_cards(plan):
        assert card.note and card.group == group_of(card.note), card.id
        path, line = card.source.rsplit(":", 1)
        text = (ROOT / path).read_text(encoding="utf-8").splitlines()[int(line) - 1]
        assert " ".join(text[2:].split()) == card.note, card.id  # the note is the bullet at source


def test_no_generated_back_quotes_the_note_in_full(plan):
    for card in all_cards(plan):
        assert "The note in full" not in card.back, card.id


def test_card_ids_are_unique(plan):
    ids = [card.id for card in all_cards(plan)]
    assert len(ids) == len(set(ids))


def test_deck_titles_come_from_meta_and_are_unique(plan):
    titles = {deck.id: deck.title for deck in plan.decks}
    assert titles["crm-principles"] == "Principles of customer relationships"
    assert len(set(titles.values())) == 5


# ---------------------------------------------------------------- concept cards


def test_a_listed_set_is_asked_as_name_two():
    front, back = concept_card(bullet(
        "Quality Management: Implementing quality assurance methods (mystery shopping, customer surveys, and "
        "service audits) to monitor and enhance service delivery."))
    assert front == "Quality Management: name two quality assurance methods."
    assert back == "Any two of: mystery shopping, customer surveys, service audits."


def test_a_such_as_list_is_not_asked_as_name_two():
    # Blind reviews graded "name two" of a "such as" list BAD far more often than GOOD: "I see, right,
    # of course" are no more right than "yes" or "mm".
    card = concept_card(bullet(
        "Quality Management: Implementing quality assurance methods such as mystery shopping, customer "
        "surveys, and service audits to monitor and enhance service delivery."))
    assert card is None or "name two" not in card[0]


def test_an_eg_list_is_not_asked_as_name_two():
    # Any other kind of situational analysis is as right as SWOT or PESTLE: "name two" of an
    # e.g. list has answers the notes do not give.
    front, _back = concept_card(bullet(
        "Strategic Marketing Planning: The process of setting marketing objectives, conducting situational "
        "analysis (e.g., SWOT, PESTLE), and formulating strategies to achieve competitive advantage."))
    assert "name two" not in front


def test_a_description_without_the_heading_asks_for_the_term():
    front, back = concept_card(bullet(
        "Consumer Behaviour: Understanding psychological, social, and cultural factors influencing "
        "purchase decisions."))
    assert back == "Consumer Behaviour."
    assert "consumer" not in front.lower() and "behaviour" not in front.lower()
    assert "Understanding" not in front  # the course-outcome verb is not part of the question


def test_a_list_after_a_clause_is_not_a_named_set():
    assert find_listing("adapting them to suit the audience and purpose, including email etiquette "
                        "and telephone techniques") is None


def test_concept_fronts_never_ask_what_a_heading_means():
    front, _back = concept_card(bullet("Team Leadership: Developing skills to lead and motivate a team."))
    assert "mean" not in front


# ---------------------------------------------------------------- misconception cards


def test_confusion_asks_for_the_other_half_and_why():
    front, back = misconception_card(bullet(
        "Confusing customer satisfaction with customer loyalty – a satisfied customer may not return"))
    assert front == "Common mistake: confusing customer satisfaction with ______. Why is that wrong?"
    assert back == "Customer loyalty. A satisfied customer may not return."


def test_a_belief_asks_why_it_is_wrong_not_true_or_false():
    # A misconception's answer to "true or false?" is always False: the reason is what to recall.
    front, back = misconception_card(bullet(
        "Assuming that a complaint should be defended rather than treated as free feedback."))
    assert front == "Common mistake: assuming that a complaint should be defended. Why is that wrong?"
    assert back == "A complaint should be treated as free feedback."


def test_an_absolute_belief_asks_why_it_is_wrong():
    front, back = misconception_card(bullet(
        "Assuming that CRM is solely about software systems rather than a broader strategic approach to "
        "managing interactions."))
    assert front == "Common mistake: assuming that CRM is solely about software systems. Why is that wrong?"
    assert back == "CRM is a broader strategic approach to managing interactions."


def test_a_consequence_is_asked_for():
    front, back = misconception_card(bullet(
        "Neglecting to define clear boundaries and scope, leading to overpromising and underdelivering."))
    assert front == "Common mistake: neglecting to define clear boundaries and scope. What does this lead to?"
    assert back == "Overpromising and underdelivering."


def test_a_trailing_phrase_is_a_last_resort_that_build_holds_back():
    front, back = misconception_card(bullet("Neglecting to align CRM strategies with overall business objectives"))
    assert front == "Common mistake: neglecting to align CRM strategies with what?"
    assert back == "Overall business objectives."
    assert is_last_resort(front)


@pytest.mark.parametrize("front", [
    "Team Leadership: what does it involve?",
    "Which key idea does this describe: planning workloads?",
    "Exam technique: when proposing improvements, what should you do?",
    "Common mistake: relying on ______, overlooking non-response bias. What is missing?",
    "True or false: “Skipping ID checks.” is good practice?",
])
def test_vague_wordings_are_last_resorts(front):
    assert is_last_resort(front)


@pytest.mark.parametrize("front", [
    "Common mistake: assuming that CRM is solely about software systems. Why is that wrong?",
    "Quality Management: name two quality assurance methods.",
    "Exam technique: a reportable breach must be notified to the ICO within how many hours?",
    "Marking point: what should you use when demonstrating an ability to identify customer needs?",
])
def test_specific_questions_are_not_last_resorts(front):
    assert not is_last_resort(front)


# ---------------------------------------------------------------- optional cards


def test_exam_tip_condition_becomes_the_question_but_only_as_a_last_resort():
    front, back = exam_tip_card(bullet("When proposing improvements, always justify recommendations with data."))
    assert front == "Exam technique: when proposing improvements, what should you do?"
    assert back == "Always justify recommendations with data."
    assert is_last_resort(front)  # several tips of a note answer "what should you do?"


def test_exam_tip_with_a_named_model_asks_for_the_model():
    front, back = exam_tip_card(bullet(
        "Use a recognised reflective model (e.g., Gibbs' cycle) to structure your review of relationships."))
    assert back == "Gibbs' cycle."
    assert "Gibbs" not in front and "reflective model" in front


def test_generic_advice_makes_no_exam_tip_card():
    assert exam_tip_card(bullet("Use practical examples from your own workplace to illustrate concepts")) is None


def test_marking_point_lead_in_is_dropped_and_the_answer_is_a_whole_phrase():
    front, back = marking_point_card(bullet(
        "Award credit for illustrating how positive working relationships are built and maintained "
        "through professional conduct, reliability, and empathy."))
    assert "Award credit" not in front
    assert back == "Professional conduct, reliability, and empathy."


def test_marking_point_with_examples_makes_no_name_two_card():
    assert marking_point_card(bullet(
        "Define CRM and list its core functionalities (e.g., contact management, interaction tracking)")) is None
    assert marking_point_card(bullet(
        "Look for signposting to external organisations such as Citizens Advice, MoneyHelper or Samaritans")) is None


def test_marking_point_with_a_whole_set_asks_for_two():
    front, back = marking_point_card(bullet(
        "Award credit for explaining the four drivers of vulnerability – health, life events, resilience and "
        "capability – with an example of each"))
    assert front == "Marking point: name two of the four drivers of vulnerability."
    assert back == "Any two of: health, life events, resilience, capability."


def test_marking_point_count_is_asked():
    front, back = marking_point_card(bullet("Describe at least three tangible and intangible benefits of "
                                            "customer retention"))
    assert front == ("Marking point: how many tangible and intangible benefits of customer retention must "
                     "you describe?")
    assert back == "At least three."


def test_a_marking_point_with_nothing_to_ask_makes_no_card():
    assert marking_point_card(bullet("Award credit for demonstrating how customer service data aligns "
                                     "with organisational KPIs.")) is None


def test_cloze_asks_what_an_acronym_stands_for_never_the_headings():
    cards = cloze_cards(bullet("Customer Service Excellence: Understanding service that meets expectations, "
                               "including service level agreements (SLAs) and key performance indicators (KPIs)."))
    assert cards == [("Customer Service Excellence: what does SLA stand for?", "Service level agreement."),
                     ("Customer Service Excellence: what does KPI stand for?", "Key performance indicator.")]
    assert cloze_cards(bullet("Strategic Customer Relationship Management (CRM): Understanding how to "
                              "manage customer relationship management (CRM) data.")) == []


# ---------------------------------------------------------------- titles


def test_derived_title_is_the_topic_noun_phrase():
    topic = parse_seed("x\nTopic Synopsis\nThis subtopic explores the handling of complaints, "
                       "refunds and returns. More.\n", "s.txt")
    meta, derived = derive_meta(topic, "s")
    assert derived and meta.title == "Handling of complaints"
    assert meta.id == "handling-complaints"


@pytest.mark.parametrize("synopsis", [
    "Organisations receive feedback from customers through many channels.",
    "This subtopic explains how customer service staff must respond to complaints.",
    "This element explores how effective customer relationship management aligns with goals.",
])
def test_a_sentence_fragment_never_becomes_a_title(synopsis):
    topic = parse_seed(f"x\nTopic Synopsis\n{synopsis}\n", "s.txt")
    meta, derived = derive_meta(topic, "my_seed")
    assert not derived
    assert (meta.id, meta.title) == ("my-seed", "Topic my_seed")


def test_build_warns_when_no_title_can_be_derived(tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "new.txt").write_text("x\nTopic Synopsis\nOrganisations receive feedback.\n"
                                   "Key Concepts & Core Principles\n- A term: an explanation of it here.\n",
                                   encoding="utf-8")
    plan = plan_build(seeds, tmp_path / "decks")
    warnings = [p for p in plan.problems if p.code == "S009"]
    assert [(p.path, p.line) for p in warnings] == [("seeds/new.txt", 3)]
    assert "meta.yaml" in warnings[0].message


# ---------------------------------------------------------------- hand-edited notes in other shapes


def test_commas_inside_an_items_brackets_do_not_split_it():
    listing = find_listing(
        "Applying frameworks such as LAST (Listen, Apologise, Solve, Thank) or HEARD (Hear, Empathise, "
        "Apologise, Resolve, Diagnose) to keep a call calm.")
    assert (listing.head, listing.items, listing.closed) == ("frameworks", ("LAST", "HEARD"), False)


def test_a_counted_closed_set_is_asked_as_two_of_the_set():
    front, back = concept_card(bullet(
        "Equality Act 2010: Knowing the nine protected characteristics (age, disability, gender reassignment, "
        "marriage and civil partnership, pregnancy and maternity, race, religion or belief, sex, sexual "
        "orientation) and that providers must not discriminate."))
    assert front == "Equality Act 2010: name two of the nine protected characteristics."
    assert back.startswith("Any two of: age, disability, gender reassignment, marriage and civil partnership,")


def test_a_list_after_a_preposition_has_no_nameable_head():
    assert find_listing("identifying practical security measures in CRM systems such as role-based access, "
                        "encryption and audit trails") is None


def test_a_definition_in_the_explanation_is_asked_directly():
    front, back = concept_card(bullet(
        "Recognising complaints: Understanding that a complaint is any expression of dissatisfaction, oral or "
        "written, and that it must be logged."))
    assert front == "Recognising complaints: what is a complaint?"
    assert back == "Any expression of dissatisfaction, oral or written."


@pytest.mark.parametrize(("note", "front", "back"), [
    ("Believing that a subject access request must be made in writing, when it can be made verbally or by email.",
     "Common mistake: believing that a subject access request must be made in writing. Why is that wrong?",
     "It can be made verbally or by email."),
    ("Treating the right to erasure as absolute, when data may be kept where there is a legal obligation.",
     "Common mistake: treating the right to erasure as absolute. Why is that wrong?",
     "Data may be kept where there is a legal obligation."),
    ("Assuming that a refund should be refused rather than being offered as a remedy.",
     "Common mistake: assuming that a refund should be refused. Why is that wrong?",
     "A refund should be offered as a remedy."),
    ("Assuming that consent is always needed rather than being one of six lawful bases.",
     "Common mistake: assuming that consent is always needed. Why is that wrong?",
     "Consent is one of six lawful bases."),
    ("Failing to recognise that the Consumer Rights Act 2015 gives remedies that a policy cannot override.",
     "Common mistake: failing to recognise that ______ gives remedies that a policy cannot override. "
     "Which Act fills the gap?",
     "The Consumer Rights Act 2015."),
])
def test_beliefs_in_other_shapes_ask_why_they_are_wrong(note, front, back):
    assert misconception_card(bullet(note)) == (front, back)


def test_a_condition_with_a_list_in_it_splits_where_the_advice_starts():
    front, back = exam_tip_card(bullet(
        "When a case study is set in a regulated sector such as financial services, energy or telecoms, "
        "mention the relevant ombudsman."))
    assert front == ("Exam technique: when a case study is set in a regulated sector such as financial services, "
                     "energy or telecoms, what should you do?")
    assert back == "Mention the relevant ombudsman."


def test_a_number_is_asked_for_with_its_unit():
    front, back = concept_card(bullet(
        "Regulatory timescales: Understanding the requirement to send a final response within eight weeks, "
        "after which the customer has six months to refer the complaint to the ombudsman."))
    assert front == "Regulatory timescales: the requirement to send a final response within how many weeks?"
    assert back == "Eight weeks."
    cards = cloze_cards(bullet(
        "Regulatory timescales: Understanding the requirement to send a final response within eight weeks, "
        "after which the customer has six months to refer the complaint to the ombudsman."))
    assert cards == [("Regulatory timescales: the customer has how many months to refer the complaint to the "
                      "ombudsman?", "Six months.")]


def test_a_counted_set_after_a_dash_is_asked_as_two_of_the_set():
    front, back = concept_card(bullet(
        "Vulnerability: Understanding the four drivers of vulnerability – health, life events, resilience and "
        "capability – which may be temporary."))
    assert front == "Vulnerability: name two of the four drivers of vulnerability."
    assert back == "Any two of: health, life events, resilience, capability."


def test_a_single_named_example_is_asked_for_by_its_kind():
    front, back = concept_card(bullet(
        "Responding to disclosures: Using structured approaches such as the TEXAS protocol (Thank, Explain, "
        "eXplicit consent, Ask, Signpost) when a customer discloses a health condition."))
    assert front == "Responding to disclosures: name a structured approach the notes give."
    assert back == "The TEXAS protocol (Thank, Explain, eXplicit consent, Ask, Signpost)."


def test_an_optional_card_whose_answer_another_card_gives_is_not_made():
    topic = parse_seed("x\nKey Concepts & Core Principles\n- Resolution models: Applying frameworks such as LAST "
                  "(Listen, Apologise, Solve, Thank) or HEARD (Hear, Empathise) to keep a call calm.\n"
                  "Exam Tips & Revision Strategies\n- Use a recognised model (e.g., LAST) to structure answers.\n",
                  "s.txt")
    drafts = card_texts(topic)
    assert [(d.type, d.back) for d in drafts] == [("concept", "LAST (Listen, Apologise, Solve, Thank).")]


def test_a_tip_for_no_particular_topic_makes_no_card():
    assert exam_tip_card(bullet("When answering a scenario, identify the signs of vulnerability first.")) is None


# ---------------------------------------------------------------- no broken fragments


def test_a_sentence_never_ends_at_an_abbreviation():
    from crmrev.generate import _first_sentence

    assert _first_sentence("Located nearshore (e.g. Ireland, Portugal) or offshore. Then more.") == \
        "Located nearshore (e.g. Ireland, Portugal) or offshore"


def test_a_worked_example_or_a_thousands_separator_is_not_a_number_question():
    from crmrev.generate import number_questions

    assert number_questions("if 1,000 calls are offered and 820 are answered within 20 seconds, the level is 82%") == []
    assert number_questions("NPS = 55% − 20% = +35") == []
    assert number_questions("a target such as ‘80/20’ (80% of calls answered within 20 seconds)") == []


def test_a_stated_reason_is_asked_for_and_a_bracketed_dash_does_not_split_it():
    front, back = misconception_card(bullet(
        "Assuming that hitting every SLA target means customers are happy (the ‘watermelon effect’ – green on "
        "the report, red inside); SLAs should include outcome measures such as CSAT, not only speed."))
    assert front == ("Common mistake: assuming that hitting every SLA target means customers are happy (the "
                     "‘watermelon effect’ – green on the report, red inside). Why is that wrong?")
    assert back == "SLAs should include outcome measures such as CSAT, not only speed."


def test_a_which_clause_consequence_is_asked_for():
    front, back = misconception_card(bullet(
        "Setting so many targets that staff chase the numbers, which damages quality and drives up repeat contacts."))
    assert front == "Common mistake: setting so many targets that staff chase the numbers. What does this lead to?"
    assert back == "Damages quality and drives up repeat contacts."


def test_a_term_hidden_inside_a_word_of_the_description_is_a_leak():
    front, _back = concept_card(bullet(
        "Chatbots and conversational AI: Using automated assistants to answer routine queries while being open "
        "that the customer is talking to a bot."))
    assert "bot" not in front.lower() or "which key idea" not in front.lower()


@pytest.mark.parametrize(("note", "front", "back"), [
    ("Key account selection: Identifying customers using criteria – current and potential revenue, "
     "profitability, growth potential and strategic fit – often informed by the Pareto principle.",
     "Key account selection: name two criteria.",
     "Any two of: current and potential revenue, profitability, growth potential, strategic fit."),
    ("Decision-making unit (DMU): Understanding that purchases are made by a buying centre whose members play "
     "different roles – users, influencers, buyers, deciders and gatekeepers (Webster and Wind, 1972).",
     "Decision-making unit (DMU): name two roles.",
     "Any two of: users, influencers, buyers, deciders, gatekeepers."),
    ("CSE Standard: Knowing the national standard, which assesses organisations against five criteria – "
     "customer insight, culture, information and access, delivery, and timeliness.",
     "CSE Standard: name two of the five criteria.",
     "Any two of: customer insight, culture, information and access, delivery, timeliness."),
])
def test_lists_in_hand_written_shapes(note, front, back):
    assert concept_card(bullet(note)) == (front, back)


def test_a_named_act_or_model_in_the_explanation_is_asked_for():
    front, back = concept_card(bullet(
        "Accessibility and inclusion: Recognising the anticipatory duty under the Equality Act 2010 to make "
        "reasonable adjustments for disabled customers."))
    assert front == ("Accessibility and inclusion: the anticipatory duty under ______ to make reasonable "
                     "adjustments for disabled customers. Which Act?")
    assert back == "The Equality Act 2010."


def test_a_comparison_asks_what_sets_one_side_apart():
    front, back = concept_card(bullet(
        "Multichannel vs omnichannel: Understanding that a multichannel business offers channels that operate "
        "separately, whereas an omnichannel approach links them through shared customer records."))
    assert front == "Multichannel vs omnichannel: how does omnichannel differ from multichannel?"
    assert back == "An omnichannel approach links them through shared customer records."


def test_a_listed_subject_is_asked_as_name_two():
    front, back = concept_card(bullet(
        "Citizens as customers: Understanding that residents, service users, taxpayers and local businesses are "
        "all customers of public bodies, even when they do not pay directly."))
    assert front == "Citizens as customers: who or what are customers of public bodies? Name two."
    assert back == "Any two of: residents, service users, taxpayers, local businesses."


def test_rather_than_recognising_gives_what_should_be_recognised():
    _front, back = misconception_card(bullet(
        "Assuming public sector organisations have no customers because services are free, rather than "
        "recognising that citizens and service users are all customers."))
    assert back in ("False: citizens and service users are all customers.", "Citizens and service users are all customers.")


@pytest.mark.parametrize(("note", "front", "back"), [
    ("Thomas–Kilmann conflict modes: Recognising the five ways of handling conflict identified by Thomas and "
     "Kilmann (competing, collaborating, compromising, avoiding and accommodating).",
     "Thomas–Kilmann conflict modes: name two of the five ways of handling conflict.",
     "Any two of: competing, collaborating, compromising, avoiding, accommodating."),
    ("Characteristics of services: Applying the four characteristics of hospitality services – intangibility, "
     "inseparability, heterogeneity and perishability – to explain overbooking.",
     "Characteristics of services: name two of the four characteristics of hospitality services.",
     "Any two of: intangibility, inseparability, heterogeneity, perishability."),
    ("Types of scheme: Recognising the main scheme structures – points-based schemes, coalition schemes and "
     "tiered programmes – used in the UK.",
     "Types of scheme: name two scheme structures.",
     "Any two of: points-based schemes, coalition schemes, tiered programmes."),
])
def test_a_counted_set_or_a_qualified_head_names_the_list(note, front, back):
    assert concept_card(bullet(note)) == (front, back)


def test_a_name_in_brackets_is_never_the_kind_of_thing_listed():
    assert find_listing("the roles identified by Webster and Wind (users, buyers, deciders)") is None


def test_a_list_of_activities_is_asked_as_two_of_them():
    front, back = concept_card(bullet(
        "Supporting meetings and events: Coordinating logistics, preparing agendas and minutes, and ensuring "
        "meetings run smoothly, including virtual meeting platforms."))
    assert front == "Supporting meetings and events: name two of the activities it involves."
    assert back == ("Any two of: coordinating logistics, preparing agendas and minutes, ensuring meetings run "
                    "smoothly.")


def test_a_course_outcome_verb_does_not_open_a_list_of_activities():
    front, _back = concept_card(bullet(
        "Effective communication: Understanding methods of communication, adapting them to the audience, "
        "including email etiquette."))
    assert "activities" not in front


@pytest.mark.parametrize(("note", "front", "back"), [
    ("Voice and listening skills: Using tone, pace, pitch and volume deliberately because the caller cannot see "
     "body language, supported by active listening.",
     "Voice and listening skills: what is the reason for using tone, pace, pitch and volume deliberately?",
     "The caller cannot see body language."),
    ("Hold and transfer etiquette: Asking permission before placing a caller on hold; using a warm transfer "
     "rather than a cold transfer, so the customer does not have to repeat themselves.",
     "Hold and transfer etiquette: what is the purpose of using a warm transfer rather than a cold transfer?",
     "The customer does not have to repeat themselves."),
    ("Lifecycle triggers: Setting rules in the CRM system that prompt a contact when a customer shows a risk "
     "signal – for example no log-in for 30 days – so that contact is personal and well timed.",
     "Lifecycle triggers: what is the purpose of setting rules in the CRM system that prompt a contact when a "
     "customer shows a risk signal?",
     "Contact is personal and well timed."),
])
def test_why_a_practice_exists_is_asked(note, front, back):
    assert concept_card(bullet(note)) == (front, back)


def test_a_counted_dash_list_after_a_plural_noun_phrase():
    front, back = concept_card(bullet(
        "Customer lifecycle: Understanding the typical stages a customer passes through – awareness, "
        "acquisition, onboarding and retention – and what each needs."))
    assert front == "Customer lifecycle: name two stages."
    assert back == "Any two of: awareness, acquisition, onboarding, retention."


# ---------------------------------------------------------------- shapes found in unseen seeds


def test_a_number_phrase_at_the_start_moves_to_the_end_of_the_question():
    front, back = concept_card(bullet(
        "Burden of proof: Within six months of delivery a fault is presumed to have been present at the time of "
        "sale unless the retailer proves otherwise; after that the customer must show this."))
    # The exception goes: "unless the retailer proves otherwise within six months" would misstate the rule.
    assert front == ("Burden of proof: a fault is presumed to have been present at the time of sale within how "
                     "many months of delivery?")
    assert back == "Six months."


def test_a_number_question_never_spans_two_sentences_or_opens_with_a_dash():
    drafts = card_texts(parse_seed(
        "x\nKey Concepts & Core Principles\n- Tiered remedies: Knowing the sequence – short-term right to reject "
        "within 30 days for a full refund, then one repair – lets staff offer the right outcome. Refunds must be "
        "paid within 14 days of the trader agreeing to one.\n", "s.txt"))
    fronts = [d.front for d in drafts]
    assert fronts[0] == "Tiered remedies: short-term right to reject within how many days for a full refund?"
    assert "Tiered remedies: refunds must be paid within how many days of the trader agreeing to one?" in fronts


def test_a_number_inside_an_example_is_not_asked():
    front, _back = exam_tip_card(bullet(
        "When recommending improvements, link the KPI gap to an intervention, e.g. low CSAT → coaching → "
        "re-measure after four weeks."))
    assert "how many" not in front


def test_a_set_counted_without_the_keeps_items_joined_by_and():
    front, back = concept_card(bullet(
        "Equality Act 2010: The Act protects nine characteristics – age, disability, gender reassignment, "
        "marriage and civil partnership, pregnancy and maternity, race, religion or belief, sex and sexual "
        "orientation. Marriage is not covered in services."))
    assert front == "Equality Act 2010: name two of the nine characteristics."
    assert back == ("Any two of: age, disability, gender reassignment, marriage and civil partnership, pregnancy "
                    "and maternity, race, religion or belief, sex, sexual orientation.")


def test_a_counted_set_with_the_wrong_number_of_items_is_not_asked():
    assert find_listing("the four drivers – health, life events and resilience") is None


@pytest.mark.parametrize("text", [
    "Look for accurate time limits (30 days, six months, six years, 14 days) linked to the remedy",
    "Recognising automatic assumptions (affinity bias, the halo effect, judgements based on accent or age)",
    "Following up individual responses – especially detractors and low CSAT scores – within a timescale",
])
def test_numbers_qualified_items_and_asides_are_not_lists(text):
    assert find_listing(text) is None


def test_a_head_never_starts_with_a_preposition():
    listing = find_listing("Touchpoints can be owned or outside the firm’s control (online reviews, word of mouth)")
    assert listing is None or not listing.head.startswith("outside")


def test_a_marking_point_list_keeps_what_it_is_of():
    front, back = marking_point_card(bullet(
        "Higher-band responses evaluate the business benefits (reputation, loyalty, wider customer base) of "
        "inclusive service."))
    assert front == "Marking point: name two business benefits of inclusive service."
    assert back == "Any two of: reputation, loyalty, wider customer base."


def test_activities_after_involves_are_the_activities():
    front, back = concept_card(bullet(
        "Mapping the journey: Mapping involves choosing a persona, listing stages, recording actions and "
        "highlighting pain points."))
    assert front == "Mapping the journey: name two of the activities it involves."
    assert back == "Any two of: choosing a persona, listing stages, recording actions, highlighting pain points."


def test_a_gap_hides_neither_an_acronym_nor_an_expansion_after_it():
    drafts = card_texts(parse_seed("x\nKey Concepts & Core Principles\n- Coaching: Using the GROW model (Goal, "
                                   "Reality, Options, Will) to guide advisers to their own solutions.\n", "s.txt"))
    shipped = [d.front for d in drafts if not is_last_resort(d.front)]
    assert shipped and not any("Goal, Reality" in front for front in shipped)
    front, _back = concept_card(bullet(
        "Ethical service: Acting with honesty, protecting personal data and speaking up through whistleblowing "
        "channels protected by the Public Interest Disclosure Act 1998, builds trust."))
    assert front == ("Ethical service: speaking up through whistleblowing channels protected by ______. "
                     "Which Act?")


def test_a_definition_answer_leaves_out_its_examples():
    assert concept_card(bullet(
        "Touchpoints: A touchpoint is any point of contact between a customer and the organisation, such as the "
        "website or an invoice. More follows.")) == (
        "What is a touchpoint?", "Any point of contact between a customer and the organisation.")


def test_a_purpose_is_never_asked_of_a_fact():
    front, _back = concept_card(bullet(
        "Public and private channels: Recognising that replies on platforms such as X are visible to everyone, "
        "so the first response should acknowledge the issue publicly."))
    assert "purpose of replies" not in front


@pytest.mark.parametrize("note", [
    "Adapting for diverse customers: Recognising that the Equality Act 2010 requires reasonable adjustments, "
    "such as facing a deaf customer so they can lip-read.",
    "Right to object: Knowing that article 21 UK GDPR gives an absolute right to object, so marketing must stop "
    "as soon as an objection is received.",
])
def test_a_clause_is_never_asked_for_its_purpose(note):
    card = concept_card(bullet(note))
    assert card is None or "purpose of" not in card[0]


def test_a_number_question_drops_a_leading_so():
    from crmrev.generate import number_questions
    assert number_questions("Calls need consent or a TPS check, so lists should be screened at least every 28 "
                            "days") == [("Lists should be screened at least every how many days?", "28 days.")]


@pytest.mark.parametrize("note", [
    "Look for specific positive behaviours (smiling, open palms, nodding)",
    "Credit answers that use named models (Mehrabian, Hall, SOLER)",
])
def test_a_marking_point_list_of_a_generic_kind_makes_no_card(note):
    assert marking_point_card(bullet(note)) is None


def test_a_definition_answer_is_one_fact():
    _front, back = concept_card(bullet(
        "Appraisal: An appraisal is a formal review of performance against agreed objectives, often informed "
        "by 360-degree feedback. It ends with a plan."))
    assert back == "A formal review of performance against agreed objectives."


def test_a_clause_after_a_dash_is_not_a_list():
    assert find_listing("serving several groups – service users, donors and partner agencies – is the starting "
                        "point, because their needs often conflict") is None or \
        find_listing("serving several groups – service users, donors and partner agencies "
                                           "– is the starting point, because their needs conflict").head != "partner agencies"


def test_a_counted_set_named_before_an_aside_keeps_its_name():
    front, _back = concept_card(bullet(
        "Accountability: Conduct is judged against the Seven Principles of Public Life (the Nolan Principles, "
        "1995) – selflessness, integrity, objectivity, accountability, openness, honesty and leadership."))
    assert front == "Accountability: name two of the seven Principles of Public Life."


def test_the_steps_of_a_sequence_are_not_examples_of_it():
    assert marking_point_card(bullet(
        "Look for a logical de-escalation sequence (listen, acknowledge feelings, offer options, agree next "
        "steps) applied to the scenario.")) is None


def test_a_definition_is_asked_only_of_the_notes_term():
    for note in ("Root cause analysis: A complaint is usually a symptom, so keep asking why until a process "
                 "cause is found.",
                 "Upselling vs cross-selling: The difference is fundamental – upselling moves the customer to a "
                 "premium option."):
        card = concept_card(bullet(note))
        assert card is None or not card[0].endswith(("what is a complaint?", "what is the difference?"))


def test_a_mistake_ends_at_its_first_separator():
    front, back = misconception_card(bullet(
        "Assuming upselling is inherently unethical; offering a better-suited product is good service – it "
        "becomes mis-selling only when the product is unsuitable."))
    assert front == "Common mistake: assuming upselling is inherently unethical. Why is that wrong?"
    assert back.startswith("Offering a better-suited product is good service")


def test_a_number_another_card_shows_is_not_asked_again():
    topic = parse_seed(
        "x\nExam Tips & Revision Strategies\n- Remember there are 14 days to cancel a distance contract.\n"
        "Common Misconceptions & Mistakes to Avoid\n- Believing every purchase has a 14-day cooling-off period – "
        "the right applies to distance contracts only.\n", "s.txt")
    assert [d.type for d in card_texts(topic)] == ["misconception"]


def test_a_number_question_drops_a_long_aside():
    from crmrev.generate import number_questions
    assert number_questions("ServiceMark accreditation (with a Distinction for top performers) combines survey "
                            "results with an assessment and lasts two years") == [
        ("ServiceMark accreditation combines survey results with an assessment and lasts how many years?",
         "Two years.")]


@pytest.mark.parametrize(("note", "front", "back"), [
    ("Rapport: Rapport is a relationship of mutual trust and understanding, built through a warm greeting.",
     "What is rapport?", "A relationship of mutual trust and understanding."),  # not "Rapport: … rapport?"
    ("Customer lifetime value (CLV): CLV is the total net value a business expects to earn from a customer.",
     "Customer lifetime value (CLV): what is CLV?",
     "The total net value a business expects to earn from a customer."),
])
def test_a_definition_of_the_term_without_an_article(note, front, back):
    assert concept_card(bullet(note)) == (front, back)


def test_a_generic_head_of_an_open_list_is_not_asked():
    for note in ("Closed questions: Closed questions are best for confirming details such as account numbers, "
                 "postcodes or delivery dates.",
                 "Internal communication: Effective teams use a mix of methods such as daily huddles, team "
                 "briefings and shift logs.",
                 "Loyalty: Understanding the difference matters because spurious loyalty – buying out of habit, "
                 "convenience or lack of choice – disappears."):
        card = concept_card(bullet(note))
        assert card is None or "name two" not in card[0], card


def test_a_definition_asked_with_means_reads_as_english():
    front, back = concept_card(bullet(
        "Selling ethically: Ethical selling means recommending only what meets the customer's needs."))
    assert front == "Selling ethically: what does ethical selling mean?"
    assert back == "Recommending only what meets the customer's needs."


def test_a_head_is_never_a_verb_or_a_pronoun():
    assert find_listing("Written channels require netiquette (no block capitals, clear subject lines)").head == \
        "examples of netiquette"
    assert find_listing("answer positive reviews warmly and negative ones (calmly, factually)") is None


def test_shapes_from_the_final_unseen_set():
    from crmrev.generate import number_questions
    # a clause is not a practice, even a short one
    card = concept_card(bullet("Retention periods: Knowing that the law sets no fixed periods, so each "
                               "organisation must justify its own."))
    assert card is None or "purpose of the law" not in card[0]
    # "are formed at every touchpoint" describes perceptions; it does not define them
    card = concept_card(bullet("Perceptions: Perceptions are formed at every touchpoint and moment of truth."))
    assert card is None or not card[0].startswith("What are perceptions")
    # a head never reaches back past a comma
    listing = find_listing("Expectations are shaped by past experience, explicit promises (advertising, websites)")
    assert listing is None or listing.head == "explicit promises"
    # a question needs a subject
    assert number_questions("Unless agreed otherwise, goods are delivered, without undue delay and within 30 "
                            "days") == []
