"""Name lists of the independent person generator (``independent_persons.py``).

Written for this benchmark from general knowledge of the names borne in England and
Wales (birth registrations and electoral rolls of several heritages), not copied from
Clearsight's own generator or its linkage dictionaries. Each heritage has forenames by
sex and surnames; a few names are deliberately very common, as they are in life
("Mohammed Khan", "Jack Smith"). Nicknames and spelling variants are how people are
written down by partners who know them informally or transliterate a name by ear.
"""

from __future__ import annotations


def _names(text: str) -> list[str]:
    return text.split()


# heritage -> (male forenames, female forenames, surnames, weight in the population)
HERITAGES: dict[str, tuple[list[str], list[str], list[str], float]] = {
    "english": (
        _names(
            "Jack Harry Oliver Charlie George Thomas James Daniel Joshua Samuel Callum Liam "
            "Connor Kyle Ryan Lewis Jordan Bradley Nathan Luke Michael David Paul Mark Steven "
            "Lee Craig Dean Wayne Gary Anthony Christopher Matthew Jamie Reece Tyler Alfie "
            "Archie Frederick William Robert Richard Edward Joseph Benjamin Alexander"
        ),
        _names(
            "Olivia Amelia Emily Jessica Chloe Sophie Lauren Megan Bethany Hannah Charlotte "
            "Rebecca Danielle Jade Stacey Kelly Leanne Gemma Nicola Sarah Emma Katie Amy Holly "
            "Ellie Molly Paige Courtney Shannon Abigail Elizabeth Victoria Catherine Rachel "
            "Natalie Jennifer Samantha Tracey Michelle Louise Kimberley Demi Kayleigh"
        ),
        _names(
            "Smith Jones Taylor Brown Williams Wilson Johnson Davies Robinson Wright Thompson "
            "Evans Walker White Roberts Green Hall Wood Jackson Clarke Harrison Hughes Turner "
            "Hill Lewis Moore Cooper Ward Morris King Baker Shaw Holmes Parker Bennett Cook "
            "Marshall Pearson Fletcher Gibson Atkinson Barker Hartley Booth Sutcliffe Ramsden "
            "Holroyd Ackroyd Greenwood Haigh Crowther"
        ),
        0.46,
    ),
    "pakistani": (
        _names(
            "Mohammed Muhammad Ali Hassan Hussain Imran Zain Bilal Usman Adnan Asif Tariq Kamran "
            "Shahid Zubair Waqas Faisal Arslan Haris Ibrahim Yusuf Amir Nadeem Saqib Rizwan "
            "Omar Hamza Abdul Junaid Irfan"
        ),
        _names(
            "Ayesha Fatima Maryam Zainab Sana Hira Iqra Amina Nadia Saima Rubina Shazia Bushra "
            "Samina Naila Mehwish Khadija Anum Sadia Noor Aleena Hafsa Alishba Laiba"
        ),
        _names(
            "Khan Ahmed Hussain Ali Iqbal Akhtar Mahmood Shah Butt Malik Rashid Aslam Hanif "
            "Bashir Sadiq Mirza Chaudhry Qureshi Rehman Javed Anwar Saleem Raza"
        ),
        0.16,
    ),
    "bangladeshi": (
        _names(
            "Mohammed Abdul Rahim Karim Shahed Rubel Sohel Jamal Kamal Anwar Habib Sajid Ruhul "
            "Foysal Tanvir Rakib Shakil"
        ),
        _names(
            "Fatema Rokeya Shirin Nasrin Jesmin Sumaiya Tahmina Rumana Sultana Shapla Lubna "
            "Afsana Rehana"
        ),
        _names("Begum Miah Uddin Rahman Islam Ahmed Hoque Chowdhury Khatun Ali Hossain Bibi"),
        0.05,
    ),
    "indian": (
        _names(
            "Arjun Rohan Raj Sanjay Vikram Amit Ravi Harpreet Gurpreet Jaswinder Kuldip Manpreet "
            "Sandeep Rajesh Anil Deepak Kiran Nikhil"
        ),
        _names(
            "Priya Anjali Pooja Neha Simran Harjit Kaur Manjit Sunita Rekha Meena Kavita Asha "
            "Nisha Divya Parminder"
        ),
        _names(
            "Patel Singh Sharma Kaur Gill Sandhu Sidhu Dhillon Mistry Parmar Shah Kumar Bains "
            "Johal Grewal"
        ),
        0.06,
    ),
    "black": (
        _names(
            "Kwame Kofi Chidi Emeka Tunde Olu Femi Segun Jermaine Marcus Tyrone Andre Darnell "
            "Kayden Malachi Isaiah Joel Elijah Samuel Daniel"
        ),
        _names(
            "Abena Ama Chioma Ngozi Funmi Adaeze Shanice Tanisha Keisha Aaliyah Precious Blessing "
            "Grace Faith Esther Deborah Naomi"
        ),
        _names(
            "Okafor Adeyemi Mensah Owusu Boateng Asante Okonkwo Adebayo Campbell Francis Graham "
            "Reid Thomas Grant Edwards Henry Bailey Morgan"
        ),
        0.10,
    ),
    "east-european": (
        _names(
            "Jakub Kacper Szymon Mateusz Piotr Tomasz Lukasz Marek Pawel Andrei Bogdan Florin "
            "Ionut Mihai Adrian Vasile Dawid Patryk"
        ),
        _names(
            "Zuzanna Julia Natalia Agnieszka Katarzyna Magdalena Ewa Ioana Elena Andreea Alina "
            "Daria Oliwia Weronika"
        ),
        _names(
            "Kowalski Nowak Wisniewski Wojcik Kaminski Lewandowski Zielinski Popescu Ionescu "
            "Constantin Dumitru Stoica Balog Horvath Novak"
        ),
        0.08,
    ),
    "irish-traveller": (
        _names("Patrick Michael John Martin Sean Tommy Jimmy Francis Johnny Mikey"),
        _names("Mary Bridget Margaret Kathleen Theresa Nora Sinead Siobhan Roisin"),
        _names("McDonagh Ward Connors Doherty Maughan Joyce Price Delaney Quinn McCarthy"),
        0.03,
    ),
    "arab-kurdish": (
        _names("Ahmad Omar Khalid Yousef Mustafa Karwan Rebwar Saman Hiwa Ammar Samir Tarek"),
        _names("Layla Huda Rania Dilan Shilan Nour Yasmin Reem Salma"),
        _names("Abdullah Hamid Saleh Aziz Karim Mahmoud Hama Rasul Qadir Osman"),
        0.04,
    ),
    "chinese": (
        _names("Wei Jun Hao Ming Jian Chen Kai Tao Yang Bo"),
        _names("Mei Li Xiu Ying Hui Jing Lan Yan Fang"),
        _names("Wang Li Zhang Liu Chen Yang Huang Zhao Wu Lin"),
        0.02,
    ),
}

