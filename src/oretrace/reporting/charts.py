"""Draw a :class:`~oretrace.reporting.figures.ChartData` as SVG and PNG, byte-reproducibly.

matplotlib's object API only (no pyplot, no global backend switch): a ``Figure`` drawn by
the Agg canvas. Reproducible output: no date in the SVG metadata, a fixed ``svg.hashsalt``
for the element ids, no software tag in the PNG, the bundled DejaVu Sans font.
"""

from __future__ import annotations

import io
from contextlib import AbstractContextManager
from dataclasses import dataclass

import matplotlib
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from oretrace.reporting.figures import ChartData
from oretrace.reporting.sections import printable

MAX_BARS = 20
COLOURS = ("#2e7d32", "#f9a825", "#9e9e9e", "#1565c0", "#c62828")


@dataclass(frozen=True, slots=True)
class RenderedChart:
    name: str
    svg: bytes
    png: bytes


def _style() -> AbstractContextManager[None]:
    return matplotlib.rc_context(
        {"svg.hashsalt": "oretrace", "svg.fonttype": "path", "font.family": "DejaVu Sans"}
    )


def render(chart: ChartData) -> RenderedChart:
    with _style():
        figure = _draw(chart)
        svg, png = io.BytesIO(), io.BytesIO()
        figure.savefig(svg, format="svg", metadata={"Date": None})
        figure.savefig(png, format="png", dpi=110, metadata={"Software": None})
    return RenderedChart(chart.name, svg.getvalue(), png.getvalue())


def render_svg(chart: ChartData) -> bytes:
    """``render(chart).svg`` without drawing the PNG too (the web dashboard shows SVG only;
    the PNG is about half of ``render``'s time)."""
    with _style():
        figure = _draw(chart)
        svg = io.BytesIO()
        figure.savefig(svg, format="svg", metadata={"Date": None})
    return svg.getvalue()


def _shown(chart: ChartData) -> tuple[list[str], list[tuple[str, list[int]]]]:
    """Categories and series as drawn: past MAX_BARS the rest sum into one bar."""
    categories = [printable(c) for c in chart.categories]
    series = [(s.label, list(s.values)) for s in chart.series]
    if len(categories) > MAX_BARS:
        rest = len(categories) - MAX_BARS + 1
        categories = [*categories[: MAX_BARS - 1], f"{rest} others"]
        series = [(label, [*v[: MAX_BARS - 1], sum(v[MAX_BARS - 1 :])]) for label, v in series]
    return categories, series


def _draw(chart: ChartData) -> Figure:
    categories, series = _shown(chart)
    height = max(3.0, 0.3 * len(categories) + 1.5) if chart.horizontal else 3.6
    figure = Figure(figsize=(6.4, height))
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    positions = list(range(len(categories)))
    base = [0] * len(categories)
    width = 0.8 if chart.stacked or len(series) == 1 else 0.8 / len(series)
    for index, (label, values) in enumerate(series):
        colour = COLOURS[index % len(COLOURS)] if len(series) > 1 else COLOURS[3]
        offset = 0.0 if chart.stacked or len(series) == 1 else (index - (len(series) - 1) / 2)
        at = [p + offset * width for p in positions]
        if chart.horizontal:
            bars = axes.barh(at, values, height=width, left=base, label=label, color=colour)
        else:
            bars = axes.bar(at, values, width=width, bottom=base, label=label, color=colour)
        if not chart.stacked and any(values):
            axes.bar_label(bars, padding=2, fontsize=8)
        if chart.stacked:
            base = [b + v for b, v in zip(base, values, strict=True)]
    _label_axes(axes, chart, categories, positions)
    if len(series) > 1:
        axes.legend(frameon=False, fontsize=8)
    axes.set_title(chart.title, fontsize=10)
    figure.tight_layout()
    return figure


def _label_axes(axes: Axes, chart: ChartData, categories: list[str], at: list[int]) -> None:
    if chart.horizontal:
        axes.set_yticks(at, categories)
        axes.invert_yaxis()
        axes.set_xlabel(chart.value_label)
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    else:
        axes.set_xticks(at, categories)
        axes.set_ylabel(chart.value_label)
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    if chart.horizontal:  # counts start at zero, never below, even with nothing to show
        axes.set_xlim(left=0, right=None if chart.total else 1)
    else:
        axes.set_ylim(bottom=0, top=None if chart.total else 1)
    if chart.total == 0:
        axes.text(0.5, 0.5, "No data", transform=axes.transAxes, ha="center", va="center")
