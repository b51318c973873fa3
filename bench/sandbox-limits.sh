#!/usr/bin/env bash
# What the sandbox's limits (tools/Katas.Cli/Sandbox/RunLimits.cs) must leave room for: grades the reference solutions
# of every kata (or the katas given) in the sandbox and prints, per kata run, the peak of processes and threads and the
# peak memory of its build and of its checks, from each run's control group (KATAS_SANDBOX_PEAKS). Needs bubblewrap and
# writable control groups (root).
# Usage: bash bench/sandbox-limits.sh [katas, comma-separated; default all]
set -euo pipefail
cd "$(dirname "$0")/.."
katas=${1:-}
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

root=$(mktemp -d /tmp/katas-limits-XXXX)
trap '[ -n "${KEEP:-}" ] || rm -rf "$root"' EXIT
mkdir -p "$root/submissions"
cp -r solutions "$root/submissions/reference"

dotnet build tools/Katas.Cli -c Release -v:q -nologo >/dev/null
options=(--workers 2 --out "$root/grades" --work "$root/work" --sandbox bwrap)
[ -n "$katas" ] && options+=(--katas "$katas")
KATAS_SANDBOX_PEAKS="$root/peaks.txt" dotnet tools/Katas.Cli/bin/Release/net10.0/katas.dll grade "$root/submissions" "${options[@]}" | grep -v '^\['
echo
echo "## Sandbox peaks, $(date -u +%F), $(nproc) cores: the reference solutions${katas:+ of $katas}"
# Lines: "<command> <first argument> pids <n> memory <MiB>".
awk '{ printf "%-60s pids %5s  memory %6s MiB\n", $1 " " $2, $4, $6 }' "$root/peaks.txt"
awk '{ if ($4 > p) p = $4; if ($6 > m) m = $6 } END { printf "Most: %d processes and threads, %d MiB\n", p, m }' "$root/peaks.txt"