# Very common full names, planted several times in one area with other birth dates.
COMMON_NAMES: list[tuple[str, str, str, str]] = [
    # (forename, surname, sex, heritage)
    ("Mohammed", "Khan", "male", "pakistani"),
    ("Muhammad", "Hussain", "male", "pakistani"),
    ("Jack", "Smith", "male", "english"),
    ("Daniel", "Jones", "male", "english"),
    ("Fatima", "Begum", "female", "bangladeshi"),
    ("Emma", "Wilson", "female", "english"),
    ("Mohammed", "Ali", "male", "pakistani"),
]

# Informal forms a partner may write instead of the registered forename.
NICKNAMES: dict[str, list[str]] = {
    "Mohammed": ["Mo", "Moe", "Hammad"],
    "Muhammad": ["Mo", "Moe"],
    "Daniel": ["Danny", "Dan"],
    "Bethany": ["Beth"],
    "Elizabeth": ["Beth", "Liz", "Lizzie"],
    "Thomas": ["Tom", "Tommy"],
    "James": ["Jim", "Jimmy", "Jamie"],
    "Joshua": ["Josh"],
    "Samuel": ["Sam", "Sammy"],
    "Michael": ["Mike", "Mikey"],
    "Matthew": ["Matt"],
    "Christopher": ["Chris"],
    "Anthony": ["Tony", "Ant"],
    "Alexander": ["Alex"],
    "William": ["Will", "Billy"],
    "Robert": ["Rob", "Bobby"],
    "Richard": ["Rich"],
    "Edward": ["Ed", "Eddie"],
    "Joseph": ["Joe"],
    "Benjamin": ["Ben"],
    "Frederick": ["Freddie"],
    "Nathan": ["Nate"],
    "Charlotte": ["Charlie", "Lottie"],
    "Rebecca": ["Becky", "Becca"],
    "Jessica": ["Jess"],
    "Abigail": ["Abbie"],
    "Victoria": ["Vicky", "Tori"],
    "Catherine": ["Cath", "Kate"],
    "Jennifer": ["Jen", "Jenny"],
    "Samantha": ["Sam"],
    "Kimberley": ["Kim"],
    "Natalie": ["Nat"],
    "Nicola": ["Nikki"],
    "Danielle": ["Dani"],
    "Ibrahim": ["Ibby"],
    "Hassan": ["Has"],
    "Zainab": ["Zee"],
    "Maryam": ["Mary"],
    "Abdul": ["Abs"],
    "Jakub": ["Kuba"],
    "Mateusz": ["Matt"],
    "Patrick": ["Paddy", "Pat"],
    "Margaret": ["Maggie", "Peggy"],
    "Bridget": ["Biddy"],
    "Harpreet": ["Harry"],
    "Gurpreet": ["Gary"],
}

