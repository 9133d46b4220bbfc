"""`bumptui cluster` as a user runs it: the JSON object, the table, report, and one sentence for each mistake."""

import json

from tests.conftest import in_process, one_sentence

SCORES = {"purity", "nmi", "ari", "acc"}


def test_cluster_prints_one_json_object_and_report_and_the_table_say_the_same(sharpen_copy, capsys):
    run = str(sharpen_copy)
    done = in_process(capsys, "cluster", run, "--method", "kmeans", "--seeds", "2", "--json")
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["run_dir"] == run and summary["status"] == "finished"
    assert set(summary["methods"]) == {"kmeans"} and set(summary["methods"]["kmeans"]) == {"16"}
    entry = summary["methods"]["kmeans"]["16"]
    assert SCORES <= set(entry) and entry["seeds"] == [0, 1] and "contingency" not in entry
    assert all(0 < entry[k] <= 1 for k in ("purity", "acc")) and entry["acc"] <= entry["purity"]
    assert set(summary["raw_pixels"]) == {"kmeans"} and SCORES <= set(summary["raw_pixels"]["kmeans"])

    report = in_process(capsys, "report", run, "--json")
    assert json.loads(report.stdout)["clusters"]["methods"] == summary["methods"]
    table = in_process(capsys, "report", run)
    row = next(line for line in table.stdout.splitlines() if line.startswith("k-means") and "latent 16" in line)
    assert f"{entry['acc']:.3f}" in row and f"{entry['nmi']:.3f}" in row
    assert all(len(line) <= 80 for line in table.stdout.splitlines() if run not in line)

    one_sentence(in_process(capsys, "cluster", run, "--method", "kmeans"), "already clustered")
    resumed = in_process(capsys, "cluster", run, "--resume", "--json")
    assert resumed.returncode == 0 and json.loads(resumed.stdout)["methods"] == summary["methods"], \
        "a finished clustering resumed does nothing again"


def test_each_mistake_is_one_sentence(sharpen_copy, capsys, tmp_path):
    run = str(sharpen_copy)
    one_sentence(in_process(capsys, "cluster", str(tmp_path / "nowhere")), "There is no run directory")
    one_sentence(in_process(capsys, "cluster", str(tmp_path)), "is not a run directory")
    one_sentence(in_process(capsys, "cluster", run, "--resume"), "has no clustering to resume")
    one_sentence(in_process(capsys, "cluster", run, "--latent", "3"), "The run has no latent-3 model")
    one_sentence(in_process(capsys, "cluster", run, "--seeds", "0"), "seeds must be from 1 to 10")
    one_sentence(in_process(capsys, "cluster", run, "--n-neighbors", "1"), "n neighbors must be from 2")
    one_sentence(in_process(capsys, "cluster", run, "--gamma", "-1"), "gamma must be a number from 0 to 100")
    one_sentence(in_process(capsys, "cluster", run, "--method", "dbscan"), "invalid choice: 'dbscan'")
    (sharpen_copy / "checkpoints" / "latent-16.pt").unlink()
    one_sentence(in_process(capsys, "cluster", run), "has no trained latent-16 model yet")


def test_a_damaged_clustering_is_named_and_repair_cuts_its_log(sharpen_copy, capsys):
    run = str(sharpen_copy)
    assert in_process(capsys, "cluster", run, "--method", "kmeans", "--seeds", "1").returncode == 0
    config_path = sharpen_copy / "cluster" / "config.json"
    config = json.loads(config_path.read_text())
    config_path.write_text(json.dumps({**config, "seeds": "three"}))
    one_sentence(in_process(capsys, "cluster", run, "--resume"), "'seeds' must be a whole number")
    config_path.write_text(json.dumps(config))
    log = sharpen_copy / "cluster" / "metrics.jsonl"
    lines = log.read_text().splitlines(keepends=True)
    log.write_text("".join([lines[0], "{damaged\n", *lines[1:]]))
    one_sentence(in_process(capsys, "cluster", run, "--resume"), "line 2 is not a valid event")
    repaired = in_process(capsys, "repair", run)
    assert repaired.returncode == 0 and "kept the 1 events before the damaged line 2" in repaired.stdout
    assert in_process(capsys, "cluster", run, "--resume", "--json").returncode == 0
