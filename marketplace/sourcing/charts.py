"""The buyer's picture of a reverse auction: the best bid falling over the auction's
time, as an inline SVG (no script, no CDN), with the starting price as a dashed line."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from html import escape

from markupsafe import Markup

WIDTH, HEIGHT, PAD, LEFT = 340, 140, 16, 58


def best_over_time(start: datetime, end: datetime, starting_price: Decimal,
                   bids: list[tuple[datetime, Decimal]], *, label: str, now: datetime
                   ) -> Markup:
    """A step line of the best amount after each bid (``bids`` oldest first), from the
    start to the end (or now, when earlier)."""
    if not bids:
        return Markup("")
    stop = min(max(now, bids[-1][0]), end)
    span = max((stop - start).total_seconds(), 1.0)
    low = min(amount for _at, amount in bids)
    high = starting_price
    spread = (high - low) or Decimal(1)
    inner_w, inner_h = WIDTH - LEFT - PAD, HEIGHT - 2 * PAD

    def x(at: datetime) -> float:
        return LEFT + inner_w * max(0.0, (at - start).total_seconds()) / span

    def y(amount: Decimal) -> float:
        return PAD + float(inner_h * (high - amount) / spread)

    points = [f"{x(start):.1f},{y(high):.1f}"]
    for at, amount in bids:
        points.append(f"{x(at):.1f},{points[-1].split(',')[1]}")
        points.append(f"{x(at):.1f},{y(amount):.1f}")
    points.append(f"{x(stop):.1f},{y(bids[-1][1]):.1f}")
    dots = "".join(f'<circle cx="{x(at):.1f}" cy="{y(amount):.1f}" r="2.5" fill="#198754">'
                   f'<title>{at:%H:%M:%S} · {amount:,.2f}</title></circle>'
                   for at, amount in bids[-200:])
    return Markup(
        f'<svg class="auction-chart" role="img" aria-label="{escape(label)}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" height="{HEIGHT}" '
        f'xmlns="http://www.w3.org/2000/svg">'
        f'<line x1="{LEFT}" y1="{y(high):.1f}" x2="{WIDTH - PAD}" y2="{y(high):.1f}" '
        f'stroke="#adb5bd" stroke-dasharray="4 3"/>'
        f'<text x="{LEFT - 4}" y="{y(high) + 4:.1f}" font-size="10" text-anchor="end">'
        f'{high:,.0f}</text>'
        f'<text x="{LEFT - 4}" y="{y(low) + 4:.1f}" font-size="10" text-anchor="end">'
        f'{low:,.0f}</text>'
        f'<polyline points="{" ".join(points)}" fill="none" stroke="#198754" '
        f'stroke-width="2"/>{dots}'
        f'<text x="{LEFT}" y="{HEIGHT - 2}" font-size="10">{start:%H:%M}</text>'
        f'<text x="{WIDTH - PAD}" y="{HEIGHT - 2}" font-size="10" text-anchor="end">'
        f'{stop:%H:%M}</text></svg>')
