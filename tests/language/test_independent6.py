"""The sixth independent corpus's round (session 22): the mechanisms its tuning part's
misses asked for, and the families of blame the round looked for with probe sentences of
its own (the child as agent, traits or looks as the cause, the harm minimised, the account
doubted, the relationship framed as mutual, exploitation as a lifestyle, a choice or a job,
and false alarms on professionals' wording), each tried on sentences of our own, not corpus
sentences. The corpus's floors are in test_independent.py."""

from __future__ import annotations

import pytest

from clearsight.language import check
from clearsight.language.referents import ages, of_sentence


def blocking(text: str) -> list[str]:
    # The concepts' probes: the rules alone (the trained model, on by default, has its
    # own tests; its flags on these probes are counted in benchmarks/README.md).
    return [f.rule_id for f in check(text, model=False) if f.blocking]


# (concept, sentence): the concept each sentence must be reported under.
FOUND = [
    ("chose-to", "Youth worker: Casey, 14, went round to the flat off her own back most nights."),
    ("chose-to", "The 13-year-old made her own way to the hotel and booked the room herself."),
    (
        "seeking-sex",
        "Supervision note: the boy, 15, set the whole thing up and invited the men to the park.",
    ),
    (
        "contacting-adults",
        "He was the one who kept messaging the 29 year old, the 15 year old was very persistent.",
    ),
    ("willing", "She readily got into the car with the two males, she is 14."),
    ("willing", "The girl (14) was more than happy to travel to Leeds with the adults."),
    (
        "chose-to",
        "Kids' home log: resident (15) took herself off to the men's address again tonight.",
    ),
    ("chose-to", "Referral: 13 y/o has been going to the older lads' flat out of choice."),
    ("chose-to", "The 14yo has been hanging round with the men by her own choice."),
    (
        "contacting-adults",
        "It appears the child (12) sought out the adult online and started the chats.",
    ),
    (
        "recruited-working-for",
        "AssetPlus: he is now part of the line and is recruiting other boys at school; he is 14.",
    ),
    (
        "knew-what-doing",
        "The young person, 15, is fully aware of the risks but continues to see the adults.",
    ),
    (
        "knew-what-doing",
        "She is 13 and clearly knows what she is doing when she goes with the men.",
    ),
    ("willing", "Police view: the 15 year old was a full participant and was not coerced."),
    (
        "attention-seeking",
        "CSE worker: Ellie (14) enjoys the attention and the gifts from the older males.",
    ),
    ("going-back-to", "15yo pt keeps returning to the 30 year old's house despite advice."),
    (
        "contacting-adults",
        "the yp continues to associate with the men despite all warnings, she is 14",
    ),
    ("willing", "The 14-year-old has been staying at the suspect's address of her own volition."),
    (
        "looks-older",
        "Handover: resident (14) looks 18 with her make up on and men assume she is older.",
    ),
    ("looks-older", "The girl is 13 but has the body of an adult woman, which draws the men in."),
    ("looks-older", "She is very grown up for a 12 year old and can handle herself around men."),
    ("looks-older", "He is 14 but comes across as much older and more worldly than his peers."),
    (
        "sexualised",
        "Her provocative clothing and behaviour around the men are a concern; she is 15.",
    ),
    (
        "looks-older",
        "The 13-year-old dresses older than her years and is very confident with adult men.",
    ),
    (
        "minimising-harm",
        "The sexual contact between the 26 year old and the girl (14) was brief and minor.",
    ),
    (
        "minimising-harm",
        "MG5: the touching by D1 (35) of the 13 year old was over clothing and fleeting, so not "
        "serious.",
    ),
    (
        "minimising-harm",
        "The messages from the 40-year-old man to the 12 year old were flirty rather than sexual.",
    ),
    (
        "minimising-harm",
        "Coach (28) and the 13 year old: a bit of a crush, nothing more, dealt with informally.",
    ),
    (
        "minimising-harm",
        "The 30 year old's contact with the 15yo was a misjudgement rather than abuse.",
    ),
    ("minimising-harm", "The kissing with the 19 year old appeared harmless; she is 14."),
    (
        "credibility-history",
        "Given that she has lied about her whereabouts before, her account of the assault by the "
        "25 year old is questionable; she is 14.",
    ),
    (
        "credibility-history",
        "The 15 year old's allegation was treated with some scepticism as she has a history of "
        "running away.",
    ),
    (
        "drinking-doubt",
        "As the child (13) had taken cannabis beforehand, her recollection was not considered "
        "reliable.",
    ),
    (
        "credibility-history",
        "The girl's story has changed several times, so officers doubt what she says; she is 14.",
    ),
    (
        "credibility-history",
        "He is 15 and has made false allegations in the past, so little weight was given to his "
        "disclosure.",
    ),
    (
        "drinking-doubt",
        "Her account was not found credible because she had been drinking; she is 14.",
    ),
    (
        "credibility-history",
        "Police did not consider the 14 year old's complaint reliable, given her previous "
        "withdrawn allegations.",
    ),
    (
        "willing",
        "The 15 year old appears comfortable with the arrangement with the men, which gives her "
        "money and a place to stay.",
    ),
    (
        "lifestyle-choice",
        "She has got used to the lifestyle that comes with the older males; she is 14.",
    ),
    ("trading-sex", "The 16yo treats it as work and is paid by the men."),
    ("chose-to", "He is 15 and sees the drug running as a way to earn money, it is his choice."),
    ("willing", "She is 14 and is happy with the situation as she gets cigarettes and lifts."),
    ("boyfriend-adult", "The girl (14) has a partner of 24."),
    ("adult-relationship", "Intel: subject (15) linked romantically to a male aged 26."),
    (
        "adult-relationship",
        "She (13) is in a relationship with a man in his thirties, who her mum has met.",
    ),
    ("boyfriend-adult", "He is 15 and his girlfriend is 22."),
    ("adult-relationship", "The 14 year old is going steady with a 21 year old."),
    (
        "chose-to",
        "It is thought that the 14 year old goes to the men's house because she likes the "
        "freedom there.",
    ),
    (
        "willing",
        "It was the panel's view that Jade, 15, is not a victim but an active player in the group.",
    ),
    (
        "willing",
        "Officers formed the impression that the girl (15) was there of her own free will.",
    ),
    (
        "contacting-adults",
        "Professionals agreed the 13 year old instigates the contact with the adults.",
    ),
    (
        "recruited-working-for",
        "She is believed to be the one introducing other girls to the men; she is 14.",
    ),
    (
        "recruited-working-for",
        "The 15 year old has been encouraging her friends to come to the parties at the flat.",
    ),
    ("chose-to", "CYP 14 puts herself forward for the trips to the coast with the older males."),
    ("willing", "She is 14 and goes willingly, often arranging the lifts herself."),
    ("willing", "yp (15) happy to go w/ older males, no concerns raised by her"),
    (
        "recruited-working-for",
        "It appears he has been working for the dealers voluntarily; he is 15.",
    ),
    ("chose-to", "The girl, aged 14, took the decision to meet the man alone."),
    (
        "chose-to",
        "14 yr old male has chosen to remain involved with the gang despite offers of support.",
    ),
    ("knew-what-doing", "She knew the men were adults and still went; she is 14."),
    ("knew-what-doing", "He understood the risks and went anyway; he is 15."),
    ("knew-what-doing", "She was fully aware of what would happen at the party; she is 13."),
    ("seeking-sex", "She likes the older boys, 19 and 20, and seeks their company."),
    (
        "credibility-history",
        "The 14yo's account contains inconsistencies and she has previously made things up, so "
        "it should be approached with caution.",
    ),
    ("drinking-doubt", "It is difficult to rely on what the 15 year old says given her drug use."),
    (
        "credibility-history",
        "Her disclosure came only after she was caught lying about where she had been, which "
        "casts doubt on it; she is 14.",
    ),
    (
        "credibility-history",
        "Little credence can be given to the girl's account as she is known to fantasise; she is "
        "13.",
    ),
    (
        "drinking-doubt",
        "She was drunk at the time and so her evidence is of limited value; she is 15.",
    ),
    (
        "credibility-history",
        "Her credibility is an issue owing to her previous complaints; she is 14.",
    ),
    ("credibility-history", "The victim (14) has a history of crying rape."),
    (
        "minimising-harm",
        "The 31 yr old only sent the 13 yr old a few messages, so this is low risk.",
    ),
    ("minimising-harm", "The man (45) and the girl (12): hugging only, not sexual in nature."),
    (
        "minimising-harm",
        "Contact between the 22 year old and the 14 year old appears to have been limited to "
        "flirting.",
    ),
    (
        "minimising-harm",
        "The touching by the 27 year old of the 13 year old was described by officers as at the "
        "lower end.",
    ),
    ("lifestyle-puts-at-risk", "She is 14 and leads a chaotic lifestyle with older men."),
    ("sexually-active", "He is 15 and has a lot of sexual experience for his age."),
    ("promiscuous", "14 y/o reported to be sleeping around with adult males."),
    ("sending-images", "The 13 year old sends sexual images of herself to men for money."),
    ("promiscuous", "She has become very promiscuous since starting at the new school; she is 14."),
    ("regular-misper", "He is 14 and is a persistent runaway."),
    ("regular-misper", "She (15) is a habitual misper from care."),
    ("not-engaging", "Uncooperative 15yo, refused to speak to officers at the scene."),
    (
        "not-engaging",
        "She is 14 and was abusive and obstructive towards the police who found her with the men.",
    ),
    ("sexualised", "She is 13 and hypersexualised."),
    ("boyfriend-adult", "Her older man (30s) picks her up from school; she is 14."),
    ("boyfriend-adult", "CYP (15) & her partner (20) are expecting a baby."),
    ("boyfriend-adult", "She is 15 and has been sleeping with her 23-year-old ex."),
    ("adult-relationship", "He (14) is in a sexual relationship with a woman in her 30s."),
    ("boyfriend-adult", "She is 13 and spends weekends at her 19 year old boyfriend's house."),
    (
        "adult-relationship",
        "She (14) and the 27 year old are very close and clearly care for each other.",
    ),
    (
        "adult-relationship",
        "The 15-year-old describes the relationship as loving, and it does appear to be a "
        "genuine romance with the 24 year old.",
    ),
    ("older-boyfriend", "The 14 year old and her older lover, 29, were found in his car."),
    (
        "boyfriend-adult",
        "Intel: female (15) spends nights with her 20yo male friend with benefits.",
    ),
    (
        "adult-relationship",
        "The girl, 13, and the 35-year-old man have been sleeping together since the summer.",
    ),
    ("adult-relationship", "She (14) has moved in with the 22 year old and they share a room."),
    ("boyfriend-adult", "15 yo is the 26 y/o's missus according to intel."),
    ("adult-relationship", "He is 15 and has been hooking up with a 30-year-old woman."),
    ("adult-relationship", "The 14 year old is engaged to a man of 25."),
    (
        "boyfriend-adult",
        "Mum (39) is happy for her 14 year old to stay over at her 21 year old boyfriend's.",
    ),
    ("trading-sex", "She is 15 and makes money by meeting men from an app."),
    ("lifestyle-choice", "He (15) has chosen a criminal lifestyle."),
    ("engaging-in-prostitution", "Girl (15) escorts for a man in town."),
    ("engaging-in-prostitution", "She is 16 and works the streets near the station."),
    ("sending-images", "The 15 year old sells pictures of herself online."),
    ("trading-sex", "She is 14 and offers sexual favours in return for alcohol."),
    ("lifestyle-choice", "This is a lifestyle the 15 year old seems to have embraced."),
    ("willing", "He is 15 and it is what he wants, he likes the money."),
    ("consent", "The 14 year old was agreeable to the sexual activity with the 19 year old."),
    ("consent", "There was mutual consent between the 13 year old and the 20 year old."),
    ("willing", "She went along with it; she is 13."),
    ("willing", "She (14) didn't say no and seemed to want it."),
    ("consent", "The 15 year old gave her permission for the 21 year old to photograph her."),
    (
        "consent",
        "He is 14 and the sex with the 35 year old was consensual by his own account and ours.",
    ),
    ("sexually-active", "She is 14 and is sexually aware beyond her years."),
    ("sexually-active", "The 13-year-old is known to be sexually available to older boys."),
    ("sexually-active", "14yo girl, has had numerous sexual partners."),
    ("promiscuous", "She is 15 and has a reputation around the estate."),
    ("sexually-active", "The 14 year old boy is known to be gay and sleeps with older men."),
    ("risky-behaviour", "She (14) is a risk-taker who goes off with adults."),
    (
        "putting-self-at-risk",
        "He is 13 and continues to place himself in dangerous situations with adults.",
    ),
    (
        "risky-behaviour",
        "The 15-year-old's risk-taking is escalating: drinking, staying out, adult males.",
    ),
    (
        "putting-self-at-risk",
        "Child (14) is putting herself in harm's way by meeting men she met online.",
    ),
    ("responsible-for-abuse", "She is 14 and does not help herself by going to the flat."),
    ("responsible-for-abuse", "He is 15 and is his own worst enemy."),
    ("out-of-control", "She (13) is a wild child who can't be controlled."),
    ("out-of-control", "He (14) is beyond control and has no boundaries."),
    ("willing", "She is 14 and likes to party with the older crowd."),
    ("knew-what-doing", "The yp (15) is very much in charge of her own contact with the men."),
    (
        "knew-what-doing",
        "He (14) thinks he is in control and knows what he is doing with the olders.",
    ),
    ("sexually-active", "She is 13, sexually confident and flirts with adult men."),
    (
        "attention-seeking",
        "The 15 year old appears unconcerned about the risks and enjoys the attention from the "
        "men.",
    ),
    ("chose-to", "It was the 14 year old who suggested going back to the 27 year old's flat."),
    ("willing", "The 13 year old was a keen participant in the activities at the party."),
    ("adult-relationship", "The 14 year old is in a relationship of sorts with a 21 year old."),
    ("boyfriend-adult", "She is 15 and is the 30 year old's girlfriend."),
    ("trading-sex", "He is 15 and is being paid for sex by older men."),
    ("trading-sex", "The 15 year old girl frequently has sex with men for money."),
    ("putting-self-at-risk", "14 y/o continues to put self at risk with adult males."),
    ("regular-misper", "He is 13 and keeps absconding to the older lads in the park."),
    ("drinking-doubt", "She is 14 and was drunk, which does not help her credibility."),
    ("credibility-history", "She is a liar and a fantasist; she is 14."),
    (
        "knew-what-doing",
        "Child (14) frequents the takeaway where the men congregate, despite being warned.",
    ),
    (
        "putting-self-at-risk",
        "It is felt the 15 year old is placing herself in situations where she can be exploited.",
    ),
    (
        "contacting-adults",
        "She is 14 and appears to be choosing to spend time with the adults over her family.",
    ),
    ("seeking-sex", "The 13 year old appears to prefer the company of the older males."),
    ("boyfriend-adult", "She (15) is said to be the girlfriend of one of the men, aged 28."),
    ("adult-relationship", "The male she is seeing is 26; she is 15."),
    ("boyfriend-adult", "yp's bf (24) collected her from school again"),
    (
        "poor-choices",
        "It was agreed by the panel that the girl (14) is making choices that place her at risk.",
    ),
    ("responsible-for-abuse", "The child's own actions led to her being exploited; she is 15."),
    (
        "responsible-for-abuse",
        "She is 15 and was out drinking with adult men, so she must take some responsibility.",
    ),
    ("streetwise", "The 13 year old is streetwise and knows how to play the system."),
    ("credibility-history", "He is 14 and is manipulative, using the men to get what he wants."),
    ("trading-sex", "She is 15 and is using the older men for lifts, food and cigarettes."),
    ("sexualised", "The girl (14) was flirting with the 30 year old driver."),
    (
        "going-back-to",
        "The boy (13) kept going to the man's house to play computer games and get money.",
    ),
    ("chose-to", "She (15) chooses to go missing to be with the adults."),
    (
        "knew-what-doing",
        "She has been warned many times about the men but still goes; she is 14.",
    ),
    ("trading-sex", "He is 15 and gets money from the older boys for running drugs."),
    ("trading-sex", "She is 14 and receives money from the men for sex."),
    ("responsible-for-abuse", "She was 13 and had lied about her age, telling the men she was 16."),
    (
        "adult-relationship",
        "The adult male, 24, and the girl (15) were found in bed together at his flat.",
    ),
    (
        "adult-relationship",
        "The 14-year-old is very attached to the 30-year-old and would do anything for him.",
    ),
]


