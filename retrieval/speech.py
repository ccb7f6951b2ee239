"""Who said what: direct quotes and reported speech in an article, with their speakers."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from retrieval.firms import FIRM_NOUN, Firm, article_firm
from retrieval.lexical import fold_name, fold_spelling
from retrieval.places import names_a_country
from retrieval.sentences import sentence_spans
from retrieval.speaker_gender import Genders
from retrieval.speaker_names import (
    BODIES,
    CAPITALS,
    DEMONYMS,
    EPITHETS,
    NAME,
    NATIONALS,
    NOT_PEOPLE,
    TITLES,
    NameBook,
    clean_name,
    names_a_body,
    opens_with_a_phrase,
    with_short_names,
)
from retrieval.speech_subjects import PREDICATE_OPENERS, named_subject, still_quoting

logger = logging.getLogger(__name__)

_VERBS = (
    "said|says|say|warned|warns|added|adds|noted|notes|declared|declares|insisted|"
    "insists|stated|states|argued|argues|claimed|claims|announced|announces|described|"
    "describes|explained|explains|asked|asks|replied|replies|urged|urges|stressed|stresses|"
    "reiterated|reiterates|vowed|vows|promised|promises|pledged|pledges|denounced|denounces|"
    "acknowledged|admitted|wrote|writes|thanked|thanks|accused|accuses|suggested|suggests|"
    "confirmed|confirms|predicted|predicts|stated|believes|believe|"
    "think|thinks|cautioned|emphasised|emphasized|recalled|commented|mentioned|"
    "responded|denied|denies|tweeted|tweets|"
    # Not calling in administrators, or calling off a strike.
    r"(?:called|calls)(?!\s+(?:in|off|up|time)\b)|"
    # "Wasp tells the story of a young mum": a film or book telling a story says nothing.
    r"(?:told|tells)(?!\s+(?:the|a|an|its|their|his|her)\s+(?:story|stories|tale)\b)|"
    # Verbs of judgement report speech too ("Mr Ancram condemned the document"), but not in
    # the passive ("criticised by aid groups", "Neville criticised for the feud").
    r"(?:condemned|criticised|criticized|welcomed|dismissed|praised|defended)"
    r"(?!\s+(?:by|for|as)\b)"
)
# The verbs of a tag after what was said ("..., said Mr Straw"); "told X" names the listener.
_TAG_VERBS = (
    "said|says|added|adds|insisted|insists|noted|notes|argued|argues|explained|explains|"
    "warned|warns|claimed|claims|stressed|stresses|wrote|writes|admitted|admits|confirmed|"
    "suggested|suggests|predicted|predicts|cautioned|commented|reckons|tweeted|tweets"
)
# Words to be said ("is expected to say", "will tell") are the speaker's as much as words said.
_GOING_TO = (
    r"(?:(?:plans|planned|intends|intended|is\s+expected|was\s+expected|is\s+set|was\s+set|"
    r"is\s+due|was\s+due|is\s+going|was\s+going)\s+to\s+|will\s+|would\s+)"
)
# \b: "according to her brother Islan" is not "according to he".
_PRONOUN = r"(?:he|she|He|She)\b"
_PRONOUN_WORDS = frozenset({"he", "she", "He", "She"})
_SPEAKER = rf"(?P<who>{NAME}|{_PRONOUN})"
# Where a description comes before the name ("said the Old Trafford boss", "from Hartpury,
# Gloucestershire, said"), only a first and last name without a possessive, ending the
# phrase, is a person.
# "O'Reilly", "D'Amuro": an apostrophe inside a name, not a possessive after it.
_FULL_NAME = r"(?P<who>[A-Z](?:['’][A-Z])?[\w\-]*(?:\s+[A-Z](?:['’][A-Z])?[\w\-]*){1,3})"
_NAME_ENDS = r"(?=\s*[,.;:!?]|\s+(?:who|of|from|at|in|on|and|after|when|to)\b|\s*$)"
_OPEN_QUOTES = '“"‘'
_QUOTE_OPENERS = tuple(_OPEN_QUOTES)
# A short opening clause before the subject: "On Friday, ", "Earlier, ".
_LEAD_IN = r"^(?:[\w’',\s]{0,40},\s+)?"
# "Putin strongly warned"; "Her family asked" and "Smith's ally said" are not adverbs.
_ADVERB = r"(?!(?:family|ally|rally|supply|assembly|anomaly|monopoly)\b)[a-z]+ly\s+"

# "Stephen Sestanovich, senior fellow at the Council on Foreign Relations, noted"
_DESCRIBED_FIRST = rf"^{_SPEAKER},[^.“”\"]{{1,140}}?\s+(?:{_VERBS})\b"
# "Blair said", "Gerard Houllier has praised" anywhere in a sentence; the last resort, so
# it is checked for what comes before the name (`_NOT_A_SUBJECT`). "Blaze has added 250
# locations" is no speech; at a sentence's start it stays one, as it introduces the speaker
# of what follows ("Jose Antonio Reyes has added to speculation …").
_ANYWHERE = rf"\b{_SPEAKER}\s+(?:has\s+(?!added\b))?(?:{_ADVERB}|also\s+)?(?:{_VERBS})\b"
# "a summit in Lisbon pledged", "an analyst at Nomura told": a place or employer after a
# preposition is not the speaker.
_PLACE_LINK = r"(?:in|at|of|from)"
# "Pasquale D'Amuro of the FBI called": "the" may come between; but "a report in the Sunday
# Telegraph claims" is the paper's claim.
# "held by Murton mentioned", "officers who confronted Murton said": the one acted on.
_NOT_A_SUBJECT = re.compile(
    rf"\b(?:{_PLACE_LINK}|(?:at|of|from)\s+the|(?:[a-z]+ed|held|made|written|given|taken)\s+by"
    rf"|(?:who|which)\s+(?!(?:the|a|an)\b)[a-z]+)\s+$"
)
# ... unless a person comes before it: "Nicolas Sarkozy of France said", "Detective
# Inspector Paul Miller of Thames Valley Police said", "Bob Geldof in July said".
_PERSON_OF = re.compile(
    rf"(?<![\w’'\-])(?P<who>{NAME})\s+(?P<link>{_PLACE_LINK})\s+(?:(?<!in\s)the\s+)?$"
)
# "quoted by The Australian as saying" is the passive: the paper is not the one quoted.
_QUOTED_AS = rf"(?!by\b)(?:[\w’'\-]+\s+){{0,4}}?{_FULL_NAME}\s+as\s+(?:saying|telling)\b"
# "according to a World Bank report" is the World Bank's word.
_INDEFINITE = re.compile(r"(?<![\w’'\-])(?<!according to )(?:[Aa]n?)\s+$")
_DETERMINER = r"(?:the|a|an|his|her|their|its|our|one|whose)"
_LINK_WORD = r"(?:for|of|at|from|in|with|to|by|on|about|over|against|and|as|that|last|next|this)"
# But Liberal Democrat peer Lord Carlile, the government's independent reviewer of
# anti-terrorism laws, said (a description between commas, after any opening words; not a
# place, "Rep. Chris Stewart of Utah, a member of …", nor a second appositive)
_DESCRIBED = (
    rf"(?<![\w’'\-])(?<!of )(?<!from )(?<!in )(?<!at )(?<!, )"
    rf"{_SPEAKER},\s+(?:the|a|an|his|her|its|their)\s[^,“”\"]{{1,80}},\s+"
    rf"(?:{_ADVERB})?(?:{_VERBS})\b"
)
_DESCRIPTION = re.compile(r",\s+(?:the|a|an|his|her|its|their)\s")
# How a sentence's predicate begins after its subject ("Dunne is keen"); not a verb in -s,
# which a plural noun shares ("G7 ministers called …").
_PREDICATE = rf"(?:{PREDICATE_OPENERS}|have|then)\b"
# "added a penalty", "claimed her seventh title", "accused by prosecutors": no speech.
_NOT_SPEECH_AFTER = r"(?!\s+(?:a|an|another|his|her|their|by)\b)"
# Ordered: the first pattern that matches a sentence names its speaker.
_PATTERNS = tuple(
    re.compile(p)
    for p in (
        # “...,” the agency quoted Peoplesoft worker David Ogden as saying: the one quoted
        # speaks, not the outlet.
        rf"[”\"’],?\s+[^“”\"]{{0,40}}?\bquoted\s+{_QUOTED_AS}",
        rf"\bquoted\s+{_QUOTED_AS}",
        # Geoff Dixon was quoted by The Australian newspaper as saying; ..., Louis Michel, was
        # quoted as saying
        rf"(?<![\w’'\-]){_SPEAKER},?\s+(?:was\s+|is\s+|has\s+been\s+)?quoted\s+"
        rf"(?:by\s+[^.,“”\"]{{1,60}}?\s+)?as\s+(?:saying|telling)\b",
        # “...,” Putin said / “...,” he said / ”... said Edward Howell
        rf"[”\"’],?\s+{_SPEAKER}\s+(?:also\s+|then\s+)?(?:{_VERBS})\b",
        # “...,” Hageman plans to say in a victory speech. Not "he will say": news copy
        # writes it after a title ("the Cardinal will ask"), whom "he" cannot find.
        rf"[”\"’],?\s+(?P<who>{NAME})\s+{_GOING_TO}(?:{_VERBS})\b",
        rf"[”\"’],?\s+(?:{_VERBS})\s+{_SPEAKER}{_NAME_ENDS}",
        # ”... said report author Mary Madden, said Spanish Federation press officer Fernando
        # Garrido (a full name: "said the Newport-based athlete" names nobody)
        rf"[”\"’],?\s+(?:{_VERBS})\s+(?:[\w’'\-]+\s+){{1,4}}?{_FULL_NAME}{_NAME_ENDS}",
        # ”... said eighth seed Agassi, said coach Wenger: a surname after a description
        # without "the" or "a" ("said the Frenchman" refers back) or a place ("said a
        # spokesman for Tesco")
        rf"[”\"’],?\s+(?:{_TAG_VERBS})\s+(?!{_DETERMINER}\s)(?:(?!{_LINK_WORD}\s)[a-z][a-z’'\-]*\s+){{1,3}}"
        rf"(?P<who>[A-Z][\w’'\-]+)(?=\s*[,.;:!?]|\s*$)",
        rf"[”\"’],?\s+(?:{_VERBS})\s+{_SPEAKER}",
        # Said Mr Fogg: "…" / Said Wales assistant coach Scott Johnson: "…"
        rf"^Said\s+{_SPEAKER}\s*:",
        rf"^Said\s+(?:[\w’'\-]+\s+){{1,4}}?{_FULL_NAME}\s*:",
        # Security and stability would be the themes, said Mr Straw; The answer, says Prof
        # Brewer, is wi-fi (a reported tag names the speaker after the verb)
        rf",\s+(?:{_TAG_VERBS})\s+{_SPEAKER}(?=\s*[,.;:!?]|\s+(?:of|from|at)\b|\s*$)",
        _DESCRIBED_FIRST,
        # Putin said / Putin also said / Putin strongly warned / He bluntly declared / Mr
        # Schroeder - a staunch supporter of the pact - said
        rf"{_LEAD_IN}{_SPEAKER}(?:,[^,]{{1,80}},|\s[-–—]\s[^-–—“”\"]{{1,80}}\s[-–—])?(?:\s+on\s+[A-Z][a-z]+day)?\s+(?:ha[sd]\s+)?(?:{_ADVERB}|also\s+)?(?:{_VERBS})\b",
        # But Dunne is keen to put that period behind him and said: one subject, two verbs
        # (not "Oxfam senior policy adviser Max Lawson welcomed it and said")
        rf"{_LEAD_IN}{_SPEAKER}\s+{_PREDICATE}[^“”\"’,;:.]{{0,80}}?\s+and\s+(?:then\s+|also\s+)?"
        rf"(?:{_ADVERB})?(?:{_VERBS})\b{_NOT_SPEECH_AFTER}",
        # "according to Q magazine editor Paul Rees": the person, not the magazine
        rf"\baccording to\s+(?:[A-Z][\w\-]*\s+)?(?:[a-z][\w\-]*\s+){{1,3}}{_FULL_NAME}{_NAME_ENDS}",
        rf"\baccording to\s+(?:\w+\s+){{0,4}}?{_SPEAKER}",
        # ... shadow chief secretary to the Treasury, George Osborne, said:
        rf",\s+{_FULL_NAME},\s+(?:{_ADVERB})?(?:{_VERBS})\b",
        # ... remains undimmed, Alan Milburn, Labour's election strategist told Radio 4
        rf",\s+{_FULL_NAME},\s+[\w’'\-]+['’]s\s+(?:[a-z\-]+\s+){{0,3}}(?:{_VERBS})\b",
        _DESCRIBED,
        # “...,” David Kim, an analyst at Sejong Securities, told Reuters.
        rf"[”\"’],?\s+{_SPEAKER},[^,“”\"]{{1,80}}?,?\s+(?:{_VERBS})\b",
        _ANYWHERE,
    )
)

# Patterns tried only on sentences that hold their cue (most don't): on every sentence the
# "quoted" ones cost a sixth of the extraction time, the described speaker's a tenth. Kept by
# id, as hashing a compiled pattern hashes its text.
_CUES: dict[int, Callable[[str], bool]] = {
    **{id(p): (lambda s: "quoted" in s) for p in _PATTERNS if "quoted" in p.pattern},
    **{
        id(p): (lambda s: _DESCRIPTION.search(s) is not None)
        for p in _PATTERNS
        if p.pattern == _DESCRIBED
    },
}
# The patterns that tag a closing quote with its speaker ("…,” said X): a quote running over
# several sentences is given where it closes.
_QUOTE_TAGS = tuple(p for p in _PATTERNS if p.pattern.startswith("[”"))
_LOOK_AHEAD = 4
_RELATIVE_BEFORE = re.compile(
    r"\b(?:husband|wife|son|daughter|father|mother|brother|sister|spouse|partner),?\s+$"
)
# The words of a quote that opens the sentence, up to where it closes (or the sentence
# ends): no tag lies inside. Scraped copy closes with any mark ("…,” “…,'' “…,’’ “…?“), and
# mid-sentence a straight mark may close or open a quote.
_OPENING_QUOTE = re.compile(r"\s*[“\"](?:(?![”“\"]|''|’’).)*", re.DOTALL)

# Where names are learnt, with any title before them ("Labour MP Stephen Pound" makes "the
# MP" his).
_TITLE_ACRONYMS = "|".join(sorted(w for w in TITLES if w.isupper()))
_NAME_RUN = re.compile(
    rf"\b(?:[A-Z][a-z]+|{_TITLE_ACRONYMS})(?:\s+(?:[A-Z][a-z]+|{_TITLE_ACRONYMS})){{1,7}}\b"
)
# A role may be capitalised ("the Ealing North MP", "The Prime Minister said").
_ROLE = r"(?P<role>(?:[A-Za-z][\w\-]*\s+){0,2}[A-Za-z]+)"
# "The chancellor said", "“…,” said the prime minister", "“…,” the home secretary told MPs".
_ROLE_PATTERNS = (
    re.compile(rf"{_LEAD_IN}[Tt]he\s+{_ROLE}\s+(?:{_ADVERB})?(?:{_VERBS})\b"),
    re.compile(rf"[”\"’],?\s+(?:{_VERBS})\s+the\s+{_ROLE}\s*[,.]"),
    re.compile(rf"[”\"’],?\s+the\s+{_ROLE}\s+(?:{_VERBS})\b"),
)

# "The Oscar winner said", "the defender said:", "“…,” said the 43-year-old": an epithet for
# the person the story is about, with up to three words before it ("the former Scotland
# international").
_EPITHET = rf"(?:\d+-year-old|{'|'.join(sorted(EPITHETS, key=len, reverse=True))})"
_EPITHET_SPEAKS = re.compile(
    rf"(?:{_LEAD_IN}|[”\"’],?\s+|,\s+|\b(?:and|but)\s+)[Tt]he\s+(?:[\w’'\-]+\s+){{0,3}}?"
    rf"{_EPITHET}\s+(?:{_ADVERB}|also\s+)?(?:{_VERBS})\b{_NOT_SPEECH_AFTER}"
    rf"|[”\"’],?\s+(?:{_VERBS})\s+the\s+(?:[\w’'\-]+\s+){{0,3}}?{_EPITHET}(?=\s*[,.;:!?]|\s*$)"
)
# A firm named by what it is: "The company said", "the German giant has said", "…, the bank
# said.", "“…,” said the firm." Who it is, `firms.article_firm` reads from the article; the
# words before the noun must fit it.
_FIRM_AS = rf"(?:[\w’'\-]+\s+){{0,2}}?(?:{FIRM_NOUN})"
_FIRM_SPEAKS = re.compile(
    rf"(?:{_LEAD_IN}|[”\"’],?\s+|,\s+)[Tt]he\s+(?P<before>{_FIRM_AS})\s+"
    rf"(?:ha[sd]\s+)?(?:{_ADVERB}|also\s+)?(?:{_VERBS})\b{_NOT_SPEECH_AFTER}"
    rf"|[”\"’],?\s+(?:{_VERBS})\s+the\s+(?P<after>{_FIRM_AS})(?=\s*[,.;:!?]|\s*$)"
)
# Whether an article calls anything "the company": most don't, and need no firm looked for.
_A_FIRM_NOUN = re.compile(rf"\b[Tt]he\s+{_FIRM_AS}\b")
_A_MANAGER = re.compile(r"\b(?:manager|coach|boss|chairman)\s+$")
# Whether an article uses an epithet at all: most don't, and need no second reading.
_AN_EPITHET = re.compile(rf"\b[Tt]he\s+(?:[\w’'\-]+\s+){{0,3}}?{_EPITHET}\b")

# An office or a document speaks: “…,” the ministry said. It may go on quoting a body ("the
# Economy Ministry said … the ministry said"), never a person: "Xie said …. Taiwan's foreign
# ministry welcomed Pelosi. “…,” the ministry said" is not Xie's; nor is "Prof Gellhorn said
# …. “…,” the lawsuit said" the professor's. ("The company" is left out: one-word firms,
# "Renault said", cannot be told from people; `_FIRM_SPEAKS` gives it to the article's firm.)
_OFFICE_SPEAKS = re.compile(
    r"[”\"’],?\s+(?:the|a|an|its|their)\s+(?:[\w\-]+\s+){0,2}?"
    r"(?P<office>ministry|department|embassy|agency|statement|report|government|commission"
    r"|committee|council|court|office|police"
    r"|lawsuit|suit|complaint|filing|indictment|ruling|letter|memo|study|survey)"
    rf"\s+(?:{_ADVERB})?(?:{_VERBS})\b"
)

# Someone unnamed speaks: "A spokesman for the company said", "Mr Blair's official
# spokesman said:".
_SPOKESPERSON = re.compile(
    rf"\bspokes(?:man|woman|person)\s+(?:for\s+[^,.“”\"]{{1,60}}?\s+)?(?:{_VERBS})\b"
)
# A body speaking through someone unnamed: "A spokesman for the Oxford University Press
# said", "a Tesco spokeswoman said".
_SPOKESPERSON_OF = re.compile(r"\b[Aa]n?\s+(?:[\w’'\-]+\s+){0,4}?spokes(?:man|woman|person)\b")
# How many sentences after a body's spokesman spoke "he said" can still mean him.
_SPOKESMAN_REACH = 4
# A quote given to someone not named: “…,” said the Old Trafford boss; “…,” the newspaper
# quoted the executive as saying; “…,” the Arsenal boss is quoted as saying.
_UNNAMED_SPEAKER = re.compile(
    rf"[”\"’],?\s+(?:(?:{_VERBS})\s+|[^“”\"]{{0,40}}?\bquoted\s+)(?:the|a|an|one|his|her|their)\b"
    rf"|[”\"’],?\s+(?:the|a|an|his|her|their)\s+[^“”\"]{{0,40}}?\b(?:is|was)\s+quoted\s+as\b"
    # "One of the officers who confronted Murton said"
    rf"|^\s*(?:One|Some|Many|Several)\s+of\s+(?:the|them|his|her|their)\b[^“”\"]{{0,60}}?"
    rf"(?<!was )(?<!were )\b(?:{_VERBS})\b"
)

# A digest's quote of the day: the quote has a paragraph to itself, and the next line names
# its speaker after a dash, then what they were doing ("-- WNBA legend Sue Bird, announcing
# on Thursday that she will retire", "-- Inia Seruiratu, Fiji's minister for defense,
# saying"). A reporter's byline after a quote ("-- John Fritze", "– Shari Rudavsky,
# Indianapolis Star") says nothing of what they were doing.
_DASHES = ("--", "—", "–")
_DASH_LINE = re.compile(
    r"\n\s*(?:--|—|–-?)\s*(?P<who>[^,\n]{2,80}?),\s+(?:[^,\n]{1,80}?,\s+)?"
    r"(?:[a-z]+ing|on|in|after|about|when)\b"
)


@dataclass(frozen=True)
class Statement:
    """A sentence that quotes or reports someone, with the resolved speaker's name."""

    speaker: str
    sentence: str
    start: int
    end: int
    direct: bool


