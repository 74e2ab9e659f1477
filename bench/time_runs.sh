#!/usr/bin/env bash
# Times whole `qsweep backtest` processes (start-up, config, data loading, both sessions,
# statistics, writing every output file) on each examples/qstrader/*.toml and compares them with
# the QSTrader 0.3.0 reference timings.
#
# Usage: bench/time_runs.sh [-n RUNS] [PATH/TO/qsweep]
#   RUNS   timed runs per config after one untimed warm-up run (default 21)
#   qsweep defaults to $QSWEEP, else build/release/bin/qsweep
# Prints, in milliseconds per run, the best and median wall-clock time and the best and median
# CPU time (user + sys, from bash's `time`; 1 ms resolution). On a shared machine the CPU time
# is the steadier figure: wall time also counts waiting for a CPU and for the disk.
#
# With io_floor built beside qsweep (bench/io_floor.c), each run of qsweep is followed by one of
# io_floor on the same files: it reads the config's data files and writes an output folder of the
# same file names and sizes, computing nothing. Its best wall time is the floor printed, the
# least any program can take for that folder on this machine, and the last column is qsweep's
# best over it. The data files are the config's `dir` (in [data]) with the strategy's tickers
# (positions.csv's header) and the benchmark's (benchmark_fills.csv).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
runs=21
if [[ ${1:-} == -n ]]; then
  runs=${2:?"-n needs a number"}
  shift 2
fi
qsweep=${1:-${QSWEEP:-$root/build/release/bin/qsweep}}
if [[ ! -x $qsweep ]]; then
  echo "time_runs.sh: no qsweep binary at $qsweep (build it, or pass its path)" >&2
  exit 2
fi
if ! [[ $runs =~ ^[1-9][0-9]*$ ]]; then
  echo "time_runs.sh: -n needs a positive number, got '$runs'" >&2
  exit 2
fi

# QSTrader's own run() on the reference machine type (2 shared vCPUs), best of its runs, in
# seconds; strategy session only (shared/reference/qstrader/README.md).
declare -A qstrader_s=([sixty_forty]=4.07 [sixty_forty_fees]=4.09 [buy_and_hold]=2.05 [long_short]=3.65
                       [momentum_taa]=15.6)

floor=$(dirname "$qsweep")/io_floor
[[ -x $floor ]] || floor=""

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# best_and_median VALUES...: prints "best median" of integer values.
best_and_median() {
  local sorted
  mapfile -t sorted < <(printf '%s\n' "$@" | sort -n)
  echo "${sorted[0]} ${sorted[$(($# / 2))]}"
}

echo "qsweep: $qsweep ($("$qsweep" --version)); $runs runs per config; $(nproc) CPUs," \
     "load average $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-17s %9s %9s %9s %9s %11s %9s %9s %8s\n' "" "wall ms" "" "CPU ms" "" "QSTrader" "" "I/O floor" "qsweep /"
printf '%-17s %9s %9s %9s %9s %11s %9s %9s %8s\n' config best median best median "run() s" speed-up "wall ms" floor
TIMEFORMAT='%3R %3U %3S'
for config in "$root"/examples/qstrader/*.toml; do
  name=$(basename "$config" .toml)
  "$qsweep" backtest "$config" --out "$out/$name" --quiet  # warm-up (page cache), and a check
  inputs=()
  if [[ -n $floor ]]; then
    data_dir=$(sed -n 's/^dir *= *"\(.*\)".*/\1/p' "$config" | head -1)
    [[ $data_dir == /* ]] || data_dir=$(dirname "$config")/$data_dir
    tickers=$(head -1 "$out/$name/positions.csv" | tr ',' '\n' | tail -n +2)
    if [[ -f $out/$name/benchmark_fills.csv ]]; then
      tickers+=$'\n'$(tail -n +2 "$out/$name/benchmark_fills.csv" | cut -d, -f2)
    fi
    for ticker in $(sort -u <<< "$tickers"); do inputs+=("$data_dir/$ticker.csv"); done
    "$floor" "$out/floor-$name" "$out/$name" "${inputs[@]}"  # warm-up, and a check
  fi
  wall=()
  cpu=()
  floor_wall=()
  for ((i = 0; i < runs; i++)); do
    # bash's `time` reports on stderr; qsweep's own stderr goes to fd 3 (the terminal).
    read -r real user sys < <({ time "$qsweep" backtest "$config" --out "$out/$name" --quiet 2>&3; } 3>&2 2>&1)
    wall+=($((10#${real/./})))
    cpu+=($((10#${user/./} + 10#${sys/./})))
    if [[ -n $floor ]]; then
      read -r real user sys < <({ time "$floor" "$out/floor-$name" "$out/$name" "${inputs[@]}" 2>&3; } 3>&2 2>&1)
      floor_wall+=($((10#${real/./})))
    fi
  done
  read -r wall_best wall_median < <(best_and_median "${wall[@]}")
  read -r cpu_best cpu_median < <(best_and_median "${cpu[@]}")
  floor_best=- ratio=-
  if [[ -n $floor ]]; then
    read -r floor_best _ < <(best_and_median "${floor_wall[@]}")
    ratio=$(awk -v q="$wall_best" -v f="$floor_best" 'BEGIN { printf "%.1fx", q / (f > 0 ? f : 1) }')
  fi
  reference=${qstrader_s[$name]:-}
  speedup=-
  if [[ -n $reference ]]; then
    speedup=$(awk -v ref="$reference" -v ms="$wall_best" 'BEGIN { printf "%.0fx", ref * 1000 / (ms > 0 ? ms : 1) }')
  fi
  printf '%-17s %9d %9d %9d %9d %11s %9s %9s %8s\n' "$name" "$wall_best" "$wall_median" "$cpu_best" "$cpu_median" \
    "${reference:--}" "$speedup" "$floor_best" "$ratio"
done
echo "speed-up: QSTrader's best run() (strategy session only) / qsweep's best wall time (whole process," \
     "both sessions, all outputs written)"
if [[ -n $floor ]]; then
  echo "I/O floor: io_floor's best wall time (read the data files, write the same output folder, compute nothing)"
else
  echo "I/O floor: not measured (no io_floor beside $qsweep; build the bench/ targets)"
fi
