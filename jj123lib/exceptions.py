"""Exception hierarchy: one root, specific subclasses with structured fields.

Messages (``str(exc)``) are in Chinese because they reach the office's staff;
the structured fields let code and tests inspect the failure without parsing text.
"""

from __future__ import annotations


class Jj123Error(Exception):
    """Root of every error jj123 raises on purpose."""


class NoticeParseError(Jj123Error):
    """A notice line that could not be read as part of the task list."""

    def __init__(self, line: int, text: str, rule: str, source: str | None = None) -> None:
        self.line = line
        self.text = text
        self.rule = rule
        self.source = source
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f"{self.source} " if self.source else ""
        snippet = self.text if len(self.text) <= 80 else self.text[:77] + "…"
        return f"通知解析失败：{where}第 {self.line} 行：{self.rule}。原文：“{snippet}”"


class TaskTableError(Jj123Error):
    """A task table (CSV) that does not have the canonical shape."""

    def __init__(self, path: str, problem: str) -> None:
        self.path = path
        self.problem = problem
        super().__init__(str(self))

    def __str__(self) -> str:
        return f"任务表无效：{self.path}：{self.problem}"


class RulesError(Jj123Error):
    """A rules file (params/rules.yaml) that is missing or malformed."""

    def __init__(self, path: str, problem: str) -> None:
        self.path = path
        self.problem = problem
        super().__init__(str(self))

    def __str__(self) -> str:
        return f"规则文件无效：{self.path}：{self.problem}"


class ParameterError(Jj123Error):
    """A user-supplied parameter (leader, tier, quarter…) that is not valid.

    ``valid`` lists the accepted values so the message can show them.
    """

    def __init__(self, name: str, value: object, valid: list[str] | None = None, hint: str = "") -> None:
        self.name = name
        self.value = value
        self.valid = list(valid or [])
        self.hint = hint
        super().__init__(str(self))

    def __str__(self) -> str:
        msg = f"参数 {self.name} 的值“{self.value}”无效"
        if self.hint:
            msg += f"：{self.hint}"
        if self.valid:
            msg += "。可选值：" + "、".join(self.valid)
        return msg
