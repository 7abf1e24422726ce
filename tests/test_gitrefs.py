"""generator/gitrefs.py on real git repositories made in tmp_path: exporting the tree of a ref (what
`validate --base/--head` reads), reading a ref blob by blob (`diff-api REF:path`), the history of a file
(`rollback`), the current branch (`bump`, `release`) and the refusal to make a branch or tag that exists.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from generator import gitrefs
from generator.errors import LoadError, UsageError
from generator.tree import DiskTree
from tests.conftest import commit, git


@pytest.fixture(autouse=True)
def _no_repository_above(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Folders under tmp_path that are not repositories must not find one further up."""
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))


def _repo(root: Path, files: dict[str, str], message: str = "first") -> Path:
    root.mkdir(parents=True, exist_ok=True)
    if not (root / ".git").exists():
        git(root, "init", "--quiet", "--initial-branch=main")
    for relative, text in files.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(text)
    commit(root, message)
    return root


def _files(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): p.read_text() for p in sorted(folder.rglob("*")) if p.is_file()}


PLATFORM = {
    "platform.yaml": "name: logistics\n",
    "environments/dev/platform.lock.yaml": "environment: dev\n",
    "releases/0.1.0.yaml": "version: 0.1.0\n",
    "services/a/openapi.yaml": "openapi: 3.1.0\n",
}


# RefTree: the files of a ref, never written to disk


def _read_all(tree: gitrefs.RefTree, folder: str = "") -> dict[str, str]:
    found: dict[str, str] = {}
    for name in tree.listdir(folder):
        path = f"{folder}/{name}" if folder else name
        data = tree.read(path)
        if data is None:
            found.update(_read_all(tree, path))
        else:
            found[path] = data.decode()
    return found


def test_ref_tree_reads_every_file_of_the_ref(tmp_path: Path) -> None:
    repo = _repo(tmp_path / "repo", PLATFORM)
    assert _read_all(gitrefs.RefTree(repo, "HEAD")) == PLATFORM


def test_ref_tree_reads_the_ref_not_the_working_tree(tmp_path: Path) -> None:
    repo = _repo(tmp_path / "repo", PLATFORM)
    _repo(repo, {"platform.yaml": "name: renamed\n"}, "second")
    (repo / "platform.yaml").write_text("name: uncommitted\n")
    (repo / "untracked.yaml").write_text("x\n")
    assert _read_all(gitrefs.RefTree(repo, "HEAD~1")) == PLATFORM
    assert _read_all(gitrefs.RefTree(repo, "main")) == {**PLATFORM, "platform.yaml": "name: renamed\n"}


def test_ref_tree_of_a_folder_of_a_larger_repository(tmp_path: Path) -> None:
    top = _repo(tmp_path / "mono", {"README": "x\n", **{f"platform/{p}": t for p, t in PLATFORM.items()}})
    tree = gitrefs.RefTree(top / "platform", "HEAD", "platform/")
    assert _read_all(tree) == PLATFORM
    assert tree.read("README") is None


def test_ref_tree_of_an_unknown_ref_is_a_one_line_usage_error(tmp_path: Path) -> None:
    repo = _repo(tmp_path / "repo", PLATFORM)
    with pytest.raises(UsageError) as caught:
        gitrefs.RefTree(repo, "origin/nope")
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith("origin/nope: not a commit in ")
    assert "git fetch origin origin/nope" in message


def test_a_committed_symbolic_link_is_a_finding_never_followed(tmp_path: Path) -> None:
    repo = _repo(tmp_path / "repo", PLATFORM)
    (tmp_path / "secret").write_text("SECRET\n")
    (repo / "environments/dev/platform.lock.yaml").unlink()
    (repo / "environments/dev/platform.lock.yaml").symlink_to(tmp_path / "secret")
    commit(repo, "link")
    with pytest.raises(LoadError) as caught:
        gitrefs.RefTree(repo, "HEAD").read("environments/dev/platform.lock.yaml")
    assert caught.value.finding.rule == "file.symlink" and "SECRET" not in str(caught.value)


