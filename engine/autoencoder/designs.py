"""Autoencoders the user designs, trained and measured like the built-in ones.

`--arch PATH.py:ClassName` or `--arch package.module:ClassName` names a torch.nn.Module built as
`ClassName(latent_dim=D)`, with `encode(x) -> z` and `decode(z) -> x_hat`: x is [B, 1, 28, 28] in
[0, 1], z must be [B, D], x_hat [B, 1, 28, 28] or [B, 784] (flattened for the L1 loss and reshaped
for pictures, never squashed). Anything else is refused before any training with one sentence that
names the rule broken and the shapes seen (`check`, which builds each latent size and runs a probe
batch through it).

A run keeps a copy of the design's source file and its SHA-256 (design/<file> in its folder, the
hash in config.json), and everything that later builds the run's models (resume, sharpen, cluster,
export, a study's trial) imports that copy, never the file the user may have edited since (a
difference is said), and never anything from a checkpoint (weights load with weights_only=True).
Loading a design runs its code, as `python my_ae.py` would; reading a run's logs (watch, report, the
panes) does not import it.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import torch
from torch import nn

from bumptui.engine.autoencoder import DESIGN_SPEC
from bumptui.engine.autoencoder.mnist import PIXELS, SIDE
from bumptui.engine.autoencoder.models import AUTOENCODERS, as_images
from bumptui.engine import guarded
from bumptui.engine.errors import UserError

SPEC = re.compile(DESIGN_SPEC)  # its groups: where, name
DESIGN_DIR = "design"
"""Where a run keeps the copy of its design's source."""
PROBE = 4
"""Images in the probe batch."""


class DesignError(UserError):
    """A design the lab cannot train; the message names the rule it breaks."""


@dataclass(frozen=True)
class Spec:
    text: str
    where: str
    """A .py file's path, or a module's dotted name."""
    name: str

    @property
    def is_file(self) -> bool:
        return self.where.endswith(".py")


def is_builtin(arch: str) -> bool:
    return arch in AUTOENCODERS


def parse(arch: str) -> Spec:
    match = SPEC.match(arch)
    if match is None:
        raise DesignError(f"--arch must be one of {', '.join(AUTOENCODERS)}, or PATH.py:ClassName or "
                          f"package.module:ClassName, not {arch!r}.")
    return Spec(arch, match["where"], match["name"])


def sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _module_from_file(path: Path, tag: str):
    name = f"bumptui_design_{tag}"
    if name in sys.modules and getattr(sys.modules[name], "__bumptui_whole__", False):
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        sys.modules.pop(name, None)
        raise
    module.__bumptui_whole__ = True  # imported to its end (an import still running, or cut off, is not)
    return module


def import_class(spec: Spec, source: Path | None = None) -> type:
    """The autoencoder class the spec names, from `source` (a run's recorded copy) or from where the
    spec points: a Module with encode and decode."""
    return _imported(spec, source, methods=("encode", "decode"))


IMPORT_S = 60.0
"""How long importing a design may take: a design's file defines a class, in well under a second."""


def _bounded(load, text: str):
    """load() (an import), given IMPORT_S to finish: it runs in a daemon thread, so an import that
    loops or waits for ever is one sentence here, and never keeps the process (or the app) alive."""
    import threading

    box: dict = {}

    def run() -> None:
        try:
            box["module"] = load()
        except BaseException as err:  # noqa: BLE001 (sys.exit() at import included: said, not obeyed)
            box["error"] = err

    thread = threading.Thread(target=run, name="bumptui-design-import", daemon=True)
    thread.start()
    thread.join(IMPORT_S)
    if thread.is_alive():
        raise DesignError(f"Importing the design {text} did not finish within {IMPORT_S:g} s (a loop or a wait at "
                          "import?); a design's file should only define its class.")
    if "error" in box:
        raise box["error"]
    return box["module"]


def _imported(spec: Spec, source: Path | None, methods: tuple[str, ...]) -> type:
    try:
        if spec.is_file or source is not None:
            path = Path(source or spec.where)
            if not path.is_file():
                raise DesignError(f"The design file {path} does not exist.")
            tag = sha256(path)[:16]
            module = _bounded(lambda: _module_from_file(path, tag), spec.text)
        else:
            module = _bounded(lambda: importlib.import_module(spec.where), spec.text)
    except DesignError:
        raise
    except ModuleNotFoundError as err:
        raise DesignError(f"The design {spec.text} cannot be imported: {err}.") from None
    except SystemExit as err:
        raise DesignError(f"Importing the design {spec.text} called exit({err.code!r}); a design's file should only "
                          "define its class.") from None
    except Exception as err:  # its code raised while it was imported
        raise DesignError(f"Importing the design {spec.text} raised {type(err).__name__}: {err}.") from None
    cls = getattr(module, spec.name, None)
    if cls is None:
        raise DesignError(f"The design file {spec.where} has no class {spec.name}.")
    if not (isinstance(cls, type) and issubclass(cls, nn.Module)):
        raise DesignError(f"{spec.text} is not a torch.nn.Module class.")
    for method in methods:
        if not callable(getattr(cls, method, None)):
            raise DesignError(f"{spec.text} has no {method}() method: a design needs encode(x) -> z and decode(z) -> x_hat.")
    return cls


