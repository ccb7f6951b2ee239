"""Who can be a speaker: the words that are no one's name (titles, common words), the
bodies that speak, and the name a capitalised run holds."""

from __future__ import annotations

import calendar
import itertools
import re

from retrieval.lexical import word_set

# Words that end a body's name: "US State Department" is no one, and keeps its "State".
INSTITUTIONS = frozenset(
    ["Department", "Ministry", "Office", "Agency", "Council", "Committee", "Commission", "Party"]
)
# "The Bank of England said", "the National Union of Journalists said": the body speaks.
BODIES = (
    frozenset(
        [
            "Bank",
            "Council",
            "Union",
            "Association",
            "College",
            "University",
            "Institute",
            "Society",
            "Federation",
            "Confederation",
            "Chamber",
            "Chambers",
            "Board",
            "Church",
            "League",
            "Archbishop",
            "Bishop",
        ]
    )
    | INSTITUTIONS
)

# Capitals that stand for their government in news copy ("Seoul warned", "Moscow has
# said"). ("Washington" is a surname as well, so it is left to the article.)
CAPITALS = frozenset(["Moscow", "Beijing", "Seoul", "Pyongyang", "Kyiv", "Kiev"])
# Names that stand for a government: they speak ("The Kremlin said", "Russia has denied"),
# but are no one's surname ("Air China" leaves "China" the country's) and never "he" or
# "she".
GOVERNMENTS = CAPITALS | frozenset(
    ["Russia", "China", "Kremlin", "Pentagon", "White House", "Downing Street", "Whitehall"]
)

# Bodies whose names hold lowercase words, which a capitalised run cannot cross ("the Centers
# for Disease Control and Prevention said" gave "Prevention"): read as the short name that
# news copy also uses for them.
SHORT_NAMES = {
    "Centers for Disease Control and Prevention": "CDC",
    "Department of Health and Human Services": "HHS",
    "Food and Drug Administration": "FDA",
    "National Oceanic and Atmospheric Administration": "NOAA",
    "National Institute of Allergy and Infectious Diseases": "NIAID",
    "Securities and Exchange Commission": "SEC",
    "Centers for Medicare and Medicaid Services": "CMS",
}
# "the U.S. Food and Drug Administration" is the FDA too, not a "U.S. FDA" beside it.
_LONG_NAME = re.compile(
    r"(?:\b(?:US|U\.S\.)\s+)?(" + "|".join(re.escape(name) for name in SHORT_NAMES) + ")"
)


def with_short_names(sentence: str) -> str:
    """`sentence` with the bodies of `SHORT_NAMES` under their short names."""
    if " and " not in sentence:  # every long name has one; most sentences have none
        return sentence
    return _LONG_NAME.sub(lambda m: SHORT_NAMES[m.group(1)], sentence)


# Words that end the name of a place: "St Fintian's High School said" is the school.
_PLACE_NOUNS = frozenset(["Centre", "Center", "School", "Hospital", "Stadium", "Park", "Street"])

