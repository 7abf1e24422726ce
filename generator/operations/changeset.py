"""A set of file writes, checked as a whole against every rule before any of it touches the repository.

The check lays the planned files over the loaded repository (`Repo.with_files`: nothing copied, nothing read
again, only the changed files parsed) and validates the result once, with only what a change of those files can
affect (`repository.focus_of`, as the pull-request check judges a change). A change is refused when the result
has an error the repository, so focused, does not have now; `--dry-run` runs the same check, so it exits as the
real run would.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from generator import deploy, engines, layout, rule_levels, transaction, validators, yamlio
from generator.errors import Refused
from generator.findings import Finding
from generator.model import GATES, Lock, Overrides, Release, Rollbacks
from generator.repository import Repo, now_of
from generator.tree import read_text
from generator.validators import gates


@dataclass
class Changeset:
    files: dict[str, str | None] = field(default_factory=dict)  # relative path -> new text, None: removed
    _after: tuple[dict[str, str | None], Repo] | None = field(default=None, repr=False, compare=False)

    def after(self, repo: Repo) -> Repo:
        """The repository as the change leaves it, with only what the change can affect loaded (once per set of
        files)."""
        if self._after is None or self._after[0] != self.files:
            self._after = (dict(self.files), repo.with_files(self.files, focused=True))
        return self._after[1]

    def write(self, relative: str, text: str) -> None:
        self.files[relative] = text

    def remove(self, relative: str) -> None:
        self.files[relative] = None

    def write_lock(self, lock: Lock) -> None:
        self.write(layout.lock(lock.environment), yamlio.dumps(lock.as_data()))

    def derive(self, repo: Repo, *, everything: bool = False) -> None:
        """Lay the derived files (generator/deploy.py) of the repository as the change leaves it over the change,
        where they differ: every writer keeps them current. Only what the change can affect is derived again: all
        of them when it writes platform.yaml (or with `everything`, `lockstep generate`), else the Flux companions
        of the locks it writes. Idempotent; nothing when platform.yaml or a lock does not load."""
        platform = repo.platform
        whole = everything or layout.PLATFORM in self.files
        companions = {
            engines.companion(env)
            for env in (platform.path if platform is not None and platform.engine == "flux" else ())
            if layout.lock(env) in self.files
        }
        if not whole and not companions:
            return
        after = repo.with_files(self.files) if everything else self.after(repo)  # `generate`: every derived file
        if after.platform is None or set(after.locks) != set(after.platform.path):
            return
        derived: dict[str, str | None]
        if whole:
            derived = deploy.refresh(after.platform, after.locks, deploy.existing(after.tree, after.platform))
        else:
            derived = dict(deploy.files(after.platform, after.locks, companions.__contains__))
        for relative, text in derived.items():
            if read_text(after.tree, relative) != text:
                self.files[relative] = text

    def write_release(self, release: Release) -> None:
        self.write(layout.release(release.version), yamlio.dumps(release.as_data()))

    def write_rollbacks(self, rollbacks: Rollbacks) -> None:
        self.write(layout.rollbacks(rollbacks.environment), yamlio.dumps(rollbacks.as_data()))

    def write_overrides(self, overrides: Overrides) -> None:
        self.write(layout.overrides(overrides.environment), yamlio.dumps(overrides.as_data()))

    def diff(self, repo: Repo) -> str:
        """What `--dry-run` prints: a unified diff of every file the change writes."""
        self.derive(repo)
        chunks: list[str] = []
        for relative, text in sorted(self.files.items()):
            now = read_text(repo.tree, relative) or ""
            old, new = now.splitlines(keepends=True), (text or "").splitlines(keepends=True)
            before = f"a/{relative}" if old else "/dev/null"
            chunks.extend(difflib.unified_diff(old, new, before, f"b/{relative}" if text is not None else "/dev/null"))
        return "".join(chunks)

    def new_errors(self, repo: Repo) -> list[Finding]:
        """Errors that the repository would have after the change and does not have now, at the levels of the
        repository's .lockstep/config.yaml. Only the rule families whose inputs the change touches run: the others
        would find the same before and after."""
        families = validators.affected_by(self.files)
        if not families:
            return []

        def errors(found: list[Finding]) -> list[Finding]:
            leveled = rule_levels.apply(found, repo.rule_levels, validators.defaults())
            return [f for f in leveled if f.level == "error"]

        after = errors(validators.check(self.after(repo), families))
        if not after:
            return []  # the common case: one validation, of the result
        before = {(f.rule, f.file, f.message) for f in errors(validators.check(repo.focused_on(self.files), families))}
        return [f for f in after if (f.rule, f.file, f.message) not in before]

    def gate_errors(self, repo: Repo) -> list[Finding]:
        """The gates a change that writes a lock does not pass (validators/gates.py `judge`, the one the pull-request
        check runs: the working tree is the change's base), at the repository's rule levels, and an override that
        passes no holding gate (a writer does not append a record that says nothing); none otherwise."""
        if not any(relative.endswith("/platform.lock.yaml") for relative in self.files):
            return []
        found = gates.judge(repo, self.after(repo), now_of(repo))
        leveled = rule_levels.apply(found, repo.rule_levels, validators.defaults())
        return [f for f in leveled if f.level == "error" or f.rule == gates.OVERRIDE_UNNEEDED.id]

    def check(self, repo: Repo) -> None:
        """Refused (exit 1), with the first gate that holds or the first new error, when the change would break a
        rule."""
        self.derive(repo)
        blocked = self.gate_errors(repo)
        if blocked:
            first = blocked[0]
            gate = first.rule.removeprefix("gates.")
            if gate in GATES:
                environment = first.file.split("/")[1]
                others = sorted({f.rule.removeprefix("gates.") for f in blocked[1:]} - {gate})
                also = f" ({' and '.join(others)} hold{'s' if len(others) == 1 else ''} too)" if others else ""
                raise Refused(
                    f"gate {gate} holds {environment}: {first.message}; pass it with --override {gate} --reason TEXT"
                    + also
                )
            raise Refused(f"{first.file}:{first.line}: {first.rule}: {first.message}")
        errors = self.new_errors(repo)
        if errors:
            first = errors[0]
            raise Refused(
                f"the change would give {len(errors)} error(s), first "
                f"{first.file}:{first.line}: {first.rule}: {first.message}"
            )

    def apply(self, repo: Repo) -> list[str]:
        """Check, then write every file as one transaction (the caller holds the writer lock); the paths
        written."""
        self.check(repo)
        return transaction.write(repo.root, self.files)
