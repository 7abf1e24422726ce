"""What the generated CI files run besides lockstep: the GitHub Actions, each pinned by the full commit of a
release tag (a tag can be moved, a commit cannot), and the container image of the GitLab jobs.

This table is the one place the pins live: the platform template reads it (`cookiecutter._ci`), and a test
holds this repository's own `action.yml` to it. To update a pin, take the commit of the new release tag
(`git ls-remote https://github.com/actions/checkout refs/tags/v7.0.1` prints it; for an annotated tag, the
line ending in `^{}` is the commit), put both here, and run the tests (they run zizmor and the schemas on the
result).
"""

from __future__ import annotations

from typing import NamedTuple


class Action(NamedTuple):
    """A GitHub Action at one commit of a release: `uses: {repository}{path}@{commit}  # {version}`."""

    repository: str
    version: str
    commit: str
    path: str = ""  # a sub-action of the repository, such as /upload-sarif

    @property
    def uses(self) -> str:
        return f"{self.repository}{self.path}@{self.commit}  # {self.version}"


ACTIONS: dict[str, Action] = {
    "checkout": Action("actions/checkout", "v7.0.1", "3d3c42e5aac5ba805825da76410c181273ba90b1"),
    "setup-python": Action("actions/setup-python", "v7.0.0", "5fda3b95a4ea91299a34e894583c3862153e4b97"),
    "upload-artifact": Action("actions/upload-artifact", "v7.0.0", "bbbca2ddaa5d8feaa63e36b76fdaad77386f024f"),
    "download-artifact": Action("actions/download-artifact", "v8.0.1", "3e5f45b2cfb9172054b4087a40e8e0b5a5461e7c"),
    "upload-sarif": Action(
        "github/codeql-action", "v4.36.2", "8aad20d150bbac5944a9f9d289da16a4b0d87c1e", "/upload-sarif"
    ),
    "sticky-comment": Action(
        "marocchino/sticky-pull-request-comment", "v3.0.5", "5770ad5eb8f42dd2c4f34da00c94c5381e49af88"
    ),
    # the build pipeline (build-<service>.yaml) and the promote workflow
    "setup-buildx": Action("docker/setup-buildx-action", "v4.3.0", "37fe631027851001ddb9b187196cc803df7f5f0e"),
    "docker-login": Action("docker/login-action", "v4.1.0", "4907a6ddec9925e35a0a9e82d7399ccc52663121"),
    "build-push": Action("docker/build-push-action", "v7.3.0", "53b7df96c91f9c12dcc8a07bcb9ccacbed38856a"),
    # trivy-action's tags were moved to credential-stealing commits on 2026-03-19 (its issue #541): this commit,
    # and the trivy binary named by TRIVY below, are what the scan runs
    "trivy": Action("aquasecurity/trivy-action", "v0.36.0", "ed142fd0673e97e23eac54620cfb913e5ce36c25"),
    "setup-helm": Action("Azure/setup-helm", "v5.0.1", "9bc31f4ebc9c6b171d7bfbaa5d006ae7abdb4310"),
    "app-token": Action("actions/create-github-app-token", "v3.1.1", "1b10c78c7865c340bc4f6099eb2f838309f1e8c3"),
}

# The Python the jobs run lockstep with (GitHub: setup-python; GitLab: the image of that Python).
PYTHON = "3.12"
# The GitLab jobs' image: the full one, for the git that lockstep reads the base with (the slim one has none).
# Pinned to an exact release tag, not a digest: no image registry was reachable where this was written, and a
# digest nobody checked is a pin to something that may not exist.
GITLAB_IMAGE = "python:3.12.13-trixie"
# The binaries the build pipeline installs through its actions: trivy (the scanner trivy-action runs; its own
# default at v0.36.0) and helm (the one the tests push charts with).
TRIVY = "v0.70.0"
HELM = "v4.1.4"


def context() -> dict[str, object]:
    """The templates' `_ci`: each action's `uses:` line, the Python version, the GitLab image and the binaries the
    build pipeline installs."""
    return {
        "uses": {name: action.uses for name, action in ACTIONS.items()},
        "python": PYTHON,
        "gitlab_image": GITLAB_IMAGE,
        "trivy": TRIVY,
        "helm": HELM,
    }
