"""The 督查通报 as a 督查室 writes it: each part's paragraphs from the quarter's one assessment.

Pure functions from the frames :func:`jj123lib.documents.content.bulletin_data` reads (ratings, the units'
league, 督办 items, reporting states, data flags, recognitions, 对标 figures, the 协调 register) to plain
official Chinese: figures and dates, task and unit names; no rule strings, quarter codes or symbols such as
"（>30）". No verdict is made here: each sentence restates a light, a board, a state or a flag computed in
``assess/`` or ``loop/``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from jj123lib.domain.quarters import CHINESE_NUMERALS, parse_quarter

__all__ = ["bulletin_title", "plain", "quoted", "addressees", "number", "quarter_words", "plain_state", "overview",
           "achievements", "problems", "supervision", "reporting", "blockers", "requirements", "formula", "task_rows",
           "unit_list"]

# How each light reads in a sentence (the lights' own labels are for tables).
_STATE_WORDS = {"done": "已完成并经核实销号", "claimed": "自评已完成、待核实", "pending": "未到报送期",
                "green": "进度正常（绿灯）", "yellow": "进度滞后（黄灯）", "red": "严重滞后（红灯）",
                "missing": "未报送"}
# Data flags that say a figure may not be true (the rest are about the text of a report).
_DATA_FLAGS = ("jump", "rosier", "milestone_no_gap", "unverified_full", "stuck")
_MOST_GAINS = 5  # rank gains named in 主要成效; the rest counted


def bulletin_title(quarter: str) -> str:
    """The 督查通报's title for ``quarter``."""
    from jj123lib.domain.quarters import quarter_label

    return f"关于{quarter_label(quarter)}“123”争先进位工作推进情况的通报"


_QUARTER_CODE = re.compile(r"(\d{4})Q([1-4])")
_SYMBOLS = (("≥", "不低于"), ("≤", "不超过"), (">", "超过"), ("<", "低于"))


def plain(text: str) -> str:
    """A computed reason as a 公文 words it: 督办 IDs, quarter codes and comparison symbols in words.

    Only for text this project writes (a verdict's reason, a rule); a unit's own words stay verbatim.
    """
    if "DB-" in text:  # a 督办 item's ID: its number in words
        from jj123lib.loop.duban import DUBAN_ID, duban_number_text

        text = DUBAN_ID.sub(lambda m: duban_number_text(m.group(0)), text)
    text = _QUARTER_CODE.sub(lambda m: f"{m.group(1)}年第{CHINESE_NUMERALS[int(m.group(2)) - 1]}季度", text)
    for symbol, words in _SYMBOLS:
        text = re.sub(rf"\s*{symbol}\s*", words, text)
    return text


def quoted(title: object) -> str:
    """A task's title in quotation marks, its own quotation marks turned single (“推进‘好房子’建设工作”)."""
    return "“" + str(title).replace("“", "‘").replace("”", "’") + "”"


def number(value: float) -> str:
    """A figure as a 公文 writes it: ``63``, ``2.5``."""
    return f"{round(float(value), 1):g}"


def quarter_words(quarter: str) -> str:
    """``2026Q3`` → ``第三季度`` (the year is in the title)."""
    return f"第{CHINESE_NUMERALS[parse_quarter(quarter)[1] - 1]}季度"


def unit_list(names: Iterable[str], limit: int = 0, noun: str = "个单位") -> str:
    """Names joined with 、 (the first ``limit`` and 等N个单位 when there are more)."""
    listed = list(dict.fromkeys(names))
    if limit and len(listed) > limit:
        return f"{'、'.join(listed[:limit])}等{len(listed)}{noun}"
    return "、".join(listed)


def addressees(units: Mapping[str, Any]) -> str:
    """主送 from the unit groups: towns and 街道, 开发区管委会, 指挥部, other park units, 市直, 国企.

    ``units``: name → an object with ``group`` (:class:`jj123lib.domain.units.UnitInfo`).
    """
    towns, zones, commands, others = [], [], [], []
    groups = {str(info.group) for info in units.values()}
    for name, info in units.items():
        if info.group != "town":
            continue
        if name.endswith(("镇", "街道")):
            towns.append(name)
        elif "开发区" in name:
            zones.append(name if name.endswith("管委会") else f"{name}管委会")
        elif name.endswith("指挥部"):
            commands.append(name)
        else:
            others.append(name)
    parts = []
    if towns:
        parts.append("各镇人民政府、街道办事处")
    parts.extend(zones)
    if commands:
        parts.append("各指挥部" if len(commands) > 1 else commands[0])
    parts.extend(others)
    if "department" in groups:
        parts.append("市直有关单位")
    if "enterprise" in groups:
        parts.append("有关国有企业")
    return "，".join(parts)


