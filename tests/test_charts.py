"""SVG bar charts for the participation section of the PDF reports."""

import xml.etree.ElementTree as ET

import pytest
from markupsafe import Markup

from consultation.reports.charts import (
    LABEL_WIDTH,
    SMALL_GROUP,
    VALUE_WIDTH,
    Bar,
    bar_chart_svg,
    breakdown,
)

SVG = "{http://www.w3.org/2000/svg}"
AREA = 480 - LABEL_WIDTH - VALUE_WIDTH


def parse(svg: Markup) -> ET.Element:
    # The input is the module's own output, and entities in it are what these tests look for.
    return ET.fromstring(str(svg))  # noqa: S314


def rects(root: ET.Element) -> list[ET.Element]:
    return root.findall(f"{SVG}rect")


def widths(root: ET.Element) -> list[float]:
    return [float(rect.get("width")) for rect in rects(root)]


def texts(root: ET.Element) -> list[str]:
    return [text.text for text in root.iter(f"{SVG}text")]


def labels(root: ET.Element) -> list[str]:
    return [text.text for text in root.iter(f"{SVG}text") if text.get("unicode-bidi")]


def values(root: ET.Element) -> list[str]:
    return [text.text for text in root.iter(f"{SVG}text") if not text.get("unicode-bidi")]


def test_bar_hides_the_count_of_small_groups():
    assert SMALL_GROUP == 5
    assert [Bar("a", n).shown for n in (0, 1, 4, 5, 12)] == ["0", "<5", "<5", "5", "12"]
    assert [Bar("a", n).suppressed for n in (0, 1, 4, 5)] == [False, True, True, False]


def test_bar_refuses_a_negative_count():
    with pytest.raises(ValueError, match="negative"):
        Bar("a", -1)


