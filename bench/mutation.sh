#!/usr/bin/env bash
# Mutation analysis of the graders (bench/Mutation): mutants of each kata's reference solution, made with
# concurrency mutation operators after ConMAn, each graded by the kata's own grader. Prints one line per mutant as
# it goes, then the markdown summary table and the surviving mutants (also written to <out>/summary.md, with one
# JSON file per kata). Arguments go to the tool:
#   bash bench/mutation.sh [katas...] [--source solutions] [--workers 1|2] [--out artifacts/mutation]
#                          [--list] [--only <mutant-id>...] [--limit-minutes N] [--repo <path>] [--include-given] [--fresh]
# Hours for all 13 katas on 2 cores (see bench/RESULTS.md). Verdicts stay in --out and the next run reuses them while
# the kata's grader and solution are unchanged, so a stopped run goes on where it stopped (--fresh: start over).
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 COYOTE_CLI_TELEMETRY_OPTOUT=1

dotnet build bench/Mutation -c Release -nologo -v:q -clp:NoSummary >/dev/null
exec dotnet bench/Mutation/bin/Release/net10.0/Katas.Mutation.dll "$@"
