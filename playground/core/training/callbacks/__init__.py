"""The policies around the training loop, each its own callback."""

from playground.core.training.callbacks.base import Callback
from playground.core.training.callbacks.best_weights import BestWeights
from playground.core.training.callbacks.early_stopping import EarlyStopping
from playground.core.training.callbacks.rollback import Rollback
from playground.core.training.callbacks.snapshots import WeightSnapshots

__all__ = ["BestWeights", "Callback", "EarlyStopping", "Rollback", "WeightSnapshots"]
