"""The demo's Chinese texts: reporters' names, milestones, and what a unit writes in its progress form.

Every function draws on the random stream it is given, in a fixed order, so a seed gives the same texts.
"""

from __future__ import annotations

import random

from jj123lib.domain.quarters import quarter_number

__all__ = ["MILESTONES", "NEXT_STEPS", "CO_UNIT_NOTES", "object_phrase", "progress_texts", "reporters"]

_SURNAMES = "陈林黄王张李吴许蔡洪施郑庄苏杨"
_GIVEN = ("志强", "丽娟", "建华", "晓东", "雅琴", "文杰", "秀梅", "国平", "海燕", "振宇", "少华", "思颖",
          "明辉", "佳玲")
MILESTONES = (
    ("印发攻坚方案，明确责任分工和时间节点", "完成现状调查和问题清单梳理", "召开专题部署会并建立工作专班"),
    ("完成{obj}实施方案报批", "启动{obj}首批项目建设", "完成{obj}关键政策文件起草并征求意见"),
    ("{obj}主体工作完成过半并通过中期评估", "完成{obj}核心系统（平台）上线试运行", "完成{obj}阶段性验收"),
    ("全面完成{obj}年度目标并形成总结报告", "{obj}通过上级验收或获评认定", "形成{obj}可复制推广的经验材料"),
)
_ACTIONS = (
    "召开专题推进会 {n} 次，协调解决问题 {m} 个", "赴省市主管部门汇报对接 {n} 次",
    "完成{obj}相关方案编制并提交市政府审定",
    "组织实地调研 {n} 次，形成调研报告", "签订合作协议 {n} 份", "完成项目立项和可研批复", "累计完成投资 {x} 亿元",
    "开展业务培训 {n} 场，覆盖 {m} 人次", "建立周调度、月通报工作机制", "完成招标采购并进场施工",
    "梳理形成任务清单 {m} 项并逐项销号推进", "对标学习先进地区经验 {n} 批次",
)
_PROBLEMS = (
    "项目用地报批进度慢于预期", "专项资金到位不及时，影响后续实施", "涉及部门较多，审批链条较长",
    "专业技术人才短缺，推进力量不足", "部分群众对政策理解不到位，协调难度较大", "上级配套政策尚未明确",
    "企业参与积极性有待进一步提高", "施工受雨季天气影响，工期有所滞后", "数据共享壁垒尚未完全打通",
)
NEXT_STEPS = (
    "{m}月底前完成{obj}关键节点任务", "{m}月中旬前召开专题协调会，逐项解决存在问题",
    "{m}月底前完成招标采购并启动实施", "{m}月底前形成阶段性成果并报送市委、市政府",
    "{m}月底前完成项目验收准备工作", "{m}月上旬前完成资金拨付和合同签订",
)
_COORDINATION = (
    "需自然资源局协调解决项目用地指标", "需财政局加快专项资金拨付", "需发改局协助争取上级政策支持",
    "需数据管理部门协调打通数据共享接口", "需住建局协助加快施工许可办理", "需市领导召开专题会协调推进",
)
CO_UNIT_NOTES = ("配合完成现场踏勘和资料收集", "已按分工提供相关数据和材料", "派员参加工作专班，配合推进相关工作",
                 "配合完成方案会商和意见反馈")


def object_phrase(title: str) -> str:
    """A short object phrase from a task title (drop the leading verb)."""
    for verb in ("纵深推进", "推进", "打造", "创建", "推动", "推行", "实施", "争创", "开展", "建设", "智慧", "落地",
                 "率先探索", "探索完善", "探索", "加快推进", "加快", "培育拓展", "保障", "全力攻坚", "升级", "围绕",
                 "巩固拓展"):
        if title.startswith(verb):
            title = title[len(verb):]
            break
    return title.replace("“", "").replace("”", "")[:16]


def progress_texts(rng: random.Random, title: str, quarter: str, category: str) -> dict[str, str]:
    """A lead unit's 工作进展, 存在问题, 下步计划 and 需协调事项 for a task in the given category."""
    obj = object_phrase(title)
    q = quarter_number(quarter)
    fill = {"obj": obj, "n": rng.randint(2, 6), "m": rng.randint(3, 15), "x": round(rng.uniform(0.3, 8.5), 1)}
    actions = rng.sample(_ACTIONS, 2)
    progress = f"围绕“{obj}”，" + "；".join(a.format(**fill) for a in actions) + "。"
    if category == "done":
        progress += "年度目标任务已全面完成，相关佐证材料已报送督查室。"
        problems, next_steps = "无", "巩固工作成效，总结提炼经验做法并做好宣传推广"
    else:
        problems = rng.choice(_PROBLEMS) if category != "green" or rng.random() < 0.4 else "无"
        month = min(3 * q + rng.randint(1, 3), 12)
        next_steps = rng.choice(NEXT_STEPS).format(m=month, obj=obj)
    coordination = rng.choice(_COORDINATION) if category in ("yellow", "red", "twice") and rng.random() < 0.7 else "无"
    return {"工作进展": progress, "存在问题": problems, "下步计划": next_steps, "需协调事项": coordination}


def reporters(rng: random.Random, units: list[str]) -> dict[str, str]:
    """A 填报人 for each unit."""
    return {u: rng.choice(_SURNAMES) + rng.choice(_GIVEN) for u in units}
