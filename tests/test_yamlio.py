from __future__ import annotations

import time
from pathlib import Path

from generator import yamlio


def rules(text: str) -> list[tuple[str, int, int]]:
    return [(f.rule, f.line, f.column) for f in yamlio.loads(text, "f.yaml").problems]


def test_positions_of_values_and_keys_deep_in_a_file() -> None:
    doc = yamlio.loads("a:\n  b:\n    - x\n    - c: 1\n", "f.yaml")
    assert doc.data == {"a": {"b": ["x", {"c": 1}]}}
    assert doc.position(("a", "b", 1, "c")) == yamlio.Position(4, 10)
    assert doc.position(("a", "b", 1, "c"), key=True) == yamlio.Position(4, 7)
    assert doc.position(("a", "missing", "deeper")) == yamlio.Position(2, 3)  # nearest enclosing node


def test_duplicate_key_names_the_first_line() -> None:
    doc = yamlio.loads("a: 1\nb: 2\na: 3\n", "f.yaml")
    [problem] = doc.problems
    assert (problem.rule, problem.line) == ("yaml.duplicate-key", 3)
    assert "first defined on line 1" in problem.message
    assert doc.data == {"a": 1, "b": 2}


def test_yaml11_booleans_are_findings_and_stay_text() -> None:
    doc = yamlio.loads("a: no\nb: On\nc: true\nd: False\n", "f.yaml")
    assert [(p.rule, p.line) for p in doc.problems] == [("yaml.ambiguous-boolean", 1), ("yaml.ambiguous-boolean", 2)]
    assert doc.data == {"a": "no", "b": "On", "c": True, "d": False}


def test_yaml11_key_on_is_a_finding() -> None:
    assert rules("on:\n  push: {}\n") == [("yaml.ambiguous-boolean", 1, 1)]


def test_octal_and_sexagesimal_numbers_are_findings() -> None:
    assert rules("mode: 0755\nport: 22:22\nok: 10\n") == [
        ("yaml.ambiguous-number", 1, 7),
        ("yaml.ambiguous-number", 2, 7),
    ]


def test_numbers_keep_their_source_text() -> None:
    doc = yamlio.loads("version: 1.10\n", "f.yaml")
    assert doc.data == {"version": 1.1} and doc.numbers[("version",)] == "1.10"


def test_timestamps_stay_text() -> None:
    assert yamlio.loads("at: 2026-11-20T10:00:00Z\n", "f.yaml").data == {"at": "2026-11-20T10:00:00Z"}


def test_alias_bomb_is_refused_quickly_and_never_expanded() -> None:
    lines = ['a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 10)]
    started = time.perf_counter()
    doc = yamlio.loads("\n".join(lines) + "\n", "bomb.yaml")
    assert time.perf_counter() - started < 2  # 10**10 strings if expanded
    assert {p.rule for p in doc.problems} == {"yaml.alias"}
    assert doc.problems[0].line == 2


def test_merge_keys_are_refused() -> None:
    assert ("yaml.alias", 2, 1) in rules("base: &b {x: 1}\n<<: *b\n")


def test_tabs_and_syntax_errors_are_findings_with_position() -> None:
    [(rule, line, _)] = rules("a:\n\tb: 1\n")
    assert (rule, line) == ("yaml.syntax", 2)
    assert rules("a: [1, 2\n")[0][0] == "yaml.syntax"


def test_deep_nesting_is_a_finding_not_a_crash() -> None:
    assert rules("[" * 5000 + "]" * 5000 + "\n")[0][0] == "yaml.syntax"


def test_dumps_quotes_what_would_read_back_otherwise() -> None:
    text = yamlio.dumps({"version": "1.10", "flag": "no", "list": ["a"], "n": 3})
    assert text == "version: '1.10'\nflag: 'no'\nlist:\n  - a\nn: 3\n"
    assert yamlio.loads(text, "f.yaml").data == {"version": "1.10", "flag": "no", "list": ["a"], "n": 3}


def test_write_atomic_replaces_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "d" / "f.yaml"
    yamlio.write_atomic(target, "a: 1\n")
    yamlio.write_atomic(target, "a: 2\n")
    assert target.read_text() == "a: 2\n"
    assert [p.name for p in target.parent.iterdir()] == ["f.yaml"]


def test_write_atomic_gives_new_files_the_usual_mode_and_keeps_existing_ones(tmp_path: Path) -> None:
    import os

    target = tmp_path / "f.yaml"
    yamlio.write_atomic(target, "a: 1\n")
    umask = os.umask(0)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask  # not mkstemp's 0600: docker COPY must read it
    target.chmod(0o640)
    yamlio.write_atomic(target, "a: 2\n")
    assert target.stat().st_mode & 0o777 == 0o640


def test_a_file_of_too_many_lines_is_refused_before_it_is_parsed() -> None:
    from generator.tree import MAX_LINES

    doc = yamlio.loads("a: 1\n" + "# note\n" * MAX_LINES, "big.yaml")
    assert doc.data is None
    assert [(p.rule, p.message) for p in doc.problems] == [
        ("file.too-large", f"more than {MAX_LINES} lines and flow items")
    ]
    flow = yamlio.loads("{" + ", ".join(f"k{i}: 1" for i in range(MAX_LINES + 2)) + "}", "flow.yaml")
    assert [p.rule for p in flow.problems] == ["file.too-large"]
