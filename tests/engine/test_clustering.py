import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score

from bumptui.engine.autoencoder.clustering.kmeans import kmeans_agreement
from bumptui.engine.autoencoder.clustering.scores import agreement


def test_purity_and_matched_accuracy_on_hand_made_labels():
    # Cluster 0 holds three 0s; cluster 1 two 0s and a 1; cluster 2 one 1.
    digits = np.array([0, 0, 0, 0, 0, 1, 1])
    clusters = np.array([0, 0, 0, 1, 1, 1, 2])
    a = agreement(digits, clusters)
    assert a.purity == pytest.approx(6 / 7)  # each cluster counted by its majority digit
    assert a.acc == pytest.approx(4 / 7)  # one digit per cluster: 0 -> digit 0, 2 -> digit 1
    assert a.contingency[1].tolist()[:2] == [2, 1]
    assert a.contingency.sum() == 7
    assert a.ari == pytest.approx(adjusted_rand_score(digits, clusters))


def test_a_perfect_clustering_under_other_names_scores_one():
    digits = np.repeat(np.arange(10), 5)
    clusters = (digits * 3 + 1) % 10
    a = agreement(digits, clusters)
    assert (a.purity, a.acc, a.nmi, a.ari) == pytest.approx((1, 1, 1, 1))


def test_kmeans_finds_well_separated_blobs():
    rng = np.random.default_rng(0)
    digits = np.repeat(np.arange(10), 30)
    centres = rng.normal(size=(10, 5)) * 20
    features = centres[digits] + rng.normal(size=(300, 5))
    assert kmeans_agreement(features, digits).acc == 1.0
    assert kmeans_agreement(features * np.array([1, 1, 1, 1, 1000]), digits, scaling="standard").acc == 1.0


def test_unit_scaling_clusters_by_direction():
    rng = np.random.default_rng(1)
    digits = np.repeat(np.arange(10), 30)
    angles = digits * 2 * np.pi / 10 + rng.normal(scale=0.05, size=300)
    radii = rng.uniform(0.2, 20, size=300)  # lengths vary wildly; directions carry the digit
    features = np.stack([np.cos(angles), np.sin(angles)], axis=1) * radii[:, None]
    assert kmeans_agreement(features, digits, scaling="unit").acc == 1.0
    assert kmeans_agreement(features, digits).acc < 0.8
