# vmm sweep: fault curves. lru and opt come from one pass of stack distances,
# the others from one simulation per frame count; the outputs are the same
# for any --jobs.

# the textbook string: lru 12, opt 9, fifo 15 faults with 3 frames
$ vmm sweep --frames 1..7 --policies lru,opt,fifo,clock inputs/silberschatz.pages
? 0
1> vmm sweep: inputs/silberschatz.pages (pages): 20 references to 6 distinct pages
1>   pages of 4 KiB, 48-bit addresses; data off, no TLB, global replacement: page faults only
1>   lru, opt: the whole curve from one pass of stack distances
1>   fifo, clock: one simulation per frame count (7 each)
1> 
1> frames          lru          opt         fifo        clock
1>      1  20  100.00%  20  100.00%  20  100.00%  20  100.00%
1>      2  17   85.00%  13   65.00%  15   75.00%  15   75.00%
1>      3  12   60.00%   9   45.00%  15   75.00%  14   70.00%
1>      4   8   40.00%   8   40.00%  10   50.00%   9   45.00%
1>      5   7   35.00%   7   35.00%   9   45.00%   9   45.00%
1>      6   6   30.00%   6   30.00%   6   30.00%   6   30.00%
1>      7   6   30.00%   6   30.00%   6   30.00%   6   30.00%
# the same curves, every point simulated by the engine
$ vmm sweep --frames 1..7 --policies lru,opt,fifo,clock --method per-point --jobs 2 inputs/silberschatz.pages
? 0
1> vmm sweep: inputs/silberschatz.pages (pages): 20 references to 6 distinct pages
1>   pages of 4 KiB, 48-bit addresses; data off, no TLB, global replacement: page faults only
1>   lru, opt, fifo, clock: one simulation per frame count (7 each)
1> 
1> frames          lru          opt         fifo        clock
1>      1  20  100.00%  20  100.00%  20  100.00%  20  100.00%
1>      2  17   85.00%  13   65.00%  15   75.00%  15   75.00%
1>      3  12   60.00%   9   45.00%  15   75.00%  14   70.00%
1>      4   8   40.00%   8   40.00%  10   50.00%   9   45.00%
1>      5   7   35.00%   7   35.00%   9   45.00%   9   45.00%
1>      6   6   30.00%   6   30.00%   6   30.00%   6   30.00%
1>      7   6   30.00%   6   30.00%   6   30.00%   6   30.00%
# Belady's anomaly: fifo faults 9 times with 3 frames and 10 with 4 (marked *)
$ vmm sweep --frames 1..5 --policies fifo,lru,opt --refs 1,2,3,4,1,2,5,1,2,3,4,5
? 0
1> vmm sweep: --refs 1,2,3,4,1,2,5,1,2,3,4,5 (pages): 12 references to 5 distinct pages
1>   pages of 4 KiB, 48-bit addresses; data off, no TLB, global replacement: page faults only
1>   lru, opt: the whole curve from one pass of stack distances
1>   fifo: one simulation per frame count (5 each)
1> 
1> frames         fifo          lru          opt
1>      1  12  100.00%  12  100.00%  12  100.00%
1>      2  12  100.00%  12  100.00%   9   75.00%
1>      3   9   75.00%  10   83.33%   7   58.33%
1>      4  10*  83.33%   8   66.67%   6   50.00%
1>      5   5   41.67%   5   41.67%   5   41.67%
1> 
1> * more faults than with fewer frames (Belady's anomaly): 1 point
1>   fifo: 10 faults with 4 frames, 9 with 3
# CSV: one row per policy and frame count
$ vmm sweep --frames 1..5 --policies fifo,opt --csv --refs 1,2,3,4,1,2,5,1,2,3,4,5
? 0
1> policy,frames,faults,fault_rate,anomaly
1> fifo,1,12,1.000000,0
1> fifo,2,12,1.000000,0
1> fifo,3,9,0.750000,0
1> fifo,4,10,0.833333,1
1> fifo,5,5,0.416667,0
1> opt,1,12,1.000000,0
1> opt,2,9,0.750000,0
1> opt,3,7,0.583333,0
1> opt,4,6,0.500000,0
1> opt,5,5,0.416667,0
# JSON, with "anomaly": true where fifo faults more with 4 frames
$ vmm sweep --frames 3,4 --policies fifo,lru --json --refs 1,2,3,4,1,2,5,1,2,3,4,5
? 0
1> {
1>   "input": "--refs 1,2,3,4,1,2,5,1,2,3,4,5",
1>   "format": "pages",
1>   "page_size": 4096,
1>   "va_bits": 48,
1>   "data": false,
1>   "tlb_entries": 0,
1>   "replacement": "global",
1>   "seed": 1,
1>   "references": 12,
1>   "distinct_pages": 5,
1>   "fingerprint": "d90dd2a10eb8ebb2",
1>   "anomalies": 1,
1>   "frames": [3, 4],
1>   "policies": [
1>     {"policy": "fifo", "method": "per-point", "points": [
1>       {"frames": 3, "faults": 9, "fault_rate": 0.750000, "anomaly": false},
1>       {"frames": 4, "faults": 10, "fault_rate": 0.833333, "anomaly": true}
1>     ]},
1>     {"policy": "lru", "method": "one-pass", "points": [
1>       {"frames": 3, "faults": 10, "fault_rate": 0.833333, "anomaly": false},
1>       {"frames": 4, "faults": 8, "fault_rate": 0.666667, "anomaly": false}
1>     ]}
1>   ]
1> }
# the chart, as vmm thrash draws its own
$ vmm sweep --frames 1..8 --policies lru,opt,fifo --chart inputs/silberschatz.pages
? 0
1> vmm sweep: inputs/silberschatz.pages (pages): 20 references to 6 distinct pages
1>   pages of 4 KiB, 48-bit addresses; data off, no TLB, global replacement: page faults only
1>   lru, opt: the whole curve from one pass of stack distances
1>   fifo: one simulation per frame count (8 each)
1> 
1> fault rate: * lru, o opt, + fifo (# several)
1>  100% |  #
1>   95% |
1>   90% |
1>   85% |     *
1>   80% |
1>   75% |     +  +
1>   70% |
1>   65% |     o
1>   60% |        *
1>   55% |
1>   50% |           +
1>   45% |        o     +
1>   40% |           #
1>   35% |              #
1>   30% |                 #  #  #
1>   25% |
1>   20% |
1>   15% |
1>   10% |
1>    5% |
1>    0% |
1>       +------------------------
1>          1  2  3  4  5  6  7  8  frames
# default frame counts: powers of two up to the distinct pages (6), and 6
$ vmm sweep --policies lru,opt inputs/silberschatz.pages
? 0
1> vmm sweep: inputs/silberschatz.pages (pages): 20 references to 6 distinct pages
1>   pages of 4 KiB, 48-bit addresses; data off, no TLB, global replacement: page faults only
1>   lru, opt: the whole curve from one pass of stack distances
1> 
1> frames          lru          opt
1>      1  20  100.00%  20  100.00%
1>      2  17   85.00%  13   65.00%
1>      4   8   40.00%   8   40.00%
1>      6   6   30.00%   6   30.00%
# steps, ratios and lists together; policies with parameters
$ vmm sweep --frames 1..16*2,3..9/3 --policies lru,aging:bits=2,interval=3,random --seed 7 inputs/silberschatz.pages
? 0
1> vmm sweep: inputs/silberschatz.pages (pages): 20 references to 6 distinct pages
1>   pages of 4 KiB, 48-bit addresses; data off, no TLB, global replacement: page faults only
1>   lru: the whole curve from one pass of stack distances
1>   aging:bits=2,interval=3, random: one simulation per frame count (8 each)
1> 
1> frames          lru  aging:bits=2,interval=3       random
1>      1  20  100.00%              20  100.00%  20  100.00%
1>      2  17   85.00%              14   70.00%  17   85.00%
1>      3  12   60.00%              10   50.00%  13   65.00%
1>      4   8   40.00%               8   40.00%   9   45.00%
1>      6   6   30.00%               6   30.00%   6   30.00%
1>      8   6   30.00%               6   30.00%   6   30.00%
1>      9   6   30.00%               6   30.00%   6   30.00%
1>     16   6   30.00%               6   30.00%   6   30.00%
# several processes: a page is (pid, page), over the global reference string
$ vmm sweep --frames 1..6 --policies lru,opt,fifo --format vmm inputs/two.vmm
? 0
1> vmm sweep: inputs/two.vmm (vmm): 5 references to 4 distinct pages
1>   pages of 4 KiB, 48-bit addresses; data off, no TLB, global replacement: page faults only
1>   lru, opt: the whole curve from one pass of stack distances
1>   fifo: one simulation per frame count (6 each)
1> 
1> frames         lru         opt        fifo
1>      1  5  100.00%  5  100.00%  5  100.00%
1>      2  4   80.00%  4   80.00%  4   80.00%
1>      3  4   80.00%  4   80.00%  4   80.00%
1>      4  4   80.00%  4   80.00%  4   80.00%
1>      5  4   80.00%  4   80.00%  4   80.00%
1>      6  4   80.00%  4   80.00%  4   80.00%
# two single-process traces: each its own process
$ vmm sweep --frames 1..4 --policies lru inputs/silberschatz.pages inputs/small.addr
? 0
1> vmm sweep: inputs/silberschatz.pages inputs/small.addr (pages): 24 references to 8 distinct pages
1>   pages of 4 KiB, 48-bit addresses; data off, no TLB, global replacement: page faults only
1>   lru: the whole curve from one pass of stack distances
1> 
1> frames          lru
1>      1  22   91.67%
1>      2  19   79.17%
1>      3  14   58.33%
1>      4  10   41.67%
# bad frame counts
$ vmm sweep --frames 1..x inputs/silberschatz.pages
? 1
2> vmm: --frames: '1..x': expected the end of the range at column 4
$ vmm sweep --frames 8..1 inputs/silberschatz.pages
? 1
2> vmm: --frames: '8..1': the range ends before it starts
$ vmm sweep --frames 1..8*1 inputs/silberschatz.pages
? 1
2> vmm: --frames: '1..8*1': the ratio must be at least 2
$ vmm sweep --frames 0,4 inputs/silberschatz.pages
? 1
2> vmm: --frames: '0': frame counts run from 1 to 4294967294
$ vmm sweep --frames 1..2M inputs/silberschatz.pages
? 1
2> vmm: --frames: '1..2M' holds 2097152 frame counts; a sweep holds at most 1048576 (take a step, A..B/STEP, or a ratio, A..B*RATIO)
# an unknown policy, a bad parameter, one given twice
$ vmm sweep --policies lru,nosuch inputs/silberschatz.pages
? 1
2> vmm: unknown policy 'nosuch' (vmm policies lists them)
$ vmm sweep --policies aging:bits=99 inputs/silberschatz.pages
? 1
2> vmm: policy aging: bits=99 is out of range (1 .. 64)
$ vmm sweep --policies lru,fifo,lru inputs/silberschatz.pages
? 1
2> vmm: policy 'lru' is given twice
# no trace; a missing one; a malformed one
$ vmm sweep --frames 1..4
? 1
2> vmm: sweep: name a trace file (or - for standard input), or give --refs LIST
$ vmm sweep --frames 1..4 inputs/no-such-file
? 2
2> vmm: inputs/no-such-file: cannot open: No such file or directory
$ vmm sweep --frames 1..4 inputs/bad-op.addr
? 2
2> vmm: inputs/bad-op.addr:2:10: expected R or W after the address, found 'X'
# options that do not go together
$ vmm sweep --csv --chart --refs 1,2
? 1
2> vmm: sweep: --csv, --json and --chart exclude each other
$ vmm sweep --jobs 0 --refs 1,2
? 1
2> vmm: --jobs: 0 is out of range (1 .. 256)
$ vmm sweep --method fast --refs 1,2
? 1
2> vmm: --method: expected auto, one-pass or per-point, found 'fast'
