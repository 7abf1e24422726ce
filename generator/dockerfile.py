"""A small Dockerfile reader: instructions with their line numbers, grouped into build stages."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Instruction:
    keyword: str  # upper case: FROM, RUN, USER, EXPOSE, ...
    arguments: str
    line: int


@dataclass(frozen=True)
class Stage:
    image: str
    alias: str | None
    line: int
    instructions: tuple[Instruction, ...]

    def last(self, keyword: str) -> Instruction | None:
        found = [i for i in self.instructions if i.keyword == keyword]
        return found[-1] if found else None

    def all(self, keyword: str) -> list[Instruction]:
        return [i for i in self.instructions if i.keyword == keyword]


_FROM = re.compile(r"^(?:--\S+\s+)*(?P<image>\S+)(?:\s+AS\s+(?P<alias>\S+))?\s*$", re.IGNORECASE)


def instructions(text: str) -> list[Instruction]:
    """Logical instructions: continuation lines joined, comments and blank lines skipped."""
    result: list[Instruction] = []
    pending: list[str] = []
    start = 0
    for number, raw in enumerate(text.splitlines(), start=1):
        stripped = raw.strip()
        if not pending and (not stripped or stripped.startswith("#")):
            continue
        if pending and stripped.startswith("#"):
            continue  # comment lines inside a continued instruction
        if not pending:
            start = number
        if stripped.endswith("\\"):
            pending.append(stripped[:-1])
            continue
        pending.append(stripped)
        keyword, _, arguments = " ".join(pending).partition(" ")
        result.append(Instruction(keyword.upper(), arguments.strip(), start))
        pending = []
    if pending:
        keyword, _, arguments = " ".join(pending).partition(" ")
        result.append(Instruction(keyword.upper(), arguments.strip(), start))
    return result


def stages(text: str) -> list[Stage]:
    """Build stages in order; instructions before the first FROM (ARG) are dropped."""
    found: list[Stage] = []
    current: tuple[str, str | None, int] | None = None
    body: list[Instruction] = []
    for instruction in instructions(text):
        if instruction.keyword == "FROM":
            if current is not None:
                found.append(Stage(*current, tuple(body)))
            match = _FROM.match(instruction.arguments)
            image = match.group("image") if match else instruction.arguments
            alias = match.group("alias") if match else None
            current, body = (image, alias, instruction.line), []
        elif current is not None:
            body.append(instruction)
    if current is not None:
        found.append(Stage(*current, tuple(body)))
    return found


def image_is_pinned(image: str) -> bool:
    """True for `name:tag` (tag not `latest`) and `name@sha256:...`."""
    if "@sha256:" in image:
        return True
    last = image.rsplit("/", 1)[-1]
    if ":" not in last:
        return False
    return last.rsplit(":", 1)[1] not in ("", "latest")


def exposed_ports(stage: Stage) -> list[tuple[int | str, int]]:
    """(port, line) for every port an EXPOSE of the stage names (`8080/tcp` gives 8080)."""
    ports: list[tuple[int | str, int]] = []
    for instruction in stage.all("EXPOSE"):
        for word in instruction.arguments.split():
            value = word.split("/", 1)[0]
            ports.append((int(value) if value.isdigit() else value, instruction.line))
    return ports
