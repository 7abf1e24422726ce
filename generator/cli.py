"""Command line: parse arguments, call one command, map exceptions to exit codes.

Exit codes: 0 clean (nothing at or above --fail-on), 1 findings or a refused change, 2 bad usage or
unreadable input, 3 an internal error (a bug: please report it). Commands are imported when they run, so
that `lockstep --version` and `--help` start fast.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path

from generator import __version__, report
from generator.errors import LoadError, Refused, UsageError

LEVELS = ("error", "warning", "info")
SEMVER_PARTS = ("patch", "minor", "major")


def _parser(only: str | None = None) -> argparse.ArgumentParser:
    """The command line. With `only`, the one subcommand the arguments name is built with its options (the others
    cost a pre-commit hook's startup some 10 ms and are not needed); without, every one (`--help`)."""
    parser = argparse.ArgumentParser(prog="lockstep", description="Scaffold and guard GitOps platform repositories.")
    parser.add_argument("--version", action="version", version=f"lockstep {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    if only in (None, "new"):
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
        new.add_argument(
            "--lockstep-source",
            metavar="SPEC",
            help="where the repository installs lockstep (.lockstep/requirements.txt): a version, "
            "git+URL@COMMIT, or a .whl file (default: this lockstep from the public index)",
        )
        new.add_argument("--hooks", choices=("local", "remote"), help="pre-commit hooks (default: local)")
        new.add_argument("--hooks-repo", metavar="URL", help="remote hooks: the hook repository (this project's)")
        new.add_argument("--hooks-rev", metavar="SHA", help="remote hooks: its full commit SHA")
        new.add_argument("--hooks-tag", metavar="TAG", help="remote hooks: the tag of that commit, as a comment")
        new.add_argument("--ci", help="the pull-request check: github | gitlab | both (default: github)")
        new.add_argument("--rollout", help="every service's rollout: rolling | blue-green | canary (default: rolling)")
        new.add_argument("--engine", help="the GitOps engine that deploys it: argocd | flux | none (default: argocd)")
        new.add_argument(
            "--repository", help="the git URL the engine reads it from (default: https://github.com/example/NAME.git)"
        )
        new.add_argument("--config", type=Path, metavar="FILE", help="YAML file of answers")
        new.add_argument("--force", action="store_true", help="write into a non-empty DIR")

    if only in (None, "add-service"):
        add = commands.add_parser("add-service", help="add a service to an existing platform repository")
        add.add_argument("name", metavar="NAME")
        add.add_argument("--language", required=True, help="go | python | node | java")
        add.add_argument("--port", help="port the service listens on (default: 8080)")
        add.add_argument("--rollout", help="rolling | blue-green | canary (default: rolling)")
        _writer_options(add)

    if only in (None, "bump"):
        bump = commands.add_parser("bump", help="a new version of a service lands in the first environment")
        bump.add_argument("service", metavar="SERVICE")
        bump.add_argument(
            "level",
            nargs="?",
            choices=SEMVER_PARTS,
            help="the part that goes up (default: patch; on trunk minor once the version is released)",
        )
        bump.add_argument("--version", dest="to", metavar="X.Y.Z", help="this exact version instead")
        bump.add_argument(
            "--image",
            metavar="REF",
            help="the image built for the new version, by digest: <registry>/SERVICE:X.Y.Z@sha256:<64 hex>",
        )
        bump.add_argument(
            "--chart",
            metavar="sha256:HEX",
            help="the digest of the chart pushed as <charts>/SERVICE:X.Y.Z (needs --image; without it the version "
            "is not built and deploys charts/SERVICE from the working tree)",
        )
        bump.add_argument("--next", action="store_true", help="print the version a bump would give; write nothing")
        _override_options(bump)
        _writer_options(bump)

    if only in (None, "release"):
        release = commands.add_parser("release", help="cut a platform version from the release-source environment")
        level = release.add_mutually_exclusive_group()
        for choice in SEMVER_PARTS:
            level.add_argument(
                f"--{choice}",
                dest="level",
                action="store_const",
                const=choice,
                help=f"a new {choice} platform version" + (" (default)" if choice == "minor" else ""),
            )
        _writer_options(release)

    if only in (None, "stamp"):
        stamp = commands.add_parser("stamp", help="a platform version for what the first environment runs")
        _writer_options(stamp)

    if only in (None, "generate"):
        generate = commands.add_parser(
            "generate", help="rewrite the files lockstep derives, write the engine objects that are missing"
        )
        _writer_options(generate)

    if only in (None, "tag"):
        tag = commands.add_parser("tag", help="the git tags and release branches of the released platform versions")
        tag.add_argument("--repo", type=Path, metavar="DIR", help="the repository (default: found from here upwards)")
        tag.add_argument("--dry-run", action="store_true", help="say what would be made; make nothing")

    if only in (None, "remove-service"):
        remove = commands.add_parser("remove-service", help="retire a service along the promotion path")
        remove.add_argument("name", metavar="NAME")
        _writer_options(remove)

    if only in (None, "promote"):
        promote = commands.add_parser("promote", help="move into ENV what the environment before it runs")
        promote.add_argument("environment", metavar="ENV")
        promote.add_argument(
            "--version",
            metavar="X.Y.Z",
            help="platform version (platform-mode ENV) or, with --service, the service version",
        )
        promote.add_argument("--service", metavar="SERVICE", help="one service (independent-mode ENV)")
        _override_options(promote)
        _writer_options(promote)

    if only in (None, "rollback"):
        rollback = commands.add_parser("rollback", help="go back to what ENV ran before, with what the rollback breaks")
        rollback.add_argument("environment", metavar="ENV")
        rollback.add_argument(
            "--to", required=True, metavar="X.Y.Z", help="the platform (or, with --service, service) version"
        )
        rollback.add_argument("--service", metavar="SERVICE", help="roll back one service (independent-mode ENV)")
        _writer_options(rollback)

    if only in (None, "verify"):
        verify = commands.add_parser("verify", help="record a check's result for what ENV runs now")
        verify.add_argument("--env", required=True, metavar="ENV", dest="environment")
        verify.add_argument("--check", required=True, metavar="NAME", help="what was checked: integration-tests")
        verify.add_argument("--result", required=True, choices=("passed", "failed"))
        verify.add_argument("--service", metavar="SERVICE", help="a service's version (independent-mode ENV)")
        verify.add_argument("--version", metavar="X.Y.Z", help="what was checked (default: what ENV runs)")
        verify.add_argument("--url", metavar="URL", help="where the evidence is (https)")
        verify.add_argument("--rollback", action="store_true", help="after a failed check, roll ENV back too")
        _writer_options(verify)

    if only in (None, "status"):
        status = commands.add_parser("status", help="services x environments, and what waits to be promoted")
        status.add_argument(
            "--repo", type=Path, metavar="DIR", help="the repository (default: found from here upwards)"
        )
        status.add_argument("--format", choices=report.STATUS, default="text")
        _now_option(status, "the time the gates are judged at")

    if only in (None, "render"):
        render = commands.add_parser("render", help="what an environment deploys: each chart rendered by helm")
        render.add_argument("--env", required=True, metavar="ENV", help="the environment")
        render.add_argument("--service", metavar="SERVICE", help="only this service")
        render.add_argument(
            "-o", "--output", type=Path, metavar="DIR", help="one file per service in DIR (default: stdout)"
        )
        render.add_argument(
            "--repo", type=Path, metavar="DIR", help="the repository (default: found from here upwards)"
        )

    if only in (None, "diff-api"):
        diff = commands.add_parser("diff-api", help="breaking changes between two OpenAPI documents")
        diff.add_argument("base", nargs="?", metavar="BASE", help="a file (YAML or JSON) or REF:path from git")
        diff.add_argument("head", nargs="?", metavar="HEAD", help="a file (YAML or JSON) or REF:path from git")
        _report_options(diff)
        diff.add_argument(
            "--exceptions", type=Path, metavar="FILE", help="accepted changes (.lockstep/api-exceptions.yaml)"
        )
        diff.add_argument(
            "--config",
            type=Path,
            metavar="FILE",
            help="rule levels (default: .lockstep/config.yaml of the repository found from here upwards, if any)",
        )
        diff.add_argument(
            "--changelog",
            action="store_true",
            help="every change, breaking or not, by operation (the non-breaking ones at level info)",
        )
        _list_rules_option(diff, "API rule catalogue")

    if only in (None, "schema"):
        schema = commands.add_parser("schema", help="print a JSON Schema of lockstep's files, self-contained")
        schema.add_argument("name", nargs="?", metavar="NAME", help="the kind of file (--list shows them)")
        schema.add_argument("--list", action="store_true", help="list the schemas and the files they describe")

    if only in (None, "validate"):
        validate = commands.add_parser("validate", help="check a platform repository against its rules")
        validate.add_argument(
            "files",
            nargs="*",
            metavar="FILE",
            help="check only what a change of these files can affect (the pre-commit hooks pass the staged files)",
        )
        validate.add_argument(
            "--repo", type=Path, metavar="DIR", help="the repository (default: found from here upwards)"
        )
        _report_options(validate)
        validate.add_argument("--base", metavar="REF", help="pull-request mode: compare with this git ref")
        validate.add_argument(
            "--head", metavar="REF", help="with --base: validate this ref instead of the working tree"
        )
        validate.add_argument(
            "--only",
            action="append",
            metavar="FAMILY",
            help="run only this rule family (repeatable; --list-rules shows them): schema, consistency, promotion, ...",
        )
        validate.add_argument(
            "--render",
            action="store_true",
            help="also render every chart with helm for every environment and check the manifests (slow)",
        )
        _now_option(validate, "the time the gates judge")
        _list_rules_option(validate, "rule catalogue")
    return parser


def _report_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=report.FINDINGS, default="text")
    parser.add_argument(
        "--report",
        action="append",
        metavar="FORMAT=PATH",
        help="also write the findings as FORMAT to PATH (repeatable; FORMAT is one of --format's)",
    )
    parser.add_argument(
        "--link-base",
        metavar="URL",
        help="markdown: link each file:line to URL/file#Lline (default in GitHub Actions: "
        "$GITHUB_SERVER_URL/$GITHUB_REPOSITORY/blob/<commit checked>)",
    )
    parser.add_argument(
        "--fail-on", choices=LEVELS, default="error", help="lowest level that makes the exit code 1 (default: error)"
    )
    parser.add_argument(
        "--max-findings",
        type=_positive,
        metavar="N",
        help="findings one pair of API contracts may give; the rest are counted in one api.limit finding "
        "(default: 1000)",
    )
    parser.add_argument(
        "--max-nodes",
        type=_positive,
        metavar="N",
        help="values an API contract may expand to through YAML aliases (default: 1000000)",
    )


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"`{text}` is not a positive whole number")
    return int(text)


