"""The install, as a user runs it: the wheel builds without warnings from this project and holds every file.

One real build (about ten seconds): `pip wheel` with build isolation, as `pip install`
does, so setuptools is the current one that warns about undeclared package data.
"""
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# Where each source folder lands in the wheel (pyproject's package-dir).
INSTALLED_AS = {"playground": "playground", "components": "playground/components", "datasets": "playground/datasets"}
# Python's warnings ("BuildBackendWarning: …") and setuptools' banner for undeclared data.
PROJECT_WARNING = re.compile(r"\b\w+Warning: |would be ignored", re.IGNORECASE)


def source_files() -> list[Path]:
    """The files a fresh clone has (tracked and new, not ignored), or the tree without build outputs."""
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", *INSTALLED_AS, "pyproject.toml",
                             "setup.py", "README.md"], cwd=ROOT, capture_output=True, text=True)
    if listed.returncode == 0 and listed.stdout.strip():
        return [Path(line) for line in listed.stdout.splitlines() if (ROOT / line).is_file()]
    return [p.relative_to(ROOT) for folder in INSTALLED_AS for p in (ROOT / folder).rglob("*")
            if p.is_file() and "__pycache__" not in p.parts] + [Path("pyproject.toml"), Path("setup.py"), Path("README.md")]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """(pip's verbose output, the wheel's file names, the source files) of one build of a clean copy."""
    tree, out = tmp_path_factory.mktemp("tree"), tmp_path_factory.mktemp("wheel")
    files = source_files()
    for name in files:      # a copy, so no build/ or egg-info of the working tree takes part
        (tree / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, tree / name)
    result = subprocess.run([sys.executable, "-m", "pip", "wheel", ".", "--no-deps", "-v", "-w", str(out)],
                            cwd=tree, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    [wheel] = out.glob("*.whl")
    with zipfile.ZipFile(wheel) as z:
        return result.stdout + result.stderr, set(z.namelist()), files


def test_the_build_prints_no_warning_from_this_project(built):
    output, _names, _files = built
    assert "Building wheel for nn-playground" in output      # the build's own output was captured
    warnings = [line.strip() for line in output.splitlines() if PROJECT_WARNING.search(line)]
    assert not warnings, "\n".join(warnings)


def test_the_wheel_holds_every_module_and_data_file(built):
    _output, names, files = built
    wanted = set()
    for path in files:
        folder = path.parts[0]
        if folder in INSTALLED_AS and path.suffix != ".pyc":
            wanted.add("/".join((INSTALLED_AS[folder], *path.parts[1:])))
    assert {"playground/classroom/__init__.py", "playground/models/tinyvgg_mnist.keras",
            "playground/i18n/locale/uk/LC_MESSAGES/playground.po"} <= wanted
    assert not sorted(wanted - names)
    # The install compiles the catalogue.
    assert "playground/i18n/locale/uk/LC_MESSAGES/playground.mo" in names
