"""Chart geometry for the site's inline SVG: numbers in, rectangles and polylines out.

The SVG markup itself lives in `templates/report/_charts.html.j2`; this module only does the arithmetic that
templates are bad at (scales, nice ticks, positions), so charts need no JavaScript and read from disk.
"""

from __future__ import annotations

import math
from datetime import date
from typing import Any

LEVEL_COLORS = {"error": "#c62828", "warning": "#ef8f00", "info": "#1e88e5", "doc": "#9e9e9e"}
SERIES_COLORS = ("#1565c0", "#2e7d32", "#c62828", "#6a1b9a", "#ef6c00", "#00838f", "#5d4037", "#ad1457")


def nice_ticks(maximum: float, count: int = 5) -> list[float]:
    """Round tick values from 0 covering `maximum` (1, 2, 2.5, 5 x 10^k steps)."""
    if maximum <= 0:
        return [0, 1]
    raw = maximum / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    top = math.ceil(maximum / step) * step
    return [round(i * step, 6) for i in range(int(round(top / step)) + 1)]


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def stacked_bars(bars: list[tuple[str, dict[str, int]]], levels: tuple[str, ...] = ("error", "warning", "info"),
                 *, title: str, width: int | None = None, height: int = 280) -> dict[str, Any]:
    """Vertical stacked bars, one per label, one segment per level (bottom to top in `levels` order)."""
    width = width or min(max(480, 140 + 64 * len(bars)), 1120)
    left, right, top, bottom = 110, 12, 22, 110
    plot_w, plot_h = width - left - right, height - top - bottom
    totals = [sum(counts.get(level, 0) for level in levels) for _, counts in bars]
    ticks = nice_ticks(max(totals, default=0))
    scale = plot_h / ticks[-1] if ticks[-1] else 0
    slot = plot_w / max(len(bars), 1)
    bar_w = max(min(slot * 0.7, 48), 2)
    drawn = []
    for i, (label, counts) in enumerate(bars):
        x = left + i * slot + (slot - bar_w) / 2
        y = top + plot_h
        segments = []
        for level in levels:
            value = counts.get(level, 0)
            h = value * scale
            y -= h
            if value:
                segments.append({"level": level, "value": value, "x": round(x, 1), "y": round(y, 1), "w": round(bar_w, 1),
                                 "h": round(max(h, 0.5), 1), "color": LEVEL_COLORS[level]})
        drawn.append({"label": label, "total": totals[i], "segments": segments, "x": round(x + bar_w / 2, 1),
                      "label_y": top + plot_h + 8, "total_y": round(y - 4, 1)})
    return {
        "title": title, "width": width, "height": height, "left": left, "right": width - right, "top": top,
        "bottom": top + plot_h, "bars": drawn,
        "ticks": [{"value": _fmt(t), "y": round(top + plot_h - t * scale, 1)} for t in ticks],
        "legend": [{"label": level, "color": LEVEL_COLORS[level], "x": left + 90 * i} for i, level in enumerate(levels)],
        "empty": not any(totals),
    }


def _day(text: str) -> int:
    return date.fromisoformat(text[:10]).toordinal()


def time_series(series: dict[str, list[tuple[str, str, float]]], *, title: str, y_label: str, width: int = 1000,
                height: int = 320) -> dict[str, Any]:
    """Lines over release dates: `series` maps a name to (ISO date, label, value) points; legend on the right."""
    left, right, top, bottom = 56, 250, 16, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    points = [p for rows in series.values() for p in rows]
    days = [_day(d) for d, _, _ in points] or [date.today().toordinal()]
    first, last = min(days), max(days)
    span = max(last - first, 1)
    ticks = nice_ticks(max((v for _, _, v in points), default=0))
    scale = plot_h / ticks[-1] if ticks[-1] else 0

    def x_of(day: int) -> float:
        return round(left + (day - first) / span * plot_w, 1)

    drawn = []
    for i, (name, rows) in enumerate(sorted(series.items())):
        color = SERIES_COLORS[i % len(SERIES_COLORS)]
        dots = [{"x": x_of(_day(d)), "y": round(top + plot_h - v * scale, 1), "label": label, "value": _fmt(v), "date": d}
                for d, label, v in sorted(rows)]
        drawn.append({"name": name, "color": color, "points": dots,
                      "polyline": " ".join(f"{p['x']},{p['y']}" for p in dots),
                      "legend_y": top + 18 * i})
    years = range(date.fromordinal(first).year + 1, date.fromordinal(last).year + 1)
    return {
        "title": title, "y_label": y_label, "width": width, "height": height, "left": left, "right": width - right,
        "legend_x": width - right + 24,
        "top": top, "bottom": top + plot_h, "series": drawn,
        "ticks": [{"value": _fmt(t), "y": round(top + plot_h - t * scale, 1)} for t in ticks],
        "years": [{"label": str(y), "x": x_of(date(y, 1, 1).toordinal())} for y in years],
        "empty": not points,
    }


def meter_bars(rows: list[tuple[str, float]], limit: float, *, title: str, unit: str = "MB",
               width: int = 760) -> dict[str, Any]:
    """Horizontal bars against a limit line (prepared spec sizes against APIM's 4 MB inline import)."""
    left, right, row_h, top = 380, 70, 18, 8
    height = top * 2 + row_h * max(len(rows), 1) + 20
    top_value = max([limit, *(v for _, v in rows)]) * 1.05
    scale = (width - left - right) / top_value if top_value else 0
    drawn = [{"label": label, "value": f"{value:,.2f} {unit}", "over": value > limit, "y": top + i * row_h,
              "w": round(max(value * scale, 1), 1), "text_x": round(left + value * scale + 4, 1)}
             for i, (label, value) in enumerate(rows)]
    return {"title": title, "width": width, "height": height, "left": left, "row_h": row_h, "rows": drawn,
            "limit_x": round(left + limit * scale, 1), "limit_label": f"limit {limit:g} {unit}",
            "bottom": top + row_h * max(len(rows), 1)}
