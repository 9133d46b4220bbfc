"""The layers hold at run time: engine/ loads no user interface, the optimizer lab no torch and
nothing of the autoencoder lab, the command line no Textual, and the app's first frame no torch.

Every module of a package is imported in one fresh interpreter: what a set of modules loads
contains what each of them loads alone, so one run per rule covers each module, including new ones.
"""

import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import cli
import engine
import engine.bump

ROOT = Path(__file__).resolve().parent.parent
UI = {"textual", "rich", "plotext", "textual_plotext", "tui"}


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
    return {m.split(".")[0] for m in modules}


@pytest.mark.parametrize("package, forbidden", [
    # scikit-learn loads rich itself (its progress callbacks), so the engine's rule names Textual's pieces.
    (engine, {"textual", "textual_plotext", "plotext", "tui", "cli"}),
    (engine.bump, UI | {"cli", "torch", "torchvision", "sklearn", "engine.autoencoder"}),
    (cli, {"textual", "textual_plotext", "plotext", "tui"}),
], ids=["engine", "engine.bump", "cli"])
def test_every_module_of_a_package_keeps_to_its_layer(package, forbidden):
    modules = modules_of(package)
    assert len(modules) >= 3
    loaded = modules_after("\n".join(f"import {m}" for m in modules))
    assert not (top_level(loaded) | {m for m in loaded if m.startswith("engine.autoencoder")}) & forbidden


def test_import_linter_contracts_hold():
    lint_imports = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run([str(lint_imports)], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "6 kept, 0 broken" in result.stdout


def test_the_command_line_loads_neither_numpy_nor_torch_until_a_command_needs_them():
    """`bumptui` reads its registry of kinds and builds its parser from strings: a kind's module (and
    its torch) loads only when its command is the one chosen."""
    loaded = modules_after("import cli.main\ncli.main.build_parser([]).parse_args([])\n"
                           "cli.main.build_parser(['critical-h']).parse_args(['critical-h'])")
    assert not {"numpy", "torch", "sklearn", "umap", "textual"} & top_level(loaded)
    assert not {m for m in loaded if m.startswith("engine.autoencoder.jobs.")} - {"engine.autoencoder.jobs.registry"}


@pytest.mark.parametrize("entry", ["from tui.app import BumptuiApp", "import cli.main\nfrom tui.app import BumptuiApp"],
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
    assert not {"torch", "umap", "numba", "sklearn", "numpy"} & top_level(modules_after(code))


def test_top_watches_the_box_and_its_jobs_without_torch(tmp_path):
    """`bumptui top` samples the box and reads the jobs' logs under runs/ without loading torch."""
    code = (
        "import asyncio, shutil\n"
        f"shutil.copytree('tests/fixtures/runs/tiny-run', '{tmp_path}/runs/r')\n"
        "from pathlib import Path\n"
        "from tui.top import TopApp\n"
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
