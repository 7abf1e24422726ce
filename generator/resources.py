"""Locate the schemas and templates shipped with lockstep (inside the wheel, or beside the source tree)."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    """`schemas` or `cookiecutter-template`: in the wheel under generator/_data, in a checkout at its root."""
    for candidate in (_PACKAGE / "_data" / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"lockstep installation is incomplete: {name}/ not found")


def schema_path(kind: str) -> Path:
    return data_dir("schemas") / f"{kind}.schema.json"


def template_path(name: str) -> Path:
    return data_dir("cookiecutter-template") / name
