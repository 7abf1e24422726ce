"""The parse cache: large YAML files that parsed cleanly are read back from `<git dir>/lockstep/` when the same
bytes come again, with the same data, positions and findings; anything wrong with the cache means parsing."""

from __future__ import annotations

import json
import os
import shutil
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from generator import cache, schemas, yamlio
from generator.findings import Finding
from tests.conftest import commit, edit, findings, git, line_of, run_lockstep, validate


def big_lock(version: str = "0.1.0", extra: str = "") -> bytes:
    """A lock of 60 services (over yamlio.CACHED_BYTES), with numbers and keys deep in it."""
    pins = "".join(
        f"  svc-{i:02d}:\n    version: {version if i == 41 else '0.1.0'}\n"
        f"    image: registry.example.com/p/svc-{i:02d}:0.1.0\n"
        for i in range(60)
    )
    text = f"apiVersion: lockstep/v1\nkind: Lock\nenvironment: dev\n{extra}services:\n{pins}"
    raw = text.encode()
    assert len(raw) >= yamlio.CACHED_BYTES
    return raw


def entries(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.json"))


def located(findings: list[object]) -> list[tuple[str, str, int, int, str]]:
    return [(f.rule, f.file, f.line, f.column, f.message) for f in findings]  # type: ignore[attr-defined]


def test_a_second_load_reads_the_cache_and_finds_the_same_at_the_same_places(tmp_path: Path) -> None:
    store = cache.Store(tmp_path / "store")
    raw = big_lock(version="1.10", extra="colour: blue\n")  # an unquoted number and an unknown key, deep and shallow
    fresh = yamlio.parse(raw, "environments/dev/platform.lock.yaml")
    first = yamlio.parse(raw, "environments/dev/platform.lock.yaml", store)
    [entry] = entries(tmp_path / "store")
    second = yamlio.parse(raw, "environments/dev/platform.lock.yaml", store)
    assert second == first == fresh  # data, positions of keys and values, number texts
    found = located(schemas.validate(second, "lock"))
    assert found == located(schemas.validate(fresh, "lock"))
    assert ("schema.unquoted-number", 130, 14) in [(rule, line, column) for rule, _, line, column, _ in found]
    assert ("schema.unknown-key", 4, 1) in [(rule, line, column) for rule, _, line, column, _ in found]

    stored = json.loads(entry.read_text())  # the entry is what the second load read: changed, it is read changed
    stored["value"]["data"]["environment"] = "stage"
    entry.write_text(json.dumps(stored))
    assert yamlio.parse(raw, "environments/dev/platform.lock.yaml", store).data["environment"] == "stage"


def test_an_entry_stored_for_other_bytes_is_never_used(tmp_path: Path) -> None:
    store = cache.Store(tmp_path / "store")
    old, new = big_lock("0.1.0"), big_lock("0.2.0")
    yamlio.parse(old, "lock.yaml", store)
    [for_old] = entries(tmp_path / "store")
    yamlio.parse(new, "lock.yaml", store)
    [for_new] = [path for path in entries(tmp_path / "store") if path != for_old]
    for_new.write_bytes(for_old.read_bytes())  # the new bytes' file now holds the old bytes' entry
    assert yamlio.parse(new, "lock.yaml", store).data["services"]["svc-41"]["version"] == "0.2.0"


def test_a_corrupt_or_foreign_entry_is_ignored(tmp_path: Path) -> None:
    store = cache.Store(tmp_path / "store")
    raw = big_lock(version="1.10")
    fresh = yamlio.parse(raw, "lock.yaml")
    yamlio.parse(raw, "lock.yaml", store)
    [entry] = entries(tmp_path / "store")
    for garbage in (b"", b"{", b"\xff\xfe not utf-8", b"[]", b'{"key": 1}', b"[" * 100_000, b'{"value": {}}'):
        entry.write_bytes(garbage)
        doc = yamlio.parse(raw, "lock.yaml", store)
        assert doc == fresh
        assert located(schemas.validate(doc, "lock")) == located(schemas.validate(fresh, "lock"))


def test_a_document_with_problems_is_not_cached(tmp_path: Path) -> None:
    store = cache.Store(tmp_path / "store")
    raw = big_lock() + b"kind: Lock\n"  # a duplicate key
    for _ in range(2):
        assert [p.rule for p in yamlio.parse(raw, "lock.yaml", store).problems] == ["yaml.duplicate-key"]
    assert entries(tmp_path / "store") == []


def test_small_files_are_not_cached(tmp_path: Path) -> None:
    store = cache.Store(tmp_path / "store")
    yamlio.parse(b"replicas: 2\n", "values.yaml", store)
    assert not (tmp_path / "store").exists()


def test_each_path_keeps_a_few_entries_and_the_newest_are_read(tmp_path: Path) -> None:
    store = cache.Store(tmp_path / "store")
    versions = [f"0.{minor}.0" for minor in range(12)]
    for version in versions:
        yamlio.parse(big_lock(version), "lock.yaml", store)
    yamlio.parse(big_lock(), "other.yaml", store)
    assert len(entries(tmp_path / "store")) == cache.KEEP + 1
    kept = entries(tmp_path / "store")
    for version in versions[-cache.KEEP :]:  # read from the cache: nothing written, nothing pruned
        assert yamlio.parse(big_lock(version), "lock.yaml", store) == yamlio.parse(big_lock(version), "lock.yaml")
    assert entries(tmp_path / "store") == kept


def test_concurrent_writers_leave_whole_entries(tmp_path: Path) -> None:
    folder = tmp_path / "store"
    documents = [big_lock(f"0.{minor}.0") for minor in range(6)]
    failures: list[BaseException] = []

    def work() -> None:
        try:
            store = cache.Store(folder)
            for _ in range(5):
                for raw in documents:
                    assert yamlio.parse(raw, "lock.yaml", store).problems == []
        except BaseException as error:  # pragma: no cover - what the test is about
            failures.append(error)

    threads = [threading.Thread(target=work) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert len(entries(folder)) <= cache.KEEP
    assert not [path for path in folder.rglob("*") if path.name.endswith(".tmp")]
    store = cache.Store(folder)
    for raw in documents:
        assert yamlio.parse(raw, "lock.yaml", store) == yamlio.parse(raw, "lock.yaml")


def padded(repo: Path) -> None:
    """platform.yaml over yamlio.CACHED_BYTES (a long comment), committed."""
    text = (repo / "platform.yaml").read_text()
    (repo / "platform.yaml").write_text("# padding\n" * 500 + text)
    commit(repo)


def test_validate_keeps_its_cache_in_the_git_directory_and_reports_the_same(default_repo: Path) -> None:
    padded(default_repo)
    edit(default_repo, "platform.yaml", "strategy: combined", "strategy: combined\ncolour: blue")
    cold = validate(default_repo)
    store = default_repo / ".git" / "lockstep"
    assert entries(store)
    warm = validate(default_repo)
    assert (warm.code, warm.out) == (cold.code, cold.out)
    assert f"platform.yaml:{line_of(default_repo, 'platform.yaml', 'colour')}:1" in warm.out
    assert git(default_repo, "status", "--porcelain").strip() == "M platform.yaml"  # nothing in the working tree
    based = validate(default_repo, "--base", "HEAD")
    assert based.out == validate(default_repo, "--base", "HEAD").out


def test_no_cache_outside_git(default_repo: Path, tmp_path: Path) -> None:
    home_before = sorted(Path(os.environ["HOME"]).rglob("*"))
    padded(default_repo)
    plain = tmp_path / "plain"
    os.rename(default_repo, plain)
    os.rename(plain / ".git", tmp_path / "moved.git")
    assert cache.git_dir(plain) is None
    assert validate(plain).code == 0
    assert validate(plain).code == 0
    assert not [path for path in tmp_path.rglob("lockstep") if path.is_dir() and path.parent.name != "moved.git"]
    assert not (tmp_path / "moved.git" / "lockstep").exists()
    assert sorted(Path(os.environ["HOME"]).rglob("*")) == home_before


def test_a_git_directory_that_cannot_be_written_means_no_cache(default_repo: Path) -> None:
    padded(default_repo)
    (default_repo / ".git" / "lockstep").write_text("not a folder")  # what a read-only .git does, even to root
    first = validate(default_repo)
    assert first.code == 0 and first.err == ""
    assert validate(default_repo).out == first.out
    assert (default_repo / ".git" / "lockstep").read_text() == "not a folder"


def test_a_linked_worktree_keeps_its_cache_in_its_own_git_directory(default_repo: Path, tmp_path: Path) -> None:
    padded(default_repo)
    other = tmp_path / "other"
    git(default_repo, "worktree", "add", "--quiet", str(other))
    found = cache.git_dir(other)
    assert found is not None and found.parent == (default_repo / ".git" / "worktrees").resolve()
    assert run_lockstep("validate", "--repo", other).code == 0
    assert entries(found / "lockstep")
    assert not (other / "lockstep").exists()


def test_a_file_valid_before_is_valid_again_without_the_validator_and_other_bytes_are_checked(
    tmp_path: Path,
) -> None:
    store = cache.Store(tmp_path / "valid")
    good = big_lock("0.2.0")
    doc = yamlio.parse(good, "lock.yaml")
    assert schemas.validate(doc, "lock", store, good) == []
    [remembered] = entries(tmp_path / "valid")

    def asked(kind: str, data: object) -> bool:
        raise AssertionError(f"the validator was asked about {kind}")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(schemas, "_valid", asked)
        assert schemas.validate(doc, "lock", store, good) == []  # the same bytes, the same kind: remembered
        with pytest.raises(AssertionError, match="release"):  # the same bytes as another kind: asked
            schemas.validate(doc, "release", store, good)
    bad = big_lock("0.2.0", extra="colour: blue\n")
    found = schemas.validate(yamlio.parse(bad, "lock.yaml"), "lock", store, bad)
    assert [f.rule for f in found] == ["schema.unknown-key"]  # other bytes: checked, and not remembered as valid
    assert entries(tmp_path / "valid") == [remembered]


CONTRACT = "services/service-a/openapi.yaml"
REAL = Path(__file__).parent / "data" / "openapi" / "real"


def _real_pair(case: str) -> Callable[[Path], tuple[dict[str, str], dict[str, str]]]:
    """A pair of tests/openapi/test_real_documents.py: the public document, then that document edited."""
    from tests.openapi.test_real_documents import CASES, load, write

    [(name, change)] = [(name, change) for label, name, change, _ in CASES if label == case]

    def files(repo: Path) -> tuple[dict[str, str], dict[str, str]]:
        data = load(name)
        change(data)
        return {CONTRACT: (REAL / name).read_text()}, {CONTRACT: write(name, data, repo.parent).read_text()}

    return files


def _own_pair(old: str, new: str, schemas_yaml: tuple[str, str] | None = None) -> Callable[..., Any]:
    """The platform's own contract, then with `old` replaced by `new` (and services/service-a/schemas.yaml, which
    it refers to, from the first text to the second)."""

    def files(repo: Path) -> tuple[dict[str, str], dict[str, str]]:
        text = (repo / CONTRACT).read_text()
        assert old in text
        before, after = {CONTRACT: text}, {CONTRACT: text.replace(old, new)}
        if schemas_yaml is not None:
            before["services/service-a/schemas.yaml"], after["services/service-a/schemas.yaml"] = schemas_yaml
        return before, after

    return files


ITEM_REF = '$ref: "#/components/schemas/Item"'
PAIRS = {
    "legacy": _real_pair("L1"),
    "petstore": _real_pair("C1"),
    "galaxy": _real_pair("G1"),
    "validation": _real_pair("S1"),
    "parameters": _real_pair("P1"),
    "ref-to-nothing": _own_pair(ITEM_REF, "$ref: '#/components/schemas/Nothing'"),
    "remote-ref": _own_pair(ITEM_REF, "$ref: 'https://example.com/item.yaml'"),
    "not-openapi-shaped": _own_pair("paths:\n", "paths: []\nwas-paths:\n"),
    "another-file": _own_pair(
        ITEM_REF,
        "$ref: 'schemas.yaml#/Item'",
        (
            "Item:\n  type: object\n  required: [id]\n  properties:\n    id: {type: string}\n",
            "Item:\n  type: object\n  properties:\n    id: {type: integer}\n    other: {$ref: '#/Nope'}\n",
        ),
    ),
}


@pytest.mark.parametrize("pair", sorted(PAIRS))
def test_contract_pairs_find_the_same_with_and_without_the_cache(
    pair: str, default_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`validate --base HEAD` and `validate` on a contract changed from one text to another: the same findings with
    LOCKSTEP_NO_CACHE=1 (nothing stored), with an empty cache (filled then) and with the cache that run left."""
    before, after = PAIRS[pair](default_repo)
    for relative, text in before.items():
        (default_repo / relative).write_text(text)
    git(default_repo, "add", "-A")
    git(default_repo, "commit", "--quiet", "--no-verify", "--allow-empty", "-m", "the first contract")
    for relative, text in after.items():
        (default_repo / relative).write_text(text)
    store = default_repo / ".git" / "lockstep"
    shutil.rmtree(store, ignore_errors=True)

    def both() -> list[list[Finding]]:
        return [findings(default_repo, base="HEAD"), findings(default_repo)]

    monkeypatch.setenv("LOCKSTEP_NO_CACHE", "1")
    uncached = both()
    assert not store.exists()
    assert any(f.rule.startswith("api.") for f in uncached[0])  # the pair is judged: something to compare
    monkeypatch.delenv("LOCKSTEP_NO_CACHE")
    assert both() == uncached  # an empty cache, filled
    assert entries(store / "hadolint")
    if not any(f.rule == "api.shape" for f in uncached[1]):
        assert entries(store / "contract")
    assert both() == uncached  # read from the cache