def _is_quote(sentence: str) -> bool:
    return any(q in sentence for q in _OPEN_QUOTES) or sentence.startswith(("'", '"'))


@lru_cache(maxsize=512)
def statements(text: str) -> tuple[Statement, ...]:
    """Every quoting or reporting sentence in `text` with its speaker.

    "He said" and quote-only continuations resolve to the most recent named speaker, which is
    how news copy attributes a run of quotes. An epithet ("the defender said") means the
    person the first sentence names, when that person speaks elsewhere in the article too:
    a club or a firm named first ("Manchester United have signed …") never does. "The
    company said" means the firm the first sentence names (`firms.article_firm`).
    """
    firm = _firm(text)
    found = _statements(text, None, firm)
    if _AN_EPITHET.search(text) is None:
        return found
    protagonist = _protagonist(text)
    if protagonist is None or not any(s.speaker == protagonist for s in found):
        return found
    return _statements(text, protagonist, firm)


def _first_sentence(text: str) -> str:
    first = next(sentence_spans(text), None)
    return text[first[0] : first[1]] if first else ""


def _firm(text: str) -> Firm | None:
    """The firm "the company said" means in `text`, if the article ever says so."""
    if _A_FIRM_NOUN.search(text) is None:
        return None
    return article_firm(text, _first_sentence(text))