def _gap(row: Mapping[str, Any]) -> float | None:
    gap = row.get("gap")
    return None if gap is None or (isinstance(gap, float) and math.isnan(gap)) else float(gap)


def plain_state(row: Mapping[str, Any], ratings: Mapping[str, Any], *, milestones: bool = True,
                fallback: bool = True) -> str:
    """What a rated task's light rests on, in words: pace, milestones (unless said elsewhere), the office's
    adjustment; with nothing to add, the light in words (or nothing, without ``fallback``)."""
    light = str(row["light"])
    if light == "missing":
        return "逾期未报送季度进度"
    if light in ("done", "claimed", "pending"):
        return _STATE_WORDS[light]
    parts = []
    gap = _gap(row)
    if gap is not None and gap > ratings["green_max_behind"]:
        parts.append(f"落后序时进度{number(gap)}个百分点")
    if milestones and row.get("milestone_met") is False:
        streak = int(ratings["missed_milestone_consecutive_red"])
        paced = "red" if gap is not None and gap > ratings["yellow_max_behind"] else None
        if str(row.get("rule_light")) == "red" and paced is None and streak > 1:
            parts.append(f"连续{streak}个季度以上未完成节点目标")
        else:
            parts.append("本季度节点目标未完成")
    if row.get("overridden") and row.get("override_reason"):
        parts.append(f"督查室核查意见：{row['override_reason']}")
    return "，".join(parts) or (_STATE_WORDS.get(light, "") if fallback else "")


def _count_phrase(counts: Mapping[str, int]) -> str:
    return "，".join(f"{_STATE_WORDS[key]}{counts[key]}项" for key in _STATE_WORDS if counts.get(key))


def overview(rated: Sequence[Mapping[str, Any]], league: Sequence[Mapping[str, Any]], quarter: str,
             as_of: date, recognitions: int, praise: str, criticism: str) -> list[str]:
    """总体情况: the scope, the as-of date and the headline figures; states with no task left out."""
    counts: dict[str, int] = {}
    for row in rated:
        counts[str(row["light"])] = counts.get(str(row["light"]), 0) + 1
    reds = [r for r in league if r["board"] == "红榜"]
    yellows = [r for r in league if r["board"] == "黄榜"]
    text = (f"截至{as_of.year}年{as_of.month}月{as_of.day}日，全市“123”争先进位{len(rated)}项任务中，"
            f"{_count_phrase(counts)}。")
    if recognitions:
        text += f"本季度新获上级认定{recognitions}项。"
    board = (f"按镇街/指挥部/园区、市直部门、国有企业分组对{len(league)}个责任单位进行评分排名，"
             f"{len(reds)}个单位列入红榜、{praise}，{len(yellows)}个单位列入黄榜、{criticism}（评分办法见附件1，"
             "排名见附件2）。")
    return [text, board]


