#!/usr/bin/env python3
"""Which held-out facts an edit stream broke, grouped by whether the stream edits their relation.

`rlsedit eval` scores CounterFact cases, so each held-out fact becomes a case whose "new" target is its true object;
a case's rewrite `correct` is then "the true object is still the top-1 continuation". Run from the repository root
after `dotnet build -c Release src/RlsEdit.Cli`:

    python3 tools/heldout_losses.py --held-out heldout.json --edits edits.json --count 100 \
        --before models/tiny-world-wide --after RUN_DIR/model --work /tmp/heldout-losses

RUN_DIR/model is the edited model `rlsedit edit` saves. Prints every lost fact and a count per relation next to the
number of edits of that relation (docs/results.md, session 4, used it to explain the held-out damage).
"""
import argparse
import collections
import json
import os
import subprocess


def as_cases(facts):
    cases = []
    for i, f in enumerate(facts):
        rewrite = {"prompt": f["prompt"].replace(f["subject"], "{}", 1), "relation_id": f["relation_id"], "subject": f["subject"],
                   "target_new": {"str": f["target"]}, "target_true": {"str": f["target"]}}
        cases.append({"case_id": i, "requested_rewrite": rewrite, "paraphrase_prompts": [], "neighborhood_prompts": [],
                      "attribute_prompts": [], "generation_prompts": []})
    return cases


def correct(folder, i):
    with open(os.path.join(folder, "results", f"case_{i}.json")) as f:
        return json.load(f)["rewrite"]["correct"][0]


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--cli", default="src/RlsEdit.Cli/bin/Release/net10.0/RlsEdit.Cli")
    p.add_argument("--held-out", required=True)
    p.add_argument("--edits", required=True)
    p.add_argument("--count", type=int, default=None, help="how many cases of --edits the stream applied")
    p.add_argument("--before", required=True, help="the unedited model folder")
    p.add_argument("--after", required=True, help="the edited model folder")
    p.add_argument("--work", required=True)
    args = p.parse_args()

    facts = json.load(open(args.held_out))["facts"]
    edits = json.load(open(args.edits))[: args.count]
    os.makedirs(args.work, exist_ok=True)
    cases_path = os.path.join(args.work, "held-out-as-cases.json")
    json.dump(as_cases(facts), open(cases_path, "w"))
    for name, model in (("before", args.before), ("after", args.after)):
        subprocess.run([args.cli, "eval", "--model", model, "--edits", cases_path, "--out", os.path.join(args.work, name),
                        "--fluency", "0"], check=True, capture_output=True)

    edited_relations = collections.Counter(c["requested_rewrite"]["relation_id"] for c in edits)
    edited_subjects = {c["requested_rewrite"]["subject"] for c in edits}
    lost = collections.Counter()
    for i, f in enumerate(facts):
        if correct(os.path.join(args.work, "before"), i) and not correct(os.path.join(args.work, "after"), i):
            lost[f["relation_id"]] += 1
            note = " (subject edited)" if f["subject"] in edited_subjects else ""
            print(f"lost: {f['prompt']} {f['target']}{note}")
    print(f"\n{sum(lost.values())} facts lost; {sum(n for r, n in lost.items() if edited_relations[r])} of them of an edited relation")
    print("| relation | facts lost | edits of it |\n|---|---:|---:|")
    for relation in sorted(set(lost) | set(edited_relations), key=lambda r: -lost[r]):
        print(f"| {relation} | {lost[relation]} | {edited_relations[relation]} |")


if __name__ == "__main__":
    main()
