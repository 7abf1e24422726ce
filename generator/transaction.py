"""Writing a change to a repository: all of its files or none, one writer at a time, never through a link.

1. Lock: an exclusive lock (flock) on the repository folder, held from before the repository is read until the
   change is written; a second writer waits up to `LOCK_WAIT` seconds, then stops (exit 1, nothing written).
2. Recover: the journal of a writer that was killed is finished (it was committed) or undone (it was not),
   before anything else is read.
3. Journal "preparing": the targets, the temporary file of each (`.NAME.lockstep-ID`, beside its target) and
   the folders the change will make, written atomically to `.lockstep/transaction.json`.
4. Prepare: the folders are made and every new text is written to its temporary file and synced. No path the
   change writes has a symbolic link in it.
5. Journal "committed": from here on the change happens, even if the process is killed.
6. Apply: each temporary file is renamed over its target; then the journal is removed.

`LOCKSTEP_FAULT=STEP:N` kills the process at a step (`prepared:N`, `committed:0`, `applied:N`), for the tests
that prove every file ends up old or new.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import secrets
import signal
import stat
import time
from collections.abc import Iterator, Mapping
from pathlib import Path, PurePosixPath

from generator.errors import Refused, UsageError

JOURNAL = ".lockstep/transaction.json"
LOCK_WAIT = 10.0  # seconds a writer waits for another one to finish ($LOCKSTEP_LOCK_WAIT sets another)
_MARK = ".lockstep-"  # in the names of temporary files: `.platform.lock.yaml.lockstep-1a2b3c4d`

Plan = list[tuple[str, str]]  # (target, its temporary file, or "" when the target is removed), repository paths


@contextlib.contextmanager
def locked(root: Path) -> Iterator[None]:
    """Hold the repository's writer lock, finishing or undoing an interrupted write first."""
    try:
        wait = float(os.environ.get("LOCKSTEP_LOCK_WAIT", LOCK_WAIT))
    except ValueError:
        raise UsageError("LOCKSTEP_LOCK_WAIT: not a number of seconds") from None
    try:
        handle = os.open(root, os.O_RDONLY | os.O_DIRECTORY)
    except OSError as error:
        raise UsageError(f"{root}: {error.strerror}") from None
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise Refused(f"another lockstep command kept {root} locked for {wait:g} s; try again") from None
                time.sleep(0.05)
        recover(root)
        yield
    finally:
        os.close(handle)  # releases the lock


def check_path(root: Path, relative: str) -> Path:
    """`root/relative`; UsageError (exit 2, nothing written) when it would leave `root` or pass a symbolic link."""
    pure = PurePosixPath(relative)
    if not pure.parts or pure.is_absolute() or ".." in pure.parts:
        raise UsageError(f"{relative}: not a path inside the repository")
    path = root
    for part in pure.parts:
        path = path / part
        try:
            mode = os.lstat(path).st_mode
        except FileNotFoundError:
            break
        if stat.S_ISLNK(mode):
            shown = path.relative_to(root).as_posix()
            raise UsageError(f"{relative}: {shown} is a symbolic link; lockstep never writes through one")
    return root / relative


def write(root: Path, files: Mapping[str, str | bytes | None]) -> list[str]:
    """Write `files` (repository path -> text or bytes, or None to remove the file) as one transaction; the
    caller holds `locked(root)`."""
    targets = {relative: check_path(root, relative) for relative in sorted(files)}
    check_path(root, JOURNAL)
    tag = secrets.token_hex(4)
    plan: Plan = [(relative, "" if files[relative] is None else _temporary(relative, tag)) for relative in targets]
    made = _missing_folders(root, [targets[relative].parent for relative, temporary in plan if temporary])
    _journal(root, "preparing", plan, made)
    try:
        for folder in made:
            (root / folder).mkdir(exist_ok=True)  # the journal's own folder may be one of them
        for count, (relative, temporary) in enumerate(plan, start=1):
            target, data = targets[relative], files[relative]
            if data is None:
                continue  # removed when the change is applied
            mode = target.stat().st_mode & 0o7777 if target.exists() else 0o666 & ~_umask()
            _write_synced(root / temporary, data.encode("utf-8") if isinstance(data, str) else data, mode)
            _fault("prepared", count)
        _journal(root, "committed", plan, made)
    except BaseException:
        _undo(root, plan, made)
        raise
    _fault("committed", 0)
    _apply(root, plan)
    return sorted(files)


