#!/usr/bin/env bash
# The top symbols of one process by CPU time, sampled with Linux perf
# (Debian's linux-perf), for the worker profile in bench/README.md:
#   bash bench/perf-top.sh <pid> [seconds=10] [rows=15]
# Run it while the P2 fan-out measures (the bench prints "measuring").
# mediasoup-worker keeps its symbol table, so its own functions are named.
set -euo pipefail
pid=$1 seconds=${2:-10} rows=${3:-15}
out=$(mktemp --suffix=.perf.data)
trap 'rm -f "$out"' EXIT
perf record -q -e cpu-clock -F 999 -p "$pid" -o "$out" -- sleep "$seconds" 2>/dev/null
echo "# perf: pid $pid ($(tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | cut -c1-80 || echo gone)), ${seconds} s, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# by shared object:"
perf report -i "$out" --no-children --sort dso --stdio 2>/dev/null | grep -E '^\s+[0-9.]+%' | head -8
echo "# top $rows symbols:"
perf report -i "$out" --no-children --sort dso,sym --stdio 2>/dev/null | grep -E '^\s+[0-9.]+%' | head -"$rows"
