"""Scores of validation answers, numpy only (the views read them): per-class precision, recall
and F1 of a confusion matrix; a regression's mean absolute error and R²."""

from __future__ import annotations

import numpy as np


def class_scores(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(precision, recall, F1) per class of counts[true, predicted]: precision is the share
    of the class's predictions that are right, recall the share of its samples found; 0
    where a class was never predicted or has no samples."""
    right = np.diag(matrix).astype(np.float64)
    predicted, present = matrix.sum(axis=0), matrix.sum(axis=1)
    precision = np.divide(right, predicted, out=np.zeros_like(right), where=predicted > 0)
    recall = np.divide(right, present, out=np.zeros_like(right), where=present > 0)
    both = precision + recall
    f1 = np.divide(2 * precision * recall, both, out=np.zeros_like(right), where=both > 0)
    return precision, recall, f1


def regression_scores(predicted: np.ndarray, truth: np.ndarray) -> tuple[float, float]:
    """(mean absolute error, R²) of predicted numbers against the true ones."""
    residual = truth - predicted
    spread = float(((truth - truth.mean()) ** 2).sum())
    r2 = 1 - float((residual**2).sum()) / spread if spread > 0 else 0.0
    return float(np.abs(residual).mean()), r2
