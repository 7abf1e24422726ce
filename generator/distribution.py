"""Where a generated platform installs lockstep from: the one requirement line in `.lockstep/requirements.txt`,
which its CI jobs install (`pip install -r`) and its developers install for the local pre-commit hooks.

`lockstep new --lockstep-source SPEC` takes a version (`0.2.0`), a git URL at a full commit
(`git+https://host/org/lockstep@<40 hex>`), a wheel file, or a requirement line as `.lockstep/answers.yaml`
records it. A wheel is pinned by its SHA-256 (a `#sha256=` fragment, which pip checks without asking every other
package for a hash); a git commit pins itself; a version from an index has no hash known when the repository is
generated. The distribution is called `lockstep-gitops` (the command stays `lockstep`): the name `lockstep` on
the public index belongs to an unrelated project.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from generator import __version__
from generator.errors import UsageError

DISTRIBUTION = "lockstep-gitops"
_COMMIT = re.compile(r"@[0-9a-f]{40}$")
_WHEEL = re.compile(r"^lockstep_gitops-[^-/]+-[^/]+\.whl$")
_REQUIREMENT = re.compile(r"^lockstep-gitops\s*(==\s*\S+|@\s*\S+)$")


def default() -> str:
    """The lockstep that generates a repository, from the public index."""
    return f"{DISTRIBUTION}=={__version__}"


def requirement(spec: str) -> str:
    """The requirement line for `spec`, or UsageError saying why it cannot be installed reproducibly."""
    spec = spec.strip()
    if not spec:
        raise UsageError("--lockstep-source: empty; give a version, a git URL at a commit, or a wheel file")
    if _REQUIREMENT.match(spec):
        return _requirement_line(spec)
    if spec.startswith("git+"):
        if not _COMMIT.search(spec):
            raise UsageError(
                f"--lockstep-source: `{spec}` names no commit; a git source must end with @<full 40-hex commit>"
            )
        return f"{DISTRIBUTION} @ {spec}"
    if spec.endswith(".whl"):
        return _wheel(Path(spec))
    from packaging.version import InvalidVersion, Version

    try:
        version = Version(spec)
    except InvalidVersion:
        raise UsageError(
            f"--lockstep-source: `{spec}` is not a version, a git+ URL at a commit, or a .whl file"
        ) from None
    return f"{DISTRIBUTION}=={version}"


def _requirement_line(spec: str) -> str:
    """A recorded requirement line, checked as pip would read it."""
    from packaging.requirements import InvalidRequirement, Requirement

    try:
        parsed = Requirement(spec)
    except InvalidRequirement as error:
        raise UsageError(f"--lockstep-source: `{spec}`: {error}") from None
    if parsed.url and parsed.url.startswith("git+") and not _COMMIT.search(parsed.url):
        raise UsageError(f"--lockstep-source: `{spec}` names no commit")
    return str(parsed)


def _wheel(path: Path) -> str:
    if not _WHEEL.match(path.name):
        raise UsageError(f"--lockstep-source: {path}: not a wheel of {DISTRIBUTION} (lockstep_gitops-*.whl)")
    try:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError as error:
        raise UsageError(f"--lockstep-source: {path}: {error.strerror or error}") from None
    return f"{DISTRIBUTION} @ {path.resolve().as_uri()}#sha256={digest}"


def requirements_file(line: str) -> str:
    """The text of `.lockstep/requirements.txt`."""
    return (
        "# The lockstep that checks this platform: the CI jobs install it with `pip install -r` this file, and so do\n"
        "# developers for the pre-commit hooks. To take it from a private index, add a line above the requirement:\n"
        "#   --index-url https://pypi.example.com/simple\n"
        f"{line}\n"
    )
