# vmm sweep --shard K/N runs shard K of N of a sweep's tasks (task i goes to
# shard (i mod N) + 1) and writes it as JSON; --merge joins the N shards and
# prints what the whole run prints. Each case works in a fresh directory.

# shard 2 of 3 of Belady's string: 12 tasks (lru's and opt's curves, then
# fifo's and clock's points), this shard has tasks 1, 4, 7 and 10
$ vmm sweep --frames 1..5 --policies fifo,lru,opt,clock --refs 1,2,3,4,1,2,5,1,2,3,4,5 --shard 2/3
? 0
1> {
1>   "vmm_sweep_shard": 1,
1>   "shard": 2,
1>   "shards": 3,
1>   "tasks": 12,
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
1>   "frames": [1, 2, 3, 4, 5],
1>   "policies": [
1>     {"policy": "fifo", "method": "per-point", "points": [
1>       {"frames": 3, "faults": 9, "fault_rate": 0.750000}
1>     ]},
1>     {"policy": "lru", "method": "one-pass", "points": [
1>     ]},
1>     {"policy": "opt", "method": "one-pass", "points": [
1>       {"frames": 1, "faults": 12, "fault_rate": 1.000000},
1>       {"frames": 2, "faults": 9, "fault_rate": 0.750000},
1>       {"frames": 3, "faults": 7, "fault_rate": 0.583333},
1>       {"frames": 4, "faults": 6, "fault_rate": 0.500000},
1>       {"frames": 5, "faults": 5, "fault_rate": 0.416667}
1>     ]},
1>     {"policy": "clock", "method": "per-point", "points": [
1>       {"frames": 1, "faults": 12, "fault_rate": 1.000000},
1>       {"frames": 4, "faults": 10, "fault_rate": 0.833333}
1>     ]}
1>   ]
1> }
# the three shards joined: the whole table, with fifo's and clock's anomaly
# at 4 frames although 3 and 4 frames came from different shards
$ d=$(mktemp -d) && for k in 1 2 3; do vmm sweep --frames 1..5 --policies fifo,lru,opt,clock --refs 1,2,3,4,1,2,5,1,2,3,4,5 --shard $k/3 > $d/part-$k.json || exit 9; done && vmm sweep --merge $d/part-3.json $d/part-1.json $d/part-2.json; s=$?; rm -rf "$d"; exit $s
? 0
1> vmm sweep: --refs 1,2,3,4,1,2,5,1,2,3,4,5 (pages): 12 references to 5 distinct pages
1>   pages of 4 KiB, 48-bit addresses; data off, no TLB, global replacement: page faults only
1>   lru, opt: the whole curve from one pass of stack distances
1>   fifo, clock: one simulation per frame count (5 each)
1> 
1> frames         fifo          lru          opt        clock
1>      1  12  100.00%  12  100.00%  12  100.00%  12  100.00%
1>      2  12  100.00%  12  100.00%   9   75.00%  12  100.00%
1>      3   9   75.00%  10   83.33%   7   58.33%   9   75.00%
1>      4  10*  83.33%   8   66.67%   6   50.00%  10*  83.33%
1>      5   5   41.67%   5   41.67%   5   41.67%   5   41.67%
1> 
1> * more faults than with fewer frames (Belady's anomaly): 2 points
1>   fifo: 10 faults with 4 frames, 9 with 3
1>   clock: 10 faults with 4 frames, 9 with 3
# the same, as CSV; and as one shard of one (--shard 1/1) read from standard input
$ d=$(mktemp -d) && for k in 1 2 3; do vmm sweep --frames 1..5 --policies fifo,lru,opt,clock --refs 1,2,3,4,1,2,5,1,2,3,4,5 --shard $k/3 > $d/part-$k.json || exit 9; done && vmm sweep --merge --csv $d/part-*.json; s=$?; rm -rf "$d"; exit $s
? 0
1> policy,frames,faults,fault_rate,anomaly
1> fifo,1,12,1.000000,0
1> fifo,2,12,1.000000,0
1> fifo,3,9,0.750000,0
1> fifo,4,10,0.833333,1
1> fifo,5,5,0.416667,0
1> lru,1,12,1.000000,0
1> lru,2,12,1.000000,0
1> lru,3,10,0.833333,0
1> lru,4,8,0.666667,0
1> lru,5,5,0.416667,0
1> opt,1,12,1.000000,0
1> opt,2,9,0.750000,0
1> opt,3,7,0.583333,0
1> opt,4,6,0.500000,0
1> opt,5,5,0.416667,0
1> clock,1,12,1.000000,0
1> clock,2,12,1.000000,0
1> clock,3,9,0.750000,0
1> clock,4,10,0.833333,1
1> clock,5,5,0.416667,0
$ vmm sweep --frames 1..5 --policies fifo,lru,opt,clock --refs 1,2,3,4,1,2,5,1,2,3,4,5 --shard 1/1 | vmm sweep --merge --json -
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
1>   "anomalies": 2,
1>   "frames": [1, 2, 3, 4, 5],
1>   "policies": [
1>     {"policy": "fifo", "method": "per-point", "points": [
1>       {"frames": 1, "faults": 12, "fault_rate": 1.000000, "anomaly": false},
1>       {"frames": 2, "faults": 12, "fault_rate": 1.000000, "anomaly": false},
1>       {"frames": 3, "faults": 9, "fault_rate": 0.750000, "anomaly": false},
1>       {"frames": 4, "faults": 10, "fault_rate": 0.833333, "anomaly": true},
1>       {"frames": 5, "faults": 5, "fault_rate": 0.416667, "anomaly": false}
1>     ]},
1>     {"policy": "lru", "method": "one-pass", "points": [
1>       {"frames": 1, "faults": 12, "fault_rate": 1.000000, "anomaly": false},
1>       {"frames": 2, "faults": 12, "fault_rate": 1.000000, "anomaly": false},
1>       {"frames": 3, "faults": 10, "fault_rate": 0.833333, "anomaly": false},
1>       {"frames": 4, "faults": 8, "fault_rate": 0.666667, "anomaly": false},
1>       {"frames": 5, "faults": 5, "fault_rate": 0.416667, "anomaly": false}
1>     ]},
1>     {"policy": "opt", "method": "one-pass", "points": [
1>       {"frames": 1, "faults": 12, "fault_rate": 1.000000, "anomaly": false},
1>       {"frames": 2, "faults": 9, "fault_rate": 0.750000, "anomaly": false},
1>       {"frames": 3, "faults": 7, "fault_rate": 0.583333, "anomaly": false},
1>       {"frames": 4, "faults": 6, "fault_rate": 0.500000, "anomaly": false},
1>       {"frames": 5, "faults": 5, "fault_rate": 0.416667, "anomaly": false}
1>     ]},
1>     {"policy": "clock", "method": "per-point", "points": [
1>       {"frames": 1, "faults": 12, "fault_rate": 1.000000, "anomaly": false},
1>       {"frames": 2, "faults": 12, "fault_rate": 1.000000, "anomaly": false},
1>       {"frames": 3, "faults": 9, "fault_rate": 0.750000, "anomaly": false},
1>       {"frames": 4, "faults": 10, "fault_rate": 0.833333, "anomaly": true},
1>       {"frames": 5, "faults": 5, "fault_rate": 0.416667, "anomaly": false}
1>     ]}
1>   ]
1> }
# more shards than tasks: the idle shards hold no points
$ vmm sweep --frames 1..2 --policies lru --refs 1,2,1 --shard 2/3
? 0
1> {
1>   "vmm_sweep_shard": 1,
1>   "shard": 2,
1>   "shards": 3,
1>   "tasks": 1,
1>   "input": "--refs 1,2,1",
1>   "format": "pages",
1>   "page_size": 4096,
1>   "va_bits": 48,
1>   "data": false,
1>   "tlb_entries": 0,
1>   "replacement": "global",
1>   "seed": 1,
1>   "references": 3,
1>   "distinct_pages": 2,
1>   "fingerprint": "1962de00399f4467",
1>   "frames": [1, 2],
1>   "policies": [
1>     {"policy": "lru", "method": "one-pass", "points": [
1>     ]}
1>   ]
1> }
# a shard missing, a shard given twice
$ d=$(mktemp -d) && cd "$d" && for k in 1 2 4; do vmm sweep --frames 1..5 --policies fifo,lru,opt,clock --refs 1,2,3,4,1,2,5,1,2,3,4,5 --shard $k/4 > p$k.json || exit 9; done && vmm sweep --merge p1.json p2.json p4.json; s=$?; rm -rf "$d"; exit $s
? 2
2> vmm: --merge: shard 3 of 4 is missing
$ d=$(mktemp -d) && cd "$d" && for k in 1 2; do vmm sweep --frames 1..5 --policies fifo,lru,opt,clock --refs 1,2,3,4,1,2,5,1,2,3,4,5 --shard $k/2 > p$k.json || exit 9; done && vmm sweep --merge p1.json p2.json p1.json; s=$?; rm -rf "$d"; exit $s
? 2
2> vmm: p1.json: shard 1 of 2 is given twice (first by p1.json)
# shards of different sweeps: another trace, other policies, frame counts,
# seed, number of shards, method
$ d=$(mktemp -d) && cd "$d" && vmm sweep --frames 1..5 --policies fifo,lru,opt,clock --refs 1,2,3,4,1,2,5,1,2,3,4,5 --shard 1/2 > p1.json && vmm sweep --frames 1..5 --policies fifo,lru,opt,clock --refs 1,2,3,4,1,2,5,1,2,3,4,4 --shard 2/2 > p2.json && vmm sweep --merge p1.json p2.json; s=$?; rm -rf "$d"; exit $s
? 2
2> vmm: p2.json: shards of different sweeps: "fingerprint" is 6e847d08a25f9876 here, d90dd2a10eb8ebb2 in p1.json (another trace)
$ d=$(mktemp -d) && cd "$d" && vmm sweep --frames 1..5 --policies fifo,lru,opt,clock --refs 1,2,3,4,1,2,5,1,2,3,4,5 --shard 1/2 > p1.json && vmm sweep --frames 1..5 --policies fifo,lru,opt,random --refs 1,2,3,4,1,2,5,1,2,3,4,5 --shard 2/2 > p2.json && vmm sweep --merge p1.json p2.json; s=$?; rm -rf "$d"; exit $s
? 2
2> vmm: p2.json: shards of different sweeps: policy 4 is "random" here, "clock" in p1.json
$ d=$(mktemp -d) && cd "$d" && vmm sweep --frames 1..5 --policies fifo,lru,opt,clock --refs 1,2,3,4,1,2,5,1,2,3,4,5 --shard 1/2 > p1.json && vmm sweep --frames 1..4 --policies fifo,lru,opt,clock --refs 1,2,3,4,1,2,5,1,2,3,4,5 --shard 2/2 > p2.json && vmm sweep --merge p1.json p2.json; s=$?; rm -rf "$d"; exit $s
? 2
2> vmm: p2.json: shards of different sweeps: "frames" holds 4 counts here, 5 in p1.json
$ d=$(mktemp -d) && cd "$d" && vmm sweep --frames 1..5 --policies fifo,lru,opt,clock --refs 1,2,3,4,1,2,5,1,2,3,4,5 --shard 1/2 > p1.json && vmm sweep --frames 1..5 --policies fifo,lru,opt,clock --refs 1,2,3,4,1,2,5,1,2,3,4,5 --seed 2 --shard 2/2 > p2.json && vmm sweep --merge p1.json p2.json; s=$?; rm -rf "$d"; exit $s
? 2
2> vmm: p2.json: shards of different sweeps: "seed" is 2 here, 1 in p1.json
$ d=$(mktemp -d) && cd "$d" && vmm sweep --frames 1..5 --policies fifo,lru,opt,clock --refs 1,2,3,4,1,2,5,1,2,3,4,5 --shard 1/2 > p1.json && vmm sweep --frames 1..5 --policies fifo,lru,opt,clock --refs 1,2,3,4,1,2,5,1,2,3,4,5 --shard 2/3 > p2.json && vmm sweep --merge p1.json p2.json; s=$?; rm -rf "$d"; exit $s
? 2
2> vmm: p2.json: shards of different sweeps: "shards" is 3 here, 2 in p1.json
$ d=$(mktemp -d) && cd "$d" && vmm sweep --frames 1..5 --policies fifo,lru,opt,clock --refs 1,2,3,4,1,2,5,1,2,3,4,5 --shard 1/2 > p1.json && vmm sweep --frames 1..5 --policies fifo,lru,opt,clock --refs 1,2,3,4,1,2,5,1,2,3,4,5 --method per-point --shard 2/2 > p2.json && vmm sweep --merge p1.json p2.json; s=$?; rm -rf "$d"; exit $s
? 2
2> vmm: p2.json: shards of different sweeps: the "method" of lru is per-point here, one-pass in p1.json
# a point in two shards (a shard 2 made from shard 1 by hand)
$ d=$(mktemp -d) && cd "$d" && vmm sweep --frames 1..5 --policies fifo,lru,opt,clock --refs 1,2,3,4,1,2,5,1,2,3,4,5 --shard 1/2 > p1.json && sed 's/"shard": 1,/"shard": 2,/' p1.json > p2.json && vmm sweep --merge p1.json p2.json; s=$?; rm -rf "$d"; exit $s
? 2
2> vmm: p2.json:20:7: fifo at 1 frame: also in p1.json
# not shards: the JSON of a whole sweep, a trace, an empty file, no file
$ d=$(mktemp -d) && cd "$d" && vmm sweep --frames 1..5 --policies fifo,lru,opt,clock --refs 1,2,3,4,1,2,5,1,2,3,4,5 --json > whole.json && vmm sweep --merge whole.json; s=$?; rm -rf "$d"; exit $s
? 2
2> vmm: whole.json:2:3: not a vmm sweep shard: the first key is "input", not "vmm_sweep_shard" (shards come from vmm sweep --shard K/N)
$ vmm sweep --merge inputs/silberschatz.pages
? 2
2> vmm: inputs/silberschatz.pages:1:1: not a vmm sweep shard: expected a JSON object ('{'), found '7'
$ vmm sweep --merge inputs/empty.pages
? 2
2> vmm: inputs/empty.pages:1:1: an empty file, not a vmm sweep shard
$ vmm sweep --merge inputs/no-such-file.json
? 2
2> vmm: inputs/no-such-file.json: cannot open: No such file or directory
# damaged shards: cut short, a stray comma, a key unknown, one missing, a
# shard number beyond the shards, a frame count not swept, more faults than
# references
$ d=$(mktemp -d) && cd "$d" && vmm sweep --frames 1..5 --policies fifo,lru,opt,clock --refs 1,2,3,4,1,2,5,1,2,3,4,5 --shard 1/1 > p1.json && head -c 600 p1.json > cut.json && vmm sweep --merge cut.json; s=$?; rm -rf "$d"; exit $s
? 2
2> vmm: cut.json:22:49: expected ',' or '}', found the end of the file (truncated?)
$ d=$(mktemp -d) && cd "$d" && vmm sweep --frames 1..5 --policies fifo,lru,opt,clock --refs 1,2,3,4,1,2,5,1,2,3,4,5 --shard 1/1 > p1.json && head -c 210 p1.json > cut.json && vmm sweep --merge cut.json; s=$?; rm -rf "$d"; exit $s
? 2
2> vmm: cut.json:11:20: expected a key, a string, found the end of the file (truncated?)
$ d=$(mktemp -d) && cd "$d" && vmm sweep --frames 1..5 --policies fifo,lru,opt,clock --refs 1,2,3,4,1,2,5,1,2,3,4,5 --shard 1/1 | sed 's/"seed": 1,/"seed": 1,,/' > p1.json && vmm sweep --merge p1.json; s=$?; rm -rf "$d"; exit $s
? 2
2> vmm: p1.json:13:13: expected a key, a string, found ','
$ d=$(mktemp -d) && cd "$d" && vmm sweep --frames 1..5 --policies fifo,lru,opt,clock --refs 1,2,3,4,1,2,5,1,2,3,4,5 --shard 1/1 | sed 's/"seed"/"sed"/' > p1.json && vmm sweep --merge p1.json; s=$?; rm -rf "$d"; exit $s
? 2
2> vmm: p1.json:13:3: unexpected key "sed" in a vmm sweep shard
$ d=$(mktemp -d) && cd "$d" && vmm sweep --frames 1..5 --policies fifo,lru,opt,clock --refs 1,2,3,4,1,2,5,1,2,3,4,5 --shard 1/1 | sed '/"seed"/d' > p1.json && vmm sweep --merge p1.json; s=$?; rm -rf "$d"; exit $s
? 2
2> vmm: p1.json:1:1: the shard has no "seed"
$ d=$(mktemp -d) && cd "$d" && vmm sweep --frames 1..5 --policies fifo,lru,opt,clock --refs 1,2,3,4,1,2,5,1,2,3,4,5 --shard 1/1 | sed 's/"shard": 1,/"shard": 2,/' > p1.json && vmm sweep --merge p1.json; s=$?; rm -rf "$d"; exit $s
? 2
2> vmm: p1.json:3:12: shard 2 of 1: shards run from 1 to 1
$ d=$(mktemp -d) && cd "$d" && vmm sweep --frames 1..5 --policies fifo,lru,opt,clock --refs 1,2,3,4,1,2,5,1,2,3,4,5 --shard 1/1 | sed 's/{"frames": 5,/{"frames": 6,/' > p1.json && vmm sweep --merge p1.json; s=$?; rm -rf "$d"; exit $s
? 2
2> vmm: p1.json:24:7: fifo at 6 frames: not one of the sweep's frame counts
$ d=$(mktemp -d) && cd "$d" && vmm sweep --frames 1..5 --policies fifo,lru,opt,clock --refs 1,2,3,4,1,2,5,1,2,3,4,5 --shard 1/1 | sed 's/"faults": 12,/"faults": 13,/' > p1.json && vmm sweep --merge p1.json; s=$?; rm -rf "$d"; exit $s
? 2
2> vmm: p1.json:20:7: fifo: 13 faults, more than the 12 references
# options that do not go together, and shards that are not K/N
$ vmm sweep --merge
? 1
2> vmm: sweep: --merge: name the shards' files (written by vmm sweep --shard K/N)
$ vmm sweep --merge --frames 1..4 part-1.json
? 1
2> vmm: sweep: --merge takes the sweep from its shards; --frames does not go with it
$ vmm sweep --shard 1/2 --csv --refs 1,2
? 1
2> vmm: sweep: --shard writes JSON, which --merge reads; --csv and --chart go with --merge
$ vmm sweep --shard 0/3 --refs 1,2
? 1
2> vmm: --shard: '0/3': K, the shard, runs from 1 to N (3)
$ vmm sweep --shard 4/3 --refs 1,2
? 1
2> vmm: --shard: '4/3': K, the shard, runs from 1 to N (3)
$ vmm sweep --shard x/2 --refs 1,2
? 1
2> vmm: --shard: expected K/N, shard K of N (1 <= K <= N), e.g. 3/8; found 'x/2'
$ vmm sweep --shard 3 --refs 1,2
? 1
2> vmm: --shard: expected K/N, shard K of N (1 <= K <= N), e.g. 3/8; found '3'
