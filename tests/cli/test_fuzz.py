"""Every subcommand, fed generated argument lists of valid and invalid values, in-process: each ends
with 0 or 2, no traceback, and at most a few lines on stderr. Nothing here trains: every run folder
given to train or sharpen is one they refuse (in use by this process, a file, missing, untrained)."""

import io
import os
import shutil
import socket
from contextlib import redirect_stderr, redirect_stdout

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bumptui.cli.main import main
from tests.tui.conftest import FIXTURE

NUMBERS = ["0", "-1", "1", "3", "0.5", "2.5", "nan", "inf", "-inf", "1e308", "-1e308", "99999999999999999999",
           "", " ", "abc", "ü", "1_000", "0x10"]
SMALL_INTS = ["1", "3", "20", "0", "-5", "1000000001", "", "x"]


@pytest.fixture(scope="module")
def places(tmp_path_factory):
    """A run folder in use (locked by this live process), a plain file, a missing folder with unicode and
    spaces in its name, an empty folder, and a sound finished run to read."""
    root = tmp_path_factory.mktemp("fuzz")
    locked = root / "in use"
    shutil.copytree(FIXTURE, locked)
    (locked / "lock").write_text(f'{{"pid": {os.getpid()}, "host": "{socket.gethostname()}"}}')
    sound = root / "sound"
    shutil.copytree(FIXTURE, sound)
    (root / "a file").write_text("not a run")
    (root / "empty").mkdir()
    return {"locked": str(locked), "sound": str(sound), "file": str(root / "a file"),
            "missing": str(root / "nowhere ü é" / "run"), "empty": str(root / "empty")}


def options(pairs: dict) -> st.SearchStrategy:
    """Some of the options, each with a value drawn from its own list (None: a flag)."""
    return st.lists(st.sampled_from(list(pairs)), unique=True, max_size=5).flatmap(
        lambda names: st.tuples(*[st.just([n]) if pairs[n] is None else
                                  st.sampled_from(pairs[n]).map(lambda v, n=n: [n, v]) for n in names]))


BUMP = {"--optimizer": ["adam", "gd", "momentum", "nesterov", "rmsprop", "adamw", "sgd", ""], "--lr": NUMBERS,
        "--beta1": NUMBERS, "--beta2": NUMBERS, "--eps": NUMBERS, "--weight-decay": NUMBERS,
        "--distance": NUMBERS, "--json": None}


def command(places) -> st.SearchStrategy:
    run = lambda *kinds: st.sampled_from([places[k] for k in kinds])  # noqa: E731
    train = {"--latent": SMALL_INTS + ["784", "785"], "--epochs": SMALL_INTS, "--arch": ["mlp", "conv", "rnn"],
             "--batch-size": SMALL_INTS, "--lr": NUMBERS, "--subset": ["100", "99", "60001", "abc"],
             "--device": ["auto", "cpu", "cuda", "tpu"], "--seed": SMALL_INTS, "--eval-every": SMALL_INTS,
             "--kmeans-scaling": ["none", "unit", "bogus"], "--data-dir": [places["missing"], places["file"]],
             "--json": None}
    sharpen = {"--strategy": ["1", "2", "both", "3"], "--lambda": NUMBERS, "--epochs": SMALL_INTS,
               "--from": ["plain", "scratch", "warm"], "--latent": SMALL_INTS, "--lr": NUMBERS, "--d-lr": NUMBERS,
               "--d-steps": SMALL_INTS, "--blur-kernel": SMALL_INTS, "--seed": SMALL_INTS, "--resume": None,
               "--json": None}
    cluster = {"--method": ["kmeans", "umap", "idec", "all", "dbscan"], "--latent": SMALL_INTS, "--epochs": SMALL_INTS,
               "--seeds": SMALL_INTS, "--n-neighbors": SMALL_INTS, "--components": SMALL_INTS,
               "--min-dist": NUMBERS, "--clusterer": ["gmm", "kmeans", "hdbscan"], "--fit-on": ["test", "all", "x"],
               "--gamma": NUMBERS, "--precision": ["auto", "fp16"], "--resume": None, "--json": None}
    return st.one_of(
        st.tuples(st.just(["critical-h"]), options({**BUMP, "--max-steps": SMALL_INTS})),
        st.tuples(st.just(["trajectory"]), options({**BUMP, "--height": NUMBERS, "--steps": SMALL_INTS})),
        # train never gets a folder it would train in: in use, a file, or (to resume) missing
        st.tuples(run("locked", "file").map(lambda r: ["train", "--run-dir", r]), options(train)),
        st.tuples(run("missing", "empty").map(lambda r: ["train", "--resume", "--run-dir", r]), options(train)),
        st.tuples(run("locked", "file", "missing", "empty").map(lambda r: ["sharpen", r]), options(sharpen)),
        st.tuples(run("locked", "file", "missing", "empty").map(lambda r: ["cluster", r]), options(cluster)),
        st.tuples(run("sound", "locked", "file", "missing", "empty").flatmap(
            lambda r: st.sampled_from([["report", r], ["compare", r], ["repair", r], ["report", r, "--json"]]))),
        st.tuples(run("file", "missing", "empty").map(lambda r: ["watch", r])),
        st.tuples(st.sampled_from([["nonsense"], ["train", "--bogus"], ["critical-h", "extra"]])),
    ).map(lambda parts: [arg for part in parts for group in (part if part and isinstance(part[0], list) else [part])
                         for arg in group])


@settings(max_examples=150, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_every_command_line_ends_in_0_or_one_sentence(places, data):
    argv = data.draw(command(places))
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as exit_:  # argparse's own refusal
            code = exit_.code
    text = err.getvalue()
    assert code in (0, 2), (argv, code, text)
    assert "Traceback" not in text, (argv, text)
    assert len(text.strip().splitlines()) <= 3, (argv, text)
    if code == 2:
        assert text.strip(), (argv, "a refusal says why")
