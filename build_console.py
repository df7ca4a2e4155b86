"""Build step of the Python distribution: the wheel ships the seller console, built from ``console/``.

Used by setuptools (``[tool.setuptools.cmdclass]`` in pyproject.toml). When the console is
already built (``make console``) it is packaged as it is; otherwise it is built with npm when
npm is there, and left out with a warning when it is not: the API works without it.
"""

from __future__ import annotations

import shutil
import subprocess
import warnings
from pathlib import Path

from setuptools.command.build_py import build_py

ROOT = Path(__file__).parent
SOURCE = ROOT / "console"
BUILT = ROOT / "server" / "console" / "graphiql" / "graphiql.html"  # the last file `npm run build` writes


class BuildPyWithConsole(build_py):
    def run(self) -> None:
        if not BUILT.exists() and (SOURCE / "package.json").exists():
            npm = shutil.which("npm")
            if npm is None:
                warnings.warn("npm not found: this build of order-import has no seller console", stacklevel=1)
            else:
                subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=SOURCE, check=True)
                subprocess.run([npm, "run", "build"], cwd=SOURCE, check=True)
        super().run()