def achievements(rated: Sequence[Mapping[str, Any]], recognitions: Sequence[Mapping[str, Any]],
                 rank_gains: Sequence[Mapping[str, Any]], league: Sequence[Mapping[str, Any]],
                 praise: str) -> list[str]:
    """主要成效: recognitions won, ranks gained, tasks completed and verified, and the 红榜 praised."""
    titles = {str(r["task_id"]): (str(r["title"]), str(r["lead_unit"])) for r in rated}
    out = []
    if recognitions:
        won = []
        for rec in recognitions:
            title, unit = titles.get(str(rec["task_id"]), ("", ""))
            checked = "" if rec.get("verified") else "（待督查室核实）"
            won.append(f"{unit}牵头的{quoted(title)}获{rec['level']}认定{checked}")
        out.append("争先创优取得新突破。" + "；".join(won) + "。")
    if rank_gains:
        shown = rank_gains[:_MOST_GAINS]
        gains = [f"{quoted(g['title'])}的{g['indicator']}{g['scope']}由第{g['before']}位升至第{g['after']}位"
                 for g in shown]
        more = f"等{len(rank_gains)}项指标位次上升" if len(rank_gains) > len(shown) else ""
        out.append("对标位次稳中有进。" + "；".join(gains) + more + "。")
    done = [r for r in rated if r["light"] == "done"]
    if done:
        finished = [f"{r['lead_unit']}牵头的{quoted(r['title'])}已完成并经督查室核实销号" for r in done]
        out.append("重点任务加快落地。" + "；".join(finished) + "。")
    reds = [r for r in league if r["board"] == "红榜"]
    if reds:
        named = "；".join(f"{r['unit']}（{r['group_label']}第{r['rank']}名，得分{number(r['score'])}分，"
                         f"已完成并经核实{r['done']}项）" for r in reds)
        out.append(f"以下单位任务推进有力、成效明显，列入本季度红榜，{praise}：{named}。")
    return out or ["本季度尚无经核实的完成任务和新获认定。"]


def problems(rated: Sequence[Mapping[str, Any]], states: Sequence[Mapping[str, Any]],
             items: Sequence[Mapping[str, Any]], flags: Sequence[Mapping[str, Any]],
             league: Sequence[Mapping[str, Any]], ratings: Mapping[str, Any], criticism: str,
             consequence: str) -> list[str]:
    """存在问题 by cause (一是进度滞后、二是报送不及时、三是整改不到位、四是数据不实), then the 黄榜."""
    causes: list[tuple[str, str]] = []
    reds = sorted((r for r in rated if r["light"] == "red"), key=lambda r: -(_gap(r) or 0.0))
    yellows = [r for r in rated if r["light"] == "yellow"]
    if reds or yellows:
        text = f"{len(reds) + len(yellows)}项任务进度滞后。"
        if reds:
            text += f"严重滞后（红灯）{len(reds)}项：" + "；".join(
                f"{r['lead_unit']}牵头的{quoted(r['title'])}{plain_state(r, ratings)}" for r in reds) + "。"
        if yellows:
            text += (f"{'另有' if reds else ''}进度滞后（黄灯）{len(yellows)}项，涉及"
                     f"{unit_list(str(r['lead_unit']) for r in yellows)}。")
        causes.append(("进度滞后", text))
    late = [s for s in states if s["state"] in ("迟报", "未报送")]
    if late:
        missing = [s["unit"] for s in late if s["state"] == "未报送"]
        tardy = [f"{s['unit']}（逾期{int(s['days_late'])}天）" for s in late if s["state"] == "迟报"]
        said = []
        if missing:
            said.append(f"{unit_list(missing)}截至目前仍未报送季度进度")
        if tardy:
            said.append(f"{unit_list(tardy)}逾期报送")
        causes.append(("报送不及时", "；".join(said) + "。"))
    slow = [i for i in items if int(i.get("days_overdue") or 0) > 0 or i.get("status") == "responded"]
    if slow:
        parts = [f"{i['unit']}（{i['trigger_label']}，" + (f"逾期{int(i['days_overdue'])}天未办结）"
                                                          if int(i.get("days_overdue") or 0) > 0 else "仍在整改中）")
                 for i in slow]
        causes.append(("整改不到位", f"{len(slow)}项督办事项未按期办结：{'；'.join(parts)}。"))
    shaky = [f for f in flags if f["flag"] in _DATA_FLAGS]
    if shaky:
        by_kind: dict[str, list[str]] = {}
        for flag in shaky:
            by_kind.setdefault(str(flag["flag_label"]), []).append(f"{flag['lead_unit']}（{flag['task_id']}）")
        causes.append(("数据不实", "部分报送数据与实际进展不符或有待核实：" + "；".join(
            f"{kind}的有{unit_list(tasks, 4, '项任务')}" for kind, tasks in by_kind.items()) + "。督查室将逐项核查，"
            "核查不实的按实调整灯号。"))
    out = [f"{CHINESE_NUMERALS[n]}是{name}。{text}" for n, (name, text) in enumerate(causes)]
    yellows = [r for r in league if r["board"] == "黄榜"]
    if yellows:
        out.append(f"以下单位列入本季度黄榜，{criticism}：" + "；".join(
            f"{r['unit']}（{r['board_reason'].replace(' ', '')}）" for r in yellows) + "。" + consequence)
    return out or ["本季度各项任务均按序时推进，未发现突出问题。"]


