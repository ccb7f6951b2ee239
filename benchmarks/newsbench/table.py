"""The results as a table: one row per figure with its floor or goal, as text or Markdown."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from benchmarks.newsbench.common import median
from benchmarks.newsbench.plan import Plan

logger = logging.getLogger(__name__)


def _ok(res: dict[str, Any], key: str) -> dict[str, Any] | None:
    value = res.get(key)
    return value if isinstance(value, dict) and "error" not in value else None


def _group(res: dict[str, Any], prefix: str) -> dict[str, dict[str, Any]]:
    """{backend: data} of the finished sections named `prefix.backend`."""
    return {
        k.split(".", 1)[1]: v
        for k, v in res.items()
        if k.startswith(prefix + ".") and isinstance(v, dict) and "error" not in v
    }


def build_table(res: dict[str, Any], plan: Plan) -> list[tuple[str, str, str, str]]:
    """(measure, figure, floor or goal, verdict) rows."""
    rows: list[tuple[str, str, str, str]] = []

    def add(measure: str, figure: str, goal: str = "", ok: bool | None = None) -> None:
        verdict = "" if ok is None else ("ok" if ok else "MISSED")
        rows.append((measure, figure, goal, verdict))

    for backend, data in _group(res, "subset_ingest").items():
        runs = data["runs"]
        ingest = median([r["ingest_s"] for r in runs])
        floor = median([r["floor_s"] for r in runs])
        ratio = median([r["ratio"] for r in runs])
        cpu_ratios = [r["cpu_ratio"] for r in runs if r.get("cpu_ratio")]
        arts, chunks = runs[0]["articles"], runs[0]["chunks"]
        add(
            f"ingest, subset {arts} art / {chunks} chunks [{backend}], median of {len(runs)}",
            f"{ingest:.1f} s = {arts / ingest:.1f} art/s, {chunks / ingest:.1f} chunks/s",
            f"floor {floor:.1f} s = {chunks / floor:.1f} chunks/s",
        )
        best = min(r["ratio"] for r in runs)
        cpu_note = f"; CPU-time ratio {median(cpu_ratios):.3f}x" if cpu_ratios else ""
        add(
            f"  ingest / floor [{backend}]",
            f"{ratio:.3f}x (median of per-run ratios; best {best:.3f}x{cpu_note})",
            "<= 1.3x",
            ratio <= 1.3,
        )
    full = _ok(res, "full_ingest")
    if full:
        run = full["runs"][0]
        add(
            f"ingest, full BBC {run['articles']} art / {run['chunks']} chunks "
            f"[{full['backend']}], 1 run",
            f"{run['ingest_s']:.1f} s = {run['articles'] / run['ingest_s']:.1f} art/s, "
            f"{run['chunks'] / run['ingest_s']:.1f} chunks/s",
            f"floor {run['floor_s']:.1f} s = {run['chunks'] / run['floor_s']:.1f} chunks/s",
        )
        cpu_note = f"; CPU-time ratio {run['cpu_ratio']:.3f}x" if run.get("cpu_ratio") else ""
        add(
            f"  ingest / floor [{full['backend']}]",
            f"{run['ratio']:.3f}x{cpu_note}",
            "<= 1.3x",
            run["ratio"] <= 1.3,
        )
        stages = run["stages_s"]
        add("  stages (s)", ", ".join(f"{k} {v:.1f}" for k, v in stages.items()))
        add(
            "  peak RSS, ingest process",
            f"{full['max_rss_mb']:.0f} MB",
            "<= 1536 MB",
            full["max_rss_mb"] <= 1536,
        )
    re_ = _ok(res, "reingest")
    if re_ and full:
        first = full["runs"][0]["ingest_s"]
        same = median([r["s"] for r in re_["unchanged"]])
        add(
            "re-ingest, unchanged corpus",
            f"{same:.2f} s ({first / same:.0f}x faster)",
            ">= 20x faster",
            first / same >= 20,
        )
        changed = median([r["s"] for r in re_["changed_1pct"]])
        refresh = median([r["first_search_after_s"] for r in re_["changed_1pct"]])
        written = re_["changed_1pct"][0]["chunks_written"]
        add(
            "re-ingest, 1% of articles changed",
            f"{changed:.2f} s ({written} chunks written)",
            f"next search rebuilds snapshot: {refresh:.2f} s",
        )
    for backend, data in _group(res, "serve").items():
        s, a = data["search"], data["ask"]
        add(
            f"search (retrieval only) [{backend}]",
            f"p50 {s['p50_ms']:.1f} ms, p95 {s['p95_ms']:.1f} ms",
        )
        add(
            f"ask (cited answer) [{backend}]",
            f"p50 {a['p50_ms']:.1f} ms, p95 {a['p95_ms']:.1f} ms",
            "p50 <= 60, p95 <= 150 ms",
            a["p50_ms"] <= 60 and a["p95_ms"] <= 150,
        )
        u = data["ask_uncached_sentences"]
        add(
            f"  ask, sentence cache cleared [{backend}]",
            f"p50 {u['p50_ms']:.1f} ms, p95 {u['p95_ms']:.1f} ms",
        )
        add(f"  query embedding alone [{backend}]", f"p50 {data['query_embed']['p50_ms']:.1f} ms")
        add(
            f"  peak RSS, serving process [{backend}]",
            f"{data['max_rss_mb']:.0f} MB",
            "<= 1536 MB",
            data["max_rss_mb"] <= 1536,
        )
    for backend, data in _group(res, "cold_start").items():
        add(
            f"cold start, `newsbot ask --json` [{backend}]",
            f"{data['median_s']:.2f} s (RSS {data['max_rss_mb']:.0f} MB)",
            "<= 8 s",
            data["median_s"] <= 8,
        )
    rec = _ok(res, "recipe")
    ours = _group(res, "serve").get(full["backend"]) if full else None
    if rec and full and ours:
        run = full["runs"][0]
        add(
            f"LangChain recipe ingest [{rec['backend']}]",
            f"{rec['ingest_s']:.1f} s, {rec['chunks']} chunks; ours/recipe "
            f"{run['ingest_s'] / rec['ingest_s']:.2f}x",
        )
        add(
            "LangChain recipe similarity_search",
            f"p50 {rec['search']['p50_ms']:.1f} ms; our search/recipe "
            f"{ours['search']['p50_ms'] / rec['search']['p50_ms']:.2f}x, ask/recipe "
            f"{ours['ask']['p50_ms'] / rec['search']['p50_ms']:.2f}x",
        )
    for backend, data in _group(res, "quality").items():
        m = data["dev_seeds"]
        b = data.get("bbc_subset") or {}
        add(
            f"quality [{backend}]",
            f"dev score {m['score']:.3f}, hits@1 {m['hits_at_1']}, answer recall "
            f"{m['answer_recall']}; BBC subset hits@1 {b.get('hybrid_hits_at_1')} "
            f"(dense {b.get('dense_hits_at_1')})",
        )
    for key in sorted(k for k in res if k.startswith("growth") and _ok(res, k)):
        steps = res[key]["steps"]
        base = steps[0]["search"]["p50_ms"]
        for s in steps:
            parts = ", ".join(f"{k} {v:.1f}" for k, v in s["parts_mean_ms"].items())
            ratio = s["search"]["p50_ms"] / base
            add(
                f"search at {s['size']}x ({s['chunks']} chunks)",
                f"p50 {s['search']['p50_ms']:.1f} ms ({ratio:.2f}x), p95 "
                f"{s['search']['p95_ms']:.1f} ms; {parts}; snapshot rebuild "
                f"{s['snapshot_rebuild_s']:.1f} s; RSS {s['rss_mb']:.0f} MB",
                "p50 at 100x <= 3x p50 at 1x" if s["size"] == 100 else "",
                (ratio <= 3) if s["size"] == 100 else None,
            )
    for key in failed_steps(res):
        add(f"{key}: FAILED", res[key]["error"][:200])
    return rows


def failed_steps(results: dict[str, Any]) -> list[str]:
    """The steps whose result is an error, in the order they ran."""
    return [key for key, value in results.items() if isinstance(value, dict) and "error" in value]


def format_table(rows: Sequence[tuple[str, str, str, str]]) -> str:
    header = ("measure", "figure", "floor / goal", "")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(4)]
    lines = [" | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True))]
    lines.append("-+-".join("-" * w for w in widths))
    lines.extend(" | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows)
    return "\n".join(lines)


def markdown_table(rows: Sequence[tuple[str, str, str, str]]) -> str:
    lines = ["| measure | figure | floor / goal | |", "|---|---|---|---|"]
    lines.extend("| " + " | ".join(c.replace("|", "/") for c in r) + " |" for r in rows)
    return "\n".join(lines)
