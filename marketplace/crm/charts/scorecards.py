"""Small inline SVG charts of the buyer's supplier scorecards and the office's figures
(no script, no CDN, like ``supplier_link/charts.py``): each with ``role="img"`` and an
``aria-label`` in the reader's language, each bar with its figure written beside it."""

from __future__ import annotations

from decimal import Decimal
from html import escape

from markupsafe import Markup


def _svg(css_class: str, label: str, width: int, height: int, parts: list[str]) -> Markup:
    return Markup(f'<svg class="{css_class}" role="img" aria-label="{escape(label)}" '
                  f'viewBox="0 0 {width} {height}" width="100%" height="{height}" '
                  f'preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">'
                  f'{"".join(parts)}</svg>')


def rate_bars(rows: list[tuple[str, Decimal | None]], *, label: str, none_label: str,
              good_high: bool = True) -> Markup:
    """One horizontal bar per supplier: a rate from 0 to 1 as a percentage. Green when
    good (high on-time, low shortage), red when poor; no figure is written as such."""
    if not rows:
        return Markup("")
    row_h, left, width = 20, 130, 420
    inner = width - left - 50
    parts = []
    for index, (name, rate) in enumerate(rows):
        y = 6 + index * row_h
        short_name = name if len(name) <= 20 else name[:19] + "…"
        parts.append(f'<text x="{left - 6}" y="{y + 12}" font-size="11" text-anchor="end">'
                     f'<title>{escape(name)}</title>{escape(short_name)}</text>')
        if rate is None:
            parts.append(f'<text x="{left}" y="{y + 12}" font-size="10" fill="#6c757d">'
                         f'{escape(none_label)}</text>')
            continue
        score = rate if good_high else 1 - rate
        color = "#198754" if score >= Decimal("0.9") else \
            "#fd7e14" if score >= Decimal("0.7") else "#dc3545"
        w = Decimal(inner) * min(max(rate, Decimal(0)), Decimal(1))
        figure = f"{(rate * 100).quantize(Decimal('0.1'))}%"
        parts.append(f'<rect class="rate" x="{left}" y="{y}" width="{w:.1f}" height="14" '
                     f'fill="{color}"><title>{escape(name)}: {figure}</title></rect>'
                     f'<text x="{left + w + 4:.1f}" y="{y + 11}" font-size="10">{figure}</text>')
    return _svg("rate-chart", label, width, 12 + len(rows) * row_h, parts)


def month_bars(months: list[tuple[str, Decimal | int]], *, label: str) -> Markup:
    """A small column per month (orders, revenue), the last one highlighted."""
    if not months:
        return Markup("")
    width, height, pad = 240, 70, 14
    top = max((Decimal(value) for _, value in months), default=Decimal(0)) or Decimal(1)
    step = Decimal(width - 2 * pad) / len(months)
    bar_w = step * Decimal("0.6")
    parts = []
    for index, (month, value) in enumerate(months):
        h = Decimal(height - 2 * pad) * Decimal(value) / top
        x = pad + step * index + (step - bar_w) / 2
        y = height - pad - h
        color = "#0d6efd" if index == len(months) - 1 else "#9ec5fe"
        parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" '
                     f'fill="{color}"><title>{escape(month)}: {value}</title></rect>'
                     f'<text x="{x + bar_w / 2:.1f}" y="{height - 2}" font-size="8" '
                     f'text-anchor="middle" fill="#6c757d">{escape(month[5:])}</text>')
    parts.append(f'<line x1="{pad}" y1="{height - pad}" x2="{width - pad}" '
                 f'y2="{height - pad}" stroke="#adb5bd"/>')
    return _svg("month-chart", label, width, height, parts)
