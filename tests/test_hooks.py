from __future__ import annotations

import yaml

from generator import hooks
from tests.conftest import CHECKOUT


def test_pre_commit_hooks_file_is_rendered_from_the_catalogue() -> None:
    assert (CHECKOUT / ".pre-commit-hooks.yaml").read_text() == hooks.render()


def test_hooks_file_is_what_pre_commit_reads() -> None:
    [hook] = yaml.safe_load((CHECKOUT / ".pre-commit-hooks.yaml").read_text())
    assert hook["id"] == "lockstep-validate" and hook["entry"] == "lockstep validate"
    assert hook["pass_filenames"] is False
