"""The engine stays UI-free, and the app's first frame does not wait for torch."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def modules_after(code: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", code + "\nimport sys; print('\\n'.join(sys.modules))"],
        capture_output=True, text=True, check=True, cwd=ROOT, timeout=120,
    ).stdout
    return {m.split(".")[0] for m in out.split()}


def test_engine_imports_no_user_interface():
    loaded = modules_after("import engine.bump.escape, engine.bump.narrate, engine.bump.trajectory")
    assert not loaded & {"textual", "rich", "plotext", "textual_plotext", "tui", "torch"}


def test_import_linter_contract_holds():
    lint_imports = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run([str(lint_imports)], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 kept, 0 broken" in result.stdout


def test_first_frame_of_the_app_does_not_import_torch():
    code = (
        "from tui.app import BumptuiApp\n"
        "app = BumptuiApp()\n"
        "app.call_after_refresh(app.exit)\n"
        "import asyncio\n"
        "async def main():\n"
        "    async with app.run_test(size=(80, 24)) as pilot:\n"
        "        await pilot.pause()\n"
        "asyncio.run(main())\n"
    )
    assert "torch" not in modules_after(code)
