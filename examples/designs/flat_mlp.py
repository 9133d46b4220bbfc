"""An MLP autoencoder whose decoder returns flat images, [B, 784] (the lab reshapes them for its
pictures): 784-256-D with a tanh-free linear code, and back through 256 with a linear output.

    bumptui train --arch examples/designs/flat_mlp.py:FlatMlp --latent 2 16 256
"""

import torch
from torch import nn


class FlatMlp(nn.Module):
    def __init__(self, latent_dim: int):
        super().__init__()
        self.encoder = nn.Sequential(nn.Flatten(), nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, latent_dim))
        self.decoder = nn.Sequential(nn.Linear(latent_dim, 256), nn.ReLU(), nn.Linear(256, 784))

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        return self.encoder(x)

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        return self.decoder(z)
