#!/usr/bin/env bash
# Back-to-back runs of a kata's grader on code known to be right (the reference, and the kata's right fixtures): a
# grader that deserves trust passes every run, on a busy machine too. Each version is laid out like exercises/ (the
# reference's files, then the fixture's *.cs over them and its *.patch applied, as the suite does), built once, then
# graded N times with `dotnet test --no-build`. One line per version: failed runs, seconds per run, and the load
# average at each run; a failed run's failing checks and messages are kept in <out>/<kata>/<version>-fail-<i>.txt.
#   bash bench/repeat.sh [--runs 20] [--out artifacts/repeat] <kata> [reference|<right-fixture>...]
# With no version named: the reference and every right fixture of the kata.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 COYOTE_CLI_TELEMETRY_OPTOUT=1
runs=20
out=artifacts/repeat
while [[ $# -gt 0 && $1 == --* ]]; do
  case $1 in
    --runs) runs=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
[[ $# -ge 1 ]] || { sed -n 2,8p "$0" >&2; exit 2; }
kata=$1; shift
[[ -d solutions/$kata ]] || { echo "no kata $kata in solutions/" >&2; exit 2; }
versions=("$@")
if [[ ${#versions[@]} -eq 0 ]]; then
  versions=(reference)
  for dir in graders/"$kata"/Fixtures/right/*/; do versions+=("$(basename "$dir")"); done
fi
repo=$(pwd)
mkdir -p "$out/$kata"
out=$(cd "$out" && pwd)

for version in "${versions[@]}"; do
  src=$out/$kata/$version/src
  rm -rf "$src" && mkdir -p "$src/$kata"
  cp solutions/"$kata"/*.cs "$src/$kata/"
  if [[ $version != reference ]]; then
    fixture=$repo/graders/$kata/Fixtures/right/$version
    [[ -d $fixture ]] || { echo "no right fixture $version in graders/$kata/Fixtures/right" >&2; exit 2; }
    for file in "$fixture"/*.cs; do [[ -e $file ]] && cp "$file" "$src/$kata/"; done
    for patch in "$fixture"/*.patch; do [[ -e $patch ]] && (cd "$src/$kata" && git apply --whitespace=nowarn "$patch"); done
  fi
  build=$out/$kata/$version/build
  if ! dotnet build "graders/$kata" -p:KataSource="$src" --artifacts-path "$build" -nologo -v:q -clp:NoSummary >"$out/$kata/$version-build.txt" 2>&1; then
    echo "$kata/$version: the build failed (see $out/$kata/$version-build.txt)"
    continue
  fi
  failed=0 loads="" start=$(date +%s)
  for i in $(seq 1 "$runs"); do
    log=$out/$kata/$version-run.txt
    status=0
    timeout 1200 dotnet test "graders/$kata" --no-build -p:KataSource="$src" --artifacts-path "$build" >"$log" 2>&1 || status=$?
    loads="$loads $(cut -d' ' -f1 /proc/loadavg)"
    if [[ $status -ne 0 ]]; then
      failed=$((failed + 1))
      grep -E "^\s+Failed |Error Message|Test Run Aborted|timed out" -A4 "$log" | head -60 >"$out/$kata/$version-fail-$i.txt" || true
    fi
  done
  seconds=$(( ($(date +%s) - start) / runs ))
  echo "$kata/$version: $failed failed of $runs runs ($seconds s per run; load average at each run:$loads)"
done
