#!/usr/bin/env bash
# Back-to-back runs of a kata's grader on code known to be right (the reference, and the kata's right fixtures): a
# grader that deserves trust passes every run, on a busy machine too. Each version is laid out like exercises/ (the
# reference's files, then the fixture's *.cs over them and its *.patch applied, as the suite does), built once, then
# graded N times with `dotnet test --no-build`. One line per version: failed runs, seconds per run, and the load
# average at each run; a failed run's failing checks and messages are kept in <out>/<kata>/<version>-fail-<i>.txt.
# A version named wrong/<fixture> is code known to be wrong: every run must fail, and with the same verdict (the line
# each failing check gives, Coyote's "found this in interleaving N" included); the line counts the distinct verdicts.
#   bash bench/repeat.sh [--runs 20] [--out artifacts/repeat] <kata> [reference|<right-fixture>|wrong/<fixture>...]
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
  kind=right name=$version
  [[ $version == wrong/* ]] && kind=wrong name=${version#wrong/}
  src=$out/$kata/$version/src
  rm -rf "$src" && mkdir -p "$src/$kata"
  cp solutions/"$kata"/*.cs "$src/$kata/"
  if [[ $version != reference ]]; then
    fixture=$repo/graders/$kata/Fixtures/$kind/$name
    [[ -d $fixture ]] || { echo "no $kind fixture $name in graders/$kata/Fixtures/$kind" >&2; exit 2; }
    for file in "$fixture"/*.cs; do [[ -e $file ]] && cp "$file" "$src/$kata/"; done
    for patch in "$fixture"/*.patch; do [[ -e $patch ]] && (cd "$src/$kata" && git apply --whitespace=nowarn "$patch"); done
  fi
  build=$out/$kata/$version/build
  if ! dotnet build "graders/$kata" -p:KataSource="$src" --artifacts-path "$build" -nologo -v:q -clp:NoSummary >"$out/$kata/$version-build.txt" 2>&1; then
    echo "$kata/$version: the build failed (see $out/$kata/$version-build.txt)"
    continue
  fi
  mkdir -p "$(dirname "$out/$kata/$version")"
  failed=0 loads="" start=$(date +%s) verdicts=""
  filter=()
  # A wrong fixture runs only the checks it must fail, as the suite does.
  [[ $kind == wrong ]] && filter=(--filter "$(python3 -c 'import json,sys; print("|".join("FullyQualifiedName~." + t.split("(")[0] for t in json.load(open(sys.argv[1]))["failing"]))' "$fixture/expect.json")")
  for i in $(seq 1 "$runs"); do
    log=$out/$kata/$version-run.txt
    status=0
    timeout 1200 dotnet test "graders/$kata" --no-build -p:KataSource="$src" --artifacts-path "$build" "${filter[@]}" --logger "console;verbosity=normal" >"$log" 2>&1 || status=$?
    loads="$loads $(cut -d' ' -f1 /proc/loadavg)"
    if [[ $status -ne 0 ]]; then
      failed=$((failed + 1))
      grep -E "^\s+Failed |Error Message|Test Run Aborted|timed out" -A4 "$log" | head -60 >"$out/$kata/$version-fail-$i.txt" || true
    fi
    [[ $kind == wrong ]] && verdicts="$verdicts$(grep -E "^\s+Failed |Coyote found this|Found in stress run" "$log" | sed -E 's/ \[[^]]*\]$//' | sort | md5sum | cut -c1-8)
"
  done
  seconds=$(( ($(date +%s) - start) / runs ))
  if [[ $kind == wrong ]]; then
    distinct=$(printf '%s' "$verdicts" | sort -u | grep -c . || true)
    echo "$kata/$version: caught in $failed of $runs runs, $distinct distinct verdict(s) ($seconds s per run; load average at each run:$loads)"
  else
    echo "$kata/$version: $failed failed of $runs runs ($seconds s per run; load average at each run:$loads)"
  fi
done
