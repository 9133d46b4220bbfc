"""The clustering methods: IDEC's formulas against a hand computation, what IDEC trains, each method
on blobs it must find, and N2D (UMAP then a clusterer) against k-means on the same codes."""

import numpy as np
import pytest
import torch
from torch import nn

from bumptui.engine.autoencoder.jobs.cluster.config import ClusterConfig
from bumptui.engine.autoencoder.clustering.idec import (Idec, clustering_loss, idec_epoch, soft_assignment,
                                                target_distribution)
from bumptui.engine.autoencoder.clustering.kmeans import kmeans
from bumptui.engine.autoencoder.clustering.methods import cluster_labels
from bumptui.engine.autoencoder.clustering.scores import agreement


def test_student_t_assignment_and_target_match_a_hand_computation():
    z = torch.tensor([[0.0, 0.0], [1.0, 0.0]])
    centres = torch.tensor([[0.0, 0.0], [2.0, 0.0]])
    q = soft_assignment(z, centres)
    # z0 is at distance 0 and 2 from the centres, z1 at 1 and 1: kernels 1/(1+d^2)
    k0, k1 = (1 / (1 + 0), 1 / (1 + 4)), (1 / (1 + 1), 1 / (1 + 1))
    hand_q = [[k / sum(k0) for k in k0], [k / sum(k1) for k in k1]]
    np.testing.assert_allclose(q.numpy(), hand_q, rtol=1e-6)
    assert hand_q[0] == pytest.approx([5 / 6, 1 / 6])
    f = [hand_q[0][j] + hand_q[1][j] for j in range(2)]  # soft cluster sizes
    raw = [[hand_q[i][j] ** 2 / f[j] for j in range(2)] for i in range(2)]
    hand_p = [[r / sum(row) for r in row] for row in raw]
    p = target_distribution(q)
    np.testing.assert_allclose(p.numpy(), hand_p, rtol=1e-6)
    assert p[0, 0] > q[0, 0], "the target sharpens a confident assignment"
    assert p[1, 1] > p[1, 0], "an undecided point leans to the smaller cluster (sizes are divided out)"
    kl = sum(hand_p[i][j] * np.log(hand_p[i][j] / hand_q[i][j]) for i in range(2) for j in range(2)) / 2
    assert clustering_loss(q, p).item() == pytest.approx(kl)
    assert clustering_loss(q, q).item() == pytest.approx(0.0, abs=1e-7)


class Linear(nn.Module):
    """An autoencoder of pixels-as-features: one linear layer each way (identity at the start)."""

    def __init__(self, width: int):
        super().__init__()
        self.encoder, self.decoder = nn.Linear(width, width), nn.Linear(width, width)
        for layer in (self.encoder, self.decoder):
            nn.init.eye_(layer.weight)
            nn.init.zeros_(layer.bias)

    def encode(self, x):
        return self.encoder(x)

    def decode(self, z):
        return self.decoder(z)


def blobs(n_per=60, width=16, seed=0):
    """Ten tight, well-separated blobs as uint8 "images" of `width` pixels, and their labels."""
    rng = np.random.default_rng(seed)
    centres = rng.uniform(20, 235, size=(10, width))
    x = np.concatenate([c + rng.normal(0, 2.0, size=(n_per, width)) for c in centres])
    return np.clip(x, 0, 255).round().astype(np.uint8), np.repeat(np.arange(10), n_per)


def test_the_clustering_loss_reaches_the_encoder_and_centres_but_never_the_decoder():
    torch.manual_seed(0)
    x_u8, _ = blobs(n_per=5)
    x = torch.from_numpy(x_u8).float() / 255
    idec = Idec(Linear(16), torch.randn(10, 16) * 0.5)
    recon, q = idec(x)
    clustering_loss(q, target_distribution(q).detach()).backward()
    assert all(p.grad is None for p in idec.autoencoder.decoder.parameters())
    assert idec.centres.grad.abs().sum() > 0
    assert all(p.grad.abs().sum() > 0 for p in idec.autoencoder.encoder.parameters())


def fine_tune(gamma: float, epochs: int = 3):
    """IDEC on the blobs from a linear autoencoder: (the model before, after, the labels)."""
    torch.manual_seed(0)
    x_u8, labels = blobs()
    train_x = torch.from_numpy(x_u8)
    idec = Idec(Linear(16), torch.as_tensor(kmeans(x_u8 / 255, seed=0).cluster_centers_, dtype=torch.float32))
    before = {k: v.clone() for k, v in idec.state_dict().items()}
    optimizer = torch.optim.Adam(idec.parameters(), lr=1e-3)
    state, generator = {"step": 0, "changed": None}, torch.Generator().manual_seed(0)
    for _ in range(epochs):
        idec_epoch(idec, optimizer, train_x, state, 64, gamma, 5, generator, None, lambda *a: None)
    return before, idec, train_x, labels


def test_idec_finds_the_blobs_and_keeps_the_decoder_to_reconstruction():
    before, idec, train_x, labels = fine_tune(gamma=0.1)
    found = agreement(labels, idec.assign(train_x).argmax(1).numpy())
    assert found.acc == 1.0
    assert not torch.equal(before["centres"], idec.centres.detach()), "the centres moved"
    _, kl_free, _, _ = fine_tune(gamma=0.0)
    assert torch.equal(before["centres"], kl_free.centres.detach()), "without the clustering loss nothing moves the centres"


@pytest.mark.parametrize("method", ["kmeans", "umap"])
def test_each_method_finds_hand_made_blobs(method):
    x, labels = blobs()
    found = agreement(labels, cluster_labels(method, x.astype(np.float32), 0, ClusterConfig()))
    assert found.acc == 1.0 and found.purity == 1.0 and found.nmi == pytest.approx(1.0)
