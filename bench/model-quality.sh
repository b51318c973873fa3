#!/usr/bin/env bash
# Kata 13: both models of the lesson's last exercise on the full-size train.csv (reference solution, Release
# build): load, train and evaluate times and R² per model; both models one after another, in parallel on two
# threads of one process, and in two processes at once; with ML.NET's default threading and with one thread per
# trainer. Every measurement is a fresh process (ML.NET's FastTree family fixes its thread count per process).
# If python3 has scikit-learn, the lesson's own models on the same file and split follow (never in CI).
# usage: bash bench/model-quality.sh [train.csv]
set -euo pipefail
cd "$(dirname "$0")/.."
csv=$(realpath -m "${1:-data/train.csv}")
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
dotnet build bench/ModelQuality -c Release -o "$out" -nologo -v quiet >/dev/null
bench() { dotnet "$out/ModelQuality.Bench.dll" "$@"; }
value() { sed -n "s/.*$1=\([^ ]*\).*/\1/p"; }
bench ensure "$csv" default

rows=$(($(wc -l <"$csv") - 1))
columns=$(head -1 "$csv" | tr ',' '\n' | wc -l)
echo "## Kata 13: FastForest and FastTree on $(basename "$csv") ($rows rows, $((columns - 2)) features; $(nproc) cores)"
echo
echo "| trainer threads | FastForest load / train / R² | FastTree load / train / R² | one after another | two threads, one process | two processes at once | ideal |"
echo "|---|---|---|---|---|---|---|"
for threads in default 1; do
  steps=$(bench steps "$csv" "$threads")
  forest=$(grep '^FastForest' <<<"$steps"); tree=$(grep '^FastTree' <<<"$steps")
  f_total=$(awk -v l="$(value load <<<"$forest")" -v t="$(value train <<<"$forest")" -v e="$(value evaluate <<<"$forest")" 'BEGIN { print l + t + e }')
  t_total=$(awk -v l="$(value load <<<"$tree")" -v t="$(value train <<<"$tree")" -v e="$(value evaluate <<<"$tree")" 'BEGIN { print l + t + e }')
  sequential=$(awk -v a="$f_total" -v b="$t_total" 'BEGIN { printf "%.1f", a + b }')
  ideal=$(awk -v a="$f_total" -v b="$t_total" 'BEGIN { printf "%.2f", (a + b) / (a > b ? a : b) }')
  parallel=$(bench parallel "$csv" "$threads" | value wall)
  start=$(date +%s.%N)
  bench one "$csv" "$threads" FastForest >/dev/null & bench one "$csv" "$threads" FastTree >/dev/null; wait
  processes=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }')
  ratio() { awk -v s="$sequential" -v p="$1" 'BEGIN { printf "%.2fx", s / p }'; }
  printf '| %s | %s s / %s s / %s | %s s / %s s / %s | %s s | %s s (%s) | %s s (%s) | %sx |\n' "$threads" \
    "$(value load <<<"$forest")" "$(value train <<<"$forest")" "$(value r2 <<<"$forest")" \
    "$(value load <<<"$tree")" "$(value train <<<"$tree")" "$(value r2 <<<"$tree")" \
    "$sequential" "$parallel" "$(ratio "$parallel")" "$processes" "$(ratio "$processes")" "$ideal"
done

# Debian's python3-sklearn lives in the system python, which may not be the first python3 on PATH.
for python in python3 /usr/bin/python3; do
  if "$python" -c 'import sklearn, pandas' 2>/dev/null; then
    echo
    "$python" bench/model_quality_sklearn.py "$csv"
    break
  fi
done
