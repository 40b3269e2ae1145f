"""Context rules: quotes and reported speech, negation, offence titles, age cues,
ordinary uses of common words, and the variants rules must generalise to."""

from __future__ import annotations

import pytest

from clearsight.language import check


def blocking(text: str) -> list[str]:
    return [f.rule_id for f in check(text) if f.blocking]


def severities(text: str) -> list[tuple[str, str]]:
    return [(f.rule_id, f.severity) for f in check(text)]


# --- quotes and reported speech: at most info -----------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        '"I chose to go with them," she said.',
        "“I’m a regular misper,” he told staff.",
        "She told the officer: 'I put myself at risk.'",
        "She said that she chose to go with them.",
        "In her words, she is a regular misper.",
        "According to him, it was consensual.",
        "She refers to the 30-year-old as her boyfriend.",
        "I put myself at risk, she said.",
        "Her mother stated she is out of control.",
    ],
)
def test_quoted_and_reported_words_are_info(text: str) -> None:
    found = check(text)
    assert found, "the finding is still shown"
    assert {f.severity for f in found} == {"info"}


def test_practitioners_own_words_after_a_quote_are_warnings() -> None:
    text = 'She said "leave me alone". She is placing herself at risk.'
    assert severities(text) == [("putting-self-at-risk", "warning")]


def test_professional_labels_are_not_reported_speech() -> None:
    assert blocking("Staff describe her as promiscuous.") == ["promiscuous"]


# --- negation ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "She did not consent.",
        "He could not consent to sexual activity.",
        "There is no evidence that he consented.",
        "She didn't put herself at risk.",
        "It is not a lifestyle choice.",
        "They never chose to go with the men.",
        "She should not be described as promiscuous.",
        "He was unable to consent.",
    ],
)
def test_negation_suppresses(text: str) -> None:
    assert blocking(text) == []


def test_negation_is_clause_bound() -> None:
    assert blocking("She did not go to school and chose to go to the flat.") == ["chose-to"]
    assert blocking("No one was home; she is placing herself at risk.") == ["putting-self-at-risk"]


def test_phrases_that_carry_their_own_negation() -> None:
    assert blocking("He is not engaging with services.") == ["not-engaging"]
    assert blocking("She is not yet able to engage.") == []


# --- offence titles and legal wording ---------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Sexual activity with a child contrary to section 9 of the Sexual Offences Act 2003.",
        "He was charged with causing or inciting child prostitution.",
        "Offence: arranging or facilitating child prostitution or pornography.",
        "Count 1: controlling child prostitution.",
    ],
)
def test_offence_titles_are_exceptions(text: str) -> None:
    assert blocking(text) == []


def test_child_prostitute_outside_an_offence_title() -> None:
    assert severities("She is a child prostitute.") == [("child-prostitute", "error")]


# --- boyfriend and age cues ---------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Her boyfriend (24) collected her.",
        "Her boyfriend, aged 31, was present.",
        "Her boyfriend is 19.",
        "Her 22-year-old boyfriend drove her home.",
        "Her boyfriend is eight years older than her.",
        "She stays with her boyfriend, a man in his forties.",
        "Her boyfriend is an adult.",
    ],
)
def test_boyfriend_with_adult_cue(text: str) -> None:
    assert blocking(text) == ["boyfriend-adult"]


@pytest.mark.parametrize(
    "text",
    [
        "Her boyfriend, 15, walked her home.",
        "Her boyfriend is in her class at school.",
        "He and his girlfriend, both 14, went to the cinema.",
        "She was upset after arguing with her boyfriend.",
    ],
)
def test_boyfriend_same_age_peer(text: str) -> None:
    assert blocking(text) == []


def test_older_boyfriend_needs_no_cue() -> None:
    assert blocking("Her older boyfriend collects her.") == ["older-boyfriend"]


def test_sexually_active_is_stronger_for_under_13s() -> None:
    assert severities("She is sexually active.") == [("sexually-active", "warning")]
    assert severities("The 12-year-old is sexually active.") == [("sexually-active", "error")]
    assert severities("She (11) is sexually active.") == [("sexually-active", "error")]
    assert severities("The 12-year-old consented to sex.") == [("consent", "error")]


# --- ordinary uses of common words ------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Her relationship with her foster carer is positive.",
        "We should not judge the choices children make under coercion.",
        "She chose to disclose to her teacher.",
        "She agreed to a video-recorded interview.",
        "She is willing to talk to the ISVA.",
        "Her mother consented to the referral.",
        "Consent for information sharing was obtained.",
        "The girl is at risk of exploitation.",
        "Adults are placing her at risk.",
        "He went back to school on Monday.",
        "She was recruited by the group through a friend.",
        "The case was brought to the attention of the DSL.",
        "Historical records were requested from the school.",
        "The repeat missing episodes were discussed.",
        "Professionals involved in the CSE meeting agreed a plan.",
    ],
)
def test_ordinary_language_is_not_flagged(text: str) -> None:
    assert blocking(text) == []


# --- generalisation: pronouns, inflections, word order ------------------------------------------


