"""Shared fixtures: a toy network on disk and the default network."""

from __future__ import annotations

from pathlib import Path

import pytest
from toy_networks import line_network

from geo import load_network


@pytest.fixture
def line(tmp_path: Path) -> Path:
    return line_network(tmp_path / "line")


@pytest.fixture(scope="session")
def default_network():
    return load_network()
