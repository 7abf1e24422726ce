"""Load a platform repository: every file a rule may look at, read once, parsed, schema-checked and turned into
records. Every problem met while loading is a finding (the `schema` family reports them); validators then look
only at the `Repo`, never at the disk.

A planned change is checked by laying its files over the loaded repository (`Repo.with_files`): only the files
it changes are parsed again, everything else (parsed documents, contracts, hadolint's reports) is reused.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

from generator import (
    __version__,
    cache,
    engines,
    freeze,
    gitrefs,
    hadolint,
    kubeschema,
    layout,
    rule_levels,
    schemas,
    versions,
    yamlio,
)
from generator.dockerfile import Stage, stages
from generator.errors import LoadError, UsageError
from generator.findings import Finding, Rule
from generator.makefile import DefaultPort, default_port
from generator.model import Arrivals, Environment, Lock, Overrides, Platform, Release, Rollbacks, Verification
from generator.openapi import exceptions, loader
from generator.openapi.exceptions import Exception_
from generator.openapi.limits import DEFAULT, Limits
from generator.openapi.loader import Spec
from generator.rule_levels import RuleLevels
from generator.tree import DiskTree, OverlayTree, Tree, files_under, read_text
from generator.yamlio import Document

if TYPE_CHECKING:
    from generator import engine_render, helm  # imported where it renders: the pre-commit hook never does

T = TypeVar("T")
MAX_PROBLEMS = 100  # load problems listed per file
MANY_PROBLEMS = Rule(
    "schema.many-problems", "error", "A file's load problems are listed up to 100; the rest are counted in one finding."
)
RULES: tuple[Rule, ...] = (MANY_PROBLEMS,)


@dataclass(frozen=True)
class Helmfile:
    document: Document  # the first YAML document of helmfile.yaml.gotmpl (the rest is Go template)
    environments: tuple[str, ...]


@dataclass(frozen=True)
class Dockerfile:
    path: str
    text: str
    stages: tuple[Stage, ...]


@dataclass(frozen=True)
class Workflows:
    present: tuple[str, ...]  # every workflow file, by path
    documents: dict[str, Document]  # those parsed (with a focus on some files, only those of them)


class Verifications(NamedTuple):
    """The check records of one version in one environment, oldest first, and the problems of those that did not
    load."""

    records: tuple[Verification, ...]
    problems: tuple[Finding, ...]

    def latest(self, check: str) -> Verification | None:
        """The newest record of `check` (failed then passed counts as passed; passed then failed as failed)."""
        return next((record for record in reversed(self.records) if record.check == check), None)


class Memo:
    """What loading computed, by file and content, kept across loads of one repository: a change laid over a
    loaded repository parses only the files it changes, and hadolint sees each Dockerfile text once."""

    def __init__(self) -> None:
        self._parsed: dict[tuple[str, ...], tuple[bytes | str, Any]] = {}
        self.hadolint: dict[tuple[str, str, str], list[hadolint.Report]] = {}
        self.shipped: dict[tuple[str, str], Spec | None] = {}  # (service, version) -> its contract then
        self.clean: dict[tuple[str, bytes], Document] = {}  # (kind, bytes) -> a document of them without problems
        self._stores: dict[tuple[Path, str], cache.Store | None] = {}
        self._built: dict[int, tuple[Document, Any]] = {}  # id(document) -> (the document, what was built of it)

    def store(self, root: Path, kind: str = "yaml") -> cache.Store | None:
        """Where what large YAML files gave is kept across runs (`yaml`: their data when they parsed cleanly;
        `valid`: that they passed their schema; `hadolint`: its reports on a Dockerfile text; `contract`: that a
        contract's files have OpenAPI's shape): the git directory of `root`'s repository (see cache.py); None
        outside git or with LOCKSTEP_NO_CACHE=1."""
        if (root, kind) not in self._stores:
            self._stores[(root, kind)] = cache.for_repository(root, kind)
        return self._stores[(root, kind)]

    def built(self, doc: Document, make: Callable[[Any], T]) -> T:
        """`make(doc.data)`, once per document: the base ref shares the head's document of a file the change did
        not touch (a ledger of 100 releases is then built once, not twice)."""
        known = self._built.get(id(doc))
        if known is not None and known[0] is doc:
            result: T = known[1]
            return result
        made = make(doc.data)
        self._built[id(doc)] = (doc, made)
        return made

    def parsed(self, key: tuple[str, ...], content: bytes | str, make: Callable[[], T]) -> T:
        """`make()`, or what it gave the last time `key` had this `content`."""
        known = self._parsed.get(key)
        if known is not None and (known[0] is content or known[0] == content):
            result: T = known[1]
            return result
        made = make()
        self._parsed[key] = (content, made)
        return made


@dataclass(frozen=True)
class Focus:
    """What a change of some files can affect, and so what is loaded and checked (the pre-commit hooks pass the
    files they stage). `state`: the locks, rollback records and the ledger; `services`: the services whose own
    files (Dockerfile, Makefile, contract, chart, values) are read, None for all; `files`: the files changed,
    None for all (the helmfile and the answers are read when they changed). The manifest is always read. The
    default is everything: a plain `validate`."""

    state: bool = True
    services: frozenset[str] | None = None
    files: frozenset[str] | None = None

    def covers(self, service: str) -> bool:
        return self.services is None or service in self.services

    def reads(self, relative: str) -> bool:
        return self.files is None or relative in self.files


EVERYTHING = Focus()
# What the writers operate on: the manifest, the state (locks, rollback records, ledger) and the answers; the
# check of their change loads what the change can affect (Repo.with_files, focused).
OPERATING = Focus(state=True, services=frozenset(), files=frozenset({layout.ANSWERS}))


def focus_of(paths: Iterable[str], platform: Platform | None) -> Focus:
    """What a change of `paths` (relative to the repository root) can affect. A change of the manifest, of the
    rule levels, of the lockstep version the repository runs (a new lockstep brings new rules) or of the hadolint
    config every Dockerfile is linted with can affect everything; a change of a contract (a YAML or JSON file in a
    service's API folder) is judged against the versions in the locks, which are read too."""
    paths = frozenset(paths)
    state, services = False, set[str]()
    apis = {posixpath.dirname(s.api): name for name, s in platform.services.items()} if platform else {}
    for path in paths:
        parts = path.split("/")
        if path in (layout.PLATFORM, layout.CONFIG, layout.REQUIREMENTS) or path in hadolint.CONFIGS:
            return EVERYTHING
        if parts[0] == layout.ENVIRONMENTS_DIR and len(parts) == 4 and parts[2] == "values":
            services.add(parts[3].removesuffix(".yaml"))
            continue
        if parts[0] in (layout.ENVIRONMENTS_DIR, layout.RELEASES_DIR):
            state = True
            continue
        if parts[0] in ("services", "charts") and len(parts) > 2:
            services.add(parts[1])
            state = state or parts[0] == "charts"  # which environments deploy a chart from the tree: the locks say
        folder = posixpath.dirname(path)
        while folder and folder not in apis:
            folder = posixpath.dirname(folder)
        if folder and path.endswith((".yaml", ".yml", ".json")):
            services.add(apis[folder])
            state = True
    return Focus(state, frozenset(services), paths)


@dataclass
class Repo:
    root: Path
    tree: Tree
    memo: Memo = field(default_factory=Memo)
    documents: dict[str, Document] = field(default_factory=dict)  # every YAML file read, by path
    problems: list[Finding] = field(default_factory=list)  # everything loading found wrong
    present: set[str] = field(default_factory=set)  # the files the manifest implies that exist
    platform: Platform | None = None
    locks: dict[str, Lock] = field(default_factory=dict)  # by environment
    rollbacks: dict[str, Rollbacks] = field(default_factory=dict)  # by environment
    overrides: dict[str, Overrides] = field(default_factory=dict)  # by environment: the gates passed by hand
    arrivals: dict[str, list[Arrivals]] = field(default_factory=dict)  # by environment, one per month, oldest first
    releases: dict[str, Release] = field(default_factory=dict)  # by version
    release_files: dict[str, Release] = field(default_factory=dict)  # by file, whatever the file is named
    helmfile: Helmfile | None = None
    dockerfiles: dict[str, Dockerfile] = field(default_factory=dict)  # by service
    default_ports: dict[str, DefaultPort] = field(default_factory=dict)  # by service (`PORT ?=` in its Makefile)
    contracts: dict[str, Spec] = field(default_factory=dict)  # by path; unreadable ones are problems instead
    exceptions: tuple[Exception_, ...] = ()  # .lockstep/api-exceptions.yaml
    hadolint_config: tuple[str, str] | None = None  # (name, text) of the repository's .hadolint.yaml
    limits: Limits = DEFAULT  # how much work one contract may cost (loading it, diffing it)
    rule_levels: RuleLevels | None = None  # .lockstep/config.yaml, when it loads
    base: Repo | None = None  # pull-request mode: the repository at the base ref
    # pull-request mode: the contracts that the versions a lock goes back from and to shipped, by (service, version)
    shipped: dict[tuple[str, str], Spec | None] = field(default_factory=dict)
    focus: Focus = EVERYTHING  # what was loaded, so what is checked
    rendered: helm.Rendered | None = None  # `validate --render`: what helm rendered and linted; None: not asked
    engine_loaded: dict[str, Document] | None = None  # engine_documents(), once asked
    engine_raw: dict[str, bytes] = field(default_factory=dict)  # their bytes, by path
    engine_rendered: engine_render.EngineRenders | None = None  # `validate --render`: the engine's side compared
    compared: tuple[str, str | None] | None = None  # pull-request mode: the base ref and the head ref (None: the tree)
    now: datetime | None = None  # the time the gates judge (`--now`); None: the UTC clock when they run
    _changed: frozenset[str] | None = None
    _verifications: dict[str, Verifications] = field(default_factory=dict, repr=False)  # by folder
    _workflows: Workflows | None = field(default=None, repr=False)

    def document(self, relative: str) -> Document | None:
        return self.documents.get(relative)

    def workflows(self) -> Workflows:
        """The GitHub Actions workflows (`.github/workflows/*.yaml|yml`), listed and parsed on first use: only the
        `pipeline` family reads them. With a focus on some files (the pre-commit hooks), only those are parsed."""
        if self._workflows is None:
            names = [name for name in _listdir(self, layout.WORKFLOWS_DIR) if name.endswith((".yaml", ".yml"))]
            present = tuple(f"{layout.WORKFLOWS_DIR}/{name}" for name in names)
            documents = {}
            for relative in present:
                doc = _workflow(self, relative) if self.focus.reads(relative) else None
                if doc is not None:
                    documents[relative] = doc
            self._workflows = Workflows(present, documents)
        return self._workflows

    def hadolint(self) -> list[hadolint.Report] | hadolint.Unavailable:
        """hadolint's reports on every Dockerfile, or why there are none; each text is linted once."""
        config = self.hadolint_config[1] if self.hadolint_config else ""
        texts = {d.path: d.text for d in self.dockerfiles.values()}
        todo = {path: text for path, text in texts.items() if (path, text, config) not in self.memo.hadolint}
        if todo:
            found = hadolint.lint(todo, self.hadolint_config, self.memo.store(self.root, "hadolint"))
            if isinstance(found, hadolint.Unavailable):
                return found
            for path, text in todo.items():
                self.memo.hadolint[(path, text, config)] = [r for r in found if r.file == path]
        return [report for path, text in texts.items() for report in self.memo.hadolint[(path, text, config)]]

    def engine_documents(self) -> dict[str, Document]:
        """The engine objects (every YAML file under deploy/argocd/ and deploy/flux/) and the Flux companions of
        the environments, by path: parsed on first use (only the `engine` family reads them), once per content."""
        if self.engine_loaded is None:
            found: dict[str, Document] = {}
            environments = self.platform.path if self.platform else tuple(_listdir(self, layout.ENVIRONMENTS_DIR))
            candidates = [engines.companion(env) for env in environments]
            for folder in (engines.ARGOCD_DIR, engines.FLUX_DIR):
                try:
                    candidates += files_under(self.tree, folder)
                except LoadError as error:
                    found[folder] = Document(folder, problems=[error.finding])
            store = self.memo.store(self.root)
            for relative in candidates:
                if not relative.endswith((".yaml", ".yml")):
                    continue
                try:
                    raw = self.tree.read(relative)
                except LoadError as error:
                    found[relative] = Document(relative, problems=[error.finding])
                    continue
                if raw is not None:
                    key = ("yaml", "engine", relative)
                    found[relative] = self.memo.parsed(key, raw, partial(yamlio.parse, raw, relative, store))
                    self.engine_raw[relative] = raw
            self.engine_loaded = found
        return self.engine_loaded

    def engine_problems(self, relative: str) -> list[kubeschema.Problem] | None:
        """What the CRD schema finds wrong with the engine object at `relative` (None: not an engine kind). Bytes
        that were valid before are valid now without building the validator (a pre-commit hook spares some
        100 ms: the ApplicationSet's schema is large)."""
        doc = self.engine_documents().get(relative)
        schema = kubeschema.engine_schema(doc.data) if doc is not None and doc.ok else None
        if doc is None or schema is None:
            return None
        store = self.memo.store(self.root, "valid")
        key = cache.digest(__version__.encode(), schema.encode(), self.engine_raw[relative])
        if store is not None and store.get(relative, key) is not None:
            return []
        problems = kubeschema.engine(doc.data) or []
        if store is not None and not problems:
            store.put(relative, key, {})
        return problems

    def verifications(self, environment: str, service: str | None, version: str) -> Verifications:
        """The check records of one version (`service` None: a platform version) in `environment`, oldest first
        (by `at`, then file name), read on first use: a gate needs only the folder of what moves, so the cost never
        grows with the history. Records that do not load are problems, which the family reading them reports."""
        folder = layout.verifications_dir(environment, service, version)
        found = self._verifications.get(folder)
        if found is None:
            records: list[tuple[str, Verification]] = []
            problems: list[Finding] = []
            for name in sorted(_listdir(self, folder)):
                if not name.endswith(".yaml"):
                    continue
                doc = record_document(self, f"{folder}/{name}", "verification")
                if doc is not None and doc.ok:
                    records.append((doc.path, Verification.from_data(doc.data)))
                elif doc is not None:
                    problems.extend(doc.problems)
            records.sort(key=lambda item: (freeze.order(item[1].at), item[0]))
            found = Verifications(tuple(record for _, record in records), tuple(problems))
            self._verifications[folder] = found
        return found

    def changed(self) -> frozenset[str]:
        """Pull-request mode: the files that differ between the base and the head (the working tree, untracked files
        included); none otherwise. git is asked once, when a rule first needs them."""
        if self._changed is None:
            self._changed = frozenset(gitrefs.changed(self.root, *self.compared)) if self.compared else frozenset()
        return self._changed

    def with_files(self, files: Mapping[str, str | None], *, focused: bool = False) -> Repo:
        """The repository as it would be with `files` (path -> new text, None: removed) written: read from
        memory, nothing written, unchanged files not parsed again. `focused`: only what a change of `files` can
        affect is loaded (`focus_of`)."""
        tree = OverlayTree(self.tree, files)
        changed = load_repo(self.root, tree=tree, memo=self.memo, limits=self.limits, paths=files if focused else None)
        changed.base, changed.now = self.base, self.now
        return changed

    def focused_on(self, paths: Iterable[str]) -> Repo:
        """The repository as it is, loaded again (from what was read and parsed already) with only what a change
        of `paths` can affect: what a writer's change is compared with."""
        again = load_repo(self.root, tree=self.tree, memo=self.memo, limits=self.limits, paths=paths)
        again.base, again.now = self.base, self.now
        return again


def load_repo(
    root: Path,
    *,
    tree: Tree | None = None,
    memo: Memo | None = None,
    full: bool = True,
    limits: Limits = DEFAULT,
    paths: Iterable[str] | None = None,
    focus: Focus = EVERYTHING,
) -> Repo:
    """Parse everything lockstep reads under `root` (from `tree`: the disk by default); problems become
    findings, never exceptions. `full=False` reads only what a base ref must provide: the manifest, locks,
    ledgers, contracts and rule levels. With `paths`, only what a change of those files can affect (`focus_of`),
    or only what `focus` says; the rule levels are read whatever the focus (they judge every finding)."""
    repo = Repo(root, tree or DiskTree(root), memo or Memo(), limits=limits, focus=focus)
    doc = _yaml(repo, layout.PLATFORM, "platform")
    if doc is None:
        raise UsageError(f"{root}: not a lockstep repository ({layout.PLATFORM} not found)")
    if doc.ok:
        repo.platform = Platform.from_data(doc.data)
    if paths is not None:
        repo.focus = focus_of(paths, repo.platform)
    if repo.focus.state:
        _state(repo)
    for name, contract in _services(repo).items():
        if repo.focus.covers(name):
            _contract(repo, contract)
    config = _yaml(repo, layout.CONFIG, rule_levels.KIND)  # a base ref's too: in pull-request mode, its levels apply
    if config is not None and config.ok:
        repo.rule_levels = rule_levels.from_document(config)
    if full:
        _rest(repo)
    return repo


def _state(repo: Repo) -> None:
    """The locks, rollback records and the ledger."""
    for environment in _listdir(repo, layout.ENVIRONMENTS_DIR):
        lock = _yaml(repo, layout.lock(environment), "lock")
        if lock is not None and lock.ok:
            repo.locks[environment] = repo.memo.built(lock, Lock.from_data)
        rolled = _yaml(repo, layout.rollbacks(environment), "rollbacks")
        if rolled is not None and rolled.ok:
            repo.rollbacks[environment] = Rollbacks.from_data(rolled.data)
        overridden = _yaml(repo, layout.overrides(environment), "overrides")
        if overridden is not None and overridden.ok:
            repo.overrides[environment] = Overrides.from_data(overridden.data)
        months = sorted(name.removesuffix(".yaml") for name in _listdir(repo, layout.arrivals_dir(environment)))
        for month in months:
            arrived = _yaml(repo, layout.arrivals(environment, month), "arrivals")
            if arrived is not None and arrived.ok:
                repo.arrivals.setdefault(environment, []).append(Arrivals.from_data(arrived.data, month))
    for name in _listdir(repo, layout.RELEASES_DIR):
        if name.endswith(".yaml"):
            released = _yaml(repo, f"{layout.RELEASES_DIR}/{name}", "release")
            if released is not None and released.ok:
                release = repo.memo.built(released, Release.from_data)
                repo.release_files[released.path] = release
                repo.releases[release.version] = release


def _rest(repo: Repo) -> None:
    """What only the working tree (or the head ref) needs: answers, helmfile, accept-list, and per service its
    Dockerfile, Makefile, chart and values."""
    if repo.focus.reads(layout.ANSWERS):
        _yaml(repo, layout.ANSWERS, "answers")
    accepted = _yaml(repo, layout.API_EXCEPTIONS, "api-exceptions")
    if accepted is not None and accepted.ok:
        repo.exceptions = exceptions.entries(accepted)
    helmfile = _text(repo, layout.HELMFILE) if repo.focus.reads(layout.HELMFILE) else None
    if helmfile is not None:
        repo.helmfile = repo.memo.parsed(("helmfile",), helmfile, lambda: _helmfile(helmfile))
        repo.problems.extend(repo.helmfile.document.problems)
    for name in hadolint.CONFIGS:
        config = _text(repo, name)
        if config is not None:
            repo.hadolint_config = (name, config)
            break
    environments = repo.platform.path if repo.platform else tuple(_listdir(repo, layout.ENVIRONMENTS_DIR))
    for name in _services(repo):
        if not repo.focus.covers(name):
            continue
        text = _text(repo, layout.dockerfile(name), implied=True)
        if text is not None:
            repo.dockerfiles[name] = repo.memo.parsed(("dockerfile", name), text, partial(_dockerfile, name, text))
        makefile = _text(repo, layout.makefile(name), implied=True)
        port = default_port(makefile) if makefile is not None else None
        if port is not None:
            repo.default_ports[name] = port
        _yaml(repo, layout.chart(name), "chart", implied=True)
        for environment in environments:
            _yaml(repo, layout.values(environment, name), "values", implied=True)


def _workflow(repo: Repo, relative: str) -> Document | None:
    """A workflow parsed (once per content); not schema-checked (GitHub's schema is not lockstep's to ship)."""
    try:
        raw = repo.tree.read(relative)
    except LoadError as error:
        return Document(relative, problems=[error.finding])
    if raw is None:
        return None
    store = repo.memo.store(repo.root)
    return repo.memo.parsed(("workflow", relative), raw, lambda: yamlio.parse(raw, relative, store))


def _services(repo: Repo) -> dict[str, str]:
    """The services whose files are read, with their contracts: the manifest's, or, when the manifest does not
    load, the folders under services/ (so that its problems hide no other file's)."""
    if repo.platform is not None:
        return {name: service.api for name, service in repo.platform.services.items()}
    return {name: layout.contract(name) for name in _listdir(repo, "services")}


def _listdir(repo: Repo, folder: str) -> list[str]:
    """The names in a folder; none, with a finding, when a link takes the folder out of the repository."""
    try:
        return repo.tree.listdir(folder)
    except LoadError as error:
        if error.finding not in repo.problems:
            repo.problems.append(error.finding)
        return []


def _yaml(repo: Repo, relative: str, kind: str, *, implied: bool = False) -> Document | None:
    """The YAML file at `relative`, parsed and schema-checked (once per content); its problems are recorded.
    A document whose schema check failed has no data: records are built from schema-valid data only."""
    doc = record_document(repo, relative, kind)
    if doc is None:
        return None
    if implied:
        repo.present.add(relative)
    repo.problems.extend(doc.problems)
    return doc


def record_document(repo: Repo, relative: str, kind: str) -> Document | None:
    """The YAML file at `relative`, parsed and schema-checked once per content, its problems not recorded: a
    record read on demand (a verification) has them reported by the family that asked."""
    try:
        raw = repo.tree.read(relative)
    except LoadError as error:
        doc = Document(relative, problems=[error.finding])
    else:
        if raw is None:
            return None
        stores = (repo.memo.store(repo.root), repo.memo.store(repo.root, "valid"))
        doc = repo.memo.parsed(("yaml", kind, relative), raw, lambda: _twin(repo.memo, raw, relative, kind, stores))
    repo.documents[relative] = doc
    return doc


def _twin(
    memo: Memo, raw: bytes, relative: str, kind: str, stores: tuple[cache.Store | None, cache.Store | None]
) -> Document:
    """The document of `relative`, parsed and checked, or a clean one of the same kind and bytes under another path
    (an environment's values file is most often a copy of the previous environment's) given this path."""
    twin = memo.clean.get((kind, raw))
    if twin is not None:
        return Document(relative, twin.data, twin.values, twin.keys, twin.numbers)
    doc = _parse_yaml(raw, relative, kind, stores)
    if not doc.problems:
        memo.clean[(kind, raw)] = doc
    return doc


def _parse_yaml(
    raw: bytes, relative: str, kind: str, stores: tuple[cache.Store | None, cache.Store | None]
) -> Document:
    doc = yamlio.parse(raw, relative, stores[0])
    found = schemas.validate(doc, kind, stores[1], raw)
    if any(f.level == "error" for f in found):
        doc.data = None
    doc.problems = _at_most(doc.problems + found, relative)
    return doc


def _at_most(problems: list[Finding], relative: str) -> list[Finding]:
    """A file's first MAX_PROBLEMS problems, and one that counts the rest."""
    if len(problems) <= MAX_PROBLEMS:
        return problems
    rest = len(problems) - MAX_PROBLEMS
    return [*problems[:MAX_PROBLEMS], MANY_PROBLEMS.at(relative, 1, 1, f"{rest} more problem(s) in this file")]


def _text(repo: Repo, relative: str, *, implied: bool = False) -> str | None:
    """A text file; None when it does not exist or cannot be read (then a problem says why)."""
    try:
        text = read_text(repo.tree, relative)
    except LoadError as error:
        repo.problems.append(error.finding)
        text = None
        exists = True
    else:
        exists = text is not None
    if implied and exists:
        repo.present.add(relative)
    return text


def _dockerfile(name: str, text: str) -> Dockerfile:
    return Dockerfile(layout.dockerfile(name), text, tuple(stages(text)))


def _helmfile(text: str) -> Helmfile:
    doc = yamlio.loads(text.split("\n---", 1)[0], layout.HELMFILE)
    environments = doc.data.get("environments") if isinstance(doc.data, dict) else None
    return Helmfile(doc, tuple(environments) if isinstance(environments, dict) else ())


def _contract(repo: Repo, relative: str) -> None:
    try:
        raw = repo.tree.read(relative, loader.MAX_BYTES)
    except LoadError as error:
        repo.present.add(relative)
        repo.problems.append(error.finding)
        return
    if raw is None:
        return
    repo.present.add(relative)
    store = repo.memo.store(repo.root, "contract")
    try:
        spec = repo.memo.parsed(
            ("contract", relative), raw, lambda: loader.load_tree(repo.tree, relative, limits=repo.limits, store=store)
        )
        if len(spec.sources) > 1:  # it reads other files: those may have changed, load it again
            spec = loader.load_tree(repo.tree, relative, limits=repo.limits, store=store)
    except LoadError as error:
        repo.problems.append(error.finding)
        return
    repo.contracts[relative] = spec


def load_at(
    root: Path,
    ref: str,
    *,
    full: bool = True,
    limits: Limits = DEFAULT,
    paths: Iterable[str] | None = None,
    focus: Focus = EVERYTHING,
    memo: Memo | None = None,
    same: tuple[Tree, frozenset[str]] | None = None,
) -> Repo | None:
    """The repository as it was at git `ref`, read from git (nothing is written to disk); None where lockstep did
    not manage it yet. `full=False`: only what a base ref must provide (the manifest, locks, ledgers, contracts).
    Where `root` is a folder of a larger repository, that folder of the ref is read. `same`: another tree and the
    files that differ between it and `ref`; every other file is read from that tree (see gitrefs.RefTree)."""
    tree = gitrefs.RefTree(root, ref, None, same=same)
    try:
        try:
            if tree.read(layout.PLATFORM) is None:
                return None
        except LoadError:
            pass  # a manifest that cannot be read: load_repo reports it
        return load_repo(root, tree=tree, full=full, limits=limits, paths=paths, focus=focus, memo=memo)
    finally:
        tree.close()


def load_for_validation(
    root: Path,
    *,
    base: str | None = None,
    head: str | None = None,
    limits: Limits = DEFAULT,
    paths: Iterable[str] | None = None,
    render: bool = False,
) -> Repo:
    """What `validate` checks: the working tree (or the `head` ref), and with `base` the base ref beside it. With
    `paths`, only what a change of those files can affect, on both sides, and the contracts of the services whose
    pins moved (a version bump is judged by the contract it ships). Pull-request mode without `paths` takes the
    files that differ between `base` and the head as its paths: what the change did not touch was judged when it
    merged (`validate` without `--base` judges everything). The base ref reads only the files that differ; every
    other file is the head's, parsed once. `--base HEAD` before the first commit compares with nothing."""
    changed: frozenset[str] | None = None
    if base is not None and not gitrefs.ref_exists(root, base):
        if base != "HEAD" or not gitrefs.unborn(root):
            gitrefs.require_commit(root, base)  # a bad ref: one line, before git diff would say it otherwise
        base = None
    if base is not None:
        if head is not None:
            gitrefs.require_commit(root, head)
        changed = frozenset(gitrefs.changed(root, base, head))
        paths = changed if paths is None else paths
    if head is None:
        repo = load_repo(root, limits=limits, paths=paths)
    else:
        found = load_at(root, head, limits=limits, paths=paths)
        if found is None:
            raise UsageError(f"{head}: {layout.PLATFORM} not found at that ref")
        repo = found
    if render and not repo.focus.state:  # what helm renders is what the locks pin
        repo.focus = replace(repo.focus, state=True)
        _state(repo)
    if base is not None and changed is not None:
        repo.base = load_at(
            root, base, full=False, limits=limits, focus=repo.focus, memo=repo.memo, same=(repo.tree, changed)
        )
        if repo.base is not None:
            repo.compared, repo._changed = (base, head), changed
            widen = moved(repo, repo.base) - repo.focus.services if repo.focus.services is not None else set()
            for name in sorted(widen):
                for side in (repo, repo.base):
                    if side.platform and name in side.platform.services:
                        _contract(side, side.platform.services[name].api)
            for service, before, after in rollbacks(repo, repo.base):
                for version in (before, after):
                    repo.shipped[(service, version)] = shipped_contract(repo, service, version)
    if render:
        repo.rendered = _render(repo, set(repo.changed()) if repo.compared else None)
        if repo.platform is not None and repo.platform.engine != "none" and repo.rendered.missing is None:
            from generator import engine_render

            documents = repo.engine_documents()
            repo.engine_rendered = engine_render.compare(repo.tree, repo.platform, repo.locks, documents, repo.rendered)
    return repo


def _render(repo: Repo, changed: set[str] | None) -> helm.Rendered:
    """helm's renders of every (environment, service) the locks pin and its lint of every chart; in pull-request
    mode (`changed`: the files the change touches) only those a changed lock pin, chart or values file can
    change, all when the manifest changed."""
    from generator import helm

    platform = repo.platform
    if platform is None:
        return helm.Rendered()
    pins = {
        (environment, name): pin
        for environment, lock in repo.locks.items()
        if platform.environment(environment) is not None
        for name, pin in lock.services.items()
        if name in platform.services and repo.focus.covers(name)
    }
    charts = {name for name in platform.services if repo.focus.covers(name)}
    if changed is not None and repo.base is not None and layout.PLATFORM not in changed:
        charts = {name for name in charts if any(path.startswith(f"charts/{name}/") for path in changed)}
        was = repo.base.locks
        pins = {
            (environment, name): pin
            for (environment, name), pin in pins.items()
            if name in charts
            or layout.values(environment, name) in changed
            or environment not in was
            or was[environment].services.get(name) != pin
        }
    return helm.render(repo.tree, platform, pins, charts)


def moved(repo: Repo, base: Repo) -> set[str]:
    """The services whose pin in some lock differs between `base` and `repo`."""
    return {
        name
        for environment, lock in repo.locks.items()
        for name, pin in lock.services.items()
        if (was := base.locks.get(environment)) is None or was.services.get(name) != pin
    }


def rollbacks(repo: Repo, base: Repo) -> list[tuple[str, str, str]]:
    """(service, from, to) for every pin that goes back to an older version in some lock since `base`."""
    found = []
    for environment, lock in repo.locks.items():
        was = base.locks.get(environment)
        for name, pin in lock.services.items():
            before = was.services.get(name) if was else None
            if before is not None and versions.newer(before.version, pin.version):
                found.append((name, before.version, pin.version))
    return sorted(set(found))


def shipped_contract(repo: Repo, service: str, version: str) -> Spec | None:
    """The API contract `service` had when `version` was made: read from the commit that first pinned that
    version in the first environment's lock (the working tree's, when that lock pins it, no commit does yet and it
    is not older than the committed pin). None when it cannot be found or read."""
    key = (service, version)
    if key in repo.memo.shipped:
        return repo.memo.shipped[key]
    platform = platform_of(repo)
    api, first = platform.services[service].api if service in platform.services else "", platform.path[0]
    made, newest = None, None
    for commit, text in reversed(gitrefs.file_history(repo.root, layout.lock(first))):
        doc = yamlio.loads(text, layout.lock(first))
        pins = doc.data.get("services") if isinstance(doc.data, dict) else None
        entry = pins.get(service) if isinstance(pins, dict) else None
        pinned = entry.get("version") if isinstance(entry, dict) else None
        newest = pinned if isinstance(pinned, str) else newest
        if pinned == version:
            made = commit
            break
    spec: Spec | None = None
    if made is not None and api:
        folder = gitrefs.prefix(repo.root)
        tree = gitrefs.RefTree(repo.root, made, folder)
        try:
            spec = loader.load_tree(tree, api, f"{made[:12]}:{api}", limits=repo.limits)
        except LoadError:
            spec = None
        finally:
            tree.close()
    elif made is None and (lock := repo.locks.get(first)) and (pin := lock.services.get(service)):
        # a version no commit pinned yet is the working tree's, unless it is older than what was committed (a
        # rollback whose history is not here, as in a shallow clone: the working tree's contract is a newer one)
        older = newest is not None and versions.newer(newest, version)
        spec = repo.contracts.get(api) if pin.version == version and not older else None
    repo.memo.shipped[key] = spec
    return spec


def find_root(given: Path | None) -> Path:
    """The repository: `given`, or the nearest folder from here upwards that holds platform.yaml (as git finds
    its repository)."""
    if given is not None:
        return given
    here = Path.cwd()
    for folder in (here, *here.parents):
        if (folder / layout.PLATFORM).is_file():
            return folder
    raise UsageError(f"{here}: not a lockstep repository ({layout.PLATFORM} not found here or in any folder above)")


def owned(relative: str) -> bool:
    """The files lockstep writes and its operations read: the manifest, locks, rollback records, the ledger,
    the answers (and the folders they are in)."""
    parts = relative.split("/")
    return (
        relative in (layout.PLATFORM, layout.ANSWERS, layout.RELEASES_DIR, layout.ENVIRONMENTS_DIR)
        or (len(parts) == 2 and parts[0] == layout.ENVIRONMENTS_DIR)
        or (len(parts) == 2 and parts[0] == layout.RELEASES_DIR)
        or (
            len(parts) == 3
            and parts[0] == layout.ENVIRONMENTS_DIR
            and parts[2] in ("platform.lock.yaml", "rollbacks.yaml", "overrides.yaml", "arrivals")
        )
        or (len(parts) == 4 and parts[0] == layout.ENVIRONMENTS_DIR and parts[2] == "arrivals")
    )


def require_loaded(repo: Repo) -> Repo:
    """The repository, when every file lockstep owns loaded; LoadError naming the first that did not (status
    and the writers never work from, or write over, a file they could not read)."""
    for problem in repo.problems:
        if problem.level == "error" and owned(problem.file):
            raise LoadError(problem)
    return repo


def current_time() -> datetime:
    """The UTC clock, to the second (what `--now` stands in for)."""
    return datetime.now(timezone.utc).replace(microsecond=0)


def now_of(repo: Repo) -> datetime:
    """The time the gates judge and the writers record: `--now`, else the UTC clock."""
    return repo.now or current_time()


def platform_of(repo: Repo) -> Platform:
    """The manifest, refusing to operate on a repository whose manifest does not even load."""
    if repo.platform is None:
        raise UsageError(f"{repo.root}/{layout.PLATFORM} has errors; run `lockstep validate` first")
    return repo.platform


def lock_of(repo: Repo, environment: str) -> Lock:
    """The lock of `environment`; UsageError when it is missing or does not load."""
    lock = repo.locks.get(environment)
    if lock is None:
        raise UsageError(f"{layout.lock(environment)} is missing or invalid; run `lockstep validate` first")
    return lock


def environment_of(platform: Platform, name: str) -> Environment:
    """The environment called `name`; UsageError naming the promotion path when there is none."""
    found = platform.environment(name)
    if found is None:
        raise UsageError(f"`{name}` is not an environment of {layout.PLATFORM} (path: {' -> '.join(platform.path)})")
    return found