def test_chart_is_a_well_formed_accessible_svg():
    svg = bar_chart_svg([Bar("NGO", 10), Bar("UN agency", 6)], "By type")

    assert isinstance(svg, Markup)
    assert svg.startswith("<svg ")
    root = parse(svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("aria-label") == "By type"
    assert root.find(f"{SVG}title").text == "By type"
    assert root.get("width") == "480"
    assert root.get("viewBox") == f"0 0 480 {root.get('height')}"
    assert labels(root) == ["NGO", "UN agency"]
    assert values(root) == ["10", "6"]
    for text in root.iter(f"{SVG}text"):
        assert text.get("font-family") == "Noto Sans, Noto Naskh Arabic, sans-serif"
        assert text.get("font-size") == "11"


def test_bars_are_proportional_to_the_largest_count():
    root = parse(bar_chart_svg([Bar("a", 40), Bar("b", 20), Bar("c", 10)], "t"))

    assert widths(root) == [AREA, AREA / 2, AREA / 4]
    assert [rect.get("fill-opacity") for rect in rects(root)] == [None, None, None]
    # Each value is written just after the end of its own bar.
    value_x = [float(t.get("x")) for t in root.iter(f"{SVG}text") if not t.get("unicode-bidi")]
    assert value_x == [LABEL_WIDTH + width + 4 for width in widths(root)]


def test_numbers_are_rounded_to_one_decimal():
    svg = str(bar_chart_svg([Bar("a", 3 * 7), Bar("b", 7)], "t"))

    assert f'width="{AREA / 3:.1f}"' in svg
    assert f"{AREA / 3:.2f}" not in svg


def test_chart_is_deterministic_and_keeps_the_given_order():
    bars = [Bar("b", 6), Bar("a", 60), Bar("c", 0)]

    assert bar_chart_svg(bars, "t") == bar_chart_svg(list(bars), "t")
    assert labels(parse(bar_chart_svg(bars, "t"))) == ["b", "a", "c"]


@pytest.mark.parametrize("count", range(1, SMALL_GROUP))
def test_small_group_shows_neither_its_count_nor_its_size(count):
    svg = bar_chart_svg([Bar("Large", 50), Bar("Small", count)], "t")
    root = parse(svg)

    assert values(root) == ["50", "<5"]
    assert str(count) not in "".join(texts(root))
    assert "&lt;5" in svg
    small = rects(root)[1]
    assert float(small.get("width")) == round(AREA * 0.04, 1)
    assert small.get("fill-opacity") == "0.45"
    assert svg == bar_chart_svg([Bar("Large", 50), Bar("Small", 1)], "t")


def test_small_groups_do_not_change_the_scale():
    for small in range(1, SMALL_GROUP):
        root = parse(bar_chart_svg([Bar("Five", 5), Bar("Small", small), Bar("None", 0)], "t"))

        assert widths(root) == [AREA, round(AREA * 0.04, 1), 0]


def test_zero_count_draws_no_bar_and_shows_zero():
    root = parse(bar_chart_svg([Bar("Some", 8), Bar("None", 0)], "t"))

    assert widths(root) == [AREA, 0]
    assert values(root) == ["8", "0"]
    assert rects(root)[1].get("fill-opacity") is None


def test_labels_and_title_are_escaped():
    svg = bar_chart_svg([Bar("<script>&</script>", 9)], '<b>"Types" & kinds</b>')

    assert "<script>" not in svg
    assert "<b>" not in svg
    assert "&lt;script&gt;&amp;&lt;/script&gt;" in svg
    root = parse(svg)
    assert labels(root) == ["<script>&</script>"]
    assert root.findall(f".//{SVG}script") == []
    assert root.find(f"{SVG}title").text == '<b>"Types" & kinds</b>'
    assert root.get("aria-label") == '<b>"Types" & kinds</b>'


def test_characters_forbidden_in_xml_are_dropped():
    root = parse(bar_chart_svg([Bar("Tab\tand\x00nul\x1b", 9)], "Title\x0b"))

    assert labels(root) == ["Tab\tandnul"]
    assert root.find(f"{SVG}title").text == "Title"


def test_long_labels_are_cut_at_28_characters():
    exact = "x" * 28
    long = "y" * 29
    root = parse(bar_chart_svg([Bar(exact, 9), Bar(long, 8)], "t"))

    assert labels(root) == [exact, "y" * 27 + "…"]


def test_arabic_labels_are_isolated_without_mirroring_the_chart():
    root = parse(bar_chart_svg([Bar("منظمة غير حكومية", 7)], "حسب النوع"))

    label = next(t for t in root.iter(f"{SVG}text") if t.text == "منظمة غير حكومية")
    assert label.get("unicode-bidi") == "plaintext"
    assert label.get("direction") is None
    assert root.get("direction") is None
    assert rects(root)[0].get("x") == str(LABEL_WIDTH)


def test_chart_refers_to_nothing_outside_itself():
    svg = str(bar_chart_svg([Bar("http://example.org/x.png", 9), Bar("a", 2)], "url(#x)"))
    markup = svg.replace("http://www.w3.org/2000/svg", "")

    for forbidden in ("href", "<image", "<style", "<use", "@import"):
        assert forbidden not in markup
    # The title may say anything, but only as text: no attribute takes a url(...).
    root = parse(svg)
    for element in root.iter():
        for name, value in element.attrib.items():
            if name != "aria-label":
                assert "url(" not in value, name


def test_colour_must_be_hexadecimal():
    root = parse(bar_chart_svg([Bar("a", 9)], "t", colour="#abc"))
    assert rects(root)[0].get("fill") == "#abc"
    with pytest.raises(ValueError, match="colour"):
        bar_chart_svg([Bar("a", 9)], "t", colour="url(http://example.org/#p)")


def test_chart_too_narrow_for_its_labels_is_refused():
    with pytest.raises(ValueError, match="wider"):
        bar_chart_svg([Bar("a", 9)], "t", width=LABEL_WIDTH + VALUE_WIDTH)


def test_size_follows_the_number_of_rows():
    root = parse(bar_chart_svg([Bar("a", 9)] * 3, "t", width=600, bar_height=20, gap=5))

    assert root.get("width") == "600"
    assert root.get("height") == str(3 * (20 + 5) + 5)
    assert [rect.get("y") for rect in rects(root)] == ["5", "30", "55"]
    assert widths(root) == [600 - LABEL_WIDTH - VALUE_WIDTH] * 3


def test_empty_chart_shows_a_dash():
    root = parse(bar_chart_svg([], "Nobody"))

    assert root.find(f"{SVG}title").text == "Nobody"
    assert rects(root) == []
    assert texts(root) == ["—"]
    assert float(root.get("height")) > 0


def test_all_small_groups_draw_without_dividing_by_zero():
    root = parse(bar_chart_svg([Bar("a", 1), Bar("b", 4)], "t"))

    assert widths(root) == [round(AREA * 0.04, 1)] * 2
    assert values(root) == ["<5", "<5"]


def test_all_zero_counts_draw_without_dividing_by_zero():
    root = parse(bar_chart_svg([Bar("a", 0), Bar("b", 0)], "t"))

    assert widths(root) == [0, 0]
    assert values(root) == ["0", "0"]


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


def test_rounded_bars_are_drawn_at_their_rounded_length():
    exact_seven = bar_chart_svg([Bar("a", 7, rounded=True), Bar("b", 5, rounded=True)], "t")
    assert exact_seven == bar_chart_svg([Bar("a", 6, rounded=True), Bar("b", 5, rounded=True)], "t")
