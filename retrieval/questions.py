"""Reading a question: what kind of answer it wants, who it asks about, and follow-ups."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass

from retrieval.errors import EmptyQuestionError, QuestionTooLongError
from retrieval.lexical import STOPWORDS, terms, word_set
from retrieval.news_requests import switched_follow_up
from retrieval.speaker_names import BODIES, TITLES

MAX_QUESTION_CHARS = 2_000

_SAY = re.compile(
    r"^\s*(?:and\s+|so\s+)?(?:what|how)\s+(?:did|does|has|have|do|had)\s+(?P<who>.+?)\s+"
    r"(?P<verb>say|said|tell|told|think|thinks|warn|warned|announce|announced|claim|claimed|"
    r"react|respond|reacted|responded|describe|described|mean|promise|promised|pledge|"
    r"pledged|vow|vowed|admit|admitted|argue|argued|insist|insisted|predict|predicted|"
    r"deny|denied|urge|urged|suggest|suggested|write|wrote|reveal|revealed)"
    r"(?:\s+(?P<prep>about|on|regarding|of|concerning|to)\s+(?P<topic>.+?)|\s+(?P<object>.+?))?"
    r"\s*[?.!]*\s*$",
    re.IGNORECASE,
)
# Verbs whose object says what the words were about: "What did Putin promise Kim?", "What
# did he tell reporters about Seoul?", "What did Apple announce at WWDC?". After "think" or
# "say" it is another question ("What did people think the war would cost?").
_TAKES_OBJECT = word_set(
    "tell told promise promised pledge pledged warn warned urge urged announce announced "
    "reveal revealed deny denied admit admitted predict predicted"
)
_REACTING = word_set("react reacted respond responded")
_AUDIENCE = re.compile(r"^.+?\s+about\s+(?=\S)", re.IGNORECASE)
_DANGLING = re.compile(r"(?:^|\s+)(?:about|on|regarding|of|concerning|to)$", re.IGNORECASE)
# When it was said ("this week", "yesterday", "on Monday", "in June 2024") is the timeframe's
# business: left in, it hides the speaker ("what did Kim say this week") or joins the topic.
_MONTH = "|".join(m for m in calendar.month_name if m)
_DAY = "|".join(d for d in calendar.day_name)
_WHEN_SAID = re.compile(
    # Capitalised, "This Week" and "Today" are programmes ("… on ABC's This Week").
    rf"\s+(?:(?-i:(?:this|last|past)\s+(?:week|weekend|month|year)|today)|yesterday|recently|lately"
    rf"|on\s+(?:{_DAY})|(?:in|on)\s+(?:\d{{1,2}}\s+)?(?:{_MONTH})(?:\s+\d{{1,2}})?(?:,?\s+\d{{4}})?"
    rf"|in\s+\d{{4}})\b",
    re.IGNORECASE,
)
_FOLLOW_UP = re.compile(
    r"^\s*(?:and|but|also|what about|how about|and what about|what else|so)\b|"
    r"\b(?:him|them|it|this|those|these)\b",
    re.IGNORECASE,
)
# "that" refers back where it stands for a thing ("Why did that happen?", "Who said that?",
# "What was in that deal?"), not where it joins a clause ("the man that freed the rats",
# "Did Putin say that Seoul ...").
_THAT_REFERS = re.compile(
    r"(?:^|\b(?:what|why|how|who|when|where|which|is|was|are|were|did|does|do|will|would|has|"
    r"have|had|can|could|about|on|of|after|before|since|with|by|for|to|in|from|over|against|"
    r"and|but)\s+)that\b|\bthat\s*[?.!]*\s*$",
    re.IGNORECASE,
)
# "he", "she", "they" and a possessive "her" refer back unless the question has already
# named someone for them ("Why did Trump say he would fire Powell?").
_SUBJECT_PRONOUN = re.compile(r"\b(?:he|she|they|her(?=\s+[a-z]))\b", re.IGNORECASE)
_NAMED_BEFORE = re.compile(r"\s[A-Z][a-z]")
_OBJECT_HER = re.compile(r"\bher\b(?!\s+[a-z])", re.IGNORECASE)
_PRONOUNS = frozenset({"he", "she", "they", "him", "her", "them"})
_REFERRING = frozenset({"", "it", "that", "this", "them", "those", "these"})
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class Question:
    """A validated question and what we could read from it."""

    text: str
    kind: str  # who | when | where | number | which | say | other
    speaker: str | None = None
    topic: str | None = None
    # "how many counts" -> "counts"; "how many baby swings" -> "baby swings"; "how long" ->
    # "duration"
    unit: str | None = None
    noun: str | None = None  # "which company ..." -> "company": what the answer must name
    latest: bool = False  # "latest", "most recent": newer articles win

    @property
    def focus(self) -> str:
        """The part of the question the answer must be about (for "what did X say", not when
        it was said)."""
        if self.topic:
            return self.topic
        return _WHEN_SAID.sub("", self.text) if self.kind == "say" else self.text

    @property
    def asked(self) -> str:
        """The sentence that asks, without the scene a quiz question sets before it: "Which
        item showed one of the largest price spikes?" of "Grocery prices rose 13%. Which …"."""
        return _asked_part(self.text)


