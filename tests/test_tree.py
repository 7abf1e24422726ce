"""generator/tree.py: where lockstep reads files from. DiskTree reads each file at most once, treats anything
that is not a regular file as absent, and turns files it must not or cannot read into LoadErrors naming them;
`decode` is the one UTF-8 rule; OverlayTree lays planned texts over another tree without writing anything.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from generator.errors import LoadError
from generator.tree import MAX_BYTES, DiskTree, OverlayTree, decode, read_text


def _tree(tmp_path: Path, files: dict[str, bytes]) -> DiskTree:
    for relative, data in files.items():
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relative).write_bytes(data)
    return DiskTree(tmp_path)


def test_reads_the_bytes_of_a_file(tmp_path: Path) -> None:
    tree = _tree(tmp_path, {"environments/dev/platform.lock.yaml": b"kind: Lock\n"})
    assert tree.read("environments/dev/platform.lock.yaml") == b"kind: Lock\n"


def test_a_file_is_read_from_disk_once(tmp_path: Path) -> None:
    tree = _tree(tmp_path, {"platform.yaml": b"first\n"})
    assert tree.read("platform.yaml") == b"first\n"
    (tmp_path / "platform.yaml").write_bytes(b"second\n")
    assert tree.read("platform.yaml") == b"first\n"
    assert DiskTree(tmp_path).read("platform.yaml") == b"second\n"  # a new tree sees the change


def test_missing_files_and_directories_are_absent(tmp_path: Path) -> None:
    tree = _tree(tmp_path, {"services/a/Makefile": b"PORT ?= 8080\n"})
    assert tree.read("nothing.yaml") is None
    assert tree.read("services/a") is None  # a directory
    assert tree.read("services/a/Makefile/below") is None  # a file used as a folder
    os.symlink("nowhere", tmp_path / "dangling")
    assert tree.read("dangling") is None


def test_a_fifo_is_absent_and_is_never_opened(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    found: dict[str, bytes | None] = {}
    reader = threading.Thread(target=lambda: found.update(raw=DiskTree(tmp_path).read("pipe.yaml")), daemon=True)
    reader.start()
    reader.join(timeout=5)
    if reader.is_alive():  # opening a FIFO to read waits for a writer: be that writer, then fail
        with open(fifo, "wb"):
            pass
        reader.join()
        pytest.fail("reading a FIFO blocked until something wrote to it")
    assert found == {"raw": None}


def test_a_file_over_the_limit_is_a_too_large_load_error(tmp_path: Path) -> None:
    tree = _tree(tmp_path, {"big.yaml": b"x" * 11})
    with pytest.raises(LoadError) as caught:
        tree.read("big.yaml", limit=10)
    assert (caught.value.finding.rule, caught.value.finding.file) == ("file.too-large", "big.yaml")
    assert str(caught.value) == "big.yaml:1:1: file is larger than 10 bytes"
    assert tree.read("big.yaml", limit=11) == b"x" * 11  # exactly at the limit is fine


def test_the_limit_applies_to_a_file_already_read_under_a_larger_one(tmp_path: Path) -> None:
    tree = _tree(tmp_path, {"big.yaml": b"x" * 100})
    assert tree.read("big.yaml") == b"x" * 100
    with pytest.raises(LoadError, match="larger than 50 bytes"):
        tree.read("big.yaml", limit=50)


def test_the_default_limit_is_one_mebibyte(tmp_path: Path) -> None:
    tree = _tree(tmp_path, {"ok.yaml": b"x" * MAX_BYTES, "big.yaml": b"x" * (MAX_BYTES + 1)})
    assert MAX_BYTES == 1024 * 1024
    assert tree.read("ok.yaml") is not None
    with pytest.raises(LoadError, match=f"larger than {MAX_BYTES} bytes"):
        tree.read("big.yaml")


def test_a_file_without_read_permission_is_an_unreadable_load_error(tmp_path: Path) -> None:
    secret = tmp_path / "secret.yaml"
    secret.write_bytes(b"a: 1\n")
    secret.chmod(0)
    try:
        if os.geteuid() == 0 or os.access(secret, os.R_OK):
            pytest.skip("running as a user who can read any file")
        with pytest.raises(LoadError) as caught:
            DiskTree(tmp_path).read("secret.yaml")
        assert caught.value.finding.rule == "file.unreadable"
        assert str(caught.value) == "secret.yaml:1:1: cannot read file: Permission denied"
    finally:
        secret.chmod(0o644)


def test_a_symlink_loop_is_an_unreadable_load_error(tmp_path: Path) -> None:
    os.symlink("loop.yaml", tmp_path / "loop.yaml")
    with pytest.raises(LoadError) as caught:
        DiskTree(tmp_path).read("loop.yaml")
    assert caught.value.finding.rule == "file.unreadable"
    assert str(caught.value).startswith("loop.yaml:1:1: cannot read file: ")


def test_listdir_is_sorted_and_empty_for_no_folder(tmp_path: Path) -> None:
    tree = _tree(tmp_path, {"environments/stage/x": b"", "environments/dev/x": b"", "environments/prod/x": b""})
    assert tree.listdir("environments") == ["dev", "prod", "stage"]
    assert tree.listdir("releases") == []
    assert tree.listdir("environments/dev/x") == []  # a file is not a folder


def test_decode_drops_a_byte_order_mark() -> None:
    assert decode(b"\xef\xbb\xbfkind: Lock\n", "f.yaml") == "kind: Lock\n"
    assert decode("naïve\n".encode(), "f.yaml") == "naïve\n"


def test_decode_refuses_text_that_is_not_utf8_naming_the_byte() -> None:
    with pytest.raises(LoadError) as caught:
        decode(b"name: caf\xe9\n", "platform.yaml")
    assert caught.value.finding.rule == "file.unreadable"
    assert str(caught.value) == "platform.yaml:1:1: not UTF-8 text (byte 9)"


def test_read_text_decodes_and_passes_absence_through(tmp_path: Path) -> None:
    tree = _tree(tmp_path, {"a.yaml": b"\xef\xbb\xbfa: 1\n", "bad.yaml": b"\xff"})
    assert read_text(tree, "a.yaml") == "a: 1\n"
    assert read_text(tree, "missing.yaml") is None
    with pytest.raises(LoadError, match="byte 0"):
        read_text(tree, "bad.yaml")


# OverlayTree


def _snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_overlay_serves_planned_texts_over_the_base(tmp_path: Path) -> None:
    base = _tree(tmp_path, {"platform.yaml": b"old\n", "README.md": b"readme\n"})
    overlay = OverlayTree(base, {"platform.yaml": "new ✓\n", "releases/0.2.0.yaml": "kind: Release\n"})
    assert overlay.read("platform.yaml") == "new ✓\n".encode()
    assert overlay.read("releases/0.2.0.yaml") == b"kind: Release\n"
    assert overlay.read("README.md") == b"readme\n"  # not planned: the base's
    assert overlay.read("missing.yaml") is None


def test_overlay_lists_planned_files_and_folders(tmp_path: Path) -> None:
    base = _tree(tmp_path, {"environments/dev/platform.lock.yaml": b"", "releases/0.1.0.yaml": b""})
    overlay = OverlayTree(
        base,
        {
            "releases/0.2.0.yaml": "",
            "environments/qa/platform.lock.yaml": "",
            "environments/qa/values/a.yaml": "",
            "services/new/Dockerfile": "",
        },
    )
    assert overlay.listdir("releases") == ["0.1.0.yaml", "0.2.0.yaml"]
    assert overlay.listdir("environments") == ["dev", "qa"]
    assert overlay.listdir("environments/") == ["dev", "qa"]
    assert overlay.listdir("environments/qa") == ["platform.lock.yaml", "values"]
    assert overlay.listdir("") == ["environments", "releases", "services"]
    assert overlay.listdir("charts") == []


def test_overlay_applies_the_size_limit_to_planned_texts(tmp_path: Path) -> None:
    overlay = OverlayTree(_tree(tmp_path, {}), {"big.yaml": "é" * 6})  # 12 bytes in UTF-8
    with pytest.raises(LoadError) as caught:
        overlay.read("big.yaml", limit=10)
    assert caught.value.finding.rule == "file.too-large"
    assert overlay.read("big.yaml", limit=12) == "é".encode() * 6


def test_overlay_never_writes_to_disk(tmp_path: Path) -> None:
    base = _tree(tmp_path, {"platform.yaml": b"old\n", "environments/dev/platform.lock.yaml": b"lock\n"})
    before = _snapshot(tmp_path)
    overlay = OverlayTree(base, {"platform.yaml": "new\n", "environments/qa/platform.lock.yaml": "qa\n"})
    overlay.read("platform.yaml")
    overlay.read("environments/qa/platform.lock.yaml")
    overlay.listdir("environments")
    assert _snapshot(tmp_path) == before
    assert not (tmp_path / "environments" / "qa").exists()
