"""A dense layer's incoming weights seen as the pictures they weigh (numpy only: the window
draws them without loading PyTorch)."""

from __future__ import annotations

import numpy as np


def weight_templates(weight: np.ndarray, input_shape: tuple[int, ...]) -> np.ndarray | None:
    """Each neuron's incoming weights (neurons, inputs) laid out as the image they weigh:
    (neurons, H, W) for one channel, (neurons, H, C·W) with the channels side by side for
    several; None when the inputs are not an image."""
    if len(input_shape) != 3 or weight.shape[1] != int(np.prod(input_shape)):
        return None
    c, h, w = input_shape
    images = weight.reshape(weight.shape[0], c, h, w)
    return images.transpose(0, 2, 1, 3).reshape(weight.shape[0], h, c * w)
