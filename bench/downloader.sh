#!/usr/bin/env bash
# Benchmark of kata 03's reference downloader (not a test: it measures, it never fails on a number): wall time
# for 9 and 100 documents against the ideal (one server delay plus transfer).
# Usage: bench/downloader.sh [delay ms] [runs] >> bench/RESULTS.md
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build bench/Downloader/Downloader.Bench.csproj -c Release >/dev/null
dotnet bench/Downloader/bin/Release/net10.0/Downloader.Bench.dll "$@"
