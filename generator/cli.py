"""Command line: parse arguments, call one function per command, map exceptions to exit codes.

Exit codes: 0 clean (nothing at or above --fail-on), 1 findings or a refused change, 2 bad usage or
unreadable input, 3 an internal error (a bug: please report it). Imports are lazy so that
`lockstep --version` and the pre-commit hook start fast.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from generator import __version__
from generator.errors import Refused, UsageError
from generator.validators import FAMILIES

if TYPE_CHECKING:
    from generator.findings import Rule
    from generator.operations import Plan

FORMATS = ("text", "json", "github")
LEVELS = ("error", "warning", "info")
LEVELS_SEMVER = ("patch", "minor", "major")
FORMATS_DIFF = ("text", "json", "markdown", "github")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="lockstep", description="Scaffold and guard GitOps platform repositories.")
    parser.add_argument("--version", action="version", version=f"lockstep {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    new = commands.add_parser("new", help="scaffold a platform repository")
    new.add_argument("directory", type=Path, metavar="DIR")
    new.add_argument("--no-input", action="store_true", help="do not prompt; use options, --config, defaults")
    new.add_argument("--name", help="platform name (default: logistics)")
    new.add_argument(
        "--services", help="NAME:LANGUAGE[:PORT],... (default: service-a:go,service-b:python,service-c:node)"
    )
    new.add_argument("--environments", help="the promotion path (default: dev,stage,prod)")
    new.add_argument("--strategy", help="independent | monolith | combined (default: combined)")
    new.add_argument("--registry", help="image registry (default: registry.example.com/NAME)")
    new.add_argument("--config", type=Path, metavar="FILE", help="YAML file of answers")
    new.add_argument("--force", action="store_true", help="write into a non-empty DIR")

    add = commands.add_parser("add-service", help="add a service to an existing platform repository")
    add.add_argument("name", metavar="NAME")
    add.add_argument("--language", required=True, help="go | python | node | java")
    add.add_argument("--port", help="port the service listens on (default: 8080)")
    _writer_options(add)

    bump = commands.add_parser("bump", help="a new version of a service lands in the first environment")
    bump.add_argument("service", metavar="SERVICE")
    bump.add_argument(
        "level",
        nargs="?",
        choices=LEVELS_SEMVER,
        default="patch",
        help="which part of the version goes up (default: patch)",
    )
    bump.add_argument("--version", dest="to", metavar="X.Y.Z", help="this exact version instead")
    _writer_options(bump)

    release = commands.add_parser("release", help="cut a platform version from the release-source environment")
    level = release.add_mutually_exclusive_group()
    for choice in LEVELS_SEMVER:
        level.add_argument(
            f"--{choice}",
            dest="level",
            action="store_const",
            const=choice,
            help=f"a new {choice} platform version" + (" (default)" if choice == "minor" else ""),
        )
    release.add_argument(
        "--branch",
        action="store_true",
        help="commit the release, then make the git branch X.Y-release and tag platform-vX.Y.Z",
    )
    _writer_options(release)

    promote = commands.add_parser("promote", help="move into ENV what the environment before it runs")
    promote.add_argument("environment", metavar="ENV")
    promote.add_argument(
        "--version",
        metavar="X.Y.Z",
        help="platform version (platform-mode ENV) or, with --service, the service version",
    )
    promote.add_argument("--service", metavar="SERVICE", help="one service (independent-mode ENV)")
    _writer_options(promote)

    rollback = commands.add_parser("rollback", help="go back to what ENV ran before, with what the rollback breaks")
    rollback.add_argument("environment", metavar="ENV")
    rollback.add_argument(
        "--to", required=True, metavar="X.Y.Z", help="the platform (or, with --service, service) version"
    )
    rollback.add_argument("--service", metavar="SERVICE", help="roll back one service (independent-mode ENV)")
    _writer_options(rollback)

    status = commands.add_parser("status", help="services x environments, and what waits to be promoted")
    status.add_argument("--repo", type=Path, default=Path("."), metavar="DIR")
    status.add_argument("--format", choices=("text", "json", "markdown"), default="text")

    diff = commands.add_parser("diff-api", help="breaking changes between two OpenAPI documents")
    diff.add_argument("base", nargs="?", metavar="BASE", help="a file (YAML or JSON) or REF:path from git")
    diff.add_argument("head", nargs="?", metavar="HEAD", help="a file (YAML or JSON) or REF:path from git")
    diff.add_argument("--format", choices=FORMATS_DIFF, default="text")
    diff.add_argument("--fail-on", choices=LEVELS, default="error")
    diff.add_argument(
        "--exceptions", type=Path, metavar="FILE", help="accepted changes (.lockstep/api-exceptions.yaml)"
    )
    _list_rules_option(diff, "contract rule catalogue")

    validate = commands.add_parser("validate", help="check a platform repository against its rules")
    validate.add_argument("--repo", type=Path, default=Path("."), metavar="DIR")
    validate.add_argument("--format", choices=FORMATS, default="text")
    validate.add_argument(
        "--fail-on", choices=LEVELS, default="error", help="lowest level that makes the exit code 1 (default: error)"
    )
    validate.add_argument("--base", metavar="REF", help="pull-request mode: compare with this git ref")
    validate.add_argument("--head", metavar="REF", help="with --base: validate this ref instead of the working tree")
    validate.add_argument(
        "--only",
        action="append",
        choices=FAMILIES,
        metavar="FAMILY",
        help=f"run only this rule family (repeatable): {', '.join(FAMILIES)}",
    )
    _list_rules_option(validate, "rule catalogue")
    return parser


def _list_rules_option(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument(
        "--list-rules",
        nargs="?",
        const="text",
        choices=("text", "markdown"),
        help=f"print the {what} (as text or a markdown table) and exit",
    )


def _writer_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--repo", type=Path, default=Path("."), metavar="DIR")
    parser.add_argument("--dry-run", action="store_true", help="print the change, write nothing")


def _show_or_apply(args: argparse.Namespace, plan: Plan) -> list[str]:
    """--dry-run prints the plan and its diff; otherwise the change is validated and written."""
    print(plan.summary)
    if args.dry_run:
        sys.stdout.write(plan.change.preview(args.repo))
        return []
    written = plan.change.apply(args.repo)
    for relative in written:
        print(f"wrote {relative}")
    return written


def _bump(args: argparse.Namespace) -> int:
    from generator.operations.bump import bump

    _show_or_apply(args, bump(args.repo, args.service, args.level, args.to))
    return 0


def _release(args: argparse.Namespace) -> int:
    from generator.operations.release import branch_and_tag, release

    plan, version = release(args.repo, args.level or "minor", branch=args.branch)
    written = _show_or_apply(args, plan)
    if args.branch and not args.dry_run:
        print(f"committed; {branch_and_tag(args.repo, version, written)}")
    return 0


def _promote(args: argparse.Namespace) -> int:
    from generator.operations.promote import promote

    _show_or_apply(args, promote(args.repo, args.environment, version=args.version, service=args.service))
    return 0


def _rollback(args: argparse.Namespace) -> int:
    from generator.operations.rollback import rollback

    _show_or_apply(args, rollback(args.repo, args.environment, args.to, args.service))
    return 0


def _status(args: argparse.Namespace) -> int:
    from generator.report import status_format
    from generator.status import status

    sys.stdout.write(status_format.render(status(args.repo), args.format))
    return 0


def _new(args: argparse.Namespace) -> int:
    from generator import answers, scaffold

    options = {key: getattr(args, key) for key in ("name", "services", "environments", "strategy", "registry")}
    config = answers.read_config(args.config) if args.config else None
    scaffold.check_target(args.directory, force=args.force)
    if not args.no_input:
        options = scaffold.prompt(options)
    written = scaffold.new(args.directory, answers.resolve(options, config), force=args.force)
    print(
        f"created {args.directory} ({len(written)} files, one commit); next: cd {args.directory} && lockstep validate"
    )
    return 0


def _add_service(args: argparse.Namespace) -> int:
    from generator import scaffold
    from generator.operations import Plan

    change = scaffold.add_service(args.repo, args.name, args.language, args.port)
    _show_or_apply(args, Plan(f"{args.name} ({args.language}) added at 0.1.0", change))
    return 0


def _print_rules(rules: list[Rule], fmt: str) -> None:
    if fmt == "markdown":
        from generator.report import rules_markdown

        sys.stdout.write(rules_markdown.render(rules))
        return
    for rule in rules:
        print(f"{rule.id:45} {rule.level:8} {rule.description}")


def _diff_api(args: argparse.Namespace) -> int:
    from generator import report
    from generator.findings import at_or_above
    from generator.openapi import api

    if args.list_rules:
        from generator.openapi.rules import RULES

        _print_rules(list(RULES), args.list_rules)
        return 0
    if not args.base or not args.head:
        raise UsageError("diff-api needs BASE and HEAD (files, or REF:path from git)")
    findings = api.diff_files(args.base, args.head, exceptions_file=args.exceptions)
    sys.stdout.write(report.render(findings, args.format))
    return 1 if at_or_above(findings, args.fail_on) else 0


def _validate(args: argparse.Namespace) -> int:
    from generator import report, validation, validators
    from generator.findings import at_or_above

    if args.list_rules:
        _print_rules(validators.catalogue(), args.list_rules)
        return 0
    findings = validation.run(args.repo, args.only or validators.FAMILIES, base=args.base, head=args.head)
    sys.stdout.write(report.render(findings, args.format))
    return 1 if at_or_above(findings, args.fail_on) else 0


COMMANDS = {
    "new": _new,
    "add-service": _add_service,
    "bump": _bump,
    "release": _release,
    "promote": _promote,
    "rollback": _rollback,
    "status": _status,
    "diff-api": _diff_api,
    "validate": _validate,
}


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except UsageError as error:
        print(f"lockstep: error: {error}", file=sys.stderr)
        return 2
    except Refused as error:
        print(f"lockstep: {error}", file=sys.stderr)
        return 1
    except OSError as error:  # a path that cannot be read or written
        print(f"lockstep: error: {error.strerror or error}: {error.filename or ''}".rstrip(": "), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("lockstep: interrupted", file=sys.stderr)
        return 130
    except Exception as error:  # a bug: one line for the user, the traceback on request
        if os.environ.get("LOCKSTEP_DEBUG"):
            raise
        print(
            f"lockstep: internal error: {type(error).__name__}: {error} (set LOCKSTEP_DEBUG=1 for the traceback)",
            file=sys.stderr,
        )
        return 3
