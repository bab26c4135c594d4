"""Fuzz: thousands of random specs at the parsers, and a corpus of broken files of every kind at
the command line. Nothing may escape as a traceback, every refusal must say what is wrong, and
the command-line child must stay under 1 GB. Seeded, so a failure repeats; about a minute."""

from __future__ import annotations

import json
import math
import os
import random
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from broken_files import (
    bad_exif_jpeg,
    deep_gray_png,
    digits_idx,
    huge_png,
    idx_bytes,
    lab_tiff,
    project_bomb,
    write_idx_pair,
    zip_bytes,
)
from PIL import Image

from playground.core.data.ref import DatasetRef, Preprocessing
from playground.core.errors import PlaygroundError
from playground.core.model.layers import CATALOG, Param
from playground.core.model.spec import NetworkSpec
from playground.core.training.config import TrainConfig

SPECS = 2500
PEAK_MB = 1024
ODD = [
    0, -1, 1, 2, 3, 7, 64, 1024, 65536, 70000, 10**12, -(10**30), 10**400, 0.5, -0.0, 2.5,
    1e300, math.nan, math.inf, -math.inf, True, False, None, "3", "ten", [], {}, [3], {"a": 1},
]  # fmt: skip
SHAPES = [
    [2], [784], [1, 28, 28], [3, 32, 32], [3, 8, 8], [1, 4, 4], [0], [1, 2], [-1], "x", [2.0],
    [True], [1, 28, 28, 1], [3, 10**6, 10**6], [10**9], [],
]  # fmt: skip
FLAT = {"Linear", "ReLU", "LeakyReLU", "Sigmoid", "Tanh", "GELU", "ReLU6", "Dropout", "BatchNorm1d"}
NAMES_A_REFUSAL_USES = (
    "layer", "input_shape", "network", "json", "format", "version", "nests", "must", "larger",
)  # fmt: skip


def _value(rng: random.Random, p: Param | None) -> object:
    if p is not None and rng.random() < 0.9:  # a plausible value, so that deep layers are reached
        if p.kind is bool:
            return rng.random() < 0.5
        low, high = p.minimum or 0, min(p.maximum or 100, 100)
        return rng.randint(int(low), int(high)) if p.kind is int else rng.uniform(low, high)
    return rng.choice(ODD)


def random_spec_text(rng: random.Random, input_shape: list | None = None) -> str:
    """A network file as a careless or hostile user might write one; input_shape fixes its
    input and makes most layers fit it, and often the two classes of a toy set at the end."""
    layers: list[object] = []
    # layers that fit a flat input, so that many networks are valid
    flat = input_shape is not None or rng.random() < 0.4
    names = [n for n in sorted(CATALOG) if n in FLAT] if flat else sorted(CATALOG)
    for _ in range(rng.randint(0, 12)):
        if rng.random() < 0.03:
            layers.append(rng.choice([[], "Linear", 3, None]))
            continue
        name = rng.choice(names) if rng.random() < 0.97 else rng.choice(["Qux", "", 3])
        layer: dict[str, object] = {"type": name}
        for p in CATALOG[name].params if name in CATALOG else ():
            if rng.random() < 0.7:
                layer[p.name] = _value(rng, p)
        if rng.random() < 0.04:
            layer[rng.choice(["colour", "p", "kernel"])] = _value(rng, None)
        layers.append(layer)
    doc: dict[str, object] = {
        "format": "playground.network" if rng.random() < 0.97 else "keras",
        "version": 1 if rng.random() < 0.95 else rng.choice([2, "1", None, 1.5, 10**30]),
        "input_shape": input_shape or ([rng.randint(1, 50)] if flat else rng.choice(SHAPES)),
        "layers": layers,
    }
    if input_shape and rng.random() < 0.6:
        layers.append({"type": "Linear", "out_features": 2})
    text = json.dumps(doc)  # NaN and Infinity go out as the tokens a hand-edited file may hold
    r = rng.random()
    if r < 0.03:
        depth = rng.choice([40, 1000, 100_000])
        text = '{"layers": ' + "[" * depth + "]" * depth + "}"
    elif r < 0.06:
        text = text.replace("1", "1e400", 1)
    elif r < 0.09:
        text = text[: rng.randrange(len(text) + 1)]
    elif r < 0.12:
        raw = bytearray(text.encode())
        for _ in range(rng.randint(1, 5)):
            raw[rng.randrange(len(raw))] = rng.randrange(256)
        return raw.decode("utf-8", "replace")
    return text


