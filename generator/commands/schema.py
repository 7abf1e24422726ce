"""`lockstep schema [NAME | --list]`: one shipped JSON Schema, self-contained, for other tools (check-jsonschema,
editors); or the list of them."""

from __future__ import annotations

import json
import sys

from generator import schemas
from generator.errors import UsageError


def run(name: str | None) -> int:
    if name is None:
        return list_kinds()
    if name not in schemas.KINDS:
        raise UsageError(f"no schema `{name}` (schemas: {', '.join(schemas.KINDS)}; `lockstep schema --list`)")
    sys.stdout.write(json.dumps(schemas.bundle(name), indent=2, ensure_ascii=False) + "\n")
    return 0


def list_kinds() -> int:
    width = max(map(len, schemas.KINDS))
    sys.stdout.write("".join(f"{kind:{width}}  {schemas.title(kind)}\n" for kind in schemas.KINDS))
    return 0
