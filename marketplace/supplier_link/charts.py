"""Small inline SVG charts for the portal (no script, no CDN: the page's CSP allows
inline SVG): a SKU's sales and stock over its periods, and weeks of cover per SKU."""

from __future__ import annotations

from decimal import Decimal
from html import escape

from markupsafe import Markup

WIDTH, HEIGHT, PAD = 320, 120, 18


def _scale(values: list[Decimal]) -> Decimal:
    top = max(values, default=Decimal(0))
    return top if top > 0 else Decimal(1)


def sales_and_stock(periods, *, label: str, sold_label: str, stock_label: str) -> Markup:
    """Bars: quantity sold per period; line: quantity on hand at the period's end."""
    if not periods:
        return Markup("")
    top = _scale([p.quantity_sold for p in periods] + [p.quantity_on_hand for p in periods])
    top_pad = PAD + 10  # room for the legend above the highest point
    inner_w, inner_h = WIDTH - 2 * PAD, HEIGHT - PAD - top_pad
    step = Decimal(inner_w) / len(periods)
    bar_w = max(step * Decimal("0.6"), Decimal(2))
    bars, points = [], []
    for index, period in enumerate(periods):
        x = PAD + step * index + (step - bar_w) / 2
        h = Decimal(inner_h) * period.quantity_sold / top
        y = top_pad + inner_h - h
        bars.append(f'<rect class="sold" x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" '
                    f'height="{h:.1f}" fill="#0d6efd"><title>{escape(str(period.period_end))}'
                    f': {period.quantity_sold.normalize():f}</title></rect>')
        cx = PAD + step * index + step / 2
        cy = top_pad + inner_h - Decimal(inner_h) * period.quantity_on_hand / top
        points.append(f"{cx:.1f},{cy:.1f}")
    line = f'<polyline class="on-hand" points="{" ".join(points)}" fill="none" ' \
           f'stroke="#fd7e14" stroke-width="2"/>'
    legend = (f'<text x="{PAD}" y="12" font-size="10" fill="#0d6efd">■ {escape(sold_label)}'
              f'</text><text x="{PAD + 110}" y="12" font-size="10" fill="#fd7e14">━ '
              f'{escape(stock_label)}</text>')
    return Markup(
        f'<svg class="sales-chart" role="img" aria-label="{escape(label)}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" height="{HEIGHT}" '
        f'xmlns="http://www.w3.org/2000/svg">{legend}{"".join(bars)}{line}'
        f'<line x1="{PAD}" y1="{HEIGHT - PAD}" x2="{WIDTH - PAD}" y2="{HEIGHT - PAD}" '
        f'stroke="#adb5bd"/></svg>')


def cover_bars(items, *, label: str, target_weeks: int, target_label: str = "",
               no_sales_label: str = "") -> Markup:
    """Horizontal bars: weeks of cover per SKU, each with its figure, and the target as a
    dashed line. A SKU that sold nothing has no cover to draw (not "none left"): it is
    named so, never shown as an empty red bar."""
    if not items:
        return Markup("")
    row_h, left, width = 20, 110, 520
    covers = [item.weeks_of_cover for item in items]
    top = max(_scale([c for c in covers if c is not None]), Decimal(target_weeks))
    inner = width - left - 60  # room for the figure after the longest bar
    parts = []
    for index, (item, cover) in enumerate(zip(items, covers, strict=True)):
        y = 20 + index * row_h
        parts.append(f'<text x="{left - 6}" y="{y + 12}" font-size="11" text-anchor="end">'
                     f'{escape(item.sku)}</text>')
        if cover is None:
            parts.append(f'<text class="no-sales" x="{left}" y="{y + 12}" font-size="10" '
                         f'fill="#6c757d">{escape(no_sales_label)}</text>')
            continue
        w = Decimal(inner) * cover / top
        color = "#dc3545" if cover < Decimal(target_weeks) / 2 else \
            "#fd7e14" if cover < target_weeks else "#198754"
        figure = f"{cover.quantize(Decimal('0.1')).normalize():f}"
        parts.append(f'<rect class="cover" x="{left}" y="{y}" width="{w:.1f}" height="14" '
                     f'fill="{color}"><title>{escape(item.sku)}: {figure}</title></rect>'
                     f'<text x="{left + w + 4:.1f}" y="{y + 11}" font-size="10">{figure}</text>')
    target_x = left + Decimal(inner) * target_weeks / top
    height = 26 + len(items) * row_h
    parts.append(f'<line class="target" x1="{target_x:.1f}" y1="14" x2="{target_x:.1f}" '
                 f'y2="{height}" stroke="#6c757d" stroke-dasharray="4 3"/>'
                 f'<text x="{target_x:.1f}" y="10" font-size="10" text-anchor="middle" '
                 f'fill="#6c757d">{escape(target_label)}</text>')
    return Markup(f'<svg class="cover-chart" role="img" aria-label="{escape(label)}" '
                  f'viewBox="0 0 {width} {height}" width="100%" height="{height}" '
                  f'xmlns="http://www.w3.org/2000/svg">{"".join(parts)}</svg>')
