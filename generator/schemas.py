"""Validate a parsed Document against lockstep's shipped JSON Schemas, with positions for every error."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator
from functools import cache
from typing import Any

from generator import __version__, resources
from generator.cache import Store, digest
from generator.errors import LoadError
from generator.findings import Finding, Rule, excerpt
from generator.yamlio import CACHED_BYTES, Document, Pointer

UNKNOWN_KEY = Rule("schema.unknown-key", "error", "Only the keys the schema names are used.")
MISSING_KEY = Rule("schema.missing-key", "error", "Every required key is present.")
INVALID_NAME = Rule("schema.invalid-name", "error", "Names of services and environments are DNS-1123 labels.")
INVALID_VALUE = Rule("schema.invalid-value", "error", "Every value has the type, format and range the schema says.")
UNQUOTED_NUMBER = Rule("schema.unquoted-number", "error", "Versions and other text that look like numbers are quoted.")
RULES: tuple[Rule, ...] = (UNKNOWN_KEY, MISSING_KEY, INVALID_NAME, INVALID_VALUE, UNQUOTED_NUMBER)

# `config` is the answers file of `lockstep new --config FILE`; `rules-config` is a repository's .lockstep/config.yaml
KINDS = (
    "platform",
    "lock",
    "release",
    "rollbacks",
    "overrides",
    "arrivals",
    "verification",
    "answers",
    "config",
    "api-exceptions",
    "rules-config",
    "values",
    "chart",
)
_SHARED = ("common",)
_REF = re.compile(r"^([a-z-]+)\.schema\.json(#.*)?$")  # how one shipped schema names another: beside it


def file_name(name: str) -> str:
    return f"{name}.schema.json"


@cache
def _schema(name: str) -> dict[str, Any]:
    found: dict[str, Any] = json.loads(resources.schema_path(name).read_text("utf-8"))
    return found


def _resources() -> list[tuple[str, dict[str, Any]]]:
    """Every shipped schema, by its file name, so that `common.schema.json#/...` refs resolve offline (the schemas
    have no `$id`; a ref is relative to the referring file)."""
    return [(file_name(name), _schema(name)) for name in (*_SHARED, *KINDS)]


@cache
def _registry() -> Any:
    """Every shipped schema under its file name. The schemas have no `$id`: a `$ref` such as
    `common.schema.json#/$defs/name` is relative to the referring file, so it resolves here (the root has the base
    URI "") and, for check-jsonschema and every other tool, to the file beside the schema, never to the network."""
    from referencing import Registry, Resource

    return Registry().with_resources((uri, Resource.from_contents(schema)) for uri, schema in _resources())


@cache
def _fast(kind: str) -> Any:
    """jsonschema-rs, which says whether a document is valid some hundred times faster than jsonschema: a valid
    document (nearly every one) costs microseconds and the import of jsonschema is spared; an invalid one goes to
    jsonschema for findings with positions and readable messages. Both read patterns as ECMA-262 does."""
    import jsonschema_rs

    registry = jsonschema_rs.Registry(_resources())
    return jsonschema_rs.validator_for(_schema(kind), registry=registry, validate_formats=True)


@cache
def _fingerprint() -> bytes:
    """What a remembered "valid" depends on besides the file: lockstep's version and every shipped schema."""
    return digest(
        __version__.encode(), *(resources.schema_path(name).read_bytes() for name in (*_SHARED, *KINDS))
    ).encode()


def _valid(kind: str, data: Any) -> bool:
    try:
        return bool(_fast(kind).is_valid(data))
    except ValueError:  # what JSON has no type for (a key that is a number): jsonschema says what is wrong
        return False


def title(kind: str) -> str:
    return str(_schema(kind).get("title", ""))


