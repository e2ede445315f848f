"""The core and the command line import no Qt at all."""

import subprocess
import sys

CODE = r"""
import importlib, pkgutil, sys

class Block:
    def find_spec(self, name, path=None, target=None):
        if name.split('.')[0] in ('PySide6', 'shiboken6', 'pyqtgraph', 'PyQt5', 'PyQt6'):
            raise ImportError('Qt is blocked in this test: ' + name)
        return None

sys.meta_path.insert(0, Block())
import stancetracker.core
count = 0
for m in pkgutil.walk_packages(stancetracker.core.__path__, 'stancetracker.core.'):
    importlib.import_module(m.name)
    count += 1
import stancetracker.cli.main
print('ok', count)
"""


def test_core_and_cli_import_without_qt():
    """Every core module and the CLI import with Qt blocked."""
    out = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    status, count = out.stdout.split()
    assert status == "ok" and int(count) >= 40  # every module of every core package was imported
