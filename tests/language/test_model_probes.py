"""The trained model on the concepts' near misses: the probe sentences of the six
independent corpora's test modules that must raise nothing.

Those modules check their probes with the rules alone (``model=False``); the check runs
rules + model by default, so a force reads the model's flags on the same sentences.
The probes are collected from the modules' parametrised tests (not copied), and the
default check may flag at most ``CEILING`` of them: a change that makes the model flag
more fails here (benchmarks/README.md, "The model's false flags on near misses")."""

from __future__ import annotations

from types import ModuleType

import pytest

from clearsight.language import check
from clearsight.language.referents import adults_act
from tests.language import (
    test_independent,
    test_independent2,
    test_independent3,
    test_independent4,
    test_independent5,
    test_independent6,
)

# Each module's tests whose sentences must raise nothing (``blocking(...) == []``).
PROBE_TESTS: tuple[tuple[ModuleType, str], ...] = (
    (test_independent, "test_context_and_exceptions_raise_nothing"),
    (test_independent2, "test_a_clause_about_an_aged_adult_raises_nothing"),
    (test_independent2, "test_negation_coercion_and_plain_wording_raise_nothing"),
    (test_independent3, "test_a_mechanism_leaves_other_wording_alone"),
    (test_independent4, "test_a_mechanism_leaves_other_wording_alone"),
    (test_independent5, "test_no_false_alarm"),
    (test_independent6, "test_no_false_alarm"),
)

# How many of the probes the default check (rules + model) flags: a measurement, lowered
# when the model's false flags fall, never raised to let a change pass (38 at the start of
# session 24; 29 once the model's findings passed the recommended-framing judgement).
CEILING = 29


def probe_sentences() -> list[str]:
    """The sentences of every test in ``PROBE_TESTS``, from its ``parametrize`` mark."""
    out: list[str] = []
    for module, name in PROBE_TESTS:
        marks = [m for m in getattr(module, name).pytestmark if m.name == "parametrize"]
        assert len(marks) == 1, f"{module.__name__}.{name}: one parametrize mark"
        out += [str(s) for s in marks[0].args[1]]
    return out


def test_the_probes_are_collected() -> None:
    probes = probe_sentences()
    assert len(probes) >= 260
    assert "The suspect engaged in sexual activity with the 14 year old." in probes
    # The rules alone raise nothing on them (their own modules' tests).
    assert not any(f.blocking for f in check(probes[0], model=False))


def test_the_model_flags_no_more_probes_than_the_ceiling() -> None:
    flagged = [p for p in probe_sentences() if any(f.blocking for f in check(p))]
    assert len(flagged) <= CEILING, "\n".join(flagged)


# --- the recommended framing: the adults acting on the child (referents.adults_act) ------

# Near misses of this module's own (session 24): the adults as the subject acting on the
# child, or as the agent of a passive (or of what the child disclosed), or the child made
# to act by coercion. The model flagged the marked ones and the synth narrative before the
# judgement; the default check raises nothing on any.
ADULTS_ACT = [
    "The older males gave the 14-year-old vodka and drove her to a party in Leeds.",  # flagged
    "The driver, 41, messaged the 13 year old every night for a month.",
    "Nominal 4 paid the 15-year-old's phone bill to keep her in debt to him.",
    "The 14-year-old was picked up from school by two adult men in a black Audi.",  # flagged
    "The 13 year old was groomed online by a man who pretended to be 16.",
    "The men took the 14-year-old to a flat above the takeaway.",
    "The adults have been supplying the 15 year old with cannabis.",
    "Suspect 2 introduced the 14-year-old to his friends at the car wash.",  # flagged
    "The 15 year old was made to hold drugs by the older boys.",  # flagged
    "The girl, 14, was forced to go to the flat with the men.",  # flagged
    "The man, 35, bought the 13 year old a phone and topped it up every week.",
    "The 15-year-old has been driven to hotels by the men.",
    "The older lads got the boy, 15, to carry drugs to the estate.",  # flagged
    # clearsight synth's police narrative (synth/data/narratives.yaml), a neutral one.
    "Ruby (14) disclosed being given alcohol and taken to a car park by adult males.",
]


@pytest.mark.parametrize("sentence", ADULTS_ACT)
def test_the_adults_acting_on_the_child_is_the_framing(sentence: str) -> None:
    assert adults_act(sentence) is not None
    assert not any(f.blocking for f in check(sentence))


@pytest.mark.parametrize(
    "sentence",
    [
        # The child as the subject of another clause: the framing is not the only reading.
        "The men picked her up after she decided to go back to the flat.",
        "The 14-year-old was picked up by the men, which is what he wanted.",
        "The men offered him a lift and the boy was only too happy to go with them.",
        # The passive is what the child is said to want, or sits in a clause of its own.
        "She was happy to be picked up by the older males after school.",
        "His claim that he was forced to carry drugs is doubted.",
        # Coercion denied is the myth (context.py), not the framing.
        "The girl, 15, was not coerced into going with the men.",
        # The adult's words: reported speech, judged as such.
        "Suspect 1 said she was willing.",
        # An adult word that is not the subject.
        "The suspect's laptop held the images.",
        "The adult sex worker, 31, was spoken to as a witness.",
        "The man and the girl left the hotel together.",
        # Two clauses.
        "The men gave her money; she went back the next day.",
    ],
)
def test_other_readings_are_left_to_the_model(sentence: str) -> None:
    assert adults_act(sentence) is None


def test_blame_beside_the_framing_is_still_found() -> None:
    """A sentence the model flags whose child is also the agent of another clause: the
    framing does not decide, and the model's finding stands."""
    text = "The 14-year-old was picked up by the men, which is what he wanted."
    assert check(text, model=False) == []
    assert [f.origin for f in check(text) if f.blocking] == ["model"]


def test_quoted_or_reported_model_findings_are_kept_whoever_they_frame() -> None:
    """Words kept as evidence (info) are not judged by the framing."""
    text = '"The men offered the 15 year old money in exchange for sex." Her mother told me.'
    found = check(text)
    assert [(f.origin, f.severity) for f in found] == [("model", "info")]
