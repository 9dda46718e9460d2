"""The set-up finds Python 3.10, or says clearly what to install."""

import subprocess

from core.settings import PROJECT_ROOT as ROOT

FIND = ROOT / "scripts" / "find_python.sh"


def test_finds_a_python_310():
    found = subprocess.run([str(FIND)], capture_output=True, text=True, check=True).stdout.strip()
    version = subprocess.run(
        [found, "-c", "import sys; print(sys.version_info[:2])"], capture_output=True, text=True
    )
    assert version.stdout.strip() == "(3, 10)"


def test_says_what_to_install_when_there_is_none(tmp_path):
    # A PATH with only the basic tools, no pyenv and no Python 3.10 anywhere.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("bash", "ls", "sort", "grep", "cat"):
        (bin_dir / tool).symlink_to(
            subprocess.run(["which", tool], capture_output=True, text=True).stdout.strip()
        )
    env = {"PATH": str(bin_dir), "HOME": str(tmp_path), "PYENV_ROOT": str(tmp_path / "nopyenv")}
    result = subprocess.run([str(FIND)], capture_output=True, text=True, env=env)
    assert result.returncode == 1
    assert "needs Python 3.10" in result.stderr and "pyenv install 3.10.13" in result.stderr
