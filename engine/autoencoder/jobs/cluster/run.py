"""A clustering run: k-means, UMAP (N2D) and IDEC on each model of a training run, recorded in
<run>/cluster, with each method also on the raw pixels so the table says what the autoencoder adds.

    runs/<name>/cluster/config.json            the ClusterConfig (its precision resolved)
    runs/<name>/cluster/metrics.jsonl          ClusterStarted, MethodScores, IdecStep, Done ...
    runs/<name>/cluster/checkpoints/idec-<d>.pt

k-means and UMAP score each model's test codes with seeds seed .. seed+seeds-1; a resumed run skips
the scorings already recorded. IDEC fine-tunes a copy of each model (the run's newest checkpoint)
on the training images, epoch by epoch, scoring the test digits after each; it resumes from its
checkpoint like training does, and seeded CPU runs repeat bit for bit. The training run's lock is
held throughout, so neither a training nor a sharpening can touch the run meanwhile.
"""

from __future__ import annotations

import math
import time

import numpy as np
import torch

from bumptui.engine.autoencoder.clustering.idec import Idec, idec_epoch
from bumptui.engine.autoencoder.clustering.kmeans import kmeans
from bumptui.engine.autoencoder.clustering.manifold import pca
from bumptui.engine.autoencoder.clustering.methods import cluster_labels
from bumptui.engine.autoencoder.clustering.scores import N_CLUSTERS, agreement
from bumptui.engine.autoencoder.data import Cancelled, NonFiniteLoss, log_every, steps_per_epoch
from bumptui.engine.autoencoder.jobs.cluster import events as ev
from bumptui.engine.autoencoder.jobs.cluster.config import PCA_COMPONENTS, PIXEL_FEATURES, ClusterConfig
from bumptui.engine.autoencoder.jobs.cluster.kind import CLUSTER, idec_path
from bumptui.engine.autoencoder.jobs.cluster.record import ClusterRecord
from bumptui.engine.autoencoder.jobs.kind import Plan
from bumptui.engine.autoencoder.jobs.train.config import TrainConfig
from bumptui.engine.autoencoder.jobs.train.kind import trained_model
from bumptui.engine.autoencoder.models import adam, as_float, in_chunks, load_adam, make_autoencoder, model_seed
from bumptui.engine.autoencoder.runs.checkpoint import Checkpoint, save_checkpoint
from bumptui.engine.autoencoder.runs.events import Done, Stopped, Failed
from bumptui.engine.autoencoder.training import encode_and_score

run_cluster = CLUSTER.execute
"""Cluster a run's models (or a checked Plan) as a script would: see JobKind.execute."""


class IdecModel:
    """IDEC on one model of the run: a copy of its newest checkpoint, its centres, optimizer, batch
    order and target distribution, and how far it has come."""

    def __init__(self, latent: int, train: TrainConfig, config: ClusterConfig, plain: Checkpoint, device):
        self.latent, self.epoch, self.device = latent, 0, device
        autoencoder = make_autoencoder(train.arch, latent).to(device)
        autoencoder.load_state_dict(plain.models["autoencoder"])
        self.net = Idec(autoencoder, torch.zeros(N_CLUSTERS, latent, device=device))
        self.optimizer = adam(self.net, config.lr)
        self.generator = torch.Generator().manual_seed(model_seed(config.seed, latent))
        self.state: dict = {"step": 0, "changed": None}

    def start(self, train_x: torch.Tensor, seed: int) -> None:
        """The centres from k-means on the training codes of the unchanged model (IDEC's epoch 0)."""
        self.net.eval()
        with torch.no_grad():
            codes = in_chunks(lambda x: self.net.autoencoder.encode(as_float(x)).float().cpu(), train_x).numpy()
        centres = kmeans(codes, seed).cluster_centers_
        self.net.centres.data.copy_(torch.as_tensor(centres, dtype=torch.float32, device=self.device))

    def clusters(self, x_uint8: torch.Tensor) -> np.ndarray:
        return self.net.assign(x_uint8).argmax(dim=1).cpu().numpy()

    def checkpoint(self) -> Checkpoint:
        return Checkpoint("idec", {"idec": self.net.state_dict(),
                                   "target": {"target": self.state["target"], "labels": self.state["labels"]}},
                          {"idec": self.optimizer.state_dict()}, {"order": self.generator.get_state()},
                          {"epoch": self.epoch, "step": self.state["step"], "changed": self.state["changed"]},
                          self.checkpoint_config)

    @property
    def checkpoint_config(self) -> dict:
        """What its checkpoint says it is: checked before one is loaded into it."""
        return {"latent_dim": self.latent}

    def restore(self, checkpoint: Checkpoint) -> None:
        self.net.load_state_dict(checkpoint.models["idec"])
        load_adam(self.optimizer, checkpoint.optimizers["idec"])
        self.generator.set_state(checkpoint.generators["order"])
        target = checkpoint.models["target"]
        self.state = {"step": int(checkpoint.counters["step"]), "changed": checkpoint.counters["changed"],
                      "target": target["target"].to(self.device), "labels": target["labels"].to(self.device)}
        self.epoch = int(checkpoint.counters["epoch"])


