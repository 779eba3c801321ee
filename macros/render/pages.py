"""Markdown for the site's pages. Headings are Markdown (so they reach the table of contents and
search sections); everything under them is an HTML block from the shared partials."""

from __future__ import annotations

from .. import model as m
from . import Context, cjk_number, md_text, render


def _heading(level: int, text: str, anchor: str) -> str:
    return f"{'#' * level} {md_text(text)} {{#{anchor}}}"


def procedure_page(ctx: Context, procedure: m.Procedure) -> str:
    parts = [
        f"# {md_text(procedure.name)}",
        render("procedure_intro.html", ctx, procedure=procedure),
        _heading(2, "步骤一览", "overview"),
        render("step_table.html", ctx, procedure=procedure),
        _heading(2, "泳道图", "swimlane"),
        render("swimlane.html", ctx, procedure=procedure),
    ]
    for step in procedure.steps:
        parts.append(_heading(2, f"第{cjk_number(step.number)}步　{step.title}", step.anchor))
        parts.append(render("step_body.html", ctx, step=step))
    return "\n\n".join(parts) + "\n"


def role_page(ctx: Context, role: m.Role) -> str:
    return f"# {md_text(role.name)}\n\n{render('role_body.html', ctx, role=role)}\n"


def checklist_page(ctx: Context, checklist: m.Checklist) -> str:
    return (f"# {md_text(checklist.name)}\n\n{render('checklist_download.html', ctx, checklist=checklist)}\n\n"
            f"{render('checklist_body.html', ctx, checklist=checklist)}\n")


def glossary(ctx: Context) -> str:
    parts = []
    for term in ctx.handbook.terms:
        parts.append(_heading(2, term.term, f"term-{term.id}"))
        parts.append(render("term_body.html", ctx, term=term))
    return "\n\n".join(parts) + "\n"


def source_list(ctx: Context) -> str:
    parts = []
    for source in ctx.handbook.sources:
        parts.append(_heading(2, f"{source.id}　{source.title}", f"source-{source.id}"))
        parts.append(render("source_body.html", ctx, source=source))
    return "\n\n".join(parts) + "\n"


def _grouped_listing(ctx: Context, groups, template: str, anchor: str) -> str:
    """An index page in the same groups as the navigation: a heading per group, then its list."""
    parts = []
    for number, (label, entries) in enumerate(groups, start=1):
        parts.append(_heading(2, label, f"{anchor}-{number}"))
        parts.append(render(template, ctx, entries=entries))
    return "\n\n".join(parts) + "\n"


def role_list(ctx: Context) -> str:
    return _grouped_listing(ctx, ctx.handbook.roles_by_kind(), "role_list.html", "kind")


def procedure_list(ctx: Context) -> str:
    return _grouped_listing(ctx, ctx.handbook.procedures_by_system(), "procedure_list.html", "system")


def topic_page(ctx: Context, topic: m.Topic) -> str:
    return f"# {md_text(topic.name)}\n\n{render('topic_body.html', ctx, topic=topic)}\n"


def checklist_list(ctx: Context) -> str:
    return render("checklist_list.html", ctx, checklists=ctx.handbook.checklists)


def topics(ctx: Context) -> str:
    return _grouped_listing(ctx, ctx.handbook.topics_by_category(), "topic_list.html", "category")


def coverage(ctx: Context) -> str:
    parts = []
    for source in ctx.handbook.sources:
        parts.append(_heading(2, f"{source.id}　{source.title}", f"coverage-{source.id}"))
        parts.append(render("coverage_table.html", ctx, source=source))
    return "\n\n".join(parts) + "\n"


def involvement(role: m.Role, procedure: m.Procedure) -> str:
    """The strongest part a role plays in a procedure: 牵头 > 审批 > 参与, or ''."""
    if role is procedure.owner or any(step.lead is role for step in procedure.steps):
        return "牵头"
    if any(role in step.approved_by for step in procedure.steps):
        return "审批"
    if any(role in step.roles for step in procedure.steps):
        return "参与"
    return ""


def responsibility_matrix(ctx: Context) -> str:
    owners = [p.owner for p in ctx.handbook.procedures]
    return render("matrix.html", ctx, involvement=involvement, owners=owners)


def time_limits(ctx: Context) -> str:
    return render("time_limits.html", ctx)


def terms_for(handbook: m.Handbook, role: m.Role) -> tuple[m.Term, ...]:
    """Glossary terms that occur in what the role reads: its summary, duties and procedures."""
    texts = [role.summary or ""]
    texts += [f"{d.title}{d.detail or ''}" for d in role.duties]
    for procedure in role.procedures:
        texts += [procedure.summary, *procedure.notes]
        texts += [f"{step.title}{step.action}{''.join(step.notes)}" for step in procedure.steps]
    text = "".join(texts)
    return tuple(t for t in handbook.terms if any(word in text for word in t.names))


def reading_path(ctx: Context, role: m.Role) -> str:
    return render("reading_path.html", ctx, role=role, terms=terms_for(ctx.handbook, role))


def course_page(ctx: Context, course: m.Course) -> str:
    from ..selftest import self_test

    return f"# {md_text(course.name)}\n\n{render('course_body.html', ctx, course=course, questions=self_test(course))}\n"


def course_list(ctx: Context) -> str:
    return render("course_list.html", ctx, courses=ctx.handbook.courses)
