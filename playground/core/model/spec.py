"""The network spec: a plain, serialisable value (input shape + ordered layers)."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from playground.core.errors import SpecError
from playground.core.limits import (
    MAX_INPUT_VALUES,
    MAX_LAYERS,
    MAX_SPEC_BYTES,
    brief,
    check_not_special,
    mib,
    parse_json,
    read_limited,
)
from playground.core.model.layers import Shape, layer_type

FORMAT = "playground.network"
VERSION = 1


@dataclass(frozen=True)
class LayerSpec:
    """One layer: its type name and its parameter values (all of them, defaults filled in)."""

    type: str
    params: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def make(cls, type_name: str, **params: Any) -> LayerSpec:
        """A layer with defaults for the parameters not given; raises SpecError if invalid."""
        try:
            t = layer_type(type_name)
        except KeyError as e:
            raise SpecError(str(e.args[0])) from None
        unknown = set(params) - {p.name for p in t.params}
        if unknown:
            names = ", ".join(brief(n) for n in sorted(unknown))
            known = ", ".join(p.name for p in t.params) or "none"
            raise SpecError(f"{type_name} has no parameter {names} (its parameters: {known})")
        values = t.defaults()
        for name, value in params.items():
            try:
                values[name] = t.param(name).check(value)
            except ValueError as e:
                raise SpecError(f"{type_name}: {e}") from None
        return cls(type_name, values)

    def with_param(self, name: str, value: Any) -> LayerSpec:
        return LayerSpec.make(self.type, **{**self.params, name: value})

    def to_dict(self) -> dict[str, Any]:
        return {"type": self.type, **self.params}


@dataclass(frozen=True)
class NetworkSpec:
    """Input shape (no batch dimension) and the layers in order."""

    input_shape: Shape
    layers: tuple[LayerSpec, ...] = ()

    def with_layers(self, layers: list[LayerSpec] | tuple[LayerSpec, ...]) -> NetworkSpec:
        return replace(self, layers=tuple(layers))

    def with_input_shape(self, shape: Shape) -> NetworkSpec:
        return replace(self, input_shape=tuple(shape))

    def inserted(self, index: int, layer: LayerSpec) -> NetworkSpec:
        layers = list(self.layers)
        layers.insert(index, layer)
        return self.with_layers(layers)

    def removed(self, index: int) -> NetworkSpec:
        return self.with_layers(self.layers[:index] + self.layers[index + 1 :])

    def moved(self, source: int, target: int) -> NetworkSpec:
        """Move layer source so that it lands before the layer now at target (0..len)."""
        layers = list(self.layers)
        layer = layers.pop(source)
        layers.insert(target - 1 if target > source else target, layer)
        return self.with_layers(layers)

    def with_param(self, index: int, name: str, value: Any) -> NetworkSpec:
        layers = list(self.layers)
        layers[index] = layers[index].with_param(name, value)
        return self.with_layers(layers)

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "version": VERSION,
            "input_shape": list(self.input_shape),
            "layers": [layer.to_dict() for layer in self.layers],
        }

    @classmethod
    def from_dict(cls, data: Any) -> NetworkSpec:
        """Parse and validate a spec dict; SpecError with a clear message on anything wrong."""
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise SpecError("not a Neural Playground network (format field missing or wrong)")
        version = data.get("version")
        if not isinstance(version, int) or isinstance(version, bool):
            raise SpecError('the network file has no valid version (it should say "version": 1)')
        if version > VERSION:
            raise SpecError(
                f"the network was saved by a newer Neural Playground (format version {version}, "
                f"this one reads up to {VERSION}): update the app"
            )
        shape = data.get("input_shape")
        if (
            not isinstance(shape, list)
            or len(shape) not in (1, 3)
            or not all(isinstance(d, int) and not isinstance(d, bool) and d > 0 for d in shape)
        ):
            raise SpecError("input_shape must be [features] or [channels, height, width]")
        if math.prod(shape) > MAX_INPUT_VALUES:
            raise SpecError(
                f"input_shape {shape} has more than {MAX_INPUT_VALUES:,} values per sample: "
                "use smaller images"
            )
        layers = data.get("layers")
        if not isinstance(layers, list):
            raise SpecError("layers must be a list")
        if len(layers) > MAX_LAYERS:
            raise SpecError(
                f"the network has {len(layers):,} layers, more than {MAX_LAYERS:,}: use fewer"
            )
        parsed = []
        for i, item in enumerate(layers):
            if not isinstance(item, dict) or not isinstance(item.get("type"), str):
                raise SpecError(f'layer {i + 1} has no type: give it one, such as "type": "Linear"')
            params = {k: v for k, v in item.items() if k != "type"}
            try:
                parsed.append(LayerSpec.make(item["type"], **params))
            except SpecError as e:
                raise SpecError(f"layer {i + 1}: {e}") from None
        return cls(tuple(shape), tuple(parsed))

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2)

    @classmethod
    def from_json(cls, text: str | bytes) -> NetworkSpec:
        raw = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else text
        if len(raw) > MAX_SPEC_BYTES:
            raise SpecError(f"the network file is larger than {mib(MAX_SPEC_BYTES)}")
        return cls.from_dict(parse_json(raw, "the network file", SpecError))

    def save(self, path: str | Path) -> None:
        Path(path).write_text(self.to_json(), encoding="utf-8")

    @classmethod
    def load(cls, path: str | Path) -> NetworkSpec:
        """The spec in a JSON file; SpecError naming the file and what is wrong."""
        path = Path(path)
        check_not_special(path, SpecError)
        try:
            with open(path, "rb") as f:
                raw = read_limited(f, MAX_SPEC_BYTES, path.name, SpecError)
        except OSError as e:
            raise SpecError(f"cannot read {path}: {e.strerror or e}") from None
        try:
            return cls.from_json(raw)
        except SpecError as e:
            raise SpecError(f"{path.name}: {e}") from None