# Transliterations and spellings of one name (each list is one name).
VARIANTS: list[list[str]] = [
    ["Mohammed", "Muhammad", "Mohamed", "Mohammad", "Muhammed"],
    ["Yusuf", "Yousef", "Yousuf", "Yusef"],
    ["Hussain", "Hussein", "Husain"],
    ["Ayesha", "Aisha", "Aysha"],
    ["Fatima", "Fatma", "Fatema"],
    ["Ahmed", "Ahmad", "Ahmet"],
    ["Mahmood", "Mahmud", "Mehmood"],
    ["Chaudhry", "Chaudhary", "Choudhury"],
    ["Iqbal", "Ikbal"],
    ["Zainab", "Zaynab"],
    ["Khadija", "Khadijah"],
    ["Rahman", "Rehman"],
    ["Miah", "Mia"],
    ["Uddin", "Udin"],
    ["Hoque", "Haque", "Hoq"],
    ["Omar", "Umar"],
    ["Usman", "Osman"],
    ["Hamza", "Hamzah"],
    ["Layla", "Leila", "Laila"],
    ["Yasmin", "Yasmeen", "Jasmin"],
    ["Wisniewski", "Wisnieski"],
    ["Lukasz", "Lucas"],
    ["Chioma", "Chiomah"],
    ["Kayleigh", "Kayley", "Kaylee"],
    ["Leanne", "Lianne"],
    ["Stacey", "Stacy"],
]

# Second halves of double-barrelled surnames (the first half is the family's other).
BARREL_PARTS = _names("Smith Jones Taylor Brown Wood Hall Green Walker Ahmed Campbell")

TOWNS: dict[str, list[tuple[str, str]]] = {
    # area -> (town, postcode district) pairs
    "west-yorkshire": [
        ("Bradford", "BD3"),
        ("Bradford", "BD5"),
        ("Bradford", "BD8"),
        ("Keighley", "BD21"),
        ("Leeds", "LS8"),
        ("Leeds", "LS9"),
        ("Leeds", "LS11"),
        ("Dewsbury", "WF13"),
        ("Huddersfield", "HD1"),
        ("Halifax", "HX1"),
        ("Wakefield", "WF1"),
    ],
    "greater-manchester": [
        ("Rochdale", "OL11"),
        ("Rochdale", "OL12"),
        ("Oldham", "OL1"),
        ("Oldham", "OL8"),
        ("Manchester", "M8"),
        ("Manchester", "M13"),
        ("Bolton", "BL1"),
        ("Bury", "BL9"),
        ("Salford", "M6"),
        ("Wigan", "WN1"),
    ],
}

STREET_WORDS = _names(
    "Victoria Albert Church Mill Station Park Manor Grange Moor Beech Oak Chapel Queens "
    "Kings Cross Bank Spring Carlisle Lumb Hollins Thornton Wharf Canal Bolton Oxford "
    "Cambridge Marlborough Cavendish Selborne Whetley Lister Rosslyn Heaton Ashgrove"
)
STREET_KINDS = _names("Street Road Lane Avenue Terrace Close Drive Grove Crescent Way")
STREET_ABBREVIATIONS = {"Street": "St", "Road": "Rd", "Lane": "Ln", "Avenue": "Ave"}