def _firm_speaks(sentence: str, firm: Firm) -> bool:
    """ "The company said", "the German giant said": the article's firm, if the words
    before the noun fit it ("the NBC network" is not ABC, "the German giant" not IBM)."""
    said = _FIRM_SPEAKS.search(sentence)
    return said is not None and firm.fits(said.group("before") or said.group("after") or "")


def _protagonist(text: str) -> str | None:
    """The first person the article's first sentence names in full ("Lord of the Rings
    director Peter Jackson has said …": Peter Jackson)."""
    lead = _first_sentence(text)
    for run in _NAME_RUN.finditer(lead):
        name = clean_name(run.group())
        if len(name.split()) >= 2 and not (names_a_body(name) or names_a_country(name)):
            # A manager's story quotes his players: "the Tottenham striker" is not Kerr.
            return None if _A_MANAGER.search(lead, 0, run.start()) else name
    return None


def _statements(text: str, protagonist: str | None, firm: Firm | None) -> tuple[Statement, ...]:
    book = NameBook()
    genders = Genders()
    last_speaker: str | None = None
    # The person the last sentence without speech was about ("Ms Kelly has not set out her
    # views. ..., she said."): whom a pronoun means, though not whom a bare quote continues.
    subject: str | None = None
    in_quote = False
    # A body that spoke through an unnamed spokesman, and the sentence where it did: "he
    # said" soon after means the spokesman ("A spokesman for the Oxford University Press
    # said …. “…,” he said.").
    voiced: tuple[str, int] | None = None
    found: list[Statement] = []
    spans = list(sentence_spans(text))
    for i, (start, end) in enumerate(spans):
        sentence = text[start:end]
        for run in _NAME_RUN.finditer(sentence):
            raw = run.group()
            name = clean_name(raw)
            if len(name.split()) >= 2 and not _a_relative_of_someone_named(
                name, sentence[: run.start()], book
            ):
                book.learn(name)
                book.learn_role(raw, name)
            if name:
                genders.learn_titles(raw, name, book.in_full)
        speaker = _speaker_of(with_short_names(sentence))
        direct = _is_quote(sentence)
        genders.learn_words(sentence, book.in_full)
        if speaker in _PRONOUN_WORDS:
            # Not the sentence's own subject: in "Mr Blair has failed, he claimed" it is
            # whom the speaker talks about. Nor a woman for "he": then someone the article
            # has not named speaks ("he added", of an officer, after Laura Murton's words).
            pronoun = speaker
            fits = [
                c
                for c in (subject, last_speaker)
                if c
                and not (firm and c == firm.name)
                and _may_mean(book.in_full(c), pronoun, genders)
            ]
            speaker = fits[0] if fits else None
            if (
                speaker is None
                and voiced
                and voiced[0] == last_speaker
                and i - voiced[1] <= _SPOKESMAN_REACH
            ):
                speaker = last_speaker
            if speaker is None:
                last_speaker = None
        elif speaker in NATIONALS:  # someone else speaks, unnamed
            speaker = last_speaker = None
        elif speaker:
            speaker = book.learn(speaker)
        elif by_role := _role_speaker(sentence, book):
            speaker = by_role
        elif firm and _firm_speaks(sentence, firm):
            speaker = firm.name
        elif (
            protagonist
            and last_speaker in (None, protagonist)
            and subject in (None, protagonist)
            and _EPITHET_SPEAKS.search(sentence)
        ):
            # Only while no one else speaks or is spoken of: "the defender said" after
            # Keegan's words may be anyone's.
            speaker = protagonist
        elif _UNNAMED_SPEAKER.search(sentence) or _SPOKESPERSON.search(sentence):
            last_speaker = None  # “…,” said the club's boss: someone else speaks now
        elif last_speaker and _an_office_after_a_person(sentence, last_speaker):
            last_speaker = None
        elif tagged := _tag_where_quote_closes(text, spans[i : i + 1 + _LOOK_AHEAD]):
            speaker = book.learn(tagged)
        elif direct and (dashed := _dash_line_speaker(text, start)):
            speaker = book.learn(dashed)
        elif sentence.startswith(_DASHES):
            # A byline or a digest's speaker line ends the item: a quote after it is not
            # the last speaker's.
            last_speaker = None
        elif (
            last_speaker
            and not _a_place(last_speaker)
            and (
                (direct and sentence.lstrip().startswith(_QUOTE_OPENERS))
                or (
                    in_quote
                    and found
                    and found[-1].end == spans[i - 1][1]
                    and _closes_in_paragraph(text, found[-1].end, start)
                )
            )
        ):
            # A quote standing alone right after an attributed one continues it, as do the
            # sentences of a quote the attributed one left open ("…,” Furman wrote. “Supply
            # is inelastic. Most of the cut would be pocketed by industry.”). A country's
            # words ("Beijing claims", "Russia denied") are reported, and a quote after
            # them is someone's.
            speaker = last_speaker
        if speaker:
            if _SPOKESPERSON_OF.search(sentence) and not _may_mean(
                book.in_full(speaker), "he", genders
            ):
                voiced = (speaker, i)
            last_speaker = speaker
            subject = None
            found.append(Statement(speaker, sentence, start, end, direct))
        elif not direct and not in_quote:
            subject = named_subject(sentence, book) or subject
        in_quote = still_quoting(sentence, in_quote)
    return tuple(found)


