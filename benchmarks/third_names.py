"""Names for the third person-record generator (``third_persons.py``).

Written from how names are given and written down in the UK, not from any name table
in Clearsight (the writer has not read them). Each heritage has its forenames, its
surnames, the spellings the same name is transliterated or anglicised to, and the way
its surname passes in a family (inherited, patronymic, gendered, Sikh Singh / Kaur).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Heritage:
    key: str
    weight: float
    male: tuple[str, ...]
    female: tuple[str, ...]
    surnames: tuple[str, ...]
    # How a child's surname comes: "inherit" (the father's), "patronymic" (the father's
    # forename, Somali practice), "sikh" (Singh / Kaur, the family name only sometimes
    # written), "gendered" (Polish -ski / -ska), "family_first" (Chinese: family name
    # spoken and often written first).
    surname_rule: str = "inherit"
    # Self-defined ethnicity codes (18+1) this heritage is recorded under, for the
    # monitoring columns only.
    ethnicity: tuple[str, ...] = ("W1",)
    nationality: tuple[str, ...] = ("GB",)
    middle: bool = True


# The name lists are data, laid out by hand, not one name per line.
# fmt: off
HERITAGES: tuple[Heritage, ...] = (
    Heritage(
        "white_british",
        0.36,
        male=("Jack", "Thomas", "James", "William", "Oliver", "Harry", "Daniel", "Joshua",
              "Callum", "Liam", "Kyle", "Ryan", "Connor", "Jordan", "Lewis", "Nathan",
              "Robert", "Michael", "David", "Christopher", "Anthony", "Jamie", "Alfie",
              "Charlie", "George", "Mason", "Riley", "Tyler", "Brandon", "Kieran"),
        female=("Jessica", "Chloe", "Emily", "Olivia", "Amelia", "Lily", "Megan", "Ellie",
                "Bethany", "Courtney", "Chelsea", "Jade", "Kayleigh", "Shannon", "Paige",
                "Rebecca", "Sarah", "Emma", "Charlotte", "Katie", "Leah", "Holly", "Amber",
                "Abigail", "Elizabeth", "Victoria", "Kimberley", "Demi", "Tia", "Evie"),
        surnames=("Smith", "Jones", "Taylor", "Brown", "Wilson", "Johnson", "Walker",
                  "Wright", "Robinson", "Thompson", "White", "Hughes", "Edwards", "Green",
                  "Hall", "Wood", "Harris", "Clarke", "Jackson", "Turner", "Hill", "Moore",
                  "Cooper", "Ward", "Holmes", "Barker", "Sutcliffe", "Ackroyd", "Haigh",
                  "Mackenzie", "McDonald", "Macintosh", "Hartley-Smith", "Whitworth"),
    ),
    Heritage(
        "pakistani",
        0.16,
        male=("Mohammed", "Muhammad", "Ali", "Imran", "Zubair", "Hamza", "Bilal", "Usman",
              "Adnan", "Kashif", "Tariq", "Shahid", "Asif", "Amir", "Zain", "Ibrahim",
              "Yusuf", "Haris", "Faisal", "Arslan"),
        female=("Ayesha", "Fatima", "Zainab", "Maryam", "Sana", "Amina", "Hina", "Nadia",
                "Saima", "Rabia", "Iqra", "Aleena", "Khadija", "Mehwish", "Shazia",
                "Noor", "Sadia", "Anum"),
        surnames=("Khan", "Hussain", "Ahmed", "Ali", "Iqbal", "Mahmood", "Akhtar",
                  "Rashid", "Butt", "Shah", "Malik", "Choudhry", "Aslam", "Raja",
                  "Shah-Khan", "Qureshi"),
        ethnicity=("A2", "A2", "A9"),
        nationality=("GB", "GB", "PK"),
    ),
    Heritage(
        "bangladeshi",
        0.05,
        male=("Mohammed", "Abdul", "Rahim", "Shahin", "Jamal", "Rafiq", "Sohel", "Mizanur",
              "Anwar", "Kamrul"),
        female=("Fatema", "Nasreen", "Rumana", "Shirin", "Jahanara", "Taslima", "Rokeya",
                "Sumaiya"),
        surnames=("Miah", "Uddin", "Rahman", "Islam", "Hoque", "Chowdhury", "Ahmed", "Ali"),
        ethnicity=("A3",),
        nationality=("GB", "BD"),
    ),
    Heritage(
        "sikh_punjabi",
        0.04,
        male=("Harpreet", "Gurpreet", "Jaspreet", "Manjit", "Sukhdev", "Baljit", "Ravinder",
              "Amandeep", "Kuldip", "Jagdeep"),
        female=("Harpreet", "Gurpreet", "Manpreet", "Jaspal", "Simran", "Navdeep",
                "Rajinder", "Amrit", "Kiranjit", "Parminder"),
        surnames=("Sandhu", "Gill", "Dhillon", "Sidhu", "Grewal", "Bains", "Johal", "Atwal"),
        surname_rule="sikh",
        ethnicity=("A1", "A9"),
        middle=False,
    ),
    Heritage(
        "polish",
        0.07,
        male=("Aleksander", "Piotr", "Krzysztof", "Tomasz", "Kacper", "Jakub", "Mateusz",
              "Wojciech", "Michał", "Paweł", "Łukasz", "Szymon"),
        female=("Aleksandra", "Agnieszka", "Katarzyna", "Małgorzata", "Zuzanna", "Natalia",
                "Joanna", "Wiktoria", "Magdalena", "Justyna"),
        surnames=("Kowalski", "Nowak", "Wiśniewski", "Wójcik", "Kamiński", "Lewandowski",
                  "Zieliński", "Szymański", "Dąbrowski", "Kaczmarek", "Mazur", "Krawczyk"),
        surname_rule="gendered",
        ethnicity=("W9",),
        nationality=("PL", "PL", "GB"),
    ),
    Heritage(
        "romanian_roma",
        0.04,
        male=("Florin", "Ionuț", "Marian", "Costel", "Gheorghe", "Nicolae", "Alexandru",
              "Ștefan", "Denis", "Fane"),
        female=("Florentina", "Ionela", "Mariana", "Roxana", "Elena", "Denisa", "Loredana",
                "Ramona", "Nicoleta"),
        surnames=("Stoica", "Lăcătuș", "Rostaș", "Dumitru", "Constantin", "Căldăraru",
                  "Stan", "Mihai", "Radu"),
        ethnicity=("W3", "W9", "W9"),
        nationality=("RO",),
    ),
    Heritage(
        "irish",
        0.05,
        male=("Seán", "Ciarán", "Patrick", "Declan", "Niall", "Eoin", "Cian", "Padraig",
              "Conor", "Darragh"),
        female=("Siobhan", "Niamh", "Aoife", "Caoimhe", "Róisín", "Orla", "Sinéad",
                "Bridget", "Grainne", "Maeve"),
        surnames=("O'Brien", "O'Neill", "Murphy", "Kelly", "O'Sullivan", "McCarthy",
                  "Doherty", "Ward", "Connors", "McDonagh", "Gallagher", "O'Connor"),
        ethnicity=("W2", "W3", "W1"),
        nationality=("GB", "IE"),
    ),
    Heritage(
        "welsh",
        0.05,
        male=("Rhys", "Dafydd", "Gareth", "Iwan", "Owain", "Huw", "Geraint", "Cai",
              "Emyr", "Llŷr"),
        female=("Cerys", "Ffion", "Seren", "Nia", "Angharad", "Carys", "Bethan", "Sian",
                "Lowri", "Elin"),
        surnames=("Jones", "Davies", "Williams", "Evans", "Thomas", "Roberts", "Lewis",
                  "Morgan", "Griffiths", "Pritchard", "ap Rhys", "Llewellyn"),
    ),
    Heritage(
        "somali",
        0.04,
        male=("Abdi", "Mohamed", "Abdirahman", "Ahmed", "Hassan", "Yusuf", "Abdullahi",
              "Mahad", "Liban", "Omar"),
        female=("Hodan", "Fartun", "Sahra", "Amina", "Hibo", "Ayaan", "Ubah", "Ifrah",
                "Nimco", "Hamdi"),
        surnames=("Abdi", "Mohamed", "Ahmed", "Hassan", "Farah", "Warsame", "Ali",
                  "Osman", "Jama", "Nur"),
        surname_rule="patronymic",
        ethnicity=("B1", "B9"),
        nationality=("GB", "SO", "NL"),
        middle=False,
    ),
    Heritage(
        "black_british",
        0.07,
        male=("Tyrone", "Jermaine", "Marcus", "Kwame", "Tobi", "Daniel", "Isaiah", "Kofi",
              "Chidi", "Malachi", "Jaden", "Andre", "Femi", "Olumide"),
        female=("Shanice", "Aaliyah", "Tanisha", "Abena", "Chantelle", "Keisha", "Blessing",
                "Precious", "Adaeze", "Imani", "Folake"),
        surnames=("Campbell", "Brown", "Williams", "Okafor", "Adeyemi", "Mensah", "Boateng",
                  "Johnson", "Richards", "Francis", "Oyelaran", "Asante", "Clarke"),
        ethnicity=("B2", "B1", "M1", "B9"),
    ),
    Heritage(
        "chinese",
        0.03,
        male=("Wei", "Jun", "Hao", "Ming", "Chen", "Kai", "Zhiwei", "Jian"),
        female=("Mei", "Xiu", "Li", "Yan", "Ling", "Hui", "Xiaoling", "Jing"),
        surnames=("Wang", "Li", "Zhang", "Chen", "Liu", "Wong", "Cheung", "Lam", "Ng"),
        surname_rule="family_first",
        ethnicity=("A4",),
        nationality=("GB", "CN", "HK"),
        middle=False,
    ),
    Heritage(
        "kurdish_arab",
        0.04,
        male=("Karwan", "Rebin", "Hiwa", "Ahmad", "Mustafa", "Omer", "Dler", "Saman"),
        female=("Shilan", "Rozhin", "Nasrin", "Avin", "Hana", "Lana", "Sozan"),
        surnames=("Ahmed", "Mohammed", "Rasul", "Qadir", "Karim", "Aziz", "Hamad"),
        surname_rule="patronymic",
        ethnicity=("O1", "O9"),
        nationality=("IQ", "IR", "GB"),
        middle=False,
    ),
)

# One name, the spellings it is written in (transliteration, anglicisation, accents an
# English keyboard drops). The first is the one the person's own family uses.
SPELLINGS: dict[str, tuple[str, ...]] = {
    "Mohammed": ("Mohammed", "Muhammad", "Mohamed", "Mohammad", "Mohd", "Muhammed"),
    "Muhammad": ("Muhammad", "Mohammed", "Muhammed", "Mohamed"),
    "Mohamed": ("Mohamed", "Mohammed", "Maxamed", "Mohamud"),
    "Hussain": ("Hussain", "Hussein", "Husain", "Hossain"),
    "Choudhry": ("Choudhry", "Chaudhry", "Chaudhary", "Choudhury"),
    "Chowdhury": ("Chowdhury", "Choudhury", "Chaudhuri"),
    "Yusuf": ("Yusuf", "Yousef", "Yousuf", "Joseph"),
    "Ibrahim": ("Ibrahim", "Ebrahim", "Ibraheem"),
    "Fatima": ("Fatima", "Fatimah", "Fatma"),
    "Fatema": ("Fatema", "Fatima", "Fatemah"),
    "Ayesha": ("Ayesha", "Aisha", "Aysha", "Ayisha"),
    "Khadija": ("Khadija", "Khadijah", "Kadija"),
    "Maryam": ("Maryam", "Mariam", "Miriam"),
    "Zainab": ("Zainab", "Zaynab", "Zeinab"),
    "Amina": ("Amina", "Aminah", "Aamina"),
    "Mahmood": ("Mahmood", "Mahmud", "Mehmood"),
    "Uddin": ("Uddin", "Udin", "Ud-Din"),
    "Hoque": ("Hoque", "Haque", "Hoq", "Huq"),
    "Miah": ("Miah", "Mia", "Miya"),
    "Abdirahman": ("Abdirahman", "Abdi Rahman", "Abdurahman", "Cabdiraxmaan"),
    "Abdullahi": ("Abdullahi", "Abdulahi", "Abdillahi"),
    "Hodan": ("Hodan", "Hodon"),
    "Sahra": ("Sahra", "Sahara", "Sarah"),
    "Aleksander": ("Aleksander", "Alexander", "Aleksandr"),
    "Aleksandra": ("Aleksandra", "Alexandra", "Aleksandera"),
    "Krzysztof": ("Krzysztof", "Krzystof", "Christopher"),
    "Wojciech": ("Wojciech", "Wojtek", "Voytek"),
    "Michał": ("Michał", "Michal", "Michael"),
    "Paweł": ("Paweł", "Pawel", "Paul"),
    "Łukasz": ("Łukasz", "Lukasz", "Lucas"),
    "Małgorzata": ("Małgorzata", "Malgorzata", "Margaret"),
    "Wiśniewski": ("Wiśniewski", "Wisniewski", "Wisnieski"),
    "Dąbrowski": ("Dąbrowski", "Dabrowski", "Dombrowski"),
    "Zieliński": ("Zieliński", "Zielinski"),
    "Kamiński": ("Kamiński", "Kaminski"),
    "Ionuț": ("Ionuț", "Ionut"),
    "Ștefan": ("Ștefan", "Stefan", "Stephan"),
    "Lăcătuș": ("Lăcătuș", "Lacatus", "Lacatush"),
    "Rostaș": ("Rostaș", "Rostas", "Rostash"),
    "Căldăraru": ("Căldăraru", "Caldararu"),
    "Siobhan": ("Siobhan", "Shivaun", "Shevaun", "Siobhán"),
    "Seán": ("Seán", "Sean", "Shaun", "Shawn"),
    "Ciarán": ("Ciarán", "Ciaran", "Kieran"),
    "Róisín": ("Róisín", "Roisin", "Rosheen"),
    "Sinéad": ("Sinéad", "Sinead", "Shinead"),
    "Caoimhe": ("Caoimhe", "Keeva", "Kweeva"),
    "Niamh": ("Niamh", "Neve", "Nieve"),
    "Padraig": ("Padraig", "Pádraig", "Patrick"),
    "Grainne": ("Grainne", "Gráinne", "Grania"),
    "Llŷr": ("Llŷr", "Llyr"),
    "Sian": ("Sian", "Siân", "Sharn"),
    "Dafydd": ("Dafydd", "Dafyd", "David"),
    "Huw": ("Huw", "Hugh"),
    "Zhiwei": ("Zhiwei", "Zhi Wei", "Zhi-Wei"),
    "Xiaoling": ("Xiaoling", "Xiao Ling", "Xiao-Ling"),
    "Chen": ("Chen", "Chan", "Chun"),
    "Wong": ("Wong", "Huang", "Wang"),
    "Cheung": ("Cheung", "Zhang", "Chung"),
    "Olumide": ("Olumide", "Olu"),
    "Adeyemi": ("Adeyemi", "Adeyemí", "Adeyami"),
    "Oyelaran": ("Oyelaran", "Oyelaren"),
    "Katie": ("Katie", "Katy", "Katey"),
    "Kayleigh": ("Kayleigh", "Kayley", "Kaylee", "Kayleah"),
    "Courtney": ("Courtney", "Courtny"),
    "Leah": ("Leah", "Lea", "Leigh"),
    "Demi": ("Demi", "Demie"),
    "Mackenzie": ("Mackenzie", "McKenzie", "MacKenzie"),
    "McDonald": ("McDonald", "MacDonald", "Mcdonald", "Macdonald"),
    "Macintosh": ("Macintosh", "McIntosh", "Mackintosh"),
    "McCarthy": ("McCarthy", "MacCarthy", "Mccarthy"),
    "McDonagh": ("McDonagh", "McDonough", "MacDonagh"),
    "Qadir": ("Qadir", "Kadir", "Qader"),
    "Rasul": ("Rasul", "Rasool"),
}

# Names a person is known by in place of the given one (English diminutives, Polish
# and Welsh pet forms, an Arabic name shortened, an English name taken at school).
KNOWN_AS: dict[str, tuple[str, ...]] = {
    "Thomas": ("Tom", "Tommy"), "James": ("Jim", "Jimmy", "Jamie"),
    "William": ("Will", "Billy", "Liam"), "Oliver": ("Ollie",), "Harry": ("H",),
    "Daniel": ("Dan", "Danny"), "Joshua": ("Josh",), "Robert": ("Rob", "Bob", "Robbie"),
    "Michael": ("Mike", "Mikey"), "David": ("Dave", "Davy"), "Christopher": ("Chris",),
    "Anthony": ("Tony", "Ant"), "Nathan": ("Nate",), "Alfie": ("Alf",),
    "Charlie": ("Chaz",), "Jessica": ("Jess",), "Rebecca": ("Becky", "Becca"),
    "Elizabeth": ("Liz", "Beth", "Lizzie"), "Victoria": ("Vicky", "Tori"),
    "Kimberley": ("Kim",), "Abigail": ("Abbie", "Abi"), "Charlotte": ("Charlie", "Lottie"),
    "Olivia": ("Liv",), "Amelia": ("Millie",), "Bethany": ("Beth",), "Sarah": ("Sal",),
    "Emily": ("Em",), "Megan": ("Meg",),
    "Mohammed": ("Mo", "Hamid"), "Muhammad": ("Mo",), "Mohamed": ("Mo",),
    "Ibrahim": ("Ibby",), "Hamza": ("Hams",), "Abdirahman": ("Abdi",),
    "Abdullahi": ("Abdi",), "Usman": ("Ozzy",), "Zubair": ("Zubi",),
    "Aleksander": ("Olek", "Alex"), "Aleksandra": ("Ola", "Alex"),
    "Krzysztof": ("Krzys", "Chris"), "Katarzyna": ("Kasia", "Kate"),
    "Małgorzata": ("Gosia",), "Wojciech": ("Wojtek",), "Jakub": ("Kuba", "Jake"),
    "Tomasz": ("Tomek", "Tom"), "Magdalena": ("Magda",), "Zuzanna": ("Zuza",),
    "Dafydd": ("Dai", "Dave"), "Gareth": ("Gaz",), "Angharad": ("Hari",),
    "Padraig": ("Paddy",), "Patrick": ("Paddy", "Pat"), "Bridget": ("Biddy",),
    "Gheorghe": ("George",), "Alexandru": ("Alex",), "Nicolae": ("Nicu",),
    "Wei": ("William",), "Jun": ("Jimmy",), "Mei": ("May",), "Xiu": ("Susan",),
    "Jermaine": ("J",), "Olumide": ("Olu",), "Oluwaseun": ("Seun",),
    "Harpreet": ("Harry", "Preet"), "Gurpreet": ("Gary",), "Jaspreet": ("Jas",),
    "Amandeep": ("Aman",), "Manpreet": ("Mandy",), "Kwame": ("Kay",),
}

# Surnames too common to carry evidence alone, and the forenames paired with them for
# the planted crowds of namesakes.
COMMON_NAMES: tuple[tuple[str, str, str], ...] = (
    ("pakistani", "Mohammed", "Khan"),
    ("pakistani", "Mohammed", "Hussain"),
    ("pakistani", "Ali", "Ahmed"),
    ("white_british", "Jack", "Smith"),
    ("white_british", "James", "Jones"),
    ("white_british", "Thomas", "Taylor"),
    ("bangladeshi", "Abdul", "Miah"),
    ("welsh", "Rhys", "Jones"),
)
# fmt: on


def gendered(surname: str, sex: str) -> str:
    """The feminine form of a Polish adjectival surname (Kowalski -> Kowalska)."""
    if sex != "female":
        return surname
    for masc, fem in (("ski", "ska"), ("cki", "cka"), ("dzki", "dzka")):
        if surname.endswith(masc):
            return surname[: -len(masc)] + fem
    return surname
