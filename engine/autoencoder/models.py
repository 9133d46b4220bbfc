"""The autoencoders and the judge, small to large.

The decoder's output is linear, not a sigmoid: with a sigmoid, L1 loss and Adam at 1e-3 the model
sits at the per-pixel median image (almost all black) for many epochs, because the median is where
L1 is flat for a saturated sigmoid. A linear output trains from the first epoch; images are clamped
to [0, 1] only where they are shown or scored. Batch normalisation after each hidden
layer shortens the first plateau further (measured on full MNIST after one epoch, test L1 for
latent 2 / 16 / 256: 0.110 / 0.104 / 0.088 without it, 0.100 / 0.080 / 0.079 with it).
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from bumptui.engine.autoencoder.mnist import PIXELS, SIDE

EVAL_BATCH = 2000
"""Images per forward pass when a model is only evaluated (no graph kept)."""


def model_seed(seed: int, latent: int) -> int:
    """The seed of the latent-`latent` model of a run seeded `seed`: its initial weights and its
    shuffles, different for each model and the same in every run with that seed."""
    return seed * 1000 + latent


def as_float(x_uint8: torch.Tensor) -> torch.Tensor:
    """uint8 pixels as floats in [0, 1], the models' input (a new tensor; the data is untouched)."""
    return x_uint8.float().div_(255.0)


def as_images(x: torch.Tensor) -> torch.Tensor:
    """(n, 1, 28, 28) from any (n, 784), (n, 28, 28) or (n, 1, 28, 28): what convolutions take."""
    return x.reshape(len(x), 1, SIDE, SIDE)


def as_uint8_digits(images: torch.Tensor) -> np.ndarray:
    """Images with values in [0, 1] as uint8 digits (n, 28, 28) on the CPU: how they are logged and drawn."""
    return (images * 255).round().to(torch.uint8).reshape(-1, SIDE, SIDE).cpu().numpy()


def in_chunks(fn, x: torch.Tensor) -> torch.Tensor:
    """fn over x in slices of EVAL_BATCH images, concatenated: bounded memory on any number of images."""
    return torch.cat([fn(x[i:i + EVAL_BATCH]) for i in range(0, len(x), EVAL_BATCH)])


def hidden(n_in: int, n_out: int) -> list[nn.Module]:
    return [nn.Linear(n_in, n_out), nn.BatchNorm1d(n_out), nn.ReLU()]


def stack(sizes: tuple[int, ...], out: int) -> nn.Sequential:
    """A hidden layer (linear, batch norm, ReLU) from each size to the next, then a linear layer to `out`."""
    return nn.Sequential(*(m for a, b in zip(sizes, sizes[1:]) for m in hidden(a, b)), nn.Linear(sizes[-1], out))


class MlpAutoencoder(nn.Module):
    """784-512-256-d and mirrored; batch norm and ReLU after each hidden layer, linear code and output."""

    WIDTHS = (512, 256)
    """The encoder's hidden layers; the decoder's are the same, reversed."""

    def __init__(self, latent_dim: int):
        super().__init__()
        self.latent_dim = latent_dim
        self.encoder = stack((PIXELS, *self.WIDTHS), latent_dim)
        self.decoder = stack((latent_dim, *reversed(self.WIDTHS)), PIXELS)

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        return self.encoder(x.reshape(len(x), PIXELS))

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        return self.decoder(z)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.decode(self.encode(x))


class DecAutoencoder(MlpAutoencoder):
    """784-500-500-1000-d and mirrored, as the MLP is built: the autoencoder of the clustering papers
    (DEC, IDEC, N2D: 784-500-500-2000-d) with its widest layer halved. The default: after the default
    ten epochs its latent-16 codes cluster (UMAP, then a Gaussian mixture) at about 0.94 where the
    MLP's reach 0.80, the raw pixels' level, with lower L1 (RESULTS.md, "Codes worth clustering early")."""

    WIDTHS = (500, 500, 1000)