@pytest.mark.parametrize(
    ("subj", "self_"), [("She", "herself"), ("He", "himself"), ("They", "themselves")]
)
@pytest.mark.parametrize(
    "verb", ["is putting", "puts", "has placed", "keeps placing", "was exposing"]
)
def test_putting_self_at_risk_variants(subj: str, self_: str, verb: str) -> None:
    verb = verb.replace("is ", "are ") if subj == "They" else verb
    assert blocking(f"{subj} {verb} {self_} at risk.") == ["putting-self-at-risk"]


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("They put themselves in dangerous situations.", "putting-self-at-risk"),
        ("He keeps getting into dangerous situations.", "putting-self-at-risk"),
        ("His lifestyle puts him at risk.", "lifestyle-puts-at-risk"),
        ("Their behaviour is placing them in danger.", "lifestyle-puts-at-risk"),
        ("He went with them willingly.", "willing"),
        ("They willingly went with the men.", "willing"),
        ("He keeps going back to them.", "going-back-to"),
        ("She goes back to the men every weekend.", "going-back-to"),
        ("He is a persistent misper.", "regular-misper"),
        ("He prostitutes himself.", "prostituting-self"),
        ("They are sending nude selfies.", "sending-images"),
        ("He is messaging older women online.", "contacting-adults"),
        ("She is dating a 26-year-old.", "adult-relationship"),
        ("He refused to support the prosecution.", "not-engaging"),
        ("They are involved in child sexual exploitation.", "involved-in-cse"),
        ("Historic sexual abuse was reported.", "historical-abuse"),
    ],
)
def test_variants(text: str, rule: str) -> None:
    assert blocking(text) == [rule]


def test_positions_are_one_based_and_per_line() -> None:
    text = "First line is fine.\nShe is a regular misper."
    [f] = check(text)
    assert (f.line, f.column, f.end_column) == (2, 10, 24)
    assert text.splitlines()[1][f.column - 1 : f.end_column - 1] == f.matched == "regular misper"


def test_empty_and_clean_text() -> None:
    assert check("") == []
    assert check("Officers attended and spoke to the child.") == []


# --- issue 19: the contexts that must be recognised, each with its explanation -----------


@pytest.mark.parametrize(
    "text",
    [
        "At no point was the child a willing participant.",
        "Nothing in the evidence indicates that the boy chose to go with the men.",
        "There is no suggestion that the girl was selling sex.",
        "It should not be said that the 15-year-old is streetwise.",
        "Her drinking does not undermine her account.",
        "The 13-year-old did not make a choice to go there.",
    ],
)
def test_negex_triggers_negate(text: str) -> None:
    assert blocking(text) == []


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        # termination: a contrast or a new clause ends the negation's scope
        ("She was not at school but chose to go to the flat.", "chose-to"),
        ("There is no evidence of force, but she was a willing participant.", "willing"),
        # pseudo-negation: "not only" negates nothing
        ("She is not only streetwise but older than her years.", "streetwise"),
        # a negated doubt is the blame itself
        ("She had been drinking, so her account is not reliable.", "drinking-doubt"),
    ],
)
def test_negation_scope_ends(text: str, rule: str) -> None:
    assert rule in blocking(text)


@pytest.mark.parametrize(
    "text",
    [
        "The suspect said in interview that the girl was a willing participant.",
        "Suspect 2 told officers the 14-year-old chose to come to the flat.",
        "According to the suspect, the sex with the 15-year-old was consensual.",
        "The defence say the girl made a choice to go.",
    ],
)
def test_offenders_words_are_information(text: str) -> None:
    found = check(text)
    assert found, "the offender's words are kept as information"
    assert {f.severity for f in found} == {"info"}
    assert all("reported words" in f.context for f in found)


def test_professionals_reports_are_not_reported_speech() -> None:
    assert blocking("The officer reported that the girl is a regular misper.") == ["regular-misper"]


@pytest.mark.parametrize(
    "text",
    [
        "Offence: paying for the sexual services of a child.",
        "The CPS lawyer reminded the meeting that consent is not a defence.",
        "The offence is committed even where the child appears to agree to it.",
        "A child under 13 cannot consent to any sexual activity in law.",
    ],
)
def test_legal_terms_of_art(text: str) -> None:
    assert blocking(text) == []


@pytest.mark.parametrize(
    "text",
    [
        'Training slide: never write that a child is "putting themselves at risk".',
        'The audit found officers describing victims as "promiscuous".',
        "Guidance lists phrases such as sexually active as language to avoid.",
    ],
)
def test_training_text_is_information(text: str) -> None:
    found = check(text)
    assert found and {f.severity for f in found} == {"info"}
    assert any("criticise" in f.context or "quoted" in f.context for f in found)


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("She made a choice to get in the car.", "chose-to"),
        ("He was willing.", "willing"),
        ("She knew what she was getting into.", "knew-what-doing"),
        ("Given her history of going missing, her account is doubted.", "credibility-history"),
        (
            "The victim had been drinking heavily, which undermines the weight of her account.",
            "drinking-doubt",
        ),
    ],
)
def test_indirect_blame_concepts(text: str, rule: str) -> None:
    assert blocking(text) == [rule]


def test_relationship_explanation_gives_ages() -> None:
    [f] = check("CYP is still in a relationship with Suspect 2, who is 33.")
    assert f.rule_id == "adult-relationship" and "adult aged 33" in f.context
    assert "adult aged 33" in f.as_dict()["reason"]


@pytest.mark.parametrize(
    "text",
    [
        "Ms Taylor, aged 35, attended with her boyfriend.",
        "The mother, 38, lives with her boyfriend, who is 41.",
        "The child is being groomed by an adult male who presents himself as her boyfriend.",
    ],
)
def test_adults_own_partners_and_correct_wording(text: str) -> None:
    assert blocking(text) == []


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("15 y/o child-prostitute", "child-prostitute"),
        ("CYP has placed himself at risk.", "putting-self-at-risk"),
        ("The YP's sexualized behaviors worried staff.", "sexualised"),
        ("She is promiscous.", "promiscuous"),
        (
            "The 14-year-old boy is selling sex to men near the bus station.",
            "engaging-in-prostitution",
        ),
    ],
)
def test_variants_through_the_pipeline(text: str, rule: str) -> None:
    assert blocking(text) == [rule]
