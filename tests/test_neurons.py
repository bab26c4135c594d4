import numpy as np
import torch

from playground.core.inspect.activations import activation_curve, activation_inputs
from playground.core.inspect.neurons import neuron_layers
from playground.core.inspect.weight_templates import weight_templates
from playground.core.model.build import build_model
from playground.core.model.presets import preset


def test_neuron_outputs_are_the_dense_layers_outputs():
    torch.manual_seed(0)
    model = build_model(preset("mlp", (2,), 3), 3)
    batch, plane = torch.randn(8, 2), torch.randn(16, 2)
    layers = neuron_layers(model, batch, plane, 4)
    assert [(x.name, x.activation) for x in layers] == [
        ("input", ""),
        ("1 Linear", "ReLU"),
        ("3 Linear", "ReLU"),
        ("5 Linear", ""),
    ]
    hidden = model[1](model[0](plane))
    assert np.allclose(layers[1].planes, hidden.T.reshape(-1, 4, 4).detach().numpy(), atol=1e-6)
    assert np.allclose(layers[3].mean_output, model(batch).mean(0).detach().numpy(), atol=1e-6)


def test_first_dense_layer_of_an_mlp_weighs_pixels_and_of_a_cnn_feature_maps():
    """A CNN's first dense layer weighs feature maps, not a picture: drawn as 16 maps side by
    side, its weights read as noise stripes. Only pixels are drawn as pictures."""
    mlp = build_model(preset("mlp", (3, 8, 8), 10), 10)
    layers = neuron_layers(mlp, torch.randn(2, 3, 8, 8), None, 4)
    assert layers[0].shape == (3, 8, 8) and layers[1].name == "2 Linear"
    w = mlp[1].weight.detach().numpy()
    templates = weight_templates(w, layers[0].shape)
    assert templates.shape == (128, 8, 24)
    assert np.array_equal(templates[3, :, 8:16], w[3].reshape(3, 8, 8)[1])
    cnn = build_model(preset("lenet5", (1, 28, 28), 10), 10)
    layers = neuron_layers(cnn, torch.randn(2, 1, 28, 28), None, 4)
    assert layers[0].shape == (400,) and layers[1].name == "8 Linear"
    assert weight_templates(cnn[7].weight.detach().numpy(), layers[0].shape) is None


def test_activation_curve_and_the_inputs_a_layer_receives():
    y, dy = activation_curve("Sigmoid", {}, np.array([-4.0, 0.0, 4.0]))
    s = 1 / (1 + np.exp(-np.array([-4.0, 0.0, 4.0])))
    assert np.allclose(y, s, atol=1e-6) and np.allclose(dy, s * (1 - s), atol=1e-6)
    model = build_model(preset("deep-sigmoid", (2,), 2), 2)
    batch = torch.randn(64, 2)
    seen = activation_inputs(model, batch)
    assert list(seen) == [f"{i} Sigmoid" for i in (2, 4, 6, 8, 10, 12)]
    first = model[0](batch).detach().numpy()
    assert np.isclose(seen["2 Sigmoid"].low, np.percentile(first, 1), atol=1e-5)
    assert seen["2 Sigmoid"].counts.sum() == first.size


def test_convolution_walk_equals_torch_conv_output():
    from playground.core.inspect.convolution import conv_layers, conv_walk

    torch.manual_seed(0)
    model = build_model(preset("lenet5", (1, 28, 28), 10), 10)
    x = torch.randn(1, 28, 28)
    assert list(conv_layers(model)) == ["1 Conv2d", "4 Conv2d"]
    for layer, index in conv_layers(model).items():
        walk = conv_walk(model, layer, 3, x.numpy())
        expected = model[: index + 1](x[None])[0, 3].detach().numpy()
        assert np.allclose(walk.output, expected, atol=1e-5)
        p = walk.positions - 1
        r, c = walk.place(p)
        value = float((walk.kernel * walk.patch(p)).sum() + walk.bias)
        assert np.isclose(value, expected[r, c], atol=1e-5)