def validate(question: str, limit: int = MAX_QUESTION_CHARS) -> str:
    """The question, cleaned of control characters; raises on empty or oversized input."""
    if len(question) > limit:
        raise QuestionTooLongError(len(question), limit)
    cleaned = " ".join(_CONTROL.sub(" ", question).split())
    if not cleaned or not any(ch.isalnum() for ch in cleaned):
        raise EmptyQuestionError()
    return cleaned


# A first message of "hi" or "help" wants to know what the bot does; answered as a
# question it would cite whatever sentence holds the word "help".
_HELP = re.compile(
    r"^\s*/?(?:help|start|hi|hello|hey|hiya|howdy|good (?:morning|afternoon|evening)|"
    r"what can you do|how does this work|who are you)(?:\s+(?:there|bot|newsbot))?\W*$",
    re.IGNORECASE,
)


def asks_for_help(message: str) -> bool:
    """True when `message` is a greeting or a plea for help rather than a question."""
    return _HELP.match(message) is not None or message.strip() == "?"


# "Kari Huesing of the Yellowstone Gateway Inn": a person and where they work. A body's own
# name keeps its "of" ("Bank of England", "Prime Minister of Japan"): a title or a body word
# comes before it.
_AFFILIATED = re.compile(
    r"^(?P<person>[A-Z][\w'’.-]+(?:\s+[A-Z][\w'’.-]+)+?)\s+(?:of|from|at)\s+(?:the\s+)?[A-Z]"
)


# "ODI analyst Ganeshan Wignaraja", "fire official Matt Ahern": a role in lower case, and
# what it is at, before the name. Not "the Bank of England" nor "Tom and Jerry Mills".
_DESCRIBED = re.compile(
    r"^(?P<role>.*\b(?!(?:of|from|at|and|the|de|del|der|van|von|bin|al|da|du|le|la)\s)"
    r"[a-z][\w'’-]*)\s+(?P<person>[A-Z][\w'’.-]+(?:\s+[A-Z][\w'’.-]+)+)$"
)


# "What did Liz Cheney say after losing the primary?": when the words were said, which, as
# with "react to", they need not name.
_OCCASION = re.compile(
    r"(?:after|following|when|while|during|in (?:response|reaction|reply) to|upon|on "
    r"(?:hearing|learning|losing|winning))\b",
    re.IGNORECASE,
)


def _person_alone(who: str) -> str:
    """The speaker without where they work or what they do there, when it names a person:
    quotes are filed under the name alone."""
    found = _AFFILIATED.match(who) or _DESCRIBED.match(who)
    if found is None:
        return who
    person = found.group("person")
    return who if any(word in TITLES or word in BODIES for word in person.split()) else person


