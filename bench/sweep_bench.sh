#!/usr/bin/env bash
# Times whole `qsweep sweep` processes on examples/momentum_sweep.toml (1,020 variants, ten
# sector ETFs, 2005-2020) and prints variants/s and asset-days/s, per process and per core,
# for --jobs 1 and for every available core.
#   bench/sweep_bench.sh [path/to/qsweep] [runs]
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
qsweep="${1:-$here/build/release/bin/qsweep}"
runs="${2:-3}"
config="$here/examples/momentum_sweep.toml"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
cores="$(nproc)"

bench() {
  local jobs="$1" best="" line=""
  for _ in $(seq "$runs"); do
    local start end
    start=$(date +%s%N)
    line=$("$qsweep" sweep "$config" --jobs "$jobs" --overwrite --out "$out/sweep" 2>/dev/null | head -1)
    end=$(date +%s%N)
    local ms=$(( (end - start) / 1000000 ))
    if [ -z "$best" ] || [ "$ms" -lt "$best" ]; then best=$ms; fi
  done
  local variants asset_days
  variants=$(( $(wc -l < "$out/sweep/results.csv") - 1 ))
  # The sweep's own line: "... in S s: V variants/s, R asset-days/s" -> asset-days = S × R.
  asset_days=$(echo "$line" | sed -E 's/.* in ([0-9.]+) s: .*, ([0-9.e+]+) asset-days\/s/\1 \2/' | awk '{ printf "%.0f", $1 * $2 }')
  awk -v j="$jobs" -v ms="$best" -v v="$variants" -v ad="$asset_days" 'BEGIN {
    s = ms / 1000.0
    printf "jobs %-2d  %7.3f s  %8.0f variants/s  %6.1f M asset-days/s  %6.1f M asset-days/s/core\n",
           j, s, v / s, ad / s / 1e6, ad / s / 1e6 / j }'
}

echo "qsweep sweep on $config (best of $runs whole-process runs, $cores cores)"
bench 1
[ "$cores" -gt 1 ] && bench "$cores"
