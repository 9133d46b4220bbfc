"""Each setting is declared once, on its config's field: what config.json holds, the command line's
flag and a form's text are all read from that declaration and agree with each other."""

import argparse
from dataclasses import fields

import pytest

from bumptui.cli.jobs import add_settings, config_from_args
from bumptui.engine.autoencoder.jobs.cluster.config import ClusterConfig, ClusterError
from bumptui.engine.autoencoder.jobs.sharpen.config import SharpenConfig, SharpenError
from bumptui.engine.autoencoder.jobs.study.config import StudyConfig
from bumptui.engine.autoencoder.jobs.train.config import TrainConfig, TrainingError

ASKED = [
    TrainConfig(latent_dims=(4, 8), epochs=7, arch="conv", subset=600, device="cpu", seed=3, precision="bf16",
                kmeans_scaling="unit", lr=0.002),
    SharpenConfig(strategies=(2,), lam=0.05, epochs=4, init="scratch", latent_dims=(16,), blur_sigma=(0.5, 1.5),
                  dis_epochs=2, precision="fp32"),
    ClusterConfig(methods=("umap",), latent_dims=(2, 16), seeds=2, n_components=5, min_dist=0.1, clusterer="kmeans",
                  fit_on="all", gamma=0.5),
    StudyConfig(seeds=3, latent_dims=(2, 16), epochs=2, strategies=(2,), cluster_methods=("kmeans",), subset=300,
                parallel=1, address="127.0.0.1:6379"),
]


@pytest.mark.parametrize("config", ASKED, ids=lambda c: type(c).__name__)
def test_a_config_survives_config_json_its_flags_and_its_form(config):
    kind = type(config)
    assert kind.from_dict(config.as_dict()) == config, "stored and read back"

    parser = argparse.ArgumentParser()
    add_settings(parser, kind)
    argv = []
    for name, s in kind.settings().items():
        if s.flag and getattr(config, name) != getattr(kind(), name):
            value = config.text(name)
            argv += [s.flag, *value.split()] if " " in value else [s.flag, value]
    assert config_from_args(kind, parser.parse_args(argv)) == config, "every changed setting given as its flag"
    assert config_from_args(kind, parser.parse_args([])) == kind(), "no flag: every default"

    texts = {f.name: config.text(f.name) for f in fields(kind) if kind.settings()[f.name].flag}
    assert kind.from_text(texts) == config, "every flagged setting as a form's text"


@pytest.mark.parametrize("kind, error, stored, words", [
    (TrainConfig, TrainingError, {"epochs": "ten"}, "'epochs' must be a whole number, not 'ten'."),
    (TrainConfig, TrainingError, {"subset": 1.5}, "'subset' must be a whole number or null, not 1.5."),
    (SharpenConfig, SharpenError, {"blur_sigma": [1]}, "'blur_sigma' must be two numbers, not [1]."),
    (SharpenConfig, SharpenError, {"lam": True}, "'lam' must be a number or null, not True."),
    (ClusterConfig, ClusterError, {"methods": [1]}, "'methods' must be strings, not [1]."),
    (ClusterConfig, ClusterError, {"colour": "red"}, "it has an unknown field 'colour'"),
])
def test_a_stored_config_is_checked_against_its_type_hints_and_the_kinds_own_error(kind, error, stored, words):
    with pytest.raises(error) as refused:
        kind.from_dict(stored)
    assert words in str(refused.value)


def test_a_form_field_that_does_not_read_is_one_sentence_naming_it():
    with pytest.raises(TrainingError, match=r"Latent sizes must be whole numbers separated by spaces, not '2 x'\."):
        TrainConfig.from_text({"latent_dims": "2 x"})
    with pytest.raises(SharpenError, match=r"lambda must be a number, or empty for each strategy's default, not 'lots'\."):
        SharpenConfig.from_text({"lam": "lots"})
    with pytest.raises(ClusterError, match=r"IDEC's epochs must be a whole number, not 'ten'\."):
        ClusterConfig.from_text({"epochs": "ten"})
    assert SharpenConfig.from_text({"lam": ""}).lam is None, "empty: each strategy's default"
    assert TrainConfig.from_dict({}).precision == "fp32", "a run recorded before the setting trained in fp32"
