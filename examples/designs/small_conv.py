"""A small convolutional autoencoder, laid out unlike the lab's built-in conv: a 5x5 convolution and
max pooling down (28 -> 14 -> 7), a code from global features, and nearest-neighbour upsampling with
convolutions back up; its decoder returns images, [B, 1, 28, 28].

    bumptui train --arch examples/designs/small_conv.py:SmallConv --latent 2 16 256
"""

import torch
from torch import nn


class SmallConv(nn.Module):
    def __init__(self, latent_dim: int):
        super().__init__()
        self.encoder = nn.Sequential(
            nn.Conv2d(1, 16, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),   # 16 x 14 x 14
            nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),  # 32 x 7 x 7
            nn.Flatten(), nn.Linear(32 * 7 * 7, latent_dim),
        )
        self.expand = nn.Linear(latent_dim, 32 * 7 * 7)
        self.decoder = nn.Sequential(
            nn.ReLU(), nn.Upsample(scale_factor=2), nn.Conv2d(32, 16, 3, padding=1), nn.ReLU(),  # 16 x 14 x 14
            nn.Upsample(scale_factor=2), nn.Conv2d(16, 1, 3, padding=1),                         # 1 x 28 x 28
        )

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        return self.encoder(x)

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        return self.decoder(self.expand(z).reshape(len(z), 32, 7, 7))
