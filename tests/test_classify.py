"""Classification: preprocessing, the handwriting photos, bad images, the command line."""

import json

import numpy as np
import pytest
import torch
from PIL import Image

from cli_helpers import run_playground
from handwriting import photo_of_digit
from playground.core.data.imageio import ImageError, open_image
from playground.core.data.preprocess import mnist_recipe
from playground.core.inspect.inference import classify
from playground.core.io.project import save_project


def test_mnist_recipe_centres_the_ink():
    paper = np.full((300, 200), 0.85, dtype=np.float32)
    paper[30:90, 150:170] = 0.1  # a dark stroke in a corner
    out = mnist_recipe(paper)[0]
    assert out.shape == (28, 28)
    rows = np.nonzero(out > 0.3)[0]
    assert rows.max() - rows.min() + 1 <= 21  # fits the 20×20 box
    ys, xs = np.indices(out.shape)
    assert abs((ys * out).sum() / out.sum() - 14) < 1.5
    assert abs((xs * out).sum() / out.sum() - 14) < 1.5
    assert out[0].max() == 0 and out[:, 0].max() == 0  # paper became black


def test_photos_of_handwriting(digit_model, mnist5k):
    model = digit_model[0]
    right = naive = 0
    count = 60
    for i in range(count):
        digit = i % 10
        img = photo_of_digit(digit, seed=500 + i)
        right += classify(model, img, mnist5k.preprocessing, mnist5k.class_names).top[0][0] == str(
            digit
        )
        gray = np.asarray(img.convert("L").resize((28, 28)), dtype=np.float32) / 255
        x = (torch.from_numpy(gray)[None, None] - mnist5k.preprocessing.mean[0]) / (
            mnist5k.preprocessing.std[0]
        )
        naive += int(model(x).argmax()) == digit
    print(f"handwriting photos: app {right / count:.0%}, naive resize {naive / count:.0%}")
    assert right / count > 0.5
    assert naive / count < 0.3


def test_prediction_parts(digit_model, mnist5k):
    model = digit_model[0]
    pred = classify(model, photo_of_digit(3, 1), mnist5k.preprocessing, mnist5k.class_names, 4)
    assert len(pred.top) == 4
    assert pred.probabilities.sum() == pytest.approx(1, abs=1e-5)
    assert pred.model_input.shape == (1, 28, 28) and pred.saliency.shape == (28, 28)
    assert pred.saliency.max() == pytest.approx(1)


def _write(tmp_path, name, make):
    path = tmp_path / name
    make(path)
    return path


def test_odd_but_valid_images(tmp_path, digit_model, mnist5k):
    model = digit_model[0]
    base = photo_of_digit(5, 2)
    paths = [
        _write(tmp_path, "rgba.png", lambda p: base.convert("RGBA").save(p)),
        _write(tmp_path, "palette.gif", lambda p: base.convert("P").save(p)),
        _write(tmp_path, "cmyk.jpg", lambda p: base.convert("CMYK").save(p)),
        _write(
            tmp_path,
            "sixteen.png",
            lambda p: Image.fromarray(np.asarray(base.convert("L"), dtype=np.uint16) * 257).save(p),
        ),
        _write(
            tmp_path,
            "anim.gif",
            lambda p: base.save(p, save_all=True, append_images=[base.rotate(30)], duration=100),
        ),
    ]
    for path in paths:
        pred = classify(model, open_image(path), mnist5k.preprocessing, mnist5k.class_names)
        assert 0 <= pred.top[0][1] <= 1, path.name


def test_huge_image_is_reduced_not_refused(tmp_path):
    path = tmp_path / "huge.png"
    Image.new("L", (20000, 300), 200).save(path)
    img = open_image(path)
    assert max(img.size) <= 2048


@pytest.mark.parametrize(
    "name,data,message",
    [
        ("empty.png", b"", "empty"),
        ("text.png", b"this is not an image", "not an image file"),
        ("trunc.png", None, "damaged or truncated"),
    ],
)
def test_bad_images(tmp_path, name, data, message):
    path = tmp_path / name
    if data is None:
        photo_of_digit(1, 1).save(path)
        path.write_bytes(path.read_bytes()[:300])
    else:
        path.write_bytes(data)
    with pytest.raises(ImageError, match=message):
        open_image(path)
    with pytest.raises(ImageError, match="folder"):
        open_image(tmp_path)


def test_cli_classify(tmp_path, digit_model):
    _, project = digit_model
    path = tmp_path / "digits.playground"
    save_project(path, project)
    images = []
    for d in (0, 7):
        images.append(tmp_path / f"digit{d}.png")
        photo_of_digit(d, 40 + d).save(images[-1])
    (tmp_path / "bad.png").write_bytes(b"nope")
    r = run_playground("classify", str(path), *map(str, images), "--top", "2", "--json")
    assert r.returncode == 0, r.stderr
    result = json.loads(r.stdout)
    assert [len(x["top"]) for x in result] == [2, 2]
    assert abs(sum(t["probability"] for t in result[0]["top"])) <= 1.0001
    r = run_playground("classify", str(path), str(tmp_path / "bad.png"), str(images[0]))
    assert r.returncode == 1 and "bad.png: error:" in r.stdout and "digit0.png:" in r.stdout
