"""Every challenge: its solution, trained, passes; a known wrong answer fails with the message
that says what is wrong. Answers are built with the functions the Practice panel uses."""

from dataclasses import replace

import pytest

from playground.core.model.spec import LayerSpec
from playground.core.practice.challenge import all_challenges, find_challenge
from playground.core.practice.grade import grade, solution_project, start_project
from practice_helpers import trained

L = LayerSpec.make


def _start(name):
    return start_project(find_challenge(name))


def _trained_start(name):
    return trained(_start(name))


def _with_layers(project, *layers):
    return replace(project, spec=project.spec.with_layers(layers))


# name: (a wrong answer, a message its checks must give)
WRONG = {
    "neuron-one-line": (
        lambda: _trained_start("neuron-one-line"),
        "your network has 2 hidden layers; this asks for at most 0",
    ),
    "neuron-xor-fewest": (
        lambda: _start("neuron-xor-fewest"),
        "your network has 16 hidden neurons; this asks for at most 4",
    ),
    "weights-budget": (
        lambda: _start("weights-budget"),
        "your network has 8,770 parameters; this asks for at most 30",
    ),
    "weights-digit-templates": (
        lambda: _start("weights-digit-templates"),
        "your network has trained 0 epochs; this asks for at least 1",
    ),
    "activation-none": (
        lambda: _with_layers(
            _start("activation-none"),
            L("Linear", out_features=8),
            L("ReLU"),
            L("Linear", out_features=2),
        ),
        "your network is not the one this challenge starts with",
    ),
    "activation-bring-back": (
        lambda: _trained_start("activation-bring-back"),
        "this asks for at least 90 %",
    ),
    "activation-features": (
        lambda: _with_layers(
            solution_project(find_challenge("activation-features")),
            L("Linear", out_features=8),
            L("ReLU"),
            L("Linear", out_features=2),
        ),
        "your network has an activation function (ReLU, layer 2); this asks for none",
    ),
    "cost-below": (lambda: _trained_start("cost-below"), "this asks for at most 0.2"),
    "cost-untrained": (
        lambda: _start("cost-untrained"),
        "your network has taken 0 training steps; this asks for at least 1",
    ),
    "descent-tiny-steps": (
        lambda: _trained_start("descent-tiny-steps"),
        "this asks for at most 0.1",
    ),
    "descent-two-epochs": (
        lambda: _trained_start("descent-two-epochs"),
        "this asks for at least 95 %",
    ),
    "backprop-one-step": (
        lambda: _start("backprop-one-step"),
        "your network has taken 0 training steps",
    ),
    "overfitting-l2": (
        lambda: _trained_start("overfitting-l2"),
        "the network learned its training points by heart",
    ),
    "overfitting-dropout": (
        lambda: _trained_start("overfitting-dropout"),
        "your network has no Dropout layer; this asks for one",
    ),
    "overfitting-smaller": (
        lambda: _trained_start("overfitting-smaller"),
        "the network learned its training points by heart",
    ),
    "convolution-first": (
        lambda: _trained_start("convolution-first"),
        "your network has no Conv2d before its first Linear layer",
    ),
    "pooling-budget": (
        lambda: _start("pooling-budget"),
        "your network has no MaxPool2d layer; this asks for one",
    ),
    "pooling-size": (
        lambda: _start("pooling-size"),
        "your network has trained 0 epochs; this asks for at least 1",
    ),
    "depth-rescue": (
        lambda: _trained_start("depth-rescue"),
        "this asks for at least 90 %",
    ),
    "depth-vanishing": (
        lambda: _start("depth-vanishing"),
        "your network has trained 0 epochs",
    ),
    "probability-softmax": (
        lambda: _trained_start("probability-softmax"),
        "your network ends with Linear; this asks for it to end with Softmax",
    ),
    "probability-sum": (
        lambda: _with_layers(_start("probability-sum"), L("Linear", out_features=2)),
        "your network is not the one this challenge starts with",
    ),
    "skip-deep-sigmoid": (
        lambda: _trained_start("skip-deep-sigmoid"),
        "your network has no skip connection; draw one",
    ),
    "skip-same-shape": (
        lambda: _start("skip-same-shape"),
        "your network has no trained weights",
    ),
    "regression-free-output": (
        lambda: _trained_start("regression-free-output"),
        "your network ends with Sigmoid; this asks for it to end with Linear",
    ),
    "regression-straight-line": (
        lambda: _start("regression-straight-line"),
        "your network has trained 0 epochs; this asks for at least 1",
    ),
    "regression-sine": (
        lambda: _trained_start("regression-sine"),
        "this asks for at least 0.9",
    ),
    "regression-error-units": (
        lambda: _trained_start("regression-error-units"),
        "this asks for at most 0.08",
    ),
}
ON_TOY_OR_DIGITS = [c.name for c in all_challenges() if c.start.dataset is not None]


def test_at_least_twenty_challenges_cover_every_idea():
    from playground.core.practice.challenge import IDEAS

    challenges = all_challenges()
    assert len(challenges) >= 20
    assert {c.idea for c in challenges} == {key for key, _ in IDEAS}
    assert sum(c.predict is not None for c in challenges) >= 5
    assert set(WRONG) == set(ON_TOY_OR_DIGITS)


@pytest.mark.parametrize("name", ON_TOY_OR_DIGITS)
def test_solution_passes(name):
    challenge = find_challenge(name)
    report = grade(challenge, trained(solution_project(challenge)))
    failed = [f"{v.check.label}: {v.message}" for v in report.verdicts if not v.passed]
    assert report.passed, failed
    assert report.matches_solution


@pytest.mark.parametrize("name", ON_TOY_OR_DIGITS)
def test_wrong_answer_fails_saying_why(name):
    make, message = WRONG[name]
    report = grade(find_challenge(name), make())
    assert not report.passed
    messages = [v.message for v in report.verdicts if not v.passed]
    assert any(message in m for m in messages), messages
