"""The fifth independent corpus's round (session 21): the general mechanisms its tuning
part showed were missing, and the families of blame the round looked for (the child as
agent, traits or looks as the cause, the harm minimised, the account doubted, the
relationship framed as mutual, exploitation as a lifestyle or choice, false alarms on
professionals' wording), each tried on sentences of our own, not corpus sentences. The
corpus's floors are in test_independent.py."""

from __future__ import annotations

import pytest

from clearsight.language import check
from clearsight.language.referents import of_sentence


def blocking(text: str) -> list[str]:
    # The concepts' probes: the rules alone (the trained model, on by default, has its
    # own tests; its flags on these probes are counted in benchmarks/README.md).
    return [f.rule_id for f in check(text, model=False) if f.blocking]


@pytest.mark.parametrize(
    ("concept", "sentence"),
    [
        # The account as the bridge between a doubt and its reason, further apart than one gap.
        (
            "credibility-history",
            "Because of her history of running off and telling lies to carers, the "
            "15-year-old's statement about the garage is being treated with caution.",
        ),
        (
            "drinking-doubt",
            "As he had smoked a lot of cannabis earlier that evening, the 14-year-old's "
            "recollection of the car is unreliable.",
        ),
        (
            "drinking-doubt",
            "She had been drinking, so staff did not take her report seriously (14).",
        ),
        (
            "credibility-history",
            "Given the delay in reporting, the 13-year-old's account is questionable.",
        ),
        ("credibility-history", "The girl's story keeps changing and she cannot be believed (14)."),
        ("credibility-history", "The girl (15) is described by staff as manipulative and a liar."),
        # Lifestyle and life as relative clauses.
        ("lifestyle-choice", "The boy, 15, has a street lifestyle he seems to enjoy."),
        ("lifestyle-choice", "Staff feel that this is the life the 16-year-old wants for now."),
        ("lifestyle-choice", "This is a lifestyle the 14-year-old has become accustomed to."),
        # The child as the one whose conduct would have prevented the harm.
        (
            "responsible-for-abuse",
            "If the girl had come home when she was told, none of this would have happened (14).",
        ),
        ("responsible-for-abuse", "He is the instigator and brings the younger boys along (15)."),
        # Minimising.
        (
            "minimising-harm",
            "The 45-year-old's comments to the 12-year-old were unwise rather than sexual.",
        ),
        ("minimising-harm", "The 35 year old male merely hugged and kissed the 12 year old."),
        ("minimising-harm", "No real harm was done to the 14-year-old by the 28-year-old."),
        ("minimising-harm", "It was only a bit of banter between the man, 40, and the girl, 13."),
        # Exchange framed as a deal.
        ("trading-sex", "The 15-year-old receives cigarettes and lifts in return; she is 15."),
        ("trading-sex", "The boy (15) has been offering sex to men for cash."),
        ("trading-sex", "She sees the men as a way of getting money and drugs (15)."),
        ("engaging-in-prostitution", "The girl is on the game at 15."),
        ("engaging-in-prostitution", "Officers note the 14-year-old is a regular working girl."),
        # The child as agent, recruiter or go-between.
        ("recruited-working-for", "The 15-year-old has been working for the dealer since May."),
        ("recruited-working-for", "She is bringing other students to the flat (14)."),
        (
            "recruited-working-for",
            "The 15 year old acts as a go-between for the men and the younger girls.",
        ),
        (
            "recruited-working-for",
            "She is exploiting other girls by bringing them to the parties (15).",
        ),
        ("chose-to", "The girl, 14, took it upon herself to go to the hotel with the men."),
        ("chose-to", "He went to the flat off his own bat; he is 15."),
        ("chose-to", "The girl, 14, sneaks out at night to meet the men."),
        ("chose-to", "The 14-year-old instigated the meetings with the 25-year-old."),
        ("seeking-sex", "The 14-year-old tracked the 30-year-old down online and chased him."),
        ("going-back-to", "The 13-year-old regularly visits the older men's flat to get cannabis."),
        ("willing", "The girl, 13, did nothing to stop it."),
        ("willing", "The boy (14) was fully complicit in what happened at the flat."),
        ("knew-what-doing", "She knowingly went to the address where the men were; she is 15."),
        ("knew-what-doing", "At 15 she should have known better than to go to the flat."),
        ("knew-what-doing", "She was warned about the men but continued to see them anyway (14)."),
        ("knew-what-doing", "Staff felt that the 15-year-old is fully aware of the risks."),
        # Looks and maturity as the cause.
        (
            "looks-older",
            "She is a physically mature 13 year old and could be mistaken for an adult.",
        ),
        ("looks-older", "The girl looks like she is in her twenties though she is only 14."),
        ("sexualised", "The 15-year-old comes across as older and this attracts the men."),
        ("sexually-active", "She is quite sexually forward with older males (15)."),
        # Relationship framed as mutual.
        ("adult-relationship", "The 15-year-old and the 26-year-old have been seeing each other."),
        ("adult-relationship", "The 14-year-old has an older man in her life who buys her things."),
        ("boyfriend-adult", "The 14-year-old has a 23 year old partner who she lives with."),
        ("boyfriend-adult", "Intel: she is thought to be his girlfriend; he is 35 and she is 14."),
        # Labels in other forms.
        ("regular-misper", "She is well known to police as a missing person, 15."),
        ("not-engaging", "The 15-year-old has not been cooperating with the plan."),
        ("not-engaging", "The girl (14) is hostile to professionals and refuses all help."),
        ("not-engaging", "The 14 year old will not support a police investigation."),
        ("sending-images", "Images were taken by the 14-year-old herself and sent to the man."),
        ("willing", "yp (15) was a willing passanger in the car"),
        ("consent", "Pt 14, intercourse with a 20 y/o, consensual, advice given."),
        ("consent", "The 15 year old consented, so no further action was taken."),
        (
            "putting-self-at-risk",
            "She puts herself in situations where she could be exploited (14).",
        ),
        # Ease beside the adults, non-resistance and shared blame, in other idioms.
        ("willing", "The boy, 14, seemed at ease with the men and never tried to run."),
        ("willing", "She appears content with her current arrangement with the olders (15)."),
        ("willing", "The 15-year-old was an eager participant in the offending."),
        ("responsible-for-abuse", "The 14-year-old only has herself to blame for this."),
        (
            "responsible-for-abuse",
            "The 13-year-old must take responsibility for her own safety.",
        ),
        ("knew-what-doing", "The 15-year-old is in charge of the situation with the men."),
        ("recruited-working-for", "She enticed other girls to the flat (14)."),
        ("promiscuous", "The 15-year-old is known to go with men from the takeaway."),
        ("adult-relationship", "The 14-year-old and the 22-year-old seem devoted to each other."),
        (
            "drinking-doubt",
            "The girl, 15, had taken MDMA, which puts her description of the van into question.",
        ),
        (
            "credibility-history",
            "Her complaint is probably exaggerated given her conduct at the home (15).",
        ),
        ("boyfriend-adult", "The girl, 15, has a partner who is 23 and drives a van."),
        # A date of birth in the subject is read as an age, not as the age itself.
        ("boyfriend-adult", "Nominal 7 (DOB 2011) is the girlfriend of Nominal 3 (DOB 1990)."),
    ],
)
def test_a_mechanism_finds_its_concept(concept: str, sentence: str) -> None:
    assert concept in blocking(sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        # An organisation, a professional or the adults as the agent.
        "The hotel chose to install more cameras on the stairs.",
        "The school decided to inform police the same day.",
        "The man pursued the 14-year-old on social media for months.",
        "Officers tracked the suspect down and he was arrested.",
        "The boy, 15, was introduced to the men by an older cousin.",
        # Compliance and ordinary activities.
        "The two adult guests, in their fifties, were willing to leave when asked.",
        "The 14-year-old has been going to the youth club voluntarily and enjoys it.",
        # Adults and their own partners.
        "The 15-year-old's mother, 37, has a new partner, 40.",
        "Mr Khan, 45, lives with his wife, 43, and their children.",
        # The recommended wording, negation and reported words.
        "The 14-year-old was groomed by a 25-year-old man who called himself her boyfriend.",
        "The 15 year old's history of going missing is a sign of exploitation and does not "
        "undermine her account.",
        "She was drunk because the men gave her vodka; her account is detailed and consistent.",
        "The adults' abuse of the 13-year-old was not minor and not harmless.",
        "The girl, 15, said it was 'only a bit of fun' with the 30-year-old.",
    ],
)
def test_no_false_alarm(sentence: str) -> None:
    assert blocking(sentence) == []