def _dash_line_speaker(text: str, start: int) -> str | None:
    """For a quote that is a paragraph of its own (from `start`), the person the next line
    names after a dash, when that line goes on to say what they were doing."""
    # (Only the line's own start is read: a copy of the text before it, for every quote,
    # would cost as much as the article is long.)
    if text[text.rfind("\n", 0, start) + 1 : start].strip(" \t"):
        return None  # the quote does not open its paragraph
    end = text.find("\n", start)
    if end == -1:
        return None  # no line after it
    paragraph = text[start:end].rstrip()
    if not (paragraph.startswith(("“", '"')) and paragraph.endswith(("”", '"'))):
        return None
    line = _DASH_LINE.match(text, end)
    if line is None:
        return None
    who = line.group("who")
    # The name ends the description: "WNBA legend Sue Bird", not "Saudi Arabia's Ministry".
    runs = [run for run in _NAME_RUN.finditer(who) if run.end() == len(who)]
    name = clean_name(runs[-1].group()) if runs else ""
    if len(name.split()) < 2 or names_a_body(name) or names_a_country(name):
        return None
    return name


def _closes_in_paragraph(text: str, previous_end: int, start: int) -> bool:
    """Whether the sentence at `start` can be more of a quote the sentence before it left open:
    it is in the same paragraph, and the quote closes before the paragraph ends. A web page's
    stray mark leaves a quote open for good, and would give the rest of the page to one
    speaker."""
    if "\n" in text[previous_end:start]:
        return False
    end = text.find("\n", start)
    rest = text[start : end if end != -1 else len(text)]
    return '"' in rest or "”" in rest


