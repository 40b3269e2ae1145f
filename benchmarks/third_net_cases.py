"""The cases of the third networks generator: offender groups and the look-alikes beside them.

Each case is written as **episodes**: one thing that happened, as one agency came to
know it (a child missing and found, a disclosure, a strategy meeting, an intelligence
report, an arrest). ``third_networks.py`` turns an episode into an event of the agency's
submission, naming people the way that agency names them. Sources of each pattern:

- **Street grooming** (Jay 2014, Rotherham, §5; Casey 2015; Oldham 2022 review; Telford
  2022 inquiry, ch. 4): a core of two or three men and a wider ring who meet children
  in takeaways and at taxi ranks, drive them to flats and hotels, give them phones,
  alcohol and lifts; each child knows the core and a few others, often by a nickname.
  The children go missing repeatedly (the missing episode is the first record, Jay §5.4),
  are seen by school getting into cars (registration noted), attend sexual health
  clinics and A&E, are referred to children's social care and discussed at strategy
  meetings; a disclosure becomes a crime naming one to three men; some are arrested,
  a few charged (IICSA 2022, Part C: few prosecutions, outcome "evidential difficulties").
  Police serve child abduction warning notices on men found with a child (Jay §5.6).
- **Hotel / party house** (IICSA 2022, Part B.3; Oldham review ch. 6): children taken
  to one flat or hotel where several men come; one police attendance names several men
  and children together, and children's social care and the hospital record the same
  night (one incident, several agencies).
- **Recruiting through victims** (Home Office 2020, "Group-based CSE: characteristics of
  offending", §3; Telford ch. 4): an older child is coerced into bringing friends; she is
  recorded as "facilitator" in a friend's record though she is a victim (she is not a
  member of the group's truth).
- **Two force areas** (IICSA 2022, Part C.2; Rochdale / Oldham: children moved between
  towns): the men live in one force area and the children in another; each force holds
  half the story.
- **Known only to partners** (Ofsted / HMICFRS / CQC / HMI Probation joint targeted area
  inspections, "Time to listen" 2016: information held by health, schools and charities
  not shared with police): no police record names the men; a charity's CSE project,
  children's social care and a sexual health clinic do.
- **Online first** (Home Office 2020, §3: contact through social media and phones):
  the first contact is a social-media handle or a phone number recorded in the child's
  record; the men are named later, seldom in full.
- **Overlapping groups** (IICSA 2022, Part B.2: loose networks, men who offend with more
  than one group): two groups share one man.

Negatives, which a good method must not call a network:

- **A lone offender with several victims** (Home Office 2020, §2: most CSE is not by
  groups): one man named in the records of several children.
- **A busy place**: a takeaway, a taxi rank or a hotel where unrelated incidents name
  unrelated adults (and where a group may also meet children: the place alone proves
  nothing).
- **Family and professionals in children's records** (Working Together 2023: referrals
  name parents and carers; a youth worker or teacher reports or attends meetings).
- **Peer groups of children** named together in anti-social behaviour and in each
  other's missing episodes (Contextual Safeguarding, Firmin 2017).
- **Adults charged together for crime that is not CSE** (drug supply, burglary): the
  co-offending network of ordinary criminal records.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from third_habits import postcode_for
from third_persons import AREAS, STREETS, TODAY, Person, World

# Street names: the IICSA and Rochdale reports note men known to children only by a
# nickname or an anglicised name ("Bobby", "Danny").
# fmt: off
STREET_NAMES = (
    "Tiger", "Boss", "Bash", "Saj", "Kaz", "Taz", "Chief", "Mo", "Smokey", "Lucky",
    "Shorty", "Big Man", "Baba", "Jay", "Ricky", "Romeo", "Bobby", "Danny", "Sunny",
    "Kingy", "Blue", "Ginge", "Skinny", "Daddy", "Mickey", "Dee", "Sonny", "Tony", "Shaggy",
    "Ace", "Dodge", "Flash", "Bubba", "Nas", "Rocky", "Hass", "Sid", "Poppy", "Pops",
    "Uncle", "Boxer", "Bigz", "Chops", "Prince", "Raz", "Junior", "Mac", "Legend",
)
# fmt: on
HANDLES = ("snap", "insta", "wa", "kik")
PLACE_NAMES = {
    "takeaway": (
        "Pizza Express Grill",
        "Chicken Cottage",
        "Kebab House",
        "Ali Baba's",
        "Golden Fry",
        "Perfect Pizza",
        "Dixy Corner",
    ),
    "hotel": (
        "Premier Stay",
        "Station Hotel",
        "Travel Rest",
        "The Grange Hotel",
        "City Lodge",
        "Motorway Inn",
    ),
    "residential": ("", ""),
    "car_park": ("Retail park car park", "Multi-storey car park", "Leisure centre car park"),
    "other": ("Taxi rank, bus station", "Taxi rank, High Street", "Snooker hall"),
    "licensed_premises": ("The Crown", "The Red Lion", "Shisha lounge"),
    "park": ("Recreation ground", "Park, bandstand"),
}
VEHICLES = (
    "silver Vauxhall Astra",
    "black BMW 3 Series",
    "white Toyota Prius",
    "grey Skoda Octavia",
    "red Ford Fiesta",
    "blue VW Golf",
    "black Audi A3",
    "white Mercedes Vito van",
    "silver Toyota Avensis",
)
PLATE_LETTERS = "ABCDEFGHJKLMNOPRSTUVWXYZ"


@dataclass
class Place:
    pid: str
    kind: str
    name: str
    street: str
    number: int
    town: str
    postcode: str
    area: str


@dataclass
class Thing:
    tid: str
    kind: str  # phone, vehicle, online_account
    value: str
    description: str = ""


@dataclass
class Named:
    """A person in an episode: their role and how far they are identified."""

    person: Person
    role: str
    # full, first, nick, handle (an online account only), vehicle (a car only)
    naming: str = "full"


@dataclass
class Episode:
    case: str
    agency: str  # police, csc, health, education, charity, youth_justice
    area: str
    event_type: str
    when: date
    people: list[Named]
    place: Place | None = None
    offence: str = ""
    cse: bool = False
    things: list[tuple[Person, Thing, str]] = field(default_factory=list)  # who, what, how
    seen: list[Thing] = field(default_factory=list)  # a car or handle seen, owner unnamed
    follows: Episode | None = None  # an arrest or charge follows its crime
    outcome: str = ""
    note: str = ""


@dataclass
class Case:
    case_id: str
    kind: str  # a group pattern, or a negative: lone, busy_place, family, ...
    members: list[Person]
    victims: list[Person]
    is_group: bool
    episodes: list[Episode] = field(default_factory=list)
    shares_with: str = ""  # a group this one shares a man with


@dataclass
class Cast:
    """Who is still free to be drawn into a case, by area."""

    rng: random.Random
    world: World
    used: set[str] = field(default_factory=set)
    places: list[Place] = field(default_factory=list)
    things: int = 0
    nicknames: dict[str, str] = field(default_factory=dict)

    def _pick(
        self,
        area: str,
        want: Callable[[Person], bool],
        n: int,
        weight: Callable[[Person], float] | None = None,
    ) -> list[Person]:
        pool = [p for p in self.world.people if p.tid not in self.used and want(p)]
        local = [p for p in pool if p.address.area == area] or pool
        chosen: list[Person] = []
        while local and len(chosen) < n:
            w = [weight(p) if weight else 1.0 for p in local]
            p = self.rng.choices(local, weights=w)[0]
            local.remove(p)
            chosen.append(p)
            self.used.add(p.tid)
        return chosen

    def men(self, area: str, n: int, lo: int = 18, hi: int = 60) -> list[Person]:
        return self._pick(area, lambda p: p.sex == "male" and lo <= p.age <= hi, n)

    def women(self, area: str, n: int) -> list[Person]:
        return self._pick(area, lambda p: p.sex == "female" and 20 <= p.age <= 50, n)

    def children(self, area: str, n: int, lo: int = 12, hi: int = 17) -> list[Person]:
        # Girls are most victims (Home Office 2020, §2), boys some; children in care are
        # over-represented (Jay §5.3; IICSA 2022, Part B).
        return self._pick(
            area,
            lambda p: lo <= p.age <= hi and p.role == "child",
            n,
            weight=lambda p: (6.0 if p.sex == "female" else 1.0) * (3.0 if p.in_care else 1.0),
        )

    def place(self, area: str, kind: str) -> Place:
        town, outwards = AREAS[area][self.rng.randrange(len(AREAS[area]))]
        names = PLACE_NAMES[kind]
        pl = Place(
            f"P{len(self.places):04d}",
            kind,
            self.rng.choice(names),
            self.rng.choice(STREETS),
            self.rng.randrange(1, 200),
            town,
            postcode_for(self.rng, self.rng.choice(outwards)),
            area,
        )
        self.places.append(pl)
        return pl

    def vehicle(self) -> Thing:
        self.things += 1
        r = self.rng
        plate = (
            f"{r.choice(PLATE_LETTERS)}{r.choice(PLATE_LETTERS)}{r.randrange(51, 75)} "
            f"{''.join(r.choice(PLATE_LETTERS) for _ in range(3))}"
        )
        return Thing(f"V{self.things:05d}", "vehicle", plate, r.choice(VEHICLES))

    def phone(self, p: Person) -> Thing:
        self.things += 1
        number = p.phone or f"07700 900{self.rng.randrange(1000):03d}"
        p.phone = number
        return Thing(f"T{self.things:05d}", "phone", number)

    def handle(self, p: Person) -> Thing:
        self.things += 1
        base = (self.nick(p) or p.forename).lower().replace(" ", "")
        value = f"{base}{self.rng.randrange(10, 99)}_{self.rng.choice(HANDLES)}"
        return Thing(f"H{self.things:05d}", "online_account", value, "social media")

    def nick(self, p: Person) -> str:
        if p.tid not in self.nicknames:
            r = self.rng.random()
            self.nicknames[p.tid] = (
                self.rng.choice(STREET_NAMES) if r < 0.55 else (p.known_as or "")
            )
        return self.nicknames[p.tid]


def _day(rng: random.Random, start: date, span: int) -> date:
    return min(TODAY - timedelta(days=1), start + timedelta(days=rng.randrange(0, max(span, 1))))


CSE_OFFENCES = (
    "Sexual activity with a child",
    "Causing or inciting a child to engage in sexual activity",
    "Meeting a child following sexual grooming",
    "Arranging or facilitating a child sex offence",
    "Paying for the sexual services of a child",
    "Child abduction",
)
OTHER_OFFENCES = (
    "Supply of a controlled drug (class A)",
    "Burglary (dwelling)",
    "Theft of motor vehicle",
    "Possession with intent to supply (class B)",
    "Handling stolen goods",
)
PLACE_OFFENCES = (
    "Common assault",
    "Public order offence",
    "Theft from shop",
    "Criminal damage",
    "Making off without payment",
)


@dataclass
class Plan:
    """What a group pattern looks like (sizes, places, which agencies know)."""

    pattern: str
    men: tuple[int, int]
    children: tuple[int, int]
    places: tuple[str, ...]
    police: bool = True
    two_areas: bool = False
    online: bool = False
    recruiter: bool = False
    party: bool = False


PLANS = {
    "street_grooming": Plan(
        "street_grooming", (4, 9), (3, 7), ("takeaway", "residential", "other", "car_park")
    ),
    "party_house": Plan("party_house", (4, 8), (2, 5), ("residential", "hotel"), party=True),
    "recruited": Plan("recruited", (3, 6), (3, 6), ("takeaway", "residential"), recruiter=True),
    "two_areas": Plan("two_areas", (3, 7), (2, 5), ("hotel", "residential"), two_areas=True),
    "partner_only": Plan("partner_only", (3, 5), (2, 4), ("takeaway", "residential"), police=False),
    "online_first": Plan("online_first", (2, 5), (2, 5), ("hotel", "car_park"), online=True),
}


def group_case(cast: Cast, gid: str, plan: Plan, areas: list[str], share: Person | None) -> Case:
    rng = cast.rng
    # Partners submit from the main area only (``third_persons._source_set``): a group
    # known only to partners lives there.
    home = areas[0] if not plan.police or rng.random() < 0.7 else rng.choice(areas)
    child_area = home
    if plan.two_areas and len(areas) > 1:  # the men in one force area, the children in another
        child_area = rng.choice([a for a in areas if a != home])
    n_men = rng.randint(*plan.men)
    men = cast.men(home, n_men - (1 if share else 0))
    if share is not None:
        men.insert(rng.randrange(len(men) + 1), share)
    if rng.random() < 0.2:  # a woman who runs the flat (Oldham review, Telford ch. 4)
        men += cast.women(home, 1)
    kids = cast.children(child_area, rng.randint(*plan.children))
    case = Case(gid, plan.pattern, men, kids, True)
    start = TODAY - timedelta(days=rng.randrange(300, 2000))
    span = rng.randrange(200, 700)
    places = [cast.place(home if k != "hotel" else rng.choice(areas), k) for k in plan.places]
    core = men[: rng.choice((1, 2, 2, 3))]
    cars = {m.tid: cast.vehicle() for m in men if rng.random() < 0.5}
    # The recruiter is an older child (Home Office 2020, §3: older victims made to bring
    # younger friends).
    recruiter = min(kids, key=lambda k: k.dob) if plan.recruiter and len(kids) > 2 else None
    for k in kids:
        known = core + rng.sample(men[len(core) :], k=min(len(men) - len(core), rng.randint(1, 3)))
        _child_story(
            cast, case, k, known, places, cars, start, span, plan, child_area, home, recruiter
        )
    if plan.party:
        _party_night(cast, case, kids, men, places[0], start, span, home)
    if plan.police:
        _intelligence(cast, case, men, cars, places, start, span, home)
    return case


def _agency_set(plan: Plan) -> tuple[str, ...]:
    if plan.police:
        return ("police", "police", "police", "csc", "health", "education", "charity")
    return ("csc", "csc", "health", "charity", "charity", "education")


def _naming(rng: random.Random, agency: str, event_type: str) -> str:
    """How an agency names a man a child talks about (Jay §5; IICSA 2022, Part C.3)."""
    if agency == "police" and event_type in ("crime", "arrest", "charge"):
        w = {"full": 0.8, "first": 0.1, "nick": 0.1}
    elif agency == "police":
        w = {"full": 0.3, "first": 0.25, "nick": 0.35, "vehicle": 0.1}
    elif agency == "csc":
        w = {"full": 0.25, "first": 0.35, "nick": 0.3, "vehicle": 0.1}
    elif agency == "health":
        w = {"full": 0.15, "first": 0.55, "nick": 0.3}
    elif agency == "education":
        w = {"first": 0.3, "nick": 0.2, "vehicle": 0.5}
    else:
        w = {"full": 0.1, "first": 0.4, "nick": 0.5}
    return rng.choices(list(w), weights=list(w.values()))[0]


def _child_story(
    cast: Cast,
    case: Case,
    child: Person,
    known: list[Person],
    places: list[Place],
    cars: dict[str, Thing],
    start: date,
    span: int,
    plan: Plan,
    child_area: str,
    men_area: str,
    recruiter: Person | None,
) -> None:
    rng = cast.rng
    agencies = _agency_set(plan)
    for _ in range(rng.randint(3, 8)):
        agency = rng.choice(agencies)
        area = child_area
        event_type = {
            "police": rng.choice(
                ("missing_episode", "missing_episode", "crime", "intelligence", "incident")
            ),
            "csc": rng.choice(("referral", "strategy_meeting", "strategy_meeting")),
            "health": "health_attendance",
            "education": "education_concern",
            "charity": "referral",
        }[agency]
        if agency == "police" and plan.two_areas and rng.random() < 0.5:
            area = men_area  # found in the other force's area
        named = rng.sample(known, k=min(len(known), rng.choice((0, 1, 1, 2, 2, 3))))
        if event_type == "crime" and not named:
            named = [known[0]]
        if agency in ("health", "education"):
            named = named[:1]  # a clinic or a school notes one "boyfriend", not a ring
        # "man": the role the partner's system gives a named man (``third_networks.Habits``).
        role = "suspect" if agency == "police" else "man"
        if agency == "police" and event_type in ("missing_episode", "incident"):
            role = "associate"
        child_role = {
            "missing_episode": "missing_person",
            "crime": "victim",
            "intelligence": "victim",
            "incident": "victim",
        }.get(event_type, "subject")
        people = [Named(child, child_role)]
        seen: list[Thing] = []
        for m in named:
            how = _naming(rng, agency, event_type)
            if plan.online and rng.random() < 0.4:
                how = "handle"
            if how == "vehicle":
                if m.tid in cars:
                    seen.append(cars[m.tid])
                continue
            if how == "handle":
                seen.append(cast.handle(m))
                continue
            people.append(Named(m, role, how))
        if recruiter is not None and recruiter is not child and rng.random() < 0.35:
            people.append(Named(recruiter, "facilitator" if agency == "police" else "associate"))
        place = rng.choice(places) if rng.random() < 0.7 else None
        ep = Episode(
            case.case_id,
            agency,
            area,
            event_type,
            _day(rng, start, span),
            people,
            place,
            rng.choice(CSE_OFFENCES) if event_type == "crime" else "",
            cse=True,
            seen=seen,
        )
        case.episodes.append(ep)
        if event_type == "crime" and rng.random() < 0.4:
            _arrest(cast, case, ep, [n.person for n in people[1:] if n.role == "suspect"])
        elif event_type == "crime":
            ep.outcome = rng.choice(("15", "16", "14", "18"))
        if agency == "police" and event_type == "missing_episode" and named and rng.random() < 0.3:
            # A child abduction warning notice served on a man found with the child.
            m = named[0]
            case.episodes.append(
                Episode(
                    case.case_id,
                    "police",
                    area,
                    "other",
                    ep.when,
                    [Named(child, "victim"), Named(m, "suspect", "full")],
                    None,
                    cse=True,
                    note="Child abduction warning notice served",
                )
            )


def _arrest(cast: Cast, case: Case, crime: Episode, suspects: list[Person]) -> None:
    rng = cast.rng
    if not suspects:
        crime.outcome = "18"
        return
    when = crime.when + timedelta(days=rng.randrange(1, 60))
    arrest = Episode(
        case.case_id,
        "police",
        crime.area,
        "arrest",
        min(when, TODAY),
        [Named(s, "suspect", "full") for s in suspects],
        crime.place,
        crime.offence,
        True,
        follows=crime,
    )
    case.episodes.append(arrest)
    if rng.random() < 0.35:
        charged = [s for s in suspects if rng.random() < 0.7] or suspects[:1]
        crime.outcome = "1"
        case.episodes.append(
            Episode(
                case.case_id,
                "police",
                crime.area,
                "charge",
                min(when + timedelta(days=rng.randrange(1, 200)), TODAY),
                [Named(s, "offender", "full") for s in charged],
                None,
                crime.offence,
                True,
                follows=crime,
            )
        )
    else:
        crime.outcome = rng.choice(("15", "16"))


def _party_night(
    cast: Cast,
    case: Case,
    kids: list[Person],
    men: list[Person],
    place: Place,
    start: date,
    span: int,
    area: str,
) -> None:
    """Police attend a flat or hotel; the same night is recorded by several agencies."""
    rng = cast.rng
    when = _day(rng, start, span)
    there = rng.sample(men, k=min(len(men), rng.randint(2, 4)))
    children = rng.sample(kids, k=min(len(kids), rng.randint(1, 3)))
    people = [Named(k, "victim") for k in children]
    people += [Named(m, "suspect", rng.choice(("full", "full", "first"))) for m in there]
    case.episodes.append(
        Episode(
            case.case_id,
            "police",
            area,
            "incident",
            when,
            people,
            place,
            cse=True,
            note="Police attended; children found with adults",
        )
    )
    csc = [Named(k, "subject") for k in children]
    csc += [Named(m, "man", _naming(rng, "csc", "strategy_meeting")) for m in there]
    case.episodes.append(
        Episode(
            case.case_id,
            "csc",
            area,
            "strategy_meeting",
            when + timedelta(days=rng.randrange(1, 5)),
            [n for n in csc if n.naming != "vehicle"],
            place,
            cse=True,
        )
    )
    if rng.random() < 0.6:
        case.episodes.append(
            Episode(
                case.case_id,
                "health",
                area,
                "health_attendance",
                when,
                [Named(children[0], "subject")],
                None,
                cse=True,
            )
        )


def _intelligence(
    cast: Cast,
    case: Case,
    men: list[Person],
    cars: dict[str, Thing],
    places: list[Place],
    start: date,
    span: int,
    area: str,
) -> None:
    """Police intelligence on the men: who drives which car, who uses which phone, who
    frequents the takeaway (the registered keeper, a phone in a seized handset)."""
    rng = cast.rng
    for m in men:
        if rng.random() < 0.45:
            things: list[tuple[Person, Thing, str]] = []
            if m.tid in cars:
                things.append((m, cars[m.tid], "uses"))
            if rng.random() < 0.6:
                things.append((m, cast.phone(m), "uses"))
            others = [o for o in men if o is not m]
            people = [Named(m, "suspect", rng.choice(("full", "full", "nick")))]
            if others and rng.random() < 0.5:
                people.append(Named(rng.choice(others), "associate", "full"))
            case.episodes.append(
                Episode(
                    case.case_id,
                    "police",
                    area,
                    "intelligence",
                    _day(rng, start, span),
                    people,
                    rng.choice(places) if rng.random() < 0.5 else None,
                    cse=True,
                    things=things,
                )
            )


# ---- negatives -------------------------------------------------------------------------


def lone_case(cast: Cast, cid: str, area: str) -> Case:
    rng = cast.rng
    man = cast.men(area, 1, 25, 60)
    kids = cast.children(area, rng.randint(2, 4))
    case = Case(cid, "lone", man, kids, False)
    start = TODAY - timedelta(days=rng.randrange(300, 1500))
    place = cast.place(area, rng.choice(("residential", "takeaway")))
    car = cast.vehicle() if rng.random() < 0.5 else None
    for k in kids:
        for _ in range(rng.randint(2, 4)):
            agency = rng.choice(("police", "police", "csc", "health", "charity"))
            et = {
                "police": rng.choice(("crime", "missing_episode", "intelligence")),
                "csc": "strategy_meeting",
                "health": "health_attendance",
                "charity": "referral",
            }[agency]
            how = _naming(rng, agency, et)
            people = [Named(k, "victim" if agency == "police" else "subject")]
            seen = []
            if how == "vehicle":
                seen = [car] if car else []
            else:
                people.append(Named(man[0], "suspect" if agency == "police" else "man", how))
            case.episodes.append(
                Episode(
                    cid,
                    agency,
                    area,
                    et,
                    _day(rng, start, 600),
                    people,
                    place if rng.random() < 0.6 else None,
                    rng.choice(CSE_OFFENCES) if et == "crime" else "",
                    True,
                    seen=seen,
                )
            )
    return case


def busy_place_case(cast: Cast, cid: str, area: str, place: Place) -> Case:
    """Unrelated incidents at one takeaway or taxi rank, each naming its own adults."""
    rng = cast.rng
    adults = cast.men(area, rng.randint(5, 10)) + cast.women(area, rng.randint(0, 2))
    case = Case(cid, "busy_place", adults, [], False)
    for a in adults:
        people = [Named(a, rng.choice(("suspect", "suspect", "witness", "victim")))]
        case.episodes.append(
            Episode(
                cid,
                "police",
                area,
                rng.choice(("crime", "incident")),
                _day(rng, TODAY - timedelta(days=1500), 1450),
                people,
                place,
                rng.choice(PLACE_OFFENCES),
            )
        )
    return case


def family_case(cast: Cast, cid: str, area: str, child: Person, family: list[Person]) -> Case:
    """A referral and a meeting about a child, naming parents and a professional."""
    rng = cast.rng
    named = [Named(f, "family") for f in family]
    if rng.random() < 0.3:  # a parent's new partner, known to the social worker by a first name
        partner = cast.men(area, 1, 20, 55)
        family = family + partner
        named += [Named(p, "family", "first") for p in partner]
    case = Case(cid, "family", family, [child], False)
    when = _day(rng, TODAY - timedelta(days=1500), 1450)
    for et in ("referral", "strategy_meeting")[: rng.randint(1, 2)]:
        people = [Named(child, "subject"), *named]
        case.episodes.append(Episode(cid, "csc", area, et, when, people))
        when += timedelta(days=rng.randrange(3, 30))
    return case


def professional_case(cast: Cast, cid: str, area: str) -> Case:
    """A youth worker or teacher who reports on, or attends meetings about, many children."""
    rng = cast.rng
    worker = cast._pick(area, lambda p: 25 <= p.age <= 60 and p.role != "child", 1)
    kids = cast.children(area, rng.randint(3, 6), 11, 17)
    case = Case(cid, "professional", worker, kids, False)
    for k in kids:
        agency = rng.choice(("csc", "education", "charity"))
        et = {"csc": "strategy_meeting", "education": "education_concern", "charity": "referral"}[
            agency
        ]
        role = rng.choice(("reporting_person", "associate", "witness"))
        case.episodes.append(
            Episode(
                cid,
                agency,
                area,
                et,
                _day(rng, TODAY - timedelta(days=1200), 1150),
                [Named(k, "subject"), Named(worker[0], role)],
                cse=True,
            )
        )
    return case


def peer_case(cast: Cast, cid: str, area: str) -> Case:
    """Children named together in anti-social behaviour and each other's missing episodes."""
    rng = cast.rng
    kids = cast._pick(area, lambda p: 13 <= p.age <= 17 and p.role == "child", rng.randint(3, 6))
    case = Case(cid, "peer_group", kids, [], False)
    start = TODAY - timedelta(days=rng.randrange(200, 900))
    park = cast.place(area, "park")
    for _ in range(rng.randint(3, 6)):
        there = rng.sample(kids, k=min(len(kids), rng.randint(2, 4)))
        if rng.random() < 0.5:
            people = [Named(k, "suspect") for k in there]
            case.episodes.append(
                Episode(
                    cid,
                    "police",
                    area,
                    "incident",
                    _day(rng, start, 300),
                    people,
                    park,
                    "Anti-social behaviour",
                )
            )
        else:
            people = [Named(there[0], "missing_person")]
            people += [Named(k, "associate", rng.choice(("full", "first"))) for k in there[1:]]
            case.episodes.append(
                Episode(
                    cid,
                    "police",
                    area,
                    "missing_episode",
                    _day(rng, start, 300),
                    people,
                    park,
                    cse=True,
                )
            )
    return case