@pytest.mark.parametrize(("concept", "sentence"), FOUND)
def test_a_mechanism_finds_its_concept(concept: str, sentence: str) -> None:
    assert concept in blocking(sentence)


# Hard negatives with the same words: quotes, speakers, negation, adults, the recommended
# wording, protective plans.
NOT_FOUND = [
    "The patient (14) reports that the 24 year old is her boyfriend.",
    "The complainant told officers she went with the men willingly; she is 14 and could not "
    "consent.",
    "Defence counsel argued that the 15 year old was sexually experienced.",
    "Caller (13) says she chose to go to the party.",
    "The co-accused, 20, maintains the girl was his girlfriend.",
    "The sexual contact between the 26 year old and the girl (14) was serious and sustained.",
    "Police considered the 14 year old's account credible and consistent.",
    "Her account was found credible despite her having been drinking; she is 14.",
    "If the men stopped contacting her, the exploitation would end; she is 14.",
    "If police stopped the car, the risk would reduce.",
    "The girl (14) chose to travel home with her mum.",
    "Her decision to disclose to her teacher was brave; she is 14.",
    "His decision to go to the police was supported by his carer; he is 15.",
    "The 14-year-old is an active participant in lessons and school clubs.",
    "She is an active member of the youth club's drama group; she is 13.",
    "The boy (15) is showing harmful sexual behaviour towards younger children.",
    "Female 1 and Female 2 were both aged 15.",
    "Adult male 34 and his girlfriend 31 were stopped in the car.",
    "Pt 28 attended with her partner 30.",
    "Youth club: Year 9 pupils presented as confident during the session.",
    "The 14-year-old girl was found with older men and is being sexually exploited.",
    "It was only after the men were arrested that she felt safe; she is 14.",
    "She has settled into her new foster placement well; she is 14.",
    "She is comfortable with the arrangement for contact with her father; she is 13.",
    "The patient presents as 16, her stated age.",
    "The 14 year old told police she went with the men willingly.",
    "Her mum says the 14 year old is out of control.",
    "The man (45) hugged the girl (12) and then sexually assaulted her.",
    "She is 14 and is being exploited by adults who give her drugs.",
    "She is 15 and has been let down by services many times.",
    "Nobody should describe the 14 year old as promiscuous.",
    "She (15) is not a habitual misper; each episode is a sign of exploitation.",
    "Her account, given when sober, has been consistent; she is 14.",
    "The defence will argue that she consented, but she was 13.",
    "Pt 34 and her partner 36 attended for STI screening.",
    "The 15 year old was groomed by a man of 30 who presented himself as her boyfriend.",
    "The 14 year old's boyfriend, 15, is also at the school.",
    "She has not been drinking and gave a clear account; she is 14.",
    "Officers were not reluctant to proceed despite her history; she is 14.",
    "Adults are putting the 14 year old at risk by giving her drugs.",
    "The 15 year old is at risk from the men who target her.",
    "She (14) told her mum that the men are her friends.",
    "The 14 year old has been sexually exploited by men who paid her in alcohol.",
    "The men offered the 15 year old money in exchange for sex.",
    "The 13 year old could not consent to sexual activity with the 20 year old.",
    "Mum (39) and her boyfriend (41) have been together for two years.",
    "Staff were aware the 14 year old was at risk; she was groomed, not choosing.",
    "The 14 year old is a victim of exploitation and is not to blame.",
    "She is 15 and chose a course at college in hair and beauty.",
    "He is 15; it is not a lifestyle choice, he is being criminally exploited.",
    'Training: phrases like "sexually aware" and "his own worst enemy" blame the child.',
    "The 15 year old has a good relationship with her social worker.",
    "The 14-year-old's sister, 22, has a new boyfriend.",
    "The men made the 14 year old feel she was a full participant; she was groomed.",
    "He is 15 and was coerced into carrying drugs by the older males.",
    "Police will not proceed without her consent to the interview; she is 14.",
    "The CPS were reluctant to proceed because the suspect had left the country.",
    "The nurse was cautious in how she approached the 14 year old.",
    "She is 14 and presents as anxious and withdrawn.",
    "Presents as 15, in keeping with her age.",
    "He is 14 and is a member of the youth club's football team.",
    "Her decision to go to college is supported by her carers; she is 16.",
    "The boy's choice to stay with his grandmother was respected; he is 13.",
    "The exploitation would stop if the men were arrested.",
    "If the adults stopped supplying her with drugs the risk would reduce; she is 14.",
    "The 14 year old's drug use is a sign of exploitation and the men supply it.",
    "Given her age, 14, her account was treated as credible.",
    "The two 15 year olds have been sleeping together; there are no concerns about exploitation.",
    "Mum (35) and her partner (37) have moved in together.",
    "The 14-year-old's sexual behaviour is a sign she may have been abused and needs assessment.",
    "Concerns were raised about harmful sexual behaviour by the 14 year old towards a younger "
    "child.",
    "Nobody forced the school to exclude her.",
    "The 15yo was only 15 when the 30 year old began messaging her.",
    "The adult male, 30, only stopped messaging the 13 year old when police intervened.",
    "Mum says she only kissed him once; the child is 13, the man is 25.",
    "It is not her fault, she was 14 and he was 31.",
    "She is 14; the men pursued her relentlessly.",
    "The contact between the 14 year old and her father was brief and minor in content.",
    "She was limited to supervised contact with her mother; she is 14.",
    "Contact only, no concerns, the 14 year old was seen with her mum.",
    "Staff were hostile to the idea of a move; the 14 year old is settled.",
    "She is 15 and has a reputation at school as a hard worker.",
    "His decision to leave the gang was brave; he is 15.",
    "She presents as a woman in her thirties who is the mother of the 14 year old.",
    "Pt 16 presents as 16.",
    "She is 14 and the men told her to lie about her age.",
    "The 14 year old is being exploited by the men at the takeaway.",
    "She told police that she chose to go; she is 14.",
    "The 15 year old has no choice about going; the men threaten her.",
    "She is 14 and attends the youth club where older volunteers help.",
    "Her mother, 41, and her mother's boyfriend, 45, attended the meeting about the 14 year old.",
    "The 14 year old's older sister (19) and her boyfriend (21) are supportive.",
    "The 14 year old believes the 25 year old is her boyfriend; this is grooming.",
]


