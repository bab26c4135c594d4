"""The kinds of check a challenge sets, and how each judges the facts measured of a project.

Each check says what it asks (label) and, judged, what it found in the learner's terms."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from playground.core.errors import PlaygroundError
from playground.core.limits import brief, finite_number
from playground.core.practice.facts import ACTIVATIONS, Facts

METRICS = {  # name: the words
    "val_accuracy": "accuracy on the validation data",
    "val_r2": "R² on the validation data",
    "val_mae": "mean absolute error on the validation data",
    "val_loss": "loss on the validation data",
    "train_loss": "loss on the training data",
}
REGRESSION_METRICS = ("val_r2", "val_mae")
RECORDED = ("epochs", "steps")  # limits read from the training record, not the network
UNTRUSTED = (
    "your project's training record does not match its weights (the file was changed outside "
    "the app, or written by another program): train the network again in the app, then check"
)
LIMITS = {  # name: (singular, plural, verb phrase of "your network …")
    "hidden_layers": ("hidden layer", "hidden layers", "has"),
    "neurons": ("hidden neuron", "hidden neurons", "has"),
    "params": ("parameter", "parameters", "has"),
    "epochs": ("epoch", "epochs", "has trained"),
    "steps": ("training step", "training steps", "has taken"),
}
RULES = (
    "conv_before_linear",
    "no_activation",
    "has_activation",
    "contains",
    "lacks",
    "ends_with",
    "same_as_start",
    "frozen",
    "has_skip",
)
MEASURES = ("loss_gap",)
SETTINGS = {  # name: the words
    "optimizer": "optimizer",
    "lr": "learning rate",
    "batch_size": "batch size",
    "regularization": "regularisation",
    "reg_rate": "regularisation rate",
    "weight_decay": "weight decay",
}


@dataclass(frozen=True)
class Check:
    kind: str  # metric, limit, structure, behaviour, setting
    what: str  # the metric, limit, rule, measure or setting
    low: float | None = None
    high: float | None = None
    value: Any = None  # a layer type (structure) or a setting's required value

    @property
    def label(self) -> str:
        """What the check asks, before it is run."""
        return _LABELS[self.kind](self)


@dataclass(frozen=True)
class Verdict:
    check: Check
    passed: bool
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.check.kind,
            "check": self.check.label,
            "passed": self.passed,
            "message": self.message,
        }


def parse_check(d: Any, n: int) -> Check:
    """Check n of a challenge file; PlaygroundError naming what is wrong."""
    if not isinstance(d, dict):
        raise PlaygroundError(f"check {n} must be an object")
    kind = d.get("kind")
    names = {
        "metric": METRICS,
        "limit": LIMITS,
        "structure": RULES,
        "behaviour": MEASURES,
        "setting": SETTINGS,
    }
    key = {
        "metric": "metric",
        "limit": "what",
        "structure": "rule",
        "behaviour": "measure",
        "setting": "name",
    }
    if not isinstance(kind, str) or kind not in names:
        raise PlaygroundError(f"check {n}: kind must be one of {', '.join(names)}")
    what = d.get(key[kind])
    if not isinstance(what, str) or what not in names[kind]:
        raise PlaygroundError(f"check {n}: {key[kind]} must be one of {', '.join(names[kind])}")
    low, high = (_bound(d.get(b), f"check {n} {b}") for b in ("min", "max"))
    value = d.get("layer", d.get("equals"))
    if kind == "structure" and what in ("contains", "lacks", "ends_with"):
        if not isinstance(value, str):
            raise PlaygroundError(f"check {n}: {what} needs a layer type")
    elif kind in ("metric", "limit", "behaviour") and low is None and high is None:
        raise PlaygroundError(f"check {n}: give a min or a max")
    elif kind == "setting" and value is None and low is None and high is None:
        raise PlaygroundError(f"check {n}: give equals, a min or a max")
    if value is not None and not isinstance(value, str | int | float):
        raise PlaygroundError(f"check {n}: {brief(value)} is not a value a check compares")
    return Check(kind, what, low, high, value)


def _bound(value: Any, what: str) -> float | None:
    return None if value is None else finite_number(value, what, -1e12, 1e12)


def judge(check: Check, facts: Facts) -> Verdict:
    """The check's verdict on the facts of one project."""
    passed, message = _JUDGES[check.kind](check, facts)
    return Verdict(check, passed, message)