def co_offending_case(cast: Cast, cid: str, area: str) -> Case:
    """Adults arrested and charged together for drug supply or burglary."""
    rng = cast.rng
    adults = cast.men(area, rng.randint(2, 4), 18, 50)
    case = Case(cid, "co_offending", adults, [], False)
    offence = rng.choice(OTHER_OFFENCES)
    when = _day(rng, TODAY - timedelta(days=1500), 1300)
    crime = Episode(
        cid,
        "police",
        area,
        "crime",
        when,
        [Named(a, "suspect") for a in adults],
        cast.place(area, "residential"),
        offence,
    )
    case.episodes.append(crime)
    arrest = Episode(
        cid,
        "police",
        area,
        "arrest",
        when + timedelta(days=2),
        [Named(a, "suspect") for a in adults],
        None,
        offence,
        follows=crime,
    )
    case.episodes.append(arrest)
    if rng.random() < 0.6:
        crime.outcome = "1"
        case.episodes.append(
            Episode(
                cid,
                "police",
                area,
                "charge",
                when + timedelta(days=30),
                [Named(a, "offender") for a in adults],
                None,
                offence,
                follows=crime,
            )
        )
        if rng.random() < 0.5:
            case.episodes.append(
                Episode(
                    cid,
                    "youth_justice" if adults[0].age < 18 else "police",
                    area,
                    "court_outcome",
                    when + timedelta(days=200),
                    [Named(a, "offender") for a in adults],
                    None,
                    offence,
                    follows=crime,
                )
            )
    return case
