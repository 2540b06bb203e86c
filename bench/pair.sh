#!/usr/bin/env bash
# bench/pair.sh - two commands timed in turn, A B A B ..., as whole processes:
# the ratio A/B of each pair, and the median of those ratios. On a shared
# machine whose speed drifts, a pair's two runs see nearly the same machine,
# so the median ratio holds where absolute times do not.
#
#   bench/pair.sh PAIRS 'COMMAND A' 'COMMAND B'
#
# e.g. a build against the one before it (bench/RESULTS.md quotes such ratios):
#   bench/pair.sh 21 'build/vmm replay --no-data --tlb 0 --format u32le
#       --frames 76353 --policy clock bench/data/zipf-10m.u32le' '/tmp/vmm-old replay ...'
# Each command is split into words as the shell splits them, without a shell;
# output is discarded. One warm-up run of each comes first.
set -euo pipefail
if [ $# -ne 3 ] || ! [ "$1" -ge 1 ] 2>/dev/null; then
    echo "usage: bench/pair.sh PAIRS 'COMMAND A' 'COMMAND B'" >&2
    exit 2
fi
read -ra a <<<"$2"
read -ra b <<<"$3"

. "$(dirname "$0")/timing.sh"

wall "${a[@]}" >/dev/null
wall "${b[@]}" >/dev/null
ta=() tb=() r=()
for _ in $(seq "$1"); do
    x=$(wall "${a[@]}")
    y=$(wall "${b[@]}")
    ta+=("$x") tb+=("$y")
    r+=("$(awk "BEGIN { printf \"%.4f\", $x / $y }")")
done

echo "pairs: $1, machine: $(uname -m), $(nproc) cores"
echo "A: $2"
echo "B: $3"
echo "A median wall s: $(printf '%s\n' "${ta[@]}" | median)"
echo "B median wall s: $(printf '%s\n' "${tb[@]}" | median)"
lo=$(printf '%s\n' "${r[@]}" | sort -g | head -n 1)
hi=$(printf '%s\n' "${r[@]}" | sort -g | tail -n 1)
echo "A/B median of the pairs' ratios: $(printf '%s\n' "${r[@]}" | median 1) (range $lo .. $hi)"
