# vmm sweep --approx shards: lru's curve estimated from the pages whose hash
# falls below a threshold (SHARDS). The output says it is approximate.

# at rate 1 every page is sampled and the curve is exact (as in sweep.t)
$ vmm sweep --approx shards:rate=1 --frames 1..7 inputs/silberschatz.pages
? 0
1> vmm sweep: inputs/silberschatz.pages (pages): 20 references to about 6 distinct pages (estimated)
1>   pages of 4 KiB, 48-bit addresses; data off, no TLB, global replacement: page faults only
1>   lru: an APPROXIMATE curve by SHARDS: the pages whose hash is below 16777216 of 2^24, rate 1:
1>   20 sampled references to 6 pages; stack distances and faults scaled by 1/rate
1> 
1> frames          lru
1>      1  20  100.00%
1>      2  17   85.00%
1>      3  12   60.00%
1>      4   8   40.00%
1>      5   7   35.00%
1>      6   6   30.00%
1>      7   6   30.00%
# a loop over 4000 pages with a hot set of 50, sampled at rate 0.1
$ awk 'BEGIN { for (i = 0; i < 40000; i++) print (i % 3 ? i % 4000 : i % 50) }' | vmm sweep --approx shards:rate=0.1 --frames 500..5000/500 -
? 0
1> vmm sweep: - (pages): 40000 references to about 4090 distinct pages (estimated)
1>   pages of 4 KiB, 48-bit addresses; data off, no TLB, global replacement: page faults only
1>   lru: an APPROXIMATE curve by SHARDS: the pages whose hash is below 1677722 of 2^24, rate 0.1:
1>   3524 sampled references to 409 pages; stack distances and faults scaled by 1/rate
1> 
1> frames             lru
1>    500  27060   67.65%
1>   1000  27060   67.65%
1>   1500  27060   67.65%
1>   2000  27060   67.65%
1>   2500  27060   67.65%
1>   3000  14880   37.20%
1>   3500  14880   37.20%
1>   4000  14880   37.20%
1>   4500   4090   10.23%
1>   5000   4090   10.23%
# the same, exactly
$ awk 'BEGIN { for (i = 0; i < 40000; i++) print (i % 3 ? i % 4000 : i % 50) }' | vmm sweep --policies lru --frames 500..5000/500 -
? 0
1> vmm sweep: - (pages): 40000 references to 4000 distinct pages
1>   pages of 4 KiB, 48-bit addresses; data off, no TLB, global replacement: page faults only
1>   lru: the whole curve from one pass of stack distances
1> 
1> frames             lru
1>    500  26383   65.96%
1>   1000  26383   65.96%
1>   1500  26383   65.96%
1>   2000  26383   65.96%
1>   2500  26383   65.96%
1>   3000  14533   36.33%
1>   3500  14533   36.33%
1>   4000   4000   10.00%
1>   4500   4000   10.00%
1>   5000   4000   10.00%
# fixed size: at most 200 sampled pages, the rate lowered from 1 to hold them
$ awk 'BEGIN { for (i = 0; i < 40000; i++) print (i % 3 ? i % 4000 : i % 50) }' | vmm sweep --approx shards:smax=200 --frames 500..5000/1500 -
? 0
1> vmm sweep: - (pages): 40000 references to about 4355 distinct pages (estimated)
1>   pages of 4 KiB, 48-bit addresses; data off, no TLB, global replacement: page faults only
1>   lru: an APPROXIMATE curve by SHARDS: the pages whose hash is below 770438 of 2^24, rate 0.04592
1>   (lowered from 1 to hold at most 200 pages; 598 pages dropped):
1>   2724 sampled references to 200 pages; stack distances and faults scaled by 1/rate
1> 
1> frames             lru
1>    500  28610   71.53%
1>   2000  28610   71.53%
1>   3500  15615   39.04%
1>   5000   4204   10.51%
# without the adjustment: faults scaled to the references
$ awk 'BEGIN { for (i = 0; i < 40000; i++) print (i % 3 ? i % 4000 : i % 50) }' | vmm sweep --approx shards:rate=0.1,adjust=no --frames 500..5000/1500 -
? 0
1> vmm sweep: - (pages): 40000 references to about 4090 distinct pages (estimated)
1>   pages of 4 KiB, 48-bit addresses; data off, no TLB, global replacement: page faults only
1>   lru: an APPROXIMATE curve by SHARDS: the pages whose hash is below 1677722 of 2^24, rate 0.1:
1>   3524 sampled references to 409 pages; stack distances and faults scaled by 1/rate,
1>   then the faults by references / (sampled references / rate)
1> 
1> frames             lru
1>    500  30715   76.79%
1>   2000  30715   76.79%
1>   3500  16890   42.23%
1>   5000   4642   11.61%
# CSV: the method and the rate on every row
$ awk 'BEGIN { for (i = 0; i < 40000; i++) print (i % 3 ? i % 4000 : i % 50) }' | vmm sweep --approx shards:rate=0.1 --frames 1000,4000 --csv -
? 0
1> policy,frames,faults,fault_rate,anomaly,method,sample_rate
1> lru,1000,27060,0.676500,0,shards,0.1
1> lru,4000,14880,0.372000,0,shards,0.1
# JSON: "approximate", the sampler's figures, method "shards"
$ awk 'BEGIN { for (i = 0; i < 40000; i++) print (i % 3 ? i % 4000 : i % 50) }' | vmm sweep --approx shards:rate=0.1 --frames 1000,4000 --json -
? 0
1> {
1>   "input": "-",
1>   "format": "pages",
1>   "page_size": 4096,
1>   "va_bits": 48,
1>   "data": false,
1>   "tlb_entries": 0,
1>   "replacement": "global",
1>   "seed": 1,
1>   "references": 40000,
1>   "distinct_pages": 4090,
1>   "anomalies": 0,
1>   "approximate": true,
1>   "shards": {"rate": 0.1, "effective_rate": 0.100000024, "threshold": 1677722, "modulus": 16777216, "smax": 0, "adjust": true, "sampled_references": 3524, "sampled_pages": 409, "dropped_pages": 0, "distinct_pages_estimated": true},
1>   "frames": [1000, 4000],
1>   "policies": [
1>     {"policy": "lru", "method": "shards", "points": [
1>       {"frames": 1000, "faults": 27060, "fault_rate": 0.676500, "anomaly": false},
1>       {"frames": 4000, "faults": 14880, "fault_rate": 0.372000, "anomaly": false}
1>     ]}
1>   ]
1> }
# the default frame counts: powers of two up to the estimated distinct pages
$ awk 'BEGIN { for (i = 0; i < 40000; i++) print (i % 3 ? i % 4000 : i % 50) }' | vmm sweep --approx shards:rate=0.1 --policies lru -
? 0
1> vmm sweep: - (pages): 40000 references to about 4090 distinct pages (estimated)
1>   pages of 4 KiB, 48-bit addresses; data off, no TLB, global replacement: page faults only
1>   lru: an APPROXIMATE curve by SHARDS: the pages whose hash is below 1677722 of 2^24, rate 0.1:
1>   3524 sampled references to 409 pages; stack distances and faults scaled by 1/rate
1> 
1> frames             lru
1>      1  35240   88.10%
1>      2  35240   88.10%
1>      4  35240   88.10%
1>      8  35240   88.10%
1>     16  35210   88.03%
1>     32  35040   87.60%
1>     64  34820   87.05%
1>    128  30480   76.20%
1>    256  27060   67.65%
1>    512  27060   67.65%
1>   1024  27060   67.65%
1>   2048  27060   67.65%
1>   4090   4090   10.23%
# a tiny sample: a note on standard error
$ vmm sweep --approx shards:rate=0.5 --frames 1..3 inputs/silberschatz.pages
? 0
1> vmm sweep: inputs/silberschatz.pages (pages): 20 references to about 2 distinct pages (estimated)
1>   pages of 4 KiB, 48-bit addresses; data off, no TLB, global replacement: page faults only
1>   lru: an APPROXIMATE curve by SHARDS: the pages whose hash is below 8388608 of 2^24, rate 0.5:
1>   6 sampled references to 1 page; stack distances and faults scaled by 1/rate
1> 
1> frames          lru
1>      1   2   10.00%
1>      2   2   10.00%
1>      3   2   10.00%
2> vmm: note: only 1 page was sampled; an estimate from so few is rough (raise the rate)
# lru only; --method makes no sense with it; parameters checked
$ vmm sweep --approx shards:rate=0.1 --policies lru,fifo inputs/silberschatz.pages
? 1
2> vmm: sweep: --approx shards estimates lru's curve only, not 'fifo' (run the other policies exactly, without --approx)
$ vmm sweep --approx shards:rate=0.1 --policies opt inputs/silberschatz.pages
? 1
2> vmm: sweep: --approx shards estimates lru's curve only, not 'opt' (run the other policies exactly, without --approx)
$ vmm sweep --approx shards:rate=0.1 --method per-point inputs/silberschatz.pages
? 1
2> vmm: sweep: --method and --approx exclude each other
$ vmm sweep --approx sample:rate=0.1 inputs/silberschatz.pages
? 1
2> vmm: --approx: expected shards:rate=R[,smax=N][,adjust=yes|no], found 'sample:rate=0.1'
$ vmm sweep --approx shards inputs/silberschatz.pages
? 1
2> vmm: --approx: shards: give rate=R (a sampling rate above 0, at most 1) or smax=N (the most sampled pages)
$ vmm sweep --approx shards:rate=0 inputs/silberschatz.pages
? 1
2> vmm: --approx: shards: rate=0: expected a sampling rate above 0 and at most 1, such as 0.01
$ vmm sweep --approx shards:rate=1.5 inputs/silberschatz.pages
? 1
2> vmm: --approx: shards: rate=1.5: expected a sampling rate above 0 and at most 1, such as 0.01
$ vmm sweep --approx shards:rate=1e-9 inputs/silberschatz.pages
? 1
2> vmm: --approx: shards: rate=1e-9 is below 1/16777216, the smallest rate
$ vmm sweep --approx shards:rate=0.1,smax=0 inputs/silberschatz.pages
? 1
2> vmm: --approx: shards: smax=0 is out of range (1 .. 1073741824 pages)
$ vmm sweep --approx shards:rate=0.1,adjust=maybe inputs/silberschatz.pages
? 1
2> vmm: --approx: shards: adjust=maybe: expected yes or no
$ vmm sweep --approx shards:rate=0.1,seed=2 inputs/silberschatz.pages
? 1
2> vmm: --approx: shards: unknown parameter 'seed' (expected rate, smax or adjust)
# bad input is reported as without --approx
$ vmm sweep --approx shards:rate=0.1 inputs/bad-op.addr
? 2
2> vmm: inputs/bad-op.addr:2:10: expected R or W after the address, found 'X'
# --approx is one pass: it neither splits into shards nor merges them
$ vmm sweep --approx shards:rate=0.1 --shard 1/2 inputs/silberschatz.pages
? 1
2> vmm: sweep: --approx is one streamed pass; it has no shards to spread (drop --shard)
$ vmm sweep --merge --approx shards:rate=0.1 part-1.json
? 1
2> vmm: sweep: --merge takes the sweep from its shards; --approx does not go with it
