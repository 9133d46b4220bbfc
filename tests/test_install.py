"""The program as it is installed: one import package, bumptui, with its data inside it, and
nothing of the user's (caches, settings) written there. CI's .ci/installed goes further: it installs
the wheel into a fresh venv and trains, reports and opens the app from an empty folder."""

import json
import os
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]


def test_every_package_in_the_mapped_folders_is_in_the_wheels_list():
    """A new folder with an __init__.py under engine/, tui/ or cli/ must be added to pyproject's
    packages, or the installed program would lack it while the checkout's tests pass."""
    found = set()
    for name, folder in PYPROJECT["package-dir"].items():
        for init in (ROOT / folder).rglob("__init__.py"):
            inside = init.parent.relative_to(ROOT / folder).parts
            found.add(".".join((name, *inside)))
    assert found == set(PYPROJECT["packages"])


def test_the_wheel_holds_one_import_package_with_mnist_and_the_styles(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                    "--wheel-dir", str(tmp_path), str(ROOT)], check=True, capture_output=True, timeout=300)
    (wheel,) = tmp_path.glob("bumptui-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    tops = {n.split("/")[0] for n in names}
    assert tops == {"bumptui", wheel.name.split("-py")[0] + ".dist-info"}
    shipped = {n.removeprefix("bumptui/assets/mnist/") for n in names if n.startswith("bumptui/assets/mnist/")}
    assert {f"{name}.gz" for name in ("train-images-idx3-ubyte", "train-labels-idx1-ubyte",
                                      "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")} <= shipped
    styles = {p.relative_to(ROOT).as_posix() for p in ROOT.glob("tui/**/*.tcss")}
    assert styles and {f"bumptui/{s}" for s in styles} <= set(names)
    modules = {p.relative_to(ROOT).as_posix() for folder in ("engine", "tui", "cli") for p in (ROOT / folder).rglob("*.py")}
    assert {f"bumptui/{m}" for m in modules} <= set(names)


def test_the_judge_is_cached_in_the_users_cache_folder_not_beside_the_runs(sharpen_base):
    cache = Path(os.environ["XDG_CACHE_HOME"]) / "bumptui"
    judge = cache / "judge-subset400.pt"
    assert judge.is_file()
    assert not list(sharpen_base.parent.glob("judge*.pt"))
    ready = next(json.loads(line) for line in (sharpen_base / "metrics.jsonl").read_text().splitlines()
                 if '"JudgeReady"' in line)
    assert ready["path"] == str(judge)


def test_help_says_where_runs_settings_and_caches_go(capsys):
    from bumptui.cli.main import main

    try:
        main(["--help"])
    except SystemExit:
        pass
    text = " ".join(capsys.readouterr().out.split())
    assert "./runs" in text and "$XDG_CONFIG_HOME/bumptui" in text and "$XDG_CACHE_HOME/bumptui" in text
