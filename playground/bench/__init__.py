"""The benchmark: bare PyTorch loops against the trainer and the window (never imported by
core/ or ui/)."""
