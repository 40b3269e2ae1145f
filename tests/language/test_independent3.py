"""The general mechanisms the third independent corpus's tuning part showed were missing
(session 20, tests/language/corpus/README.md), each tried on sentences of its own, not
corpus sentences: a child as the agent of a verb of will, return, trade or work whose goal
is the exploiting adults (the ``<exploiters>`` slot), control or worldliness put in the
child, the child's looks as the cause of the adults' interest, and a conditional that puts
the harm down to the child's going out. Its shape and floors are tested with the other
independent corpora in ``test_independent.py``."""

from __future__ import annotations

import pytest

from clearsight.language import check
from clearsight.language.referents import ages


def blocking(text: str) -> list[str]:
    # The concepts' probes: the rules alone (the trained model, on by default, has its
    # own tests; its flags on these probes are counted in benchmarks/README.md).
    return [f.rule_id for f in check(text, model=False) if f.blocking]


@pytest.mark.parametrize(
    ("concept", "sentence"),
    [
        # The child's will with the adults or their place as its goal.
        ("willing", "The girl, 13, wants to go back to the men's house every weekend."),
        ("willing", "He is desperate to see the older men again."),
        ("willing", "She was keen to stay at their flat."),
        ("willing", "She prefers to spend her evenings with the older lads at the park."),
        ("willing", "The 14-year-old climbed into the adults' car without hesitation."),
        ("chose-to", "She picks the men over her family every time."),
        ("chose-to", "The 15-year-old is voting with his feet."),
        # Return verbs whose goal is the adults, whatever the adverb.
        ("going-back-to", "YP went straight back to the older males after the RHI."),
        ("going-back-to", "He continues to go back to their flat."),
        ("going-back-to", "She always heads back to the men's address."),
        # Work and drawing others in, without the words "working for" or "recruiting".
        ("recruited-working-for", "The boy, 15, delivers for the older men most nights."),
        ("recruited-working-for", "She introduced two friends to the men at the takeaway."),
        ("recruited-working-for", "He is a bad influence on younger pupils."),
        ("recruited-working-for", "She is basically working for them now."),
        # Control or worldliness put in the child.
        ("knew-what-doing", "The 15-year-old is in control of her friendship with these adults."),
        ("knew-what-doing", "She comes across as worldly."),
        ("knew-what-doing", "YP is calling the shots in this."),
        ("poor-choices", "Her choice of associates is a concern."),
        ("poor-choices", "It is the company he keeps."),
        # Earnings from the adults; the abuse done for money.
        ("trading-sex", "The 14-year-old earns money from the older males."),
        ("trading-sex", "He did it for the cash."),
        ("not-engaging", "The 13-year-old has decided not to speak to officers."),
        ("not-engaging", "She prefers not to engage with her social worker."),
        ("adult-relationship", "CYP is seeing a 30-year-old."),
        ("adult-relationship", "Age-gap relationship between a girl of 14 and a man of 26."),
        ("boyfriend-adult", "The girl's new fella, 32, picks her up from school."),
        ("seeking-sex", "She goes after the company of older males."),
        ("looks-older", "At 13 he behaves like a grown man."),
        # Looks and clothes as the cause of the adults' interest.
        ("sexualised", "Her revealing clothing is drawing the attention of adult males."),
        ("sexualised", "The 14-year-old dressed up to impress the men."),
        ("streetwise", "The boy is more than capable of looking after himself."),
        ("streetwise", "She has been around the block."),
        # A conditional that puts the harm down to the child's going out, with its negated
        # consequence kept as the blame.
        ("lifestyle-puts-at-risk", "Until he stops hanging around the takeaway, the risk remains."),
        (
            "lifestyle-puts-at-risk",
            "If she stopped meeting them, they would not be able to harm her.",
        ),
        ("drinking-doubt", "She had been drinking, so her account is weak."),
        ("rent-boy", "He has been rent-boying since he was 14."),
        # Second pass, on paraphrases of the writer's own: initiative, contentment,
        # payment, liking for adults, adultification, partner words, responsibility.
        ("chose-to", "She arranged to meet the 24-year-old herself."),
        ("chose-to", "The girl organised the meeting with the men."),
        ("trading-sex", "She is getting paid for it."),
        ("trading-sex", "YP is in it for the money and the gifts."),
        ("trading-sex", "The girl gets into cars with men for money."),
        ("willing", "The boy is quite content with the situation."),
        ("willing", "The boy enjoys the money and status the gang gives him."),
        ("looks-older", "She is 14 going on 25."),
        ("looks-older", "She is very grown up in her ways with men."),
        ("credibility-history", "Her account cannot be trusted given she has run away twice."),
        ("drinking-doubt", "As she was high at the time, little weight can be put on it."),
        ("boyfriend-adult", "Intel: Child R (15) - partner Nominal 8 (29)."),
        ("boyfriend-adult", "Intel: YP's other half is 27."),
        ("adult-relationship", "She has a thing with an older man from work."),
        ("sexually-active", "The 14-year-old is sleeping with a 22-year-old."),
        ("seeking-sex", "She is attracted to older men."),
        ("attention-seeking", "She encourages the attention of the older boys."),
        ("putting-self-at-risk", "He keeps putting himself in these situations."),
        ("putting-self-at-risk", "She is making herself vulnerable by going to the parties."),
        ("contacting-adults", "She sought out the 30-year-old online."),
        ("contacting-adults", "She messaged him first."),
        ("responsible-for-abuse", "The girl is partly responsible for what happened."),
        ("responsible-for-abuse", "She must take some responsibility for what happened."),
        ("responsible-for-abuse", "She is her own worst enemy."),
        ("responsible-for-abuse", "She led him on."),
        ("responsible-for-abuse", "She was asking for it dressed like that."),
        # Third pass: association with the adults, liking them, not staying away, gain,
        # attraction, acting older, disbelief with its reason, idioms of risk and judgement.
        ("contacting-adults", "She has been hanging around with men twice her age."),
        ("contacting-adults", "YP spends all her time with adult males at the shisha bar."),
        ("willing", "The 13-year-old goes to the flat because she likes the men there."),
        ("willing", "She will not stay away from the men."),
        ("willing", "She insisted on going to the party with the men."),
        ("trading-sex", "The child seems to be getting a lot out of the relationship."),
        ("trading-sex", "He benefits from the gifts and the status."),
        ("seeking-sex", "He is drawn to the older boys and their money."),
        ("looks-older", "She acts much older around men."),
        ("looks-older", "She carries herself like an adult."),
        ("credibility-history", "She is a known fantasist."),
        ("credibility-history", "She has form for making allegations."),
        ("credibility-history", "Staff do not believe her because she often exaggerates."),
        ("risky-behaviour", "He goes looking for trouble in town."),
        ("putting-self-at-risk", "She is prone to getting into situations with men."),
        ("promiscuous", "She puts herself about."),
        ("promiscuous", "She has a reputation for going with older men."),
        ("adult-relationship", "CYP is seeing Nominal 4 (DOB 1993)."),
        # Fourth pass: courtship verbs with a person as object, partner words after an age,
        # estimated ages, readiness, permission and initiative.
        ("adult-relationship", "Intel: YP (15) goes out with Nominal 3 (DOB 02/02/1990)."),
        (
            "adult-relationship",
            "Intel: Nominal 5 (28) and CYP (14) have been together for six months.",
        ),
        ("adult-relationship", "Intel: the 15-year-old is dating Nominal 8 (29)."),
        ("adult-relationship", "Intel: Child K (15) is engaged to Nominal 9 (26)."),
        ("adult-relationship", "Intel: the girl (14) is with Suspect 1 (30) romantically."),
        ("boyfriend-adult", "Intel: the 14-year-old and her 25-year-old partner were stopped."),
        ("boyfriend-adult", "Intel: 15yo female, bf approx 30, drives blue Golf."),
        ("boyfriend-adult", "Intel: YP is Subject 1's missus; he is 36."),
        ("boyfriend-adult", "Intel: YP's fella is 30ish."),
        ("chose-to", "She decided for herself to go with them."),
        ("chose-to", "She made the first move."),
        ("chose-to", "He wanted to be part of the gang."),
        ("willing", "She was up for going to the party with the men."),
        ("willing", "She didn't need persuading to get in the car."),
        ("willing", "Nobody forced her; she went with the men."),
        ("willing", "She went with them of her own choosing."),
        ("willing", "The boy agreed to the arrangement with the men."),
        ("willing", "She offered to go with the men."),
        ("consent", "She allowed the 22-year-old to touch her."),
        ("consent", "She let the men take photos of her."),
        ("consent", "She was happy for the man to film her."),
        ("contacting-adults", "She asked the man to pick her up."),
        ("contacting-adults", "She begged the men to let her stay."),
        ("contacting-adults", "She keeps contacting the 30-year-old."),
    ],
)
def test_a_mechanism_finds_its_concept(concept: str, sentence: str) -> None:
    assert concept in blocking(sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        # Will, return or work whose goal is not the exploiting adults, or whose agent is
        # an adult or a professional.
        "She wanted to go home to her mum.",
        "The men wanted to go to the flat.",
        "Staff were keen to see the men moved on.",
        "She wants to go to the group home in the new year.",
        "He went to the park with the lads from his class.",
        "She went back to her placement at 22:00.",
        "Officers introduced themselves to the men.",
        "The officer decided not to arrest.",
        "He works for the council.",
        "The men got into the car without hesitation.",
        "The adults are in control of her phone.",
        "She chose her friends carefully for the trip.",
        # Conditionals about the adults, the abuse or school.
        "If the men stop contacting her she will be safer.",
        "Unless the abuse stops, she remains at risk.",
        "If she stops taking her inhaler she could have an attack.",
        "If she stopped going to school she would be at risk, so staff drive her in.",
        # Negation, adults and reported words.
        "She does not earn money from the men; they take what she has.",
        "Her drinking does not weaken her account.",
        "She has never been around these men before.",
        "Ms Hart, 33, is seeing a 35-year-old man.",
        "She told staff she wanted to go to the men's flat.",
        # Second pass: the same words about adults, professionals, family or harmless things.
        "The men are partly responsible for the harm caused.",
        "Agencies must accept some responsibility for the delay.",
        "The offender is to blame for what happened.",
        "He seduced the girl with gifts and alcohol.",
        "Police arranged to meet the men at the station.",
        "The men arranged to meet her at the park.",
        "Staff are happy with the situation at the placement.",
        "Mum is comfortable with the situation.",
        "She likes the gifts her nan gave her for Christmas.",
        "Partner agencies: police, health, education.",
        "She put herself in the recovery position.",
        "Staff put themselves in that position.",
        "She has gone missing before; workers are building trust with her.",
        "Previous contact with the family was limited.",
        "The mother, 38, has been sleeping with a 40-year-old man.",
        "He gets paid for his paper round.",
        "She asked for it to stop.",
        "She is making herself available for the interview.",
        "The 14-year-old is 14 going on 15 next month.",
        "The officer sought out the 30-year-old.",
        "The men messaged her first.",
        # Third pass.
        "She spends time with her older sister at weekends.",
        "Staff spend time with the adults in the family.",
        "She likes the men's football team.",
        "She misses the older residents from her old placement.",
        "Staff told her to stay away from the men.",
        "She is keeping away from the men now and is doing well.",
        "The officer was drawn to the older man's car by the noise.",
        "Her mum does not believe her because she has lied before about school.",
        "She benefits from the support of her key worker.",
        "She is getting a lot out of the mentoring sessions.",
        "The men went looking for trouble in town.",
        "She has a reputation for being good at maths.",
        "She socialises with adults at church with her mum.",
        # Fourth pass.
        "Mum allowed them to search her room.",
        "She let them take her to the station to give a statement.",
        "Staff were happy for the police to take photos of the injuries.",
        "She gave permission for them to share the information.",
        "Mum (40) and her partner have been together since 2010.",
        "The team has been together for years.",
        "She offered to go to the police station with her mum.",
        "She volunteered to go to the flat with officers to point it out.",
        "She was up for going to the cinema with her carer.",
        "She agreed to the arrangement for contact with her dad.",
        "Nobody forced her to attend the interview.",
        "She didn't need persuading to come to school today.",
        "She wants to be part of the drama group.",
        "She asked the officer to pick her up.",
        "She keeps contacting her social worker.",
        "Bf approx 16, attends same school.",
        "The girl, 15, is dating a boy from her class.",
        "The 14-year-old is going out with a 15-year-old from school.",
        "Her 16-year-old partner attends college.",
        # The adults or professionals as the agents.
        "The men introduced her to the adults at the party.",
        "The girl was introduced to the men by an older girl.",
        "The girl wanted to go home but the men wanted to go to their flat.",
        "Officers went straight back to the men's address.",
        "He ran errands for the older residents at the care home.",
        "Police returned to the men's flat with a warrant.",
    ],
)
def test_a_mechanism_leaves_other_wording_alone(sentence: str) -> None:
    assert blocking(sentence) == []


@pytest.mark.parametrize(
    ("sentence", "age"),
    [("bf approx 30, drives", 30), ("her man (approx 25)", 25), ("his fella is 30ish", 30)],
)
def test_an_estimated_age_is_an_age(sentence: str, age: int) -> None:
    assert ages(sentence) == [age]


@pytest.mark.parametrize(
    "sentence", ["about 15 metres away", "around 20 minutes later", "approx 3 years ago"]
)
def test_an_estimated_quantity_is_no_age(sentence: str) -> None:
    assert ages(sentence) == []


def test_a_doubt_negated_inside_a_conditional_still_negates() -> None:
    """Only a match that opens on the conditional keeps its negated consequence as the
    blame; a doubt negated elsewhere is still a negation."""
    assert blocking("If she lied before, that would not undermine her account.") == []
