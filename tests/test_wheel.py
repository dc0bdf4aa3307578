"""The built wheel works on its own: installed into a fresh venv and run from a folder outside the repo.

The wheel is built offline (``--no-build-isolation --no-deps``) from a copy of the sources. The fresh
venv sees the dev venv's third-party packages through a ``.pth`` line naming its site-packages (a
directory named in a ``.pth`` is added to ``sys.path`` but its own ``.pth`` files, among them the
editable jj123lib finder, are not processed), so only the wheel's ``jj123lib`` is importable.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
QUARTER = "2026Q3"
LEADER = "吴靖宇"
LEADER_SLUG = "wu-jingyu"
SHIPPED = ("jj123lib/py.typed", "jj123lib/params/rules.yaml", "jj123lib/notebooks/leader_report.ipynb",
           "jj123lib/notebooks/quarterly_overview.ipynb", "jj123lib/notebooks/explore.ipynb",
           "jj123lib/templates/jj123/conf.json", "jj123lib/templates/jj123/index.html.j2",
           "jj123lib/templates/jj123/static/jj123.css", "jj123lib/data/tasks_2026.csv")


@dataclass(frozen=True)
class Installed:
    wheel: Path
    venv_python: Path
    jj123: Path
    site_packages: Path
    work: Path  # a folder outside the repo, the cwd of every command

    def env(self, **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "JJ123_RULES", "JJ123_DATA_DIR")}
        # nbconvert's base templates (lab) are data files of the dev venv, found through JUPYTER_PATH
        # as a fresh venv with nbconvert installed would find them under its own share/jupyter.
        env["JUPYTER_PATH"] = str(Path(sys.prefix) / "share" / "jupyter")
        env.update(extra)
        return env

    def run(self, *args: str, ok: bool = True, **env: str) -> subprocess.CompletedProcess[str]:
        proc = subprocess.run([str(self.jj123), *args], cwd=self.work, env=self.env(**env), capture_output=True,
                              text=True, encoding="utf-8", timeout=600)
        if ok:
            assert proc.returncode == 0, f"jj123 {' '.join(args)}\n{proc.stdout}\n{proc.stderr}"
        return proc


def _copy_sources(dest: Path) -> None:
    """What a fresh clone has for building: metadata, the package and the editable sources it links to."""
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, dest / name)
    skip = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints")
    for name in ("jj123lib", "notebooks", "params"):
        shutil.copytree(ROOT / name, dest / name, symlinks=True, ignore=skip)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    base = tmp_path_factory.mktemp("wheel")
    src, dist, venv, work = base / "src", base / "dist", base / "venv", base / "work"
    for folder in (src, work):
        folder.mkdir()
    _copy_sources(src)
    subprocess.run([sys.executable, "-m", "pip", "wheel", str(src), "--no-deps", "--no-build-isolation",
                    "--no-index", "-q", "-w", str(dist)], check=True, capture_output=True, timeout=300)
    (wheel,) = dist.glob("jj123lib-*.whl")

    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    purelib = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    site_packages = Path(subprocess.run([str(python), "-c", purelib], check=True, capture_output=True,
                                        text=True).stdout.strip())
    (site_packages / "jj123_dev_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n",
                                                                encoding="utf-8")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--no-index", "-q",
                    str(wheel)], check=True, capture_output=True, timeout=300)
    return Installed(wheel, python, venv / "bin" / "jj123", site_packages, work)


def test_wheel_holds_real_files(installed: Installed) -> None:
    with zipfile.ZipFile(installed.wheel) as wheel:
        infos = {info.filename: info for info in wheel.infolist()}
        for name in SHIPPED:
            assert name in infos, name
            # A symlink stored as such would have S_IFLNK in the upper bits of external_attr.
            assert (infos[name].external_attr >> 16) & 0o170000 != 0o120000, name
        assert wheel.read("jj123lib/params/rules.yaml") == (ROOT / "params" / "rules.yaml").read_bytes()
        assert (wheel.read("jj123lib/notebooks/leader_report.ipynb")
                == (ROOT / "notebooks" / "leader_report.ipynb").read_bytes())


def test_installed_package_is_the_wheel(installed: Installed) -> None:
    proc = subprocess.run([str(installed.venv_python), "-c",
                           "import jj123lib.core.resources as r; print(r.PACKAGE_DIR); "
                           "print(r.DEFAULT_RULES.is_file())"],
                          cwd=installed.work, env=installed.env(), capture_output=True, text=True, check=True)
    package_dir, rules_exist = proc.stdout.split()
    assert Path(package_dir) == installed.site_packages / "jj123lib"
    assert rules_exist == "True"
    for link in ("notebooks", "params"):
        assert not (installed.site_packages / "jj123lib" / link).is_symlink()


def _manifest(out: Path) -> dict[str, dict[str, object]]:
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    return {str(entry["leader"] or entry["kind"]): entry for entry in manifest["reports"]}


def _fill_plan_form(path: Path) -> None:
    """Fill a generated annual plan form the way a unit would."""
    from openpyxl import load_workbook

    from jj123lib.intake.forms import BENCH_PLAN_SHEET, PLAN_SHEET, header_columns, plan_quarter_columns

    wb = load_workbook(path)
    ws = wb[PLAN_SHEET]
    cols = header_columns(ws)
    for row in range(2, ws.max_row + 1):
        if not ws.cell(row, cols["任务编号"]).value:
            continue
        values: dict[str, Any] = {"填报人": "陈志强", "填报日期": "2026-01-20"}
        for q, pct in zip(range(1, 5), (20, 45, 70, 100)):
            milestone, planned = plan_quarter_columns(q)
            values[milestone] = f"完成第{q}阶段成果验收"
            values[planned] = pct
        for label, value in values.items():
            ws.cell(row, cols[label]).value = value
    bench = wb[BENCH_PLAN_SHEET]  # national and provincial tasks need a benchmark
    bench_cols = header_columns(bench)
    for row in range(2, bench.max_row + 1):
        if bench.cell(row, bench_cols["指标序号"]).value == 1:
            bench.cell(row, bench_cols["对标对象"]).value = "昆山市（全国县域经济第一）"
            bench.cell(row, bench_cols["成效目标级别"]).value = "省级"
            bench.cell(row, bench_cols["成效目标"]).value = "获评省级示范"
    wb.save(path)


def test_everything_runs_from_the_wheel(installed: Installed) -> None:
    run = installed.run
    assert "配额检查通过" in run("check").stdout
    run("demo-data", "--data-dir", "d")
    run("forms", "--quarter", QUARTER, "--data-dir", "d")
    assert list((installed.work / "d" / "forms" / QUARTER).glob("*.xlsx"))

    # A real (non-demo) data folder: generate one unit's plan form, fill it in, ingest it.
    run("forms", "--plan", "--unit", "信访局", "--data-dir", "real")
    (form,) = (installed.work / "real" / "forms").rglob("*.xlsx")
    _fill_plan_form(form)
    assert "导入 1 个" in run("ingest", str(form), "--data-dir", "real").stdout

    run("batch", "--quarter", QUARTER, "--leader", LEADER, "--data-dir", "d", "--out", "o", "--no-progress")
    out = installed.work / "o"
    entries = _manifest(out)
    assert set(entries) == {LEADER, "overview"}
    assert all(entry["status"] == "ok" for entry in entries.values())
    for name in (f"{LEADER_SLUG}.html", f"{LEADER_SLUG}.pdf", "overview.html", "overview.pdf", "index.html"):
        assert (out / name).stat().st_size > 0, name
    assert (out / f"{LEADER_SLUG}.pdf").read_bytes().startswith(b"%PDF")

    packaged_rules = installed.site_packages / "jj123lib" / "params" / "rules.yaml"
    sha = hashlib.sha256(packaged_rules.read_bytes()).hexdigest()[:12]
    html = (out / f"{LEADER_SLUG}.html").read_text(encoding="utf-8")
    assert f"规则文件：<code>{packaged_rules.name}</code>（指纹 <code>{sha}</code>）" in html  # by name, no path


def test_office_rules_file_changes_lights(installed: Installed) -> None:
    """Thresholds of 0 make every task that is behind at all red; the reports say which file they used."""
    if not (installed.work / "d").is_dir():
        installed.run("demo-data", "--data-dir", "d")
    default_rules = (ROOT / "params" / "rules.yaml").read_text(encoding="utf-8")
    strict = default_rules.replace("green_max_behind: 10 ", "green_max_behind: 0 ").replace(
        "yellow_max_behind: 30 ", "yellow_max_behind: 0 ")
    assert strict != default_rules
    (installed.work / "office").mkdir(exist_ok=True)
    rules = installed.work / "office" / "rules.yaml"
    rules.write_text(strict, encoding="utf-8")

    # A draft quarter: the demo publishes Q1–Q3, which render with the rules of their snapshots.
    args = ("--quarter", "2026Q4", "--leader", LEADER, "--data-dir", "d", "--formats", "html", "--no-progress")
    installed.run("batch", *args, "--out", "default")
    # A relative $JJ123_RULES works although kernels run elsewhere; --rules after the command too.
    installed.run("batch", *args, "--out", "by-env", JJ123_RULES="office/rules.yaml")
    installed.run("batch", *args, "--out", "by-option", "--rules", str(rules))

    def lights(out: str) -> dict[str, str]:
        entry = _manifest(installed.work / out)[LEADER]
        assert entry["status"] == "ok"
        return {str(row["task_id"]): str(row["light"]) for row in entry["lights"]}  # type: ignore[attr-defined]

    before, by_env, by_option = lights("default"), lights("by-env"), lights("by-option")
    assert by_env == by_option
    changed = {task for task in before if before[task] != by_env[task]}
    assert changed and all(by_env[task] == "red" for task in changed)

    sha = hashlib.sha256(rules.read_bytes()).hexdigest()[:12]
    for out in ("by-env", "by-option"):
        html = (installed.work / out / f"{LEADER_SLUG}.html").read_text(encoding="utf-8")
        assert f"规则文件：<code>{rules.name}</code>（指纹 <code>{sha}</code>）" in html  # the office's, by its hash

    broken = installed.run("--rules", "office/missing.yaml", "batch", *args, "--out", "never", ok=False)
    assert broken.returncode == 2
    assert "规则文件无效：office/missing.yaml：文件不存在" in broken.stderr  # the path as the clerk typed it
    assert not (installed.work / "never").exists()