def test_check_ref_passes_ordinary_refs_through() -> None:
    assert gitrefs.check_ref("origin/main") == "origin/main"
    assert gitrefs.check_ref("HEAD~2") == "HEAD~2"
    with pytest.raises(UsageError):
        gitrefs.check_ref("-p")


# RefTree


def test_ref_tree_reads_committed_bytes_once(tmp_path: Path) -> None:
    repo = _repo(tmp_path / "repo", PLATFORM)
    tree = gitrefs.RefTree(repo, "HEAD")
    (repo / "platform.yaml").write_text("name: uncommitted\n")
    assert tree.read("platform.yaml") == b"name: logistics\n"
    _repo(repo, {"platform.yaml": "name: second\n"}, "second")  # HEAD moves on
    assert tree.read("platform.yaml") == b"name: logistics\n"
    assert gitrefs.RefTree(repo, "HEAD").read("platform.yaml") == b"name: second\n"


def test_ref_tree_absent_files_and_folders_are_none(tmp_path: Path) -> None:
    tree = gitrefs.RefTree(_repo(tmp_path / "repo", PLATFORM), "HEAD")
    assert tree.read("nothing.yaml") is None
    assert tree.read("environments") is None  # a folder is not a file


def test_ref_tree_size_limit_names_the_ref(tmp_path: Path) -> None:
    tree = gitrefs.RefTree(_repo(tmp_path / "repo", PLATFORM), "main")
    with pytest.raises(LoadError) as caught:
        tree.read("platform.yaml", limit=5)
    assert caught.value.finding.rule == "file.too-large"
    assert caught.value.finding.file == "platform.yaml"


def test_ref_tree_listdir(tmp_path: Path) -> None:
    repo = _repo(tmp_path / "repo", {**PLATFORM, "environments/prod/platform.lock.yaml": "environment: prod\n"})
    tree = gitrefs.RefTree(repo, "HEAD")
    assert tree.listdir("") == ["environments", "platform.yaml", "releases", "services"]
    assert tree.listdir("environments") == ["dev", "prod"]
    assert tree.listdir("environments/dev") == ["platform.lock.yaml"]
    assert tree.listdir("charts") == []


def test_ref_tree_refuses_an_option_like_ref(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="is not a git ref"):
        gitrefs.RefTree(tmp_path, "--output=x")


# file_history

LOCK = "environments/prod/platform.lock.yaml"


def test_file_history_is_every_committed_version_newest_first(tmp_path: Path) -> None:
    repo = _repo(tmp_path / "repo", {LOCK: "platform: 0.1.0\n"})
    _repo(repo, {"README.md": "unrelated\n"}, "does not touch the lock")
    _repo(repo, {LOCK: "platform: 0.2.0\nno newline at the end"}, "second")
    _repo(repo, {LOCK: "platform: 0.3.0\n\n"}, "third")
    (repo / LOCK).write_text("platform: uncommitted\n")
    history = gitrefs.file_history(repo, LOCK)
    assert [text for _, text in history] == [
        "platform: 0.3.0\n\n",
        "platform: 0.2.0\nno newline at the end",
        "platform: 0.1.0\n",
    ]
    assert history[0][0] == git(repo, "rev-parse", "HEAD").strip()  # each with the commit that wrote it


def test_file_history_skips_the_commit_that_deleted_the_file(tmp_path: Path) -> None:
    repo = _repo(tmp_path / "repo", {LOCK: "one\n"})
    (repo / LOCK).unlink()
    commit(repo, "delete")
    _repo(repo, {LOCK: "two\n"}, "again")
    assert [text for _, text in gitrefs.file_history(repo, LOCK)] == ["two\n", "one\n"]


def test_file_history_from_a_subfolder_of_a_larger_repository(tmp_path: Path) -> None:
    top = _repo(tmp_path / "mono", {"README.md": "top\n", f"platform/{LOCK}": "one\n"})
    _repo(top, {f"platform/{LOCK}": "two\n"}, "second")
    assert [text for _, text in gitrefs.file_history(top / "platform", LOCK)] == ["two\n", "one\n"]


