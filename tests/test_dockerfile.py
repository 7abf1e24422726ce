from __future__ import annotations

from generator.dockerfile import exposed_ports, image_is_pinned, stages

TEXT = """\
# syntax comment
ARG BASE=python
FROM golang:1.23 AS build
RUN go build \\
    -o /out/app .
FROM gcr.io/distroless/static:nonroot
COPY --from=build /out/app /app
USER 65532
EXPOSE 8080/tcp 9090
"""


def test_stages_with_lines_and_aliases() -> None:
    found = stages(TEXT)
    assert [(s.image, s.alias, s.line) for s in found] == [
        ("golang:1.23", "build", 3),
        ("gcr.io/distroless/static:nonroot", None, 6),
    ]
    assert found[0].last("RUN").arguments.startswith("go build")
    assert found[1].last("USER").line == 8
    assert exposed_ports(found[1]) == [(8080, 9), (9090, 9)]


def test_pinned_images() -> None:
    assert image_is_pinned("python:3.12-slim")
    assert image_is_pinned("localhost:5000/team/app:1.0")
    assert image_is_pinned("python@sha256:" + "a" * 64)
    assert not image_is_pinned("python")
    assert not image_is_pinned("python:latest")
    assert not image_is_pinned("localhost:5000/team/app")