def _list_rules_option(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument(
        "--list-rules",
        nargs="?",
        const="text",
        choices=report.RULES,
        help=f"print the {what} (as text or a markdown table) and exit",
    )


def _writer_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--repo", type=Path, metavar="DIR", help="the repository (default: found from here upwards)")
    parser.add_argument("--dry-run", action="store_true", help="print the change and check it; write nothing")
    parser.add_argument("--commit", action="store_true", help="commit the files written, saying what moved")
    _now_option(parser, "the time the change records and its gates judge")


def _override_options(parser: argparse.ArgumentParser) -> None:
    from generator.model import GATES  # here: `lockstep --version` and the hook's parser never need the model

    parser.add_argument(
        "--override",
        action="append",
        default=[],
        choices=GATES,
        metavar="GATE",
        help=f"pass this gate by hand, recorded with who and why ({', '.join(GATES)}; repeatable, each with --reason)",
    )
    parser.add_argument("--reason", action="append", default=[], metavar="TEXT", help="why (one per --override)")


def _overrides(a: argparse.Namespace) -> list[tuple[str, str]]:
    """The --override GATE --reason TEXT pairs, in order."""
    if len(a.override) != len(a.reason):
        raise UsageError("each --override GATE takes one --reason TEXT (who reads the record learns why)")
    return list(zip(a.override, a.reason, strict=True))


def _now_option(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument("--now", type=_instant, metavar="TIME", help=f"{what} (2026-11-28T10:00:00Z; default: now)")


def _instant(text: str) -> datetime:
    from generator.freeze import parse_instant

    try:
        return parse_instant(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _new(a: argparse.Namespace) -> int:
    from generator.commands import new

    options = {key: getattr(a, key) for key in ("name", "services", "environments", "strategy", "registry")}
    options |= {
        "lockstepSource": a.lockstep_source,
        "hooks": a.hooks,
        "hooksRepo": a.hooks_repo,
        "hooksRev": a.hooks_rev,
        "hooksTag": a.hooks_tag,
        "ci": a.ci,
        "rollout": a.rollout,
        "engine": a.engine,
        "repository": a.repository,
    }
    return new.run(a.directory, options, a.config, no_input=a.no_input, force=a.force)


def _add_service(a: argparse.Namespace) -> int:
    from generator.commands import add_service

    return add_service.run(a.repo, a.name, a.language, a.port, a.rollout, dry_run=a.dry_run, commit=a.commit, now=a.now)


def _bump(a: argparse.Namespace) -> int:
    from generator.commands import bump

    if a.next:
        given = {
            "--version": a.to,
            "--image": a.image,
            "--chart": a.chart,
            "--commit": a.commit,
            "--dry-run": a.dry_run,
            "--override": a.override,
        }
        return bump.show_next(a.repo, a.service, a.level, given=[option for option, value in given.items() if value])
    return bump.run(
        a.repo,
        a.service,
        a.level,
        a.to,
        dry_run=a.dry_run,
        commit=a.commit,
        image=a.image,
        chart=a.chart,
        now=a.now,
        overrides=_overrides(a),
    )


def _release(a: argparse.Namespace) -> int:
    from generator.commands import release

    return release.run(a.repo, a.level or "minor", dry_run=a.dry_run, commit=a.commit, now=a.now)


def _stamp(a: argparse.Namespace) -> int:
    from generator.commands import stamp

    return stamp.run(a.repo, dry_run=a.dry_run, commit=a.commit, now=a.now)


def _generate(a: argparse.Namespace) -> int:
    from generator.commands import generate

    return generate.run(a.repo, dry_run=a.dry_run, commit=a.commit, now=a.now)


def _tag(a: argparse.Namespace) -> int:
    from generator.commands import tag

    return tag.run(a.repo, dry_run=a.dry_run)


def _remove_service(a: argparse.Namespace) -> int:
    from generator.commands import remove_service

    return remove_service.run(a.repo, a.name, dry_run=a.dry_run, commit=a.commit, now=a.now)


def _promote(a: argparse.Namespace) -> int:
    from generator.commands import promote

    return promote.run(
        a.repo,
        a.environment,
        a.version,
        a.service,
        dry_run=a.dry_run,
        commit=a.commit,
        now=a.now,
        overrides=_overrides(a),
    )


def _rollback(a: argparse.Namespace) -> int:
    from generator.commands import rollback

    return rollback.run(a.repo, a.environment, a.to, a.service, dry_run=a.dry_run, commit=a.commit, now=a.now)


def _verify(a: argparse.Namespace) -> int:
    from generator.commands import verify

    return verify.run(
        a.repo,
        a.environment,
        a.check,
        a.result,
        service=a.service,
        version=a.version,
        url=a.url,
        with_rollback=a.rollback,
        dry_run=a.dry_run,
        commit=a.commit,
        now=a.now,
    )


def _status(a: argparse.Namespace) -> int:
    from generator.commands import status

    return status.run(a.repo, a.format, a.now)


def _render(a: argparse.Namespace) -> int:
    from generator.commands import render

    return render.run(a.repo, a.env, a.service, a.output)


def _diff_api(a: argparse.Namespace) -> int:
    from generator.commands import diff_api

    if a.list_rules:
        return diff_api.list_rules(a.list_rules, a.config)
    return diff_api.run(
        a.base,
        a.head,
        a.format,
        a.fail_on,
        a.exceptions,
        (a.max_findings, a.max_nodes),
        a.changelog,
        a.config,
        reports=a.report,
        link_base=a.link_base,
    )


def _schema(a: argparse.Namespace) -> int:
    from generator.commands import schema

    return schema.run(None if a.list else a.name)


def _validate(a: argparse.Namespace) -> int:
    from generator.commands import validate

    if a.list_rules:
        return validate.list_rules(a.list_rules, a.repo)
    return validate.run(
        a.repo,
        a.only,
        a.base,
        a.head,
        a.format,
        a.fail_on,
        (a.max_findings, a.max_nodes),
        a.files,
        reports=a.report,
        link_base=a.link_base,
        render=a.render,
        now=a.now,
    )


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "new": _new,
    "add-service": _add_service,
    "bump": _bump,
    "release": _release,
    "stamp": _stamp,
    "generate": _generate,
    "tag": _tag,
    "remove-service": _remove_service,
    "promote": _promote,
    "rollback": _rollback,
    "verify": _verify,
    "status": _status,
    "render": _render,
    "diff-api": _diff_api,
    "schema": _schema,
    "validate": _validate,
}


def _say(message: str) -> None:
    """One line on stderr, whatever the message quotes (an option's value, a file's name): control characters
    escaped, length capped."""
    from generator.report.sanitize import text

    print(text(message), file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    given = list(sys.argv[1:] if argv is None else argv)
    if given[:1] == ["--version"]:  # as argparse answers it, without building the parser (pre-commit, scripts)
        print(f"lockstep {__version__}")
        return 0
    args = _parser(given[0] if given and given[0] in COMMANDS else None).parse_args(given)
    try:
        return COMMANDS[args.command](args)
    except (UsageError, LoadError) as error:
        _say(f"lockstep: error: {error}")
        return 2
    except Refused as error:
        _say(f"lockstep: {error}")
        return 1
    except BrokenPipeError:  # `lockstep status | head -1`: the reader has gone, as with git, quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error at exit's flush
        return 141
    except OSError as error:  # a path that cannot be read or written
        _say(f"lockstep: error: {error.strerror or error}: {error.filename or ''}".rstrip(": "))
        return 2
    except KeyboardInterrupt:
        print("lockstep: interrupted", file=sys.stderr)
        return 130
    except Exception as error:  # a bug: one line for the user, the traceback on request
        if os.environ.get("LOCKSTEP_DEBUG"):
            raise
        _say(f"lockstep: internal error: {type(error).__name__}: {error} (set LOCKSTEP_DEBUG=1 for the traceback)")
        return 3