@pytest.mark.parametrize("sentence", NOT_FOUND)
def test_no_false_alarm(sentence: str) -> None:
    assert blocking(sentence) == []


@pytest.mark.parametrize(
    ("sentence", "speaker"),
    [
        ("Pt (14) states her boyfriend is 27 and kind to her.", "Pt (14) states"),
        ("The co-accused (21) claims the 15 year old consented.", "co-accused (21) claims"),
        ("Caller 13 says the man, 40, is her boyfriend.", "Caller 13 says"),
        (
            "Defence counsel will suggest that the girl, 14, was sexually experienced.",
            "Defence counsel will suggest that",
        ),
    ],
)
def test_speakers_with_their_age_report_evidence(sentence: str, speaker: str) -> None:
    found = check(sentence)
    assert found
    assert all(f.severity == "info" for f in found)
    assert any(speaker in f.context for f in found)


@pytest.mark.parametrize(
    ("sentence", "said"),
    [
        ("pt 14 seen in A&E with partner 26", [14, 26]),
        ("juv 15 detained, DP 31 released", [15, 31]),
        ("The girl (14) has a partner of 24.", [14, 24]),
        # Labels are one digit ("Female 1", "Suspect 2"), and times and dates are no ages.
        ("Female 1 and Suspect 2 left at 14:30.", []),
        ("Male 20/04 sighting", []),
    ],
)
def test_a_bare_age_after_a_person_word(sentence: str, said: list[int]) -> None:
    assert sorted(ages(sentence)) == said


def test_two_adults_given_bare_ages_are_adults() -> None:
    who = of_sentence("adult female 26 and her boyfriend 29 stopped in the car")
    assert who.adults_only


def test_a_section_named_as_a_charge_is_not_a_citation() -> None:
    text = "The 14 year old consented, so a s.9 charge is more realistic than rape."
    assert blocking(text) == ["consent"]
    assert blocking("The s.9 offence is committed whether or not the child consented.") == []


def test_presenting_as_an_adult_age_needs_an_adult_age() -> None:
    assert blocking("Pt 14 but presents as 19.") == ["looks-older"]
    assert blocking("Pt 14, presents as 14, calm and alert.") == []
