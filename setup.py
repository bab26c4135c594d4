"""The bundled data in the top-level resources/ folder installs as the package
playground.resources (pyproject.toml holds everything else)."""

from setuptools import find_packages, setup

setup(
    packages=[*find_packages(include=["playground*"]), "playground.resources"],
    package_dir={"playground.resources": "resources"},
)