def shape(t) -> str:
    return f"[{', '.join(map(str, t.shape))}]" if isinstance(t, torch.Tensor) else type(t).__name__


def _probed(call, what: str):
    """call() without gradients, or DesignError saying that `what` raised (and what)."""
    try:
        with torch.no_grad():
            return call()
    except Exception as err:
        raise DesignError(f"{what} raised {type(err).__name__}: {err}.") from None


def _built(cls: type, spec: str, args: str, **kwargs) -> nn.Module:
    """The design built (spec(args)), in eval mode, with trainable parameters, or DesignError."""
    model = _probed(lambda: cls(**kwargs), f"{spec}({args})")
    if not isinstance(model, nn.Module):
        raise DesignError(f"{spec} is not a torch.nn.Module class.")
    if not any(p.requires_grad for p in model.parameters()):
        raise DesignError(f"{spec}({args}) has no trainable parameters.")
    return model.eval()


def _probe_batch() -> torch.Tensor:
    return torch.rand(PROBE, 1, SIDE, SIDE, generator=torch.Generator().manual_seed(0))


def check(cls: type, spec: str, latent_dims) -> None:
    """Build the design at every latent size and run a probe batch through it: DesignError with the
    rule broken and the shapes seen, or None."""
    x = _probe_batch()
    for d in latent_dims:
        model = _built(cls, spec, f"latent_dim={d}", latent_dim=d)
        z = _probed(lambda: model.encode(x), f"{spec}.encode on a [{PROBE}, 1, 28, 28] batch")
        if not isinstance(z, torch.Tensor) or tuple(z.shape) != (PROBE, d):
            raise DesignError(f"{spec}.encode must return [B, D] = [{PROBE}, {d}] for a [{PROBE}, 1, 28, 28] "
                              f"batch; it returned {shape(z)}.")
        x_hat = _probed(lambda: model.decode(z), f"{spec}.decode on a [{PROBE}, {d}] code")
        if not isinstance(x_hat, torch.Tensor) or tuple(x_hat.shape) not in ((PROBE, 1, SIDE, SIDE), (PROBE, PIXELS)):
            raise DesignError(f"{spec}.decode must return [B, 1, 28, 28] or [B, 784] for a [{PROBE}, {d}] code; it "
                              f"returned {shape(x_hat)}.")
        if not (torch.isfinite(z).all() and torch.isfinite(x_hat).all()):
            raise DesignError(f"{spec} gives NaN or infinite values on a probe batch (latent {d}).")


BUILTIN_DIS = "dcgan"
"""The lab's own dis_net (sharpening/dis_net.py)."""


def check_dis(cls: type, spec: str) -> None:
    """A dis_net design built with no arguments and given a probe batch: one logit per image."""
    model = _built(cls, spec, "")
    x = _probe_batch()
    out = _probed(lambda: model(x), f"{spec} on a [{PROBE}, 1, 28, 28] batch")
    if not isinstance(out, torch.Tensor) or tuple(out.shape) not in ((PROBE,), (PROBE, 1)):
        raise DesignError(f"{spec} must return one logit per image, [B] or [B, 1] = [{PROBE}] or [{PROBE}, 1], for a "
                          f"[{PROBE}, 1, 28, 28] batch; it returned {shape(out)}.")
    if not torch.isfinite(out).all():
        raise DesignError(f"{spec} gives NaN or infinite values on a probe batch.")


def admit_dis(spec_text: str) -> str:
    """A new sharpening's dis_net design checked from where the user keeps it: its SHA-256."""
    spec = parse(spec_text)
    source = source_of(spec)
    cls = _imported(spec, source, methods=())
    check_dis(cls, spec.text)
    return sha256(source)


class DesignedDis(nn.Module):
    """A user's dis_net as the lab's: images of any layout in, one logit per image out, [B]."""

    def __init__(self, inner: nn.Module) -> None:
        super().__init__()
        self.inner = inner

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.inner(as_images(x)).reshape(len(x))


