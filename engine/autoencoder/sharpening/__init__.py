"""Sharper reconstructions with dis_net: the blur and sharpness measure, dis_net itself, the
strategies' update steps, and the recorded sharpening run of a training run's models."""