def supervision(items: Sequence[Mapping[str, Any]], as_of: date) -> list[str]:
    """督办和整改情况: the open items by state, the overdue named."""
    if not items:
        return ["本季度无新增督办事项，前期督办事项均已办结。"]
    by_status: dict[str, int] = {}
    for item in items:
        by_status[str(item["status_label"])] = by_status.get(str(item["status_label"]), 0) + 1
    levels: dict[str, int] = {}
    for item in items:
        levels[str(item["level_label"])] = levels.get(str(item["level_label"]), 0) + 1
    text = (f"截至{as_of.month}月{as_of.day}日，督查室共跟踪督办事项{len(items)}项（"
            + "、".join(f"{k}{v}项" for k, v in levels.items()) + "），其中"
            + "、".join(f"{k}{v}项" for k, v in by_status.items()) + "。")
    overdue = [i for i in items if int(i.get("days_overdue") or 0) > 0]
    out = [text]
    if overdue:
        out.append("逾期未办结的：" + "；".join(f"{i['unit']}牵头的{i['task_id']}任务（{i['trigger_label']}，"
                                          f"逾期{int(i['days_overdue'])}天）" for i in overdue) + "。")
    return out


def reporting(states: Sequence[Mapping[str, Any]], quarter: str, deadline: date) -> list[str]:
    """报送情况: how many units reported on time, who was late, who has not reported."""
    on_time = [s for s in states if s["state"] == "按时"]
    late = [s for s in states if s["state"] == "迟报"]
    missing = [s for s in states if s["state"] == "未报送"]
    text = (f"{quarter_words(quarter)}进度应于{deadline.month}月{deadline.day}日前报送，应报单位{len(states)}个，"
            f"按时报送{len(on_time)}个")
    if late:
        text += f"，逾期报送{len(late)}个（{unit_list(s['unit'] for s in late)}）"
    if missing:
        text += f"，截至目前未报送{len(missing)}个（{unit_list(s['unit'] for s in missing)}）"
    return [text + "。"]


def blockers(groups: Sequence[Mapping[str, Any]]) -> list[str]:
    """需协调解决的问题: the open 协调 items by the department asked to act
    (:func:`jj123lib.loop.coordination.blockers_by_department`), with the tasks waiting and the oldest item's age."""
    from jj123lib.domain.departments import LEADER_ASKED

    out = []
    for group in groups:
        asks = [f"{item['unit']}（{item['task_id']}）" for item in group["items"]]
        what = "召开专题会议协调" if group["department"] == LEADER_ASKED else "协调支持"
        oldest = int(group["oldest"])
        age = f"，最长已挂账{oldest}个季度" if oldest > 1 else ""
        inferred = sum(1 for item in group["items"] if item.get("source") == "text")
        basis = ("" if not inferred else "（部门据事项文字推定）" if inferred == len(asks)
                 else f"（其中{inferred}项部门据事项文字推定）")
        out.append(f"需{group['department']}{what}的事项{len(asks)}项{basis}，涉及{unit_list(asks)}{age}。")
    return out


