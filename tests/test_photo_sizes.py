"""Core: pictures load at the size the network needs, and the ImageNet network fed other
pictures says so with the fix."""

import dataclasses

from playground.core.data.preview import folder_ref, loads_as
from playground.core.model.efficientnet import lite0_spec, misfit_warning
from playground.core.model.presets import preset


def test_an_image_folder_loads_as_photos_for_the_imagenet_network(tmp_path):
    """With the ImageNet network loaded, Add image folder… loaded photos at 32×32 and the
    network ran on 2×2 maps."""
    ref = folder_ref(tmp_path, lite0_spec())
    assert "224×224" in loads_as(ref)
    assert "224×224" in loads_as(folder_ref(tmp_path, preset("transfer", (3, 224, 224), 3)))
    assert loads_as(folder_ref(tmp_path, preset("small-cnn", (1, 28, 28), 10))).startswith(
        "as 32×32"
    )


def test_the_imagenet_network_on_small_pictures_is_warned_with_the_fix():
    spec = lite0_spec()
    assert misfit_warning(spec) == ""
    small = dataclasses.replace(spec, input_shape=(3, 32, 32))
    warning = misfit_warning(small)
    assert "3×32×32" in warning and "Add image folder" in warning
    assert misfit_warning(preset("small-cnn", (3, 32, 32), 10)) == ""