# Capitalised words that begin a run but name nobody: determiners, pronouns, prepositions,
# days and months ("On Friday Blair said").
NOT_PEOPLE = frozenset(
    [
        "The",
        "A",
        "An",
        "One",
        "Another",
        # a question's first word ("Can Yahoo win back search?")
        "Can",
        "Could",
        "Should",
        "Does",
        "Did",
        "Why",
        "What",
        "How",
        "Where",
        "Is",
        "Are",
        "This",
        "That",
        "These",
        "Those",
        "It",
        "In",
        "On",
        "At",
        "For",
        "If",
        "When",
        "While",
        "As",
        "But",
        "And",
        "Asked",
        "Said",
        "Last",
        "Next",
        "According",
        "Despite",
        "After",
        "Before",
        "During",
        "Since",
        "Although",
        "Though",
        "However",
        "Instead",
        "Meanwhile",
        "Officials",
        "Experts",
        "Critics",
        "Western",
        "Police",
        "Officers",
        "Government",
        "Ministry",
        "Court",
        "Reuters",
        "AP",
        "AFP",
        "Analysts",
        "Observers",
        # groups nobody names ("Prosecutors said", "Campaigners argued"), and adverbs that
        # open a sentence ("Nevertheless, he said")
        "Prosecutors",
        "Ministers",
        "Supporters",
        "Organisers",
        "Organizers",
        "Commentators",
        "Correspondents",
        "Lawmakers",
        "Legislators",
        "Economists",
        "Traders",
        "Opponents",
        "Lawyers",
        "Campaigners",
        "Colleagues",
        "Consultants",
        "Researchers",
        "Scientists",
        "Doctors",
        "Investigators",
        "Witnesses",
        "Residents",
        "Protesters",
        "Activists",
        "Diplomats",
        "Insiders",
        "Investors",
        "Sources",
        "Reports",
        # prepositions and conjunctions that open a sentence ("Besides Bostock and his
        # wife, …" named nobody "Besides Bostock")
        "Besides",
        "Unlike",
        "Like",
        "Without",
        "With",
        "Among",
        "Amid",
        "Alongside",
        "Including",
        "Beyond",
        "Except",
        "Unless",
        "Whether",
        "Because",
        "Once",
        "Whereas",
        "Following",
        "Given",
        "Against",
        "Toward",
        "Towards",
        "Within",
        "Throughout",
        "Upon",
        "Through",
        "Between",
        "Behind",
        "Across",
        "Nevertheless",
        "Nonetheless",
        "Yet",
        "Until",
        "Still",
        "Well",
        "Then",
        "So",
        "Also",
        "Additionally",
        "Eventually",
        "Ultimately",
        "Even",
        "Yes",
        "Look",
        "All",
        "Somebody",
        "Nobody",
        "No-one",
        "Everyone",
        "Both",
        "There",
        "You've",
        "No",
        "Unfortunately",
        "Be",
        "Who",
        "Watch",
        "Actors",
        "Other",
        "They'll",
        "Americans",
        "Authorities",
        "Rioters",
        "People",
        "Allies",
        "Advocates",
        "Afterwards",
        "Overall",
        # "Member states" (of the EU) are not someone called Member who "states"
        "Member",
        # possessives: "Her family asked …" is the family, not "Her"
        "Her",
        "His",
        "Their",
        "Its",
        "Our",
        "My",
        "Your",
        # "“I think …”" is the speaker's own voice, said by whoever is quoted; "They say"
        # and "Many believe" name no one
        "I",
        "I've",
        "I'm",
        "I'd",
        "I'll",
        "We",
        "We've",
        "We're",
        "They",
        "You",
        "Many",
        "Some",
        "Most",
        "Others",
        # "Earlier, Tony Blair dismissed …, and said"; "On Tuesday, Morientes had said"
        "Earlier",
        "Later",
        "Currently",
        "Separately",
        "Previously",
        "Recently",
        "Yesterday",
        "Today",
        "Now",
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
        "January",
        "February",
        "September",
        "October",
        "November",
        "December",
    ]
)
# Titles and descriptions before a name, dropped from it ("Culture Secretary Tessa Jowell",
# "Russian President Vladimir Putin"); a role learnt from them names the person later.
TITLES = frozenset(
    [
        "President",
        "Prime",
        "Minister",
        "Leader",
        "Chancellor",
        "King",
        "Queen",
        "Pope",
        "Senator",
        "Sen",
        "Secretary",
        "General",
        "Gen",
        "Lt",
        "Lieutenant",
        "Col",
        "Colonel",
        "Capt",
        "Captain",
        "Sgt",
        "Sergeant",
        "Cmdr",
        "Commander",
        "Admiral",
        "Brigadier",
        "Dr",
        "Mr",
        "Mrs",
        "Ms",
        "Sir",
        "Lord",
        "Lady",
        "Baroness",
        "Dame",
        "Judge",
        "Justice",
        "Governor",
        "Gov",
        "Mayor",
        "Chief",
        "CEO",
        "Producer",
        "Judges",
        "Director",
        "Professor",
        "Prof",
        "Founder",
        "Co-founder",
        "Detective",
        "Inspector",
        "Superintendent",
        "Sergeant",
        "Constable",
        "Foreign",
        "Defense",
        "Defence",
        "State",
        "Premier",
        "Representative",
        "Rep",
        "Ambassador",
        "Commissioner",
        "Spokesman",
        "Spokeswoman",
        "Spokesperson",
        "MP",
        "MEP",
        "Boss",
        "Manager",
        "Coach",
        "Captain",
        "Chairman",
        "Chairwoman",
        "Executive",
        "Guitarist",
        # positions in a team ("Scrum-half Peter Stringer", "Striker Wayne Rooney")
        "Scrum-half",
        "Fly-half",
        "Full-back",
        "Centre-back",
        "Striker",
        "Midfielder",
        "Defender",
        "Goalkeeper",
        "Keeper",
        "Winger",
        "Flanker",
        "Skipper",
        "Under-Secretary",
        "Singer",
        "Actor",
        "Actress",
        "Russian",
        "Chinese",
        "American",
        "British",
        "French",
        "Ukrainian",
        "Korean",
        # professions and callings ("Broadcaster Chris Evans", "US Attorney David Kelley",
        # "Rabbi Marvin Hier", "Parish Sheriff Harry Lee")
        "Attorney",
        "Lawyer",
        "Barrister",
        "Solicitor",
        "Magistrate",
        "Sheriff",
        "Agent",
        "Referee",
        "Broadcaster",
        "Songwriter",
        "Composer",
        "DJ",
        "Presenter",
        "Writer",
        "Author",
        "Novelist",
        "Film-maker",
        "Filmmaker",
        "Comedian",
        "Designer",
        "Economist",
        "Analyst",
        "Chair",
        "Speaker",
        "Secretary-General",
        "Officer",
        "Supervisor",
        "Administrator",
        "Councilmember",
        "Councilman",
        "Councilwoman",
        "Deputy",
        "Scientist",
        "Coordinator",
        "Model",
        "Californian",
        "Texan",
        "Expatriate",
        "Correspondent",
        "Editor",
        "Journalist",
        "Columnist",
        "Musician",
        "Rapper",
        "Drummer",
        "Pianist",
        "Poet",
        "Playwright",
        "Photographer",
        "Historian",
        "Reverend",
        "Rev",
        "Rabbi",
        "Imam",
        "Vice-President",
        "MSP",
        "Goalscorer",
        "Wing",
        "Prop",
        "Hooker",
    ]
)
# A party before a member's name ("Conservative Graham Brady", "Lib Dem Norman Baker"). Not
# titles: "Labour said" and "the Labour Party" are the party speaking.
_PARTY_WORDS = frozenset(
    ["Conservative", "Tory", "Labour", "Liberal", "Lib", "Democrat", "Dem", "Republican", "Plaid"]
)
# Letters after a name that are no part of it ("Frank Field MP", "Guy Mansfield QC"); but
# "the Ealing North MP" and "a Plaid Cymru MP" name a seat and a party, not a person.
_POST_NOMINALS = frozenset(["MP", "MSP", "MEP", "QC", "KC"])
_COMPASS = frozenset(["North", "South", "East", "West", "Central"])
_NOT_A_MEMBER = BODIES | TITLES
# "Blair's", "Atticus'": only the apostrophe of a plural possessive goes ("Evans'" -> "Evans").
_POSSESSIVE = re.compile(r"[’']s$|(?<=[sS])[’']$")

