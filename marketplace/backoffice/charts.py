"""The dashboard's charts as small inline SVG, drawn on the server like crm's
(crm/charts): no script, no CDN, readable without JavaScript and printable. Each bar
or point carries its figure in a tooltip (``<title>``) and a ``data-value``; labels
come in already translated."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from html import escape

from markupsafe import Markup

WIDTH, HEIGHT, PAD, LEFT, BOTTOM = 360, 160, 14, 40, 22
COLOURS = ("#0d6efd", "#fd7e14", "#198754", "#6f42c1", "#d63384", "#20c997")


def _number(value: float | Decimal) -> str:
    if isinstance(value, Decimal):
        return f"{value:,.2f}"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def _empty(text: str) -> Markup:
    return Markup(f'<p class="text-muted small mb-0 chart-empty">{escape(text)}</p>')


def _svg(kind: str, label: str, body: str, height: int = HEIGHT) -> Markup:
    return Markup(f'<svg class="backoffice-chart {kind}" role="img" aria-label="{escape(label)}" '
                  f'viewBox="0 0 {WIDTH} {height}" width="100%" '
                  f'xmlns="http://www.w3.org/2000/svg">{body}</svg>')


def _axis(top: float, unit: str = "") -> str:
    return (f'<text x="{LEFT - 4}" y="{PAD + 4}" font-size="9" text-anchor="end" '
            f'fill="#6c757d">{escape(_number(top))}{escape(unit)}</text>'
            f'<text x="{LEFT - 4}" y="{HEIGHT - BOTTOM}" font-size="9" text-anchor="end" '
            f'fill="#6c757d">0</text>'
            f'<line x1="{LEFT}" y1="{HEIGHT - BOTTOM}" x2="{WIDTH - PAD}" '
            f'y2="{HEIGHT - BOTTOM}" stroke="#adb5bd"/>')


def _tick(x: float, text: str) -> str:
    return (f'<text x="{x:.1f}" y="{HEIGHT - 6}" font-size="9" text-anchor="middle" '
            f'fill="#6c757d">{escape(text)}</text>')


def bars(points: Sequence[tuple[str, float | Decimal]], *, label: str, empty: str,
         short=lambda key: key, unit: str = "") -> Markup:
    """Vertical bars, one per key (a week, a month); every few keys labelled."""
    if not points or not any(value for _, value in points):
        return _empty(empty)
    top = float(max(value for _, value in points)) or 1.0
    inner_w, inner_h = WIDTH - LEFT - PAD, HEIGHT - BOTTOM - PAD
    step = inner_w / len(points)
    width = max(step * 0.7, 1.0)
    every = max(len(points) // 8, 1)
    parts = [_axis(top, unit)]
    for index, (key, value) in enumerate(points):
        height = inner_h * float(value) / top
        x = LEFT + step * index + (step - width) / 2
        parts.append(f'<rect class="bar" data-key="{escape(key)}" data-value="{value}" '
                     f'x="{x:.1f}" y="{HEIGHT - BOTTOM - height:.1f}" width="{width:.1f}" '
                     f'height="{height:.1f}" fill="{COLOURS[0]}"><title>{escape(key)}: '
                     f'{escape(_number(value))}{escape(unit)}</title></rect>')
        if index % every == 0:
            parts.append(_tick(x + width / 2, short(key)))
    return _svg("bars", label, "".join(parts))


def lines(series: dict[str, Sequence[tuple[str, float | Decimal]]], *, label: str,
          empty: str, short=lambda key: key) -> Markup:
    """One line per series (a currency, say) over the same keys, with a legend; each
    point has its figure in a tooltip."""
    values = [float(v) for points in series.values() for _, v in points]
    if not values or not any(values):
        return _empty(empty)
    top = max(values) or 1.0
    keys = [key for key, _ in next(iter(series.values()))]
    inner_w, inner_h = WIDTH - LEFT - PAD, HEIGHT - BOTTOM - PAD - 10
    step = inner_w / max(len(keys) - 1, 1)
    every = max(len(keys) // 7, 1)
    parts = [_axis(top)]
    for index, key in enumerate(keys):
        if index % every == 0 or index == len(keys) - 1:
            parts.append(_tick(LEFT + step * index, short(key)))
    legend_x = LEFT
    for number, (name, points) in enumerate(series.items()):
        colour = COLOURS[number % len(COLOURS)]
        coords = []
        for index, (key, value) in enumerate(points):
            x = LEFT + step * index if len(points) > 1 else LEFT + inner_w / 2
            y = PAD + 10 + inner_h - inner_h * float(value) / top
            coords.append(f"{x:.1f},{y:.1f}")
            parts.append(f'<circle class="point" data-series="{escape(name)}" '
                         f'data-key="{escape(key)}" data-value="{value}" cx="{x:.1f}" '
                         f'cy="{y:.1f}" r="{2 if len(points) > 40 else 3}" fill="{colour}">'
                         f'<title>{escape(name)} {escape(key)}: {escape(_number(value))}'
                         f'</title></circle>')
        parts.append(f'<polyline points="{" ".join(coords)}" fill="none" stroke="{colour}" '
                     f'stroke-width="1.5"/>')
        parts.append(f'<text x="{legend_x}" y="9" font-size="10" fill="{colour}">● '
                     f'{escape(name)}</text>')
        legend_x += 14 + 7 * len(name)
    return _svg("lines", label, "".join(parts))


def shares(rows: Sequence[tuple[str, int]], *, label: str, empty: str, limit: int = 8
           ) -> Markup:
    """Horizontal bars, one per row (a status, a country), largest first; rows past
    ``limit`` are summed as the last bar (its label given as the last row's key)."""
    rows = [(key, value) for key, value in rows if value]
    if not rows:
        return _empty(empty)
    if len(rows) > limit:
        rest = sum(value for _, value in rows[limit - 1:])
        rows = [*rows[:limit - 1], ("…", rest)]
    top = max(value for _, value in rows) or 1
    row_h, label_w = 20, 90
    height = row_h * len(rows) + 6
    parts = []
    for index, (key, value) in enumerate(rows):
        y = 3 + index * row_h
        width = (WIDTH - label_w - 50) * value / top
        parts.append(f'<text x="{label_w - 6}" y="{y + 13}" font-size="11" text-anchor="end" '
                     f'fill="#212529">{escape(key)}</text>'
                     f'<rect class="bar" data-key="{escape(key)}" data-value="{value}" '
                     f'x="{label_w}" y="{y + 2}" width="{max(width, 1):.1f}" height="{row_h - 6}" '
                     f'fill="{COLOURS[index % len(COLOURS)]}"><title>{escape(key)}: {value}'
                     f'</title></rect>'
                     f'<text x="{label_w + width + 4:.1f}" y="{y + 13}" font-size="11" '
                     f'fill="#495057">{value}</text>')
    return _svg("shares", label, "".join(parts), height)
