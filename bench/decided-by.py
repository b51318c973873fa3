#!/usr/bin/env python3
"""How the suite's grader checks were decided: Coyote, the stress fallback on real threads, or real threads by design.

Input: files the suite wrote with KATAS_DECIDED_BY=<file> (kata, version, check, outcome, how; tab-separated), e.g.
    KATAS_DECIDED_BY=$PWD/artifacts/decided-by.tsv dotnet test graders/Katas.Grading.Tests
    python3 bench/decided-by.py artifacts/decided-by.tsv                 # one table
    python3 bench/decided-by.py --before old.tsv new.tsv [more-new.tsv]  # before and after, side by side
    python3 bench/decided-by.py --times artifacts/decided-by.tsv         # where the checks' time goes
Later files (and later lines) win for the same kata, version and check: a partial rerun can update a full run.
Only concurrency checks count in the share (Coyote + stress); "real threads" checks (speed, processes, plain calls)
are listed apart. A wrong fixture runs only the checks it must fail. Then: every check a fallback decided.
"""
import argparse
import collections


def load(paths):
    last = {}
    for path in paths:
        for line in open(path, encoding="utf-8"):
            if line.strip():
                kata, version, check, outcome, how, *seconds = line.rstrip("\n").split("\t")
                last[(kata, version, check)] = (outcome, how, float(seconds[0]) if seconds else 0.0)
    return last


def counts(last):
    table = collections.defaultdict(collections.Counter)
    for (kata, version, _), (_, how, _) in last.items():
        group = "reference" if version == "reference" else version.split("/")[0]
        table[(kata, group)][how] += 1
    return table


def share(c):
    concurrency = c["coyote"] + c["stress"]
    return f"{100 * c['coyote'] / concurrency:.0f}%" if concurrency else "-"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--before", nargs="*", default=[])
    parser.add_argument("--times", action="store_true", help="seconds per check and per kata instead of how they were decided")
    parser.add_argument("after", nargs="+")
    args = parser.parse_args()
    after = load(args.after)
    if args.times:
        times(after)
        return
    now = counts(after)
    if args.before:
        then = counts(load(args.before))
        print("| kata | code | concurrency checks before: Coyote / stress | after: Coyote / stress | Coyote's share before → after |")
        print("|---|---|---:|---:|---:|")
        for key in sorted(set(now) | set(then)):
            b, a = then.get(key, collections.Counter()), now.get(key, collections.Counter())
            if b["coyote"] + b["stress"] + a["coyote"] + a["stress"] == 0:
                continue
            print(f"| {key[0]} | {key[1]} | {b['coyote']} / {b['stress']} | {a['coyote']} / {a['stress']} | {share(b)} → {share(a)} |")
    else:
        print("| kata | code | checks | by Coyote | by stress runs | on real threads by design | Coyote's share of concurrency checks |")
        print("|---|---|---:|---:|---:|---:|---:|")
        for (kata, group), c in sorted(now.items()):
            print(f"| {kata} | {group} | {sum(c.values())} | {c['coyote']} | {c['stress']} | {c['real threads']} | {share(c)} |")

    stress = collections.defaultdict(lambda: collections.defaultdict(list))
    for (kata, version, check), (outcome, how, _) in sorted(after.items()):
        if how == "stress":
            stress[kata][version].append(check)
    print()
    for kata in sorted(stress):
        print(f"- {kata}: " + "; ".join(f"{version} ({len(checks)})" for version, checks in stress[kata].items()))


def times(last):
    """Seconds of check time: per kata and kind of code (how many runs, total, mean per run), then the slowest checks."""
    runs = collections.defaultdict(lambda: collections.defaultdict(float))
    for (kata, version, _), (_, _, seconds) in last.items():
        runs[(kata, "reference" if version == "reference" else version.split("/")[0])][version] += seconds
    print("| kata | code | runs | check seconds | per run |")
    print("|---|---|---:|---:|---:|")
    for (kata, group), per in sorted(runs.items()):
        total = sum(per.values())
        print(f"| {kata} | {group} | {len(per)} | {total:.0f} | {total / len(per):.1f} |")
    per_check = collections.defaultdict(list)
    for (kata, version, check), (_, _, seconds) in last.items():
        per_check[(kata, check.split("(")[0])].append(seconds)
    print()
    print("| kata | check | runs | total s | mean s | max s |")
    print("|---|---|---:|---:|---:|---:|")
    for (kata, check), s in sorted(per_check.items(), key=lambda item: -sum(item[1]))[:30]:
        print(f"| {kata} | {check} | {len(s)} | {sum(s):.0f} | {sum(s) / len(s):.1f} | {max(s):.1f} |")


if __name__ == "__main__":
    main()
