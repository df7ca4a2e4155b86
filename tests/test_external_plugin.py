"""A separately installed plugin distribution is discovered through its entry point and works end to end.

The tiny plugin in ``tests/fixtures/tiny_plugin`` is installed with pip into a
throwaway venv that sees the project and its dependencies (a ``.pth`` file
chains it to this interpreter's site-packages) but not the other way round:
nothing in the project changes, and this test process never imports the plugin.

The wheel is assembled here from the fixture's ``pyproject.toml`` rather than
by a PEP 517 backend, so the test needs neither network nor a ``wheel``-capable
setuptools; installing it, and discovering it, is pip's and importlib.metadata's
real work.
"""

from __future__ import annotations

import base64
import hashlib
import importlib.metadata
import importlib.util
import json
import os
import re
import site
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

from server.platforms.manager import PlatformRegistry, get_plugin_manager

FIXTURES = Path(__file__).parent / "fixtures"
TINY_PLUGIN = FIXTURES / "tiny_plugin"
BUILT_IN = {"shopify", "woocommerce", "bigcommerce", "ebay", "ecwid", "paypal"}
E2E_SCRIPT = FIXTURES / "tiny_e2e.py"

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("venv") is None or importlib.util.find_spec("pip") is None,
    reason="installing a plugin distribution needs the venv and pip modules in the test interpreter",
)

CLONE_PYPROJECT = """\
[project]
name = "order-import-tiny-clone"
version = "0.1.0"

[project.entry-points."order_import.platforms"]
tiny_clone = "tiny_clone"

[tool.setuptools]
packages = ["tiny_clone"]
"""

CLONE_MODULE = '''\
"""Claims the platform id "tiny" a second time."""

from server.platforms import hookimpl
from tiny_platform import TinyConnector


class TinyClone(TinyConnector):
    display_name = "Tiny Shop (clone)"


@hookimpl
def register_platforms():
    return [TinyClone]
'''


