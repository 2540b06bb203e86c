#!/usr/bin/env bash
# bench/run.sh - replay speed of vmm, side by side with a hand-written LRU peer
# in the same run. Anyone can rerun it: `make bench` or `bench/run.sh [RUNS]`.
#
# Traces (generated, seeded, into bench/data/; about 40 MB each):
#   zipf: 10 M references, Zipf alpha 1.0 over 1 M pages, seed 42, 76,353 frames
#   loop: 10 M references looping over 100,000 pages, 76,353 frames
# Each command runs RUNS times (default 5); the median wall time is quoted.
# vmm runs with data off and no TLB (--no-data --tlb 0), the policy study mode.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-5}
FRAMES=76353
make -s build/vmm
mkdir -p build/bench bench/data
cc -O2 -o build/bench/gen bench/gen.c -lm
cc -O2 -o build/bench/peer_lru bench/peer_lru.c
[ -f bench/data/zipf-10m.u32le ] || build/bench/gen zipf bench/data/zipf-10m.u32le 10000000 1000000 1.0 42
[ -f bench/data/loop-10m.u32le ] || build/bench/gen loop bench/data/loop-10m.u32le 10000000 100000

. bench/timing.sh

# median wall seconds of RUNS runs of "$@" (output discarded)
runs() {
    for _ in $(seq "$RUNS"); do wall "$@"; done | median
}

echo "machine: $(uname -m), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores"
echo "vmm: $(build/vmm --version)"
echo "date: $(date -u +%Y-%m-%d), runs per figure: $RUNS (median quoted)"
echo
printf '%-6s %-7s %10s %10s %14s %10s\n' trace policy refs faults "refs/s" "peer ratio"
for trace in zipf loop; do
    f=bench/data/$trace-10m.u32le
    peer=$(runs build/bench/peer_lru $FRAMES "$f")
    read -r prefs pfaults < <(build/bench/peer_lru $FRAMES "$f")
    printf '%-6s %-7s %10s %10s %14.0f %10s\n' "$trace" peer-lru "$prefs" "$pfaults" \
        "$(awk "BEGIN { print $prefs / $peer }")" "1.00"
    for pol in fifo lru clock opt; do
        cmd=(build/vmm replay --no-data --tlb 0 --format u32le --frames $FRAMES --policy $pol --json "$f")
        t=$(runs "${cmd[@]}")
        json=$("${cmd[@]}")
        refs=$(echo "$json" | sed -n 's/.*"references": \([0-9]*\).*/\1/p' | head -n 1)
        faults=$(echo "$json" | sed -n 's/.*"page_faults": \([0-9]*\).*/\1/p' | head -n 1)
        if [ "$pol" = lru ] && [ "$faults" != "$pfaults" ]; then
            echo "MISMATCH: vmm lru faults $faults, peer $pfaults" >&2
            exit 1
        fi
        printf '%-6s %-7s %10s %10s %14.0f %10.2f\n' "$trace" "$pol" "$refs" "$faults" \
            "$(awk "BEGIN { print $refs / $t }")" "$(awk "BEGIN { print $peer / $t }")"
    done
done
echo
echo "peer ratio = peer's time / vmm's time for the same trace (1.00 = as fast as the peer)."
echo "command: ${cmd[*]%"$f"} TRACE"
