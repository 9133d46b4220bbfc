"""Checkpoints: one self-describing shape for every network a run saves, written atomically."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path

from bumptui.engine.autoencoder.runs.log import why_failed
from bumptui.engine.autoencoder.runs.rundir import RunError
from bumptui.engine import guarded


def save_atomic(obj, path: Path, intact: str = "") -> None:
    """torch.save, atomically (see write_atomic)."""
    import io

    import torch

    data = io.BytesIO()
    torch.save(obj, data)  # in memory first: a failed write then says why (torch's own does not)
    write_atomic(data.getbuffer(), path, intact)


def write_atomic(data, path: Path, intact: str = "") -> None:
    """Write bytes to a temp file beside `path`, synced, then renamed over it: a crash at any point
    leaves either the old file or the new one, never a half-written one, and no temp file. A write
    that fails (a full disk, no permission) is a RunError that names the path and, as `intact`
    says, what is still safe."""
    try:
        guarded.replace_with(path, data)  # no link beside it is written through
    except OSError as err:
        safe = intact or (f"the previous {path.name} is intact" if path.exists() else "nothing was saved there")
        raise RunError(f"{path} could not be written: {why_failed(err)}; {safe}. "
                       "Free space or fix permissions, then resume the run.") from None


def remove_partial(folder: Path) -> list[Path]:
    """Remove the temp files a checkpoint write killed half-way left in `folder` (write_atomic's
    .<name>.<pid>.tmp); called with the run's lock held, so no live writer owns one. Those removed."""
    left = sorted(Path(folder).glob(".*.tmp")) if Path(folder).is_dir() else []
    for path in left:
        path.unlink(missing_ok=True)
    return left


@dataclass
class Checkpoint:
    """Everything one file needs to resume from, and says what it is (as nanoGPT's checkpoint dict):
    the networks and their optimizers by name, the counters and random generators to go on from,
    the settings it was made with and what it scored."""

    kind: str
    """What network it holds, named by the job that saves it: autoencoder, sharpening (a strategy's G
    and D), idec, judge, dis_net (or a registered kind's own)."""
    models: dict
    """name -> state_dict: {"autoencoder"}, {"G", "D"}, {"idec", "target"}, {"judge"} or {"dis_net"}."""
    optimizers: dict = field(default_factory=dict)
    """name -> the optimizer state of the model of that name."""
    generators: dict = field(default_factory=dict)
    """name -> torch.Generator state: "order" (the shuffle), "blur" (the blur's draws)."""
    counters: dict = field(default_factory=dict)
    """{"epoch": completed epochs}."""
    config: dict = field(default_factory=dict)
    """What this model is: {"latent_dim"}, and {"strategy"} for a sharpening pair."""
    scores: dict = field(default_factory=dict)
    """What it scored when saved: the judge's {"test_acc"}."""

    @classmethod
    def from_dict(cls, d: dict) -> "Checkpoint":
        if "kind" in d:
            return cls(**d)
        return _from_old_shape(d)


def _from_old_shape(d: dict) -> Checkpoint:
    """The four shapes that runs recorded before Checkpoint still have on disk."""
    if "g_opt" in d:
        return Checkpoint("sharpening", {"G": d["model"], "D": d["dis"]}, {"G": d["g_opt"], "D": d["d_opt"]},
                          {"blur": d["generator"], "order": d["order"]}, {"epoch": d["epoch"]})
    if "test_acc" in d:
        return Checkpoint("judge", {"judge": d["model"]}, counters={"epoch": d["epochs"]},
                          scores={"test_acc": d["test_acc"]})
    if "optimizer" in d:
        return Checkpoint("autoencoder", {"autoencoder": d["model"]}, {"autoencoder": d["optimizer"]},
                          {"order": d["generator"]}, {"epoch": d["epoch"]}, {"latent_dim": d["latent_dim"]})
    return Checkpoint("dis_net", {"dis_net": d})  # a bare state_dict


