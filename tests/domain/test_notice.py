"""The notice parser against the real 2026 notice and rewritten variants."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from jj123lib.core.exceptions import NoticeParseError
from jj123lib.domain.notice import parse_notice, parse_notice_document
from jj123lib.domain.tasks import default_notice_path, load_tasks
from tests.notice_variants import PAGE_NUMBER_FORMATS, Style, write_notice

NOTICE = default_notice_path().read_text(encoding="utf-8")
OTHER_LEADERS = {
    "张健龙": "林志远",
    "吴靖宇": "黄海波",
    "王也夫": "许文静",
    "陈丽蓉": "蔡明哲",
    "吴尊意": "洪晓燕",
    "陈进福": "施国强",
    "陈清平": "庄雅琪",
    "陈英煌": "欧阳一鸣",
}


def test_real_notice_has_48_tasks_in_three_tiers() -> None:
    tasks = parse_notice(NOTICE)
    assert len(tasks) == 48
    assert tasks["tier"].value_counts().to_dict() == {"breakthrough": 24, "provincial": 16, "national": 8}
    assert list(tasks.loc[tasks["tier"] == "provincial", "seq"]) == list(range(1, 17))
    assert tasks["task_id"].is_unique


def test_label_broken_across_lines_with_blank_line() -> None:
    # "（牵头市" / "" / "领导：张健龙，责任单位：自然资源局）" on lines 20–22.
    first = parse_notice(NOTICE).iloc[0]
    assert first["title"] == "纵深推进国家级盘活利用低效用地试点工作"
    assert first["leader"] == "张健龙"
    assert first["units"] == ["自然资源局"]
    assert first["source_line"] == 20


def test_brackets_inside_title_and_half_width_annotation() -> None:
    tasks = parse_notice(NOTICE).set_index("task_id")
    assert tasks.loc["P10", "title"] == "打造1个更新（完整社区）省级典型样板项目"
    assert tasks.loc["P10", "leader"] == "吴尊意"
    # B19–B24 use half-width brackets around the annotation in the real notice.
    assert tasks.loc["B19", "title"] == "打造重点群体精准管控体系，实现风险“止于未发”"
    assert tasks.loc["B24", "units"] == ["晋东新区开发建设指挥部", "陈埭镇"]
    assert tasks.loc["B24", "lead_unit"] == "晋东新区开发建设指挥部"


def test_several_units_keep_their_order() -> None:
    tasks = parse_notice(NOTICE).set_index("task_id")
    assert tasks.loc["P15", "units"] == ["陈埭镇", "鞋纺城公司", "珠江文体公司"]
    assert tasks.loc["P15", "lead_unit"] == "陈埭镇"


def test_quantity_targets_are_structured() -> None:
    tasks = parse_notice(NOTICE).set_index("task_id")
    assert tasks.loc["B15", "target_value"] == 5000.0
    assert tasks.loc["B15", "target_unit"] == "亩"
    # "延长30年" is a term, not a target.
    assert pd.isna(tasks.loc["B07", "target_value"])  # type: ignore[arg-type]  # pandas-stubs: isna refuses loc's scalar


def test_footer_and_requirements_section_are_not_tasks() -> None:
    titles = " ".join(parse_notice(NOTICE)["title"])
    assert "高度重视" not in titles and "抄送" not in titles


def test_document_reports_year_and_minimums() -> None:
    document = parse_notice_document(NOTICE)
    assert document.year == 2026
    assert document.minimums == {"national": 1, "provincial": 2, "breakthrough": 3}
    assert [s.line for s in document.sections] == [17, 38, 76]


def test_rewritten_notice_with_other_leaders_and_wrapping() -> None:
    text, expected = write_notice(
        load_tasks(),
        Style(seed=7, wrap_probability=0.8, half_width_probability=0.4, leader_map=OTHER_LEADERS),
    )
    # The variant really differs from the original in the ways the issue names.
    assert "(牵头市领导:" in text and "（牵头市领导：" in text
    assert "林志远" in text and "张健龙" not in text
    parsed = parse_notice(text)
    pd.testing.assert_frame_equal(parsed.drop(columns="year"), expected.drop(columns="year"))
    assert parsed["year"].iloc[0] == 2026


def test_item_without_units_names_its_line() -> None:
    broken = NOTICE.replace("（牵头市领导：吴靖宇，责任单位：商务局）", "（牵头市领导：吴靖宇）", 1)
    with pytest.raises(NoticeParseError) as info:
        parse_notice(broken)
    assert info.value.line == 24
    assert "责任单位" in str(info.value) and "第 24 行" in str(info.value)


def test_item_without_annotation_is_an_error_not_a_merge() -> None:
    broken = NOTICE.replace("（牵头市领导：王也夫，责任单位：农业农村局）\n\n4.", "\n\n4.", 1)
    with pytest.raises(NoticeParseError) as info:
        parse_notice(broken)
    assert info.value.line == 26


def test_stray_text_after_annotation_names_the_line() -> None:
    broken = NOTICE.replace("责任单位：商务局）\n", "责任单位：商务局）\n多余的一行\n", 1)
    with pytest.raises(NoticeParseError) as info:
        parse_notice(broken)
    assert info.value.line == 25


def test_two_leaders_are_refused_not_guessed() -> None:
    broken = NOTICE.replace("牵头市领导：吴靖宇，责任单位：商务局", "牵头市领导：吴靖宇、张健龙，责任单位：商务局", 1)
    with pytest.raises(NoticeParseError, match="只能有一位"):
        parse_notice(broken)


def test_text_without_task_list_is_an_error() -> None:
    with pytest.raises(NoticeParseError, match="未找到任务清单"):
        parse_notice("晋江市人民政府办公室文件\n\n二、工作要求\n")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 10**6),
    wrap=st.floats(0, 1),
    half=st.floats(0, 1),
    blank=st.floats(0, 1),
    page_number=st.sampled_from([None, *PAGE_NUMBER_FORMATS]),
    full_width=st.booleans(),
)
def test_rewrapped_notice_parses_right_or_fails_naming_a_line(
    seed: int, wrap: float, half: float, blank: float, page_number: str | None, full_width: bool
) -> None:
    text, expected = write_notice(
        load_tasks(),
        Style(
            seed=seed,
            wrap_probability=wrap,
            half_width_probability=half,
            blank_line_in_wrap_probability=blank,
            cut_item_numbers=True,
            page_number=page_number,
            full_width_digits=full_width,
        ),
    )
    try:
        parsed = parse_notice(text)
    except NoticeParseError as error:
        assert 1 <= error.line <= len(text.splitlines())
        assert re.search(r"第 \d+ 行", str(error))
        return
    pd.testing.assert_frame_equal(parsed, expected)


def test_tier_comes_from_the_headers_own_count_not_a_stray_keyword() -> None:
    text = NOTICE.replace("（三）3项重点突破的难点工作（每位副市长分管领域至少3项）",
                          "（三）3项重点突破的难点工作（对标全省先进，每位副市长分管领域至少3项）")
    tasks = parse_notice(text)
    assert tasks["tier"].value_counts().to_dict() == {"breakthrough": 24, "provincial": 16, "national": 8}


def test_unit_names_with_their_own_brackets() -> None:
    text = NOTICE.replace("责任单位：商务局）\n\n3.", "责任单位：市委编办（市委\n改革办）、商务局）\n\n3.", 1)
    task = parse_notice(text).set_index("task_id").loc["N02"]
    assert task["units"] == ["市委编办（市委改革办）", "商务局"]
    assert task["lead_unit"] == "市委编办（市委改革办）"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(
    seed=st.integers(0, 10**6),
    wrap=st.floats(0, 1),
    blank=st.floats(0, 1),
    page_number=st.sampled_from(PAGE_NUMBER_FORMATS),
    full_width=st.booleans(),
)
def test_page_numbers_anywhere_give_exactly_the_same_tasks(
    seed: int, wrap: float, blank: float, page_number: str, full_width: bool
) -> None:
    """A notice the parser reads gives exactly the same tasks with page numbers wherever its pages end."""
    plain_style = Style(seed=seed, wrap_probability=wrap, blank_line_in_wrap_probability=blank)
    plain, _ = write_notice(load_tasks(), plain_style)
    try:
        parse_notice(plain)
    except NoticeParseError:
        assume(False)  # a wrapping the parser refuses anyway (e.g. a header cut inside "（一"): not about pages
    style = Style(seed=seed, wrap_probability=wrap, blank_line_in_wrap_probability=blank,
                  page_number=page_number, full_width_digits=full_width)
    text, expected = write_notice(load_tasks(), style)
    shape = re.escape(page_number).replace(r"\{n\}", "[0-9０-９]+").replace(r"\{total\}", "[0-9０-９]+")
    assert sum(bool(re.fullmatch(shape, line)) for line in text.splitlines()) >= 4  # page numbers were inserted
    parsed = parse_notice(text)
    assert len(parsed) == 48
    pd.testing.assert_frame_equal(parsed, expected)


# The real notice with its page numbers, as a PDF copy gives them: pages 1–3 end inside an item.
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
PDF_COPY = (FIXTURES / "notice_2026_page_numbers.txt").read_text(encoding="utf-8")
PAGE_LINE = re.compile(r"^- (\d) -$", re.MULTILINE)
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
PAGE_FORMS = {
    "dashes": "- {n} -",
    "em dashes": "— {n} —",
    "full-width": "－{n}－",
    "full-width digits": "－{fw}－",
    "bare": "{n}",
    "bare full-width": "{fw}",
    "di-N-ye": "第 {n} 页",
    "di-N-ye gong-M-ye": "第{n}页 共6页",
    "full-width di-N-ye gong-M-ye": "第{fw}页　共６页",
    "form feed": "- {n} -\f",
    "layout indent": "                              - {n} -",
}


def test_pdf_copy_fixture_is_the_real_notice_plus_page_lines() -> None:
    assert PAGE_LINE.findall(PDF_COPY) == ["1", "2", "3", "4", "5", "6"]
    kept = [line for line in PDF_COPY.split("\n") if not PAGE_LINE.fullmatch(line)]
    assert "\n".join(kept) == NOTICE + "\n"


@pytest.mark.parametrize("form", list(PAGE_FORMS))
def test_page_number_lines_are_skipped_in_every_usual_form(form: str) -> None:
    def page(match: re.Match[str]) -> str:
        n = match.group(1)
        return PAGE_FORMS[form].format(n=n, fw=n.translate(FULL_WIDTH))

    text = PAGE_LINE.sub(page, PDF_COPY)
    parsed = parse_notice(text)
    original = parse_notice(NOTICE)
    assert len(parsed) == 48
    pd.testing.assert_frame_equal(parsed.drop(columns="source_line"), original.drop(columns="source_line"))
    lines = text.splitlines()
    starts = zip(parsed["seq"], parsed["source_line"])
    assert all(re.match(rf"\s*{seq}\s*[.．]", lines[line - 1]) for seq, line in starts)
    # Items that a page number cut in two (national 1, provincial 3 and 14) keep their whole annotation.
    assert parsed.set_index("task_id").loc[["N01", "P03", "P14"], "leader"].tolist() == \
        original.set_index("task_id").loc[["N01", "P03", "P14"], "leader"].tolist()


P10 = "10. 打造1个更新（完整社区）省级典型样板项目。"


@pytest.mark.parametrize("text", [NOTICE, PDF_COPY, PAGE_LINE.sub(lambda m: m.group(1), PDF_COPY)])
def test_a_lone_number_that_is_part_of_a_title_is_kept(text: str) -> None:
    """"1" wrapped onto a line of its own inside item P10 does not continue the page sequence: it is text."""
    assert P10 in text
    wrapped = text.replace(P10, "10. 打造\n1\n个更新（完整社区）省级典型样板项目。")
    parsed = parse_notice(wrapped).set_index("task_id")
    assert parsed.loc["P10", "title"] == "打造1个更新（完整社区）省级典型样板项目"
    assert parsed.loc["P10", "target_value"] == 1.0


def test_a_lone_number_continuing_the_page_sequence_inside_an_item_is_a_page_number() -> None:
    bare = PAGE_LINE.sub(lambda m: m.group(1), PDF_COPY)
    # Page 2 ends inside provincial item 3: "2" follows page "1" and precedes page "3".
    lines = bare.splitlines()
    page_two = lines.index("2")
    assert "（牵头" in lines[page_two - 2] and "责任单位" in lines[page_two + 1]
    assert (parse_notice(bare).set_index("task_id").loc["P03", "title"]  # type: ignore[operator]  # pandas-stubs: NA == NA
            == parse_notice(NOTICE).set_index("task_id").loc["P03", "title"])


def test_a_single_bare_page_number_between_items_is_skipped() -> None:
    text = NOTICE.replace("\n2. 打造“超级晋江”IP。", "\n7\n2. 打造“超级晋江”IP。")
    pd.testing.assert_frame_equal(parse_notice(text).drop(columns="source_line"),
                                  parse_notice(NOTICE).drop(columns="source_line"))


def test_an_item_number_cut_in_two_is_not_taken_for_a_page_number() -> None:
    """"1" then "0. 打造…" is item 10 broken after its first digit, not page 1 and an item 0."""
    text = NOTICE.replace(P10, "1\n0. 打造1个更新（完整社区）省级典型样板项目。")
    with pytest.raises(NoticeParseError) as info:
        parse_notice(text)
    assert info.value.text == "1"
