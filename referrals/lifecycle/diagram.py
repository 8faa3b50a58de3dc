"""The case lifecycle drawn as an SVG, from the transitions declared on Referral.

A small layered layout, so the drawing needs no Graphviz: states go in rows by their
longest distance from "draft"; an arrow crossing several rows bends through invisible
points in the rows between; each row is ordered by where its neighbours above sit.
The output depends only on the model, so a committed drawing can be checked for
staleness by rendering it again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from .graph import Edge, edges
from .states import CaseStatus
from .transitions import CHAIR_DECIDES, CHAIR_OR_COORDINATOR

NODE_HEIGHT = 44
ROW_GAP = 84
NODE_GAP = 36
DUMMY_WIDTH = 16
MARGIN = 40
LEGEND_HEIGHT = 90
CHAR_WIDTH = 7.4  # Arial at 13px, near enough for box widths
ENDED = CaseStatus.ended_states

WHO = {
    "chair": ("#1d70b8", "the subgroup chair only"),
    "drive": ("#0b0c0c", "the chair or the coordinator (administrators through admin)"),
    "author": ("#6f777b", "the referrer, on their draft"),
}


def _who(edge: Edge) -> str:
    if edge.permission is CHAIR_DECIDES:
        return "chair"
    if edge.permission is CHAIR_OR_COORDINATOR:
        return "drive"
    return "author"


@dataclass
class _Node:
    key: str
    label: str = ""
    width: float = DUMMY_WIDTH
    row: int = 0
    x: float = 0.0
    dummy: bool = False
    parents: list[str] = field(default_factory=list)

    @property
    def y(self) -> float:
        return MARGIN + LEGEND_HEIGHT + self.row * (NODE_HEIGHT + ROW_GAP)


def _fmt(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _layout():
    graph = edges()
    states = [state.value for state in CaseStatus]
    rows = dict.fromkeys(states, 0)
    # Longest path from the start: the graph has no cycles, so this settles.
    for _ in states:
        for edge in graph:
            rows[edge.target] = max(rows[edge.target], rows[edge.source] + 1)
    nodes = {
        s: _Node(s, CaseStatus(s).label, max(150.0, len(CaseStatus(s).label) * CHAR_WIDTH + 28), rows[s])
        for s in states
    }
    paths = []
    for i, edge in enumerate(graph):
        chain = [edge.source]
        for row in range(rows[edge.source] + 1, rows[edge.target]):
            key = f"~{i}~{row}"
            nodes[key] = _Node(key, row=row, dummy=True)
            chain.append(key)
        chain.append(edge.target)
        for parent, child in zip(chain, chain[1:], strict=False):
            nodes[child].parents.append(parent)
        paths.append((edge, chain))

    by_row: dict[int, list[_Node]] = {}
    order = {s: i for i, s in enumerate(states)}
    for node in nodes.values():
        by_row.setdefault(node.row, []).append(node)
    position: dict[str, float] = {}
    for row in sorted(by_row):
        members = by_row[row]

        def weight(node, position=position):
            seen = [position[p] for p in node.parents if p in position]
            return (sum(seen) / len(seen) if seen else 0.0, order.get(node.key, 99), node.key)

        members.sort(key=weight)
        for index, node in enumerate(members):
            position[node.key] = float(index)
    widest = max(sum(n.width for n in members) + NODE_GAP * (len(members) - 1) for members in by_row.values())
    for members in by_row.values():
        total = sum(n.width for n in members) + NODE_GAP * (len(members) - 1)
        x = MARGIN + (widest - total) / 2
        for node in members:
            node.x = x
            x += node.width + NODE_GAP
    width = widest + 2 * MARGIN
    height = MARGIN + LEGEND_HEIGHT + (max(by_row) + 1) * (NODE_HEIGHT + ROW_GAP) - ROW_GAP + MARGIN
    return nodes, paths, width, height


def _points(nodes, chain) -> list[tuple[float, float]]:
    """Bottom of the source, through each invisible point's row, to the top of the target."""
    points = []
    for index, key in enumerate(chain):
        node = nodes[key]
        centre = node.x + node.width / 2
        if index == 0:
            points.append((centre, node.y + NODE_HEIGHT))
        elif index == len(chain) - 1:
            points.append((centre, node.y))
        else:
            points += [(centre, node.y), (centre, node.y + NODE_HEIGHT)]
    return points


def _smooth(points) -> str:
    """A path through the points with rounded bends (quadratic curves between midpoints)."""
    if len(points) == 2:
        return f"M{_fmt(points[0][0])},{_fmt(points[0][1])} L{_fmt(points[1][0])},{_fmt(points[1][1])}"
    parts = [f"M{_fmt(points[0][0])},{_fmt(points[0][1])}"]
    for (x1, y1), (x2, y2) in zip(points[1:-1], points[2:], strict=False):
        parts.append(f"Q{_fmt(x1)},{_fmt(y1)} {_fmt((x1 + x2) / 2)},{_fmt((y1 + y2) / 2)}")
    parts.append(f"L{_fmt(points[-1][0])},{_fmt(points[-1][1])}")
    return " ".join(parts)


