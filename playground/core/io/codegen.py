"""What the Python exports share: the network and its optimizer written as PyTorch code."""

from __future__ import annotations

from torch import nn

from playground.core.data.ref import REGRESSION, Preprocessing
from playground.core.errors import PlaygroundError
from playground.core.model.blocks import Merge
from playground.core.model.build import GraphNet, build_model
from playground.core.model.spec import NetworkSpec


def check_python_export(model: nn.Module) -> None:
    """PlaygroundError unless every layer is a torch.nn module the script can write out (the
    merges of a graph are written as + , * and torch.cat)."""
    layers = [m for m in model if not isinstance(m, Merge)]  # type: ignore[attr-defined]
    own = sorted({type(m).__name__ for m in layers if not type(m).__module__.startswith("torch.")})
    if own:
        raise PlaygroundError(
            "the python export writes only plain torch.nn layers, not Neural Playground's own "
            f"({', '.join(own)}): export onnx or torchscript instead"
        )


def layers_code(model: nn.Sequential) -> str:
    """The lines of an nn.Sequential(...) that rebuilds model's plain torch.nn layers."""
    return "\n".join(f"        nn.{module!r}," for module in model)


def model_code(model: nn.Module) -> str:
    """PyTorch source that defines build_model() for model: an nn.Sequential for a stack, a
    Net class for a graph whose forward wires the nodes by name. Its state_dict keys are the
    model's, so the app's weights load into it as they are."""
    if not isinstance(model, GraphNet):
        body = layers_code(model)  # type: ignore[arg-type]
        return f"def build_model() -> nn.Module:\n    return nn.Sequential(\n{body}\n    )\n"
    modules = [
        f'            "{node_id}": nn.{module!r},'
        for node_id, module in model.nodes.items()
        if not isinstance(module, Merge)
    ]
    lines = [_forward_line(model, node_id, inputs) for node_id, inputs in model.order]
    softmax = isinstance(model.nodes[model.output], nn.Softmax)
    if softmax:  # the loss wants the scores before the Softmax
        before = next(inputs for node_id, inputs in model.order if node_id == model.output)[0]
        lines.insert(-1, f"        if scores:\n            return {before}")
    code = _GRAPH_TEMPLATE.format(
        modules="\n".join(modules),
        forward="\n".join(lines),
        output=model.output,
        scores=", scores: bool = False" if softmax else "",
    )
    return code + (_SCORES if softmax else "")


def network_code(spec: NetworkSpec) -> str:
    """The whole module source of spec, ready to paste: imports and build_model(); a
    PlaygroundError naming what stops it (a network that does not build, an own block)."""
    model = build_model(spec)
    check_python_export(model)
    return "import torch\nfrom torch import nn\n\n\n" + model_code(model)


def logits_code(model: nn.Module) -> str:
    """The expression, in the code model_code writes, for the model without its last Softmax
    (the loss wants scores)."""
    if isinstance(model, GraphNet):
        return "Scores(model)" if isinstance(model.nodes[model.output], nn.Softmax) else "model"
    return "model[:-1]" if len(model) and isinstance(model[-1], nn.Softmax) else "model"  # type: ignore[arg-type]


def _forward_line(model: GraphNet, node_id: str, inputs: tuple[str, ...]) -> str:
    module = model.nodes[node_id]
    if isinstance(module, Merge):
        if module.kind == "Concat":
            return f"        {node_id} = torch.cat([{', '.join(inputs)}], dim=1)"
        return f"        {node_id} = {(' + ' if module.kind == 'Add' else ' * ').join(inputs)}"
    return f'        {node_id} = self.nodes["{node_id}"]({inputs[0]})'


_GRAPH_TEMPLATE = """class Net(nn.Module):
    \"\"\"The network's graph: each node's layer, named by its id, wired in forward.\"\"\"

    def __init__(self) -> None:
        super().__init__()
        self.nodes = nn.ModuleDict({{
{modules}
        }})

    def forward(self, input: torch.Tensor{scores}) -> torch.Tensor:
{forward}
        return {output}


def build_model() -> nn.Module:
    return Net()
"""


