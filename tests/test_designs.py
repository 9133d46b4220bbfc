"""Your own designs in the lab: an autoencoder the lab has never seen, named by --arch, is trained,
clustered, sharpened and compared like the built-ins, from the copy the run keeps of its source; a
design that breaks the contract is refused before any training in one sentence."""

import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from bumptui.engine.autoencoder.runs.log import read_events
from tests.conftest import ROOT, in_process, one_sentence

EXAMPLES = ROOT / "examples" / "designs"
TINY = ["--epochs", "1", "--subset", "300", "--batch-size", "64", "--eval-every", "9"]

GOOD = """
import torch
from torch import nn

class AE(nn.Module):
    def __init__(self, latent_dim):
        super().__init__()
        self.enc = nn.Linear(784, latent_dim)
        self.dec = nn.Linear(latent_dim, 784)
    def encode(self, x):
        return self.enc(x.reshape(len(x), 784))
    def decode(self, z):
        return self.dec(z)
"""

BROKEN = {  # the class body (or file) -> the words of its one sentence
    "not_module": ("class AE:\n    def encode(self, x): pass\n    def decode(self, z): pass",
                   "is not a torch.nn.Module class"),
    "no_decode": (GOOD.replace("def decode", "def undecode"), "has no decode() method"),
    "raises": (GOOD.replace("super().__init__()", "super().__init__(); raise ValueError('no 256 here')"),
               "AE(latent_dim=2) raised ValueError: no 256 here"),
    "z_shape": (GOOD.replace("return self.enc(x.reshape(len(x), 784))", "return self.enc(x.reshape(len(x), 784))[:, :1]"),
                "encode must return [B, D] = [4, 2] for a [4, 1, 28, 28] batch; it returned [4, 1]"),
    "x_hat_shape": (GOOD.replace("return self.dec(z)", "return self.dec(z)[:, :100]"),
                    "decode must return [B, 1, 28, 28] or [B, 784] for a [4, 2] code; it returned [4, 100]"),
    "nan": (GOOD.replace("return self.dec(z)", "return self.dec(z) * float('nan')"), "gives NaN or infinite values"),
    "frozen": (GOOD.replace("super().__init__()\n", "super().__init__()\n        self.requires_grad_(False)\n")
               .replace("self.dec = nn.Linear(latent_dim, 784)", "self.dec = nn.Linear(latent_dim, 784)\n"
                        "        self.requires_grad_(False)"), "has no trainable parameters"),
    "syntax": ("class AE(:\n", "raised SyntaxError"),
    "exits": ("import sys\nsys.exit(0)\n" + GOOD, "Importing the design {design}:AE called exit(0)"),
}


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / f"{name}.py"
    path.write_text(textwrap.dedent(text))
    return path


@pytest.mark.parametrize("name", list(BROKEN))
def test_a_design_that_breaks_the_contract_is_one_sentence_before_any_training(tmp_path, capsys, name):
    text, words = BROKEN[name]
    design = write(tmp_path, name, text)
    run = tmp_path / "run"
    result = in_process(capsys, "train", "--arch", f"{design}:AE", "--latent", "2", "16", "--run-dir", str(run), *TINY)
    one_sentence(result, words.format(design=design))
    assert not run.exists(), "refused before anything is written"


def test_a_design_whose_import_never_ends_is_one_sentence_within_the_bound(tmp_path, capsys, monkeypatch):
    from bumptui.engine.autoencoder import designs

    monkeypatch.setattr(designs, "IMPORT_S", 0.5)
    design = write(tmp_path, "loops", "import time\nwhile True:\n    time.sleep(0.01)\n" + GOOD)
    result = in_process(capsys, "train", "--arch", f"{design}:AE", "--latent", "2", "--run-dir", str(tmp_path / "r"),
                        *TINY)
    one_sentence(result, f"Importing the design {design}:AE did not finish within 0.5 s")
    assert not (tmp_path / "r").exists()