# --- labels ---------------------------------------------------------------------------------
def _range(c: Check, show) -> str:
    if c.low is not None and c.high is not None:
        return f"from {show(c.low)} to {show(c.high)}"
    return f"at least {show(c.low)}" if c.low is not None else f"at most {show(c.high)}"


def _percent(x: float) -> str:
    return f"{x * 100:.0f} %"


def _two_places(x: float) -> str:
    return f"{x:.2f}"


def _number(x: float) -> str:
    return f"{x:,.0f}" if float(x).is_integer() and abs(x) >= 1 else f"{x:.3g}"


def _show(metric: str):
    if metric == "val_accuracy":
        return _percent
    return _two_places if metric == "val_r2" else _number


def _count(n: float, limit: str) -> str:
    one, many, _ = LIMITS[limit]
    return f"{_number(n)} {one if n == 1 else many}"


_LABELS = {
    "data": lambda c: f"The challenge's data set ({c.value})",
    "metric": lambda c: _cap(f"{METRICS[c.what]} {_range(c, _show(c.what))}"),
    "limit": lambda c: f"{LIMITS[c.what][1].capitalize()}: {_range(c, _number)}",
    "structure": lambda c: _RULE_LABELS[c.what](c),
    "behaviour": lambda c: f"Validation loss at most {_number(c.high or 0)} above training loss",
    "setting": lambda c: (
        f"{SETTINGS[c.what].capitalize()} "
        + (f"{c.value}" if c.value is not None else _range(c, _number))
    ),
}
_RULE_LABELS = {
    "conv_before_linear": lambda c: "A Conv2d before the first Linear layer",
    "no_activation": lambda c: "No activation function",
    "has_activation": lambda c: "An activation function",
    "contains": lambda c: f"{_cap(_a(c.value))} layer",
    "lacks": lambda c: f"No {c.value} layer",
    "ends_with": lambda c: f"Ends with {c.value}",
    "same_as_start": lambda c: "The network this challenge starts with",
    "frozen": lambda c: "Pretrained layers frozen",
    "has_skip": lambda c: "A skip connection",
}


# --- judges ---------------------------------------------------------------------------------
Finding = tuple[bool, str]  # passed, and what was found


def _a(word: str) -> str:
    return f"an {word}" if word[:1].upper() in "AEIOU" else f"a {word}"


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _within(c: Check, x: float) -> bool:
    return (c.low is None or x >= c.low) and (c.high is None or x <= c.high)


def _asks(c: Check, show) -> str:
    return f"this asks for {_range(c, show)}"


def _metric(c: Check, f: Facts) -> Finding:
    if f.unmeasured:
        return False, f.unmeasured
    x, show = getattr(f, c.what), _show(c.what)
    words = METRICS[c.what]
    if _within(c, x):
        return True, f"your network's {words} is {show(x)}"
    return False, f"your network's {words} is {show(x)}; {_asks(c, show)}"


def _limit(c: Check, f: Facts) -> Finding:
    if c.what in RECORDED and not f.record_trusted:
        return False, UNTRUSTED
    x = getattr(f, c.what)
    said = f"your network {LIMITS[c.what][2]} {_count(x, c.what)}"
    return (True, said) if _within(c, x) else (False, f"{said}; {_asks(c, _number)}")


def _behaviour(c: Check, f: Facts) -> Finding:
    if f.unmeasured:
        return False, f.unmeasured
    gap = f.val_loss - f.train_loss
    said = (
        f"your validation loss is {_number(f.val_loss)} and your training loss "
        f"{_number(f.train_loss)}: a gap of {_number(gap)}"
    )
    if _within(c, gap):
        return True, said
    return False, (
        f"{said}; this asks for at most {_number(c.high or 0)}: the network learned its "
        "training points by heart"
    )


