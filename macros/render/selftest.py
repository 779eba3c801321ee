"""Self-test questions generated from the data of a course, with their answers and where each
answer comes from. Nothing is invented: every answer is a field of the cited data."""

from __future__ import annotations

from dataclasses import dataclass

from ..resolve import model as m
from .numbers import cjk_number


@dataclass(frozen=True)
class Question:
    number: int
    text: str
    answer: str
    basis: str


def _basis(citations: tuple[m.Citation, ...]) -> str:
    return "；".join(f"{c.source.id} {c.section.id}" for c in citations)


def self_test(course: m.Course) -> list[Question]:
    raw: list[tuple[str, str, str]] = []
    for procedure in course.procedures:
        for step in procedure.steps:
            label = f"{m.quoted(procedure.name)}第{cjk_number(step.number)}步{m.quoted(step.title)}"
            raw.append((f"{label}由谁承办？", step.who, _basis(step.citations)))
            if step.time_limit:
                raw.append((f"{label}有什么时限？", step.time_limit.text, _basis(step.citations)))
    for topic in course.topics:
        if topic.category == "accountability" and topic.items:
            names = "；".join(item.name for item in topic.items)
            raw.append((f"{topic.name}分别是什么？", names, _basis(topic.citations)))
    for term in course.terms:
        raw.append((f"什么是{m.quoted(term.term)}？", term.definition, _basis(term.citations)))
    return [Question(i, text, answer, basis) for i, (text, answer, basis) in enumerate(raw, start=1)]