def _may_mean(name: str, pronoun: str, genders: Genders) -> bool:
    """Whether "he" or "she" can mean `name` (in full): never a body or a country, nor
    someone the article shows is of the other sex."""
    return not (names_a_body(name) or names_a_country(name)) and genders.allows(name, pronoun)


def _an_office_after_a_person(sentence: str, last_speaker: str) -> bool:
    """Whether an office or a document speaks in `sentence` (“…,” the ministry said) after a
    person did: then someone else's words begin. After a body ("US Embassy", "CDC") or a
    place it may be the same speaker's."""
    office = _OFFICE_SPEAKS.search(sentence)
    if office is None or names_a_body(last_speaker) or _a_place(last_speaker):
        return False
    return office.group("office").lower() not in last_speaker.lower()


def _a_relative_of_someone_named(name: str, before: str, book: NameBook) -> bool:
    """ "Her husband, Patrick Jackson": a relative named in passing who shares a surname the
    article already gave someone, whom that surname still means."""
    surname = name.split()[-1]
    return surname in book.full and bool(_RELATIVE_BEFORE.search(before))


def _role_speaker(sentence: str, book: NameBook) -> str | None:
    """The person a role names where a sentence attributes to it ("The chancellor said",
    "“…,” said the prime minister"), if the article named someone with that role before."""
    for pattern in _ROLE_PATTERNS:
        for match in pattern.finditer(sentence):
            if who := book.by_role(match.group("role")):
                return who
    return None


