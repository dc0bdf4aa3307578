"""The domain's vocabulary: the words the ledger stores and the forms offer, each list defined once.

The ledger's CHECK constraints are generated from these lists (``ledger/store.py``), and a test
compares a fresh ledger's constraints with them. The lights themselves live in ``domain/lights.py``.
"""

from __future__ import annotations

from jj123lib.domain import lights

__all__ = ["FILE_ACTION_LABELS", "FILE_ACTIONS", "PUBLICATION_KIND_LABELS", "PUBLICATION_KINDS",
           "STATUSES", "RESPONSE_STATUSES", "GOAL_LEVELS", "RECOGNITION_STAGES", "LEVELS", "INTERVIEW", "ALL_LEVELS",
           "FILE_KINDS", "ROLES",
           "OVERRIDE_LIGHTS", "DUBAN_STATUSES", "DUBAN_STATUS_LABELS", "RETURNED_LABEL", "COORDINATION_STATUSES",
           "DEPARTMENT_SOURCES", "DEPARTMENT_SOURCE_LABELS",
           "CLOSED_COORDINATION_STATUSES", "VERIFICATION_KINDS", "VERIFICATION_DECISIONS",
           "VERIFICATION_DECISION_LABELS", "REPORTING_STATES"]

STATUSES = ("已完成", "超进度", "达进度", "欠进度")
RESPONSE_STATUSES = ("已整改", "整改中")  # the drop-down; 已整改 makes the item 待核实
GOAL_LEVELS = ("国家级", "省级", "泉州市级", "其他")  # 成效目标 levels, highest first
RECOGNITION_STAGES = ("未申报", "已申报", "评审中", "公示", "已认定", "未获认定")
LEVELS: tuple[str, ...] = ("提醒", "督办", "挂牌督办")  # 督办 levels, 1..3
INTERVIEW = "约谈"  # an optional level 4 above 挂牌督办, switched on in the rules (duban.interview)
ALL_LEVELS: tuple[str, ...] = (*LEVELS, INTERVIEW)  # every level a 督办 step may reach

FILE_KINDS = ("plan", "progress")  # the forms a unit files: the year's plan, a quarter's progress
ROLES = ("lead", "co")  # a unit's part in a task: 牵头, 配合
# What the office records about a received file after its receipt: the signed paper copy came in;
# the file was withdrawn so the unit's previous version counts again.
FILE_ACTION_LABELS = {"paper": "纸质件已收", "revert": "撤回"}
FILE_ACTIONS = tuple(FILE_ACTION_LABELS)
# 季度封账: the first publication of a quarter's verdicts, then each recorded correction (更正).
PUBLICATION_KIND_LABELS = {"publish": "发布", "correction": "更正"}
PUBLICATION_KINDS = tuple(PUBLICATION_KIND_LABELS)
OVERRIDE_LIGHTS = lights.RATED  # the lights the office may give by hand

# 督办 items: issued (open), answered 整改中 (responded), answered 已整改 (claimed), checked (closed).
DUBAN_STATUS_LABELS = {"open": "待整改", "responded": "整改中", "claimed": "待核实", "closed": "已销号"}
DUBAN_STATUSES = tuple(DUBAN_STATUS_LABELS)
RETURNED_LABEL = "退回"  # an open item whose 已整改 the office rejected (derived, never stored)

CLOSED_COORDINATION_STATUSES = ("已协调", "已解决")  # how the office closes a 需协调事项
COORDINATION_STATUSES = ("open", *CLOSED_COORDINATION_STATUSES)
# Who named a 协调事项's 需协调部门: the unit on its form, or the office; "text": read from the request's wording.
DEPARTMENT_SOURCES = ("form", "office")
DEPARTMENT_SOURCE_LABELS = {"form": "单位填报", "office": "督查室指定", "text": "据事项文字"}

VERIFICATION_KINDS = ("task", "duban", "recognition")  # what 核实 checks: 已完成, 已整改, 已认定
VERIFICATION_DECISION_LABELS = {"verified": "核实销号", "rejected": "核实未通过"}
VERIFICATION_DECISIONS = tuple(VERIFICATION_DECISION_LABELS)

# A unit's reporting in a quarter, judged on a day (loop/deadlines.py).
REPORTING_STATES = ("未到报送期", "未报送", "迟报", "按时", "无需报送")  # the last: a co-unit the rules do not chase