def make_dis(spec: str) -> nn.Module:
    """The lab's dis_net, or the user's design (loaded with `use` from the sharpening's copy)."""
    if spec == BUILTIN_DIS:
        from bumptui.engine.autoencoder.sharpening.dis_net import DisNet

        return DisNet()
    if spec not in LOADED:
        raise DesignError(f"The dis_net design {spec} has not been loaded from its sharpening's recorded copy.")
    return DesignedDis(LOADED[spec]())


class Designed(nn.Module):
    """A user's design as the lab's models look: forward = decode(encode(x)), the reconstruction
    flattened to [B, 784], the input handed over as [B, 1, 28, 28]."""

    def __init__(self, inner: nn.Module, latent_dim: int, spec: str = "") -> None:
        super().__init__()
        self.inner = inner
        self.latent_dim = latent_dim
        self.spec = spec

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        images = as_images(x)
        try:
            return self.inner.encode(images)
        except Exception as err:  # the design's own error, said in one sentence naming it
            raise self._failed("encode", images, err) from None

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        try:
            out = self.inner.decode(z)
            return out.reshape(len(out), PIXELS)
        except Exception as err:
            raise self._failed("decode", z, err) from None

    def _failed(self, method: str, given: torch.Tensor, err: Exception) -> DesignError:
        return DesignError(f"The design {self.spec}.{method} raised {type(err).__name__} on a {shape(given)} batch "
                           f"(latent {self.latent_dim}): {str(err).splitlines()[0] if str(err) else 'no message'}.")

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.decode(self.encode(x))


LOADED: dict[str, type] = {}
"""The designs this process has loaded, by their --arch text (from a run's recorded copy)."""


def build(arch: str, latent_dim: int) -> nn.Module:
    """The user's design `arch` names, loaded in this process (`use`); models.make_autoencoder builds
    the built-ins and hands the rest here."""
    if arch not in LOADED:
        raise DesignError(f"The design {arch} has not been loaded from its run's recorded copy.")
    return Designed(LOADED[arch](latent_dim=latent_dim), latent_dim, arch)


def recorded(folder: Path, spec: Spec) -> Path:
    """Where a run (or the job inside it that uses the design: sharpen/) keeps its copy of the source."""
    name = Path(spec.where).name if spec.is_file else spec.where.split(".")[-1] + ".py"
    return Path(folder) / DESIGN_DIR / name


def source_of(spec: Spec) -> Path:
    """The file a spec's class comes from now (a module's file for package.module:Class)."""
    if spec.is_file:
        return Path(spec.where)
    try:
        found = importlib.util.find_spec(spec.where)
    except ModuleNotFoundError as err:  # its package is not there
        raise DesignError(f"The design {spec.text} cannot be imported: {err}.") from None
    if found is None or not found.origin or not found.origin.endswith(".py"):
        raise DesignError(f"The design module {spec.where} cannot be found, or is not a .py file.")
    return Path(found.origin)


def admit(arch: str, latent_dims) -> str:
    """A new run's design checked from where the user keeps it (import, build, probe): its SHA-256."""
    spec = parse(arch)
    source = source_of(spec)
    check(import_class(spec, source), spec.text, latent_dims)
    return sha256(source)


def keep(folder: Path, arch: str) -> Path:
    """Copy the design's source into the run's folder (atomically); the copy's path."""
    spec = parse(arch)
    target = recorded(folder, spec)
    guarded.folder(folder, DESIGN_DIR)
    guarded.replace_with(target, source_of(spec).read_bytes())
    return target


def use(folder: Path, arch: str, expected_sha: str | None, methods: tuple[str, ...] = ("encode", "decode")) -> str | None:
    """Load a run's design from the copy recorded in `folder` (the run's, or sharpen/ for a dis_net),
    for this process; a note when the user's file now differs from it (the recorded copy is what is
    used), else None. Built-ins: nothing to do. `methods`: what the class must have (none for a dis_net)."""
    if is_builtin(arch) or arch == BUILTIN_DIS:
        return None
    spec = parse(arch)
    copy = recorded(folder, spec)
    if not copy.is_file():
        raise DesignError(f"{folder} records the design {arch} but not its source ({copy} is missing); put the "
                          "file back there to use the run.")
    digest = sha256(copy)
    if expected_sha and digest != expected_sha:
        raise DesignError(f"{copy} is not the design the run was trained with (its SHA-256 differs from the "
                          "one in config.json); put the recorded file back.")
    LOADED[arch] = _imported(spec, copy, methods)
    try:
        current = source_of(spec)
    except DesignError:
        return None
    if current.is_file() and sha256(current) != digest:
        return (f"{current} differs from the copy recorded with {folder} ({copy}); the recorded copy is used, "
                "as the run was trained.")
    return None

