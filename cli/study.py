"""What the command line says of a study: its trials as they finish (its Display) and the verdict
table (its printer)."""

from __future__ import annotations

import json

from bumptui.cli import progress
from bumptui.engine.autoencoder.evidence import VERDICT_WORDS
from bumptui.engine.autoencoder.jobs.study import events as ev
from bumptui.engine.numbers import signed as number


class Display(progress.Display):
    """One bar over the trials; a line as each finishes or fails."""

    def tasks(self, started, config) -> list[tuple]:
        done = sum(started.resumed_epochs.values())
        return [("trials", f"{config.seeds} seeds", config.seeds, done)]

    def advance(self, event):
        if isinstance(event, ev.TrialState) and event.state in ("done", "failed"):
            return "trials", {"advance": 1}, f"seed {event.seed} {event.state}"
        return None

    def line(self, event) -> str:
        match event:
            case ev.StudyStarted():
                done = [k for k, v in event.resumed_epochs.items() if v]
                return (f"study {event.run_dir}: {event.config['seeds']} seeds on {event.device}"
                        + (f", {len(done)} finished before" if done else ""))
            case ev.TrialState(state="done" | "failed"):
                return f"seed {event.seed}: {event.state}" + (f" ({event.reason})" if event.reason else "")
        return ""

    def announced(self, event) -> bool:
        return isinstance(event, ev.TrialState) and event.state == "failed"


def show(kind, plan, summary: dict, as_json: bool) -> int:
    """The verdict of each claim over the seeds: mean paired difference, its 95 % interval, n."""
    if as_json:
        print(json.dumps(summary))
        return 0
    print(f"{summary['study_dir']}: {len(summary['seeds'])} seeds finished ({', '.join(map(str, summary['seeds']))})")
    for seed, reason in summary.get("failed", {}).items():
        print(f"seed {seed} failed: {reason}")
    if not summary["claims"]:
        trials = summary.get("trials", {})
        print(f"study {summary.get('status', '')}; no verdicts yet"
              + (": " + ", ".join(f"seed {s} {state}" for s, state in trials.items()) if trials else ""))
        return 0
    print(f"{'claim':<6} {'verdict':<13} {'difference':>11} {'95% interval':>21} {'n':>3} {'seeds to settle':>15}  measured as")
    for cid, c in summary["claims"].items():
        ci = "-" if c["ci"] is None else f"[{number(c['ci'][0])}, {number(c['ci'][1])}]"
        needed = "" if c["verdict"] != "inconclusive" or c.get("seeds_needed") is None else str(c["seeds_needed"])
        print(f"{cid:<6} {VERDICT_WORDS[c['verdict']]:<13} {number(c['difference']):>11} {ci:>21} {c['n']:>3} "
              f"{needed:>15}  {c['metric']}")
    for cid, c in summary["claims"].items():
        print(f"{cid}: {c['claim']}")
    print(f"Each interval is a paired t-interval over seeds at 95 %; with {len(summary['claims'])} claims read at once, "
          f"the chance that at least one reading is wrong where nothing is there is "
          f"{summary['chance_of_a_false_verdict']:.0%}.")
    for what, path in summary.get("figures", {}).items():
        print(f"wrote {path}" + ("" if what == "report" else f"  ({what})"))
    return 0