def _says_what(message: str) -> bool:
    return (
        0 < len(message) < 600
        and "\n" not in message
        and any(w in message.lower() for w in NAMES_A_REFUSAL_USES)
    )


def test_random_specs_never_crash_and_every_refusal_says_what():
    from playground.core.model.build import build_model
    from playground.core.model.shapes import infer_shapes

    rng = random.Random(18)
    refused = valid = built = 0
    for _ in range(SPECS):
        text = random_spec_text(rng)
        try:
            spec = NetworkSpec.from_json(text)
        except PlaygroundError as e:
            assert _says_what(str(e)), (text[:300], str(e))
            refused += 1
            continue
        report = infer_shapes(spec, rng.choice([None, 2, 10]))
        if report.error:
            assert report.error.startswith(("Layer ", "The network")), report.error
            continue
        valid += 1
        if report.total_params < 200_000 and built < 150:
            model = build_model(spec).eval()  # building must never fail on a valid report
            import torch

            with torch.no_grad():
                model(torch.zeros(2, *spec.input_shape))
            built += 1
        # the inspector's path: one edit at a time, any value
        if spec.layers:
            i = rng.randrange(len(spec.layers))
            params = CATALOG[spec.layers[i].type].params
            if params:
                p = rng.choice(params)
                try:
                    spec.with_param(i, p.name, _value(rng, None))
                except PlaygroundError as e:
                    assert p.name in str(e), str(e)
    assert refused > SPECS // 10 and valid > SPECS // 20 and built > 50, (refused, valid, built)


@pytest.mark.parametrize("seed", range(3))
def test_random_settings_preprocessing_and_references(seed):
    rng = random.Random(seed)
    for _ in range(400):
        settings = {k: _value(rng, None) for k in rng.sample(list(TrainConfig().to_dict()), 3)}
        pre = {
            "kind": rng.choice(["image", "points", "video", 3]),
            "mean": rng.choice([[0.5], [0.1, 0.2], [math.nan], "x", [1e300]]),
            "std": rng.choice([[0.5], [1.0, 1.0], [0.0], [-1], None]),
            "size": rng.choice([[28, 28], [0, 5], ["a", 3], [10**12, 2], None, 7]),
            "channels": _value(rng, None),
            "recipe": rng.choice(["resize", "mnist", "crop", None]),
            "task": rng.choice(["classification", "regression", "dance", 3, None]),
            "inputs": rng.choice([["age"], ["a", "b"], [3], "age", ["x" * 500], None]),
            "target": rng.choice([[0.0, 1.0], [5, 0], [math.inf, 1], "x", [1], None]),
        }
        ref = {"source": _value(rng, None), "options": rng.choice([{}, [], {"size": {}}, None])}
        for parse, value in (
            (TrainConfig.from_dict, settings),
            (Preprocessing.from_dict, pre),
            (DatasetRef.from_dict, ref),
        ):
            try:
                parse(value)
            except PlaygroundError as e:
                assert 0 < len(str(e)) < 300 and "\n" not in str(e)


# --- the command line, on a corpus of broken files ------------------------------------------------


def _photos(folder: Path, hostile: bool) -> None:
    for cls, colour in (("red", (220, 30, 30)), ("blue", (30, 30, 220))):
        (folder / cls).mkdir(parents=True)
        for i in range(4):
            Image.new("RGB", (12, 12), colour).save(folder / cls / f"{i}.png")
    if hostile:
        bad_exif_jpeg(folder / "red" / "exif.jpg")
        lab_tiff(folder / "blue" / "lab.tif")
        deep_gray_png(folder / "blue" / "deep.png")
        (folder / "red" / "junk.png").write_bytes(b"junk")
        huge_png(folder / "blue" / "huge.png", 10_925, 10_925)


