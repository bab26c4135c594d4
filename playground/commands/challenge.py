"""`playground challenge list [--json]` and `playground challenge check NAME PROJECT [--json]`:
the challenges, and the grade of a saved project (exit 0 passed, 2 not passed, 1 error)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from playground.core.io.project import load_project
from playground.core.practice.challenge import all_challenges, find_challenge
from playground.core.practice.grade import grade

NOT_PASSED = 2


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("challenge", help="list the practice challenges, or grade a project")
    actions = p.add_subparsers(dest="action", required=True)
    listing = actions.add_parser("list", help="the challenges, along the path of the ideas")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(run=run_list)
    check = actions.add_parser(
        "check", help="run a challenge's checks on a saved project (exit 0 passed, 2 not)"
    )
    check.add_argument("name", help="the challenge's name (see: playground challenge list)")
    check.add_argument("project", type=Path, help="a .playground file")
    check.add_argument("--json", action="store_true")
    check.set_defaults(run=run_check)


def run_list(args: argparse.Namespace) -> int:
    challenges = all_challenges()
    if args.json:
        rows = [
            {
                "name": c.name,
                "idea": c.idea,
                "title": c.title,
                "goal": c.goal,
                "predict": c.predict is not None,
                "checks": [k.label for k in c.checks],
            }
            for c in challenges
        ]
        print(json.dumps(rows, ensure_ascii=False))
        return 0
    width = max(len(c.name) for c in challenges)
    for c in challenges:
        print(f"{c.name:<{width}}  {c.idea_title}: {c.goal}")
    return 0


def run_check(args: argparse.Namespace) -> int:
    challenge = find_challenge(args.name)
    report = grade(challenge, load_project(args.project))
    if args.json:
        print(json.dumps(report.to_dict(), ensure_ascii=False))
    else:
        passed = sum(v.passed for v in report.verdicts)
        verdict = "passed" if report.passed else "not passed"
        print(
            f"{args.project.name}: {challenge.name} {verdict} ({passed} of "
            f"{len(report.verdicts)} checks)"
        )
        for v in report.verdicts:
            print(f"  {'✓' if v.passed else '✗'} {v.check.label}: {v.message}")
        if report.matches_solution:
            print("  (the network is exactly the challenge's own solution)")
    return 0 if report.passed else NOT_PASSED
