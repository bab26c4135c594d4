"""Tables: reading (delimiters, decimal commas, kinds), choosing the target and inputs, and every
bad table refused in one line that says where."""

import json

import numpy as np
import pytest
import torch
from public_tables import (
    breast_cancer_tsv,
    iris_csv,
    iris_semicolon_csv,
    prices_csv,
    wine_csv,
    write_csv,
)

from playground.core.data.ref import DatasetRef, Preprocessing
from playground.core.data.registry import load_dataset
from playground.core.data.table import CATEGORICAL, NUMERIC, TEXT, read_table
from playground.core.errors import DatasetError


def table(tmp_path, text: str, name: str = "t.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def load(path, **options):
    return load_dataset(DatasetRef(str(path), options))


def test_iris_with_words_as_classes(tmp_path):
    d = load(iris_csv(tmp_path), target="species")
    assert d.class_names == ["setosa", "versicolor", "virginica"]
    assert d.task == "classification" and d.input_shape == (4,)
    assert len(d.x_train) == 120 and len(d.x_val) == 30
    # standardised on the training part only
    assert torch.allclose(d.x_train.mean(0), torch.zeros(4), atol=1e-5)
    assert torch.allclose(d.x_train.std(0), torch.ones(4), atol=1e-5)
    assert not torch.allclose(d.x_val.mean(0), torch.zeros(4), atol=1e-3)


def test_the_views_get_two_chosen_inputs_of_a_table_in_their_own_units(tmp_path):
    from sklearn import datasets

    from playground.core.data.view_arrays import view_arrays

    d = load(iris_csv(tmp_path), target="species")
    table = view_arrays(d).table
    assert table.names == tuple(datasets.load_iris().feature_names)
    (x_train, y_train), (x_val, _), (left, bottom, width, height) = table.plane(0, 2)
    assert x_train.shape == (120, 2) and x_val.shape == (30, 2) and len(y_train) == 120
    rows = {tuple(np.round(r, 4)) for r in datasets.load_iris().data[:, [0, 2]]}
    assert {tuple(np.round(r, 4)) for r in x_train} <= rows  # sepal and petal lengths in cm
    mean, std = x_train.mean(0), x_train.std(0, ddof=1)
    assert (left, bottom) == pytest.approx(mean - 3 * std, rel=1e-4)
    assert (width, height) == pytest.approx(6 * std, rel=1e-4)
    assert (
        view_arrays(load(iris_csv(tmp_path), inputs="sepal length (cm),petal length (cm)")).table
        is None
    )


def test_semicolons_and_decimal_commas_read_as_the_same_numbers(tmp_path):
    plain, semi = load(iris_csv(tmp_path)), load(iris_semicolon_csv(tmp_path))
    assert semi.class_names == plain.class_names
    assert torch.allclose(semi.x_train, plain.x_train, atol=1e-5)
    assert semi.preprocessing.mean == pytest.approx(plain.preprocessing.mean)


def test_wine_with_whole_numbers_as_classes_in_the_first_column(tmp_path):
    d = load(wine_csv(tmp_path), target="class")
    assert d.class_names == ["0", "1", "2"] and d.task == "classification"
    assert d.input_shape == (13,)


def test_tab_separated_table(tmp_path):
    d = load(breast_cancer_tsv(tmp_path), target="diagnosis")
    assert d.class_names == ["benign", "malignant"] and d.input_shape == (30,)


def test_the_last_column_is_the_target_unless_chosen_and_inputs_can_be_chosen(tmp_path):
    path = iris_csv(tmp_path)
    assert load(path).class_names == ["setosa", "versicolor", "virginica"]
    d = load(path, target="species", inputs="petal length (cm), petal width (cm)")
    assert d.preprocessing.inputs == ("petal length (cm)", "petal width (cm)")
    assert d.input_shape == (2,)


def test_kinds_one_hot_and_text_columns_left_out(tmp_path):
    rows = [
        [f"p{i}", ["red", "green", "blue"][i % 3], i * 0.5, "yes" if i % 2 else "no"]
        for i in range(30)
    ]
    path = write_csv(tmp_path / "k.csv", ["name", "colour", "size", "label"], rows)
    kinds = {c.name: c.kind for c in read_table(path).columns}
    assert kinds == {"name": TEXT, "colour": CATEGORICAL, "size": NUMERIC, "label": CATEGORICAL}
    d = load(path)
    assert d.preprocessing.inputs == ("colour=blue", "colour=green", "colour=red", "size")
    assert d.preprocessing.mean[:3] == (0.0, 0.0, 0.0)  # one-hot inputs stay 0 and 1
    hot = d.x_train[:, :3]
    assert set(hot.flatten().tolist()) == {0.0, 1.0} and torch.all(hot.sum(1) == 1)
    with pytest.raises(DatasetError, match="'name' is text with 30 different values"):
        load(path, inputs="name,size")


def test_a_gap_is_refused_with_its_line_and_column_or_filled_with_the_training_mean(tmp_path):
    rows = [[i, i * 2.0, i % 2] for i in range(20)]
    rows[6][1] = ""
    rows[9][1] = "n/a"
    path = write_csv(tmp_path / "gaps.csv", ["a", "b", "y"], rows)
    with pytest.raises(DatasetError, match=r"gaps.csv, line 8, column 'b': a blank cell is not"):
        load(path)
    d = load(path, fill=1)
    known = torch.cat([d.x_train, d.x_val])[:, 1]
    assert torch.isfinite(known).all()
    word = write_csv(
        tmp_path / "word.csv",
        ["a", "b", "y"],
        [[i, "x" if i == 3 else i, i % 2] for i in range(30)],
    )
    with pytest.raises(DatasetError, match=r"line 5, column 'b': 'x' is not a number"):
        load(word)


def test_a_preprocessing_with_table_inputs_and_a_task_round_trips():
    pre = Preprocessing(
        "points",
        (1.0, 0.0),
        (2.0, 1.0),
        inputs=("age", "sex=f"),
        task="regression",
        target=(150.0, 70.0),
    )
    saved = json.loads(json.dumps(pre.to_dict()))  # as a project keeps it
    assert Preprocessing.from_dict(saved) == pre
    with pytest.raises(DatasetError, match="task"):
        Preprocessing.from_dict({**saved, "task": "dance"})
    with pytest.raises(DatasetError, match="inputs"):
        Preprocessing.from_dict({**saved, "inputs": ["age"]})


GOOD_HEADER = "a,b,y\n"
BAD_TABLES = {
    "ragged": (GOOD_HEADER + "1,2,0\n3,4\n5,6,1\n", r"line 3: 2 cells but the header has 3"),
    "one row": (GOOD_HEADER + "1,2,0\n", "1 row: too few"),
    "one class": (GOOD_HEADER + "1,2,0\n3,4,0\n5,6,0\n7,8,0\n", "one value .* nothing to learn"),
    "NaN": (GOOD_HEADER + "1,2,0\nnan,4,1\n5,6,0\n7,8,1\n", r"line 3, column 'a': 'nan' is"),
    "Infinity": (GOOD_HEADER + "1,2,0\n3,Infinity,1\n5,6,0\n", r"line 3, column 'b': Infinity"),
    "markup": ("a,<b>bold</b>,y\n1,2,0\n3,4,1\n5,6,0\n", "name '<b>bold</b>' holds markup"),
    "one column": ("y\n1\n2\n3\n", "has one column"),
    "same names": ("a,a,y\n1,2,0\n3,4,1\n5,6,0\n", "two columns are named 'a'"),
    "unknown target": (GOOD_HEADER + "1,2,0\n3,4,1\n5,6,0\n", "no column 'z'"),
    "empty": ("\n\n", "one column|empty"),
    "long cell": (GOOD_HEADER + f"1,{'9' * 300},0\n3,4,1\n5,6,0\n", "a cell of 300 characters"),
    "words as numbers": (GOOD_HEADER + "1,2,a\n3,4,b\n5,6,c\n", "holds words, not numbers"),
}


@pytest.mark.parametrize("case", BAD_TABLES)
def test_bad_tables_are_refused_in_one_line(tmp_path, case):
    text, message = BAD_TABLES[case]
    options = {"target": "z"} if case == "unknown target" else {}
    if case == "words as numbers":
        options["task"] = "regression"
    with pytest.raises(DatasetError, match=message) as e:
        load(table(tmp_path, text), **options)
    assert "\n" not in str(e.value)


def test_binary_junk_and_other_encodings_are_refused(tmp_path):
    junk = tmp_path / "junk.csv"
    junk.write_bytes(np.random.default_rng(0).bytes(4096))
    with pytest.raises(DatasetError, match="binary data"):
        load(junk)
    latin = tmp_path / "latin.csv"
    latin.write_bytes("nom,y\ncaf\xe9,1\nthe,0\n".encode("latin-1"))
    with pytest.raises(DatasetError, match="not UTF-8 text"):
        load(latin)


def test_a_2_gb_table_is_refused_before_it_is_read(tmp_path):
    huge = tmp_path / "huge.csv"
    with huge.open("wb") as f:
        f.truncate(2 * 1024**3)  # sparse: takes no disk
    with pytest.raises(DatasetError, match=r"huge.csv is 2,048 MB: tables up to 200 MB"):
        load(huge)


def test_a_file_without_a_header_gets_column_names(tmp_path):
    d = load(table(tmp_path, "1,2,0\n3,4,1\n5,6,0\n7,8,1\n9,9,0\n"))
    assert d.preprocessing.inputs == ("column 1", "column 2")
    assert len(d.x_train) + len(d.x_val) == 5


def test_mutated_tables_load_or_are_refused_in_one_line(tmp_path):
    good = (iris_csv(tmp_path)).read_bytes()[:3000]
    rng = np.random.default_rng(7)
    path = tmp_path / "m.csv"
    for _ in range(150):
        data = bytearray(good)
        for at in rng.integers(0, len(data), rng.integers(1, 8)):
            data[at] = int(rng.choice(list(b',;\t\n"x.-9 \x00\xff')))
        path.write_bytes(bytes(data[: rng.integers(10, len(data))]))
        try:
            load(path)
        except DatasetError as e:
            assert 0 < len(str(e)) < 400 and "\n" not in str(e)


def test_a_one_hot_column_is_asked_for_as_one_list_of_its_categories(tmp_path):
    from playground.core.inspect.inference import raw_input_fields

    data = load_dataset(DatasetRef(str(prices_csv(tmp_path)), {"target": "price"}))
    pre = data.preprocessing
    assert pre.inputs == ("size", "colour=blue", "colour=green", "colour=red")
    size, colour = raw_input_fields(pre)
    assert (size.name, size.start, size.categories) == ("size", pre.mean[0], ())
    assert colour.name == "colour" and colour.categories == ("blue", "green", "red")
    assert size.inputs(4.5) == [4.5] and colour.inputs(1) == [0.0, 1.0, 0.0]
    assert [f.name for f in raw_input_fields(load_dataset("gauss").preprocessing)] == ["x₁", "x₂"]
