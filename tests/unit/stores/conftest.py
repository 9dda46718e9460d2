import pytest

from rasa_server import patches


@pytest.fixture(autouse=True, scope="session")
def rasa_patched():
    """The stores run inside `python -m rasa_server`, which installs the patches first."""
    patches.install()
