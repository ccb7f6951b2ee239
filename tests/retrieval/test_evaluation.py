"""The evaluation harness: question files, scoring rules, converters, baselines, dev score."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from retrieval.embedding import Embedder
from retrieval.errors import BadRecordError, PathNotFoundError
from retrieval.evaluation import EvalQuestion, evaluate, evaluate_system, load_questions
from retrieval.evaluation import cli as eval_cli
from retrieval.evaluation.baselines import Bm25System, DenseSystem, RecipeSystem
from retrieval.evaluation.bbc import bbc_known_item, read_bbc_jsonl
from retrieval.evaluation.datasets import Benchmark, spread_sample
from retrieval.evaluation.goldset import ArticleRef, Ranking, contains_answer, url_key
from retrieval.evaluation.harness import EvalResult, Response, score_response
from retrieval.evaluation.indexes import CachingEmbedder, IndexCache, recipe_store
from retrieval.evaluation.metrics import aggregate
from retrieval.evaluation.realtimeqa import realtimeqa
from retrieval.evaluation.report import format_matrix, format_summary
from retrieval.models import Article
from retrieval.service import Newsbot
from retrieval.settings import Settings

DATA = Path(__file__).resolve().parent.parent / "data"
DEV_QUESTIONS = DATA / "dev_questions.jsonl"
BBC_SUBSET = DATA / "eval" / "bbc_subset.jsonl"
RTQA_ARTICLES = DATA / "eval" / "rtqa_subset_articles.jsonl"
RTQA_QUESTIONS = DATA / "eval" / "rtqa_subset_questions.jsonl"

# Measured when the harness was written (dev score 42/43 = 0.977); raise as answering improves.
DEV_SCORE_FLOOR = 0.95
BBC_HITS_AT_1_FLOOR = 0.93  # our retriever's Hits@1 on the 150 headlines was 0.953


# Question files -----------------------------------------------------------------


def test_dev_questions_load_with_their_unanswerable_share() -> None:
    questions = load_questions(DEV_QUESTIONS)
    assert len(questions) == 43
    assert sum(not q.answerable for q in questions) == 12
    assert all(q.evidence and q.answers for q in questions if q.answerable)


def test_question_file_errors_name_the_line(tmp_path: Path) -> None:
    path = tmp_path / "q.jsonl"
    path.write_text('{"id": "a", "question": "Who?"}\n{"id": "b", "answerable": 1}\n')
    with pytest.raises(BadRecordError, match=r"q\.jsonl:2"):
        load_questions(path)
    path.write_text('{"id": "a", "question": "Who?"}\n\n{"id": "a", "question": "Why?"}\n')
    with pytest.raises(BadRecordError, match="duplicate id"):
        load_questions(path)
    with pytest.raises(PathNotFoundError):
        load_questions(tmp_path / "missing.jsonl")


def test_question_round_trips_through_json(tmp_path: Path) -> None:
    question = EvalQuestion("x", "When?", True, ("https://a.b/c",), ("2004",), "2022-06-17")
    path = tmp_path / "q.jsonl"
    path.write_text(json.dumps(question.to_dict()) + "\n")
    assert load_questions(path) == [question]


# Scoring rules --------------------------------------------------------------------


def test_evidence_matches_id_url_outlet_or_title_piece() -> None:
    ref = ArticleRef(
        "abc123", "Man jailed in UK after releasing rats", "https://www.cnn.com/x/", "Arab News"
    )
    assert ref.matches("abc123")
    assert ref.matches("http://cnn.com/x")  # the same page, spelled differently
    assert ref.matches("arab news")
    assert ref.matches("JAILED IN UK")
    assert not ref.matches("Arab")  # an outlet must match whole
    assert not ref.matches("")
    assert not ArticleRef("id", "").matches("anything")
    assert url_key("https://www.cnn.com/a/index.html#frag") == url_key(
        "http://cnn.com/a/index.html"
    )


def test_answer_strings_match_on_word_boundaries_and_ignore_quote_style() -> None:
    assert contains_answer(["wouldn’t exclude"], ["He said he wouldn't  exclude it."])
    assert contains_answer(["Squid Game"], ["“squid game” returns"])
    assert not contains_answer(["6"], ["In 2016 it rained."])
    assert not contains_answer(["6"], ["It took 60 days."])
    assert not contains_answer(["ban"], ["Urban areas"])
    assert contains_answer(["Europe"], ["The European Union acted."])
    assert contains_answer(["$5"], ["Gas hit $5 a gallon."])
    assert not contains_answer([], ["anything"])


def test_a_series_number_matches_as_a_roman_numeral_either_way() -> None:
    assert contains_answer(["Artemis 1"], ["NASA's Artemis I rocket is ready."])
    assert contains_answer(["World War II"], ["after World War 2 ended"])
    assert not contains_answer(["Artemis 1"], ["Artemis is the sister of Apollo."])
    assert not contains_answer(["Artemis 1"], ["Artemis II will carry a crew."])
    assert not contains_answer(["War 2"], ["War iv"])


def test_small_numbers_match_spelled_out_either_way() -> None:
    assert contains_answer(["6"], ["Her detention was extended six months."])
    assert contains_answer(["Six months"], ["for 6 months"])
    assert contains_answer(["2 million"], ["Two million swings were recalled."])
    assert not contains_answer(["6"], ["sixty days"])
    assert not contains_answer(["two"], ["a network outage"])


def test_rank_counts_cited_articles_first_then_retrieved_deduplicated() -> None:
    a, b, c = ArticleRef("a"), ArticleRef("b"), ArticleRef("c")
    ranking = Ranking.of([b], [a, b, c])
    assert [r.article_id for r in ranking.articles] == ["b", "a", "c"]
    assert ranking.rank(["c"]) == 3
    assert ranking.rank(["zzz"]) is None


def _response(found: bool, cited: list[str], retrieved: list[str], text: str = "") -> Response:
    return Response(
        found=found,
        answer=text,
        texts=(text,),
        cited=tuple(ArticleRef(x) for x in cited),
        retrieved=tuple(ArticleRef(x) for x in retrieved),
        latency_s=0.1,
    )


def test_metrics_follow_the_dev_score_rules() -> None:
    q1 = EvalQuestion("1", "q1", True, ("a",), ("gold",))
    q2 = EvalQuestion("2", "q2", True, ("a",), ("gold",))
    q3 = EvalQuestion("3", "q3", False)
    q4 = EvalQuestion("4", "q4", False)
    records = [
        score_response(q1, _response(True, ["a"], ["a"], "the gold one")),  # right
        score_response(q2, _response(False, [], ["x", "a"])),  # wrongly declined, rank 2
        score_response(q3, _response(False, [], ["x"])),  # rightly declined
        score_response(q4, _response(True, ["x"], ["x"], "gold")),  # answered: wrong
    ]
    assert [r.correct for r in records] == [True, False, True, False]
    m = aggregate(records)
    assert (m.hits_at_1, m.hits_at_5, m.mrr_at_10) == (0.5, 1.0, 0.75)
    assert [r.search_rank for r in records[:2]] == [1, 2]
    assert m.answer_recall == 0.5  # only answerable questions with gold strings count
    assert m.abstention_precision == 0.5  # of the two declined, one was unanswerable
    assert m.abstention_recall == 0.5  # of the two unanswerable, one was declined
    assert m.found_accuracy == 0.5
    assert m.answerable_correct == 0.5
    assert m.score == 0.5
    table = format_summary([EvalResult("ours", "stub", 10, tuple(records), m)])
    assert "H@1" in table and "0.500" in table


# Converters -----------------------------------------------------------------------


def test_bbc_known_item_hides_the_headline_and_points_at_its_article() -> None:
    files = read_bbc_jsonl(BBC_SUBSET)
    assert len(files) == 150 and {f.category for f in files} >= {"business", "tech"}
    bench = bbc_known_item(files)
    assert len(bench.articles) == len(bench.questions) == 150
    for article, question, f in zip(bench.articles, bench.questions, files, strict=True):
        assert article.title == ""
        assert question.question == f.headline
        assert not article.text.startswith(f.headline)
        assert question.evidence[0] == article.article_id
    assert bench.fingerprint == bbc_known_item(files).fingerprint
    assert spread_sample(list(range(10)), 3) == [0, 3, 6]


def _write_rtqa(root: Path) -> None:
    (root / "qa").mkdir(parents=True)
    (root / "pages").mkdir()
    week = "20220617"
    questions = [
        {
            "question_id": f"{week}_0",
            "question_date": "2022/06/16",
            "question_source": "CNN",
            "question_sentence": "Which show was green lit?",
            "choices": ["“Friends”", "“Squid Game”"],
            "answer": ["1"],
        },
        {
            "question_id": f"{week}_1",
            "question_date": "2022/06/16",
            "question_source": "THE WEEK",
            "question_sentence": "Not asked",
            "choices": ["a", "b"],
            "answer": ["0"],
        },
    ]
    gold = [
        {
            "question_id": f"{week}_0",
            "search_result": [
                {
                    "url": "https://www.cnn.com/squid/index.html",
                    "text": "New York CNN —\n\nSquid Game is back.\n\nIt was green lit by Netflix.",
                    "authors": "['Ramishah Maruf']",
                    "publish_date": "2022/06/12",
                }
            ],
        },
        {"question_id": f"{week}_1", "search_result": []},
    ]
    pages = [
        {
            "question_id": f"{week}_0",
            "search_result": [
                {
                    "url": "https://cnn.com/squid/index.html",
                    "title": "Squid Game renewed - CNN",
                    "text": "1. How relevant is this ad to you?\n\nScraped copy",
                    "publish_date": None,
                },
                {
                    "url": "https://www.usatoday.com/other",
                    "title": "Other story",
                    "text": "Another story entirely.",
                    "publish_date": "2022/06/10",
                },
            ],
        },
        {
            "question_id": f"{week}_1",
            "search_result": [
                {"url": "https://www.theweek.co.uk/x", "title": "Week page", "text": "Week text."}
            ],
        },
    ]
    for name, rows in (
        (f"qa/{week}_qa", questions),
        (f"qa/{week}_gold", gold),
        (f"pages/{week}_gcs", pages),
    ):
        (root / f"{name}.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))


def test_realtimeqa_converter_dedupes_pages_and_keeps_gold_text(tmp_path: Path) -> None:
    _write_rtqa(tmp_path)
    bench = realtimeqa(tmp_path)
    assert len(bench.articles) == 3  # the gold URL and its scraped copy are one article
    gold = next(a for a in bench.articles if a.url and "squid" in a.url)
    assert gold.text.startswith("Squid Game is back")
    assert gold.title == "Squid Game renewed"
    assert gold.published == "2022-06-12" and gold.author == "Ramishah Maruf"
    [question] = bench.questions  # only the CNN question with a gold article
    assert question.answers == ("Squid Game",)
    assert question.date == "2022-06-16"
    assert ArticleRef(gold.article_id, gold.title, gold.url).matches_any(question.evidence)
    # The gold extractor's byline line is dropped in both variants (it would mark gold pages).
    raw_gold = next(a for a in realtimeqa(tmp_path, clean=False).articles if "squid" in a.url)
    assert raw_gold.text.startswith("Squid Game is back")
    asked_only = realtimeqa(tmp_path, pool="asked")
    assert len(asked_only.articles) == 2  # The Week question's page is left out
    missing = bench.without_evidence()
    assert gold not in missing.articles and len(missing.articles) == 2
    assert not any(q.answerable for q in missing.questions)


def test_realtimeqa_story_check_removes_every_page_searched_for_the_question(
    tmp_path: Path,
) -> None:
    _write_rtqa(tmp_path)
    bench = realtimeqa(tmp_path)
    unseen = bench.without_stories(bench.notes["searched_pages"], "rtqa-nostory")
    # The gold article and the other page found for the CNN question are gone; The Week's
    # page (searched for another question) stays.
    assert [a.url for a in unseen.articles] == ["https://www.theweek.co.uk/x"]
    assert not any(q.answerable for q in unseen.questions)


def test_realtimeqa_answer_check_removes_only_searched_pages_holding_the_answer(
    tmp_path: Path,
) -> None:
    _write_rtqa(tmp_path)
    pages_file = tmp_path / "pages" / "20220617_gcs.jsonl"
    rows = [json.loads(line) for line in pages_file.read_text().splitlines()]
    rows[0]["search_result"].append(
        {"url": "https://www.usatoday.com/renewed", "text": "Netflix renewed Squid Game."}
    )
    pages_file.write_text("".join(json.dumps(r) + "\n" for r in rows))
    bench = realtimeqa(tmp_path)
    untold = bench.without_answers(bench.notes["searched_pages"], "rtqa-noanswer")
    # The story's page that states "Squid Game" goes with the gold article; the searched page
    # that does not, and the page searched for another question, stay.
    assert sorted(a.url for a in untold.articles) == [
        "https://www.theweek.co.uk/x",
        "https://www.usatoday.com/other",
    ]
    assert untold.notes["removed_articles"] == 2
    assert untold.notes["told_by_other_pages"] == 1
    assert not any(q.answerable for q in untold.questions)


def test_realtimeqa_held_out_asks_the_other_outlets_questions(tmp_path: Path) -> None:
    _write_rtqa(tmp_path)
    held_out = realtimeqa(tmp_path, held_out=True)
    [question] = held_out.questions
    assert held_out.name == "rtqa-heldout"
    assert (question.question, question.answers, question.evidence) == ("Not asked", ("a",), ())
    assert len(held_out.articles) == 3  # every page, the CNN gold article among them


# Caches -----------------------------------------------------------------------------


def test_caching_embedder_returns_the_same_vectors_and_remembers_them(
    embedder: Embedder, tmp_path: Path
) -> None:
    cache = CachingEmbedder(embedder, tmp_path / "v.sqlite3")
    texts = ["Putin visited Pyongyang.", "Rats were released outside a mosque."]
    with cache.recording():
        first = cache.encode(texts)
        again = cache.encode(texts[::-1])
    assert (cache.misses, cache.hits) == (2, 2)
    assert first == pytest.approx(embedder.encode(texts), abs=1e-5)
    assert again[0] == pytest.approx(first[1])
    cache.encode(["outside recording"])  # a plain pass-through
    assert (cache.misses, cache.hits) == (2, 2)
    cache.close()


def test_index_cache_builds_once_and_reopens(embedder: Embedder, tmp_path: Path) -> None:
    articles = tuple(
        Article(f"a{i}", "", f"Story number {i} about the town of Carry-le-Rouet. " * 3, "t")
        for i in range(3)
    )
    bench = Benchmark("tiny", articles, ())
    first = IndexCache(tmp_path, embedder)
    assert first.newsbot(bench).stats().articles == 3
    assert "tiny" in first.build_seconds
    first.close()
    second = IndexCache(tmp_path, embedder)
    assert second.newsbot(bench).stats().articles == 3
    assert second.build_seconds == {}  # reused, not rebuilt
    second.close()


# Against real indexes ----------------------------------------------------------------


def test_dev_set_score(seeded_bot: Newsbot) -> None:
    result = evaluate(seeded_bot, load_questions(DEV_QUESTIONS))
    m = result.metrics
    print(
        f"\nseeds dev score {m.score:.3f} ({sum(r.correct for r in result.records)}/"
        f"{m.questions}); unanswerable declined {m.abstention_recall:.3f}; "
        f"answer recall {m.answer_recall:.3f}; Hits@1 {m.hits_at_1:.3f}"
    )
    for record in result.failures():
        print(f"  wrong: {record.id} {record.question!r} -> {record.answer[:80]!r}")
    assert m.score >= DEV_SCORE_FLOOR
    assert m.abstention_recall is not None and m.abstention_recall >= 11 / 12


@pytest.fixture(scope="module")
def bbc_subset(
    embedder: Embedder, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Benchmark, IndexCache, Newsbot]]:
    bench = bbc_known_item(read_bbc_jsonl(BBC_SUBSET), name="bbc-subset")
    cache = IndexCache(tmp_path_factory.mktemp("eval-cache"), embedder)
    yield bench, cache, cache.newsbot(bench)
    cache.close()


def test_bbc_subset_our_retrieval_beats_bm25_alone(
    bbc_subset: tuple[Benchmark, IndexCache, Newsbot],
) -> None:
    # The retriever alone: `ask` on every headline would cost a minute; the dev-set test
    # covers answering.
    bench, _, bot = bbc_subset
    ours = evaluate(bot, bench.questions, answer=False, dataset="bbc-subset").metrics
    bm25 = evaluate_system(Bm25System(bot), bench.questions, dataset="bbc-subset").metrics
    dense = evaluate_system(DenseSystem(bot), bench.questions, dataset="bbc-subset").metrics
    print(
        f"\nbbc subset ({len(bench.questions)} headlines) Hits@1: ours {ours.hits_at_1:.3f}, "
        f"dense {dense.hits_at_1:.3f}, bm25 {bm25.hits_at_1:.3f}"
    )
    assert ours.hits_at_1 is not None and bm25.hits_at_1 is not None
    assert dense.hits_at_1 is not None
    assert ours.hits_at_1 >= BBC_HITS_AT_1_FLOOR
    assert ours.hits_at_1 > bm25.hits_at_1
    assert ours.hits_at_1 >= dense.hits_at_1  # fusion must not lose to its own dense half


def test_bm25_baseline_answers_with_as_many_passages_as_asked(
    bbc_subset: tuple[Benchmark, IndexCache, Newsbot],
) -> None:
    bench, _, bot = bbc_subset
    question = bench.questions[0]
    three = Bm25System(bot).respond(question, 10)
    one = Bm25System(bot, passages=1).respond(question, 10)
    assert three.answer.startswith(one.answer) and len(three.answer) > len(one.answer)
    assert len(one.cited) == 1 and one.retrieved == three.retrieved
    with pytest.raises(ValueError, match="at least 1"):
        Bm25System(bot, passages=0)


def test_real_pages_that_do_not_tell_the_story_get_a_not_found(
    embedder: Embedder, tmp_path: Path
) -> None:
    # RealTime QA pages: five gold articles and the digests and off-story pages that gave
    # weak answers to eleven other questions (see tests/data/eval/README.md).
    articles = tuple(
        Article(**json.loads(line))
        for line in RTQA_ARTICLES.read_text(encoding="utf-8").splitlines()
    )
    questions = load_questions(RTQA_QUESTIONS)
    cache = IndexCache(tmp_path, embedder)
    bot = cache.newsbot(Benchmark("rtqa-subset", articles, tuple(questions)))
    records = evaluate(bot, questions, dataset="rtqa-subset").records
    cache.close()
    answerable = [r for r in records if r.answerable]
    unanswerable = [r for r in records if not r.answerable]
    declined = sum(not r.found for r in unanswerable)
    print(
        f"\nrtqa subset: {sum(r.correct for r in answerable)}/{len(answerable)} answerable "
        f"right, {declined}/{len(unanswerable)} unanswerable declined"
    )
    # Measured: 4/5 right (the variant question gets another page's sentence here) and
    # 8/11 declined; without the rare-word and unknown-name checks 1/11 are declined.
    assert all(r.found for r in answerable)
    assert sum(r.correct for r in answerable) >= 4
    assert declined >= 8


def test_the_dev_set_holds_when_the_index_also_holds_unrelated_news(
    bbc_subset: tuple[Benchmark, IndexCache, Newsbot], seeded_bot: Newsbot
) -> None:
    # Seeds plus 150 BBC articles of 2004-05: more words shared with the unanswerable
    # questions ("won", "cup", "sales"), and more to pad an answer with.
    bench, cache, _ = bbc_subset
    seeds = tuple(a for i in seeded_bot.sources() if (a := seeded_bot.article(i.article_id)))
    bot = cache.newsbot(Benchmark("seeds-plus-bbc", seeds + bench.articles, ()))
    result = evaluate(bot, load_questions(DEV_QUESTIONS), dataset="seeds-plus-bbc")
    m = result.metrics
    answerable = [r for r in result.records if r.answerable]
    print(f"\nseeds + 150 BBC: score {m.score:.3f}, unanswerable declined {m.abstention_recall}")
    for record in result.failures():
        print(f"  wrong: {record.id} {record.question!r} -> {record.answer[:80]!r}")
    # Measured: every answerable question right and 9 of 12 declined, 6 of 12 without the
    # rare-word and unknown-name checks. Still answered: the Oscar (the 2005 Screen Actors
    # Guild awards), the next US election and Messi's goals (another player's appearances).
    assert all(r.correct for r in answerable)
    # One below the measured 9: a rebuilt index can move a near-tie.
    assert m.abstention_recall is not None and m.abstention_recall >= 8 / 12


def test_langchain_recipe_baseline_ranks_articles(
    bbc_subset: tuple[Benchmark, IndexCache, Newsbot],
) -> None:
    bench, cache, _ = bbc_subset
    small = Benchmark("bbc-subset-small", bench.articles[:20], bench.questions[:20])
    recipe = RecipeSystem(recipe_store(cache, small))
    result = evaluate_system(recipe, small.questions, dataset="small")
    assert result.metrics.hits_at_10 is not None and result.metrics.hits_at_10 >= 0.9
    assert all(r.found for r in result.records)
    assert "langchain" in format_matrix([result], [("small", ("hits_at_1", "hits_at_10"))])


def test_eval_command_prints_metrics_and_writes_json(
    seeded_bot: Newsbot,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from retrieval.cli import main

    monkeypatch.setattr(eval_cli, "open_newsbot", lambda settings: _Unclosable(seeded_bot))
    out = tmp_path / "eval.json"
    code = main(["eval", str(DEV_QUESTIONS), "--limit", "5", "--json", str(out)])
    assert code == 0
    assert "H@1" in capsys.readouterr().out
    payload = json.loads(out.read_text())
    assert payload["metrics"]["questions"] == 5 and len(payload["records"]) == 5
    assert main(["eval", str(DEV_QUESTIONS), "--limit", "2", "--min-score", "1.01"]) == 1


class _Unclosable:
    """The shared session index, lent to the command without letting it close it."""

    def __init__(self, bot: Newsbot) -> None:
        self._bot = bot

    def __getattr__(self, name: str) -> object:
        return getattr(self._bot, name)

    def close(self) -> None:
        pass


def test_an_empty_index_declines_every_question(embedder: Embedder, tmp_path: Path) -> None:
    bot = Newsbot.open(Settings(data_dir=tmp_path, chroma_host=None), embedder=embedder)
    result = evaluate(bot, [EvalQuestion("u", "Who won the 2022 World Cup?", False)])
    assert result.metrics.abstention_recall == 1.0  # an empty index declines
    bot.close()