def _tag_where_quote_closes(text: str, spans: Sequence[tuple[int, int]]) -> str | None:
    """For a sentence (the first of `spans`) that opens a quote and does not close it
    (“Adults can choose. Children can't,” said Tessa Jowell.), the speaker named where the
    quote closes, in one of the sentences after it, if it is named."""
    first = text[spans[0][0] : spans[0][1]].lstrip()
    if not first.startswith(_QUOTE_OPENERS) or _closes_quote(first):
        return None
    for start, end in spans[1:]:
        sentence = text[start:end]
        if sentence.lstrip().startswith(_QUOTE_OPENERS):
            return None  # another quote opens: the first was left open, or runs on by paragraph
        if not _closes_quote(sentence):
            continue
        speaker = _speaker_of(sentence, _QUOTE_TAGS)
        return None if speaker in _PRONOUN_WORDS else speaker
    return None


def _closes_quote(sentence: str) -> bool:
    """Whether a quote mark closes in `sentence`: one past any that opens it (news copy opens
    each paragraph of a long quote again without closing the one before)."""
    body = sentence.lstrip()
    if body.startswith(('"', "“")):
        body = body[1:]
    return "”" in body or '"' in body


def _speaker_of(sentence: str, patterns: Sequence[re.Pattern[str]] = _PATTERNS) -> str | None:
    opening = _OPENING_QUOTE.match(sentence)
    said_until = opening.end() if opening else 0
    for pattern in patterns:
        cue = _CUES.get(id(pattern))
        if cue is not None and not cue(sentence):
            continue
        for match in pattern.finditer(sentence):
            who, start = match.group("who"), match.start("who")
            if start < said_until:
                continue  # "“… I believe he will, come to the point where he says …”"
            if (
                pattern.pattern == _ANYWHERE
                and _NOT_A_SUBJECT.search(sentence, 0, start)
                and not TITLES.intersection(who.split())  # "in California Mr Torvalds said"
            ):
                owner = _PERSON_OF.search(sentence, 0, start)
                if owner is None:
                    continue
                who = _owner_speaker(owner.group("who"), owner.group("link"), who)
                if not who:
                    continue
            # (Only the few characters before the name: a search of the whole sentence
            # before it would cost a tenth of the extraction.)
            if opens_with_a_phrase(who) or _INDEFINITE.search(sentence, max(0, start - 16), start):
                continue  # "Of Hepburn, she said", "A UK Independence Party MEP suggested"
            if who in _PRONOUN_WORDS:
                return who
            if who.split()[-1] in TITLES and sentence.endswith("the ", 0, start):
                continue  # "said the Ealing North MP": a role, whoever holds it
            if _the_national(who, sentence[:start]):
                return "he"
            if (pattern.pattern == _DESCRIBED_FIRST or _where(sentence, start)) and _a_place(who):
                continue  # "reports in China"; "Russia, Sweden's minister told CNN, wants"
            name = clean_name(who)
            if name and name.split()[0] not in NOT_PEOPLE:
                return name
    return None


