"""Fixtures shared by all tests: the knowledge base, settings, and a tracker factory (rasa-sdk
style)."""

import shutil

import pytest

from core.knowledge import load_knowledge_base
from core.settings import PROJECT_ROOT as ROOT
from core.settings import load_settings
from tests.support.trackers import make_tracker

KNOWLEDGE_DIR = ROOT / "data" / "knowledge"


@pytest.fixture(scope="session")
def kb():
    return load_knowledge_base(KNOWLEDGE_DIR)


@pytest.fixture(scope="session")
def settings():
    return load_settings({"ARTICLES_BASE_URL": "https://training.example"})


@pytest.fixture
def kb_copy(tmp_path):
    """A writable copy of the knowledge base directory, to break in tests."""
    target = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE_DIR, target)
    return target


@pytest.fixture
def tracker_for():
    return make_tracker
