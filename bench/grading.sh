#!/usr/bin/env bash
# Benchmark of the graders (not a test: it measures, it never fails on a number).
#   - how long grading takes: build, then `dotnet test` of the reference solutions and of the stubs;
#   - how many Coyote interleavings each known-wrong fixture needs until its bug is found,
#     with the graders' default portfolio (Random, Prioritization and DelayBounding taking turns), and
#     (--strategies) with each of those strategies alone.
# Usage: bench/grading.sh [--strategies] > bench/RESULTS.md
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 COYOTE_CLI_TELEMETRY_OPTOUT=1

strategies=(Portfolio)
[[ "${1:-}" == "--strategies" ]] && strategies=(Portfolio Random Prioritization DelayBounding)

seconds() { local start=$SECONDS; "$@" >/dev/null 2>&1 || true; echo $((SECONDS - start)); }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "# Grading benchmark"
echo
echo "$(date -u +%F), $(nproc) cores, $(dotnet --version) SDK, $(uname -sr)."
echo
echo "## Time to grade (whole Katas.sln)"
echo
echo "| step | seconds |"
echo "|---|---|"
dotnet build-server shutdown >/dev/null 2>&1 || true
echo "| build, reference solutions (incremental restore) | $(seconds dotnet build Katas.sln -p:KataSource=solutions) |"
echo "| dotnet test --no-build, reference solutions | $(seconds dotnet test Katas.sln --no-build -p:KataSource=solutions) |"
echo "| build, stubs | $(seconds dotnet build Katas.sln) |"
echo "| dotnet test --no-build, stubs (every kata fails) | $(seconds dotnet test Katas.sln --no-build) |"
echo
echo "## Interleavings until each known-wrong fixture's bug is found"
echo
echo "Numbers are Coyote's interleaving index for each failing systematic test (1 = the first schedule tried);"
echo "'-' marks tests that fail without Coyote (plain, fake-clock or real-clock checks)."
echo
echo "| kata | fixture | failing test | $(IFS='|'; echo "${strategies[*]}" | sed 's/|/ | /g') |"
echo "|---|---|---|$(printf -- '---|%.0s' "${strategies[@]}")"
for fixture in graders/*/Fixtures/wrong/*/; do
  kata=$(basename "$(dirname "$(dirname "$(dirname "$fixture")")")")
  name=$(basename "$fixture")
  root="$work/$kata-$name"
  mkdir -p "$root/$kata"
  cp "solutions/$kata/"*.cs "$root/$kata/"
  cp "$fixture"*.cs "$root/$kata/" 2>/dev/null || true
  for patch in "$fixture"*.patch; do [[ -e "$patch" ]] && (cd "$root/$kata" && git apply --whitespace=nowarn "$OLDPWD/$patch"); done
  declare -A found=()
  tests=()
  for strategy in "${strategies[@]}"; do
    out=$(KATAS_COYOTE_STRATEGY=$strategy dotnet test graders/"$kata" -p:KataSource="$root" 2>&1 || true)
    # "  Failed <Test> [time]" then, in its message, "Coyote found this in interleaving K of up to N."
    while IFS='|' read -r test k; do
      [[ -z "$test" ]] && continue
      [[ " ${tests[*]} " == *" $test "* ]] || tests+=("$test")
      found["$test/$strategy"]=$k
    done < <(echo "$out" | awk '/^  Failed /{ if (t) print t "|" k; t=$2; k="-" } /Coyote found this in interleaving/{ k=$6 } END{ if (t) print t "|" k }')
  done
  for test in "${tests[@]}"; do
    row="| $kata | $name | $test |"
    for strategy in "${strategies[@]}"; do row+=" ${found[$test/$strategy]:-passed} |"; done
    echo "$row"
  done
  unset found
done
