"""Why this answer: saliency, Grad-CAM, Integrated Gradients and occlusion maps."""

import json
import sys

import numpy as np
import pytest
import torch
from PIL import Image

from playground.cli import main
from playground.core.data.dataset import denormalise
from playground.core.inspect.explain import METHODS, ExplainError, explain, ig_attributions
from playground.core.inspect.inference import inference_copy
from playground.core.io.project import save_project
from playground.core.io.trained import trained_project
from playground.core.model.presets import preset
from playground.core.training.config import TrainConfig
from playground.core.training.trainer import Trainer


@pytest.fixture(scope="module")
def cnn(mnist5k):
    """small-cnn after one epoch on mnist5k (~93 % validation accuracy): (model, trainer)."""
    spec = preset("small-cnn", mnist5k.input_shape, 10)
    t = Trainer(spec, mnist5k, TrainConfig(epochs=1, seed=1, batch_size=32, lr=2e-3))
    t.run()
    return inference_copy(t.model), t


def _digits(data, n):
    return denormalise(data.x_val[:n], data.preprocessing).numpy()


def test_integrated_gradients_add_up_to_the_score_difference(cnn, mnist5k):
    model = cnn[0]
    for x in mnist5k.x_val[:3]:
        x = x[None]
        black = (torch.zeros_like(x) - mnist5k.preprocessing.mean[0]) / mnist5k.preprocessing.std[0]
        with torch.no_grad():
            scores, base = model(x)[0], model(black)[0]
        target = int(scores.argmax())
        total = float(ig_attributions(model, x, target, black).sum())
        expected = float(scores[target] - base[target])
        assert total == pytest.approx(expected, rel=0.05)


def test_grad_cam_peaks_on_the_digit(cnn, mnist5k):
    model, inside, mass, area = cnn[0], 0, [], []
    pictures = _digits(mnist5k, 30)
    for picture in pictures:
        heat = explain(model, picture, mnist5k.preprocessing, "gradcam").heatmap
        rows, cols = np.nonzero(picture[0] > 0.3)  # the ink's bounding box, 1 pixel around
        top, bottom, left, right = rows.min() - 1, rows.max() + 1, cols.min() - 1, cols.max() + 1
        y, x = np.unravel_index(heat.argmax(), heat.shape)
        inside += top <= y <= bottom and left <= x <= right
        box = np.zeros_like(heat, dtype=bool)
        box[max(top, 0) : bottom + 1, max(left, 0) : right + 1] = True
        mass.append(heat[box].sum() / heat.sum())
        area.append(box.mean())
    assert inside >= 0.8 * len(pictures)
    assert np.mean(mass) > np.mean(area) + 0.15  # the map is where the ink is, not spread out


@pytest.mark.parametrize("method", list(METHODS))
def test_every_method_gives_a_map_aligned_with_the_input(cnn, mnist5k, method):
    model, picture = cnn[0], _digits(mnist5k, 1)[0]
    top = explain(model, picture, mnist5k.preprocessing, method)
    other = explain(model, picture, mnist5k.preprocessing, method, target=(top.target + 1) % 10)
    x = (torch.from_numpy(picture)[None] - mnist5k.preprocessing.mean[0]) / (
        mnist5k.preprocessing.std[0]
    )
    probs = torch.softmax(model(x), dim=1)[0]
    assert top.target == int(probs.argmax())
    assert top.probability == pytest.approx(float(probs.max()), rel=1e-5)
    assert other.probability < top.probability
    for e in (top, other):
        assert e.heatmap.shape == (28, 28) and e.heatmap.dtype == np.float32
        assert e.heatmap.min() >= 0 and e.heatmap.max() <= 1
    assert top.heatmap.max() == pytest.approx(1)


def test_grad_cam_needs_convolutions_and_classes_must_exist(mnist5k):
    spec = preset("mlp", mnist5k.input_shape, 10)
    model = inference_copy(Trainer(spec, mnist5k, TrainConfig(epochs=1)).model)
    picture = _digits(mnist5k, 1)[0]
    with pytest.raises(ExplainError, match="convolution"):
        explain(model, picture, mnist5k.preprocessing, "gradcam")
    with pytest.raises(ExplainError, match="class 12"):
        explain(model, picture, mnist5k.preprocessing, "saliency", target=12)


def test_explain_command_writes_the_overlay(cnn, mnist5k, tmp_path, capsys):
    project = tmp_path / "digits.playground"
    save_project(project, trained_project(cnn[1]))
    image = tmp_path / "seven.png"
    picture = _digits(mnist5k, 1)[0]
    Image.fromarray((picture[0] * 255).astype(np.uint8)).save(image)
    out = tmp_path / "why.png"
    argv = ["explain", str(project), str(image), "--method", "occlusion", "-o", str(out)]
    assert main([*argv, "--target", "3", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["target"] == "3" and 0 <= result["probability"] <= 1
    assert result["file"] == str(out)
    with Image.open(out) as img:
        assert img.mode == "RGB" and img.size == (224, 224)  # 28×28 enlarged to be seen
    assert main([*argv, "--target", "dog"]) == 1
    assert "no class 'dog'" in capsys.readouterr().err


def test_without_captum_saliency_still_works_and_the_others_say_what_to_install(
    cnn, mnist5k, monkeypatch
):
    monkeypatch.setitem(sys.modules, "captum", None)
    monkeypatch.setitem(sys.modules, "captum.attr", None)
    picture = _digits(mnist5k, 1)[0]
    assert explain(cnn[0], picture, mnist5k.preprocessing, "saliency").heatmap.max() == 1
    with pytest.raises(ExplainError, match=r"needs Captum: pip install -e \"\.\[explain\]\""):
        explain(cnn[0], picture, mnist5k.preprocessing, "ig")