def _mutants(folder: Path, rng: random.Random, count: int) -> list[Path]:
    """Valid PNGs, JPEGs, GIFs and TIFFs with a few bytes flipped or cut short."""
    folder.mkdir()
    pixels = np.random.default_rng(0).integers(0, 255, (20, 20, 3), dtype=np.uint8)
    seeds = []
    for fmt in ("PNG", "JPEG", "GIF", "TIFF", "BMP", "WEBP"):
        path = folder / f"seed.{fmt.lower()}"
        Image.fromarray(pixels).save(path, fmt)
        seeds.append(path.read_bytes())
    paths = []
    for i in range(count):
        raw = bytearray(rng.choice(seeds))
        if rng.random() < 0.3:
            raw = raw[: rng.randrange(8, len(raw))]
        for _ in range(rng.randint(1, 8)):
            raw[rng.randrange(8, len(raw))] = rng.randrange(256)
        path = folder / f"mutant{i}.img"
        path.write_bytes(bytes(raw))
        paths.append(path)
    return paths


def _project_variants(good: Path) -> dict[str, bytes]:
    """Projects broken in every way the issue found, made from a good one's members."""
    import zipfile

    with zipfile.ZipFile(good) as z:
        members = {n: z.read(n) for n in z.namelist()}
    meta = json.loads(members["project.json"])

    def with_meta(**over: object) -> bytes:
        return zip_bytes({**members, "project.json": json.dumps({**meta, **over})})

    pre = meta["preprocessing"]
    raw = good.read_bytes()
    return {
        "bomb": project_bomb(),
        "bomb_lie": project_bomb(declared=100),
        "weights_bomb": project_bomb(member="weights.safetensors", blocks=8),
        "pickle": b"\x80\x04\x95" + b"\0" * 40,
        "text": b"hello",
        "empty": b"",
        "truncated": raw[: len(raw) // 2],
        "no_json": zip_bytes({"weights.safetensors": members["weights.safetensors"]}),
        "deep": zip_bytes({**members, "project.json": "[" * 100_000 + "]" * 100_000}),
        "classes": with_meta(class_names=7),
        "class_list": with_meta(class_names=[{"a": 1}, 2]),
        "pre_size": with_meta(preprocessing={**pre, "mean": "0.5"}),
        "pre_kind": with_meta(preprocessing={**pre, "kind": 5}),
        "pre_nan": with_meta(preprocessing={**pre, "std": [math.nan, 1.0]}),
        "settings": with_meta(training={"seed": 2**80, "lr": "fast"}),
        "augment": with_meta(training={"augment": "crop=9,blur"}),
        "familiarity": with_meta(familiarity={"typical": 3, "threshold": "x"}),
        "options": with_meta(dataset={"source": "xor", "options": [1, 2]}),
        "network": with_meta(network={"format": "playground.network", "version": 1}),
        "history": zip_bytes({**members, "history.json": '{"epochs": [{"epoch": "x"}]}'}),
        "weights": zip_bytes({**members, "weights.safetensors": b"\x10\0\0\0\0\0\0\0{}"}),
        "nan_weights": zip_bytes(
            {**members, "weights.safetensors": _nan_weights(members["weights.safetensors"])}
        ),
        "runs": zip_bytes({**members, "runs.json": '{"runs": 1}'}),
        "run_fields": zip_bytes({**members, "runs.json": '[{"status": "completed"}]'}),
        "run_weights": zip_bytes({**members, "runs.safetensors": members["weights.safetensors"]}),
    }


def _nan_weights(raw: bytes) -> bytes:
    from safetensors.torch import load, save

    weights = load(raw)
    first = next(iter(weights))
    weights[first] = weights[first].clone().fill_(math.nan)
    return save(weights)


def _corpus(tmp: Path, rng: random.Random) -> list[dict]:
    """(argv, what the refusal must name or None for success) of every case."""
    cases: list[dict] = []

    def case(*argv: str, names: str | None, ok: bool = False, shows: str = "") -> None:
        cases.append({"argv": list(argv), "names": names, "ok": ok, "shows": shows})

    train = ("train", "--epochs", "1", "--dataset")
    good, photos = tmp / "good.playground", tmp / "photos.playground"
    case(*train, "xor", "--samples", "40", "mlp", "-o", str(good), names=None, ok=True)
    _photos(tmp / "photos", hostile=True)
    case(*train, str(tmp / "photos"), "--image-size", "8", "perceptron", "-o", str(photos),
         names=None, ok=True, shows="skipped huge.png is too large")  # fmt: skip
    cases.append({"build_projects": str(good)})  # the driver's parent fills these in later

    specs = tmp / "specs"
    specs.mkdir()
    fixed = {
        "deep.json": "[" * 100_000 + "]" * 100_000,
        "inf.json": random_spec_text(random.Random(1)).replace("1,", "Infinity,", 1),
        "big.json": " " * (5 << 20),
        "binary.json": "\udcff\udcfe",
        "absurd.json": json.dumps({
            "format": "playground.network", "version": 1, "input_shape": [2],
            "layers": [{"type": "Linear", "out_features": 65536}] * 3,
        }),
        "nan.json": json.dumps({
            "format": "playground.network", "version": 1, "input_shape": [2],
            "layers": [{"type": "LeakyReLU", "negative_slope": math.nan},
                       {"type": "Dropout", "p": math.nan}, {"type": "Linear", "out_features": 2}],
        }),
    }  # fmt: skip
    for i in range(40):
        fixed[f"random{i}.json"] = random_spec_text(rng, [2])
    os.mkfifo(specs / "pipe.json")
    case("train", str(specs / "pipe.json"), "--dataset", "xor", names="pipe.json is not a file")
    for name, text in fixed.items():
        (specs / name).write_bytes(text.encode("utf-8", "surrogateescape"))
        case("train", str(specs / name), "--dataset", "xor", "--samples", "40", "--epochs", "1",
             names=name if not name.startswith("random") else "")  # fmt: skip

    for name, (images, labels) in {
        "declares_huge": (idx_bytes(0x08, [60000, 60000, 60000]), digits_idx(4)[1]),
        "declares_huge_f8": (idx_bytes(0x0E, [2**31, 2**31]), digits_idx(4)[1]),
        "bomb": (idx_bytes(0x08, [100, 1000, 1000]), digits_idx(4)[1]),
        "truncated": (idx_bytes(0x08, [100, 8, 8], b"\0" * 99), digits_idx(4)[1]),
        "label_200": digits_idx(20, [0, 1] * 9 + [1, 200]),
        "label_negative": digits_idx(20, [0, 1] * 9 + [1, -3], 0x09),
        "label_float": digits_idx(20, [0, 1] * 9 + [1, 0.5], 0x0D),
        "one_sample": digits_idx(1, [0]),
        "no_samples": digits_idx(0, []),
        "mismatch": (digits_idx(10)[0], digits_idx(12)[1]),
        "not_gzip": (b"\x1f\x8b" + b"\0" * 30, digits_idx(4)[1]),
    }.items():
        path = write_idx_pair(tmp / "idx" / name, images, labels)
        case(*train, str(path), "mlp", names="t-")  # each message names the images or labels file

    (tmp / "junk" / "a").mkdir(parents=True)
    (tmp / "junk" / "b").mkdir()
    for cls in ("a", "b"):
        (tmp / "junk" / cls / "x.png").write_bytes(b"junk")
    case(*train, str(tmp / "junk"), "mlp", names="has no readable images")

    for flag, value, names in (
        ("--lr", "nan", "learning rate"),
        ("--weight-decay", "nan", "weight decay"),
        ("--seed", str(2**70), "seed"),
        ("--epochs", "1e400", "--epochs"),
        ("--samples", "-5", "samples"),
        ("--noise", "inf", "noise"),
        ("--batch-size", "0", "batch size"),
        ("--momentum", "1", "momentum"),
        ("--image-size", str(10**9), "size"),
        ("--dataset", "~nobody-by-this-name/photos", "unknown data set"),
    ):
        dataset = str(tmp / "photos") if flag == "--image-size" else "xor"
        case("train", "mlp", "--dataset", dataset, flag, value, names=names)
    return cases


def _finish_corpus(tmp: Path, cases: list[dict], rng: random.Random) -> list[dict]:
    """Cases that need the good projects trained by the first two cases."""
    good, photos = tmp / "good.playground", tmp / "photos.playground"
    bad_projects = tmp / "projects"
    bad_projects.mkdir()
    image = tmp / "photos" / "red" / "0.png"
    for name, data in _project_variants(good).items():
        path = bad_projects / f"{name}.playground"
        path.write_bytes(data)
        cases.append({"argv": ["classify", str(path), str(image)], "names": path.name})
        cases.append({"argv": ["export", str(path), "--format", "torchscript", "-o",
                               str(tmp / "x.pt")], "names": path.name})  # fmt: skip
        cases.append({"argv": ["explain", str(path), str(image), "--method", "saliency", "-o",
                               str(tmp / "why.png")], "names": path.name})  # fmt: skip
    (bad_projects / "folder.playground").mkdir()
    os.mkfifo(bad_projects / "pipe.playground")
    cases.append({"argv": ["classify", str(bad_projects / "pipe.playground"), str(image)],
                  "names": "pipe.playground is not a file"})  # fmt: skip
    cases.append({"argv": ["classify", str(bad_projects / "folder.playground"), str(image)],
                  "names": "folder.playground"})  # fmt: skip
    cases.append({"argv": ["export", str(photos), "--format", "onnx", "-o", str(tmp)],
                  "names": "is a folder"})  # fmt: skip

    images = tmp / "images"
    images.mkdir()
    huge_png(images / "huge.png", 10_925, 10_925)
    bad_exif_jpeg(images / "exif.jpg")
    lab_tiff(images / "lab.tif")
    deep_gray_png(images / "deep.png")
    (images / "empty.png").write_bytes(b"")
    (images / "text.jpg").write_bytes(b"not an image")
    (images / "folder.png").mkdir()
    os.mkfifo(images / "pipe.png")  # opening it would wait for a writer forever
    odd = sorted(images.iterdir()) + _mutants(tmp / "mutants", rng, 60)
    for start in range(0, len(odd), 10):
        batch = [str(p) for p in odd[start : start + 10]]
        cases.append({"argv": ["classify", str(photos), *batch], "names": "per image"})
    for top in ("-1", str(10**30)):
        cases.append({"argv": ["classify", str(photos), str(image), "--top", top], "ok": True})
    return cases


def _run(cases: list[dict], tmp: Path) -> dict:
    path = tmp / "cases.json"
    path.write_text(json.dumps([{"argv": c["argv"]} for c in cases]))
    child = subprocess.run(
        [sys.executable, str(Path(__file__).with_name("fuzz_cli.py")), str(path)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert child.returncode == 0, child.stderr[-3000:]
    return json.loads(child.stdout)


def test_broken_files_at_the_command_line(tmp_path):
    rng = random.Random(18)
    cases = _corpus(tmp_path, rng)
    split = next(i for i, c in enumerate(cases) if "build_projects" in c)
    first = _run(cases[:split], tmp_path)
    rest = _finish_corpus(tmp_path, cases[split + 1 :], rng)
    second = _run(rest, tmp_path)
    results = first["results"] + second["results"]
    cases = cases[:split] + rest
    assert len(results) == len(cases) > 100

    for c, r in zip(cases, results, strict=True):
        shown = f"{' '.join(r['argv'])[:200]}\n{r['output'][-800:]}"
        assert r["escaped"] is None, f"{shown}\n{r['escaped']}"
        assert "Traceback" not in r["output"], shown
        if c.get("ok"):
            assert r["code"] == 0, shown
        assert c.get("shows", "") in r["output"], shown
        if c.get("names") == "per image":
            for line in r["output"].splitlines():
                image, _, answer = line.partition(": ")
                assert answer.startswith("error: ") or "%" in answer, line
                if answer.startswith("error: "):  # the refusal names the image
                    assert Path(image).name in answer, line
        elif c.get("names") and r["code"] != 0:
            assert c["names"] in r["output"], shown
        if r["code"] not in (0, None) and c.get("names") != "per image":
            errors = [line for line in r["output"].splitlines() if "error:" in line]
            assert len(errors) == 1 and len(errors[0]) < 600, shown
    assert max(first["peak_mb"], second["peak_mb"]) < PEAK_MB, (first["peak_mb"], second["peak_mb"])