def save_checkpoint(checkpoint: Checkpoint, path: Path) -> None:
    """Saved atomically; if the write fails, the sentence says which earlier checkpoint is intact."""
    epoch, latent = checkpoint.counters.get("epoch"), checkpoint.config.get("latent_dim")
    intact = ""
    if path.exists() and epoch and checkpoint.kind in ("autoencoder", "sharpening", "idec"):  # epoch by epoch
        model = f" of latent {latent}" if latent is not None else ""
        intact = f"the previous checkpoint{model}, epoch {epoch - 1}, is intact"
    save_atomic(asdict(checkpoint), path, intact)


def damage_of(path: Path) -> str | None:
    """Why a checkpoint file could not be loaded, found without loading it (its archive and every part's
    checksum); None when it is sound."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            bad = archive.testzip()
    except (OSError, EOFError, ValueError, zipfile.BadZipFile):
        return "it is cut short, or not a checkpoint"
    return f"its part {bad} is corrupt" if bad else None


def misfit(path: Path, err: RuntimeError) -> RunError:
    """The sentence for a checkpoint whose tensors' names or shapes differ from the model's (a
    checkpoint of another model, or of another architecture); err is load_state_dict's."""
    import re

    found = re.search(r"state_dict for (\w+)", str(err))
    model = f" ({found.group(1)})" if found else ""
    return RunError(f"{path} does not fit this run's model{model}: the names or shapes of its layers differ; "
                    "put the right one back, or move it away to train that model again.")


def load_weights(module, state: dict, path: Path) -> None:
    """module.load_state_dict(state), or the misfit's RunError naming the file."""
    try:
        module.load_state_dict(state)
    except RuntimeError as err:
        raise misfit(path, err) from None



MAX_CHECKPOINT = 1 << 30
"""1 GB: the largest model the program trains on MNIST, with Adam's state, is a few dozen MB."""


def load_checkpoint(path: Path, kind: str, expect: dict | None = None) -> Checkpoint:
    """The checkpoint of this kind at `path`; RunError naming the file if it cannot be read back, or
    if it holds another model than the run says belongs there (`expect`: the config fields it must
    have, such as {"latent_dim": 16}: a checkpoint swapped with another or copied from another run)."""
    import io

    import torch

    try:
        data = guarded.read(path, MAX_CHECKPOINT)  # a regular file of a size the program writes, or refused unread
        checkpoint = Checkpoint.from_dict(torch.load(io.BytesIO(data), map_location="cpu", weights_only=True))
    except FileNotFoundError:
        raise RunError(f"{path} is missing.") from None
    except guarded.Refused as refused:
        raise RunError(str(refused)) from None
    except Exception as err:  # torch reports a damaged file in several ways: unpickling, zip, EOF
        raise RunError(f"{path} is damaged and cannot be read ({type(err).__name__}); "
                       "move it away to train that model again.") from None
    if not all(torch.isfinite(t).all() for state in checkpoint.models.values() if isinstance(state, dict)
               for t in state.values() if isinstance(t, torch.Tensor) and t.is_floating_point()):
        raise RunError(f"{path} holds weights that are infinite or NaN (a training that blew up, or a damaged "
                       "file); move it away to train that model again.")
    if checkpoint.kind != kind:
        raise RunError(f"{path} is a {checkpoint.kind} checkpoint where the {kind} checkpoint belongs; move it away.")
    for name, wanted in (expect or {}).items():
        held = checkpoint.config.get(name) if isinstance(checkpoint.config, dict) else None
        if held != wanted:
            what = {"latent_dim": "latent-{} model", "strategy": "strategy-{} pair"}.get(name, name + " {}")
            raise RunError(f"{path} holds a {what.format(held)} where this run's {what.format(wanted)} belongs "
                           "(swapped, or copied from another run); put the right one back, or move it away to "
                           "train that model again.")
    return checkpoint
