# bench/timing.sh - the timing helpers the bench scripts source.

# wall microseconds of one run of "$@" (its output discarded)
wall() {
    local s e
    s=$(date +%s%N)
    "$@" >/dev/null
    e=$(date +%s%N)
    echo $(((e - s) / 1000))
}

# the median of the numbers on stdin divided by SCALE (default 1e6:
# microseconds to seconds), with 6 decimals
median() {
    sort -g | awk -v s="${1:-1e6}" '{a[NR]=$1} END {printf "%.6f", a[int((NR+1)/2)]/s}'
}
