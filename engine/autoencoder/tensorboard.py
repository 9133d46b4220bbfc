"""A bumptui run as TensorBoard reads it: event files written with torch's SummaryWriter.

One sink turns the lab's events into TensorBoard's, so that `bumptui export RUN --tensorboard OUT`
(which replays a run's logs) and `bumptui train --tensorboard OUT` (which hands it each event as it
trains) write the same files:

    L1/train_step/latent_D   every logged batch's L1 (step: batches since the start)
    L1/train/latent_D, L1/test/latent_D      per epoch
    judge/latent_D           the judge's accuracy on the model's reconstructions
    clusters/kmeans/latent_D/{purity,nmi,ari,acc}   the scores during training (pixels: latent_pixels)
    clusters/<method>/<features>/{purity,nmi,ari,acc}   the cluster job's (step: its seed)
    sharpen/latent_D/sS/{d_loss,d_acc,g_adv}  every sharpening step (S: strategy)
    sharpen/latent_D/<model>/{sharpness,judge}
    system/{cpu,ram_used,proc_cpu,proc_rss_gb}, system/gpuN/{util,mem_used_gb,temp,power}  (step: the sample)
    images digits/latent_D   originals over reconstructions, misread ones framed red, per epoch

and, when a run is exported, the embedding projector for the latent-16 and latent-256 codes of the
10,000 test digits, their digit as metadata and their image as the sprite.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from bumptui.engine.autoencoder.images import digit_rows
from bumptui.engine.autoencoder.runs import events as ev
from bumptui.engine.autoencoder.runs.log import RunError, why_failed

EMBEDDED = (16, 256)
"""The latent sizes whose test codes go to the projector."""


def board_folder(out_dir: Path, run_dir: Path) -> Path:
    """Where a run's files go in out_dir: a folder named as the run, so that TensorBoard lists it by
    name and several runs exported to one folder sit side by side."""
    return writable(out_dir) / Path(run_dir).resolve().name


def writable(out_dir: Path) -> Path:
    """The folder, made if need be; RunError in one sentence when it is a file or cannot be written."""
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise RunError(f"{out_dir} is a file, not a folder: name a folder for the TensorBoard files.")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        probe = out_dir / ".bumptui-write-test"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as err:
        raise RunError(f"{out_dir} cannot be written: {why_failed(err)}.") from None
    return out_dir


class TensorBoardSink:
    """Takes the lab's events one at a time (with the record they are folded into, for pictures kept
    in files) and writes their TensorBoard twins."""

    def __init__(self, out_dir: Path) -> None:
        from torch.utils.tensorboard import SummaryWriter

        self.out_dir = writable(out_dir)
        self.writer = SummaryWriter(log_dir=str(self.out_dir))
        self.samples = 0

    def scalar(self, tag: str, value, step: int) -> None:
        if value is not None:
            self.writer.add_scalar(tag, float(value), int(step))

    def add(self, event, record=None) -> None:
        """One event of a training, sharpening or clustering; `record` is the kind's record that has
        already folded it (the training's for its pictures)."""
        name = type(event).__name__
        if name == "StepLoss":
            self.scalar(f"L1/train_step/latent_{event.latent}", event.loss,
                        (event.epoch - 1) * event.steps_per_epoch + event.step)
        elif name == "EpochEnd":
            self.scalar(f"L1/train/latent_{event.latent}", event.train_l1, event.epoch)
            self.scalar(f"L1/test/latent_{event.latent}", event.test_l1, event.epoch)
        elif name == "ClusterScores":
            where = "pixels" if event.latent is None else event.latent
            for score in ("purity", "nmi", "ari", "acc"):
                self.scalar(f"clusters/kmeans/latent_{where}/{score}", getattr(event, score), event.epoch)
        elif name == "Reconstructions":
            self.scalar(f"judge/latent_{event.latent}", event.judge_acc, event.epoch)
            shown = record.reconstruction(event.latent, event.epoch) if record is not None else None
            if shown is not None:
                originals, images = ev.decode_images(shown.originals), ev.decode_images(shown.images)
                wrong = np.array(shown.judged) != np.array(shown.labels)
                self.writer.add_image(f"digits/latent_{event.latent}", digit_rows([originals, images], [None, wrong]),
                                      event.epoch, dataformats="HWC")
        elif name == "MethodScores":
            for score in ("purity", "nmi", "ari", "acc"):
                self.scalar(f"clusters/{event.method}/{event.features}/{score}", getattr(event, score), event.seed)
        elif name == "SharpenStep":
            step = (event.epoch - 1) * event.steps_per_epoch + event.step
            for field in ("d_loss", "d_acc", "g_adv"):
                self.scalar(f"sharpen/latent_{event.latent}/s{event.strategy}/{field}", getattr(event, field), step)
        elif name == "SharpenScores":
            self.scalar(f"sharpen/latent_{event.latent}/{event.model}/sharpness", event.sharpness, event.epoch)
            self.scalar(f"sharpen/latent_{event.latent}/{event.model}/judge", event.judge_acc, event.epoch)
        elif isinstance(event, ev.SystemSample):
            self.system(event)

    def system(self, s: ev.SystemSample) -> None:
        step = self.samples
        self.samples += 1
        self.scalar("system/cpu", s.cpu, step)
        self.scalar("system/ram_used", 100 * (1 - s.ram_avail / s.ram_total) if s.ram_total else None, step)
        self.scalar("system/proc_cpu", s.proc_cpu, step)
        self.scalar("system/proc_rss_gb", s.proc_rss / 1024, step)
        for row in s.gpus:
            gpu = f"system/gpu{row['index']}"
            self.scalar(f"{gpu}/util", row["util"], step)
            self.scalar(f"{gpu}/mem_used_gb", row["mem_used"] / 1024, step)
            self.scalar(f"{gpu}/temp", row["temp"], step)
            self.scalar(f"{gpu}/power", row["power"], step)

    def embed(self, tag: str, codes: np.ndarray, labels: np.ndarray, images: np.ndarray, step: int) -> None:
        """Codes (n, d) for the projector, with each one's digit and its image (uint8 (n, 28, 28))."""
        import torch

        sprites = torch.from_numpy(images[:, None].astype(np.float32) / 255.0)
        self.writer.add_embedding(torch.from_numpy(np.asarray(codes, np.float32)), metadata=[int(v) for v in labels],
                                  label_img=sprites, tag=tag, global_step=step)

    def embed_run(self, run_dir: Path, record, data_dir=None) -> list[int]:
        """The projector for the run's latent-16 and latent-256 test codes; the sizes embedded."""
        done = []
        for d, codes, labels, images, epoch in test_codes(run_dir, record, data_dir):
            self.embed(f"latent_{d}", codes, labels, images, epoch)
            done.append(d)
        return done

    def close(self) -> None:
        self.writer.flush()
        self.writer.close()


def export(run_dir: Path, out_dir: Path, data_dir=None) -> dict:
    """Every log of the run (training, sharpening, clustering) replayed into TensorBoard files in
    out_dir/<run name>, then the projector for the latent-16 and latent-256 test codes. What it
    wrote, in numbers, and where."""
    from bumptui.engine.autoencoder.jobs.cluster.record import ClusterRecord
    from bumptui.engine.autoencoder.jobs.sharpen.record import SharpenRecord
    from bumptui.engine.autoencoder.jobs.train.record import RunRecord
    from bumptui.engine.autoencoder.runs.log import MetricsTail

    run_dir = Path(run_dir)
    folder = board_folder(out_dir, run_dir)
    if folder.is_dir() and any(folder.glob("events.out.tfevents.*")):  # TensorBoard would show both, mixed
        raise RunError(f"{folder} already holds TensorBoard files of this run: export to another folder, or "
                       "move them away.")
    sink = TensorBoardSink(folder)
    counts = {"events": 0, "embeddings": [], "folder": str(sink.out_dir)}
    try:
        training = RunRecord(run_dir)
        for record_type in (RunRecord, SharpenRecord, ClusterRecord):
            record = training if record_type is RunRecord else record_type(run_dir)
            for event in MetricsTail(record_type.metrics_path(run_dir)).events():
                record.add(event)
                sink.add(event, training if record_type is RunRecord else None)
                counts["events"] += 1
        if training.started is None:
            raise RunError(f"{run_dir} holds no training run to export.")
        counts["embeddings"] = sink.embed_run(run_dir, training, data_dir)
    finally:
        sink.close()
    return counts


def test_codes(run_dir: Path, record, data_dir=None):
    """(latent, codes of the 10,000 test digits, their labels, their images, epoch) for each latent
    size in EMBEDDED that the run trained and has a checkpoint of."""
    import torch

    from bumptui.engine.autoencoder.designs import use
    from bumptui.engine.autoencoder.jobs.train.kind import checkpoint_path, trained_model
    from bumptui.engine.autoencoder.jobs.train.config import TrainConfig
    from bumptui.engine.autoencoder.mnist import load_mnist
    from bumptui.engine.autoencoder.training import encode_and_score

    wanted = [d for d in record.latents if d in EMBEDDED and checkpoint_path(run_dir, d).is_file()]
    if not wanted:
        return
    config = TrainConfig.from_dict(record.started.config)
    use(run_dir, config.arch, config.design_sha256)  # a user's design: from the run's recorded copy
    mnist = load_mnist(data_dir)
    x = torch.from_numpy(mnist.test_images.copy())  # the file's array is read-only
    for d in wanted:
        codes = encode_and_score(trained_model(run_dir, config, d)[1], x)[1]
        yield d, codes, mnist.test_labels, mnist.test_images, max(record.epochs[d], default=0)
