#!/usr/bin/env bash
# Batch grading benchmark: N generated submissions (a third reference solutions, a third untouched stubs, a third
# with one known-wrong fixture per kata), graded by `katas grade` with W workers; prints the tool's own summary
# (build vs checks time) and seconds per submission.
# Usage: bash bench/batch-grading.sh [N=30] [W=2] [katas, comma-separated; default all]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-30}
workers=${2:-2}
katas=${3:-}
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

root=$(mktemp -d /tmp/katas-bench-XXXX)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/submissions"

# Known-wrong fixture number i (cycling) of every kata, laid over the reference solution.
wrong() {
  local target=$1 i=$2
  cp -r solutions "$target"
  for fixtures in graders/*/Fixtures/wrong; do
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
    1) cp -r exercises "$root/submissions/$student" ;;
    2) wrong "$root/submissions/$student" "$i" ;;
  esac
done

dotnet build tools/Katas.Cli -c Release -v:q -nologo >/dev/null
options=(--workers "$workers" --out "$root/grades" --work "$root/work")
[ -n "$katas" ] && options+=(--katas "$katas")
start=$(date +%s)
dotnet tools/Katas.Cli/bin/Release/net10.0/katas.dll grade "$root/submissions" "${options[@]}" | grep -v '^\['
end=$(date +%s)
echo
echo "## Batch grading, $(date -u +%F), $(nproc) cores: $n submissions, $workers workers${katas:+, katas $katas}"
echo "Wall time $((end - start)) s (cold workspaces: the first build of each kata in each workspace restores and compiles everything),"
echo "$(( (end - start) / n )) s per submission."
