"""`lockstep new DIR`: cookiecutter's prompts (or `--no-input`), then the platform repository."""

from __future__ import annotations

import json
from pathlib import Path

from generator import answers, resources
from generator.errors import UsageError
from generator.operations.new import check_target, new


def _prompt(options: dict[str, str | None]) -> dict[str, str | None]:
    """Ask, with cookiecutter's prompts, for every answer not given as an option."""
    from cookiecutter.prompt import prompt_for_config

    answers.resolve(options)  # refuse bad options before asking anything
    template = json.loads((resources.template_path("platform") / "cookiecutter.json").read_text("utf-8"))
    asked = {key: value for key, value in template.items() if not key.startswith("_") and options.get(key) is None}
    if "registry" in asked and options.get("name"):
        asked["registry"] = answers.default_registry(str(options["name"]))
    try:
        given = prompt_for_config({"cookiecutter": {**asked, "__prompts__": template["__prompts__"]}}) if asked else {}
    except EOFError:  # stdin closed (a pipe, CI): one line, not a traceback
        raise UsageError(
            "standard input ended before every question was answered: give the answers as options or use --no-input"
        ) from None
    return {**options, **{key: str(value) for key, value in given.items()}}


def run(target: Path, options: dict[str, str | None], config: Path | None, *, no_input: bool, force: bool) -> int:
    recorded = answers.read_config(config) if config else None
    check_target(target, force=force)
    if not no_input:
        options = _prompt(options)
    plan = answers.resolve(options, recorded)
    written = new(target, plan, force=force)
    print(f"created {target} ({len(written)} files, one commit); next: cd {target} && lockstep validate")
    if plan.hooks.mode == "local":
        remote = options.get("hooks") == "remote" or (recorded or {}).get("hooks") == "remote"
        print(
            ("no hook repository given (--hooks-repo): " if remote else "")
            + "the pre-commit hooks are local (language: system): install lockstep with "
            "`pip install -r .lockstep/requirements.txt`, then `pre-commit install`"
        )
    return 0