# "in Michigan and ": the place before "and" is where, and so is the one after it.
_PLACE_BEFORE_AND = re.compile(r"\b(?:in|to|from)\s+[A-Z][\w\-]*(?:\s+[A-Z][\w\-]*)*\s+and\s+$")


def _a_place(who: str) -> bool:
    """A country or its capital ("China", "Washington", "Moscow")."""
    return who in CAPITALS or who == "Washington" or names_a_country(who)


def _where(sentence: str, start: int) -> bool:
    """Whether a place named at `start` is where or what, not who speaks ("press reports in
    China said", "the ambassador to Washington told", "reports from China", "Republicans in
    Michigan and Washington say"), or is spoken of by someone else ("an official told CNN
    that Russia has asked", "the island that Beijing claims as its own")."""
    if sentence.endswith(" that ", 0, start):
        return True
    if sentence.endswith(" and ", 0, start):
        return bool(_PLACE_BEFORE_AND.search(sentence, max(0, start - 60), start))
    return sentence.endswith((" in ", " to ", " from "), 0, start) and not sentence.endswith(
        "according to ", 0, start
    )


def _the_national(who: str, before: str) -> bool:
    """ "The Russian added", "“…,” the Brazilian said": in news copy a nationality after
    "the" refers back, like "he", to the player just quoted (without "the", "German" and
    "Italian" may be surnames). "Said the New Zealander": a nationality may take two words."""
    words = who.split()
    if words[0] in ("The", "the"):
        words, before = words[1:], "the "
    return before.endswith(("the ", "The ")) and " ".join(words) in DEMONYMS