# --- legal wording: its scope --------------------------------------------------------------


def test_words_before_a_charge_are_the_writers() -> None:
    assert blocking("No contact with the child prostitutes he was convicted of paying.") == [
        "child-prostitute"
    ]
    # The offence named after "convicted of" is the charge, not the writer's label.
    assert blocking("He was convicted of causing child prostitution in 2012.") == []


def test_a_section_named_as_a_report_is_not_a_citation() -> None:
    assert "credibility-history" in blocking(
        "Section 7 report: given her history of lying, little weight can be given to her "
        "account (14)."
    )
    assert blocking("Under section 9 the consent of a 14-year-old is no defence.") == []


def test_the_time_of_the_offence_dates_an_event() -> None:
    found = blocking(
        "OASys: then 24, he was the 14-year-old's boyfriend at the time of the offence."
    )
    assert found == ["boyfriend-adult"]
    assert blocking("The offence of sexual activity with a child applies whatever she said.") == []


def test_then_gives_an_age() -> None:
    who = of_sentence("Mr Ali, then 22, met the girl, then 13.")
    assert who.adult_ages == (22,)
    assert who.child_ages == (13,)


def test_an_adult_subject_whose_child_is_only_its_possessor() -> None:
    clause = "The 15-year-old's mother, 37, has a new partner, 40."
    who = of_sentence(clause)
    assert who.adult_subject
    assert who.adults_only_for_partner(clause.index("partner"))
    # A child named after the adult subject keeps the partner concept.
    clause = "The man, 33, is the 14-year-old's boyfriend."
    assert not of_sentence(clause).adults_only_for_partner(clause.index("boyfriend"))
