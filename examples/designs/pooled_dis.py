"""A dis_net of the user's: two convolutions, then global average pooling and one logit per image,
[B, 1] (the lab's own ends in a linear layer over a 7x7 map instead).

    bumptui sharpen runs/<name> --dis-net examples/designs/pooled_dis.py:PooledDis
"""

import torch
from torch import nn


class PooledDis(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 32, 3, stride=2, padding=1), nn.LeakyReLU(0.2),   # 14 x 14
            nn.Conv2d(32, 64, 3, stride=2, padding=1), nn.LeakyReLU(0.2),  # 7 x 7
            nn.Conv2d(64, 1, 3, padding=1),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.features(x).mean(dim=(2, 3))
