"""The dot product at one position of a convolution, written out as rich text."""

from __future__ import annotations

from typing import TYPE_CHECKING

from playground.core.numbers import number

if TYPE_CHECKING:
    from playground.core.inspect.convolution import ConvWalk

MAX_GRID = 5  # kernels up to 5×5 show every product; larger ones their channel sums only
MAX_CHANNELS = 6


def _term(w: float, x: float) -> str:
    return f"{number(w, 2, signed=True)}×{number(x, 2, signed=True)}"


def dot_product_text(walk: ConvWalk, position: int) -> str:
    """Output [r, c] = the products of the first channel (a grid), each channel's sum, the
    bias and the value, with the walk's own numbers."""
    r, c = walk.place(position)
    products, kernel, patch = walk.products(position), walk.kernel, walk.patch(position)
    sums = products.reshape(len(products), -1).sum(axis=1)
    k = kernel.shape[-1]
    lines = [f"<b>output [{r}, {c}]</b> = Σ kernel × patch + bias"]
    if k <= MAX_GRID:
        rows = "".join(
            "<tr>"
            + "".join(f"<td>{_term(kernel[0, i, j], patch[0, i, j])}</td>" for j in range(k))
            + "</tr>"
            for i in range(k)
        )
        lines.append(f'<table cellspacing="6" style="font-family: monospace">{rows}</table>')
    if len(sums) == 1:
        lines.append(f"Σ of the {k * k} products = {number(sums[0], 4, signed=True)}")
    else:
        shown = " ".join(number(x, signed=True) for x in sums[:MAX_CHANNELS])
        more = " …" if len(sums) > MAX_CHANNELS else ""
        lines.append(
            f"Σ over each of the {len(sums)} channels: {shown}{more} → total "
            f"{number(sums.sum(), 4, signed=True)}"
        )
    total, bias, value = (
        number(v, 4, signed=True) for v in (sums.sum(), walk.bias, walk.value(position))
    )
    lines.append(f"{total} + bias {bias} = <b>{value}</b>")
    return "<br>".join(lines)
