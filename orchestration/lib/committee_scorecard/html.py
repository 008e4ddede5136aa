"""The committee scorecard as one self-contained HTML page.

Inline CSS and SVG only: no script, font, image or link that leaves the file, so it can be
attached to an agenda, opened offline and printed (A4 landscape). RAG and direction are
words first; colour, a shape per RAG status and colours of clearly different lightness
only add to them, so the page reads the same in greyscale and on a black-and-white
printer. Sparklines are inline SVG with their values in words as the accessible name.
Everything on the page comes from a :class:`ScorecardPaper`, already suppressed.
"""

from __future__ import annotations

from pathlib import Path

import jinja2
from markupsafe import Markup, escape

from orchestration.lib.committee_scorecard.data import (
    SUPPRESSED_TEXT,
    Direction,
    IndicatorLine,
    Rag,
    ScorecardPaper,
)

TEMPLATE_NAME = "scorecard.html.j2"
SPARKLINE_WIDTH = 112
SPARKLINE_HEIGHT = 30
_PAD = 3.5

# Shapes differ per status so a greyscale print keeps them apart (a circle, a triangle and
# a square), drawn inline so no font has to carry the glyph.
_RAG_SHAPES = {
    Rag.GREEN: '<circle cx="6" cy="6" r="5"/>',
    Rag.AMBER: '<polygon points="6,0.8 11.4,11 0.6,11"/>',
    Rag.RED: '<rect x="1.2" y="1.2" width="9.6" height="9.6"/>',
}
_ARROWS = {
    "up": '<path d="M6 1 L11 7 H7.6 V11 H4.4 V7 H1 Z"/>',
    "down": '<path d="M6 11 L11 5 H7.6 V1 H4.4 V5 H1 Z"/>',
    "flat": '<path d="M11 6 L5 1 V4.4 H1 V7.6 H5 V11 Z"/>',
}
_DIRECTION_ARROW = {
    Direction.IMPROVING: None,  # depends on polarity: see direction_arrow
    Direction.WORSENING: None,
    Direction.UP: "up",
    Direction.DOWN: "down",
    Direction.NO_CHANGE: "flat",
}


def rag_symbol(rag: Rag) -> Markup:
    """The status's shape as a small inline SVG (decorative: the label says it in words)."""
    shape = _RAG_SHAPES.get(rag)
    if shape is None:
        return Markup("")
    return Markup(
        '<svg class="rag-symbol" width="12" height="12" viewBox="0 0 12 12" '
        f'aria-hidden="true" focusable="false">{shape}</svg>'
    )


def direction_arrow(line: IndicatorLine) -> Markup:
    """An arrow for which way the value moved (the label says whether that is good)."""
    direction = line.direction
    if direction in (Direction.IMPROVING, Direction.WORSENING):
        improving = direction is Direction.IMPROVING
        rose = improving == (line.polarity == "high")
        name = "up" if rose else "down"
    else:
        name = _DIRECTION_ARROW.get(direction)
    if name is None:
        return Markup("")
    return Markup(
        f'<svg class="arrow arrow-{name}" width="12" height="12" viewBox="0 0 12 12" '
        f'aria-hidden="true" focusable="false">{_ARROWS[name]}</svg>'
    )


def sparkline_svg(line: IndicatorLine) -> Markup:
    """The 12-month trend as an inline SVG: a gap wherever a month is suppressed or empty.

    The y scale runs from the lowest to the highest value shown; the current month is a
    filled dot. The accessible name lists every month's figure (``c`` where suppressed).
    """
    points = line.trend
    values = [point.value for point in points if point.value is not None]
    width, height = SPARKLINE_WIDTH, SPARKLINE_HEIGHT
    label = escape(line.trend_description)
    parts = [
        f'<svg class="sparkline" role="img" aria-label="{label}" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}">',
        f"<title>{label}</title>",
        f'<line class="baseline" x1="{_PAD}" y1="{height - 1}" x2="{width - _PAD}" '
        f'y2="{height - 1}"/>',
    ]
    if values:
        low, high = min(values), max(values)
        span = high - low
        step = (width - 2 * _PAD) / max(len(points) - 1, 1)

        def y_of(value: float) -> float:
            if span == 0:
                return height / 2
            return _PAD + (height - 2 * _PAD - 2) * (1 - (value - low) / span)

        segments: list[list[tuple[float, float]]] = [[]]
        for index, point in enumerate(points):
            if point.value is None:
                if segments[-1]:
                    segments.append([])
                continue
            segments[-1].append((_PAD + index * step, y_of(point.value)))
        for segment in segments:
            if len(segment) > 1:
                coordinates = " ".join(f"{x:.1f},{y:.1f}" for x, y in segment)
                parts.append(f'<polyline class="trend" points="{coordinates}"/>')
            elif len(segment) == 1:
                x, y = segment[0]
                parts.append(f'<circle class="lone" cx="{x:.1f}" cy="{y:.1f}" r="1.6"/>')
        last = points[-1]
        if last.value is not None:
            x = _PAD + (len(points) - 1) * step
            parts.append(
                f'<circle class="current" cx="{x:.1f}" cy="{y_of(last.value):.1f}" r="2.4"/>'
            )
    else:
        suppressed = sum(point.suppressed for point in points)
        words = (
            "all months c"
            if suppressed == len(points)
            else "c or no figure"
            if suppressed
            else "no figures"
        )
        parts.append(
            f'<text class="empty" x="{width / 2}" y="{height / 2 + 1}" '
            f'text-anchor="middle">{words}</text>'
        )
    step = (width - 2 * _PAD) / max(len(points) - 1, 1)
    for index, point in enumerate(points):
        if point.suppressed:
            # A tick on the baseline marks a suppressed month without giving its position.
            x = _PAD + index * step
            parts.append(
                f'<line class="gap" x1="{x:.1f}" y1="{height - 4}" x2="{x:.1f}" y2="{height - 1}"/>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))


def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(Path(__file__).parent)),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_html(paper: ScorecardPaper) -> str:
    """The whole page for ``paper``."""
    template = _environment().get_template(TEMPLATE_NAME)
    return template.render(
        paper=paper,
        Rag=Rag,
        Direction=Direction,
        suppressed_text=SUPPRESSED_TEXT,
        rag_symbol=rag_symbol,
        direction_arrow=direction_arrow,
        sparkline_svg=sparkline_svg,
        rag_counts=paper.rag_counts(),
    )