_HONORIFICS = frozenset(["Mr", "Mrs", "Ms", "Dr", "Sir", "Lord", "Lady", "Baroness", "Dame"])
_SUBORDINATE = frozenset(["Deputy", "Vice", "Shadow", "Assistant", "Former", "Acting", "Junior"])

# "“…,” the Irishman said", "The Scot admitted": someone the article calls by nationality.
# ("German" and "Italian" are also surnames: "Mr German said".)
NATIONALS = frozenset(
    [
        "Scot",
        "Scotsman",
        "Irishman",
        "Welshman",
        "Englishman",
        "Frenchman",
        "Dutchman",
        "Spaniard",
        "Swede",
        "Dane",
    ]
)

# Nationalities that are also surnames or adjectives: someone unnamed only after "the".
DEMONYMS = frozenset(
    [
        "European",
        "American",
        "Australian",
        "Brazilian",
        "Argentine",
        "Argentinian",
        "Italian",
        "German",
        "Russian",
        "Canadian",
        "Mexican",
        "Nigerian",
        "Kenyan",
        "Ethiopian",
        "Jamaican",
        "Croatian",
        "Serbian",
        "Belgian",
        "Norwegian",
        "Portuguese",
        "Chinese",
        "Japanese",
        "Korean",
        "Indian",
        "Pakistani",
        "Israeli",
        "Iraqi",
        "Iranian",
        "Egyptian",
        "Moroccan",
        "Ghanaian",
        "Cameroonian",
        "Senegalese",
        "Ivorian",
        "Uruguayan",
        "Colombian",
        "Chilean",
        "Peruvian",
        "Greek",
        "Turkish",
        "Polish",
        "Czech",
        "Swiss",
        "Austrian",
        "Finn",
        "Hungarian",
        "Romanian",
        "Bulgarian",
        "Ukrainian",
        "Georgian",
        "Kiwi",
        "Aussie",
        "Briton",
        "Zimbabwean",
        "New Zealander",
        "South African",
        "Sri Lankan",
    ]
)

