"""Installing budgetlint as a new user does, with the dependency versions pyproject.toml allows:
the README's first command typed into a terminal (a fresh venv with the newest versions the registry
serves), the lowest allowed versions, and an upper bound on every dependency that the registry's
newest release has not outgrown. The installs run in a copy of the project, so no venv lands in the checkout."""

import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
REQUIREMENTS = [Requirement(line) for group in [PYPROJECT["dependencies"], *PYPROJECT["optional-dependencies"].values()]
                for line in group]
SUMMARY = "共检查 2 个文件"  # the report's last line on the bundled examples
ESCAPE_SEQUENCE = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07]*\x07|[@-Z\\-_])")
# What pip prints when no package index answers; anything else that fails is a real failure
OFFLINE = ("Failed to establish a new connection", "Temporary failure in name resolution",
           "Network is unreachable", "Could not fetch URL")


@pytest.fixture
def project_copy(tmp_path):
    """The checkout without its venvs, caches and git folder: what a user clones."""
    copy = tmp_path / "budgetlint"
    shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns(".git", ".*venv*", ".*cache", ".hypothesis", "__pycache__",
                                                              "*.egg-info", "build", "dist"))
    return copy


def readme_first_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.search(r"^```sh\n(.*?)\n```", readme, re.MULTILINE | re.DOTALL)[1]


def user_environment():
    """This process's environment without the venv it runs in, as in a new terminal."""
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "COLUMNS", "LINES")}
    if sys.prefix != sys.base_prefix:
        own_bin = str(Path(sys.prefix) / "bin")
        env["PATH"] = os.pathsep.join(p for p in env["PATH"].split(os.pathsep) if p != own_bin)
    return env | {"SHELL": "/bin/bash", "TERM": "xterm-256color"}


def type_into_terminal(command, cwd, timeout=900):
    """Runs `command` in bash on a 100×30 pseudo-terminal (util-linux `script`), as typed at a
    prompt; returns its exit code and the screen's text without escape sequences."""
    result = subprocess.run(["script", "-qec", f"stty cols 100 rows 30; {command}", "/dev/null"], cwd=cwd,
                            env=user_environment(), stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout)
    screen = ESCAPE_SEQUENCE.sub("", result.stdout.decode("utf-8", "replace")).replace("\r", "")
    return result.returncode, screen


def skip_if_offline(pip_output):
    if any(sign in pip_output for sign in OFFLINE):
        pytest.skip("pip cannot reach a package index: " + pip_output.strip().splitlines()[-1])


def assert_report_without_traceback(exit_code, screen):
    assert "Traceback" not in screen, screen[-3000:]
    assert SUMMARY in screen and exit_code == 1, (exit_code, screen[-3000:])


@pytest.mark.slow
def test_readme_first_command_typed_into_a_terminal_shows_the_report_and_exits_1(project_copy):
    """A fresh venv as the command makes it gets the newest versions the registry serves within the
    bounds; with a terminal on stdout the report's width, colours and progress bar come into play."""
    command = readme_first_command()
    assert command.startswith("python3 -m venv .venv") and command.endswith("budgetlint check examples/")
    exit_code, screen = type_into_terminal(command, project_copy)
    if exit_code != 1:
        skip_if_offline(screen)
    assert_report_without_traceback(exit_code, screen)


def lowest_allowed(requirement):
    (lower,) = [spec.version for spec in requirement.specifier if spec.operator == ">="]
    return f"{requirement.name}=={lower}"


@pytest.mark.slow
def test_lowest_allowed_versions_check_the_examples_and_pass_the_quick_tests(project_copy):
    """Every dependency and extra pinned to its lower bound (written as a released version) in a
    fresh venv: the examples give their report in a terminal and the tests not marked slow pass."""
    constraints = project_copy / "lowest.txt"
    constraints.write_text("\n".join(sorted(set(map(lowest_allowed, REQUIREMENTS)))) + "\n", encoding="utf-8")
    venv = project_copy / ".venv"
    subprocess.run([sys.executable, "-m", "venv", venv], check=True, env=user_environment())
    install = subprocess.run([venv / "bin/pip", "install", "-q", "-c", constraints, ".[test]"], cwd=project_copy,
                             env=user_environment(), capture_output=True, text=True, timeout=900)
    if install.returncode:
        skip_if_offline(install.stderr)
    assert install.returncode == 0, install.stderr

    assert_report_without_traceback(*type_into_terminal(". .venv/bin/activate && budgetlint check examples/",
                                                        project_copy))
    tests = subprocess.run([venv / "bin/python", "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", "-m", "not slow"],
                           cwd=project_copy, env=user_environment(), capture_output=True, text=True, timeout=1800)
    assert tests.returncode == 0, tests.stdout[-3000:]


def test_every_dependency_has_a_lower_and_an_upper_bound():
    """The lower bound written as a released version, so that a constraints file can pin it."""
    unbounded = [str(r) for r in REQUIREMENTS if sorted(spec.operator for spec in r.specifier) != ["<", ">="]]
    assert not unbounded, f"each needs one >= and one < bound: {unbounded}"


@pytest.mark.slow
def test_newest_release_of_every_dependency_is_within_its_declared_bounds():
    """pip resolves each dependency alone, as it would for a new install; a release past an upper
    bound means someone has to test budgetlint with it and raise the bound."""
    names = sorted({r.name for r in REQUIREMENTS})
    result = subprocess.run([sys.executable, "-m", "pip", "install", "--dry-run", "--ignore-installed", "--no-deps",
                             "--quiet", "--report", "-", *names], capture_output=True, text=True, timeout=600)
    if result.returncode:
        skip_if_offline(result.stderr)
    assert result.returncode == 0, result.stderr
    newest = {canonicalize_name(item["metadata"]["name"]): item["metadata"]["version"]
              for item in json.loads(result.stdout)["install"]}
    outgrown = [f"{r.name} {newest[canonicalize_name(r.name)]} is out, pyproject.toml allows {r.specifier}: "
                f"test budgetlint with it and raise the bound"
                for r in REQUIREMENTS if newest[canonicalize_name(r.name)] not in r.specifier]
    assert not outgrown, "\n".join(outgrown)


def test_every_package_folder_of_validator_is_installed():
    """pyproject lists its packages by name: a new folder left out installs in editable mode only."""
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["packages"])
    folders = {".".join(init.parent.relative_to(ROOT).parts) for init in (ROOT / "validator").rglob("__init__.py")}
    assert folders - listed == set()