def test_a_design_that_fails_on_its_first_full_batch_is_one_sentence_naming_it(tmp_path, capsys):
    # The probe's batch of 4 passes; the training's batch of 64 is where this design breaks.
    text = GOOD.replace("        return self.enc(x.reshape(len(x), 784))",
                        "        if len(x) > 4:\n            raise RuntimeError('only small batches here')\n"
                        "        return self.enc(x.reshape(len(x), 784))")
    design = write(tmp_path, "big", text)
    result = in_process(capsys, "train", "--arch", f"{design}:AE", "--latent", "2", "--run-dir", str(tmp_path / "r"),
                        *TINY)
    assert result.returncode == 2 and "Traceback" not in result.stderr  # after its progress lines, one sentence:
    assert result.stderr.strip().splitlines()[-1] == (
        f"bumptui: The design {design}:AE.encode raised RuntimeError on a [64, 1, 28, 28] batch (latent 2): only small "
        "batches here.")
    events = read_events(tmp_path / "r")
    assert "only small batches here" in events[-1].message, "the log says how it ended"


@pytest.mark.parametrize("arch, words", [
    ("{tmp}/missing.py:AE", "The design file {tmp}/missing.py does not exist"),
    ("{good}:Other", "has no class Other"),
    ("no_such_package.module:AE", "cannot be imported: No module named 'no_such_package'"),
    ("{good}", "PATH.py:ClassName or package.module:ClassName"),
])
def test_where_a_design_is_named_wrong_is_one_sentence(tmp_path, capsys, arch, words):
    good = write(tmp_path, "good", GOOD)
    arch = arch.format(tmp=tmp_path, good=good)
    result = in_process(capsys, "train", "--arch", arch, "--latent", "2", "--run-dir", str(tmp_path / "run"), *TINY)
    one_sentence(result, words.format(tmp=tmp_path, good=good))


def test_an_example_design_trains_clusters_sharpens_and_compares_from_its_recorded_copy(runs_root, tmp_path, capsys):
    design = tmp_path / "small_conv.py"
    shutil.copy(EXAMPLES / "small_conv.py", design)
    run = runs_root / "designed-small-conv"
    shutil.rmtree(run, ignore_errors=True)
    trained = in_process(capsys, "train", "--arch", f"{design}:SmallConv", "--latent", "2", "16", "--run-dir", str(run),
                         "--json", *TINY)
    assert trained.returncode == 0, trained.stderr
    from bumptui.engine.autoencoder.designs import sha256

    assert (run / "design" / "small_conv.py").read_bytes() == design.read_bytes()
    started = read_events(run)[0]
    assert started.config["arch"] == f"{design}:SmallConv" and started.config["design_sha256"] == sha256(design)
    # the user edits the file so that it no longer even imports: the run goes on from its copy, and says so
    design.write_text("raise RuntimeError('half-edited')\n")
    for args in (["cluster", str(run), "--method", "all", "--epochs", "1", "--seeds", "1", "--json"],
                 ["sharpen", str(run), "--epochs", "1", "--dis-epochs", "1", "--json",
                  "--dis-net", f"{EXAMPLES / 'pooled_dis.py'}:PooledDis"],
                 ["train", "--resume", "--epochs", "2", "--run-dir", str(run), "--json"]):
        result = in_process(capsys, *args)
        assert result.returncode == 0, (args, result.stderr)
        assert f"{design} differs from the copy recorded with {run}" in result.stderr, args
        if args[0] == "cluster":  # every method on the design's codes, IDEC fine-tuning its encode
            assert set(json.loads(result.stdout)["methods"]) == {"kmeans", "umap", "idec"}
    assert (run / "sharpen" / "design" / "pooled_dis.py").read_bytes() == (EXAMPLES / "pooled_dis.py").read_bytes()
    sharpened = json.loads(in_process(capsys, "sharpen", str(run), "--resume", "--epochs", "2", "--json").stdout)
    assert {m["epochs"] for m in sharpened["models"]["16"].values() if "epochs" in m} >= {2}, "resumed with its dis_net"
    compared = in_process(capsys, "compare", str(run))
    assert compared.returncode == 0 and (run / "sharpen" / "compare-latent-16.png").is_file()
    summary = json.loads(result.stdout)
    assert summary["models"]["16"]["epochs"] == 2 and summary["models"]["16"]["test_l1"] < 0.3


