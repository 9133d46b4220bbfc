"""Sharper reconstructions with dis_net, the science only: the blur and sharpness measure, dis_net
itself, the strategies' update steps and the comparison (the sharpening job is jobs/sharpen/)."""

BLUR_KERNEL = 5
"""The Gaussian kernel of the blurred copies that dis_net learns to tell from clear digits."""
BLUR_SIGMA = (1.0, 2.0)
"""Each blurred copy draws its sigma from this range: from a soft blur to one that smears strokes."""
DCGAN_BETAS = (0.5, 0.999)
"""Adam's betas for every discriminator, as in DCGAN (Radford et al., 2016): a short momentum
keeps D from overshooting a generator that moves under it."""