def build_wheel(source: Path, out_dir: Path) -> Path:
    """A pure-Python wheel of the ``[project]`` in ``source``: metadata, entry points and packages."""
    pyproject = tomllib.loads((source / "pyproject.toml").read_text())
    project = pyproject["project"]
    name, version = project["name"], project["version"]
    stem = re.sub(r"[-_.]+", "_", name).lower()
    info = f"{stem}-{version}.dist-info"
    files: dict[str, bytes] = {}
    for package in pyproject["tool"]["setuptools"]["packages"]:
        for path in sorted((source / package).rglob("*.py")):
            files[path.relative_to(source).as_posix()] = path.read_bytes()
    metadata = ["Metadata-Version: 2.1", f"Name: {name}", f"Version: {version}"]
    metadata += [f"Requires-Dist: {req}" for req in project.get("dependencies", [])]
    files[f"{info}/METADATA"] = ("\n".join(metadata) + "\n").encode()
    files[f"{info}/WHEEL"] = (
        b"Wheel-Version: 1.0\nGenerator: order-import-tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    )
    files[f"{info}/entry_points.txt"] = "".join(
        f"[{group}]\n" + "".join(f"{key} = {value}\n" for key, value in eps.items()) + "\n"
        for group, eps in project.get("entry-points", {}).items()
    ).encode()
    record = []
    for path, data in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        record.append(f"{path},sha256={digest},{len(data)}")
    record.append(f"{info}/RECORD,,")
    files[f"{info}/RECORD"] = ("\n".join(record) + "\n").encode()
    wheel = out_dir / f"{stem}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, data in files.items():
            archive.writestr(path, data)
    return wheel


def clean_env() -> dict[str, str]:
    """This environment without pip configuration, ORDER_IMPORT_* settings or PYTHONPATH."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "ORDER_IMPORT_")) and k != "PYTHONPATH"}
    env.update(
        PIP_CONFIG_FILE=os.devnull, PIP_DISABLE_PIP_VERSION_CHECK="1", PIP_NO_INPUT="1", PYTHONDONTWRITEBYTECODE="1"
    )
    return env


class Venv:
    def __init__(self, root: Path, *, chain_to: list[str]) -> None:
        """A venv in ``root`` whose ``sys.path`` continues with the site directories ``chain_to``."""
        subprocess.run(
            [sys.executable, "-m", "venv", "--without-pip", "--system-site-packages", str(root)],
            check=True,
            capture_output=True,
            timeout=60,
        )
        self.root = root
        self.python = str(root / "bin" / "python")
        self.site_packages = self.run("-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])").stdout.strip()
        # A venv's --system-site-packages reaches the base interpreter, not the venv this test runs in.
        lines = [f"import site; site.addsitedir({directory!r})" for directory in chain_to]
        (Path(self.site_packages) / "_order_import_parent.pth").write_text("\n".join(lines) + "\n")

    def run(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [self.python, *args], cwd=self.root, env=clean_env(), capture_output=True, text=True, timeout=timeout
        )

    def pip_install(self, wheel: Path) -> None:
        done = self.run(
            "-m", "pip", "install", "--no-deps", "--no-index", "--no-build-isolation", str(wheel), timeout=120
        )
        assert done.returncode == 0, done.stdout + done.stderr


@pytest.fixture(scope="module")
def plugin_venv(tmp_path_factory: pytest.TempPathFactory) -> Venv:
    """A venv with the project (from this interpreter) and the tiny plugin distribution installed by pip."""
    root = tmp_path_factory.mktemp("tiny-plugin-venv")
    venv = Venv(
        root / "venv",
        chain_to=[*site.getsitepackages(), *([site.getusersitepackages()] if site.ENABLE_USER_SITE else [])],
    )
    visible = venv.run("-c", "import server.platforms, plugins.shopify, aiohttp, pip")
    assert visible.returncode == 0, f"the project is not importable in the plugin venv:\n{visible.stderr}"
    venv.pip_install(build_wheel(TINY_PLUGIN, root))
    return venv


def plugin_lines(stdout: str) -> list[list[str]]:
    return [line.split("\t") for line in stdout.splitlines()]


def installed_beside_the_project() -> set[str]:
    """Platforms that other distributions installed in this interpreter provide (the example Gumroad plugin,
    which ``make test`` installs); the plugin venv sees them too, through its chain to our site-packages."""
    registry = PlatformRegistry(get_plugin_manager())
    return {c.platform_id for c in registry if registry.provider(c.platform_id).distribution != "order-import"}


def test_fixture_plugin_is_not_part_of_the_project() -> None:
    assert importlib.util.find_spec("tiny_platform") is None
    names = {ep.name for ep in importlib.metadata.entry_points(group="order_import.platforms")}
    assert "tiny" not in names and "shopify" in names


def test_plugins_command_lists_the_installed_distribution(plugin_venv: Venv) -> None:
    done = plugin_venv.run("-m", "server.cli", "plugins")
    assert done.returncode == 0, done.stderr
    ours = f"order-import {importlib.metadata.version('order-import')}"
    lines = plugin_lines(done.stdout)
    assert ["tiny", "Tiny Shop", "order-import-tiny-platform 0.3.0"] in lines
    assert ["shopify", "Shopify", ours] in lines
    assert {line[0] for line in lines if line[2] == ours} == BUILT_IN
    location = plugin_venv.run("-c", "import tiny_platform; print(tiny_platform.__file__)").stdout.strip()
    assert Path(location).is_relative_to(plugin_venv.site_packages)


def test_installed_plugin_works_end_to_end(plugin_venv: Venv) -> None:
    done = plugin_venv.run(str(E2E_SCRIPT), timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    summary = json.loads(done.stdout.splitlines()[-1])
    assert summary == {
        "provider": "order-import-tiny-platform 0.3.0",
        "platforms": sorted(BUILT_IN | {"tiny"} | installed_beside_the_project()),
        "tiny": {
            "id": "tiny",
            "name": "Tiny Shop",
            "supportsOrderId": True,
            "supportsTime": True,
            "credentialFields": [{"name": "api_key", "secret": True, "required": True}],
        },
        "connect": {"platform": {"id": "tiny", "name": "Tiny Shop"}, "userErrors": []},
        "byId": {
            "job": {"status": "SUCCEEDED", "fetched": 1, "imported": 1, "skipped": 0, "errorCode": None},
            "userErrors": [],
        },
        "missing": {
            "job": {"status": "FAILED", "fetched": 0, "imported": 0, "skipped": 0, "errorCode": "ORDER_NOT_FOUND"},
            "userErrors": [],
        },
        # Orders are 25 + 40·i minutes old: T-1001..T-1004 are inside three hours, T-1003 is already pending.
        "byHours": {
            "job": {"status": "SUCCEEDED", "fetched": 4, "imported": 3, "skipped": 1, "errorCode": None},
            "userErrors": [],
        },
        "wrongKey": {
            "job": {"status": "FAILED", "fetched": 0, "imported": 0, "skipped": 0, "errorCode": "PLATFORM_AUTH"},
            "userErrors": [],
        },
        "pending": ["T-1001", "T-1002", "T-1003", "T-1004"],
        "acceptedTotal": {"amount": "12.91", "currencyCode": "EUR"},  # random.Random(7) in the emulator
        # The plugin maps T-1003 as unpaid: the payment guard holds it until the seller forces it.
        "refused": {
            "importedOrder": {"orderNumber": "T-1003", "status": "PENDING"},
            "transaction": None,
            "userErrors": [{"code": "PAYMENT_NOT_CAPTURED"}],
        },
        "accepted": {
            "importedOrder": {"orderNumber": "T-1003", "status": "ACCEPTED"},
            "transaction": {"orderNumber": "T-1003", "source": "IMPORT"},
            "userErrors": [],
        },
        "pendingAfterAccept": 3,
    }


def test_two_distributions_claiming_one_platform_fail_at_start_up(plugin_venv: Venv, tmp_path: Path) -> None:
    source = tmp_path / "clone"
    (source / "tiny_clone").mkdir(parents=True)
    (source / "pyproject.toml").write_text(CLONE_PYPROJECT)
    (source / "tiny_clone" / "__init__.py").write_text(CLONE_MODULE)
    # A second venv on top of the first, so the first stays valid for the other tests.
    clone_venv = Venv(tmp_path / "venv", chain_to=[plugin_venv.site_packages])
    clone_venv.pip_install(build_wheel(source, tmp_path))

    done = clone_venv.run("-m", "server.cli", "plugins")
    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stdout == ""
    assert "platform 'tiny' is provided by both" in done.stderr
    assert "order-import-tiny-platform 0.3.0" in done.stderr
    assert "order-import-tiny-clone 0.1.0" in done.stderr