def cluster(plan: Plan, device, data, job) -> dict | None:
    """k-means and UMAP on every model's codes and the raw pixels, then IDEC on every model (the
    clustering kind's body, run by the Runner)."""
    run_dir, train, config, cancel = plan.run_dir, plan.run_config, plan.config, job.cancel
    latents = list(config.latent_dims or train.latent_dims)
    record = ClusterRecord.read(run_dir) if plan.resume else ClusterRecord(run_dir)

    def told(event) -> None:
        record.add(event)
        job.emit(event)

    trained = {d: trained_model(run_dir, train, d) for d in latents}  # (checkpoint, model) of each
    idecs = [IdecModel(d, train, config, trained[d][0], device) for d in latents] if "idec" in config.methods else []
    if idecs:
        job.restore(idecs, lambda m: idec_path(run_dir, m.latent), "idec", config.epochs, "fine-tuned")
    fixed = [m for m in ("kmeans", "umap") if m in config.methods]
    told(ev.ClusterStarted(str(run_dir), config.as_dict(), str(device), {str(m.latent): m.epoch for m in idecs},
                           job.stale_pid, len(fixed) * (len(latents) + 1) * config.seeds))
    with job.reported("Clustering"):
        if not _score_fixed(fixed, {d: m for d, (_, m) in trained.items()}, train, config, data, device, record, told,
                            cancel):
            return None
        if idecs and not _fine_tune(idecs, job, train, config, data, record, told):
            return None
        summary = record.summary()
        told(Done({k: summary[k] for k in ("run_dir", "methods", "raw_pixels")}))
        return {**summary, "status": record.status()}  # finished, now that Done is recorded


def _score_fixed(methods, models, train, config, data, device, record, emit, cancel) -> bool:
    """k-means and UMAP on each model's test codes (models: latent -> the run's trained model) and on
    the raw pixels, seed by seed, skipping
    what the record already holds; UMAP with the training codes too when config.fit_on is "all".
    False when stopped."""
    if not methods:
        return True
    n_test = len(data.test_y)
    pixels = {"test": as_float(data.test_x).cpu().numpy()}
    codes = {}
    for d, model in models.items():
        model = model.to(device)
        codes[d] = {"test": encode_and_score(model, data.test_x)[1]}
        if config.fit_on == "all" and "umap" in methods:
            codes[d]["all"] = np.concatenate([encode_and_score(model, data.train_x)[1], codes[d]["test"]])
    if config.fit_on == "all" and "umap" in methods:
        pixels["all"] = np.concatenate([as_float(data.train_x).cpu().numpy(), pixels["test"]])
    for method in methods:
        fit = config.fit_on if method == "umap" else "test"
        baseline = pixels[fit] if method == "kmeans" else pca(pixels[fit], PCA_COMPONENTS)
        sources = [*((f"latent-{d}", d, c[fit]) for d, c in codes.items()), (PIXEL_FEATURES[method], None, baseline)]
        for features, latent, x in sources:
            for seed in config.seed_list:
                if record.has(method, features, seed):
                    continue
                if cancel.is_set():
                    emit(Stopped(f"stopped before {method} on {features} (seed {seed}); --resume continues there"))
                    return False
                start = time.perf_counter()
                scaling = train.kmeans_scaling if latent is not None else "none"
                labels = cluster_labels(method, x, seed, config, scaling)[-n_test:]  # the test digits come last
                emit(_scores(method, features, latent, seed, 0, agreement(data.test_y, labels),
                             time.perf_counter() - start))
    return True


def _scores(method, features, latent, seed, epoch, found, seconds) -> ev.MethodScores:
    return ev.MethodScores(method, features, latent, seed, epoch, found.purity, found.nmi, found.ari, found.acc,
                           found.contingency.tolist(), seconds)


def _fine_tune(idecs: list[IdecModel], job, train, config, data, record, emit) -> bool:
    """IDEC on every model, side by side epoch by epoch, each epoch scored and saved. False when it
    did not finish (the Stopped or Failed event is emitted)."""
    run_dir, cancel = job.plan.run_dir, job.cancel
    for m in idecs:
        if m.epoch == 0:
            start = time.perf_counter()
            m.start(data.train_x, config.seed)
            if not record.has("idec", f"latent-{m.latent}", config.seed, 0):
                emit(_scores("idec", f"latent-{m.latent}", m.latent, config.seed, 0,
                             agreement(data.test_y, m.clusters(data.test_x)), time.perf_counter() - start))

    def one_epoch(m: IdecModel, epoch: int):
        start = time.perf_counter()
        every = log_every(steps_per_epoch(len(data.train_x), train.batch_size))

        def on_step(step, steps, losses, changed):
            if step % every and step != steps:
                return
            l1, kl = losses.tolist()  # one device sync per logged step
            if not (math.isfinite(l1) and math.isfinite(kl)):
                raise NonFiniteLoss(f"step {step}")
            emit(ev.IdecStep(m.latent, epoch, step, steps, l1, kl, changed))

        try:
            idec_epoch(m.net, m.optimizer, data.train_x, m.state, train.batch_size, config.gamma,
                       config.update_interval, m.generator, cancel, on_step, config.precision)
        except Cancelled:
            return Stopped(f"stopped during IDEC epoch {epoch} of the latent-{m.latent} model; --resume continues "
                              f"from epoch {m.epoch + 1}")
        except NonFiniteLoss as where:
            return Failed(f"IDEC's losses on the latent-{m.latent} model became infinite or NaN at {where} of "
                             f"epoch {epoch}; lower gamma or the learning rate and start again.")
        m.epoch = epoch
        found = agreement(data.test_y, m.clusters(data.test_x))
        emit(_scores("idec", f"latent-{m.latent}", m.latent, config.seed, epoch, found, time.perf_counter() - start))
        save_checkpoint(m.checkpoint(), idec_path(run_dir, m.latent))
        return None

    return job.epochs(idecs, config.epochs, one_epoch)