def requirements(*, yellow_units: Sequence[str], missing_units: Sequence[str],
                 claimed_units: Sequence[str], reply_by: date, report_by: date, next_quarter: str | None,
                 next_deadline: date | None, submit_by: str, contact: str) -> list[str]:
    """下步工作要求: numbered, each addressed to someone, each dated; the route and the office's contact."""
    def day(value: date) -> str:
        return f"{value.year}年{value.month}月{value.day}日"

    asks = []
    if yellow_units:
        asks.append(f"抓好问题整改。列入黄榜的{unit_list(yellow_units)}要深入分析原因，于{day(reply_by)}前向市政府督查室"
                    "书面报送整改方案，明确整改措施、责任人和完成时限；督办事项承办单位要按督办单要求按期反馈办理情况。")
    if missing_units:
        asks.append(f"立即补报进度。{unit_list(missing_units)}要立即补报本季度工作进展，最迟于{day(report_by)}前报送；"
                    "逾期仍未报送的，下季度继续列入黄榜。")
    if claimed_units:
        asks.append(f"及时提交佐证。{unit_list(claimed_units)}对自评已完成的任务，要于{day(reply_by)}前报送验收报告、"
                    "认定文件等佐证材料，经督查室核实后予以销号。")
    if next_quarter and next_deadline:
        asks.append(f"按时报送进度。各责任单位要对照年度计划和季度节点目标，逐项压实责任，于{day(next_deadline)}前"
                    f"如实报送{quarter_words(next_quarter)}工作进展。")
    else:
        asks.append("做好年度考评准备。各责任单位要对照年度目标逐项梳理完成情况，备齐佐证材料，迎接年度考评。")
    numbered = [f"（{CHINESE_NUMERALS[n]}）{text}" for n, text in enumerate(asks)]
    route = f"报送方式：{submit_by}。" if submit_by else ""
    return [*numbered, f"{route}市政府督查室{contact}"]


def formula(rules: Mapping[str, Any]) -> list[str]:
    """附件1: the unit score's formula with the numbers in force, so that a unit can recompute its own."""
    from jj123lib.domain.lights import LABELS
    from jj123lib.domain.rule_sections import unit_scoring_rules
    from jj123lib.domain.rules import rating_rules, scoring_rules
    from jj123lib.domain.tiers import TIER_LABELS

    scoring, unit_rules, ratings = scoring_rules(rules), unit_scoring_rules(rules), rating_rules(rules)
    points = scoring["light_points"]
    verification = (rules.get("verification") or {}) if isinstance(rules.get("verification"), Mapping) else {}
    claimed = str(verification.get("claimed_counts_as", "green"))
    weights = "、".join(f"{TIER_LABELS[t]}{number(w)}" for t, w in scoring["tier_weights"].items())
    lines = [
        "一、计算公式。单位得分 =Σ（任务分值 × 任务权重）÷Σ 任务权重，保留一位小数。Σ 对本单位承担的各项任务求和。",
        "二、任务分值。按本季度灯号计：" + "、".join(f"{LABELS[k]}{number(v)}分" for k, v in points.items())
        + f"；未报送按{LABELS[str(ratings['missing_counts_as'])]}计，"
          f"自评已完成待核实的按{LABELS.get(claimed, claimed)}计；未到报送期的任务不计入。",
        f"三、任务权重 = 层级权重 × 角色权重。层级权重：{weights}；"
        f"角色权重：牵头单位{number(unit_rules['lead_weight'])}，配合单位{number(unit_rules['co_weight'])}。"
        + ("牵头单位未报送的任务，不计入配合单位得分。" if not unit_rules["co_units_share_missing"] else ""),
        "四、排名。按镇街/指挥部/园区、市直部门、国有企业分组排名；同分时，红灯和未报送项数少者在前，已完成项数多者在前，"
        "仍相同的名次并列。",
        f"五、红榜。组内前{unit_rules['top_per_group']}名、得分不低于{number(unit_rules['min_score'])}分，"
        "承担任务无红灯、无未报送，且至少有1项任务已完成并经督查室核实销号。",
        "六、黄榜。" + "；".join(text for key, text in (
            ("yellow_red_as_lead", "牵头任务有红灯"), ("yellow_red_as_co", "配合任务有红灯"),
            ("yellow_missing", "牵头任务未报送"), ("yellow_overdue_duban", "督办事项逾期未办结"))
            if unit_rules[key]) + "，满足其一即列入。",
        "各单位承担的任务、角色和灯号见附件3，可据此核算本单位得分。",
    ]
    if not unit_rules["red_verified_done"]:
        lines[4] = lines[4].replace("且至少有1项任务已完成并经督查室核实销号",
                                    "且至少有1项任务已完成或各项任务均超前序时进度")
    return lines


def task_rows(rated: Sequence[Mapping[str, Any]]) -> list[list[object]]:
    """附件3: each task with its tier, lead and co-units and light, in the notice's order."""
    from jj123lib.domain.lights import LABELS

    return [[r["task_id"], r["title"], r["tier_label"], r["lead_unit"],
             "、".join(u for u in r["units"] if u != r["lead_unit"]) or "—", LABELS[str(r["light"])]]
            for r in rated]
