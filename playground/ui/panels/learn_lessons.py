"""The Learn panel's lessons: a short explanation of each concept and the window's state that
shows it (data set, network, view, selected card, what to press)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Lesson:
    title: str
    text: str
    dataset: str  # the data set's source name
    preset: str
    view: str  # the ViewTabs attribute of the tab to show
    action: str = "train"  # "train", "step" or "" (nothing pressed)
    epochs: int = 5
    lr: float = 0.001
    card: int = -1  # the layer card to select (its index), -1 for none


LESSONS = (
    Lesson(
        "Neuron",
        "A neuron adds up its inputs, each multiplied by a weight, adds a bias and passes the "
        "sum through an activation function. In the Neurons tab each tile is one neuron: on "
        "2-D points it shows the neuron's output over the plane; watch simple lines combine "
        "into the XOR pattern.",
        "xor",
        "mlp",
        "neurons",
        epochs=20,
        lr=0.01,
    ),
    Lesson(
        "Weights and biases",
        "The weights say how much each input counts, the bias shifts the sum. A perceptron on "
        "digits has one neuron per digit: its 784 weights, drawn as a 28×28 picture, become a "
        "template of that digit (blue pixels count for it, orange against it).",
        "mnist5k",
        "perceptron",
        "neurons",
        epochs=3,
    ),
    Lesson(
        "Activation",
        "Without an activation function, layers of neurons add up to one straight line. ReLU "
        "keeps positive values and zeroes the rest; the inspector draws its curve, its slope "
        "and, shaded, the values the layer really receives.",
        "xor",
        "mlp",
        "neurons",
        epochs=10,
        lr=0.01,
        card=1,
    ),
    Lesson(
        "Cost",
        "The cost (here cross-entropy) measures how wrong the network is: small when it gives "
        "the right class a high probability. Training is nothing but making this number "
        "smaller; the Curves tab plots it for the training and the validation data.",
        "mnist5k",
        "mlp",
        "curves",
        epochs=3,
    ),
    Lesson(
        "Gradient descent",
        "The gradient says, for every weight, which way the cost goes up. Gradient descent "
        "moves every weight a small step the other way, one mini-batch at a time. Press Step "
        "(F10) to run one: the Step tab shows the cost before and after and how far each "
        "weight moved.",
        "xor",
        "mlp",
        "step",
        action="step",
    ),
    Lesson(
        "Backpropagation",
        "Backpropagation computes all those gradients at once, from the cost back to the "
        "first layer with the chain rule. The Backprop tab walks one sample forward layer by "
        "layer, then back, with the real numbers.",
        "mnist5k",
        "mlp",
        "backprop",
        action="step",
    ),
    Lesson(
        "Convolution filters",
        "A convolution slides a small grid of weights (a filter) over the image and writes "
        "one number per position: how much the patch under it looks like the filter. The "
        "Convolution tab animates it with the numbers written out.",
        "mnist5k",
        "lenet5",
        "convolution",
        epochs=1,
    ),
    Lesson(
        "Probability vector",
        "The last layer gives one score per class; softmax turns them into probabilities that "
        "add up to 1. Drop, paste or draw a digit in the Classify tab and read its bars.",
        "mnist5k",
        "mlp",
        "classify",
        epochs=2,
    ),
    Lesson(
        "Overfitting",
        "A network large enough can learn its training data by heart, noise included: the "
        "training cost keeps falling while the validation cost stops falling or rises. Watch "
        "the two curves part on the noisy spiral.",
        "spiral",
        "mlp",
        "curves",
        epochs=60,
        lr=0.01,
    ),
    Lesson(
        "Vanishing gradients",
        "A sigmoid's slope is at most 0.25, and backpropagation multiplies one slope per "
        "layer: through six sigmoids the gradient reaching the first layers is thousands of "
        "times smaller, so they barely learn. The Gradients tab shows it layer by layer.",
        "mnist5k",
        "deep-sigmoid",
        "gradients",
    ),
    Lesson(
        "Skip connections",
        "The same six sigmoid layers, now each with a shortcut around it: its input is added "
        "to its output (an Add card, reading from two places). Backpropagation then has a "
        "short path back to the first layers as well, and the gradients of both paths add "
        "up. Compare the Gradients tab with the Vanishing gradients lesson: the first layers' "
        "curves no longer lie far below the last one's. This is what lets ResNets be deep.",
        "mnist5k",
        "deep-sigmoid-skip",
        "gradients",
    ),
    Lesson(
        "Learning rate",
        "The learning rate is the size of each gradient-descent step. Too small and training "
        "crawls; too large (here 1.0) and every step overshoots: the cost jumps about instead "
        "of falling. Set it back to 0.001 and train again to compare.",
        "xor",
        "mlp",
        "curves",
        epochs=10,
        lr=1.0,
    ),
)
