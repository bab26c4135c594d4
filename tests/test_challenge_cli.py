"""`playground challenge list|check`, run in-process."""

import json

import pytest

from playground.cli import main
from playground.core.io.project import save_project
from playground.core.practice.challenge import all_challenges, find_challenge
from playground.core.practice.grade import solution_project, start_project
from practice_helpers import trained


def test_list_names_every_challenge(capsys):
    assert main(["challenge", "list"]) == 0
    out = capsys.readouterr().out
    assert out.count("\n") == len(all_challenges())
    assert out.startswith("neuron-one-line ") and " Neuron: Reach 95 %" in out
    assert main(["challenge", "list", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["name"] for r in rows] == [c.name for c in all_challenges()]
    assert rows[0]["checks"] == [
        "Hidden layers: at most 0",
        "Accuracy on the validation data at least 95 %",
    ]


@pytest.fixture(scope="module")
def projects(tmp_path_factory):
    c = find_challenge("neuron-one-line")
    folder = tmp_path_factory.mktemp("graded")
    good, wrong = folder / "good.playground", folder / "wrong.playground"
    save_project(good, trained(solution_project(c)))
    save_project(wrong, trained(start_project(c)))
    return good, wrong


def test_check_grades_a_saved_project(projects, capsys):
    good, wrong = projects
    assert main(["challenge", "check", "neuron-one-line", str(good)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "good.playground: neuron-one-line passed (3 of 3 checks)"
    assert out[-1] == "  (the network is exactly the challenge's own solution)"
    assert main(["challenge", "check", "neuron-one-line", str(wrong), "--json"]) == 2
    report = json.loads(capsys.readouterr().out)
    assert report["passed"] is False
    hidden = report["checks"][1]
    assert hidden == {
        "kind": "limit",
        "check": "Hidden layers: at most 0",
        "passed": False,
        "message": "your network has 2 hidden layers; this asks for at most 0",
    }
    assert 0.4 < report["measured"]["val_accuracy"] <= 1


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["nope", "{good}"], "no challenge called 'nope'"),
        (["neuron-one-line", "{missing}"], "cannot open missing.playground"),
        (["neuron-one-line", "{junk}"], "junk.playground is not a Neural Playground project"),
    ],
)
def test_errors_are_one_line_and_exit_1(projects, tmp_path, capsys, argv, message):
    junk = tmp_path / "junk.playground"
    junk.write_text("hello")
    paths = {"good": projects[0], "missing": tmp_path / "missing.playground", "junk": junk}
    argv = [a.format(**paths) for a in argv]
    assert main(["challenge", "check", *argv, "--json"]) == 1
    captured = capsys.readouterr()
    assert message in json.loads(captured.out)["error"]
    assert captured.err.count("\n") == 1 and message in captured.err
