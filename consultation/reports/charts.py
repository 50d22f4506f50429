"""Horizontal bar charts, drawn on the server so that PDFs need nothing else: each bar an
inline SVG in a table row that holds its label and number.

Groups of fewer than ``SMALL_GROUP`` people are never shown with their count, and their bar
has one fixed length, so that neither the label nor the drawing singles anyone out.
"""

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from markupsafe import Markup

SMALL_GROUP = 5
SUPPRESSED_SHARE = 0.04
# Only a plain colour may reach the fill attribute: anything else could be url(...).
COLOUR = re.compile(r"#(?:[0-9a-fA-F]{3}){1,2}")


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


@dataclass(frozen=True)
class Tally(Bar):
    """A count of things (recommendations, commitments), not of people: always shown."""

    @property
    def suppressed(self) -> bool:
        return False


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


def _number(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


def largest(bars: Sequence[Bar]) -> int:
    """The value the bars are scaled to. A small group never sets it, so the other bars do
    not betray its size: any group drawn at its value is either empty or larger."""
    return max((bar.value for bar in bars), default=0)


def bar_svg(
    bar: Bar,
    scale: int,
    *,
    width: int = 240,
    height: int = 12,
    colour: str = "#1f5f8b",
    right_to_left: bool = False,
) -> Markup:
    """One group's bar, drawn as a lone rectangle. Labels and numbers stay in the HTML around
    it, where Arabic is shaped and set right to left; SVG text in PDFs is neither."""
    if not COLOUR.fullmatch(colour):
        raise ValueError(f"not a hexadecimal colour: {colour!r}")
    if bar.suppressed:
        length = width * SUPPRESSED_SHARE
    else:
        length = width * bar.value / scale if scale else 0
    opacity = ' fill-opacity="0.45"' if bar.suppressed else ""
    # In a right-to-left page the bar grows from the right, where the label is.
    start = width - length if right_to_left else 0
    # Built only from numbers and a checked colour: nothing here comes from users.
    return Markup(  # noqa: S704 (numbers and a checked colour only, see above)
        f'<svg xmlns="http://www.w3.org/2000/svg" aria-hidden="true" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}">'
        f'<rect x="{_number(start)}" y="0" width="{_number(length)}" height="{height}" fill="{colour}"{opacity}/>'
        "</svg>"
    )