def _setting(c: Check, f: Facts) -> Finding:
    """Judged on every value the setting took while the weights trained (the settings as
    they are now, before any training): a change made after training counts for nothing."""
    if not f.record_trusted:
        return False, UNTRUSTED
    trained = f.trained_with.get(c.what)
    values = trained or [f.settings.get(c.what)]
    words = SETTINGS[c.what]
    show = str if c.value is not None else _number
    said = " and ".join(show(v) for v in values)
    said = f"your network trained with {words} {said}" if trained else f"your {words} is {said}"
    if c.value is not None:
        ok = all(v == c.value for v in values)
        only = " only" if len(values) > 1 else ""
        return ok, said + ("" if ok else f"; this asks for {c.value}{only}")
    ok = all(_within(c, v) for v in values)
    return ok, said if ok else f"{said}; {_asks(c, _number)}"


def _conv_first(c: Check, f: Facts) -> Finding:
    types = f.layer_types
    first_linear = types.index("Linear") if "Linear" in types else len(types)
    if "Conv2d" in types[:first_linear]:
        return True, "your network looks at the image with a Conv2d first"
    return False, "your network has no Conv2d before its first Linear layer; add one"


def _no_activation(c: Check, f: Facts) -> Finding:
    found = [(i, t) for i, t in enumerate(f.layer_types) if t in ACTIVATIONS]
    if not found:
        return True, "your network has no activation function"
    i, t = found[0]
    return False, (
        f"your network has an activation function ({t}, layer {i + 1}); this asks for none"
    )


def _has_activation(c: Check, f: Facts) -> Finding:
    found = [t for t in f.layer_types if t in ACTIVATIONS]
    if found:
        return True, f"your network has an activation function ({found[0]})"
    return False, (
        "your network has no activation function; add one (ReLU, say) after a hidden layer"
    )


def _contains(c: Check, f: Facts) -> Finding:
    if c.value in f.layer_types:
        return True, f"your network has {_a(c.value)} layer"
    return False, f"your network has no {c.value} layer; this asks for one"


def _lacks(c: Check, f: Facts) -> Finding:
    if c.value not in f.layer_types:
        return True, f"your network has no {c.value} layer"
    i = f.layer_types.index(c.value)
    return False, f"your network has {_a(c.value)} layer (layer {i + 1}); this asks for none"


def _ends_with(c: Check, f: Facts) -> Finding:
    last = f.layer_types[-1] if f.layer_types else "nothing"
    if last == c.value:
        return True, f"your network ends with {c.value}"
    return False, f"your network ends with {last}; this asks for it to end with {c.value}"


def _same_as_start(c: Check, f: Facts) -> Finding:
    if f.same_as_start:
        return True, "your network is the one this challenge starts with"
    return False, (
        "your network is not the one this challenge starts with; load the challenge again to "
        "run it as it is"
    )


def _frozen(c: Check, f: Facts) -> Finding:
    learning = [i for i, layer in enumerate(f.layers) if layer.get("fine_tune")]
    if not learning:
        return True, "your pretrained layers are frozen"
    return False, (
        f"your pretrained layers learn (layer {learning[0] + 1} has fine_tune on); this asks "
        "for them frozen"
    )


def _has_skip(c: Check, f: Facts) -> Finding:
    if f.skips:
        return True, f"your network has {f.skips} skip connection{'s' * (f.skips > 1)}"
    return False, (
        "your network has no skip connection; draw one: Draw branches, then wire a layer's "
        "output past the next layers into an Add"
    )


_RULES = {
    "conv_before_linear": _conv_first,
    "no_activation": _no_activation,
    "has_activation": _has_activation,
    "contains": _contains,
    "lacks": _lacks,
    "ends_with": _ends_with,
    "same_as_start": _same_as_start,
    "frozen": _frozen,
    "has_skip": _has_skip,
}


def _structure(c: Check, f: Facts) -> Finding:
    return _RULES[c.what](c, f)


_JUDGES = {
    "metric": _metric,
    "limit": _limit,
    "behaviour": _behaviour,
    "setting": _setting,
    "structure": _structure,
}