# What news copy calls the person a story is about, so as not to repeat the name: "the
# defender said", "said the Oscar winner", "The 43-year-old added" (with "N-year-old").
# Not offices ("the chancellor" is whoever holds it) nor "boss", "manager" or "coach": after
# a player's words, "said the Old Trafford boss" is someone else.
EPITHETS = word_set(
    """
    defender striker midfielder winger forward goalkeeper keeper player international
    youngster teenager veteran star champion winner seed athlete runner sprinter hurdler
    rider driver golfer boxer swimmer batsman bowler all-rounder cyclist skater skier
    actor actress singer songwriter director film-maker filmmaker musician rapper comedian
    presenter writer author novelist artist designer frontman guitarist drummer chef model
    entrepreneur tycoon billionaire
    """
)


# A capitalised run as news copy names someone: words that begin with a capital, the
# particles of names ("de", "von der", "bin"; whole words: "CDC data" is no "CDC da"), and
# dotted initials ("U.S. Geological Survey", not "U").
NAME_WORD = (
    r"(?:(?:[A-Z]\.){2,}|[A-Z]\.(?=\s+[A-Z])|[A-Z][\w’'\-&]*)"
    r"(?:\s+(?:de|der|den|van|von|bin|al|da|di|del|la|le)\b)*"
)
NAME = rf"(?:{NAME_WORD})(?:\s+{NAME_WORD}){{0,3}}"
# A capitalised run that opens with a preposition is a phrase before the subject ("By
# September, BT announced").
_PREPOSITIONS = frozenset(
    ["Of", "Like", "Unlike", "By", "With", "Without", "For", "From", "In", "On", "At", "To"]
)
_CALENDAR = frozenset(w for w in (*calendar.day_name, *calendar.month_name) if w)


def opens_with_a_phrase(who: str) -> bool:
    """ "Of Hepburn", "At Heathrow", "By September": a run that opens with a preposition is
    no speaker, unless a day or month follows it and the subject after that ("On Tuesday
    Mitsubishi confirmed", "On Monday Tony Blair insisted")."""
    words = who.split()
    if words[0] not in _PREPOSITIONS:
        return False
    rest = list(itertools.dropwhile(_CALENDAR.__contains__, words[1:]))
    return not rest or len(rest) == len(words) - 1


