#!/usr/bin/env bash
# Batch grading benchmark: N generated submissions, all different in every kata (no run is saved by the grader's
# "identical code is graded once"): a third the reference solution with a comment of their own, a third a known-right
# fixture, a third a known-wrong fixture (number i, cycling), graded by `katas grade` with W workers; prints the tool's
# own summary (build vs checks time) and seconds per submission. KATAS_FAST_BUILD=0 measures MSBuild for every run;
# SANDBOX=none or SANDBOX=bwrap grades outside or inside bubblewrap (default: inside when it is installed).
# Usage: bash bench/batch-grading.sh [N=30] [W=2] [katas, comma-separated; default all]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-30}
workers=${2:-2}
katas=${3:-}
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

root=$(mktemp -d /tmp/katas-bench-XXXX)
trap '[ -n "${KEEP:-}" ] || rm -rf "$root"' EXIT
mkdir -p "$root/submissions"

# Fixture number i (cycling) of the given kind of every kata, laid over the reference solution.
fixture() {
  local kind=$1 target=$2 i=$3
  cp -r solutions "$target"
  for fixtures in graders/*/Fixtures/"$kind"; do
    kata=$(basename "$(dirname "$(dirname "$fixtures")")")
    mapfile -t all < <(ls -d "$fixtures"/*/ | sort)
    fixture=${all[$(( i % ${#all[@]} ))]}
    cp "$fixture"/*.cs "$target/$kata/" 2>/dev/null || true
    for patch in "$fixture"/*.patch; do
      [ -e "$patch" ] && (cd "$target/$kata" && git apply --whitespace=nowarn "$OLDPWD/$patch")
    done
  done
}

for i in $(seq 1 "$n"); do
  student=$(printf 'student-%02d' "$i")
  case $(( i % 3 )) in
    0) cp -r solutions "$root/submissions/$student" ;;
    1) fixture right "$root/submissions/$student" "$i" ;;
    2) fixture wrong "$root/submissions/$student" "$i" ;;
  esac
  # A comment of their own: no two submissions of a kata are the same code (fixtures repeat when i cycles).
  for kata in "$root/submissions/$student"/*/; do
    first=$(ls "$kata"*.cs | head -n 1)
    echo "// $student" >> "$first"
  done
done

dotnet build tools/Katas.Cli -c Release -v:q -nologo >/dev/null
options=(--workers "$workers" --out "$root/grades" --work "$root/work" --sandbox "${SANDBOX:-auto}")
[ -n "$katas" ] && options+=(--katas "$katas")
start=$(date +%s)
dotnet tools/Katas.Cli/bin/Release/net10.0/katas.dll grade "$root/submissions" "${options[@]}" | grep -v '^\['
end=$(date +%s)
echo
echo "## Batch grading, $(date -u +%F), $(nproc) cores: $n submissions, $workers workers${katas:+, katas $katas}"
echo "Wall time $((end - start)) s (cold workspaces: the first build of each kata in each workspace restores and compiles everything;"
echo "fast build ${KATAS_FAST_BUILD:-1}),"
echo "$(( (end - start) / n )) s per submission."
# Build and test time of each (student, kata) run, from the verdicts: the first build of a kata in a workspace is a full
# MSBuild build, the later ones the fast path (tools/Katas.Cli/KataFastBuild.cs) unless it declined.
python3 - "$root/grades/grades.json" <<'PY'
import json, statistics, sys
def seconds(t):
    h, m, s = t.split(':')
    return int(h) * 3600 + int(m) * 60 + float(s)
runs = [k for g in json.load(open(sys.argv[1]))['Grades'] for k in g['Katas'] if k.get('BuildTime') and seconds(k['BuildTime']) > 0]
builds = sorted(seconds(k['BuildTime']) for k in runs)
tests = [seconds(k['TestTime']) for k in runs if k.get('TestTime')]
if builds:
    q = lambda xs, p: xs[min(len(xs) - 1, int(p * len(xs)))]
    print(f"{len(runs)} built runs: build median {statistics.median(builds):.1f} s, p90 {q(builds, 0.9):.1f} s, "
          f"sum {sum(builds):.0f} s ({sum(b > 3 for b in builds)} over 3 s); checks sum {sum(tests):.0f} s; "
          f"build share {100 * sum(builds) / (sum(builds) + sum(tests)):.0f}%")
PY
