#!/usr/bin/env bash
# Kata 09: the lesson's count(n) twice, one after another, on two threads, in two child processes, with the
# reference solution in a Release build; prints a Markdown table next to the ideal for this machine's cores.
# usage: bash bench/cpu-speedup.sh [n] [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-100000000}
runs=${2:-3}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
dotnet build graders/09-cpu-bound-speedup/Kata -c Release -p:KataSource=solutions -o "$out" -nologo -v quiet >/dev/null
cores=$(nproc)
ideal=$(( cores < 2 ? cores : 2 ))
echo "## Kata 09: count($n) twice ($cores cores; ideal speed-up ${ideal}.0x)"
echo
echo "| run | one after another | two threads | two processes |"
echo "|---|---|---|---|"
for run in $(seq "$runs"); do
  # The program prints "  one after another: 1.23 s", "  on two threads: 0.62 s (2.0x)", "  in two processes: ...".
  dotnet "$out/CpuBoundSpeedup.dll" compare "$n" | awk -v run="$run" '
    /one after another/ { seq = $(NF-1) " s" }
    /two threads/       { thr = $(NF-2) " s " $NF }
    /two processes/     { pro = $(NF-2) " s " $NF }
    END { printf "| %s | %s | %s | %s |\n", run, seq, thr, pro }'
done
