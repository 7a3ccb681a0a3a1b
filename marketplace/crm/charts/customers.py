"""Inline SVG charts of a supplier's customers (no script, no CDN, like the supplier
link's): the fifths' shares of revenue and margin (the 80/20 picture) and the segments
month by month. Each is one ``<svg role="img" aria-label=…>`` whose labels come in the
reader's language; the figures are also in the table beside each chart."""

from __future__ import annotations

from decimal import Decimal
from html import escape

from markupsafe import Markup

SEGMENT_COLORS = {"MVC": "#198754", "MGC": "#0d6efd", "BZ": "#dc3545", "other": "#adb5bd"}
REVENUE_COLOR, MARGIN_COLOR = "#0d6efd", "#fd7e14"


def _pct(share: Decimal | None) -> str:
    return "—" if share is None else f"{(share * 100).quantize(Decimal('1'))} %"


def _svg(label: str, width: int, height: int, body: str, css: str) -> Markup:
    return Markup(f'<svg class="{css}" role="img" aria-label="{escape(label)}" '
                  f'viewBox="0 0 {width} {height}" width="100%" '
                  f'preserveAspectRatio="xMinYMin meet" '
                  f'xmlns="http://www.w3.org/2000/svg"><title>{escape(label)}</title>'
                  f'{body}</svg>')


def fifths_shares(rows, *, label: str, fifth_labels: list[str], revenue_label: str,
                  margin_label: str) -> Markup:
    """Per fifth, two horizontal bars: its share of revenue and of margin, each with its
    figure. Bars run on a 0–100 % scale so one fifth holding 80 % reads as such.
    ``rows``: five items with ``revenue_share`` and ``margin_share`` (0..1 or None)."""
    if not rows:
        return Markup("")
    width, left, row_h, bar_h = 360, 84, 38, 14
    inner = width - left - 52  # room for the figure after the bar
    parts = [f'<text x="{left}" y="13" font-size="13" fill="{REVENUE_COLOR}">■ '
             f'{escape(revenue_label)}</text><text x="{left + 130}" y="13" font-size="13" '
             f'fill="{MARGIN_COLOR}">■ {escape(margin_label)}</text>']
    for index, row in enumerate(rows):
        y = 22 + index * row_h
        name = fifth_labels[index] if index < len(fifth_labels) else str(index + 1)
        parts.append(f'<text x="{left - 6}" y="{y + 18}" font-size="13" '
                     f'text-anchor="end">{escape(name)}</text>')
        for offset, share, color, what in (
                (0, row_get(row, "revenue_share"), REVENUE_COLOR, revenue_label),
                (bar_h + 2, row_get(row, "margin_share"), MARGIN_COLOR, margin_label)):
            w = Decimal(inner) * max(Decimal(share or 0), Decimal(0)) if share is not None \
                else Decimal(0)
            w = min(w, Decimal(inner))
            parts.append(
                f'<rect class="share" x="{left}" y="{y + offset}" width="{w:.1f}" '
                f'height="{bar_h}" fill="{color}"><title>{escape(name)} — {escape(what)}: '
                f'{_pct(share)}</title></rect><text x="{left + w + 4:.1f}" '
                f'y="{y + offset + 11}" font-size="12">{_pct(share)}</text>')
    height = 28 + len(rows) * row_h
    parts.append(f'<line x1="{left}" y1="18" x2="{left}" y2="{height - 4}" '
                 f'stroke="#6c757d"/>')
    return _svg(label, width, height, "".join(parts), "fifths-chart")


def segment_history(history, *, label: str, segment_labels: dict[str, str],
                    segments=("MVC", "MGC", "BZ", "other")) -> Markup:
    """Stacked bars: per month, how many customers were in each segment. ``history``:
    items with ``month`` (a date or "YYYY-MM-DD"), ``segment`` and ``customers``."""
    months: dict[str, dict[str, int]] = {}
    for item in history or []:
        month = str(row_get(item, "month"))[:7]
        counts = months.setdefault(month, {})
        segment = row_get(item, "segment")
        counts[segment] = counts.get(segment, 0) + int(row_get(item, "customers") or 0)
    if not months:
        return Markup("")
    ordered = sorted(months)
    width, height, left, top, bottom = 360, 210, 28, 42, 24
    inner_w, inner_h = width - left - 6, height - top - bottom
    tallest = max(sum(counts.values()) for counts in months.values()) or 1
    step = Decimal(inner_w) / len(ordered)
    bar_w = max(step * Decimal("0.7"), Decimal(2))
    parts = []
    for index, segment in enumerate(segments):  # legend: two rows of two, fits 390 px
        x, y = left + (index % 2) * 165, 13 + (index // 2) * 16
        parts.append(f'<text x="{x}" y="{y}" font-size="12" fill="{SEGMENT_COLORS[segment]}">'
                     f'■ <tspan fill="#212529">{escape(segment_labels.get(segment, segment))}'
                     f'</tspan></text>')
    for index, month in enumerate(ordered):
        x = left + step * index + (step - bar_w) / 2
        base = Decimal(top + inner_h)
        for segment in segments:
            count = months[month].get(segment, 0)
            if not count:
                continue
            h = Decimal(inner_h) * count / tallest
            base -= h
            parts.append(f'<rect class="segment-{escape(segment)}" x="{x:.1f}" '
                         f'y="{base:.1f}" width="{bar_w:.1f}" height="{h:.1f}" '
                         f'fill="{SEGMENT_COLORS.get(segment, "#6c757d")}"><title>{month} — '
                         f'{escape(segment_labels.get(segment, segment))}: {count}</title>'
                         f'</rect>')
        every = max(1, (len(ordered) + 3) // 4)  # a month name every few bars stays legible
        if index % every == 0 or index == len(ordered) - 1:
            parts.append(f'<text x="{x + bar_w / 2:.1f}" y="{height - 6}" font-size="11" '
                         f'text-anchor="middle">{month}</text>')
    parts.append(f'<text x="{left - 4}" y="{top + 8}" font-size="11" text-anchor="end">'
                 f'{tallest}</text><text x="{left - 4}" y="{top + inner_h}" font-size="11" '
                 f'text-anchor="end">0</text><line x1="{left}" y1="{top + inner_h}" '
                 f'x2="{width - 6}" y2="{top + inner_h}" stroke="#6c757d"/>')
    return _svg(label, width, height, "".join(parts), "segments-chart")


def row_get(row, name: str, default=None):
    """A field of a row given as a dict (API-shaped) or an object (a model row)."""
    if isinstance(row, dict):
        return row.get(name, default)
    return getattr(row, name, default)