def _temporary(relative: str, tag: str) -> str:
    path = PurePosixPath(relative)
    return (path.parent / f".{path.name}{_MARK}{tag}").as_posix()


def _missing_folders(root: Path, folders: list[Path]) -> list[str]:
    """The folders to make, outermost first."""
    missing: list[str] = []
    for folder in folders:
        chain = []
        while not folder.exists():
            chain.append(folder.relative_to(root).as_posix())
            folder = folder.parent
        missing += [name for name in reversed(chain) if name not in missing]
    return missing


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def _write_synced(path: Path, data: bytes, mode: int) -> None:
    handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, mode)
    try:
        os.write(handle, data)
        os.fsync(handle)
    finally:
        os.close(handle)
    os.chmod(path, mode)


def _sync_folder(folder: Path) -> None:
    handle = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


def _fault(step: str, count: int) -> None:
    if os.environ.get("LOCKSTEP_FAULT") == f"{step}:{count}":
        os.kill(os.getpid(), signal.SIGKILL)


def _journal(root: Path, state: str, plan: Plan, made: list[str]) -> None:
    """Write the journal atomically (a temporary file renamed over it)."""
    journal = root / JOURNAL
    journal.parent.mkdir(exist_ok=True)
    temporary = journal.with_name(f".{journal.name}{_MARK}{secrets.token_hex(4)}")
    record = {"state": state, "files": [{"target": t, "temporary": p} for t, p in plan], "folders": made}
    _write_synced(temporary, json.dumps(record, indent=2).encode(), 0o644)
    os.replace(temporary, journal)
    _sync_folder(journal.parent)


def _apply(root: Path, plan: Plan) -> None:
    for count, (target, temporary) in enumerate(plan, start=1):
        if not temporary:
            (root / target).unlink(missing_ok=True)
            _remove_empty_folders(root, (root / target).parent)
        elif (root / temporary).exists():
            os.replace(root / temporary, root / target)
        _fault("applied", count)
    for folder in {(root / target).parent for target, _ in plan}:
        if folder.is_dir():
            _sync_folder(folder)
    (root / JOURNAL).unlink(missing_ok=True)


def _remove_empty_folders(root: Path, folder: Path) -> None:
    """The folders a removal left empty, up to the repository's top."""
    while folder != root and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent


def _undo(root: Path, plan: Plan, made: list[str]) -> None:
    for _, temporary in plan:
        if temporary:
            (root / temporary).unlink(missing_ok=True)
    (root / JOURNAL).unlink(missing_ok=True)
    for folder in reversed(made):
        with contextlib.suppress(OSError):
            (root / folder).rmdir()  # only when empty: never a folder with someone's files


def recover(root: Path) -> None:
    """Finish the write of a killed writer that had committed, or undo one that had not."""
    journal = root / JOURNAL
    for name in os.listdir(journal.parent) if journal.parent.is_dir() else ():
        if name.startswith(f".{journal.name}{_MARK}"):  # a journal killed while it was being written
            (journal.parent / name).unlink(missing_ok=True)
    if not os.path.lexists(journal):
        return
    state, plan, made = _read_journal(root, journal)
    if state == "committed":
        _apply(root, plan)
    else:
        _undo(root, plan, made)


def _read_journal(root: Path, journal: Path) -> tuple[str, Plan, list[str]]:
    """The journal's entries, each checked: a target inside the repository and its temporary file beside it."""
    problem = f"{JOURNAL}: an interrupted write left a journal lockstep cannot use"
    if journal.is_symlink():
        raise UsageError(f"{problem} (it is a symbolic link); remove it")
    try:
        record = json.loads(journal.read_text("utf-8"))
        state = str(record["state"])
        plan = [(str(entry["target"]), str(entry["temporary"])) for entry in record["files"]]
        made = [str(folder) for folder in record["folders"]]
    except (OSError, ValueError, KeyError, TypeError):
        raise UsageError(f"{problem}; remove it") from None
    for target, temporary in plan:
        check_path(root, target)
        if not temporary:
            continue  # a removal
        check_path(root, temporary)
        if PurePosixPath(temporary).parent != PurePosixPath(target).parent or not PurePosixPath(
            temporary
        ).name.startswith(f".{PurePosixPath(target).name}{_MARK}"):
            raise UsageError(f"{problem} (`{temporary}` is not a temporary file of {target}); remove it")
    for folder in made:
        check_path(root, folder)
    return state, plan, made