def parse(question: str) -> Question:
    say = _SAY.match(_WHEN_SAID.sub("", question))
    occasion = say is not None and _OCCASION.match(say.group("object") or "") is not None
    if say and (not say.group("object") or say.group("verb").lower() in _TAKES_OBJECT or occasion):
        who = _person_alone(say.group("who").strip())
        said_to = _DANGLING.sub("", say.group("object") or "")  # "warn about?"
        topic = (say.group("topic") or said_to).strip() or None
        if topic and (say.group("prep") or "").lower() != "about":
            # "… say on the Today programme about Blunkett", "… tell reporters about
            # Seoul": where or to whom it was said is not what it was about.
            topic = _AUDIENCE.sub("", topic)
        if say.group("verb").lower() in _REACTING or occasion:
            # "How did Seoul react to the pact?": the pact is what was answered, which the
            # answer need not name ("Seoul said it would consider sending arms").
            topic = None
        return Question(question, "say", speaker=who, topic=topic)
    # Quiz-style questions set the scene first ("A court ruled ... . How many months was her
    # detention extended?"): the last sentence says what is asked.
    asked = _asked_part(question).lower()
    if _WHO.search(asked):
        kind = "who"
    elif re.search(r"^\s*when\b|\bwhat (?:year|date|day|month|time)\b|\bwhen\s*\?\s*$", asked):
        kind = "when"
    elif re.match(r"^\s*where\b", asked) or re.search(rf",\s*where\s+{_AUX}", asked):
        kind = "where"
    elif re.search(r"\bwhat (?:percentage|percent|share|proportion)\b", asked):
        return Question(question, "number", unit="percent")
    elif re.search(r"\bhow (?:many|much|long|old|far|big|large|high|tall|deep|fast|hot)\b", asked):
        if re.search(r"\bhow long\b", asked):
            return Question(question, "number", unit="duration")
        if _COSTS.search(asked):
            return Question(question, "number", unit="money")
        return Question(question, "number", unit=_counted(asked))
    elif _NAME_ASKED.search(asked):
        kind = "which"  # "What is the mission called?" asks for a name
    elif noun := _which_noun(asked):
        return Question(question, "which", noun=noun)
    else:
        kind = "other"
    return Question(question, kind)


# "How much did the bidder pay?" asks for money, "how much have prices risen?" does not.
_COSTS = re.compile(
    r"\bhow much\b.*\b(?:costs?|pay|paid|price|spend|spent|worth|raised?|sell|sold|fined?)\b"
)
_AUX = r"(?:is|are|was|were|did|does|do|will|would|can|could|has|have|had)\b"
# "What is the mission called?", "What is her name?", "What's the title of her novel?",
# "What is it titled?": a name is asked for.
_NAME_ASKED = re.compile(
    r"^\s*what\s+(?:is|are|was|were)\b.*\bcalled\b|\bcalled\s+what\b"
    r"|^\s*what(?:\s+(?:is|was)|['’]s)\s+(?:(?:his|her|its|their|the)\s+)?(?:name|title)\b"
    r"|^\s*what\s+(?:is|was|will)\s+(?:it|they|he|she)\s+(?:be\s+)?(?:titled|named)\b"
)
# "Who won ...", and in the middle only after a preposition ("paving the way for who to
# advance", "an affair with who?"): "a coach who ..." is a relative clause.
_WHO = re.compile(
    r"^\s*(?:who|whom|whose)\b|\b(?:for|with|to|by|from|about|of|on)\s+(?:who|whom)\b"
)
_WHICH = re.compile(
    # "which 23-time champion", "which “Star Trek” character"
    r"^\s*(?:which|what)\s+(?!is\b|are\b|was\b|were\b|did\b|does\b|do\b)(?P<start>[a-z0-9“\"])"
    # "... are struggling to stock which condiment": the wh-word in the middle, not after a
    # comma (", which was passed" is a relative clause).
    r"|(?<!,)\s(?:which|what)\s+(?!is\b|are\b|was\b|were\b|did\b|does\b|do\b|the\b|a\b|an\b|"
    r"he\b|she\b|it\b|they\b|we\b|you\b|this\b|that\b)(?P<mid>[a-z])"
    # After a comma only when a noun phrase and an auxiliary follow: "Following the attack,
    # which fellow author did Rowling row with?" asks; ", which was passed" does not.
    rf"|,\s+which\s+(?P<comma>[a-z](?:[\w'’\-]+\s+){{1,4}}?){_AUX}"
)
# Words that cannot be inside the noun phrase after "which" or "how many": auxiliaries,
# prepositions, determiners, pronouns and conjunctions end it ("how many baby swings and
# rockers were ...", "how many seconds may ...").
_NOT_IN_PHRASE = word_set(
    "is are was were be been being did does do has have had will would can could should "
    "may might must shall in of on at to for from with by about during after before over "
    "under into since than as the a an his her its their our your my this that these "
    "those he she it they we you i who whom whose which and or but not"
)


