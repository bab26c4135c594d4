"""What makes a check trustworthy: measured on held-out data by the checker, blind to numbers
stored in the project, to other data, and to a solution loaded and called one's own; the
transfer challenge on photos; progress; challenge files checked on load."""

import json
import zipfile
from dataclasses import replace

import pytest

from playground.core.data.ref import DatasetRef
from playground.core.data.registry import load_dataset
from playground.core.io.project import load_project, save_project
from playground.core.practice.challenge import ChallengeError, find_challenge, parse_challenge
from playground.core.practice.grade import grade, solution_project, start_project
from playground.core.practice.progress import NEW, PASSED, TRIED, WITH_SOLUTION, Progress
from playground.core.training.evaluate import evaluate_model
from practice_helpers import trained


@pytest.fixture(scope="module")
def gauss():
    """(the one-line challenge, its solution trained, the start trained: wrong)."""
    c = find_challenge("neuron-one-line")
    return c, trained(solution_project(c)), trained(start_project(c))


def test_metrics_are_measured_on_the_validation_split(gauss):
    c, good, _ = gauss
    data = load_dataset(c.start.dataset)
    report = grade(c, good)
    loss, accuracy, _ = evaluate_model(good.build_trained_model(), data.x_val, data.y_val)
    assert report.measured["val_accuracy"] == pytest.approx(accuracy)
    assert report.measured["val_loss"] == pytest.approx(loss)


def test_other_data_or_another_split_is_refused(gauss):
    c, good, _ = gauss
    # a larger training share would train on the challenge's validation points
    for options in ({"test_ratio": 0.1}, {"noise": 0.0}):
        report = grade(c, replace(good, dataset=DatasetRef("gauss", options)))
        assert not report.passed
        assert "this challenge is on gauss with" in report.verdicts[0].message
        assert "not measured" in report.verdicts[-1].message
    report = grade(c, replace(good, dataset=DatasetRef("circle")))
    assert report.verdicts[0].message.startswith("this challenge is on the gauss data set")


def test_numbers_written_into_the_file_change_nothing(gauss, tmp_path):
    """A wrong answer whose history.json claims 100 % still fails: nothing stored is read."""
    c, _, wrong = gauss
    path = tmp_path / "claim.playground"
    save_project(path, replace(wrong, spec=solution_project(c).spec, weights=None))
    with zipfile.ZipFile(path) as z:
        members = {n: z.read(n) for n in z.namelist()}
    history = json.loads(members["history.json"])
    for e in history["epochs"]:
        e.update(val_accuracy=1.0, val_loss=0.0)
    members["history.json"] = json.dumps(history).encode()
    with zipfile.ZipFile(path, "w") as z:
        for n, raw in members.items():
            z.writestr(n, raw)
    report = grade(c, load_project(path))
    assert not report.passed
    assert "no trained weights" in report.verdicts[-1].message


def _rewritten(path, member, change):
    """The project file at path with one JSON member changed by hand (change edits it)."""
    with zipfile.ZipFile(path) as z:
        members = {n: z.read(n) for n in z.namelist()}
    value = json.loads(members[member])
    change(value)
    members[member] = json.dumps(value).encode()
    with zipfile.ZipFile(path, "w") as z:
        for n, raw in members.items():
            z.writestr(n, raw)


def test_an_epoch_count_edited_in_the_file_is_not_trusted(tmp_path):
    """Trained 6 epochs, the file edited to claim 2: the record no longer matches its seal."""
    c = find_challenge("descent-two-epochs")
    solution = solution_project(c)
    six = trained(replace(solution, config=replace(solution.config, epochs=6)))
    assert "has trained 6 epochs; this asks for at most 2" in _messages(grade(c, six))
    path = tmp_path / "six.playground"
    save_project(path, six)
    assert load_project(path).sealed and grade(c, load_project(path)).verdicts[-1].passed
    _rewritten(path, "history.json", lambda h: h.update(epochs=h["epochs"][:2]))
    edited = load_project(path)
    assert not edited.sealed and "does not match its weights" in edited.notes[0]
    report = grade(c, edited)
    assert not report.passed and report.verdicts[-1].passed  # the accuracy is measured
    assert "training record does not match its weights" in _messages(report)
    save_project(path, edited)  # saved again by the app: still not trusted
    assert not load_project(path).sealed


