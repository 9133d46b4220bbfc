"""The models a sharpening compares, by name, and the comparison table's rows. No torch here.

Every latent size of a run has model (a), the run's own; the control (strategy 0: (a) trained on
with L1 alone as long as the others); and a model per strategy asked for. Their events and
checkpoints name them with the keys below.
"""

from __future__ import annotations

from dataclasses import dataclass

PLAIN = "a"
"""Model (a): the training run's model, as it was."""
CONTROL = 0
"""Strategy 0 runs beside the chosen ones: the same model trained on with L1 alone for as long."""
MODEL_NAMES = {PLAIN: "(a) plain", "s0": "L1 only", "s1": "strategy 1", "s2": "strategy 2"}
"""(a), the control, and the two strategies, as tables and captions call them."""
COMPARISON_COLUMNS = ("latent", "model", "epochs", "test L1", "clear", "sharp", "judge", "D loss", "D acc", "G adv",
                      "goal")


def model_name(strategy: int) -> str:
    """The model a strategy trains, as events name it: "s0", "s1", "s2"."""
    return f"s{strategy}"


@dataclass(frozen=True)
class PairKey:
    """One strategy on one model of the run: "s1-16" in events and checkpoint names."""

    strategy: int
    latent: int

    def __str__(self) -> str:
        return f"{model_name(self.strategy)}-{self.latent}"

    @classmethod
    def parse(cls, text: str) -> "PairKey":
        strategy, latent = text.removeprefix("s").split("-")
        return cls(int(strategy), int(latent))

    @property
    def label(self) -> str:
        """"L1 only" for the control, else "strategy k"."""
        return "L1 only" if self.strategy == CONTROL else f"strategy {self.strategy}"


def fmt(value, spec: str) -> str:
    """A table cell: the value formatted, or "-" where there is none."""
    return "-" if value is None else format(value, spec)


def comparison_rows(summary: dict) -> list[tuple]:
    """One row per latent and model of a sharpening summary: the cells of the comparison table, as text."""
    rows = []
    for d, models in summary["models"].items():
        for key, m in models.items():
            last = m.get("history", [])[-1:] or [{}]
            rows.append((d, MODEL_NAMES[key], fmt(m["epochs"], "d"), fmt(m["test_l1"], ".4f"),
                         fmt(m["clear_score"], ".3f"), fmt(m["sharpness"], ".3f"), fmt(m["judge_acc"], ".4f"),
                         fmt(last[0].get("d_loss"), ".3f"), fmt(last[0].get("d_acc"), ".3f"),
                         fmt(last[0].get("g_adv"), ".3f"), "" if key == PLAIN else ("yes" if m["meets_target"] else "no")))
    return rows
