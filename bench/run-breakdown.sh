#!/usr/bin/env bash
# Where the time of one (student, kata) grading run goes, as `katas grade` runs it: a build of the kata's grader
# against changed code (MSBuild's own target timings: restore, the twins' trial compile, the kata's and the grader's
# compiles, the unrewritten copy, coyote rewrite) and `dotnet test --no-build` (test host and checks: the checks'
# own durations from the TRX, the rest is process start, discovery and the host). Prints one markdown row per kata.
# Usage: bash bench/run-breakdown.sh [katas...]   (default 04-locked-counter 06-deadlock-fix 11-pool-map)
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 COYOTE_CLI_TELEMETRY_OPTOUT=1
# As `katas grade` runs its builds (tools/Katas.Cli/DotnetCommand.cs): with the SDK's compiler server, whatever the CI
# image sets (UseSharedCompilation=false makes every compile a fresh compiler process).
unset UseSharedCompilation MSBUILDDISABLENODEREUSE
katas=("$@")
[ ${#katas[@]} -gt 0 ] || katas=(04-locked-counter 06-deadlock-fix 11-pool-map)

root=$(mktemp -d /tmp/katas-breakdown-XXXX)
trap '[ -n "${KEEP:-}" ] || rm -rf "$root"' EXIT
dotnet run --project tools/Katas.Cli -- template "$root/repo" >/dev/null
cd "$root/repo"

echo "| kata | build wall | restore | twins trial | compile (kata + grader) | unrewritten copy | coyote rewrite | rest of build | test wall | checks (TRX) | host and discovery |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"
for kata in "${katas[@]}"; do
  project=$(ls graders/"$kata"/*.Grader.csproj)
  code="$root/code-$kata"
  mkdir -p "$code"
  cp -r "$OLDPWD/solutions/$kata" "$code/"
  # Warm: the first build of a workspace restores and builds the shared library; a batch pays that once per worker.
  dotnet build "$project" -p:KataSource="$code/" -nologo -v:q -clp:NoSummary >/dev/null
  # The measured run: new code, as for the next student.
  for f in "$code/$kata"/*.cs; do echo "// $(date +%s%N)" >> "$f"; done
  start=$(date +%s%N)
  dotnet build "$project" -p:KataSource="$code/" -nologo -v:m -clp:PerformanceSummary > "$root/build.log" 2>&1
  build=$(( ($(date +%s%N) - start) / 1000000 ))
  target() { # total ms of the named targets in MSBuild's Target Performance Summary
    awk -v names="$1" 'BEGIN { n = split(names, want, ",") }
      /Target Performance Summary/ { on = 1; next } /Task Performance Summary/ { on = 0 }
      on && $2 == "ms" { for (i = 1; i <= n; i++) if ($3 == want[i]) { ms += $1 } } END { printf "%d", ms }' "$root/build.log"
  }
  restore=$(target "Restore,_GenerateRestoreGraph,ResolvePackageAssets")
  twins=$(target "KataTwinsTrialCompile")
  compile=$(target "CoreCompile")
  copy=$(target "KeepUnrewrittenCopy")
  rewrite=$(target "CoyoteRewrite")
  start=$(date +%s%N)
  dotnet test "$project" --no-build --logger "trx;LogFileName=run.trx" --results-directory "$root/results" >/dev/null 2>&1 || true
  test=$(( ($(date +%s%N) - start) / 1000000 ))
  checks=$(python3 - "$root/results/run.trx" <<'PY'
import re, sys
total = 0.0
for h, m, s in re.findall(r'duration="(\d+):(\d+):([\d.]+)"', open(sys.argv[1]).read()):
    total += int(h) * 3600 + int(m) * 60 + float(s)
print(int(total * 1000))
PY
)
  rm -rf "$root/results"
  s() { awk -v ms="$1" 'BEGIN { printf "%.1f s", ms / 1000 }'; }
  echo "| $kata | $(s $build) | $(s $restore) | $(s $twins) | $(s $compile) | $(s $copy) | $(s $rewrite) | $(s $((build - restore - twins - compile - copy - rewrite))) | $(s $test) | $(s $checks) | $(s $((test - checks))) |"
done
