"""Swimlane diagrams of procedures as inline SVG, built in Python so that the site and the PDF
show the same picture without any script. One lane per role, one box per step (in the lane of
its lead role), arrows for the flow, labels on branches. All text is XML-escaped."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from ..numbers import cjk_number
from ..resolve import model as m

LANE_WIDTH = 168
HEADER_HEIGHT = 44
ROW_HEIGHT = 92
BOX_WIDTH = 140
BOX_HEIGHT = 64
FONT = "'Noto Sans CJK SC','Source Han Sans SC','Microsoft YaHei',sans-serif"
CHARS_PER_LINE = 9  # CJK glyphs at 13px in a 140px box
LABEL_CHARS = 7  # CJK glyphs at 10px between a lane's left edge and the middle of its box


@dataclass(frozen=True)
class _Box:
    step: m.Step
    x: int
    y: int

    @property
    def centre_x(self) -> int:
        return self.x + BOX_WIDTH // 2


# Closing punctuation never starts a line (Chinese line-breaking rule); it stays on the line before.
CLOSING = frozenset("，。、；：！？）」』”’》〉】")


def wrap(text: str, width: int = CHARS_PER_LINE, lines: int = 3) -> list[str]:
    """Cut Chinese text into lines of about `width` characters; the last line ends with … if cut short."""
    chunks: list[str] = []
    for char in text:
        if chunks and (len(chunks[-1]) < width or char in CLOSING):
            chunks[-1] += char
        else:
            chunks.append(char)
    chunks = chunks or [""]
    if len(chunks) > lines:
        chunks = chunks[:lines]
        chunks[-1] = chunks[-1][: width - 1] + "…"
    return chunks


def transitions(procedure: m.Procedure) -> list[tuple[m.Step, m.Step, str | None]]:
    """Every arrow of the flow (Step.following)."""
    return [(step, t.step, t.when) for step in procedure.steps for t in step.following]


def swimlane_svg(procedure: m.Procedure) -> str:
    # A step without an actor in the source gets a lane of its own (lead None), not a guessed one.
    lanes: list[m.Role | None] = []
    for step in procedure.steps:
        if step.lead not in lanes:
            lanes.append(step.lead)
    width = LANE_WIDTH * len(lanes)
    height = HEADER_HEIGHT + ROW_HEIGHT * len(procedure.steps) + 8
    boxes = {
        step.id: _Box(step, lanes.index(step.lead) * LANE_WIDTH + (LANE_WIDTH - BOX_WIDTH) // 2,
                      HEADER_HEIGHT + index * ROW_HEIGHT + (ROW_HEIGHT - BOX_HEIGHT) // 2)
        for index, step in enumerate(procedure.steps)
    }
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="hb-swimlane" role="img" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" font-family="{FONT}" font-size="13">',
        f"<title>{escape(procedure.name)}：泳道图</title>",
        f'<defs><marker id="{_marker(procedure)}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#555"/></marker></defs>',
    ]
    for index, role in enumerate(lanes):
        x = index * LANE_WIDTH
        fill = "#f7f2f2" if index % 2 == 0 else "#ffffff"
        parts.append(f'<rect x="{x}" y="0" width="{LANE_WIDTH}" height="{height}" fill="{fill}" stroke="#ccc"/>')
        for line_no, line in enumerate(wrap(role.name if role else m.UNASSIGNED_LABEL, 11, 2)):
            parts.append(f'<text x="{x + LANE_WIDTH // 2}" y="{18 + line_no * 16}" text-anchor="middle" '
                         f'font-weight="700">{escape(line)}</text>')
    parts.append(f'<line x1="0" y1="{HEADER_HEIGHT - 4}" x2="{width}" y2="{HEADER_HEIGHT - 4}" stroke="#999"/>')
    for source, target, when in transitions(procedure):
        a, b = boxes[source.id], boxes[target.id]
        passes_a_box = any(box.x == a.x and a.y < box.y < b.y for box in boxes.values())
        parts.append(_arrow(a, b, when, _marker(procedure), passes_a_box))
    for box in boxes.values():
        parts.append(_box(box))
    parts.append("</svg>")
    return "".join(parts)


def _box(box: _Box) -> str:
    step = box.step
    dashed = ' stroke-dasharray="4 3"' if step.condition else ""
    out = [f'<g class="hb-swimlane-step" data-step="{escape(step.id)}">',
           f'<rect x="{box.x}" y="{box.y}" width="{BOX_WIDTH}" height="{BOX_HEIGHT}" rx="6" fill="#fff" '
           f'stroke="#8b1a1a"{dashed}/>',
           f'<text x="{box.centre_x}" y="{box.y + 14}" text-anchor="middle" font-size="11" fill="#8b1a1a">'
           f'第{cjk_number(step.number)}步{"·有时限" if step.time_limit else ""}</text>']
    # Baselines 14, 30, 45 and 59 px down the 64 px box leave about 3 px between the lines of text,
    # a title of two lines with a 协同 line below it included.
    for line_no, line in enumerate(wrap(step.title, CHARS_PER_LINE, 2)):
        out.append(f'<text x="{box.centre_x}" y="{box.y + 30 + line_no * 15}" text-anchor="middle">'
                   f"{escape(line)}</text>")
    # The bottom line: who else acts, and whether the lane the box sits in is the handbook's inference.
    others = [role.name for role in step.roles[1:]]
    bottom = step.roles_marker + ("协同：" + "、".join(others) if others else "")
    if bottom:
        out.append(f'<text x="{box.centre_x}" y="{box.y + BOX_HEIGHT - 5}" text-anchor="middle" font-size="10" '
                   f'fill="#555">{escape(wrap(bottom, 13, 1)[0])}</text>')
    out.append("</g>")
    return "".join(out)


def _marker(procedure: m.Procedure) -> str:
    return f"hb-arrow-{procedure.id}"


def _arrow(a: _Box, b: _Box, when: str | None, marker: str, passes_a_box: bool) -> str:
    """The arrow from box a to box b; passes_a_box: a's lane holds a box between the two rows."""
    start_x, start_y = a.centre_x, a.y + BOX_HEIGHT
    end_x, end_y = b.centre_x, b.y
    gap = (ROW_HEIGHT - BOX_HEIGHT) // 2
    if b.x == a.x and (b.y < a.y or b.y - a.y > ROW_HEIGHT):
        # same lane but not the next row: go round the boxes in between, along the lane's right edge
        side = a.x + BOX_WIDTH
        path = f"M{side},{a.y + BOX_HEIGHT // 2} h{gap - 2} V{b.y + BOX_HEIGHT // 2} H{side}"
    elif passes_a_box:
        # to another lane, rows below, past a box of its own lane (straight down it would vanish
        # behind that box and seem to leave from it): down the margin beside the lane boundary
        margin = (LANE_WIDTH - BOX_WIDTH) // 2
        boundary = a.x - margin if b.x < a.x else a.x + BOX_WIDTH + margin
        path = f"M{start_x},{start_y} V{start_y + gap} H{boundary + 5} V{end_y - gap} H{end_x} V{end_y}"
    elif start_x == end_x:
        path = f"M{start_x},{start_y} V{end_y}"
    else:
        path = f"M{start_x},{start_y} V{end_y - gap} H{end_x} V{end_y}"
    out = f'<path d="{path}" fill="none" stroke="#555" stroke-width="1.4" marker-end="url(#{marker})"/>'
    if when:
        # The condition is written where the arrow arrives, so labels of one branch point never
        # overlap, and to the left of its last stretch, so the arrow never runs through it (an
        # arrow from another lane turns above it; one that skips boxes runs along the right edge).
        # Cut short, it shows whole as a tooltip; the step list under the figure gives it in full.
        label = wrap(when, LABEL_CHARS, 1)[0]
        tooltip = f"<title>{escape(when)}</title>" if label != when else ""
        out += (f'<text x="{b.centre_x - 5}" y="{b.y - 3}" text-anchor="end" font-size="10" fill="#1a4b8b">'
                f"{tooltip}{escape(label)}</text>")
    return out
