"""The layers hold at run time: engine/ loads no user interface, the optimizer lab no torch and
nothing of the autoencoder lab, the command line no Textual, and the app's first frame no torch.

Every module of a package is imported in one fresh interpreter: what a set of modules loads
contains what each of them loads alone, so one run per rule covers each module, including new ones.
"""

import os
import pkgutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import bumptui.cli
import bumptui.engine
import bumptui.engine.bump

ROOT = Path(__file__).resolve().parent.parent
UI = {"textual", "rich", "plotext", "textual_plotext", "bumptui.tui"}
OLD_NAMES = {"engine", "tui", "cli", "assets"}
"""The top-level names the program's parts had before they became bumptui.*: none may load."""


def modules_of(package) -> list[str]:
    return [m.name for m in pkgutil.walk_packages(package.__path__, package.__name__ + ".")
            if not m.name.endswith("__main__")]  # running it is not importing it


def modules_after(code: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", code + "\nimport sys; print('\\n'.join(sys.modules))"],
        capture_output=True, text=True, check=True, cwd=ROOT, timeout=120,
    ).stdout
    return set(out.split())


def top_level(modules: set[str]) -> set[str]:
    """The packages loaded: a library by its own name, a part of ours as bumptui.<part>."""
    return {".".join(m.split(".")[:2]) if m.startswith("bumptui.") else m.split(".")[0] for m in modules}


@pytest.mark.parametrize("package, forbidden", [
    # scikit-learn loads rich itself (its progress callbacks), so the engine's rule names Textual's pieces.
    (bumptui.engine, {"textual", "textual_plotext", "plotext", "bumptui.tui", "bumptui.cli"}),
    (bumptui.engine.bump, UI | {"bumptui.cli", "torch", "torchvision", "sklearn", "bumptui.engine.autoencoder"}),
    (bumptui.cli, {"textual", "textual_plotext", "plotext", "bumptui.tui"}),
], ids=["engine", "engine.bump", "cli"])
def test_every_module_of_a_package_keeps_to_its_layer(package, forbidden):
    modules = modules_of(package)
    assert len(modules) >= 3
    loaded = modules_after("\n".join(f"import {m}" for m in modules))
    assert not (top_level(loaded) | {m for m in loaded if m.startswith("bumptui.engine.autoencoder")}) & forbidden
    assert not top_level(loaded) & OLD_NAMES


def installed_layout(into: Path) -> Path:
    """The package as a wheel lays it out (bumptui/engine, bumptui/tui, ...), made of links to the
    checkout's folders as pyproject's package-dir maps them: import-linter reads a package from one
    folder on disk, and in the checkout bumptui's parts are top-level folders."""
    mapping = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-dir"]
    package = into / "bumptui"
    package.mkdir()
    for file in (ROOT / mapping["bumptui"]).glob("*.py"):
        (package / file.name).symlink_to(file)
    for name, folder in mapping.items():
        if name != "bumptui":
            (package / name.removeprefix("bumptui.")).symlink_to(ROOT / folder, target_is_directory=True)
    return into


def test_import_linter_contracts_hold(tmp_path):
    """The contracts in pyproject (`lint-imports` by hand reads the same tree only through this test)."""
    lint_imports = Path(sys.executable).parent / "lint-imports"
    tree = installed_layout(tmp_path)
    result = subprocess.run([str(lint_imports), "--config", str(ROOT / "pyproject.toml")], capture_output=True,
                            text=True, cwd=tree, timeout=120, env={**os.environ, "PYTHONPATH": str(tree)})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "6 kept, 0 broken" in result.stdout


def test_the_command_line_loads_neither_numpy_nor_torch_until_a_command_needs_them():
    """`bumptui` reads its registry of kinds and builds its parser from strings: a kind's module (and
    its torch) loads only when its command is the one chosen."""
    loaded = modules_after("import bumptui.cli.main\nbumptui.cli.main.build_parser([]).parse_args([])\n"
                           "bumptui.cli.main.build_parser(['critical-h']).parse_args(['critical-h'])")
    assert not {"numpy", "torch", "sklearn", "umap", "textual"} & top_level(loaded)
    assert not {m for m in loaded if m.startswith("bumptui.engine.autoencoder.jobs.")} - {"bumptui.engine.autoencoder.jobs.registry"}


@pytest.mark.parametrize("entry", ["from bumptui.tui.app import BumptuiApp", "import bumptui.cli.main\nfrom bumptui.tui.app import BumptuiApp"],
                         ids=["the app", "through the console script's module"])
def test_first_frame_of_the_app_does_not_import_torch_umap_or_numpy(entry):
    code = (
        entry + "\n"
        "app = BumptuiApp()\n"
        "app.call_after_refresh(app.exit)\n"
        "import asyncio\n"
        "async def main():\n"
        "    async with app.run_test(size=(80, 24)) as pilot:\n"
        "        await pilot.pause()\n"
        "asyncio.run(main())\n"
    )
    loaded = top_level(modules_after(code))
    assert not {"torch", "umap", "numba", "sklearn", "numpy"} & loaded
    assert "bumptui.tui" in loaded and not loaded & OLD_NAMES


def test_top_watches_the_box_and_its_jobs_without_torch(tmp_path):
    """`bumptui top` samples the box and reads the jobs' logs under runs/ without loading torch."""
    code = (
        "import asyncio, shutil\n"
        f"shutil.copytree('tests/fixtures/runs/tiny-run', '{tmp_path}/runs/r')\n"
        "from pathlib import Path\n"
        "from bumptui.tui.top import TopApp\n"
        f"app = TopApp(runs_root=Path('{tmp_path}/runs'))\n"
        "async def main():\n"
        "    async with app.run_test(size=(80, 24)) as pilot:\n"
        "        await pilot.pause(0.3)\n"
        "        app.sample()\n"
        "        app.find_jobs()\n"
        "        assert app.history, 'sampled'\n"
        "asyncio.run(main())\n"
    )
    loaded = top_level(modules_after(code))
    assert "psutil" in loaded and not {"torch", "umap", "sklearn", "numba"} & loaded
