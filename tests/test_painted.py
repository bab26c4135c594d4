"""Painted points as a data set: kept as text in the data set's reference, checked on load."""

import json

import numpy as np
import pytest

from playground.core.data.painted import MAX_PAINTED, brush, decode_points, erase, painted_ref
from playground.core.data.ref import DatasetRef
from playground.core.data.registry import load_dataset
from playground.core.errors import DatasetError


def blobs(n: int = 40) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    pts = np.concatenate([rng.normal(-2, 0.5, (n, 2)), rng.normal(2, 0.5, (n, 2))])
    return pts.astype(np.float32), np.repeat([0, 2], n)


def test_painted_points_are_a_data_set_that_survives_a_saved_reference():
    pts, labels = blobs()
    ref = painted_ref(pts, labels)
    saved = DatasetRef.from_dict(json.loads(json.dumps(ref.to_dict())))  # as a project keeps it
    d = load_dataset(saved)
    assert d.class_names == ["blue", "orange", "green"] and d.input_shape == (2,)
    assert len(d.x_train) + len(d.x_val) == 80
    back, back_labels = decode_points(saved.options["points"])
    assert np.allclose(back, pts, atol=1e-3) and (back_labels == labels).all()
    raw_train, _ = d.raw_points()
    assert float(raw_train.abs().max()) < 6


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1 1 0;2 2 0;3 3 0", "at least two classes"),
        ("1 1 0;9 2 1", "point 2 lies off the plane"),
        ("1 1 0;2 2 7", "point 2 has class 7"),
        ("1 1 0;a b c", "point 2 is not 'x y class'"),
        ("1 1 0;nan 1 1", "point 2 lies off the plane"),
        (";".join(["1 1 0"] * (MAX_PAINTED + 1)), "at most 5,000"),
    ],
)
def test_bad_painted_points_are_refused_in_one_line(text, message):
    with pytest.raises(DatasetError, match=message):
        load_dataset(DatasetRef("painted", {"points": text}))


def test_a_dab_of_the_brush_lies_in_its_disc_on_the_plane():
    rng = np.random.default_rng(1)
    dab = brush((5.5, 0.0), 1.0, 200, rng)
    assert dab.shape == (200, 2)
    assert np.all(np.hypot(dab[:, 0] - 5.5, dab[:, 1]) <= 1.0 + 1e-5)
    assert dab[:, 0].max() <= 6.0  # kept on the plane
    one = brush((1.0, 2.0), 0.0, 1, rng)
    assert np.allclose(one, [[1.0, 2.0]])
    kept = erase(dab, (5.5, 0.0), 0.5)
    assert 0 < kept.sum() < 200
    assert np.all(np.hypot(dab[~kept, 0] - 5.5, dab[~kept, 1]) <= 0.5)
