#!/usr/bin/env python3
"""Grid sweep of editing hyper-parameters with `rlsedit edit`; prints one Markdown row per run.

Example (from the repository root, after `dotnet build -c Release src/RlsEdit.Cli`):

    python3 tools/sweep.py --model models/tiny-world --edits edits.json --held-out heldout.json \
        --count 100 --batch-size 10 --editor rlsedit,memit --set mom2_update_weight=100,1000 --set v_lr=2,4 --out /tmp/sweep

Every combination of the --set values is written over the base hyper-parameters (--base, default the model's
rlsedit-hparams.json) and run; --jobs runs share the cores (each with --threads 1 when jobs > 1). The table columns
are the final metrics of summary.json: efficacy / paraphrase / neighbourhood success over the whole stream, retention
(efficacy success and exact match) of the first tenth of the stream, held-out fact accuracy after editing, seconds.
"""
import argparse
import itertools
import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor


def parse_value(text):
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--cli", default="src/RlsEdit.Cli/bin/Release/net10.0/RlsEdit.Cli")
    p.add_argument("--model", required=True)
    p.add_argument("--edits", required=True)
    p.add_argument("--held-out")
    p.add_argument("--base", help="base hyper-parameters (default: MODEL/rlsedit-hparams.json)")
    p.add_argument("--count", type=int, default=100)
    p.add_argument("--batch-size", type=int, default=10)
    p.add_argument("--editor", default="rlsedit")
    p.add_argument("--set", action="append", default=[], help="key=v1,v2,... (JSON values; layers as '[0,1];[1,2]')")
    p.add_argument("--jobs", type=int, default=1)
    p.add_argument("--out", required=True)
    p.add_argument("--cache-from", help="folder of cached statistics (a run's cache/) linked into every run, so runs share them")
    args = p.parse_args()

    base = json.load(open(args.base or os.path.join(args.model, "rlsedit-hparams.json")))
    keys, grids = [], []
    for item in args.set:
        key, values = item.split("=", 1)
        keys.append(key)
        grids.append([parse_value(v) for v in (values.split(";") if values.startswith("[") else values.split(","))])
    os.makedirs(args.out, exist_ok=True)
    runs = []
    for editor in args.editor.split(","):
        for combo in itertools.product(*grids) if grids else [()]:
            name = editor + "".join(f"_{k}={json.dumps(v).replace(' ', '')}" for k, v in zip(keys, combo))
            runs.append((name, editor, dict(base, **dict(zip(keys, combo)))))

    def run(job):
        name, editor, hp = job
        folder = os.path.join(args.out, name)
        summary_path = os.path.join(folder, "summary.json")
        if not os.path.exists(summary_path):
            if args.cache_from:
                os.makedirs(os.path.join(folder, "cache"), exist_ok=True)
                for f in os.listdir(args.cache_from):
                    target = os.path.join(folder, "cache", f)
                    if not os.path.exists(target):
                        os.link(os.path.join(args.cache_from, f), target)
            hp_path = os.path.join(args.out, name + ".hparams.json")
            json.dump(hp, open(hp_path, "w"), indent=1)
            cmd = [args.cli, "edit", "--model", args.model, "--edits", args.edits, "--hparams", hp_path, "--editor", editor,
                   "--batch-size", str(args.batch_size), "--count", str(args.count), "--out", folder, "--fluency", "0",
                   "--checkpoint-every", "0", "--eval-every", str(args.count)]
            if args.held_out:
                cmd += ["--held-out", args.held_out]
            if args.jobs > 1:
                cmd += ["--threads", "1"]
            result = subprocess.run(cmd, capture_output=True, text=True)
            if result.returncode != 0:
                return f"| {name} | failed: {result.stdout[-300:]} {result.stderr[-300:]} |"
        s = json.load(open(summary_path))
        post, last = s["post"], s["stream"][-1]
        held = (s.get("general_pre") or {}).get("FactAccuracy"), (s.get("general_post") or {}).get("FactAccuracy")
        fmt = lambda v: "–" if v is None else f"{v:.1f}"
        return (f"| {name} | {fmt(post['rewrite_success'])} | {fmt(post['paraphrase_success'])} | {fmt(post['neighborhood_success'])} | "
                f"{fmt(last['retention_rewrite_success'])} / {fmt(last['retention_rewrite_correct'])} | {fmt(held[0])} → {fmt(held[1])} | "
                f"{s['edit_seconds']:.0f} |")

    print(f"{args.count} edits, batch {args.batch_size}, model {args.model}, edits {args.edits}")
    print("| run | efficacy | paraphrase | neighbourhood | retention succ. / exact | held-out facts | edit s |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    sys.stdout.flush()
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        for row in pool.map(run, runs):
            print(row, flush=True)


if __name__ == "__main__":
    main()