def _place_label(points, text: str, taken: list) -> tuple[float, float, float]:
    """The first spot along the arrow where its label covers no box and no other label."""
    w = len(text) * 6.9 + 10
    candidates = []
    for t in (0.5, 0.65, 0.35, 0.8, 0.2, 0.9, 0.1):
        for (x1, y1), (x2, y2) in zip(points, points[1:], strict=False):
            candidates.append((x1 + (x2 - x1) * t, y1 + (y2 - y1) * t))
    for x, y in candidates:
        box = (x - w / 2 - 2, y - 10, x + w / 2 + 2, y + 8)
        if not any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in taken):
            taken.append(box)
            return x, y, w
    x, y = candidates[0]
    return x, y, w


def render_svg() -> str:
    """The lifecycle as SVG text (deterministic)."""
    nodes, paths, width, height = _layout()
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_fmt(width)}" height="{_fmt(height)}" '
        f'viewBox="0 0 {_fmt(width)} {_fmt(height)}" role="img" aria-labelledby="title desc" '
        'font-family="Arial, Helvetica, sans-serif">',
        '<title id="title">Case lifecycle: the states of a referral and the moves between them</title>',
        '<desc id="desc">Generated by manage.py lifecycle_diagram from the transitions declared on the '
        "Referral model. Do not edit by hand.</desc>",
        "<defs>",
    ]
    for who, (colour, _text) in WHO.items():
        out.append(
            f'<marker id="arrow-{who}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" '
            f'markerHeight="8" orient="auto-start-reverse">'
            f'<path d="M0,0 L10,5 L0,10 z" fill="{colour}"/></marker>'
        )
    out.append("</defs>")
    out.append(f'<rect x="0" y="0" width="{_fmt(width)}" height="{_fmt(height)}" fill="#ffffff"/>')
    out.append(
        f'<text x="{MARGIN}" y="{MARGIN}" font-size="20" font-weight="bold" fill="#0b0c0c">'
        "Case lifecycle</text>"
    )
    for i, (who, (colour, text)) in enumerate(WHO.items()):
        y = MARGIN + 26 + i * 20
        out.append(
            f'<line x1="{MARGIN}" y1="{y}" x2="{MARGIN + 40}" y2="{y}" stroke="{colour}" stroke-width="2" '
            f'marker-end="url(#arrow-{who})"/>'
            f'<text x="{MARGIN + 50}" y="{y + 4}" font-size="13" fill="#0b0c0c">Made by {escape(text)}</text>'
        )

    boxes = [
        (node.x - 4, node.y - 4, node.x + node.width + 4, node.y + NODE_HEIGHT + 4)
        for node in nodes.values()
        if not node.dummy
    ]
    labels = []
    for edge, chain in paths:
        colour = WHO[_who(edge)][0]
        points = _points(nodes, chain)
        out.append(
            f'<path d="{_smooth(points)}" fill="none" stroke="{colour}" stroke-width="1.6" '
            f'marker-end="url(#arrow-{_who(edge)})"><title>{escape(edge.name)}</title></path>'
        )
        x, y, w = _place_label(points, edge.label, boxes)
        labels.append((x, y, w, edge.label, colour))
    for x, y, w, text, colour in labels:
        out.append(
            f'<rect x="{_fmt(x - w / 2)}" y="{_fmt(y - 9)}" width="{_fmt(w)}" height="16" rx="3" '
            'fill="#ffffff" fill-opacity="0.92"/>'
            f'<text x="{_fmt(x)}" y="{_fmt(y + 3)}" font-size="11" text-anchor="middle" fill="{colour}">'
            f"{escape(text)}</text>"
        )
    for node in nodes.values():
        if node.dummy:
            continue
        ended = node.key in ENDED
        fill = "#f3f2f1" if ended else "#ffffff"
        stroke = "#505a5f" if ended else "#0b0c0c"
        dash = ' stroke-dasharray="5,4"' if node.key == CaseStatus.DRAFT else ""
        out.append(
            f'<g id="state-{node.key}">'
            f'<rect x="{_fmt(node.x)}" y="{_fmt(node.y)}" width="{_fmt(node.width)}" '
            f'height="{NODE_HEIGHT}" rx="8" fill="{fill}" stroke="{stroke}" stroke-width="2"{dash}/>'
            f'<text x="{_fmt(node.x + node.width / 2)}" y="{_fmt(node.y + NODE_HEIGHT / 2 + 5)}" '
            'font-size="13" '
            f'font-weight="bold" text-anchor="middle" fill="#0b0c0c">{escape(node.label)}</text></g>'
        )
    out.append("</svg>")
    return "\n".join(out) + "\n"
