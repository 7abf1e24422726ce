"""The answers of the platform template: defaults, command-line options, a --config file; all checked
against schemas/config.schema.json before anything is written."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator import distribution, schemas, yamlio
from generator.errors import LoadError, UsageError
from generator.model import Environment

DEFAULT_NAME = "logistics"
DEFAULT_STRATEGY = "combined"
DEFAULT_SERVICES = "service-a:go,service-b:python,service-c:node"
DEFAULT_ENVIRONMENTS = "dev,stage,prod"
DEFAULT_PORT = 8080
DEFAULT_ROLLOUT = "rolling"
DEFAULT_ENGINE = "argocd"
OPTION_OF = {
    "name": "--name",
    "strategy": "--strategy",
    "registry": "--registry",
    "environments": "--environments",
    "services": "--services",
    "lockstepSource": "--lockstep-source",
    "hooks": "--hooks",
    "hooksRepo": "--hooks-repo",
    "hooksRev": "--hooks-rev",
    "hooksTag": "--hooks-tag",
    "ci": "--ci",
    "rollout": "--rollout",
    "engine": "--engine",
    "repository": "--repository",
}
HOOK_KEYS = ("hooksRepo", "hooksRev", "hooksTag")


def default_registry(name: str) -> str:
    return f"registry.example.com/{name}"


def default_repository(name: str) -> str:
    return f"https://github.com/example/{name}.git"


@dataclass(frozen=True)
class ServiceAnswer:
    name: str
    language: str
    port: int


@dataclass(frozen=True)
class Hooks:
    """How the generated `.pre-commit-config.yaml` runs lockstep: `local` hooks (`language: system`, the lockstep
    installed from .lockstep/requirements.txt), or the hook repository `repo` at the commit `rev`."""

    mode: str = "local"
    repo: str | None = None
    rev: str | None = None
    tag: str | None = None

    def as_data(self) -> dict[str, str]:
        found = {"hooks": self.mode, "hooksRepo": self.repo, "hooksRev": self.rev, "hooksTag": self.tag}
        return {key: value for key, value in found.items() if value is not None}


@dataclass(frozen=True)
class Answers:
    name: str
    strategy: str
    registry: str
    environments: tuple[Environment, ...]
    services: tuple[ServiceAnswer, ...]
    lockstep_source: str = distribution.default()  # the requirement line of .lockstep/requirements.txt
    hooks: Hooks = field(default_factory=lambda: Hooks())
    ci: str = "github"  # github | gitlab | both
    rollout: str = DEFAULT_ROLLOUT  # every service's platform.yaml `rollout`: rolling | blue-green | canary
    engine: str = DEFAULT_ENGINE  # platform.yaml `engine`: argocd | flux | none
    repository: str = ""  # platform.yaml `repository`: the git URL the engine reads

    def as_data(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "strategy": self.strategy,
            "registry": self.registry,
            "environments": [env.name for env in self.environments],
            "services": {s.name: {"language": s.language, "port": s.port} for s in self.services},
            "lockstepSource": self.lockstep_source,
            **self.hooks.as_data(),
            "ci": self.ci,
            "rollout": self.rollout,
            "engine": self.engine,
            "repository": self.repository,
        }


def modes(strategy: str, names: list[str]) -> tuple[Environment, ...]:
    """independent: all independent; monolith: all platform; combined: the last two environments
    (pre-prod and prod) move whole platform versions, those before them move services one by one."""
    count = len(names)
    platform_from = {"independent": count, "monolith": 0}.get(strategy, max(1, count - 2))
    return tuple(Environment(name, "platform" if i >= platform_from else "independent") for i, name in enumerate(names))


def parse_services(text: str) -> dict[str, dict[str, Any]]:
    """`name:language[:port],...` as written on the command line or at the prompt."""
    services: dict[str, dict[str, Any]] = {}
    for item in (part.strip() for part in text.split(",")):
        fields = item.split(":")
        if len(fields) not in (2, 3) or not all(fields):
            raise UsageError(f"--services: `{item}` is not NAME:LANGUAGE[:PORT]")
        name, language = fields[0], fields[1]
        if name in services:
            raise UsageError(f"--services: duplicate service `{name}`")
        port: Any = DEFAULT_PORT
        if len(fields) == 3:
            port = int(fields[2]) if fields[2].isdigit() else fields[2]
        services[name] = {"language": language, "port": port}
    return services


def parse_environments(text: str) -> list[str]:
    names = [part.strip() for part in text.split(",") if part.strip()]
    if not names:
        raise UsageError("--environments: at least one environment is needed")
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise UsageError(f"--environments: duplicate environment `{duplicates[0]}`")
    return names


def read_config(path: Path) -> dict[str, Any]:
    """A YAML file of answers (the `answers:` block of .lockstep/answers.yaml, or that whole file)."""
    doc = yamlio.load_named(path)
    if doc is None:
        raise UsageError(f"{path}: config file not found")
    if isinstance(doc.data, dict) and doc.data.get("kind") == "Answers":
        if not isinstance(doc.data.get("answers"), dict):
            raise LoadError(schemas.MISSING_KEY.of(doc, "an answers file needs its `answers` mapping", ("answers",)))
        doc = _shift(doc, "answers")
    schemas.require_valid(doc, "config")
    return dict(doc.data)


def _shift(doc: yamlio.Document, prefix: str) -> yamlio.Document:
    """The same document seen from its `prefix` key down (positions kept)."""

    def strip(table: Mapping[Any, Any]) -> dict[Any, Any]:
        return {k[1:]: v for k, v in table.items() if k[:1] == (prefix,)}

    data = doc.data[prefix]
    return yamlio.Document(doc.path, data, strip(doc.values), strip(doc.keys), strip(doc.numbers), doc.problems)


def resolve(
    options: Mapping[str, str | None], config: Mapping[str, Any] | None = None, *, labels: Mapping[str, str] = OPTION_OF
) -> Answers:
    """Options over config over defaults, checked against the schema; UsageError names the bad value
    and the option (`labels`) it came from. An option given empty is refused, not defaulted."""
    config = dict(config or {})

    def pick(key: str, parse: Any, default: Any) -> Any:
        if options.get(key) is not None:
            return parse(options[key])
        return config.get(key, default)

    name = pick("name", str, DEFAULT_NAME)
    strategy = pick("strategy", str, DEFAULT_STRATEGY)
    registry = pick("registry", str, default_registry(str(name)))
    environments = pick("environments", parse_environments, parse_environments(DEFAULT_ENVIRONMENTS))
    services = pick("services", parse_services, parse_services(DEFAULT_SERVICES))
    source = pick("lockstepSource", str, None)
    data = {
        "name": name,
        "strategy": strategy,
        "registry": registry,
        "environments": environments,
        "services": services,
        "hooks": pick("hooks", str, None),
        **{key: pick(key, str, None) for key in HOOK_KEYS},
        "ci": pick("ci", str, "github"),
        "rollout": pick("rollout", str, DEFAULT_ROLLOUT),
        "engine": pick("engine", str, DEFAULT_ENGINE),
        "repository": pick("repository", str, default_repository(str(name))),
    }
    data = {key: value for key, value in data.items() if value is not None}
    problems = schemas.validate(yamlio.Document("answers", data), "config")
    if problems:
        first = problems[0]
        field = (first.pointer or "/").split("/")[1]
        option = labels.get(field, OPTION_OF.get(field, "answers"))
        raise UsageError(f"{option}: {first.message}")
    return Answers(
        name=name,
        strategy=strategy,
        registry=registry,
        environments=modes(strategy, list(environments)),
        services=tuple(ServiceAnswer(n, s["language"], s["port"]) for n, s in services.items()),
        lockstep_source=distribution.requirement(source) if source is not None else distribution.default(),
        hooks=_hooks(data),
        ci=data["ci"],
        rollout=data["rollout"],
        engine=data["engine"],
        repository=data["repository"],
    )


def _hooks(data: Mapping[str, Any]) -> Hooks:
    """Remote hooks need the repository and the commit the team chose; without a repository the hooks are local
    (nothing is ever pointed at a URL nobody gave)."""
    repo, rev, tag = (data.get(key) for key in HOOK_KEYS)
    mode = data.get("hooks") or ("remote" if repo else "local")
    if mode == "local" and (repo or rev or tag):
        raise UsageError("--hooks-repo/--hooks-rev/--hooks-tag: only with remote hooks, not with --hooks local")
    if mode == "local" or repo is None:
        return Hooks()
    if rev is None:
        raise UsageError("--hooks-rev: remote hooks need the full commit SHA of the hook repository to run")
    return Hooks("remote", repo, rev, tag)