def clean_name(raw: str) -> str:
    """The person's name in a capitalised run: "Culture Secretary Tessa Jowell" -> "Tessa
    Jowell", "Russia's President Vladimir Putin" -> "Vladimir Putin"."""
    words = raw.split()
    # "Fox TV's Bill O'Reilly": what comes before a possessive is where they work. But "the
    # Information Commissioner's Office" and "St David's Shopping Centre" are one name.
    owner = max((i for i, w in enumerate(words[:-1]) if _POSSESSIVE.search(w)), default=-1)
    if words and words[-1] not in BODIES | _PLACE_NOUNS:
        words = words[owner + 1 :]
    last_title = max((i for i, w in enumerate(words[:-1]) if w in TITLES), default=-1)
    # "US State Department" and "the Foreign Office" are bodies: their titles stay.
    body = bool(words) and words[-1] in INSTITUTIONS
    if not body:
        words = words[last_title + 1 :]
    while words and (
        words[0] in NOT_PEOPLE or (words[0] in TITLES and not body) or _POSSESSIVE.search(words[0])
    ):
        words = words[1:]
    while len(words) > 2 and words[0] in _PARTY_WORDS and not _is_body(words[1:]):
        words = words[1:]
    if (
        len(words) > 2
        and words[-1] in _POST_NOMINALS
        and words[-2] not in _COMPASS
        and not _PARTY_WORDS.intersection(words)
    ):
        words = words[:-1]
    return _POSSESSIVE.sub("", " ".join(words)).strip()


# Bodies that speak but are never "he" or "she".
_BODY_WORDS = (BODIES - {"Archbishop", "Bishop"}) | frozenset(
    [
        "Service",
        "Services",
        "Organization",
        "Organisation",
        "Administration",
        "Police",
        "Court",
        "Centers",
        "Company",
        "Corporation",
        "Foundation",
        "Group",
        "Network",
    ]
)


def names_a_body(name: str) -> bool:
    """ "CDC", "National Weather Service", "Labour Party": a body, which "he said" never
    means (a name in capitals alone is an acronym; "JK Rowling" is a person)."""
    words = name.split()
    if len(words) == 1 and len(name) > 1 and name.isupper():
        return True
    return name in GOVERNMENTS or not _BODY_WORDS.isdisjoint(words)


def _is_body(words: list[str]) -> bool:
    """ "Party Co-Chairman", "Party": what follows a party word is not a member's name."""
    return not _NOT_A_MEMBER.isdisjoint(words)


class NameBook:
    """Maps surnames to the full names seen so far, so 'Putin' resolves to 'Vladimir Putin',
    and roles to the person last named with them, so 'the chancellor' after 'Chancellor
    Gordon Brown' is Gordon Brown."""

    def __init__(self) -> None:
        self.full: dict[str, str] = {}
        self.roles: dict[str, str] = {}

    def learn_role(self, raw: str, name: str) -> None:
        """ "Culture Secretary Tessa Jowell" makes her 'the culture secretary' and 'the
        secretary' from here on; an honorific ("Mr") is no role."""
        words = raw.split()
        # A party qualifies no role: "Labour MP Stephen Pound" is "the MP".
        title = [w for w in words[: len(words) - len(name.split())] if w not in _PARTY_WORDS]
        if not title or title[-1] not in TITLES or title[-1] in _HONORIFICS:
            return
        phrase = " ".join(title).lower()
        self.roles[phrase] = name
        if not _SUBORDINATE & set(title):  # a deputy mayor is not "the mayor"
            self.roles[title[-1].lower()] = name

    def by_role(self, phrase: str) -> str | None:
        """The person a role phrase ("former prime minister", "Ealing North MP") refers to."""
        words = phrase.lower().split()
        for start in range(len(words)):
            role = " ".join(words[start:])
            if found := self.roles.get(role):
                # "The foreign secretary" is not whoever was "Home Secretary": a role
                # shortened past its qualifier counts only if no other was seen.
                qualified = start > 0 and any(k.endswith(" " + role) for k in self.roles)
                return None if qualified else found
        return None

    def in_full(self, name: str) -> str:
        """The full name the article gave for `name` ("Mr Balls": "Ed Balls"), learning
        nothing; the cleaned name itself if none was given."""
        cleaned = clean_name(name) or name
        return self.full.get(cleaned, cleaned) if len(cleaned.split()) == 1 else cleaned

    def learn(self, name: str) -> str:
        parts = name.split()
        if len(parts) >= 2:
            # Family names come last in English names and first in Korean/Chinese ones;
            # "Air China" and "China Daily" leave "China" the government's.
            if parts[-1] not in GOVERNMENTS:
                self.full[parts[-1]] = name
            if parts[0] not in GOVERNMENTS:
                self.full.setdefault(parts[0], name)
            return name
        return self.full.get(name, name)