def test_settings_changed_after_training_count_for_nothing():
    """Trained with Adam, then switched to SGD: the check judges what the weights trained with."""
    c = find_challenge("descent-tiny-steps")
    solution = solution_project(c)
    adam = trained(replace(solution, config=replace(solution.config, optimizer="adam")))
    switched = replace(adam, config=replace(adam.config, optimizer="sgd"))
    message = "your network trained with optimizer adam; this asks for sgd"
    assert message in _messages(grade(c, switched))
    assert "your network trained with optimizer sgd" in _messages(grade(c, trained(solution)))


def _messages(report) -> str:
    return " | ".join(v.message for v in report.verdicts)


def test_a_pass_after_the_solution_was_shown_is_marked(gauss, tmp_path):
    c, good, wrong = gauss
    progress = Progress(tmp_path / "practice.json")
    assert progress.get(c.name).status == NEW
    progress.attempted(c.name, grade(c, wrong))
    assert progress.get(c.name).status == TRIED
    progress.revealed(c.name)
    report = grade(c, good)
    assert report.matches_solution
    progress.attempted(c.name, report)
    again = Progress(tmp_path / "practice.json")  # kept in the file
    record = again.get(c.name)
    assert record.status == WITH_SOLUTION and record.attempts == 2 and record.revealed
    assert record.best["val_accuracy"] == report.measured["val_accuracy"]


def test_progress_keeps_passes_hints_predictions_and_the_path(gauss, tmp_path):
    c, good, _ = gauss
    progress = Progress(tmp_path / "practice.json")
    progress.attempted(c.name, grade(c, good))
    progress.hint_shown(c.name, 2)
    assert progress.predict("weights-digit-templates", 1) == 1
    assert progress.predict("weights-digit-templates", 2) == 1  # locked in
    again = Progress(tmp_path / "practice.json")
    assert again.get(c.name).status == PASSED and again.get(c.name).hints == 2
    assert again.get("weights-digit-templates").predicted == 1
    from playground.core.practice.challenge import all_challenges

    path = again.ideas_path(all_challenges())
    assert path[0][0] == "Neuron" and path[-1][0] == "Transfer learning"
    assert (c, PASSED) in path[0][1]


def test_a_damaged_progress_file_starts_afresh(tmp_path):
    path = tmp_path / "practice.json"
    path.write_bytes(b"\x00garbage")
    progress = Progress(path)
    assert progress.records == {} and "could not be read" in progress.problem
    path.write_text(json.dumps({"format": "playground.progress", "challenges": {"a": 3}}))
    assert "must be an object" in Progress(path).problem


_NODE = {"id": "a", "type": "Linear", "params": {"out_features": 2}, "inputs": ["input"]}


def _file(**changes):
    base = {
        "format": "playground.challenge",
        "version": 1,
        "name": "x",
        "idea": "neuron",
        "title": "X",
        "goal": "Do x.",
        "start": {"dataset": "xor", "preset": "mlp"},
        "checks": [{"kind": "limit", "what": "params", "max": 10}],
        "hints": ["h"],
        "solution": {},
    }
    return {**base, **changes}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": "Bad Name"}, "name must be"),
        ({"idea": "magic"}, "idea must be one of"),
        ({"checks": []}, "at least one check"),
        ({"checks": [{"kind": "vibes"}]}, "kind must be one of"),
        ({"checks": [{"kind": "limit", "what": "params"}]}, "give a min or a max"),
        ({"checks": [{"kind": "limit", "what": "params", "max": 1}] * 13}, "at most 12"),
        ({"hints": ["h" * 5000]}, "text of 1 to 1200 characters"),
        ({"start": {"dataset": "xor", "preset": "nope"}}, "unknown preset"),
        ({"start": {"dataset": "xor", "layers": [{"type": "Nope"}]}}, "unknown layer type"),
        ({"start": {"dataset": "xor", "preset": "mlp", "training": {"lr": -1}}}, "learning rate"),
        ({"predict": {"question": "q", "choices": ["a"], "answer": 0}}, "at least 2 choices"),
        ({"start": {"dataset": "xor", "nodes": [_NODE]}}, "need the output node's id"),
        ({"start": {"dataset": "xor", "nodes": [_NODE], "output": "b"}}, "output"),
        ({"start": {"dataset": "xor", "nodes": [_NODE], "output": "a", "preset": "mlp"}}, "one of"),
        (
            {"checks": [{"kind": "metric", "metric": "val_r2", "min": 0.9}]},
            "does not score classes",
        ),
        (
            {
                "start": {"dataset": "sine", "preset": "mlp"},
                "checks": [{"kind": "metric", "metric": "val_accuracy", "min": 0.9}],
            },
            "val_accuracy does not score a regression",
        ),
        ({"predict": {"question": "q", "choices": ["a", "b"], "answer": 5}}, "answer"),
    ],
)
def test_bad_challenge_files_are_refused_in_one_line(changes, message):
    with pytest.raises(ChallengeError, match=message):
        parse_challenge(_file(**changes))


