"""Writes rtqa_subset_articles.jsonl and rtqa_subset_questions.jsonl from RealTime QA."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict, replace
from pathlib import Path

from retrieval.evaluation.datasets import DEFAULT_DATASETS
from retrieval.evaluation.realtimeqa import realtimeqa
from retrieval.evaluation.goldset import url_key, write_questions

HERE = Path(__file__).resolve().parent

# Answerable: CNN questions whose gold article is kept, several of them close to the found /
# not-found line on the full index (the Texas riverbed, the variant's name).
ANSWERABLE = (
    "rtqa-20220715_1",  # the most transmissible variant: BA.5
    "rtqa-20220812_4",  # Olivia Newton-John's blockbuster: Grease
    "rtqa-20220812_9",  # declared victory over Covid: North Korea
    "rtqa-20220819_1",  # India's holiday: Independence Day
    "rtqa-20220826_1",  # found in a Texas riverbed: dinosaur tracks
)
# Unanswerable: questions whose story no kept page tells. Their pages are the digests and
# off-story pages that, on the full rtqa-nostory index, gave a weak answer that the
# rare-word check now declines.
UNANSWERABLE: dict[str, tuple[str, ...]] = {
    "rtqa-20220617_7": (
        "https://www.cnn.com/2022/08/19/us/five-things-august-19-trnd/index.html",
        "https://www.cnn.com/2022/08/01/us/five-things-august-1-trnd/index.html",
    ),
    "rtqa-20220624_1": (
        "https://www.usatoday.com/story/news/50-states/2019/05/03/offbeat-derby-keepsakes-art-lost-space-nunchucks-news-around-states/39438803/",
        "https://www.cnn.com/2022/04/05/us/five-things-april-5-trnd/",
    ),
    "rtqa-20220624_8": ("https://www.cnn.com/2022/03/17/us/five-things-march-17-trnd/index.html",),
    "rtqa-20220701_0": (
        "https://www.usatoday.com/story/money/2020/05/12/american-brands-that-might-not-survive-the-coronavirus/111680774/",
        "https://www.cnn.com/2022/03/02/business/companies-pulling-back-russia-ukraine-war-intl-hnk/index.html",
    ),
    "rtqa-20220701_7": (
        "https://www.cnn.com/2022/05/12/us/five-things-may-12-trnd/index.html",
        "https://www.cnn.com/2022/07/26/business/gm-earnings/index.html",
    ),
    "rtqa-20220722_1": ("https://www.cnn.com/2022/04/05/us/five-things-april-5-trnd/",),
    "rtqa-20220729_3": (
        "https://www.usatoday.com/story/travel/roadwarriorvoices/2016/02/14/was-air-travel-in-the-1970s-really-as-groovy-and-boozy-as-we-remember/83199262/",
    ),
    "rtqa-20220729_9": ("https://www.cnn.com/2022/08/19/us/five-things-august-19-trnd/index.html",),
    "rtqa-20220805_2": ("https://www.cnn.com/2022/08/19/us/five-things-august-19-trnd/index.html",),
    "rtqa-20220819_9": (
        "https://www.cnn.com/2022/02/19/business/heinz-ketchup-57-varieties-history/index.html",
        "https://www.usatoday.com/story/money/2018/07/11/50-worst-product-flops-of-all-time/36734837/",
        "https://www.cnn.com/2022/03/02/business/companies-pulling-back-russia-ukraine-war-intl-hnk/index.html",
    ),
    "rtqa-20220826_7": (
        "https://www.cnn.com/2022/05/12/us/five-things-may-12-trnd/index.html",
        "https://www.cnn.com/2022/07/26/business/gm-earnings/index.html",
    ),
}


def main() -> int:
    bench = realtimeqa(DEFAULT_DATASETS / "realtimeqa", clean=True, pool="asked")
    asked = {q.id: q for q in bench.questions}
    wanted_urls = {url_key(u) for urls in UNANSWERABLE.values() for u in urls}
    gold_urls = {url_key(u) for qid in ANSWERABLE for u in asked[qid].evidence}
    kept = [a for a in bench.articles if a.url and url_key(a.url) in wanted_urls | gold_urls]
    missing = (wanted_urls | gold_urls) - {url_key(a.url or "") for a in kept}
    if missing:
        print(f"not in the dataset: {sorted(missing)}", file=sys.stderr)
        return 1
    with (HERE / "rtqa_subset_articles.jsonl").open("w", encoding="utf-8") as out:
        for article in kept:
            out.write(json.dumps(asdict(article), ensure_ascii=False) + "\n")
    questions = [asked[qid] for qid in ANSWERABLE] + [
        replace(asked[qid], answerable=False) for qid in UNANSWERABLE
    ]
    write_questions(HERE / "rtqa_subset_questions.jsonl", questions)
    print(f"{len(kept)} articles, {len(questions)} questions")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
