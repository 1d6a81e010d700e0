"""Small server-rendered SVG charts (no JavaScript, no network)."""

from collections.abc import Sequence
from datetime import datetime

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT, PAD = 480, 160, 30


def line_chart(points: Sequence[tuple[datetime, int]], title: str) -> SafeString:
    """A line of counts over time."""
    if not points:
        return mark_safe(f'<p class="sf-empty">No records of {escape(title)} yet.</p>')
    times = [p[0].timestamp() for p in points]
    top = max(max(p[1] for p in points), 1)
    span = (max(times) - min(times)) or 1

    def x(t: float) -> float:
        return PAD + (t - min(times)) / span * (WIDTH - 2 * PAD) if len(points) > 1 else WIDTH / 2

    def y(v: int) -> float:
        return HEIGHT - PAD - v / top * (HEIGHT - 2 * PAD)

    coords = " ".join(f"{x(t):.1f},{y(v):.1f}" for t, (_, v) in zip(times, points, strict=True))
    dots = "".join(
        f'<circle cx="{x(t):.1f}" cy="{y(v):.1f}" r="3"><title>{escape(f"{d:%Y-%m-%d %H:%M}: {v}")}</title></circle>'
        for t, (d, v) in zip(times, points, strict=True)
    )
    return mark_safe(
        f'<svg class="sf-chart" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" role="img">'
        f"<title>{escape(title)}</title>"
        f'<line x1="{PAD}" y1="{HEIGHT - PAD}" x2="{WIDTH - PAD}" y2="{HEIGHT - PAD}" stroke="#999"/>'
        f'<text x="2" y="{PAD}" font-size="10">{top}</text><text x="2" y="{HEIGHT - PAD}" font-size="10">0</text>'
        f'<text x="{PAD}" y="{HEIGHT - 8}" font-size="10">{points[0][0]:%Y-%m-%d}</text>'
        f'<text x="{WIDTH - PAD}" y="{HEIGHT - 8}" font-size="10" text-anchor="end">{points[-1][0]:%Y-%m-%d}</text>'
        f'<polyline fill="none" stroke="#417690" stroke-width="2" points="{coords}"/>{dots}</svg>'
    )


def bar_chart(bars: Sequence[tuple[str, int]], title: str) -> SafeString:
    """One bar per label (a period or a facet value)."""
    if not bars:
        return mark_safe(f'<p class="sf-empty">No records of {escape(title)} yet.</p>')
    top = max(max(v for _, v in bars), 1)
    slot = (WIDTH - 2 * PAD) / len(bars)
    rects = []
    for i, (label, value) in enumerate(bars):
        height = value / top * (HEIGHT - 2 * PAD)
        left = PAD + i * slot + slot * 0.1
        rects.append(
            f'<rect x="{left:.1f}" y="{HEIGHT - PAD - height:.1f}" width="{slot * 0.8:.1f}" height="{height:.1f}"'
            f' fill="#79aec8"><title>{escape(label)}: {value}</title></rect>'
            f'<text x="{left + slot * 0.4:.1f}" y="{HEIGHT - PAD - height - 2:.1f}" font-size="10"'
            f' text-anchor="middle">{value}</text>'
        )
    return mark_safe(
        f'<svg class="sf-chart" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" role="img">'
        f"<title>{escape(title)}</title>"
        f'<line x1="{PAD}" y1="{HEIGHT - PAD}" x2="{WIDTH - PAD}" y2="{HEIGHT - PAD}" stroke="#999"/>'
        f'<text x="{PAD}" y="{HEIGHT - 8}" font-size="10">{escape(bars[0][0])}</text>'
        f'<text x="{WIDTH - PAD}" y="{HEIGHT - 8}" font-size="10" text-anchor="end">{escape(bars[-1][0])}</text>'
        f"{''.join(rects)}</svg>"
    )
