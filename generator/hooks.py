"""The pre-commit hooks lockstep offers; `.pre-commit-hooks.yaml` at the repository root is rendered from
this list (`python -m generator.hooks > .pre-commit-hooks.yaml`), and a test keeps the two equal."""

from __future__ import annotations

from typing import Any

# Files whose change can break a platform rule: the hook stays silent on commits that touch none of them.
WATCHED = r"^(platform\.yaml|helmfile\.yaml\.gotmpl|environments/|releases/|services/|charts/|\.lockstep/)"

HOOKS: tuple[dict[str, Any], ...] = (
    {
        "id": "lockstep-validate",
        "name": "lockstep validate",
        "description": "Check a lockstep platform repository: schemas, consistency, Dockerfiles.",
        "entry": "lockstep validate",
        "language": "python",
        "pass_filenames": False,
        "files": WATCHED,
    },
)


def render() -> str:
    from generator import yamlio

    header = "# Generated from generator/hooks.py: python -m generator.hooks > .pre-commit-hooks.yaml\n"
    return header + yamlio.dumps(list(HOOKS))


if __name__ == "__main__":
    print(render(), end="")
