"""Trend charts of trade speed, as small inline SVG (like the supplier link's): one
point per month of the company's figure, the platform's figure as a dashed line beside
it, and each point's value in its tooltip. Labels come in already translated."""

from __future__ import annotations

from html import escape

from markupsafe import Markup

WIDTH, HEIGHT, PAD, LEFT = 340, 150, 20, 34


def _figure(value: float, unit: str) -> str:
    return f"{value:.0%}" if unit == "%" else f"{value:.1f} {unit}".strip()


def monthly_trend(points: list[tuple[str, float | None]], *, label: str, series_label: str,
                  platform: float | None = None, platform_label: str = "", unit: str = "",
                  empty_label: str = "") -> Markup:
    """A line through the months that have a figure (a month without one leaves a gap
    in the line, never a zero); ``unit`` "%" draws shares from 0 to 100 %."""
    known = [value for _, value in points if value is not None]
    if not points or not known:
        return Markup(f'<p class="text-muted small mb-0 chart-empty">{escape(empty_label)}</p>')
    top = 1.0 if unit == "%" else max(known + ([platform] if platform else [])) * 1.1 or 1.0
    inner_w, inner_h = WIDTH - LEFT - PAD, HEIGHT - 2 * PAD - 10
    step = inner_w / max(len(points) - 1, 1)

    def y_of(value: float) -> float:
        return PAD + 14 + inner_h - inner_h * value / top

    parts, segment = [], []
    for index, (month, value) in enumerate(points):
        x = LEFT + step * index if len(points) > 1 else LEFT + inner_w / 2
        if index % max(len(points) // 6, 1) == 0 or index == len(points) - 1:
            parts.append(f'<text x="{x:.1f}" y="{HEIGHT - 4}" font-size="9" '
                         f'text-anchor="middle" fill="#6c757d">{escape(month[2:])}</text>')
        if value is None:
            if len(segment) > 1:
                parts.append(_line(segment))
            segment = []
            continue
        segment.append((x, y_of(value)))
        parts.append(f'<circle class="month" cx="{x:.1f}" cy="{y_of(value):.1f}" r="3" '
                     f'fill="#0d6efd"><title>{escape(month)}: {escape(_figure(value, unit))}'
                     f'</title></circle>')
    if len(segment) > 1:
        parts.append(_line(segment))
    if platform is not None:
        py = y_of(platform)
        parts.append(f'<line class="platform" x1="{LEFT}" y1="{py:.1f}" x2="{WIDTH - PAD}" '
                     f'y2="{py:.1f}" stroke="#fd7e14" stroke-dasharray="5 3">'
                     f'<title>{escape(platform_label)}: {escape(_figure(platform, unit))}'
                     f'</title></line>')
    axis = (f'<text x="{LEFT - 4}" y="{PAD + 18}" font-size="9" text-anchor="end" '
            f'fill="#6c757d">{escape(_figure(top, unit))}</text>'
            f'<line x1="{LEFT}" y1="{HEIGHT - PAD + 4}" x2="{WIDTH - PAD}" '
            f'y2="{HEIGHT - PAD + 4}" stroke="#adb5bd"/>')
    legend = (f'<text x="{LEFT}" y="12" font-size="10" fill="#0d6efd">● {escape(series_label)}'
              f'</text>')
    if platform is not None:
        legend += (f'<text x="{WIDTH - PAD}" y="12" font-size="10" text-anchor="end" '
                   f'fill="#fd7e14">╌ {escape(platform_label)}</text>')
    return Markup(f'<svg class="speed-chart" role="img" aria-label="{escape(label)}" '
                  f'viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" '
                  f'xmlns="http://www.w3.org/2000/svg">{legend}{axis}{"".join(parts)}</svg>')


def _line(points: list[tuple[float, float]]) -> str:
    joined = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
    return f'<polyline points="{joined}" fill="none" stroke="#0d6efd" stroke-width="2"/>'