class ConvAutoencoder(nn.Module):
    """Two stride-2 convolutions (28 -> 14 -> 7) to a linear code, and their transposes back."""

    def __init__(self, latent_dim: int):
        super().__init__()
        self.latent_dim = latent_dim
        self.encoder = nn.Sequential(
            nn.Conv2d(1, 32, 3, stride=2, padding=1), nn.BatchNorm2d(32), nn.ReLU(),
            nn.Conv2d(32, 64, 3, stride=2, padding=1), nn.BatchNorm2d(64), nn.ReLU(),
            nn.Flatten(), nn.Linear(64 * 7 * 7, latent_dim),
        )
        self.decoder = nn.Sequential(
            nn.Linear(latent_dim, 64 * 7 * 7), nn.ReLU(), nn.Unflatten(1, (64, 7, 7)),
            nn.ConvTranspose2d(64, 32, 3, stride=2, padding=1, output_padding=1), nn.BatchNorm2d(32), nn.ReLU(),
            nn.ConvTranspose2d(32, 1, 3, stride=2, padding=1, output_padding=1),
            nn.Flatten(),
        )

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        return self.encoder(as_images(x))

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        return self.decoder(z)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.decode(self.encode(x))


AUTOENCODERS = {"dec": DecAutoencoder, "mlp": MlpAutoencoder, "conv": ConvAutoencoder}


def adam_options(device, graphs: bool = False) -> dict:
    """How the lab's Adams run on a device. CUDA with graphs: capturable (a step replayed as a CUDA
    graph keeps its step counter on the GPU). The CPU: fused, one pass over the weights per step
    instead of a dozen (a bf16 step of the default MLP here: 10.9 -> 8.5 ms; BENCHMARKS). Elsewhere
    PyTorch's default. The algorithm is the same; only the rounding of its last bits differs."""
    kind = torch.device(device).type
    # fused None, not False: an explicit False also turns PyTorch's default foreach off (a loop per tensor).
    return {"capturable": kind == "cuda" and graphs, "fused": True if kind == "cpu" else None}


def adam(module: nn.Module, lr: float, betas: tuple[float, float] = (0.9, 0.999),
         graphs: bool = False) -> torch.optim.Adam:
    """An Adam over the module's weights, set up for the device they are on (adam_options)."""
    params = list(module.parameters())
    return torch.optim.Adam(params, lr=lr, betas=betas, **adam_options(params[0].device, graphs))


def load_adam(optimizer: torch.optim.Adam, state: dict, graphs: bool = False) -> None:
    """Load a saved Adam state, then give it the options of the device the weights are on now,
    not the ones it was saved with (a training on CUDA saves a capturable Adam, which the CPU
    refuses to step), and its step counters where those options want them: on the weights'
    device when capturable or fused, on the CPU otherwise."""
    optimizer.load_state_dict(state)
    for group in optimizer.param_groups:
        options = adam_options(group["params"][0].device, graphs)
        group.update(options)
        for param in group["params"]:
            state = optimizer.state.get(param, {})
            if "step" in state:
                on_device = options["capturable"] or options["fused"]
                state["step"] = state["step"].to(param.device if on_device else "cpu", torch.float32)


def make_autoencoder(arch: str, latent_dim: int) -> nn.Module:
    """A built-in autoencoder, or the user's design `arch` names (loaded from its run's recorded copy)."""
    if arch in AUTOENCODERS:
        return AUTOENCODERS[arch](latent_dim)
    from bumptui.engine.autoencoder.designs import build

    return build(arch, latent_dim)


def l1_loss(reconstruction: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """The user's loss: flatten input and target, mean of the element-wise absolute difference."""
    return (reconstruction.reshape(len(reconstruction), -1) - target.reshape(len(target), -1)).abs().mean()


class DigitJudge(nn.Module):
    """A small CNN digit classifier, trained once, that says which digit a reconstruction shows."""

    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        )
        self.classifier = nn.Sequential(nn.Flatten(), nn.Linear(64 * 7 * 7, 128), nn.ReLU(), nn.Linear(128, 10))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier(self.features(as_images(x)))