def _refs(node: Any) -> Iterator[str]:
    """Every `$ref` string in a schema."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from _refs(item)


def bundle(kind: str) -> dict[str, Any]:
    """The schema of `kind` as one self-contained JSON Schema 2020-12 document (a compound document): every
    shipped schema it refers to, directly or not, is embedded under `$defs` with an `$id` equal to its file name.
    The refs are unchanged: `common.schema.json#/$defs/name` is resolved against the document's own URI, which
    gives the `$id` of the embedded resource, so no tool looks for another file or the network."""
    root = copy.deepcopy(_schema(kind))
    embedded: dict[str, Any] = {}
    todo = [root]
    while todo:
        for ref in _refs(todo.pop()):
            found = _REF.match(ref)
            if found is None or file_name(found.group(1)) in embedded:
                continue  # a pointer inside the same document, or a resource embedded already
            name = found.group(1)
            if name not in (*_SHARED, *KINDS):
                raise ValueError(f"{file_name(kind)} refers to {ref}, which lockstep does not ship")
            resource = {"$id": file_name(name), **copy.deepcopy(_schema(name))}
            embedded[file_name(name)] = resource
            todo.append(resource)
    if embedded:
        root["$defs"] = {**root.get("$defs", {}), **dict(sorted(embedded.items()))}
    return root


@cache
def _anchored(pattern: str) -> re.Pattern[str]:
    """A schema pattern as JSON Schema (ECMA-262) means it: `$` matches at the very end only (Python's `$` also
    matches before a final newline, so "0.1.0\\n" would pass `^...$`)."""
    return re.compile(re.sub(r"(?<!\\)\$", r"\\Z", pattern))


def _pattern(validator: Any, pattern: str, instance: Any, schema: Any) -> Iterator[Any]:
    from jsonschema import ValidationError

    if validator.is_type(instance, "string") and not _anchored(pattern).search(instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


@cache
def _validator(kind: str) -> Any:
    from jsonschema import Draft202012Validator, FormatChecker, validators

    strict = validators.extend(Draft202012Validator, {"pattern": _pattern})  # type: ignore[no-untyped-call]
    return strict(_schema(kind), registry=_registry(), format_checker=FormatChecker(("date",)))


def _describe(value: Any) -> str:
    if isinstance(value, (dict, list)):
        return type(value).__name__
    return f"`{excerpt(value if isinstance(value, str) else json.dumps(value))}`"


def _allowed_keys(schema: dict[str, Any]) -> list[str]:
    return sorted(schema.get("properties", {}))


def _findings_for(error: Any, doc: Document) -> list[Finding]:
    pointer: Pointer = tuple(error.absolute_path)
    keyword = error.validator
    schema = error.schema if isinstance(error.schema, dict) else {}
    custom = schema.get("x-lockstep-message")

    if keyword == "additionalProperties" and isinstance(error.instance, dict):
        allowed = set(schema.get("properties", {}))
        patterns = [re.compile(p) for p in schema.get("patternProperties", {})]
        extras = [k for k in error.instance if k not in allowed and not any(p.search(k) for p in patterns)]
        listed = ", ".join(_allowed_keys(schema))
        return [
            UNKNOWN_KEY.of(doc, f"unknown key `{key}` (allowed: {listed})", (*pointer, key), key=True) for key in extras
        ]
    if keyword == "required":
        missing = [name for name in schema.get("required", []) if name not in error.instance]
        return [MISSING_KEY.of(doc, f"missing required key `{name}`", pointer, key=True) for name in missing]
    in_key = "propertyNames" in error.relative_schema_path
    if in_key:  # the error is about a key of the object at `pointer`, not a value
        pointer = (*pointer, error.instance)
        message = f"{_describe(error.instance)} {custom}" if custom else f"bad name {_describe(error.instance)}"
        return [INVALID_NAME.of(doc, message, pointer, key=True)]
    raw = doc.numbers.get(pointer)
    if keyword == "type" and raw is not None and "string" in _as_list(schema.get("type")):
        return [
            UNQUOTED_NUMBER.of(
                doc,
                f'`{raw}` is read as the number {error.instance!r}; quote it: "{raw}"',
                pointer,
            )
        ]
    field = f"`{pointer[-1]}` " if pointer else ""
    if custom and schema == _schema("common")["$defs"]["name"]:  # a name written as a value (environments)
        return [INVALID_NAME.of(doc, f"{field}{_describe(error.instance)} {custom}", pointer)]
    if custom and keyword == "not":  # a key refused whatever its value (one another file owns, or another strategy's)
        return [INVALID_VALUE.of(doc, f"{field}{custom}", pointer, key=True)]
    if custom:
        return [INVALID_VALUE.of(doc, f"{field}{_describe(error.instance)} {custom}", pointer)]
    if keyword in ("const", "enum"):
        allowed = schema.get("enum", [schema.get("const")])
        return [
            INVALID_VALUE.of(
                doc,
                f"{field}{_describe(error.instance)} is not one of: {', '.join(map(str, allowed))}",
                pointer,
            )
        ]
    message = error.message.replace(repr(error.instance), _describe(error.instance))  # never the whole value
    return [INVALID_VALUE.of(doc, f"{field}{excerpt(message, 200)}", pointer)]


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def validate(doc: Document, kind: str, store: Store | None = None, raw: bytes | None = None) -> list[Finding]:
    """Schema findings for `doc` (empty when it was unparseable: its YAML problems say why; a document that is
    only `null` is checked like any other value). With a `store` and the file's bytes `raw`, a large file whose
    bytes were valid before is valid now without asking the validator (nor importing it: a pre-commit hook on a
    large platform spares some 30 ms)."""
    if doc.data is None and any(p.level == "error" for p in doc.problems):
        return []
    key = None
    if store is not None and raw is not None and len(raw) >= CACHED_BYTES and not doc.problems:
        key = digest(_fingerprint(), kind.encode(), raw)
        if store.get(doc.path, key) is not None:
            return []
    if _valid(kind, doc.data):
        if store is not None and key is not None:
            store.put(doc.path, key, {})
        return []
    findings: dict[Finding, None] = {}  # in order, once (one `required` error per missing key names them all)
    for error in _validator(kind).iter_errors(doc.data):
        findings.update(dict.fromkeys(_findings_for(error, doc)))
    return list(findings)


def require_valid(doc: Document, kind: str) -> None:
    """For files given on the command line: the first YAML or schema problem is a LoadError `file:line:col: ...`."""
    problems = doc.problems or validate(doc, kind)
    if problems:
        raise LoadError(problems[0])
