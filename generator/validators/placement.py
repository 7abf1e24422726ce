"""Where a finding on a rendered manifest goes: the environment's values file when it sets the key in question,
else the platform.yaml node, else the template line that writes the field, else line 1 of the template helm names
in `# Source:`; and the small readers of rendered objects the `manifests` rules share."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, NamedTuple

from generator import layout
from generator.findings import Finding, Rule, excerpt
from generator.repository import Repo

if TYPE_CHECKING:
    from generator import helm

POD = ("spec", "template", "spec")  # where a workload's pod spec is


class Where(NamedTuple):
    """What a rule checks in one release: where to point when the values file, the manifest or a template says."""

    repo: Repo
    release: helm.Release
    templates: Mapping[str, str]

    @property
    def values(self) -> str:
        return layout.values(self.release.environment, self.release.service)

    def template(self, manifest: helm.Manifest) -> str:
        """The repository path of the template that wrote `manifest`."""
        inside = manifest.source.split("/", 1)[1] if "/" in manifest.source else manifest.source
        return f"charts/{self.release.service}/{inside}"

    def at(
        self,
        rule: Rule,
        manifest: helm.Manifest,
        path: tuple[str | int, ...],
        message: str,
        values: tuple[str, ...] = (),
        platform: tuple[str, ...] = (),
    ) -> Finding:
        """A finding at the values file's `values` key when it sets one, else at the platform.yaml node `platform`,
        else at the template line that writes `path` (line 1 when none does); for a chart pulled from the registry,
        whose templates are not the working tree's, at the lock's pin instead."""
        for relative, pointer in ((self.values, values), (layout.PLATFORM, platform)):
            doc = self.repo.document(relative)
            if pointer and doc is not None and pointer in doc.keys:
                return rule.of(doc, message, pointer, key=True)
        if self.release.pulled:
            return self.pin(rule, message)
        return rule.at(*template_line(self.templates, self.template(manifest), path), 1, message)

    def pin(self, rule: Rule, message: str) -> Finding:
        """A finding at the `chart` of the lock's pin (the built chart that was rendered), else at the lock."""
        lock = layout.lock(self.release.environment)
        doc = self.repo.document(lock)
        for pointer in (("services", self.release.service, "chart"), ("services", self.release.service)):
            if doc is not None and pointer in doc.keys:
                return rule.of(doc, message, pointer, key=True)
        return rule.at(lock, 1, 1, message)


# patterns compiled on first use (re caches them), not at import: plain `validate` imports this module too
_INCLUDE = r'\{\{-?\s*include\s+"([^"]+)"'
_DEFINE = r'\{\{-?\s*define\s+"([^"]+)"'


def _walk(lines: list[str], keys: list[str]) -> tuple[int, int]:
    """How many of `keys` are found one after another down `lines`, and the line of the last one found (0: none)."""
    start = found = 0
    for count, key in enumerate(keys):
        pattern = re.compile(rf"^\s*(?:-\s+)?[\"']?{re.escape(key)}[\"']?\s*:")
        hit = next((number for number in range(start, len(lines)) if pattern.match(lines[number])), None)
        if hit is None:
            return count, found
        found = start = hit + 1
    return len(keys), found


def _define(templates: Mapping[str, str], folder: str, name: str) -> tuple[str, list[str]] | None:
    """The template of `folder` that defines `name`, and its lines with all but that definition blanked out."""
    for file, text in sorted(templates.items()):
        if posixpath.dirname(file) != folder:
            continue
        lines = text.splitlines()
        opened = [(number, match[1]) for number, line in enumerate(lines) if (match := re.search(_DEFINE, line))]
        for (first, defined), after in zip(opened, [number for number, _ in opened[1:]] + [len(lines)], strict=True):
            if defined == name:
                return file, [line if first <= number < after else "" for number, line in enumerate(lines)]
    return None


def template_line(templates: Mapping[str, str], file: str, path: Iterable[str | int]) -> tuple[str, int]:
    """The template file and line that write the field at `path` of an object `file` rendered: the keys of the path
    found one after another down the file and, where a found key's value is an included template (`template:
    {{- include "app.podTemplate" . }}`), on down that template's `define`; the last key found (line 1 of `file`
    when the first is not there)."""
    keys = [key for key in path if isinstance(key, str)]
    lines = (templates.get(file) or "").splitlines()
    count, line = _walk(lines, keys)
    while 0 < count < len(keys):
        include = re.search(_INCLUDE, " ".join(lines[line - 1 : line + 1]))
        defined = _define(templates, posixpath.dirname(file), include[1]) if include else None
        more, inner = _walk(defined[1], keys[count:]) if defined else (0, 0)
        if defined is None or not more:
            break
        (file, lines), count, line = defined, count + more, inner
    return file, line or 1


def dotted(path: Iterable[str | int]) -> str:
    shown = ""
    for part in path:
        shown += f"[{part}]" if isinstance(part, int) else f".{part}" if shown else str(part)
    return shown or "(the object)"


def named(manifest: helm.Manifest) -> str:
    return f"{manifest.kind} {excerpt(manifest.name)}"


def pod_of(manifest: helm.Manifest) -> dict[str, Any] | None:
    spec = manifest.data.get("spec")
    template = spec.get("template") if isinstance(spec, dict) else None
    pod = template.get("spec") if isinstance(template, dict) else None
    return pod if isinstance(pod, dict) else None


def containers(pod: dict[str, Any]) -> Iterator[tuple[int, dict[str, Any]]]:
    for index, container in enumerate(pod.get("containers") or ()):
        if isinstance(container, dict):
            yield index, container


def mapping(value: Any) -> dict[str, Any]:
    """`value` when it is a mapping, else an empty one (rendered objects are what the templates made them)."""
    return value if isinstance(value, dict) else {}
