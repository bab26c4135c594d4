"""Ordinary PyTorch modules, written as anyone would, for `playground import` to bring in."""

import torch
import torch.nn.functional as F
from torch import nn


class BasicBlock(nn.Module):
    """ResNet's block: two 3×3 convolutions and a shortcut (a 1×1 projection when the shape
    changes, else the identity)."""

    def __init__(self, cin: int, cout: int, stride: int) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.shortcut = nn.Identity()
        if stride != 1 or cin != cout:
            self.shortcut = nn.Sequential(
                nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout)
            )

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return F.relu(out + self.shortcut(x))


class SmallResNet(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.stem = nn.Conv2d(1, 8, 3, padding=1)
        self.block1 = BasicBlock(8, 8, 1)  # identity shortcut
        self.block2 = BasicBlock(8, 16, 2)  # projection shortcut
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(16, 10)

    def forward(self, x):
        x = self.block2(self.block1(torch.relu(self.stem(x))))
        return self.fc(torch.flatten(self.pool(x), 1))


class Inception(nn.Module):
    """GoogLeNet's block: four branches side by side, joined along the channels."""

    def __init__(self) -> None:
        super().__init__()
        self.b1 = nn.Conv2d(1, 4, 1)
        self.b2 = nn.Sequential(nn.Conv2d(1, 4, 1), nn.ReLU(), nn.Conv2d(4, 6, 3, padding=1))
        self.b3 = nn.Sequential(nn.Conv2d(1, 2, 1), nn.ReLU(), nn.Conv2d(2, 3, 5, padding=2))
        self.b4 = nn.Sequential(nn.MaxPool2d(3, 1, 1), nn.Conv2d(1, 3, 1))
        self.head = nn.Sequential(nn.MaxPool2d(4), nn.Flatten(), nn.Linear(16 * 7 * 7, 10))

    def forward(self, x):
        branches = [self.b1(x), self.b2(x), self.b3(x), self.b4(x)]
        return self.head(F.relu(torch.cat(branches, 1)))


class DenseBlock(nn.Module):
    """DenseNet's block: every layer takes all the maps before it."""

    def __init__(self) -> None:
        super().__init__()
        self.c1 = nn.Conv2d(1, 4, 3, padding=1)
        self.c2 = nn.Conv2d(5, 4, 3, padding=1)
        self.c3 = nn.Conv2d(9, 4, 3, padding=1)
        self.out = nn.Sequential(nn.AvgPool2d(4), nn.Flatten(), nn.Linear(13 * 7 * 7, 10))

    def forward(self, x):
        x = torch.cat([x, F.relu(self.c1(x))], dim=1)
        x = torch.cat([x, F.relu(self.c2(x))], dim=1)
        x = torch.cat([x, F.relu(self.c3(x))], dim=1)
        return self.out(x)


class Plain(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.fc1 = nn.Linear(784, 32)
        self.fc2 = nn.Linear(32, 10)

    def forward(self, x):
        return self.fc2(F.relu(self.fc1(x.view(x.size(0), -1))))


class Unmappable(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.fc = nn.Linear(784, 10)

    def forward(self, x):
        return self.fc(torch.flatten(x, 1)).cumsum(1)


class MobileBlock(nn.Module):
    """MobileNet's depthwise convolution and a squeeze-and-excite gate per channel."""

    def __init__(self) -> None:
        super().__init__()
        self.stem = nn.Conv2d(1, 8, 3, 2, 1)
        self.depthwise = nn.Conv2d(8, 8, 3, padding=1, groups=8, bias=False)
        self.reduce = nn.Conv2d(8, 2, 1)
        self.expand = nn.Conv2d(2, 8, 1)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(8, 10)

    def forward(self, x):
        x = F.relu6(self.depthwise(F.relu(self.stem(x))))
        gate = self.expand(F.relu(self.reduce(x.mean((2, 3), keepdim=True))))
        x = x * torch.sigmoid(gate)
        return self.fc(torch.flatten(self.pool(x), 1))
