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

# wall microseconds of one run of "$@" (output discarded)
wall() {
    local s e
    s=$(date +%s%N)
    "$@" >/dev/null
    e=$(date +%s%N)
    echo $(((e - s) / 1000))
}

wall "${a[@]}" >/dev/null
wall "${b[@]}" >/dev/null
ta=() tb=() r=()
for _ in $(seq "$1"); do
    x=$(wall "${a[@]}")
    y=$(wall "${b[@]}")
    ta+=("$x") tb+=("$y")
    r+=("$(awk "BEGIN { printf \"%.4f\", $x / $y }")")
done

# the median of the figures given, scaled by $1
median() {
    local scale=$1
    shift
    printf '%s\n' "$@" | sort -g | awk -v s="$scale" '{a[NR]=$1} END {printf "%.4f", a[int((NR+1)/2)]/s}'
}
echo "pairs: $1, machine: $(uname -m), $(nproc) cores"
echo "A: $2"
echo "B: $3"
echo "A median wall s: $(median 1e6 "${ta[@]}")"
echo "B median wall s: $(median 1e6 "${tb[@]}")"
lo=$(printf '%s\n' "${r[@]}" | sort -g | head -n 1)
hi=$(printf '%s\n' "${r[@]}" | sort -g | tail -n 1)
echo "A/B median of the pairs' ratios: $(median 1 "${r[@]}") (range $lo .. $hi)"
