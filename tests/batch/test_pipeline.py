"""The opening every batch run shares (quarterly and year-end): formats checked, the output folder held."""

from __future__ import annotations

from pathlib import Path

import pytest

from jj123lib.batch.jobs import FORMATS
from jj123lib.batch.pipeline import checked_formats, locked_output
from jj123lib.core.atomic import folder_lock
from jj123lib.core.exceptions import OutputBusyError, ParameterError
from jj123lib.core.outdir import claim_output_dir


def test_checked_formats_drops_blanks_and_refuses_none_or_an_unknown_one() -> None:
    assert checked_formats([" html", "", "pdf "], FORMATS) == ["html", "pdf"]
    for bad in ([], ["", " "], ["html", "doc"]):
        with pytest.raises(ParameterError):
            checked_formats(bad, FORMATS)


def test_locked_output_clears_a_killed_runs_temp_files_and_admits_one_batch(tmp_path: Path) -> None:
    out = claim_output_dir(tmp_path / "out", "batch")  # the folder of the killed run
    (out / "notebooks").mkdir(parents=True)
    stale = [out / ".overview.html.part123", out / "notebooks" / ".overview.ipynb.part9"]
    for path in stale:
        path.write_text("half")
    with locked_output(out, demo=False):
        assert not any(path.exists() for path in stale)
        with pytest.raises(OutputBusyError), locked_output(out, demo=False):
            pass
    with folder_lock(out, wait=False) as locked:  # released on leaving
        assert locked
