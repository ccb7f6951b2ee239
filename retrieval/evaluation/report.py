"""Plain-text tables and JSON files for evaluation results."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from retrieval.evaluation.harness import EvalResult
from retrieval.evaluation.metrics import Metrics

# Metric field -> column header.
LABELS = {
    "questions": "n",
    "hits_at_1": "H@1",
    "hits_at_5": "H@5",
    "hits_at_10": "H@10",
    "mrr_at_10": "MRR",
    "search_hits_at_1": "sH@1",
    "search_mrr_at_10": "sMRR",
    "answer_recall": "ans",
    "found_accuracy": "found",
    "abstention_precision": "abstP",
    "abstention_recall": "abstR",
    "answerable_correct": "ok",
    "score": "score",
    "latency_p50_s": "p50s",
    "latency_p95_s": "p95s",
}
SUMMARY = (
    "questions",
    "hits_at_1",
    "hits_at_5",
    "hits_at_10",
    "mrr_at_10",
    "answer_recall",
    "found_accuracy",
    "abstention_precision",
    "abstention_recall",
    "answerable_correct",
    "score",
    "latency_p50_s",
    "latency_p95_s",
)


def cell(metrics: Metrics | None, field: str) -> str:
    if metrics is None:
        return ""
    value = getattr(metrics, field)
    if value is None:
        return "—"
    if isinstance(value, int):
        return str(value)
    if field.startswith("latency"):
        return f"{value:.2f}"
    return f"{value:.3f}"


def _render(header_rows: list[list[str]], rows: list[list[str]]) -> str:
    table = [*header_rows, *rows]
    widths = [max(len(r[i]) for r in table) for i in range(len(table[0]))]
    lines = []
    for n, row in enumerate(table):
        first = row[0].ljust(widths[0])
        rest = [c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True)]
        lines.append("  ".join([first, *rest]).rstrip())
        if n == len(header_rows) - 1:
            lines.append("-" * len(lines[-1]))
    return "\n".join(lines)


def format_summary(results: Sequence[EvalResult], fields: Sequence[str] = SUMMARY) -> str:
    """One row per result (system on dataset), one column per metric."""
    header = ["system", *[LABELS[f] for f in fields]]
    rows = [
        [f"{r.system} {r.dataset}".strip(), *[cell(r.metrics, f) for f in fields]] for r in results
    ]
    return _render([header], rows)


def format_matrix(results: Sequence[EvalResult], plan: Sequence[tuple[str, Sequence[str]]]) -> str:
    """Rows = systems, columns = (dataset, metric) pairs from `plan`, in its order; a blank
    cell means that system was not run on that dataset."""
    by_key = {(r.system, r.dataset): r.metrics for r in results}
    systems = list(dict.fromkeys(r.system for r in results))
    top, sub = ["system"], [""]
    for dataset, fields in plan:
        for i, field in enumerate(fields):
            top.append(dataset if i == 0 else "")
            sub.append(LABELS[field])
    rows = []
    for system in systems:
        row = [system]
        for dataset, fields in plan:
            row.extend(cell(by_key.get((system, dataset)), f) for f in fields)
        rows.append(row)
    return _render([top, sub], rows)


def format_failures(result: EvalResult, limit: int = 10) -> str:
    """The first `limit` questions the system got wrong, one line each, to read at a glance."""
    lines = []
    for record in result.failures()[:limit]:
        if not record.answerable:
            why = "answered an unanswerable question"
        elif not record.found:
            why = "declined"
        elif record.has_evidence and not record.evidence_cited:
            why = f"evidence not cited (rank {record.rank or '>k'})"
        else:
            why = "gold answer not in the answer"
        answer = " ".join(record.answer.split())[:100]
        lines.append(f"  {record.id}: {why}: {record.question[:70]!r} -> {answer!r}")
    missing = len(result.failures()) - len(lines)
    if missing > 0:
        lines.append(f"  … and {missing} more (see the JSON output)")
    return "\n".join(lines)


def write_json(path: Path, payload: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(json.dumps(payload, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    tmp.replace(path)
