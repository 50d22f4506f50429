"""Horizontal bar charts as inline SVG, drawn on the server so that PDFs need nothing else.

Groups of fewer than ``SMALL_GROUP`` people are never shown with their count, and their bar
has one fixed length, so that neither the label nor the drawing singles anyone out.
"""

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

SMALL_GROUP = 5
FONT = "Noto Sans, Noto Naskh Arabic, sans-serif"
LABEL_WIDTH = 200
VALUE_WIDTH = 36
MAX_LABEL = 28
SUPPRESSED_SHARE = 0.04
# Only a plain colour may reach the fill attribute: anything else could be url(...).
COLOUR = re.compile(r"#(?:[0-9a-fA-F]{3}){1,2}")
# Characters that XML 1.0 forbids even when escaped; a label pasted from elsewhere may hold them.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@dataclass(frozen=True)
class Bar:
    label: str
    count: int
    # Shown rounded to the nearest 5, so that a hidden small group cannot be worked out by
    # subtracting the other groups from the total.
    rounded: bool = False

    def __post_init__(self) -> None:
        if self.count < 0:
            raise ValueError(f"a count of people cannot be negative: {self.count}")

    @property
    def suppressed(self) -> bool:
        return 0 < self.count < SMALL_GROUP

    @property
    def value(self) -> int:
        """The count as it may be shown (and drawn)."""
        if self.rounded and not self.suppressed:
            return SMALL_GROUP * round(self.count / SMALL_GROUP)
        return self.count

    @property
    def shown(self) -> str:
        if self.suppressed:
            return f"<{SMALL_GROUP}"
        return f"≈{self.value}" if self.rounded and self.count else str(self.count)


def breakdown(
    counts: Mapping[str, int], *, limit: int | None = None, other_label: str = "Other"
) -> list[Bar]:
    """Largest groups first; beyond ``limit`` groups, the smallest are merged into one. When a
    group is too small to show, the others are rounded (see ``Bar.rounded``)."""
    bars = sorted((Bar(label, count) for label, count in counts.items()), key=_largest_first)
    if limit is not None and len(bars) > limit:
        kept, merged = bars[: limit - 1], bars[limit - 1 :]
        bars = [*kept, Bar(other_label, sum(bar.count for bar in merged))]
    if any(bar.suppressed for bar in bars):
        bars = [Bar(bar.label, bar.count, rounded=True) for bar in bars]
    return bars


def _largest_first(bar: Bar) -> tuple[int, str]:
    # Small groups rank as equals: ordering them by count would tell which one is bigger.
    rank = 1 if bar.suppressed else bar.count
    return (-rank, bar.label)


def _clean(text: str) -> str:
    return NOT_XML.sub("", str(text))


def _short(label: str) -> str:
    return label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1] + "…"


def _number(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


def bar_chart_svg(
    bars: Sequence[Bar],
    title: str,
    *,
    width: int = 480,
    bar_height: int = 18,
    gap: int = 6,
    colour: str = "#1f5f8b",
) -> Markup:
    """One labelled bar per group, in the order given, scaled to the largest group shown."""
    area = width - LABEL_WIDTH - VALUE_WIDTH
    if area <= 0:
        raise ValueError(f"a chart needs to be wider than {LABEL_WIDTH + VALUE_WIDTH}: {width}")
    if not COLOUR.fullmatch(colour):
        raise ValueError(f"not a hexadecimal colour: {colour!r}")
    rows = max(len(bars), 1)
    height = rows * (bar_height + gap) + gap
    text = f'font-family="{FONT}" font-size="11"'
    heading = escape(_clean(title))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{heading}" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}">',
        f"<title>{heading}</title>",
    ]
    if not bars:
        baseline = _number(gap + bar_height * 0.7)
        parts.append(f'<text x="{LABEL_WIDTH}" y="{baseline}" {text}>—</text>')
    # A small group can never set the scale, so the other bars do not betray its size:
    # any group shown with its count is either empty or larger.
    largest = max((bar.value for bar in bars), default=0)
    for index, bar in enumerate(bars):
        top = gap + index * (bar_height + gap)
        baseline = _number(top + bar_height * 0.7)
        if bar.suppressed:
            length = area * SUPPRESSED_SHARE
        else:
            length = area * bar.value / largest if largest else 0
        opacity = ' fill-opacity="0.45"' if bar.suppressed else ""
        parts.append(
            f'<text x="{LABEL_WIDTH - 6}" y="{baseline}" text-anchor="end" '
            f'unicode-bidi="plaintext" {text}>{escape(_short(_clean(bar.label)))}</text>'
            f'<rect x="{LABEL_WIDTH}" y="{top}" width="{_number(length)}" '
            f'height="{bar_height}" fill="{colour}"{opacity}/>'
            f'<text x="{_number(LABEL_WIDTH + length + 4)}" y="{baseline}" {text}>'
            f"{escape(bar.shown)}</text>"
        )
    parts.append("</svg>")
    # Every piece of text above went through escape(), and the colour through COLOUR.
    return Markup("".join(parts))  # noqa: S704
