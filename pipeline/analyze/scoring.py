"""Scores of extracted entities against a gold: TP/FP/FN per kind on the multiset of values,
precision, recall, F1, the micro-average and its report. Shared by the seed eval (`evaluate`) and
the real-document eval (`evaluate_real`)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

KINDS = ("date", "money", "law_ref", "doc_number", "municipality")  # the micro-average's kinds
EXTRA_KINDS = ("prefecture",)  # scored and shown, but not in the micro-average


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    misses: list[str] = field(default_factory=list)
    extras: list[str] = field(default_factory=list)

    def add(self, gold: Counter, found: Counter, where: str, detail=None) -> None:
        """`detail(value, missed)`, when given, says where the value is (pages, text as printed)
        and is appended to its miss or extra note."""
        self.tp += sum((gold & found).values())
        more = (lambda v, missed: f"  {detail(v, missed)}") if detail else (lambda v, missed: "")
        for v, n in (found - gold).items():
            self.fp += n
            self.extras += [f"{where}: {v!r}{more(v, False)}"] * n
        for v, n in (gold - found).items():
            self.fn += n
            self.misses += [f"{where}: {v!r}{more(v, True)}"] * n

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def micro(scores: dict[str, Score]) -> Score:
    total = Score()
    for kind in KINDS:
        s = scores[kind]
        total.tp, total.fp, total.fn = total.tp + s.tp, total.fp + s.fp, total.fn + s.fn
    return total


def report(scores: dict[str, Score], verbose: bool = False) -> str:
    lines = [f"{'kind':<13}{'TP':>5}{'FP':>5}{'FN':>5}{'P':>8}{'R':>8}{'F1':>8}"]
    total = micro(scores)
    for kind, s in scores.items():
        lines.append(
            f"{kind:<13}{s.tp:>5}{s.fp:>5}{s.fn:>5}{s.precision:>8.3f}{s.recall:>8.3f}{s.f1:>8.3f}"
        )
    lines.append(
        f"{'micro (5)':<13}{total.tp:>5}{total.fp:>5}{total.fn:>5}"
        f"{total.precision:>8.3f}{total.recall:>8.3f}{total.f1:>8.3f}"
    )
    if verbose:
        for kind, s in scores.items():
            lines += [f"  FN {kind} {m}" for m in s.misses]
            lines += [f"  FP {kind} {x}" for x in s.extras]
    return "\n".join(lines)


def gold_value(entity) -> str | None:
    """The value the real gold writes for an entity: a law_ref as e-Gov law id + article part
    (`law_ref.law_key`), one the pipeline could not link as its value (it cannot match)."""
    if entity.kind == "law_ref" and entity.attrs.get("law_id"):
        from pipeline.analyze.entities.law_ref import law_key

        return law_key(entity)
    return entity.value