def test_a_flat_decoder_design_trains_and_its_pictures_are_digits(runs_root, capsys):
    from bumptui.engine.autoencoder.jobs.train.record import RunRecord

    run = runs_root / "designed-flat"
    shutil.rmtree(run, ignore_errors=True)
    result = in_process(capsys, "train", "--arch", f"{EXAMPLES / 'flat_mlp.py'}:FlatMlp", "--latent", "2",
                        "--run-dir", str(run), *TINY)
    assert result.returncode == 0, result.stderr
    record = RunRecord.read(run)
    shown = record.reconstruction(2, 1)
    from bumptui.engine.autoencoder.runs.events import decode_images

    images = decode_images(shown.images)
    assert images.shape == (20, 28, 28) and images.std() > 5, "its [B, 784] output drawn as 28x28 digits"


def test_watching_a_run_with_a_user_design_imports_nothing_of_it(runs_root, capsys):
    run = runs_root / "designed-watched"
    shutil.rmtree(run, ignore_errors=True)
    assert in_process(capsys, "train", "--arch", f"{EXAMPLES / 'flat_mlp.py'}:FlatMlp", "--latent", "2",
                      "--run-dir", str(run), *TINY).returncode == 0
    code = textwrap.dedent(f"""
        import asyncio, sys
        from pathlib import Path
        from bumptui.tui.app import BumptuiApp
        app = BumptuiApp(watch=Path({str(run)!r}), runs_root=Path({str(run.parent)!r}))
        async def main():
            async with app.run_test(size=(80, 24)) as pilot:
                for key in ("8", "2", "5", "3", "4", "6"):
                    await pilot.press(key)
                    await pilot.pause()
                    if key == "2":
                        await pilot.pause(1.0)  # the form, filled with the run's design, checks nothing
                assert app.record is not None and app.record.latents == [2]
                await pilot.press("3", "c")  # coloured by cluster from the recorded codes: no model built
                await pilot.pause(0.5)
                assert "coloured by cluster (k-means on these recorded points)" in str(
                    app.screen.query_one("#caption").render())
                await pilot.press("p")  # UMAP builds the model: the design's code would run, so it asks
                assert type(app.screen).__name__ == "Confirm", app.screen
                assert "Building it runs the design's code" in str(app.screen.query_one("#question").render())
                await pilot.press("n")
                assert type(app.screen).__name__ == "LatentPane" and app.screen.projection == "pca"
                await pilot.press("2", "ctrl+r")  # resuming builds it too: asked, and refused
                assert type(app.screen).__name__ == "Confirm"
                await pilot.press("escape")
                assert app.job is None
        asyncio.run(main())
        print("\\n".join(sys.modules))
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert out.returncode == 0, out.stderr
    assert not [m for m in out.stdout.split() if m.startswith("bumptui_design_")], "the design's code stays unrun"
    report = in_process(capsys, "report", str(run))
    assert report.returncode == 0 and "latent 2" in report.stdout


def test_a_step_cuda_cannot_capture_trains_eagerly_and_says_so_once(runs_root, capsys, monkeypatch):
    # No GPU here: the capture's failure is what TrainStep records when torch.cuda.graph raises.
    from bumptui.engine.autoencoder import training
    from bumptui.engine.autoencoder.runs.events import Notice

    real = training.TrainStep.__call__

    def uncapturable(self, train_x, batch):
        self.graph_error = "RuntimeError: operation not permitted when stream is capturing"
        return real(self, train_x, batch)

    monkeypatch.setattr(training.TrainStep, "__call__", uncapturable)
    run = runs_root / "designed-eager"
    shutil.rmtree(run, ignore_errors=True)
    result = in_process(capsys, "train", "--arch", f"{EXAMPLES / 'flat_mlp.py'}:FlatMlp", "--latent", "2",
                        "--run-dir", str(run), *TINY[:1], "2", *TINY[2:])
    assert result.returncode == 0, result.stderr
    notes = [e.message for e in read_events(run) if isinstance(e, Notice)]
    assert notes == ["latent 2: its step could not be captured as a CUDA graph (RuntimeError: operation not "
                     "permitted when stream is capturing); it trains eagerly, a little slower, with the same numbers"]
    assert result.stderr.count("bumptui: note: latent 2: its step could not be captured") == 1


@pytest.mark.parametrize("body, words", [
    ("class D(nn.Module):\n    def __init__(self, width):\n        super().__init__()",
     "D() raised TypeError"),
    ("class D(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.l = nn.Linear(784, 2)\n"
     "    def forward(self, x):\n        return self.l(x.reshape(len(x), 784))",
     "must return one logit per image, [B] or [B, 1] = [4] or [4, 1], for a [4, 1, 28, 28] batch; it returned [4, 2]"),
])
def test_a_dis_net_design_that_breaks_the_contract_is_one_sentence(runs_root, tmp_path, capsys, body, words):
    design = write(tmp_path, "dis", "import torch\nfrom torch import nn\n\n" + body + "\n")
    run = runs_root / "designed-dis-refused"
    if not run.exists():
        assert in_process(capsys, "train", "--latent", "2", "--run-dir", str(run), *TINY).returncode == 0
    one_sentence(in_process(capsys, "sharpen", str(run), "--dis-net", f"{design}:D"), words)
    assert not (run / "sharpen").exists(), "refused before anything is written"


async def test_the_train_forms_design_is_checked_as_it_is_typed(tmp_path):
    from textual.widgets import Input, Static

    from tests.tui.conftest import text_of, wait_until
    from bumptui.tui.app import BumptuiApp

    broken = write(tmp_path, "broken", BROKEN["z_shape"][0])
    app = BumptuiApp(runs_root=tmp_path / "runs")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("2")
        pane = app.screen
        pane.query_one("#latent", Input).value = "2"
        pane.query_one("#arch", Input).value = f"{broken}:AE"
        assert await wait_until(pilot, lambda: pane.design_verdict is not None, timeout=30)
        assert "encode must return [B, D] = [4, 2]" in text_of(pane.query_one("#error", Static))
        pane.query_one("#arch", Input).value = f"{EXAMPLES / 'small_conv.py'}:SmallConv"
        assert await wait_until(pilot, lambda: "SmallConv" in (pane.design_verdict or ""), timeout=30)
        assert "imports, builds at latent 2 and passes the probe" in pane.design_verdict
        pane.query_one("#arch", Input).value = f"{broken}:AE"
        pane.query_one("#name", Input).value = "never"
        await pilot.press("ctrl+s")
        await pilot.pause(0.5)
        assert any("encode must return [B, D]" in n for n in app.notices), "Start refuses it in one sentence"
        assert not (tmp_path / "runs" / "never").exists()
        # the example design, trained from the form
        pane.query_one("#arch", Input).value = f"{EXAMPLES / 'flat_mlp.py'}:FlatMlp"
        pane.query_one("#epochs", Input).value = "1"
        pane.query_one("#subset", Input).value = "300"
        pane.query_one("#name", Input).value = "mine"
        await pilot.press("ctrl+s")
        assert await wait_until(pilot, lambda: app.record is not None and app.record.outcome is not None, timeout=120)
        run = tmp_path / "runs" / "mine"
        assert (run / "design" / "flat_mlp.py").is_file() and read_events(run)[-1].summary["models"]["2"]["epochs"] == 1
        await pilot.pause(1.2)
        assert "design " in text_of(pane.query_one("#status", Static)) and "FlatMlp (sha256 " in text_of(
            pane.query_one("#status", Static))



def test_the_app_quits_at_once_while_a_typed_design_hangs_in_its_import(tmp_path):
    # In a process of its own: what must not wait is the process's exit, after the app is gone.
    import time

    looping = write(tmp_path, "loops", "import time\nwhile True:\n    time.sleep(0.01)\n" + GOOD)
    code = textwrap.dedent(f"""
        import asyncio, threading, time
        from pathlib import Path
        from textual.widgets import Input
        from bumptui.tui.app import BumptuiApp
        app = BumptuiApp(runs_root=Path({str(tmp_path / "runs")!r}))
        async def main():
            async with app.run_test(size=(100, 30)) as pilot:
                await pilot.press("2")
                app.screen.query_one("#arch", Input).value = {f"{looping}:AE"!r}
                while not any(t.name == "bumptui-design-import" for t in threading.enumerate()):
                    await pilot.pause(0.05)
                print("importing", flush=True)
                await pilot.press("ctrl+q")
        asyncio.run(main())
    """)
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            cwd=ROOT)
    try:
        assert proc.stdout.readline().strip() == "importing", proc.stderr.read()
        quit_at = time.monotonic()
        proc.wait(timeout=60)
        assert time.monotonic() - quit_at < 10, "quitting does not wait for the design's import"
        assert proc.returncode == 0, proc.stderr.read()
    finally:
        proc.kill()


def test_a_design_resumed_on_the_cpu_gives_the_losses_of_an_uninterrupted_run(runs_root, capsys):
    from bumptui.engine.autoencoder.jobs.train.events import EpochEnd

    arch = f"{EXAMPLES / 'flat_mlp.py'}:FlatMlp"
    whole, halves = runs_root / "designed-whole", runs_root / "designed-halves"
    for run in (whole, halves):
        shutil.rmtree(run, ignore_errors=True)
    common = ["--arch", arch, "--latent", "2", "--subset", "300", "--batch-size", "64", "--eval-every", "9",
              "--precision", "fp32", "--seed", "3"]
    assert in_process(capsys, "train", *common, "--epochs", "2", "--run-dir", str(whole)).returncode == 0
    assert in_process(capsys, "train", *common, "--epochs", "1", "--run-dir", str(halves)).returncode == 0
    assert in_process(capsys, "train", "--resume", "--epochs", "2", "--run-dir", str(halves)).returncode == 0

    def losses(run):
        return {e.epoch: (e.train_l1, e.test_l1) for e in read_events(run) if isinstance(e, EpochEnd)}

    assert losses(halves) == losses(whole) and len(losses(whole)) == 2


def test_a_study_of_a_design_against_a_built_in_is_refused_in_one_sentence_when_it_cannot_run(tmp_path, capsys):
    broken = write(tmp_path, "broken", BROKEN["nan"][0])
    one_sentence(in_process(capsys, "study", "--arch", f"{broken}:AE", "--against", "mlp", "--latent", "2",
                            "--run-dir", str(tmp_path / "s")), "gives NaN or infinite values")
    one_sentence(in_process(capsys, "study", "--arch", "mlp", "--against", "mlp", "--run-dir", str(tmp_path / "s")),
                 "--against names the design studied (mlp)")
    assert not (tmp_path / "s").exists()


def test_the_paired_claims_compare_the_two_designs_seed_by_seed():
    from bumptui.engine.autoencoder.evidence import CONFIDENCE
    from bumptui.engine.autoencoder.jobs.study.claims import AGAINST, claims, judge

    paired = {c.id: c for c in claims([2, 16], [1, 2], "mlp")}
    assert {"D1", "D2", "D3"} <= set(paired) and "mlp" in paired["D1"].words
    assert [p.metric for p in paired["D1"].parts] == [f"{AGAINST}test_l1/2 - test_l1/2", f"{AGAINST}test_l1/16 - test_l1/16"]
    assert "D1" not in {c.id for c in claims([2, 16], [1, 2])}, "no comparison asked: no paired claims"
    # five seeds where the design's test L1 is lower than mlp's by 0.010 +- 0.001: D1 supported
    seeds = [{"test_l1/2": 0.100 + 0.001 * k, f"{AGAINST}test_l1/2": 0.110 + 0.001 * k + 0.0005 * (k % 2),
              "test_l1/16": 0.080, f"{AGAINST}test_l1/16": 0.090 + 0.0002 * k} for k in range(5)]
    verdict = judge(paired["D1"], seeds, CONFIDENCE)
    assert verdict["verdict"] == "supported" and verdict["n"] == 5, verdict
