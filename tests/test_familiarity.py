"""Honesty about strangers: a digit network flags noise and photos, not held-out digits."""

import json

import numpy as np
import pytest
from PIL import Image
from test_project import _meta, _zip

from cli_helpers import run_playground
from playground.bench.shapes import photo
from playground.core.data.dataset import denormalise
from playground.core.errors import ProjectError
from playground.core.inspect.familiarity import Familiarity
from playground.core.inspect.inference import classify
from playground.core.io.project import load_project, save_project


@pytest.fixture(scope="module")
def digits(digit_mlp):
    return digit_mlp


def _strangeness(digits, img):
    model, project = digits
    p = classify(model, img, project.preprocessing, project.class_names, 3, project.familiarity)
    return p.strangeness


def _noise(seed):
    rng = np.random.default_rng(seed)
    return Image.fromarray(rng.integers(0, 255, (100, 120, 3), dtype=np.uint8))


def test_noise_and_photos_are_strangers_held_out_digits_are_not(digits, mnist5k):
    assert all(_strangeness(digits, _noise(s)) > 1 for s in range(3))
    rng = np.random.default_rng(0)
    photos = [photo(kind, rng) for kind in ("disks", "stripes", "checks") * 2]
    assert sum(_strangeness(digits, p) > 1 for p in photos) >= 4
    raw = denormalise(mnist5k.x_val[:200], mnist5k.preprocessing).clamp(0, 1).numpy()
    held_out = [Image.fromarray((a[0] * 255).astype(np.uint8)) for a in raw]
    flagged = sum(_strangeness(digits, img) > 1 for img in held_out)
    assert flagged <= 6  # calibrated to flag 1 in 100 validation digits


def test_the_project_keeps_the_statistics(digits, tmp_path):
    _, project = digits
    path = tmp_path / "digits.playground"
    save_project(path, project)
    assert load_project(path).familiarity == project.familiarity
    assert project.familiarity.threshold > project.familiarity.typical


@pytest.mark.parametrize(
    "value,message",
    [
        ({"typical": 1, "threshold": 0, "percentile": 99}, "threshold must be above"),
        ({"typical": "x", "threshold": 2, "percentile": 99}, "familiarity typical must be"),
        ({"typical": 0, "threshold": 2, "percentile": 9}, "familiarity percentile must be"),
        ([1, 2], "familiarity must be an object"),
    ],
)
def test_bad_statistics_are_refused_on_load(tmp_path, value, message):
    path = tmp_path / "bad.playground"
    _zip(path, {"project.json": _meta(familiarity=value)})
    with pytest.raises(ProjectError, match=message):
        load_project(path)


def test_classify_json_says_whether_each_image_is_a_stranger(digits, mnist5k, tmp_path):
    path = tmp_path / "digits.playground"
    save_project(path, digits[1])
    digit = denormalise(mnist5k.x_val[:1], mnist5k.preprocessing).clamp(0, 1)[0, 0].numpy()
    Image.fromarray((digit * 255).astype(np.uint8)).save(tmp_path / "digit.png")
    _noise(5).save(tmp_path / "noise.png")
    images = [str(tmp_path / "digit.png"), str(tmp_path / "noise.png")]
    r = run_playground("classify", str(path), *images, "--json")
    assert r.returncode == 0, r.stderr
    assert [x["stranger"] for x in json.loads(r.stdout)] == [False, True]
    r = run_playground("classify", str(path), *images)
    lines = r.stdout.splitlines()
    assert "looks nothing like the handwritten digits" in lines[1]
    assert "looks nothing like" not in lines[0]


def test_a_network_without_statistics_says_nothing(digits):
    model, project = digits
    p = classify(model, _noise(1), project.preprocessing, project.class_names, 3)
    assert p.strangeness is None and not p.stranger
    assert Familiarity.from_dict(project.familiarity.to_dict()) == project.familiarity


def test_a_handful_of_validation_samples_calibrates_nothing(digits, mnist5k):
    from playground.core.inspect.familiarity import MIN_SAMPLES, fit_familiarity
    from playground.core.model.build import logits_part

    model, _ = digits
    # the largest of a few scores would call the next ordinary sample a stranger
    assert fit_familiarity(logits_part(model), mnist5k.x_val[: MIN_SAMPLES - 1]) is None
    assert fit_familiarity(logits_part(model), mnist5k.x_val[:MIN_SAMPLES]) is not None


def test_too_few_validation_samples_say_there_is_no_stranger_check():
    from playground.core.inspect.familiarity import MIN_SAMPLES, uncalibrated_note

    note = uncalibrated_note(12)
    assert note.startswith("No stranger check") and f"needs {MIN_SAMPLES}" in note
    assert "has 12" in note and "Add pictures" in note
    assert uncalibrated_note(MIN_SAMPLES) == ""