def _which_noun(asked: str) -> str | None:
    """The head noun asked for: "which wildly popular show was ..." -> "show", "which team
    won the cup" -> "team", "which high-ranking US official tested ..." -> "official",
    "which town's ban" -> "town"."""
    match = _WHICH.search(asked)
    if not match:
        return None
    rest = asked[match.start(next(g for g in ("start", "mid", "comma") if match[g])) :]
    rest = re.split(r"[,.;:?!(]", rest, maxsplit=1)[0].replace("’", "'")
    words = re.findall(r"[a-z][\w'\-]*", rest)
    phrase: list[str] = []
    for i, word in enumerate(words[:5]):
        if word in _NOT_IN_PHRASE or word in _COMMON_VERBS:
            break
        if word.endswith("'s"):  # "which company's stock": the company is asked for
            return word.removesuffix("'s")
        after_adverb = bool(phrase) and phrase[-1].endswith("ly")
        following = words[i + 1] if i + 1 < len(words) else ""
        # A verb ends the phrase: a past form ("tested"), an adverb after the noun ("country
        # recently prompted"), a word before an object ("won the cup").
        if (
            phrase
            and not after_adverb
            and (
                (word.endswith("ed") and len(word) > 4)
                or word.endswith("ly")
                or following in _OBJECT_START
            )
        ):
            break
        phrase.append(word)
    while phrase and phrase[-1].endswith("ly"):
        phrase.pop()
    return phrase[-1] if phrase else None


_OBJECT_START = word_set("the a an his her its their")
# Verbs that neither end in -ed nor come before an object in questions news quizzes ask.
_COMMON_VERBS = word_set(
    "won bought sold made said took got left led hit set put gave told became began "
    "brought came went saw ran held lost met paid sent spent struck wrote shut cut fell "
    "rose drew grew chose broke kept beat remains remain makes plans faces wants needs "
    "says hopes seems looks appears"
)


def _counted(asked: str) -> str | None:
    """What "how many" counts: the words of its noun phrase, up to three."""
    after = re.search(r"\bhow many\s+(.*)", asked)
    if not after:
        return None
    words: list[str] = []
    for word in re.findall(r"[a-z][\w\-]*", after.group(1)):
        if word in _NOT_IN_PHRASE or len(words) == 3:
            break
        words.append(word)
    return " ".join(words) or None


# A sentence ends at . ! or ? before a capital, but not after an initial or an abbreviation:
# "Roe v. Wade", "U.S. Supreme Court", "Mr. Happy Face".
_SENTENCE_BREAK = re.compile(
    r"(?<!\s\w\.)(?<!\.\w\.)(?<!\bMr\.)(?<!\bMrs\.)(?<!\bMs\.)(?<!\bDr\.)(?<!\bSt\.)"
    r"(?<=[.!?])\s+(?=[A-Z])"
)


def _asked_part(question: str) -> str:
    """The last sentence of the question, where the question word is."""
    parts = [p for p in _SENTENCE_BREAK.split(question.strip()) if p.strip()]
    return parts[-1] if parts else question


