#!/usr/bin/env bash
# bench/floor.sh - what fifo and clock cost apart from vmm: vmm's replay side by
# side with bench/floor.c, the same policies with nothing around them.
# Anyone can rerun it: `make bench-floor` or `bench/floor.sh [RUNS]`.
#
# Trace: bench/data/zipf-10m.u32le (10 M references, Zipf alpha 1.0 over 1 M
# pages, seed 42, generated as bench/run.sh does), 76,353 frames.
#   floor fifo, floor clock, floor clock-mirror (R copied beside the frames)
#   vmm replay --no-data --tlb 0 --policy fifo / clock
# Whole-process wall times, median of RUNS runs each (default 5), the five
# commands taking turns so that a drift in the machine's speed falls on all
# alike. Fault counts must agree between vmm and the floor.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-5}
FRAMES=76353
TRACE=bench/data/zipf-10m.u32le
REFS=10000000 # in TRACE
make -s build/vmm
mkdir -p build/bench bench/data
cc -O2 -o build/bench/gen bench/gen.c -lm
cc -O2 -o build/bench/floor bench/floor.c
[ -f $TRACE ] || build/bench/gen zipf $TRACE $REFS 1000000 1.0 42

. bench/timing.sh

names=("floor fifo" "floor clock" "floor clock-mirror" "vmm fifo" "vmm clock")
cmds=("build/bench/floor fifo $FRAMES $TRACE"
    "build/bench/floor clock $FRAMES $TRACE"
    "build/bench/floor clock-mirror $FRAMES $TRACE"
    "build/vmm replay --no-data --tlb 0 --format u32le --frames $FRAMES --policy fifo --json $TRACE"
    "build/vmm replay --no-data --tlb 0 --format u32le --frames $FRAMES --policy clock --json $TRACE")

# faults of command i, from the floor's "refs faults" or vmm's JSON
faults() {
    local out
    read -ra c <<<"${cmds[$1]}"
    out=$("${c[@]}")
    if [ "$1" -lt 3 ]; then
        echo "$out" | awk '{print $2}'
    else
        echo "$out" | sed -n 's/.*"page_faults": \([0-9]*\).*/\1/p' | head -n 1
    fi
}
f=()
for i in 0 1 2 3 4; do f+=("$(faults $i)"); done
if [ "${f[0]}" != "${f[3]}" ] || [ "${f[1]}" != "${f[4]}" ] || [ "${f[1]}" != "${f[2]}" ]; then
    echo "MISMATCH: faults ${f[*]} (floor fifo, clock, clock-mirror, vmm fifo, clock)" >&2
    exit 1
fi

echo "machine: $(uname -m), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores"
echo "vmm: $(build/vmm --version)"
echo "date: $(date -u +%Y-%m-%d), runs per figure: $RUNS (median quoted)"
echo
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for _ in $(seq "$RUNS"); do
    for i in 0 1 2 3 4; do
        read -ra c <<<"${cmds[$i]}"
        wall "${c[@]}" >>"$tmp/$i"
    done
done
m=()
for i in 0 1 2 3 4; do m+=("$(median <"$tmp/$i")"); done
printf '%-20s %10s %10s %10s\n' command faults "wall s" "M refs/s"
for i in 0 1 2 3 4; do
    printf '%-20s %10s %10s %10.1f\n' "${names[$i]}" "${f[$i]}" "${m[$i]}" \
        "$(awk "BEGIN { print $REFS / 1e6 / ${m[$i]} }")"
done
echo
ratio() { awk "BEGIN { printf \"%.2f\", $1 / $2 }"; }
echo "clock / fifo, floor:         $(ratio "${m[1]}" "${m[0]}")"
echo "clock / fifo, vmm:           $(ratio "${m[4]}" "${m[3]}")"
echo "clock-mirror / clock, floor: $(ratio "${m[2]}" "${m[1]}")"
echo "vmm / floor, fifo:           $(ratio "${m[3]}" "${m[0]}")"
echo "vmm / floor, clock:          $(ratio "${m[4]}" "${m[1]}")"