OPTIMIZER_CODE = {
    "adam": "torch.optim.Adam(model.parameters(), lr=lr, weight_decay=WEIGHT_DECAY)",
    "adamw": "torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=WEIGHT_DECAY)",
    "sgd": "torch.optim.SGD(model.parameters(), lr=lr, momentum=MOMENTUM, "
    "weight_decay=WEIGHT_DECAY)",
    "rmsprop": "torch.optim.RMSprop(model.parameters(), lr=lr, momentum=MOMENTUM, "
    "weight_decay=WEIGHT_DECAY)",
}


_SCORES = """

class Scores(nn.Module):
    \"\"\"The network's scores before its last Softmax: what the loss wants.\"\"\"

    def __init__(self, net: Net) -> None:
        super().__init__()
        self.net = net

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        return self.net(input, scores=True)
"""


def task_code(pre: Preprocessing | None, loss: str) -> str:
    """The script's task: task_loss for training, task_sums of a batch (added up over batches
    and processes) and task_scores of those sums. Classes: cross-entropy and accuracy; a
    number: loss (mse, mae or huber) on the standardised target, R² and the mean absolute
    error in the target's units."""
    if pre is None or pre.task != REGRESSION:
        return _CLASSES
    mean, std = pre.target
    return _NUMBER.format(
        loss=_LOSSES[loss],
        mean=repr(mean),
        std=repr(std),
        inputs=repr(list(pre.mean)),
        spreads=repr(list(pre.std)),
    )


_LOSSES = {"mse": "F.mse_loss", "mae": "F.l1_loss", "huber": "F.huber_loss"}

_CLASSES = '''SCORE = "accuracy"
IGNORED = -100  # the label of an unreadable image: the loss and the scores leave it out
SUMS = 3  # the numbers task_sums adds up


def task_loss(out, y, reduction="mean"):
    return F.cross_entropy(out, y, reduction=reduction, ignore_index=IGNORED)


def task_sums(out, y):
    """A batch's loss, samples and right answers, summed: they add up over batches."""
    known = y != IGNORED
    loss = task_loss(out.detach(), y, "sum")
    hits = (out.detach().argmax(1) == y).sum()
    return torch.stack([loss.double(), known.sum().double(), hits.double()])


def task_scores(sums):
    """The mean loss and the accuracy of summed task_sums."""
    loss, count, hits = sums.tolist()
    return {"loss": loss / max(count, 1), "accuracy": hits / max(count, 1)}
'''

_NUMBER = '''SCORE = "R²"
# the network predicts the target standardised with its training mean and spread
TARGET_MEAN, TARGET_STD = {mean}, {std}
# and takes the inputs standardised with theirs (the bundled data is standardised already)
INPUT_MEAN, INPUT_STD = torch.tensor({inputs}), torch.tensor({spreads})
SUMS = 6  # the numbers task_sums adds up


def task_loss(out, y, reduction="mean"):
    return {loss}(out[:, 0], y, reduction=reduction)


def task_sums(out, y):
    """A batch's loss, samples, Σy, Σy², Σ(y − prediction)² and Σ|y − prediction|: they
    add up over batches."""
    out = out.detach()[:, 0]
    error = y - out
    parts = [task_loss(out[:, None], y, "sum"), torch.tensor(float(len(y)), device=y.device),
             y.sum(), (y * y).sum(), (error * error).sum(), error.abs().sum()]
    return torch.stack([p.double() for p in parts])


def task_scores(sums):
    """The mean loss, R² (as "accuracy": 1 is perfect, 0 no better than the mean) and the
    mean absolute error in the target's units, of summed task_sums."""
    loss, count, total, squares, residual, absolute = sums.tolist()
    count = max(count, 1)
    spread = squares - total * total / count
    r2 = 1 - residual / spread if spread > 1e-12 else 0.0
    return {{"loss": loss / count, "accuracy": r2, "mae": absolute / count * TARGET_STD}}


def predict(model, raw):
    """The network's numbers, in the target's units, for rows of raw inputs (N × inputs)."""
    x = (torch.as_tensor(raw, dtype=torch.float32) - INPUT_MEAN) / INPUT_STD
    model.eval()
    with torch.no_grad():
        return model(x)[:, 0] * TARGET_STD + TARGET_MEAN
'''