def _owner_speaker(run: str, link: str, place: str) -> str | None:
    """Who speaks in "RUN of PLACE said": the person ("Nicolas Sarkozy of France", "Lord
    Roberts of Conwy"), the body ("the Bank of England"), or None when the run is neither
    ("Bank" alone, "Archbishop" alone)."""
    name = clean_name(run)
    if not name:
        return None
    if name.split()[-1] in BODIES:
        return f"{name} {link} {place}" if link == "of" else None
    if len(name.split()) >= 2 or TITLES.intersection(run.split()):
        return name
    return None


_REPORTING = re.compile(rf"\b(?:{_VERBS})\b")


def quote_open_after(paragraph: Iterable[str]) -> bool:
    """Whether a quote is still open after the sentences of a paragraph so far, read one by
    one as the extractor reads them: a middle sentence of a long quote has no mark of its
    own, and BBC copy opens a quote again without closing the last ("… win. "My men …")."""
    is_open = False
    for sentence in paragraph:
        is_open = still_quoting(sentence, is_open)
    return is_open


def quote_goes_on(quote_open: bool, following: str) -> bool:
    """Whether `following` is more of a quote: the quote is still open, or `following` is a
    quote standing alone ("“…,” he said. “And more.”"), not a new report ("Mr Blair
    dismissed claims, saying: …")."""
    return quote_open or following.lstrip().startswith(_QUOTE_OPENERS)


def reports_speech(sentence: str) -> bool:
    """Whether `sentence` reports someone's words ("“…,” said the Liverpool player", "The
    chancellor's budget speech praised …"), named or not."""
    return _REPORTING.search(sentence) is not None


def speaker_matches(speaker: str, wanted: str) -> bool:
    """'Vladimir Putin' matches 'Putin', 'putin' and 'Vladimir Putin'; 'Kilroy-Silk' (a
    speaker known only by surname) matches 'Robert Kilroy-Silk' and 'kilroy'; 'Zelenskyy'
    matches 'Volodymyr Zelensky' (`fold_spelling`)."""
    words = fold_name(speaker).split()
    have = {*words, *(part for w in words if "-" in w for part in w.split("-") if part)}
    wanted = clean_name(wanted) or wanted  # "Culture Secretary Tessa Jowell" asks for her
    want = [
        fold_spelling(w.lower())
        for w in wanted.split()
        if w[:1].isupper() or len(wanted.split()) == 1
    ]
    if len(words) == 1 and want and want[-1] == words[0]:
        return True  # the article named them by surname only
    return bool(want) and all(w in have for w in want)