# Words that ask for news without saying about what: "What's the latest news?", "Tell me
# today's headlines", "What happened this week?". Time words count too, since the period is
# read separately.
NEWS_WORDS = word_set(
    """
    news latest newest new headline headlines story stories top main big biggest update updates
    happened happening happen going on going's what's whats anything something today today's
    tonight yesterday week weekend month year this last past recent recently lately now
    currently current summary summarize summarise brief briefing digest roundup overview
    recap rundown highlights key points catch
    tell give show me us please hi hello hey any anything's there there's so far
    monday tuesday wednesday thursday friday saturday sunday morning evening
    """
)
_WORD = re.compile(r"[a-z]+(?:['’][a-z]+)?")
_ASKING = word_set(
    "news latest newest new headline headlines stories happened happening summary summarize "
    "summarise brief briefing digest roundup overview recap rundown highlights points catch"
)
# "Summarize it" or "What's new on that?" after a question asks about its subject.
_BACK_REFERENCE = re.compile(rf"\b(?:{'|'.join(sorted(_REFERRING - {''}))})\b", re.IGNORECASE)


def is_digest(question: str) -> bool:
    """Whether `question` asks what is new rather than about something: every word is about
    news, time or asking, and at least one asks for news ("What's new?", not "Who?")."""
    words = _plain_words(question)
    if not words or any(w not in NEWS_WORDS and w not in STOPWORDS for w in words):
        return False
    return any(w in _ASKING for w in words)


def asks_for_news(question: str) -> bool:
    """Whether `question` has a word asking for news ("new", "latest", "headlines"): a
    digest may also name an outlet ("What's new from the FT?")."""
    return any(w in _ASKING for w in _plain_words(question))


def _plain_words(question: str) -> list[str]:
    """The lower-cased words of `question`, a typographic apostrophe made plain."""
    return [w.replace("’", "'") for w in _WORD.findall(question.lower())]


def contextualize(question: str, previous: str | None) -> str:
    """Rewrite a follow-up ("and what did Kim say?") in the light of the previous question.

    A question that names its own subject and has no back-reference is left alone.
    """
    if not previous or not _is_follow_up(question):
        return question
    # "headlines" or "What's the latest news?" after a question on Russia asks what is new.
    if is_digest(question) and not _BACK_REFERENCE.search(_WHEN_SAID.sub("", question)):
        return question
    if switched := switched_follow_up(question, previous):
        return switched
    now = parse(question)
    before = parse(previous)
    if now.kind == "say":
        # "What did he say this week?" after "What did Putin say about Seoul?": Putin, this week.
        speaker = now.speaker
        if (speaker or "").lower() in _PRONOUNS and before.kind == "say" and before.speaker:
            speaker = before.speaker
        when = "".join(m.group(0) for m in _WHEN_SAID.finditer(question))
        topic = now.topic if (now.topic or "").lower() not in _REFERRING else before.topic
        if topic:
            return f"What did {speaker} say about {topic}{when}?"
        if before.kind == "say":
            return question if speaker == now.speaker else f"What did {speaker} say{when}?"
    carried = [w for w in _content_words(previous) if w.lower() not in question.lower()]
    if not carried:
        return question
    return f"{question.rstrip(' ?')} ({' '.join(carried)})?"


def follow_up(question: str, previous: str | None) -> str:
    """The question as the conversation means it, to keep as the next one's `previous`:
    "Why?" after "What did Putin say about Seoul?" and "What did he say this week?" still
    asks about Putin and Seoul. Front ends that kept the question as typed lost the thread
    after one step."""
    asked = validate(question)
    full = contextualize(asked, validate(previous) if previous else None)
    return full if len(full) <= MAX_QUESTION_CHARS else asked


def _is_follow_up(question: str) -> bool:
    # "Why?", "When?": nothing of its own to ask about.
    if not terms(question):
        return True
    # "this week" points at a time, not back at the previous question.
    timeless = _WHEN_SAID.sub("", question)
    if _FOLLOW_UP.search(timeless) or _THAT_REFERS.search(timeless):
        return True
    if _OBJECT_HER.search(timeless):
        return True
    pronoun = _SUBJECT_PRONOUN.search(timeless)
    return pronoun is not None and not _NAMED_BEFORE.search(timeless[: pronoun.start()])


def _content_words(text: str) -> list[str]:
    wanted = set(terms(text))
    words = re.findall(r"[\w’'\-]+", text)
    return [w for w in words if terms(w) and terms(w)[0] in wanted]
