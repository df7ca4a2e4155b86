"""``order-import new-plugin``: the skeleton installs, passes the conformance kit as generated and is listed.

The installing test works in a fresh virtual environment that sees this project's
environment (and not the base interpreter's packages), so nothing is installed where
other tests run.
"""

from __future__ import annotations

import os
import site
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from server.cli import main
from server.scaffold import Skeleton

FILES = [
    "README.md",
    "order_import_demo_platform/__init__.py",
    "order_import_demo_platform/connector.py",
    "order_import_demo_platform/emulator.py",
    "order_import_demo_platform/mapping.py",
    "pyproject.toml",
    "tests/test_demo_platform_conformance.py",
    "tests/test_demo_platform_mapping.py",
]


def fresh_environment(folder: Path) -> Path:
    """A virtual environment without pip that also sees this project's environment; its python."""
    venv.EnvBuilder(with_pip=False).create(folder)
    python = folder / "bin" / "python"
    own = subprocess.run(
        [python, "-c", "import site; print(site.getsitepackages()[0])"], capture_output=True, text=True, check=True
    )
    # The project's packages are in this environment, not the base interpreter's (--system-site-packages would
    # reach those, with whatever pytest plugins they hold): a .pth line adds this environment's site directories.
    parents = "".join(f"import site; site.addsitedir({path!r})\n" for path in site.getsitepackages())
    (Path(own.stdout.strip()) / "order_import_project.pth").write_text(parents)
    return python


def run(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ORDER_IMPORT_", "PYTHON"))}
    return subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


def test_the_generated_plugin_installs_passes_the_kit_and_is_listed(tmp_path: Path, capsys) -> None:
    plugin = tmp_path / "order-import-demo-platform"

    assert main(["new-plugin", "demo-platform", "--directory", str(plugin)]) == 0
    assert str(plugin) in capsys.readouterr().out
    assert sorted(str(p.relative_to(plugin)) for p in plugin.rglob("*") if p.is_file()) == FILES

    python = fresh_environment(tmp_path / "env")
    pip = ("--no-deps", "--no-build-isolation", "--no-input", "--disable-pip-version-check", "-q", "-e", plugin)
    installed = run(sys.executable, "-m", "pip", "--python", python, "install", *pip, cwd=tmp_path)
    assert installed.returncode == 0, installed.stderr
    tests = run(python, "-m", "pytest", "-p", "no:cacheprovider", "-W", "error", "-q", cwd=plugin)
    listed = run(python, "-m", "server.cli", "plugins", cwd=tmp_path)

    assert tests.returncode == 0, tests.stdout[-3000:] + tests.stderr[-2000:]
    assert " passed" in tests.stdout and " failed" not in tests.stdout
    assert listed.returncode == 0, listed.stderr
    assert "demo_platform\tDemo Platform\torder-import-demo-platform 0.1.0" in listed.stdout.splitlines()


def test_it_writes_to_order_import_name_in_the_current_folder_by_default(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)

    assert main(["new-plugin", "gift-shop2"]) == 0

    written = tmp_path / "order-import-gift-shop2"
    assert (written / "order_import_gift_shop2" / "connector.py").read_text().count("class GiftShop2Connector(") == 1
    assert 'gift_shop2 = "order_import_gift_shop2"' in (written / "pyproject.toml").read_text()
    assert "__" + "PACKAGE__" not in "".join(p.read_text() for p in written.rglob("*") if p.is_file())


@pytest.mark.parametrize("name", ["Demo", "demo_platform", "-demo", "demo-", "demo--platform", "2demo", "dé", "a" * 41])
def test_a_name_that_is_not_a_slug_is_refused(tmp_path: Path, capsys, name: str) -> None:
    assert main(["new-plugin", "--directory", str(tmp_path / "plugin"), "--", name]) == 2

    assert capsys.readouterr().err == (
        f"order-import: {name!r} is not a plugin name: use lowercase letters, digits and single hyphens, starting "
        "with a letter, at most 40 characters (such as demo-platform)\n"
    )
    assert list(tmp_path.iterdir()) == []


def test_an_existing_folder_or_an_installed_platform_is_refused(tmp_path: Path, capsys) -> None:
    (tmp_path / "taken").mkdir()

    assert main(["new-plugin", "demo-platform", "--directory", str(tmp_path / "taken")]) == 2
    assert f"{tmp_path / 'taken'} already exists" in capsys.readouterr().err
    assert main(["new-plugin", "shopify", "--directory", str(tmp_path / "shopify")]) == 2
    assert "the platform 'shopify' is already installed" in capsys.readouterr().err
    assert [p.name for p in tmp_path.iterdir()] == ["taken"] and not any((tmp_path / "taken").iterdir())


def test_the_names_a_plugin_is_made_of() -> None:
    skeleton = Skeleton("demo-platform")

    assert (skeleton.platform_id, skeleton.distribution, skeleton.package) == (
        "demo_platform",
        "order-import-demo-platform",
        "order_import_demo_platform",
    )
    assert (skeleton.display_name, skeleton.class_prefix) == ("Demo Platform", "DemoPlatform")
