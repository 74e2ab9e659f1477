#!/usr/bin/env bash
# Times whole `qsweep sweep` processes on examples/momentum_sweep.toml (1,020 variants, ten
# sector ETFs, 2005-2020) and prints variants/s and asset-days/s, per process and per core,
# for --jobs 1 and for every available core. Then, as the machine's own ceiling for scaling,
# one independent `--jobs 1` sweep per core started together: on a VM whose vCPUs share
# physical cores (hyperthreads, busy neighbours) these slow each other down, and `--jobs N`
# cannot scale better than they do. The three measurements take turns in each round, so a
# host that changes speed affects them alike; each figure is the best of the rounds.
#   bench/sweep_bench.sh [path/to/qsweep] [rounds]
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
qsweep="${1:-$here/build/release/bin/qsweep}"
rounds="${2:-3}"
config="$here/examples/momentum_sweep.toml"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
cores="$(nproc)"

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# sweep JOBS: one whole sweep into $out/sweep; prints its wall time in ms. Keeps the sweep's
# own summary line in $out/line.
sweep() {
  local start
  start=$(now_ms)
  "$qsweep" sweep "$config" --jobs "$1" --overwrite --out "$out/sweep" 2>/dev/null | head -1 > "$out/line"
  echo $(( $(now_ms) - start ))
}

# independent N: N `--jobs 1` sweeps started together; prints the wall time of the batch in ms.
independent() {
  local start pids=()
  start=$(now_ms)
  for i in $(seq "$1"); do
    "$qsweep" sweep "$config" --jobs 1 --overwrite --out "$out/independent-$i" >/dev/null 2>&1 &
    pids+=("$!")
  done
  for pid in "${pids[@]}"; do wait "$pid"; done
  echo $(( $(now_ms) - start ))
}

min() { if [ -z "$1" ] || [ "$2" -lt "$1" ]; then echo "$2"; else echo "$1"; fi; }

one="" many="" together=""
for _ in $(seq "$rounds"); do
  one=$(min "$one" "$(sweep 1)")
  if [ "$cores" -gt 1 ]; then
    many=$(min "$many" "$(sweep "$cores")")
    together=$(min "$together" "$(independent "$cores")")
  fi
done
variants=$(( $(wc -l < "$out/sweep/results.csv") - 1 ))
# The sweep's own line: "... in S s: V variants/s, R M asset-days/s" -> asset-days = S × R × 10^6.
asset_days=$(sed -E 's/.* in ([0-9.]+) s: .*, ([0-9.]+) M asset-days\/s/\1 \2/' "$out/line" | awk '{ printf "%.0f", $1 * $2 * 1e6 }')

line() {
  awk -v j="$1" -v ms="$2" -v v="$variants" -v ad="$asset_days" 'BEGIN {
    s = ms / 1000.0
    printf "jobs %-2d  %7.3f s  %8.0f variants/s  %6.1f M asset-days/s  %6.1f M asset-days/s/core\n",
           j, s, v / s, ad / s / 1e6, ad / s / 1e6 / j }'
}
echo "qsweep sweep on $config (best of $rounds rounds of whole processes, $cores cores)"
line 1 "$one"
if [ "$cores" -gt 1 ]; then
  line "$cores" "$many"
  awk -v one="$one" -v many="$many" -v together="$together" -v n="$cores" -v ad="$asset_days" 'BEGIN {
    printf "--jobs %d scales %.2fx over --jobs 1; %d independent --jobs 1 processes at once: %.3f s, %.1f M asset-days/s each: the machine scales %.2fx\n",
           n, one / many, n, together / 1000.0, ad / (together / 1000.0) / 1e6, n * one / together }'
fi
