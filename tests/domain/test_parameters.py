"""validate_quarter and check_notebook_namespace, the checks every command and notebook share."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from jj123lib.core.exceptions import ParameterError
from jj123lib.domain.parameters import (
    NOTEBOOK_PARAMETERS,
    NotebookParameterError,
    ReportParams,
    UnknownParameterError,
    check_notebook_namespace,
    undeclared_names,
    validate_quarter,
)
from jj123lib.domain.tasks import leaders, load_tasks

if TYPE_CHECKING:  # pragma: no cover
    from jj123lib.demo.generate import DemoSummary


def test_validate_quarter_normalises_a_quarter_of_the_table_year() -> None:
    assert validate_quarter(" 2026q3 ") == "2026Q3"


@pytest.mark.parametrize("bad", ["2025Q2", "2027Q1"])
def test_validate_quarter_refuses_years_the_table_does_not_cover(bad: str) -> None:
    with pytest.raises(ParameterError) as info:
        validate_quarter(bad)
    message = str(info.value)
    assert bad in message and "2026 年度" in message
    assert info.value.valid == ["2026Q1", "2026Q2", "2026Q3", "2026Q4"]


def test_validate_quarter_follows_the_table_it_is_given() -> None:
    tasks = load_tasks()
    later = tasks.assign(year=2027)
    assert validate_quarter("2027Q2", later) == "2027Q2"
    with pytest.raises(ParameterError, match="2027 年度"):
        validate_quarter("2026Q2", later)
    two_years = tasks.assign(year=[2026 if i % 2 else 2027 for i in range(len(tasks))])
    with pytest.raises(ParameterError, match="2026、2027 年度"):
        validate_quarter("2028Q1", two_years)
    no_year = tasks.assign(year=None)  # a notice that named no year: any well-formed quarter
    assert validate_quarter("2031Q4", no_year) == "2031Q4"
    with pytest.raises(ParameterError):
        validate_quarter("2031Q5", no_year)


def _kernel_namespace(**user: object) -> dict[str, object]:
    """What a papermill run's ``globals()`` holds at the check cell: IPython's names, then the user's."""
    import json

    namespace: dict[str, object] = {
        "__name__": "__main__", "__builtins__": __builtins__, "_ih": [""], "_oh": {}, "_dh": [Path.cwd()],
        "In": [""], "Out": {}, "get_ipython": lambda: None, "exit": object(), "quit": object(),
        "_": "", "__": "", "_i": "", "_i1": "leader = '陈丽蓉'", "_ii": "",
        "json": json, "check_notebook_namespace": check_notebook_namespace,  # imports leave modules and functions
    }
    namespace.update(user)
    return namespace


def test_declared_parameters_pass_and_are_validated(demo_data: DemoSummary) -> None:
    ns = _kernel_namespace(leader=" 吴尊意", quarter="2026q1", data_dir=str(demo_data.data_dir))
    params = check_notebook_namespace("leader", ns)
    assert params == ReportParams("leader", "2026Q1", str(Path(demo_data.data_dir).resolve()), "吴尊意")
    overview = check_notebook_namespace("overview", _kernel_namespace(quarter="2026Q3", data_dir=demo_data.data_dir))
    assert overview.kind == "overview" and overview.leader is None


@pytest.mark.parametrize("misspelled", ["leeder", "quater", "data_directory", "Leader"])
def test_unknown_name_is_refused_naming_it_and_the_valid_names(misspelled: str, demo_data: DemoSummary) -> None:
    ns = _kernel_namespace(leader="吴尊意", quarter="2026Q1", data_dir=str(demo_data.data_dir))
    ns[misspelled] = "2026Q2"
    with pytest.raises(UnknownParameterError) as info:
        check_notebook_namespace("leader", ns)
    message = str(info.value)
    assert misspelled in message and "leader、quarter、data_dir" in message
    assert info.value._render_traceback_() == [message]


def test_every_unknown_name_is_listed_and_values_papermill_cannot_inject_are_ignored() -> None:
    ns = _kernel_namespace(quarter="2026Q1", data_dir=None, zz=1.5, aa=[1], mm={"k": None}, flag=True,
                           report=ReportParams("overview", "2026Q1", "."))
    assert undeclared_names("overview", ns) == ["aa", "flag", "mm", "zz"]
    assert undeclared_names("overview", ns, allowed=["aa", "mm"]) == ["flag", "zz"]
    assert undeclared_names("leader", _kernel_namespace(leader="x", quarter="q", data_dir=None)) == []


@pytest.mark.parametrize(("name", "value", "words"), [
    ("leader", "张三", ["张三", *leaders()]),
    ("quarter", "2025Q2", ["2025Q2", "2026 年度"]),
    ("quarter", "2026Q5", ["2026Q5", "季度"]),
    ("data_dir", "/nonexistent/jj123", ["/nonexistent/jj123", "数据文件夹不存在"]),
    ("data_dir", 3, ["data_dir", "路径"]),
])
def test_bad_values_are_refused_with_a_message_alone(name: str, value: object, words: list[str],
                                                     demo_data: DemoSummary) -> None:
    ns = _kernel_namespace(leader="吴尊意", quarter="2026Q1", data_dir=str(demo_data.data_dir))
    ns[name] = value
    with pytest.raises(NotebookParameterError) as info:
        check_notebook_namespace("leader", ns)
    message = str(info.value)
    assert all(word in message for word in words), message
    assert info.value._render_traceback_() == [message]


def test_a_parameter_missing_from_the_notebook_is_named(demo_data: DemoSummary) -> None:
    ns = _kernel_namespace(quarter="2026Q1", data_dir=str(demo_data.data_dir))
    with pytest.raises(NotebookParameterError, match="leader"):
        check_notebook_namespace("leader", ns)
    with pytest.raises(ParameterError, match="kind"):
        check_notebook_namespace("bogus", ns)
    assert set(NOTEBOOK_PARAMETERS) == {"leader", "overview", "explore", "annual"}
