#!/usr/bin/env python3
"""How the suite's grader checks were decided: Coyote, the stress fallback on real threads, or real threads by design.

Input: the file the suite wrote with KATAS_DECIDED_BY=<file> (kata, version, check, outcome, how; tab-separated), e.g.
    KATAS_DECIDED_BY=$PWD/artifacts/decided-by.tsv dotnet test graders/Katas.Grading.Tests
Output: a Markdown table per kata (for bench/RESULTS.md), then every check a fallback decided, by kata and version.
Only concurrency checks count in the share (Coyote + stress); "real threads" checks (speed, processes, plain calls)
are listed apart. A wrong fixture runs only the checks it must fail.
"""
import collections
import sys


def main(path):
    rows = [line.rstrip("\n").split("\t") for line in open(path, encoding="utf-8") if line.strip()]
    # A version graded twice (a rerun) counts once: its last line per check wins.
    last = {}
    for kata, version, check, outcome, how in rows:
        last[(kata, version, check)] = (outcome, how)

    table = collections.defaultdict(lambda: collections.Counter())
    stress = collections.defaultdict(list)
    for (kata, version, check), (outcome, how) in sorted(last.items()):
        group = "reference" if version == "reference" else version.split("/")[0]
        table[(kata, group)][how] += 1
        if how == "stress":
            stress[kata].append(f"{version}: {check} ({outcome})")

    print("| kata | code | checks | by Coyote | by stress runs | on real threads by design | Coyote's share of concurrency checks |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for (kata, group), counts in sorted(table.items()):
        concurrency = counts["coyote"] + counts["stress"]
        share = f"{100 * counts['coyote'] / concurrency:.0f}%" if concurrency else "-"
        print(f"| {kata} | {group} | {sum(counts.values())} | {counts['coyote']} | {counts['stress']} | "
              f"{counts['real threads']} | {share} |")

    print()
    for kata in sorted(stress):
        print(f"- {kata}, decided by stress runs: " + "; ".join(stress[kata]))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "artifacts/decided-by.tsv")
