"""Small horizontal bar charts as inline SVG, drawn from published values only.

Hand-written SVG keeps the report self-contained and deterministic (no fonts, scripts or
network), and a suppressed value can never reach a chart: it is drawn as the symbol.
"""

from __future__ import annotations

from html import escape

from clearsight.stats.table import Value


def bar_chart(title: str, bars: list[tuple[str, Value]], unit: str = "") -> str:
    width, label_w, row_h = 560, 190, 24
    numbers = [float(v) for _, v in bars if isinstance(v, int | float) and not isinstance(v, bool)]
    top = max(numbers, default=0.0) or 1.0
    height = 30 + row_h * len(bars)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        f'<text x="0" y="16" font-size="13" font-weight="bold">{escape(title)}</text>',
    ]
    for i, (label, value) in enumerate(bars):
        y = 26 + i * row_h
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 15}" font-size="12" text-anchor="end">'
            f"{escape(label)}</text>"
        )
        if isinstance(value, int | float) and not isinstance(value, bool):
            w = max(1.0, (width - label_w - 70) * float(value) / top) if value else 0.0
            parts.append(
                f'<rect x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{row_h - 8}" '
                f'fill="#1d70b8"/>'
            )
            shown = f"{value:,}{unit}" if isinstance(value, int) else f"{value:,.1f}{unit}"
            parts.append(
                f'<text x="{label_w + w + 4:.1f}" y="{y + 15}" font-size="12">{shown}</text>'
            )
        else:
            parts.append(
                f'<text x="{label_w + 4}" y="{y + 15}" font-size="12">{escape(str(value))}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)