def test_unknown_challenge_lists_the_known_ones():
    known = r"no challenge called 'nope' \(known: neuron-one-line"
    with pytest.raises(ChallengeError, match=known):
        find_challenge("nope")


@pytest.fixture(scope="module")
def photo_answer(tmp_path_factory):
    from playground.bench.shapes import make_photos
    from playground.core.training.config import TrainConfig
    from playground.core.training.features import FeatureCache
    from playground.core.workflows.transfer import prepare_transfer

    c = find_challenge("transfer-frozen")
    photos = make_photos(tmp_path_factory.mktemp("photos"), 12)
    cache = FeatureCache(tmp_path_factory.mktemp("home") / "features")
    config = TrainConfig(**{**c.solution.training.to_dict(), "device": "cpu"})
    t = prepare_transfer(photos, config, cache=cache)
    t.trainer.run()
    return c, t.project()


def test_transfer_on_own_photos_passes_and_fine_tuning_fails(photo_answer):
    c, project = photo_answer
    report = grade(c, project)
    assert report.passed, [v.message for v in report.verdicts if not v.passed]
    spec = project.spec.with_param(0, "fine_tune", True)
    report = grade(c, replace(project, spec=spec, weights=None))
    messages = [v.message for v in report.verdicts if not v.passed]
    assert any("layer 1 has fine_tune on); this asks for them frozen" in m for m in messages)
    report = grade(c, replace(project, dataset=DatasetRef("mnist5k")))
    assert "your own photos" in report.verdicts[0].message


ODD = [0, -1, 2.5, 10**400, 1e300, True, None, "x", "", [], {}, [1], {"a": 1}, "h" * 3000]


def _mutated(value, rng):
    """value with one field somewhere replaced by an odd one."""
    if isinstance(value, dict) and value and rng.random() < 0.8:
        key = rng.choice(sorted(value))
        return {**value, key: _mutated(value[key], rng)}
    if isinstance(value, list) and value and rng.random() < 0.8:
        i = rng.randrange(len(value))
        return [*value[:i], _mutated(value[i], rng), *value[i + 1 :]]
    return rng.choice(ODD)


def test_random_challenge_files_are_read_or_refused_in_one_line(tmp_path):
    """Every shipped challenge with random fields broken: a challenge or a ChallengeError,
    never another exception; the same for random progress files."""
    import random

    from playground.core.practice.challenge import _folder

    rng = random.Random(7)
    files = [json.loads(p.read_text()) for p in sorted(_folder().glob("*.json"))]
    for _ in range(600):
        data = _mutated(rng.choice(files), rng)
        try:
            parse_challenge(data)
        except ChallengeError as e:
            assert "\n" not in str(e) and len(str(e)) < 400
    progress = {"format": "playground.progress", "challenges": {"a": {"attempts": 1}}}
    path = tmp_path / "practice.json"
    for _ in range(200):
        path.write_text(json.dumps(_mutated(progress, rng), default=str))
        Progress(path).get("a")
