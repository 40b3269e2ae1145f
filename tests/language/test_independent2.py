"""The general mechanisms the second independent corpus's tuning part (and the first
corpus's) showed were missing (session 19, tests/language/corpus/README.md), each tried
on sentences of its own, not corpus sentences. Its shape and floors are tested with the
first corpus's in ``test_independent.py``."""

from __future__ import annotations

import pytest

from clearsight.language import check
from clearsight.language.referents import RecordPerson, ages, of_sentence


def blocking(text: str, people: tuple[RecordPerson, ...] = ()) -> list[str]:
    # The concepts' probes: the rules alone (the trained model, on by default, has its
    # own tests; its flags on these probes are counted in benchmarks/README.md).
    return [f.rule_id for f in check(text, people=people, model=False) if f.blocking]


# --- the mechanisms, on sentences of their own ----------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "adult"),
    [
        ("Intel: Nominal 12, DOB 03/03/1985, seen at the garage.", True),
        ("Subject (DOB 1992) drives a silver Corsa.", True),
        ("Born in 1979, he has previous for assault.", True),
        ("Witness described a male, 40s, in a red jacket.", True),
        ("Seen with a man (late 30s) at the bus station.", True),
        ("Nominal 4 (DOB 2019) is a pupil at the primary school.", False),
    ],
)
def test_a_date_of_birth_or_decade_gives_an_age(sentence: str, adult: bool) -> None:
    found = ages(sentence)
    assert found
    assert (min(found) >= 18) is adult


@pytest.mark.parametrize(
    "text",
    [
        "Nominal 12, 52, is a regular misper from the hostel.",
        "The landlord's brother, aged 44, has refused to engage with officers.",
        "The cousin, 26, is pregnant by her partner of two years.",
        "Male, 30s, told the call handler his girlfriend was missing.",
        "The neighbours, 31 and 35, have been in a relationship since 2019.",
        "Nominal 3 (DOB 1984) is romantically involved with Nominal 6 (DOB 1987).",
    ],
)
def test_a_clause_about_an_aged_adult_raises_nothing(text: str) -> None:
    assert blocking(text) == []


def test_an_adult_subject_that_is_the_partner_is_still_the_adult_party() -> None:
    assert blocking("His girlfriend, aged 31, picks him up from the unit.") == ["boyfriend-adult"]
    assert blocking("Relationship with an older woman, 31, is continuing; he is 14.") == [
        "adult-relationship"
    ]


def test_an_adult_subject_in_a_childs_record_leaves_her_partner_to_the_record() -> None:
    people = (RecordPerson("victim", 14), RecordPerson("suspect", 33))
    assert blocking("The man, 33, says nothing about his partner.") == []
    assert blocking("The man, 33, is her boyfriend.", people) == ["boyfriend-adult"]


def test_the_adult_subject_is_read_in_the_clause_of_the_words() -> None:
    assert blocking("The driver, 50, waited outside; she is a regular misper and 14.") == [
        "regular-misper"
    ]
    assert of_sentence("The driver, 50, waited outside.").adult_subject


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("Log: girl (13) romantically linked to Nominal 9, DOB 11/11/1990.", "adult-relationship"),
        ("The 14 year old's bf (DOB 1995) was arrested for supply.", "boyfriend-adult"),
        ("The boy, 15, is involved with an older woman from the gym.", "adult-relationship"),
        ("Pt (14) has a steady partner aged 22.", "boyfriend-adult"),
        ("She is 15 and she and the 30 year old are now an item.", "adult-relationship"),
        ("The Y8 pupil's boyfriend is in his late 20s.", "boyfriend-adult"),
    ],
)
def test_relationships_as_intelligence_entries_write_them(text: str, rule: str) -> None:
    assert rule in blocking(text)


def test_the_childs_belief_about_a_partner_is_the_recommended_wording() -> None:
    assert (
        blocking("The 14 year old is being abused by a man of 40 she thinks is her boyfriend.")
        == []
    )


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("The 13 year old dresses and acts much older than her age.", "looks-older"),
        ("He is mature beyond his years for a 14 year old.", "looks-older"),
        (
            "She could pass for an adult, which is how she got into the club; she is 15.",
            "looks-older",
        ),
        ("The girl, 14, looks at least 18 in her profile photos.", "looks-older"),
        ("The 15 year old made up his own mind to stay over at the address.", "chose-to"),
        ("At 15 she is old enough to understand the risks of those parties.", "knew-what-doing"),
        ("The 14 year old gets something out of it: money, clothes and lifts.", "trading-sex"),
        ("She benefits from the arrangement with the older males; she is 15.", "trading-sex"),
        ("The girl, 15, throws herself at the drivers on the rank.", "seeking-sex"),
        ("He is known on the estate as a prostitute; he is 15.", "engaging-in-prostitution"),
        ("The 14 year old has cried wolf about the men before.", "credibility-history"),
        (
            "Her last report came to nothing, so this one carries little weight; she is 15.",
            "credibility-history",
        ),
        ("The 15 year old's story is doubtful given her history of lying.", "credibility-history"),
        ("She had smoked cannabis, so her account is unreliable; she is 14.", "drinking-doubt"),
        (
            "The girl, 14, was drunk, and her account has to be taken with a pinch of salt.",
            "drinking-doubt",
        ),
        ("The boy, 15, will not help himself and misses every session.", "not-engaging"),
        ("The 14 year old's harm is the consequence of her own conduct.", "lifestyle-puts-at-risk"),
        ("His way of life is the problem; he is 15.", "lifestyle-puts-at-risk"),
        (
            "The 14-year-old's bruises are down to her own behaviour, the worker wrote.",
            "lifestyle-puts-at-risk",
        ),
        (
            "Little reliance can be placed on what she says, as she was drunk; she is 15.",
            "drinking-doubt",
        ),
    ],
)
def test_indirect_blame_in_paraphrase_found(text: str, rule: str) -> None:
    assert rule in blocking(text)


@pytest.mark.parametrize(
    "text",
    [
        "There is no evidence that Child B (14) is bringing younger girls to the address.",
        "The report does not say the boy, 15, was working for the line.",
        "The panel does not accept that the 14 year old is streetwise.",
        "It cannot be said that the 13 year old was sexually active.",
        "It is not the case that the girl, 15, chose to go.",
        "The 14 year old was coerced into introducing other girls to the men.",
        "She is small and young for her age; she is 13.",
        "The 15 year old looked at the men and then at the officer.",
        "Officers looked around 3 flats on the estate before finding the 14 year old.",
        "A safety plan was developed for the 14 year old.",
        "The 15 year old is in Year 10 and old for her year group.",
        "She enjoys art club and gets a lot out of it; she is 14.",
        "The 15 year old would benefit from the relationship with her key worker.",
        "She could not help herself and started crying; she is 14.",
        "The girl, 13, threw herself at the door to get out of the flat.",
        "Officers believe the drugs found in the car belong to the men; the girl is 14.",
        "The older man, 45, and his partner, 43, run the takeaway.",
        "Nominal 2, DOB 1989, is linked to the address through his partner.",
        "Her mum's new partner, 40, has moved in.",
    ],
)
def test_negation_coercion_and_plain_wording_raise_nothing(text: str) -> None:
    assert blocking(text) == []
