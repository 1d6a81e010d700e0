"""Small server-rendered SVG charts (no JavaScript, nothing fetched from the network)."""

from collections.abc import Sequence
from datetime import datetime

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT, PAD = 480, 160, 30
BASELINE = HEIGHT - PAD


def _text(x: float, y: float, text: object, anchor: str = "start") -> str:
    return f'<text x="{x:.1f}" y="{y:.1f}" font-size="10" text-anchor="{anchor}">{escape(str(text))}</text>'


def _svg(title: str, body: str) -> SafeString:
    # Every piece of text inside `body` went through escape().
    return mark_safe(
        f'<svg class="sf-chart" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" role="img">'
        f"<title>{escape(title)}</title>"
        f'<line x1="{PAD}" y1="{BASELINE}" x2="{WIDTH - PAD}" y2="{BASELINE}" stroke="#999"/>{body}</svg>'
    )


def _empty(title: str) -> SafeString:
    return mark_safe(f'<p class="sf-empty">No records for {escape(title.lower())} yet.</p>')


def too_little_history(title: str, recorded: int) -> SafeString:
    """Said instead of a chart of one or no point."""
    counts = "no count" if not recorded else f"{recorded} count"
    return mark_safe(
        f'<p class="sf-empty">Too little history for a chart of {escape(title.lower())}: {counts} recorded '
        "in this period yet (the scheduler records one per period).</p>"
    )


def line_chart(points: Sequence[tuple[datetime, int]], title: str) -> SafeString:
    """A line of counts over time."""
    if not points:
        return _empty(title)
    times = [moment.timestamp() for moment, _ in points]
    first, span = min(times), (max(times) - min(times)) or 1
    top = max(max(value for _, value in points), 1)

    def x(t: float) -> float:
        return PAD + (t - first) / span * (WIDTH - 2 * PAD) if len(points) > 1 else WIDTH / 2

    def y(value: int) -> float:
        return BASELINE - value / top * (HEIGHT - 2 * PAD)

    coords = " ".join(f"{x(t):.1f},{y(v):.1f}" for t, (_, v) in zip(times, points, strict=True))
    dots = "".join(
        f'<circle cx="{x(t):.1f}" cy="{y(v):.1f}" r="3"><title>{escape(f"{m:%Y-%m-%d %H:%M}: {v}")}</title>'
        "</circle>"
        for t, (m, v) in zip(times, points, strict=True)
    )
    labels = (
        _text(2, PAD, top)
        + _text(2, BASELINE, 0)
        + _text(PAD, HEIGHT - 8, f"{points[0][0]:%Y-%m-%d}")
        + _text(WIDTH - PAD, HEIGHT - 8, f"{points[-1][0]:%Y-%m-%d}", "end")
    )
    line = f'<polyline fill="none" stroke="#417690" stroke-width="2" points="{coords}"/>'
    return _svg(title, labels + line + dots)


def bar_chart(bars: Sequence[tuple[str, int]], title: str) -> SafeString:
    """One bar per label (a period or a facet value)."""
    if not bars:
        return _empty(title)
    top = max(max(value for _, value in bars), 1)
    slot = (WIDTH - 2 * PAD) / len(bars)
    parts = [_text(PAD, HEIGHT - 8, bars[0][0]), _text(WIDTH - PAD, HEIGHT - 8, bars[-1][0], "end")]
    for i, (label, value) in enumerate(bars):
        height = value / top * (HEIGHT - 2 * PAD)
        left = PAD + i * slot + slot * 0.1
        parts.append(
            f'<rect x="{left:.1f}" y="{BASELINE - height:.1f}" width="{slot * 0.8:.1f}" height="{height:.1f}"'
            f' fill="#79aec8"><title>{escape(label)}: {value}</title></rect>'
        )
        parts.append(_text(left + slot * 0.4, BASELINE - height - 2, value, "middle"))
    return _svg(title, "".join(parts))
