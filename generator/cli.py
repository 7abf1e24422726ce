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

from generator import __version__
from generator.validators import FAMILIES

FORMATS = ("text", "json", "github")
LEVELS = ("error", "warning", "info")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="lockstep", description="Scaffold and guard GitOps platform repositories.")
    parser.add_argument("--version", action="version", version=f"lockstep {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    new = commands.add_parser("new", help="scaffold a platform repository")
    new.add_argument("directory", type=Path, metavar="DIR")
    new.add_argument("--no-input", action="store_true", help="do not prompt; use options, --config, defaults")
    new.add_argument("--name", help="platform name (default: logistics)")
    new.add_argument("--services", help="NAME:LANGUAGE[:PORT],... (default: "
                                        "service-a:go,service-b:python,service-c:node)")
    new.add_argument("--environments", help="the promotion path (default: dev,stage,prod)")
    new.add_argument("--strategy", help="independent | monolith | combined (default: combined)")
    new.add_argument("--registry", help="image registry (default: registry.example.com/NAME)")
    new.add_argument("--config", type=Path, metavar="FILE", help="YAML file of answers")
    new.add_argument("--force", action="store_true", help="write into a non-empty DIR")

    add = commands.add_parser("add-service", help="add a service to an existing platform repository")
    add.add_argument("name", metavar="NAME")
    add.add_argument("--language", required=True, help="go | python | node | java")
    add.add_argument("--port", help="port the service listens on (default: 8080)")
    add.add_argument("--repo", type=Path, default=Path("."), metavar="DIR")
    add.add_argument("--dry-run", action="store_true", help="print the change, write nothing")

    validate = commands.add_parser("validate", help="check a platform repository against its rules")
    validate.add_argument("--repo", type=Path, default=Path("."), metavar="DIR")
    validate.add_argument("--format", choices=FORMATS, default="text")
    validate.add_argument("--fail-on", choices=LEVELS, default="error",
                          help="lowest level that makes the exit code 1 (default: error)")
    validate.add_argument("--only", action="append", choices=FAMILIES, metavar="FAMILY",
                          help=f"run only this rule family (repeatable): {', '.join(FAMILIES)}")
    validate.add_argument("--list-rules", nargs="?", const="text", choices=("text", "markdown"),
                          help="print the rule catalogue (as text or a markdown table) and exit")
    return parser


def _new(args: argparse.Namespace) -> int:
    from generator import answers, scaffold

    options = {key: getattr(args, key) for key in ("name", "services", "environments", "strategy", "registry")}
    config = answers.read_config(args.config) if args.config else None
    scaffold.check_target(args.directory, force=args.force)
    if not args.no_input:
        options = scaffold.prompt(options)
    written = scaffold.new(args.directory, answers.resolve(options, config), force=args.force)
    print(f"created {args.directory} ({len(written)} files, one commit); next: cd {args.directory} && "
          f"lockstep validate")
    return 0


def _add_service(args: argparse.Namespace) -> int:
    from generator import scaffold

    change = scaffold.add_service(args.repo, args.name, args.language, args.port)
    if args.dry_run:
        sys.stdout.write(change.preview(args.repo))
        return 0
    for relative in change.apply(args.repo):
        print(f"wrote {relative}")
    return 0


def _validate(args: argparse.Namespace) -> int:
    from generator import report, validators
    from generator.findings import at_or_above
    from generator.repository import load_repo

    if args.list_rules == "markdown":
        from generator.report import rules_markdown

        sys.stdout.write(rules_markdown.render(validators.catalogue()))
        return 0
    if args.list_rules:
        for rule in validators.catalogue():
            print(f"{rule.id:40} {rule.level:8} {rule.description}")
        return 0
    findings = validators.check(load_repo(args.repo), args.only or validators.FAMILIES)
    sys.stdout.write(report.render(findings, args.format))
    return 1 if at_or_above(findings, args.fail_on) else 0


COMMANDS = {"new": _new, "add-service": _add_service, "validate": _validate}


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    from generator.errors import Refused, UsageError

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
        print(f"lockstep: internal error: {type(error).__name__}: {error} "
              f"(set LOCKSTEP_DEBUG=1 for the traceback)", file=sys.stderr)
        return 3