def test_file_history_is_empty_outside_git_and_for_uncommitted_files(tmp_path: Path) -> None:
    (tmp_path / "plain").mkdir()
    (tmp_path / "plain" / "a.yaml").write_text("a\n")
    assert gitrefs.file_history(tmp_path / "plain", "a.yaml") == []
    repo = _repo(tmp_path / "repo", PLATFORM)
    (repo / "new.yaml").write_text("new\n")
    assert gitrefs.file_history(repo, "new.yaml") == []


# branches and tags


def test_current_branch_on_a_branch_and_on_a_detached_head(tmp_path: Path) -> None:
    repo = _repo(tmp_path / "repo", PLATFORM)
    assert gitrefs.current_branch(repo) == "main"
    git(repo, "checkout", "--quiet", "-b", "release/0.2")
    assert gitrefs.current_branch(repo) == "release/0.2"
    git(repo, "checkout", "--quiet", "--detach")
    assert gitrefs.current_branch(repo) is None


def test_current_branch_outside_git_is_none(tmp_path: Path) -> None:
    assert gitrefs.current_branch(tmp_path) is None


def test_tags_and_branches_are_made_at_a_commit(tmp_path: Path) -> None:
    repo = _repo(tmp_path / "repo", PLATFORM)
    first = git(repo, "rev-parse", "HEAD").strip()
    _repo(repo, {"README.md": "later\n"}, "later")
    gitrefs.create_tag(repo, "platform-v0.2.0", first, "platform 0.2.0")
    gitrefs.create_branch(repo, "0.2-release", first)
    assert git(repo, "tag", "--list", "--format=%(objecttype) %(contents:subject)", "platform-v0.2.0") == (
        "tag platform 0.2.0\n"
    )
    assert git(repo, "rev-parse", "platform-v0.2.0^{commit}", "0.2-release").split() == [first, first]
    assert gitrefs.release_branches(repo) == ["0.2-release"]
    assert gitrefs.release_branches(tmp_path) == []


def test_added_in_is_the_commit_that_added_a_file(tmp_path: Path) -> None:
    repo = _repo(tmp_path / "repo", PLATFORM)
    _repo(repo, {"releases/0.2.0.yaml": "version: 0.2.0\n"}, "release")
    added = git(repo, "rev-parse", "HEAD").strip()
    _repo(repo, {"releases/0.2.0.yaml": "version: 0.2.0\n# edited\n"}, "edit")
    assert gitrefs.added_in(repo, "releases/0.2.0.yaml") == added
    assert gitrefs.added_in(repo, "releases/9.9.9.yaml") is None


def test_ref_tree_reads_an_unchanged_file_from_the_other_tree(tmp_path: Path) -> None:
    """Beside the working tree (pull-request mode), a ref reads only the files that differ: every other one is the
    working tree's, the same bytes (parsed once); a file only in the working tree is not the ref's."""
    repo = _repo(tmp_path / "repo", PLATFORM)
    (repo / "platform.yaml").write_text("name: uncommitted\n")
    (repo / "untracked.yaml").write_text("x\n")
    head = DiskTree(repo)
    tree = gitrefs.RefTree(repo, "HEAD", same=(head, frozenset(gitrefs.changed(repo, "HEAD"))))
    assert tree.read("platform.yaml") == b"name: logistics\n"
    lock = "environments/dev/platform.lock.yaml"
    assert tree.read(lock) is head.read(lock)
    assert tree.read("untracked.yaml") is None
    assert _read_all(tree) == PLATFORM


def test_changed_names_files_as_they_are_whatever_their_characters(tmp_path: Path) -> None:
    """git quotes a name with a tab, a quote or a non-ASCII letter in its plain listing: the changed set must hold
    the name itself, or the base would read such a file from the working tree as if it had not changed."""
    names = ("api/zürich.yaml", 'api/say "hi".yaml', "api/tab\there.yaml")
    repo = _repo(tmp_path / "r", dict.fromkeys(names, "a: 1\n"))
    for name in names[:2]:
        (repo / name).write_text("a: 2\n")
    (repo / "new ü.yaml").write_text("b: 1\n")
    assert gitrefs.changed(repo, "HEAD") == {*names[:2], "new ü.yaml"}
    commit(repo, "second")
    assert gitrefs.changed(repo, "HEAD~1", "HEAD") == {*names[:2], "new ü.yaml"}
