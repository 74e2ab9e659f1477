#!/usr/bin/env bash
# Times whole `qsweep sweep` processes on examples/momentum_sweep.toml (1,020 variants, ten
# sector ETFs, 2005-2020) and prints variants/s and asset-days/s, per process and per core,
# for --jobs 1 and for every available core. Then, as the machine's own ceiling for scaling,
# it runs one independent `--jobs 1` sweep per core at once: on a VM whose vCPUs share physical
# cores (hyperthreads, busy neighbours) these slow each other down, and `--jobs N` cannot scale
# better than they do.
#   bench/sweep_bench.sh [path/to/qsweep] [runs]
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
qsweep="${1:-$here/build/release/bin/qsweep}"
runs="${2:-3}"
config="$here/examples/momentum_sweep.toml"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
cores="$(nproc)"

# bench JOBS: best wall time of the runs; sets best_ms and asset_days for the lines after it.
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
  local variants
  variants=$(( $(wc -l < "$out/sweep/results.csv") - 1 ))
  # The sweep's own line: "... in S s: V variants/s, R asset-days/s" -> asset-days = S × R.
  asset_days=$(echo "$line" | sed -E 's/.* in ([0-9.]+) s: .*, ([0-9.e+]+) asset-days\/s/\1 \2/' | awk '{ printf "%.0f", $1 * $2 }')
  awk -v j="$jobs" -v ms="$best" -v v="$variants" -v ad="$asset_days" 'BEGIN {
    s = ms / 1000.0
    printf "jobs %-2d  %7.3f s  %8.0f variants/s  %6.1f M asset-days/s  %6.1f M asset-days/s/core\n",
           j, s, v / s, ad / s / 1e6, ad / s / 1e6 / j }'
  best_ms=$best
}

# independent N: N `--jobs 1` sweeps started together; prints the wall time of the batch
# (best of the runs) and the throughput per process.
independent() {
  local n="$1" best=""
  for _ in $(seq "$runs"); do
    local start end pids=()
    start=$(date +%s%N)
    for i in $(seq "$n"); do
      "$qsweep" sweep "$config" --jobs 1 --overwrite --out "$out/independent-$i" >/dev/null 2>&1 &
      pids+=("$!")
    done
    for pid in "${pids[@]}"; do wait "$pid"; done
    end=$(date +%s%N)
    local ms=$(( (end - start) / 1000000 ))
    if [ -z "$best" ] || [ "$ms" -lt "$best" ]; then best=$ms; fi
  done
  awk -v n="$n" -v ms="$best" -v ad="$asset_days" -v one="$one_process_ms" 'BEGIN {
    s = ms / 1000.0
    printf "%d independent --jobs 1 processes at once  %7.3f s  %6.1f M asset-days/s per process: the machine scales %.2fx on %d cores\n",
           n, s, ad / s / 1e6, n * one / ms, n }'
}

echo "qsweep sweep on $config (best of $runs whole-process runs, $cores cores)"
bench 1
one_process_ms=$best_ms
if [ "$cores" -gt 1 ]; then
  bench "$cores"
  awk -v one="$one_process_ms" -v many="$best_ms" -v n="$cores" \
    'BEGIN { printf "--jobs %d scales %.2fx over --jobs 1\n", n, one / many }'
  independent "$cores"
fi
