"""The pre-commit hooks lockstep offers, one per concern, and the `.pre-commit-config.yaml` a platform gets.

`.pre-commit-hooks.yaml` at this repository's root (what pre-commit reads from a hook repository) is rendered from
HOOKS (`python -m generator.hooks > .pre-commit-hooks.yaml`), and a test keeps the two equal. A generated platform
runs the same hooks either from that hook repository at a commit the team chose (`remote`), or as `repo: local`
hooks with `language: system`, running the lockstep installed from `.lockstep/requirements.txt` (`local`: works
offline at once).

Every hook runs `lockstep validate --base HEAD` on the files pre-commit passes: the staged files compared with
the last commit, as the pull-request check compares a branch with its base, and only the checks those files can
affect. `require_serial` keeps the files in one run, since platform rules look across files.
"""

from __future__ import annotations

from typing import Any

from generator import yamlio

ENTRY = "lockstep validate --base HEAD"

HOOKS: tuple[dict[str, Any], ...] = (
    {
        "id": "lockstep-validate",
        "name": "lockstep validate (manifest, locks, ledger, values)",
        "description": "The platform's rules on a change of its manifest, locks, release ledger, charts or values.",
        "files": r"^(platform\.yaml|helmfile\.yaml\.gotmpl|(environments|releases|charts|\.lockstep)/)",
    },
    {
        "id": "lockstep-contracts",
        "name": "lockstep contracts (API changes and versions)",
        "description": "A breaking API change needs a major version; the operations consumers require stay.",
        "files": r"^services/[^/]+/.+\.(ya?ml|json)$",
    },
    {
        "id": "lockstep-dockerfile",
        "name": "lockstep dockerfile (hadolint, pinned base, non-root)",
        "description": "The services' Dockerfiles and Makefiles: hadolint, a pinned base, non-root, the port.",
        "files": r"^(services/[^/]+/(Dockerfile|Makefile)|\.hadolint\.ya?ml)$",
    },
)


def definitions(language: str) -> list[dict[str, Any]]:
    """The hooks as pre-commit reads them: `python` from a hook repository, `system` as local hooks."""
    return [
        {
            "id": hook["id"],
            "name": hook["name"],
            "description": hook["description"],
            "entry": ENTRY,
            "language": language,
            "files": hook["files"],
            "pass_filenames": True,
            "require_serial": True,
        }
        for hook in HOOKS
    ]


def render() -> str:
    header = "# Generated from generator/hooks.py: python -m generator.hooks > .pre-commit-hooks.yaml\n"
    return header + yamlio.dumps(definitions("python"))


def render_config(mode: str, repo: str | None = None, rev: str | None = None, tag: str | None = None) -> str:
    """The generated `.pre-commit-config.yaml`: remote hooks at `rev` (the tag in a comment), or local ones."""
    if mode == "remote" and repo and rev:
        hooks = yamlio.dumps({"repos": [{"repo": repo, "rev": rev, "hooks": [{"id": h["id"]} for h in HOOKS]}]})
        if tag:
            hooks = hooks.replace(f"rev: {rev}\n", f"rev: {rev}  # frozen: {tag}\n", 1)
        header = (
            "# lockstep's checks before each commit, from the hook repository at a fixed commit:\n"
            "# `pre-commit install` once. To move to a newer lockstep: `pre-commit autoupdate --freeze`.\n"
        )
        return header + hooks
    header = (
        "# lockstep's checks before each commit, run by the lockstep installed here (language: system):\n"
        "# `pip install -r .lockstep/requirements.txt && pre-commit install` once.\n"
    )
    return header + yamlio.dumps({"repos": [{"repo": "local", "hooks": definitions("system")}]})


if __name__ == "__main__":
    print(render(), end="")
