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
printf '%-17s %9s %9s %9s %9s %11s %9s\n' "" "wall ms" "" "CPU ms" "" "QSTrader" ""
printf '%-17s %9s %9s %9s %9s %11s %9s\n' config best median best median "run() s" speed-up
TIMEFORMAT='%3R %3U %3S'
for config in "$root"/examples/qstrader/*.toml; do
  name=$(basename "$config" .toml)
  "$qsweep" backtest "$config" --out "$out/$name" --quiet  # warm-up (page cache), and a check
  wall=()
  cpu=()
  for ((i = 0; i < runs; i++)); do
    # bash's `time` reports on stderr; qsweep's own stderr goes to fd 3 (the terminal).
    read -r real user sys < <({ time "$qsweep" backtest "$config" --out "$out/$name" --quiet 2>&3; } 3>&2 2>&1)
    wall+=($((10#${real/./})))
    cpu+=($((10#${user/./} + 10#${sys/./})))
  done
  read -r wall_best wall_median < <(best_and_median "${wall[@]}")
  read -r cpu_best cpu_median < <(best_and_median "${cpu[@]}")
  reference=${qstrader_s[$name]:-}
  if [[ -z $reference ]]; then
    printf '%-17s %9d %9d %9d %9d %11s %9s\n' "$name" "$wall_best" "$wall_median" "$cpu_best" "$cpu_median" - -
  else
    speedup=$(awk -v ref="$reference" -v ms="$wall_best" 'BEGIN { printf "%.0fx", ref * 1000 / (ms > 0 ? ms : 1) }')
    printf '%-17s %9d %9d %9d %9d %11s %9s\n' "$name" "$wall_best" "$wall_median" "$cpu_best" "$cpu_median" \
      "$reference" "$speedup"
  fi
done
echo "speed-up: QSTrader's best run() (strategy session only) / qsweep's best wall time (whole process," \
     "both sessions, all outputs written)"
