"""Charts drawn on the server as SVG (no chart library, no CDN). Each chart has a title
for screen readers; the pages show the same numbers as a table next to it."""

from django.utils.html import escape

BAR = "#0b5394"     # 7.6:1 on white
TEXT = "#1a1a1a"
GRID = "#c8c8c8"


def _svg(width, height, title, body) -> str:
    return (f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
            f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">'
            f"<title>{escape(title)}</title>{body}</svg>")


def columns(points, title: str, width=720, height=240) -> str:
    """Vertical bars for (label, value) points in order (a time series)."""
    left, bottom, top = 44, 28, 10
    peak = max((v for _, v in points), default=0) or 1
    plot_w, plot_h = width - left - 8, height - bottom - top
    step = plot_w / max(len(points), 1)
    every = max(1, len(points) // 8)
    parts = [f'<line x1="{left}" y1="{top + plot_h}" x2="{width - 8}" y2="{top + plot_h}" '
             f'stroke="{GRID}"/>',
             f'<text x="{left - 6}" y="{top + 10}" text-anchor="end" font-size="11" '
             f'fill="{TEXT}">{peak}</text>',
             f'<text x="{left - 6}" y="{top + plot_h}" text-anchor="end" font-size="11" '
             f'fill="{TEXT}">0</text>']
    for i, (label, value) in enumerate(points):
        h = plot_h * value / peak
        x = left + i * step
        parts.append(f'<rect x="{x + step * 0.1:.1f}" y="{top + plot_h - h:.1f}" '
                     f'width="{max(step * 0.8, 1):.1f}" height="{h:.1f}" fill="{BAR}">'
                     f"<title>{escape(label)}: {value}</title></rect>")
        if i % every == 0:
            parts.append(f'<text x="{x + step / 2:.1f}" y="{height - 8}" text-anchor="middle" '
                         f'font-size="11" fill="{TEXT}">{escape(label)}</text>')
    return _svg(width, height, title, "".join(parts))


LABEL_CHARS = 22    # a label line holds about this many characters at LABEL_FONT
LABEL_FONT = 13


def label_lines(label: str, width=LABEL_CHARS, max_lines=3) -> tuple[list[str], bool]:
    """A label wrapped at spaces into at most `max_lines` lines of about `width`
    characters; the last shortened with "…" when it still does not fit (then True)."""
    lines, line = [], ""
    for word in label.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    lines.append(line)
    lines = [ln if len(ln) <= width else ln[:width - 1] + "…" for ln in lines]
    shortened = any(ln.endswith("…") for ln in lines) or len(lines) > max_lines
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        last = lines[-1].rstrip("…")
        lines[-1] = (last if len(last) < width else last[:width - 1]) + "…"
    return lines, shortened


def bars(items, title: str, width=460) -> str:
    """Horizontal bars for (label, value) items, largest first. A long label wraps onto
    more lines; one still too long is shortened and carries the full label as a title."""
    items = list(items)
    line_h, left = 16, 190
    parts, y = [], 4
    for label, value in items:
        lines, shortened = label_lines(str(label))
        row = max(28, 12 + line_h * len(lines))
        w = (width - left - 60) * value / peak_of(items)
        first = y + row / 2 + 5 - (len(lines) - 1) * line_h / 2
        spans = "".join(
            f'<tspan x="{left - 8}" y="{first + i * line_h:.1f}">{escape(ln)}</tspan>'
            for i, ln in enumerate(lines))
        full = f"<title>{escape(label)}</title>" if shortened else ""
        mid = y + row / 2
        parts.append(f'<text text-anchor="end" font-size="{LABEL_FONT}" fill="{TEXT}">'
                     f'{full}{spans}</text>'
                     f'<rect x="{left}" y="{mid - 10:.1f}" width="{w:.1f}" height="20" '
                     f'fill="{BAR}"><title>{escape(label)}: {value}</title></rect>'
                     f'<text x="{left + w + 6:.1f}" y="{mid + 5:.1f}" font-size="14" '
                     f'fill="{TEXT}">{value}</text>')
        y += row
    return _svg(width, max(y + 4, 30), title, "".join(parts))


def peak_of(items) -> int:
    return max((v for _, v in items), default=0) or 1


def heat(rows, weekday_labels, title: str, key: str = "occupancy") -> str:
    """Weekday × hour grid; darker is busier: the occupancy share 0..1, or with another
    `key` (booth watch: "overdue") a count, shaded against the busiest cell."""
    peak = 1 if key == "occupancy" else max(
        (v[key] for row in rows for v in row["hours"]), default=0) or 1
    cell, left, top = 24, 40, 18
    width, height = left + 24 * cell + 4, top + 7 * cell + 4
    parts = [f'<text x="{left + h * cell + cell / 2}" y="12" text-anchor="middle" '
             f'font-size="10" fill="{TEXT}">{h:02d}</text>' for h in range(0, 24, 3)]
    for r, row in enumerate(rows):
        y = top + r * cell
        parts.append(f'<text x="{left - 6}" y="{y + 16}" text-anchor="end" font-size="11" '
                     f'fill="{TEXT}">{escape(weekday_labels[r])}</text>')
        for h, value in enumerate(row["hours"]):
            share = value[key] / peak
            # From near-white to the bar colour; the numbers are in the table too.
            shade = int(245 - 200 * min(share, 1))
            fill = f"rgb({shade},{min(shade + 10, 255)},255)" if share else "#f4f4f4"
            parts.append(f'<rect x="{left + h * cell}" y="{y}" width="{cell - 2}" '
                         f'height="{cell - 2}" fill="{fill}" stroke="{GRID}" stroke-width="0.5">'
                         f"<title>{escape(weekday_labels[r])} {h:02d}: "
                         f"{round(share * 100)} %</title></rect>" if key == "occupancy"
                         else f"{value[key]}</title></rect>")
    return _svg(width, height, title, "".join(parts))
