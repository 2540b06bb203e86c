# Replays whose whole output is checked.

# the policies, one line each
$ vmm policies
? 0
1> fifo     first in, first out: evict the page loaded longest ago
1> lru      least recently used: evict the page unused for longest (exact)
1> opt      optimal (Belady): evict the page used farthest in the future
1> random   evict a frame chosen at random (seeded splitmix64)
1> clock    second chance: a hand over the frames clears R bits until one is 0
1> eclock   enhanced second chance: clock over (R,M) classes, clean pages first
1> nru      not recently used: lowest (R,M) class; R cleared every interval references [interval=1000]
1> aging    aging counters: R shifted in every interval references, evict the smallest [bits=8,interval=1000]
1> lfu      least frequently used: evict the page with the fewest references since load
1> mfu      most frequently used: evict the page with the most references since load
1> ws       working set: evict the page longest outside its process's last delta references, else the least recently used [delta=10000]
1> wsclock  WSClock: a hand over the frames evicts a clean page unused for more than delta of its process's references [delta=10000]
# the textbook string, FIFO, 3 frames: 15 faults
$ vmm replay --policy fifo --frames 3 inputs/silberschatz.pages
? 0
1> vmm: inputs/silberschatz.pages (pages)
1>   fifo, 3 frames of 4 KiB, 48-bit addresses (4-level page table), TLB 64 entries 4-way
1> 
1> references                 20
1> page faults                15   minor 15, major 0; fault rate 75.00%
1> hits                        5
1> evictions                  12   dirty, written back 0; clean, write-backs the dirty bit saved 12
1> swap reads                  0   swap slots in use 0 at the end, 0 at most
1> TLB hits                    5   misses 15; hit ratio 25.00%
1> access time (EAT)      1451.8 ns per reference; simulated time 29.035 us
1>                   = (1 - p) x ma + p x service: p = 0.7500, ma = 401.0 ns, service = 1.802 us
1>                ma = h x (TLB + mem) + (1 - h) x (TLB + walk + mem): h = 0.2500, = 401.0 ns
1> 
1> processes; memory in KiB (pages of 4 KiB): RSS = anon + file = shared + USS
1> pid  name  references  minor  major  zero-fill  CoW  RSS  anon  file  shared   PSS  USS  swap  state
1>   1  P1            20     15      0         15    0   12    12     0       0  12.0   12     0  running
# every step of every reference, narrated
$ vmm replay --policy lru --frames 3 --tlb 0 --explain --refs 1,2,3,1,4,2
? 0
1> P1 spawned (P1)
1> #1 P1 R 0x1000: walk: PTE invalid; page fault; legal (all); free frame 0; zero-fill frame 0; PTE valid; restart: hit
1> #2 P1 R 0x2000: walk: PTE invalid; page fault; legal (all); free frame 1; zero-fill frame 1; PTE valid; restart: hit
1> #3 P1 R 0x3000: walk: PTE invalid; page fault; legal (all); free frame 2; zero-fill frame 2; PTE valid; restart: hit
1> #4 P1 R 0x1000: walk: PTE valid (frame 0); hit
1> #5 P1 R 0x4000: walk: PTE invalid; page fault; legal (all); no free frame; victim frame 1 = P1 page 0x2 (clean): dropped without a write; zero-fill frame 1; PTE valid; restart: hit
1> #6 P1 R 0x2000: walk: PTE invalid; page fault; legal (all); no free frame; victim frame 2 = P1 page 0x3 (clean): dropped without a write; zero-fill frame 2; PTE valid; restart: hit
1> vmm: --refs 1,2,3,1,4,2 (pages)
1>   lru, 3 frames of 4 KiB, 48-bit addresses (4-level page table), no TLB
1> 
1> references                  6
1> page faults                 5   minor 5, major 0; fault rate 83.33%
1> hits                        1
1> evictions                   2   dirty, written back 0; clean, write-backs the dirty bit saved 2
1> swap reads                  0   swap slots in use 0 at the end, 0 at most
1> access time (EAT)      1666.7 ns per reference; simulated time 10.000 us
1>                   = (1 - p) x ma + p x service: p = 0.8333, ma = 500.0 ns, service = 1.900 us
1> 
1> processes; memory in KiB (pages of 4 KiB): RSS = anon + file = shared + USS
1> pid  name  references  minor  major  zero-fill  CoW  RSS  anon  file  shared   PSS  USS  swap  state
1>   1  P1             6      5      0          5    0   12    12     0       0  12.0   12     0  running
# a lackey trace (M = a load then a store; == lines skipped), with a TLB
$ vmm replay --frames 2 --tlb 4 --explain inputs/small.lackey
? 0
1> P1 spawned (P1)
1> #1 P1 X 0x4016a8: TLB miss; walk: PTE invalid; page fault; legal (all); free frame 0; zero-fill frame 0; PTE valid; restart: hit
1> #2 P1 R 0x1ffefffa00: TLB miss; walk: PTE invalid; page fault; legal (all); free frame 1; zero-fill frame 1; PTE valid; restart: hit
1> #3 P1 W 0x1ffefffa08: TLB hit (frame 1); hit
1> #4 P1 R 0x41f000: TLB miss; walk: PTE invalid; page fault; legal (all); no free frame; victim frame 0 = P1 page 0x401 (clean): dropped without a write; zero-fill frame 0; PTE valid; restart: hit
1> #5 P1 W 0x41f000: TLB hit (frame 0); hit
1> #6 P1 X 0x4016ab: TLB miss; walk: PTE invalid; page fault; legal (all); no free frame; victim frame 1 = P1 page 0x1ffefff (dirty): write to swap slot 0; zero-fill frame 1; PTE valid; restart: hit
1> vmm: inputs/small.lackey (lackey)
1>   lru, 2 frames of 4 KiB, 48-bit addresses (4-level page table), TLB 4 entries 4-way
1> 
1> references                  6
1> page faults                 4   minor 4, major 0; fault rate 66.67%
1> hits                        2
1> evictions                   2   dirty, written back 1; clean, write-backs the dirty bit saved 1
1> swap reads                  0   swap slots in use 1 at the end, 1 at most
1> TLB hits                    2   misses 4; hit ratio 33.33%
1> access time (EAT)   1334635.0 ns per reference; simulated time 8.008 ms
1>                   = (1 - p) x ma + p x service: p = 0.6667, ma = 367.7 ns, service = 2.002 ms
1>                ma = h x (TLB + mem) + (1 - h) x (TLB + walk + mem): h = 0.3333, = 367.7 ns
1> 
1> processes; memory in KiB (pages of 4 KiB): RSS = anon + file = shared + USS
1> pid  name  references  minor  major  zero-fill  CoW  RSS  anon  file  shared  PSS  USS  swap  state
1>   1  P1             6      4      0          4    0    8     8     0       0  8.0    8     4  running
# a multi-process trace: a reference across a page boundary touches both pages
$ vmm replay --frames 4 --format vmm --explain inputs/two.vmm
? 0
1> P1 spawned (P1)
1> #1 P1 R 0x1000: TLB miss; walk: PTE invalid; page fault; legal (all); free frame 0; zero-fill frame 0; PTE valid; restart: hit
1> P2 spawned (P2)
1> #2 P2 W 0x2000: TLB miss; walk: PTE invalid; page fault; legal (all); free frame 1; zero-fill frame 1; PTE valid; restart: hit
1> #3 P1 W 0x1ffe: TLB hit (frame 0); hit
1> #4 P1 W 0x2000: TLB miss; walk: PTE invalid; page fault; legal (all); free frame 2; zero-fill frame 2; PTE valid; restart: hit
1> #5 P2 X 0x400000: TLB miss; walk: PTE invalid; page fault; legal (all); free frame 3; zero-fill frame 3; PTE valid; restart: hit
1> vmm: inputs/two.vmm (vmm)
1>   lru, 4 frames of 4 KiB, 48-bit addresses (4-level page table), TLB 64 entries 4-way
1> 
1> references                  5
1> page faults                 4   minor 4, major 0; fault rate 80.00%
1> hits                        1
1> evictions                   0   dirty, written back 0; clean, write-backs the dirty bit saved 0
1> swap reads                  0   swap slots in use 0 at the end, 0 at most
1> TLB hits                    1   misses 4; hit ratio 20.00%
1> access time (EAT)      1541.8 ns per reference; simulated time 7.709 us
1>                   = (1 - p) x ma + p x service: p = 0.8000, ma = 421.0 ns, service = 1.822 us
1>                ma = h x (TLB + mem) + (1 - h) x (TLB + walk + mem): h = 0.2000, = 421.0 ns
1> 
1> processes; memory in KiB (pages of 4 KiB): RSS = anon + file = shared + USS
1> pid  name  references  minor  major  zero-fill  CoW  RSS  anon  file  shared  PSS  USS  swap  state
1>   1  P1             3      2      0          2    0    8     8     0       0  8.0    8     0  running
1>   2  P2             2      2      0          2    0    8     8     0       0  8.0    8     0  running
# an addr trace as JSON
$ vmm replay --frames 1 --json inputs/small.addr
? 0
1> {
1>   "input": "inputs/small.addr",
1>   "format": "addr",
1>   "policy": "lru",
1>   "policy_params": "",
1>   "frames": 1,
1>   "page_size": 4096,
1>   "va_bits": 48,
1>   "levels": 4,
1>   "tlb_entries": 64,
1>   "tlb_ways": 4,
1>   "data": true,
1>   "seed": 1,
1>   "flush_interval": 0,
1>   "fail_read": 0,
1>   "fail_write": 0,
1>   "references": 4,
1>   "page_faults": 2,
1>   "minor_faults": 2,
1>   "major_faults": 0,
1>   "hits": 2,
1>   "fault_rate": 0.500000,
1>   "evictions": 1,
1>   "writebacks": 1,
1>   "writebacks_saved": 0,
1>   "swap_reads": 0,
1>   "zero_fills": 2,
1>   "swap_slots_used": 1,
1>   "swap_slots_peak": 1,
1>   "tlb_hits": 2,
1>   "tlb_misses": 2,
1>   "walks": 2,
1>   "segfaults": 0,
1>   "frames_used": 1,
1>   "time_ns": 8004006,
1>   "eat_ns": 2001001.500,
1>   "cow_copies": 0,
1>   "cow_reuses": 0,
1>   "page_cache_hits": 0,
1>   "swap_cache_hits": 0,
1>   "file_reads": 0,
1>   "forks": 0,
1>   "execs": 0,
1>   "stack_growths": 0,
1>   "processes_created": 1,
1>   "file_writes": {"evict": 0, "msync": 0, "munmap": 0, "exit": 0, "periodic": 0},
1>   "page_cache_pages": 0,
1>   "page_cache_mapped": 0,
1>   "dirty_pages": 0,
1>   "bus_errors": 0,
1>   "oom_kills": 0,
1>   "io_errors": 0,
1>   "io_reads": 0,
1>   "io_writes": 1,
1>   "sched": "none",
1>   "quantum_ns": 10000000,
1>   "quantum_refs": 0,
1>   "asid": true,
1>   "replacement": "global",
1>   "allocation": "equal",
1>   "min_frames": 1,
1>   "ws_delta": 0,
1>   "load_control": "none",
1>   "pff": [2, 20, 1000],
1>   "elapsed_ns": 8004006,
1>   "cpu_ns": 4006,
1>   "switch_ns": 0,
1>   "idle_ns": 8000000,
1>   "disk_ns": 8000000,
1>   "cpu_util": 0.000500,
1>   "disk_util": 0.999500,
1>   "throughput": 499.750,
1>   "context_switches": 0,
1>   "suspensions": 0,
1>   "resumptions": 0,
1>   "mmu": "paging",
1>   "binding": "execution",
1>   "fit": "first",
1>   "compaction": false,
1>   "swapping": true,
1>   "images": 0,
1>   "holes": 0,
1>   "largest_hole": 0,
1>   "free_bytes": 0,
1>   "ext_frag": 0.000000,
1>   "ext_frag_mean": 0.000000,
1>   "ext_frag_peak": 0.000000,
1>   "internal_frag": 0,
1>   "image_swap_outs": 0,
1>   "image_swap_ins": 0,
1>   "image_swap_bytes": 0,
1>   "image_disk_ns": 0,
1>   "compactions": 0,
1>   "compact_bytes": 0,
1>   "copy_ns": 0,
1>   "limit_traps": 0,
1>   "mem_waits": 0,
1>   "reg_loads": 0,
1>   "cost": {"mem_ns": 100, "tlb_ns": 1, "pt_level_ns": 100, "fault_ns": 1000, "swap_read_ns": 8000000, "swap_write_ns": 8000000, "switch_ns": 5000},
1>   "processes": [
1>     {"pid": 1, "name": "P1", "references": 4, "page_faults": 2, "minor_faults": 2, "major_faults": 0, "resident_pages": 1, "swapped_pages": 1, "evicted": 1, "writebacks": 1, "page_table_nodes": 4, "state": "running", "ppid": 0, "zero_fills": 2, "cow_copies": 0, "rss_anon_pages": 1, "rss_file_pages": 0, "rss_shmem_pages": 0, "shared_pages": 0, "private_pages": 1, "pss_bytes": 4096, "swap_pages": 1, "run_ns": 0, "ready_ns": 0, "blocked_ns": 0, "suspended_ns": 0, "priority": 1, "allocation": 0, "owned_frames": 0, "ws_size": 0, "ws_peak": 0, "suspensions": 0, "image_bytes": 0, "image_resident": 0, "base": 0, "limit": 0, "image_swap_outs": 0, "waiting": false}
1>   ]
1> }
