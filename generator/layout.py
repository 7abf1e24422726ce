"""Where each file of a platform repository lives (paths relative to the repository root)."""

from __future__ import annotations

PLATFORM = "platform.yaml"
HELMFILE = "helmfile.yaml.gotmpl"
ANSWERS = ".lockstep/answers.yaml"
API_EXCEPTIONS = ".lockstep/api-exceptions.yaml"
CONFIG = ".lockstep/config.yaml"  # rule levels (generator/rule_levels.py)
REQUIREMENTS = ".lockstep/requirements.txt"
PRE_COMMIT_CONFIG = ".pre-commit-config.yaml"
GITLAB_CI = ".gitlab-ci.yml"
WORKFLOWS_DIR = ".github/workflows"  # GitHub Actions
ENVIRONMENTS_DIR = "environments"
RELEASES_DIR = "releases"


def lock(environment: str) -> str:
    return f"{ENVIRONMENTS_DIR}/{environment}/platform.lock.yaml"


def rollbacks(environment: str) -> str:
    return f"{ENVIRONMENTS_DIR}/{environment}/rollbacks.yaml"


def overrides(environment: str) -> str:
    """The gates passed by hand in the environment (append-only)."""
    return f"{ENVIRONMENTS_DIR}/{environment}/overrides.yaml"


def arrivals_dir(environment: str) -> str:
    """When versions started running in the environment on the main branch: one append-only file per UTC month
    (a busy environment appends some thousand records a month; a file holds at most 20,000 lines)."""
    return f"{ENVIRONMENTS_DIR}/{environment}/arrivals"


def arrivals(environment: str, month: str) -> str:
    return f"{arrivals_dir(environment)}/{month}.yaml"


def arrival_month(at: str) -> str:
    """The file an arrival at `at` (2026-11-28T10:00:00Z) goes to: its UTC month, 2026-11."""
    return at[:7]


def verifications_dir(environment: str, service: str | None, version: str) -> str:
    """The check records of one version in the environment: `service` None for a platform version."""
    subject = "platform" if service is None else f"services/{service}"
    return f"{ENVIRONMENTS_DIR}/{environment}/verifications/{subject}/{version}"


def verification(environment: str, service: str | None, version: str, check: str, at: str) -> str:
    """One record, never changed: `<check>.<YYYYMMDDTHHMMSSZ>.yaml` (`at` is the ledger's timestamp form)."""
    stamp = at.replace("-", "").replace(":", "")
    return f"{verifications_dir(environment, service, version)}/{check}.{stamp}.yaml"


def values(environment: str, service: str) -> str:
    return f"{ENVIRONMENTS_DIR}/{environment}/values/{service}.yaml"


def release(version: str) -> str:
    return f"{RELEASES_DIR}/{version}.yaml"


def service_dir(service: str) -> str:
    return f"services/{service}"


def dockerfile(service: str) -> str:
    return f"services/{service}/Dockerfile"


def makefile(service: str) -> str:
    return f"services/{service}/Makefile"


def contract(service: str) -> str:
    return f"services/{service}/openapi.yaml"


def chart(service: str) -> str:
    return f"charts/{service}/Chart.yaml"


def image(registry: str, service: str, version: str) -> str:
    return f"{registry}/{service}:{version}"


DEPLOY_DIR = "deploy"  # what the engine reads besides the environments: its objects, and the platform values


def platform_values(environment: str, service: str) -> str:
    """The values platform.yaml gives `service` in `environment` (replicas, resources, rollout, network policy),
    written by lockstep for the engines, which cannot compute them from platform.yaml."""
    return f"{DEPLOY_DIR}/values/{environment}/{service}.yaml"


def build_workflow(service: str) -> str:
    """The service's build pipeline, where the platform runs GitHub Actions (the service template writes it)."""
    return f"{WORKFLOWS_DIR}/build-{service}.yaml"
