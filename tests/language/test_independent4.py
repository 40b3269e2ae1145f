"""The general mechanisms the fourth independent corpus's tuning part showed were missing
(session 20, tests/language/corpus/README.md), and the families beside them the task named
(the child as agent, the child's looks or behaviour as cause, minimising the harm, doubting
the account, the relationship framed as mutual, exploitation framed as a choice or
lifestyle, false alarms on professionals' own wording), each tried on sentences of its own,
not corpus sentences. Its shape and floors are tested with the other independent corpora
in ``test_independent.py``."""

from __future__ import annotations

import pytest

from clearsight.language import check
from clearsight.language.referents import ages, of_sentence


def blocking(text: str) -> list[str]:
    # The concepts' probes: the rules alone (the trained model, on by default, has its
    # own tests; its flags on these probes are counted in benchmarks/README.md).
    return [f.rule_id for f in check(text, model=False) if f.blocking]


@pytest.mark.parametrize(
    ("concept", "sentence"),
    [
        ("chose-to", "The 15-year-old lad was the one who set up the meeting with the defendant."),
        ("going-back-to", "She went back to the DP's flat twice that week; she is 14."),
        ("chose-to", "He is 15 and has clearly made his decision."),
        ("chose-to", "The girl, 14, is at the house by her own choice."),
        ("consent", "The 13-year-old said yes to sex with the older male."),
        ("consent", "The boy, 15, agreed to sexual activity with the defendant."),
        (
            "lifestyle-puts-at-risk",
            "Her drinking is the real cause of the harm she has suffered; she is 15.",
        ),
        (
            "lifestyle-puts-at-risk",
            "The boy's attitude is what lands him in trouble with the older males; he is 14.",
        ),
        ("trading-sex", "She (15) sleeps with them for cigarettes and credit."),
        ("trading-sex", "The 16-year-old goes off with him for the cash."),
        ("seeking-sex", "The girl, 14, entertains adult males at the flat."),
        ("sexualised", "The pupil, 13, is flirty with the taxi drivers."),
        ("sexualised", "She flirts with older lads at the bus stop; she is 14."),
        ("looks-older", "Her make-up made her appear years older; she is 13."),
        ("looks-older", "The 14-year-old looks a good few years older."),
        ("responsible-for-abuse", "It is a mess of her own making; she is 15."),
        ("responsible-for-abuse", "The girl, 14, misled the suspects about her age."),
        ("responsible-for-abuse", "The 13-year-old put the defendant in an awkward position."),
        ("boyfriend-adult", "The 15-year-old and her fiance, 30, live together."),
        ("adult-relationship", "The girl, 14, is going steady with a man of 22."),
        ("boyfriend-adult", "The boy (15) attended with partner (male, 31)."),
        ("willing", "YP (14) is fine with the arrangement with the older men."),
        ("willing", "She said yes to going to the men's flat; she is 15."),
        ("out-of-control", "The girl is totaly out of controll; she is 14."),
        ("minimising-harm", "It was only kissing between the 14-year-old and the 25-year-old."),
        ("minimising-harm", "The contact with the man, 30, was low level; she is 13."),
        ("consent", "The 15-year-old and the 24-year-old were both consenting."),
        (
            "adult-relationship",
            "It was a mutual relationship between the girl, 15, and the man, 27.",
        ),
        (
            "adult-relationship",
            "The feelings between the 14-year-old and the 26-year-old were mutual.",
        ),
        ("adult-relationship", "The 14-year-old is besotted with the 29-year-old."),
        ("adult-relationship", "The girl (15) has feelings for the man, 32, and he for her."),
        (
            "credibility-history",
            "The 14-year-old has a track record of lying, so her disclosure is doubtful.",
        ),
        (
            "credibility-history",
            "Her account cannot be taken at face value given previous allegations; she is 15.",
        ),
        (
            "credibility-history",
            "The girl, 13, is prone to exaggeration and her account should be treated with care.",
        ),
        (
            "drinking-doubt",
            "She had taken cannabis, so her memory is patchy and unreliable; she is 15.",
        ),
        ("credibility-history", "The boy, 14, is known to tell stories."),
        ("lifestyle-choice", "The 15-year-old prefers life on the streets with the older group."),
        ("willing", "The 16-year-old likes the lifestyle the men give her."),
        ("willing", "The lad, 15, wants the money and the status that come with the line."),
        ("willing", "The girl, 14, is a willing passenger in the men's cars."),
        ("willing", "The 14-year-old went to the flat of her own free will."),
        ("chose-to", "The 15-year-old takes herself off to the men's house whenever she likes."),
        ("trading-sex", "The girl, 14, gets the men to buy her vodka."),
        ("trading-sex", "The 15-year-old uses the men for lifts and cigarettes."),
        ("seeking-sex", "The 13-year-old targets older men online."),
        ("contacting-adults", "The 14-year-old keeps in touch with the DP despite the notice."),
    ],
)
def test_a_mechanism_finds_its_concept(concept: str, sentence: str) -> None:
    assert concept in blocking(sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        "No intelligence that the 14-year-old is working for the group.",
        "The girl's father (45) has a new girlfriend, aged 39.",
        "The boy's mum, 41, lives with her partner, 44.",
        "The 14-year-old agreed to go swimming with her foster family.",
        "The 15-year-old made his choice about which college course to take.",
        "The officer made her decision to refer to children's services.",
        "The suspect lied about his age to the girl, 14.",
        "The defendant, 35, misled the 13-year-old about his age.",
        "The 16-year-old said yes to going to the appointment with her worker.",
        "Self-inflicted injuries to both forearms; the 15-year-old was seen by CAMHS.",
        "The adults put the 14-year-old in a dangerous position.",
        "The 13-year-old was made to look older by the men who bought her clothes.",
        "The DP's partner (29) was present at the arrest.",
        "The adults flirt with the 14-year-old on social media to groom her.",
        "The 15-year-old's drinking is a sign of the trauma she has suffered.",
        "The 14-year-old was not there by choice; she was taken.",
        "The girl (15) was happy with the arrangement for contact with her mother.",
        "The boy, 14, goes with them for football practice every Saturday.",
        "She is 15 and her behaviour is the reason for the referral to CAMHS.",
        "Low-level concerns about a member of staff were passed to the LADO; the pupil is 14.",
        "The girl, 15, has feelings for a boy in her class.",
        "The 14-year-old and her friend, also 14, were only messing about in the park.",
        "The 15-year-old told staff she loves him and that the feelings are mutual.",
        "The adults, 30 and 32, describe the relationship as mutual.",
        "The girl (14) is close to her foster carer and sees her social worker weekly.",
        "The 14-year-old's account has been consistent and is supported by CCTV.",
        "The girl, 15, prefers to stay with her grandmother at weekends.",
        "The 14-year-old went to the police station of her own free will to report it.",
        "The men use the 15-year-old to carry drugs.",
        "The 14-year-old is being given lifts and cigarettes by men who are grooming her.",
        "The girl (15) keeps in touch with her key worker by text.",
        "The 13-year-old has been targeted by older men online.",
        "Panel agreed the 14-year-old is a victim and that the adults are responsible.",
        "The 15-year-old is being controlled by the group and cannot leave.",
        # Professionals' own wording beside the new patterns.
        "The 15-year-old was made to feel the relationship with the 30-year-old was mutual.",
        "The 14-year-old is being groomed; the man, 29, tells her the feelings are mutual.",
        "The 13-year-old was taken to the defendant's flat whenever he wanted.",
        "The 15-year-old has been abused by a man, 30, who made her look older with make-up.",
        "The 16-year-old is happy with the arrangement for her to stay with her aunt.",
        "The adults used the 14-year-old for lifts to other towns and paid her in cigarettes.",
        "The DP, 33, got the 15-year-old to buy him vodka.",
        "Minor injuries to the 14-year-old's wrist were treated at A&E.",
        "She is 15; the defendant lied about his age online.",
        "Her behaviour is the main reason for the referral to CAMHS; she is 14.",
        "The girl, 14, was put in a difficult position by the adults.",
    ],
)
def test_a_mechanism_leaves_other_wording_alone(sentence: str) -> None:
    assert blocking(sentence) == []


@pytest.mark.parametrize(
    ("sentence", "age"),
    [
        ("Seen with her partner (male, 28) at the clinic.", 28),
        ("Witness described a man (M, 40) at the door.", 40),
        ("The passenger, female, 19, was not spoken to.", 19),
    ],
)
def test_a_person_given_by_sex_and_age_is_an_age(sentence: str, age: int) -> None:
    assert age in ages(sentence)


def test_a_childs_adult_relative_is_not_the_child() -> None:
    assert of_sentence("The boy's father (41) has a new partner, aged 43.").adults_only
    # The child named again in the sentence is still the child.
    assert not of_sentence("The girl's mother, 40, says the girl's boyfriend is 25.").adults_only


def test_a_misspelt_control_reads_as_control() -> None:
    assert blocking("The girl (14) is completely out of controll.") == ["out-of-control"]


def test_no_intelligence_that_is_a_strong_negation() -> None:
    assert (
        blocking("There is no intelligence that the 15-year-old boy is being paid for sex.") == []
    )
    assert (
        blocking("No information that the 14-year-old has been sexually active with adults.") == []
    )
