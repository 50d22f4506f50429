"""Bars of the participation charts in the PDF reports, and the groups they show."""

import xml.etree.ElementTree as ET

import pytest
from markupsafe import Markup

from consultation.reports.charts import SMALL_GROUP, Bar, bar_svg, breakdown, largest

SVG = "{http://www.w3.org/2000/svg}"


def rect(svg: Markup) -> ET.Element:
    # The input is the module's own output.
    root = ET.fromstring(str(svg))  # noqa: S314
    [only] = root.findall(f"{SVG}rect")
    return only


def length(bar: Bar, scale: int) -> float:
    return float(rect(bar_svg(bar, scale, width=200)).get("width"))


def test_bar_hides_the_count_of_small_groups():
    assert SMALL_GROUP == 5
    assert [Bar("a", n).shown for n in (0, 1, 4, 5, 12)] == ["0", "<5", "<5", "5", "12"]
    assert [Bar("a", n).suppressed for n in (0, 1, 4, 5)] == [False, True, True, False]


def test_bar_refuses_a_negative_count():
    with pytest.raises(ValueError, match="negative"):
        Bar("a", -1)


def test_a_bar_is_a_lone_decorative_rectangle():
    svg = bar_svg(Bar("<script>", 10), 20, width=200, height=12)
    assert isinstance(svg, Markup)
    root = ET.fromstring(str(svg))  # noqa: S314
    assert root.get("aria-hidden") == "true"
    assert [child.tag for child in root] == [f"{SVG}rect"]
    # Labels and numbers are left to the HTML around it: nothing of the group is in here.
    assert "script" not in svg and "10" not in svg.replace('width="10', "")
    for forbidden in ("href", "<image", "<style", "<text", "url("):
        assert forbidden not in svg


def test_bars_are_proportional_to_the_largest_value():
    bars = [Bar("a", 40), Bar("b", 20), Bar("c", 10), Bar("d", 0)]
    scale = largest(bars)
    assert [length(bar, scale) for bar in bars] == [200, 100, 50, 0]


@pytest.mark.parametrize("count", range(1, SMALL_GROUP))
def test_a_small_group_is_drawn_the_same_whatever_its_size(count):
    assert bar_svg(Bar("Small", count), 50) == bar_svg(Bar("Small", 1), 50)
    assert length(Bar("Small", count), 50) == 8  # 4 % of 200
    assert rect(bar_svg(Bar("Small", count), 50)).get("fill-opacity") == "0.45"


def test_small_groups_never_set_the_scale():
    assert largest([Bar("a", 4), Bar("b", 0)]) == 4
    assert largest([Bar("a", 4), Bar("b", 5)]) == 5
    # All small: each bar has its fixed length, nothing is divided by zero.
    assert length(Bar("a", 3), largest([Bar("a", 3)])) == 8
    assert length(Bar("a", 0), 0) == 0


def test_rounded_groups_are_drawn_at_their_rounded_value():
    assert bar_svg(Bar("a", 7, rounded=True), 10) == bar_svg(Bar("a", 6, rounded=True), 10)
    assert length(Bar("a", 7, rounded=True), 10) == 100


def test_right_to_left_bars_grow_from_the_right():
    drawn = rect(bar_svg(Bar("a", 5), 20, width=200, right_to_left=True))
    assert (float(drawn.get("x")), float(drawn.get("width"))) == (150, 50)
    assert rect(bar_svg(Bar("a", 5), 20, width=200)).get("x") == "0"


def test_the_colour_must_be_hexadecimal():
    assert rect(bar_svg(Bar("a", 9), 9, colour="#abc")).get("fill") == "#abc"
    with pytest.raises(ValueError, match="colour"):
        bar_svg(Bar("a", 9), 9, colour="url(http://example.org/#p)")


def test_breakdown_sorts_by_count_then_label():
    bars = breakdown({"b": 7, "a": 7, "c": 20, "d": 0})

    assert bars == [Bar("c", 20), Bar("a", 7), Bar("b", 7), Bar("d", 0)]


def test_breakdown_orders_small_groups_by_label_only():
    # Sorting these by count would let the order tell which small group is bigger.
    assert [bar.label for bar in breakdown({"z": 4, "y": 1, "x": 3, "big": 5, "none": 0})] == [
        "big",
        "x",
        "y",
        "z",
        "none",
    ]
    assert [(bar.label, bar.shown) for bar in breakdown({"a": 1, "b": 4})] == [
        ("a", "<5"),
        ("b", "<5"),
    ]


def test_breakdown_merges_the_smallest_groups_beyond_the_limit():
    counts = {"A": 30, "B": 20, "C": 10, "D": 3, "E": 2}

    bars = breakdown(counts, limit=3, other_label="Other countries")

    assert bars == [Bar("A", 30), Bar("B", 20), Bar("Other countries", 15)]


def test_breakdown_keeps_everything_within_the_limit():
    counts = {"A": 30, "B": 20, "C": 10}

    assert breakdown(counts, limit=3) == [Bar("A", 30), Bar("B", 20), Bar("C", 10)]
    assert breakdown(counts) == breakdown(counts, limit=None)
    assert breakdown({}) == []


def test_merged_group_is_still_suppressed_when_small():
    bars = breakdown({"A": 9, "B": 1, "C": 2}, limit=2)

    assert [(bar.label, bar.shown) for bar in bars] == [("A", "≈10"), ("Other", "<5")]


def test_a_hidden_group_cannot_be_found_by_subtraction():
    # 13 people in all: with 7 and 5 shown exactly, the hidden group would be 1.
    bars = breakdown({"International": 7, "National": 5, "Local": 1})
    assert [bar.shown for bar in bars] == ["≈5", "≈5", "<5"]
    assert [bar.value for bar in bars] == [5, 5, 1]
    # Without a hidden group, every count is exact.
    assert [bar.shown for bar in breakdown({"International": 7, "National": 5})] == ["7", "5"]
