"""Data bundled with Neural Playground (see README.md here for provenance and licences)."""
