# Before paging: relocation and segmentation from the command line
# (docs/model.md, "Before paging").

# one workload under relocation: partitions, holes, whole processes swapped
$ vmm run --mmu relocation --reserve 16K ../../examples/schemes.vmw
? 0
1> ../../examples/schemes.vmw:19: P1 spawned (editor): text 0x0 13K r-x, data 0x3400 5K rw-, heap 0x4800 18K rw-, stack 0xd000 3K rw-; partition: base 0x0, limit 56320
1> ../../examples/schemes.vmw:20: P2 spawned (shell): text 0x0 6K r-x, data 0x1800 2K rw-, heap 0x2000 9K rw-, stack 0x8400 2K rw-; partition: base 0xdc00, limit 35840
1> ../../examples/schemes.vmw:21: P3 spawned (compiler): text 0x0 29K r-x, data 0x7400 11K rw-, heap 0xa000 41K rw-, stack 0x18400 5K rw-; partition: base 0x0, limit 104448
1> ../../examples/schemes.vmw:25: P2 exited: freed 35840 bytes of memory (2 holes now, the largest 35840)
1> ../../examples/schemes.vmw:26: P4 spawned (compiler): text 0x0 29K r-x, data 0x7400 11K rw-, heap 0xa000 41K rw-, stack 0x18400 5K rw-; partition: base 0x0, limit 104448
1> ../../examples/schemes.vmw:28: P5 spawned (shell): text 0x0 6K r-x, data 0x1800 2K rw-, heap 0x2000 9K rw-, stack 0x8400 2K rw-; partition: base 0x19800, limit 35840
1> ../../examples/schemes.vmw:30: P1 exited: freed 0 bytes of memory (1 hole now, the largest 23552)
1> ../../examples/schemes.vmw:31: P6 spawned (compiler): text 0x0 29K r-x, data 0x7400 11K rw-, heap 0xa000 41K rw-, stack 0x18400 5K rw-; partition: base 0x0, limit 104448
1> ../../examples/schemes.vmw:33: P7 spawned (editor): text 0x0 13K r-x, data 0x3400 5K rw-, heap 0x4800 18K rw-, stack 0xd000 3K rw-; partition: base 0x19800, limit 56320
1> 
1> vmm: ../../examples/schemes.vmw (workload)
1>   relocation (base and limit registers), first fit, execution-time binding, swapping; memory 163840 bytes
1> 
1> references                140
1> memory now                  2   partitions in 1 hole: 3072 bytes free, the largest hole 3072
1> external frag.           0.0%   now (1 - largest hole / free); mean 0.1%, peak 44.0%
1> internal frag.          32768   bytes inside partitions not asked for
1> swapping                   22   partitions out whole, 18 back in; 3127296 bytes moved, disk time 398.182 ms
1> traps                       0   references past a limit (terminated)
1> register loads             22   base and limit loaded when another process ran
1> time               398.196 ms   simulated; EAT 2844260.0 ns per reference
1> 
1> physical memory: address, bytes, what
1>   0x00000000     104448  P6
1>   0x00019800      56320  P7
1>   0x00027400       3072  (hole)
1> 
1> processes; sizes in bytes
1> pid  ppid  name      references     limit  in memory        base  swapped  state
1>   1     -  editor             5         0          0           -        2  exited
1>   2     -  shell              3         0          0           -        1  exited
1>   3     -  compiler          44    104448          0           -        5  running
1>   4     -  compiler          12    104448          0           -        4  running
1>   5     -  shell             12     35840          0           -        4  running
1>   6     -  compiler          44    104448     104448  0x00000000        3  running
1>   7     -  editor            20     56320      56320  0x00019800        3  running

# the same under segmentation: a segment per region, shared text
$ vmm run --mmu segmentation ../../examples/schemes.vmw
? 0
1> ../../examples/schemes.vmw:19: P1 spawned (editor): text 0x400000 13K r-x, data 0x404000 5K rw-, heap 0x406000 18K rw-, stack 0x7fffffffe000 3K rw-; 39936 of 39936 bytes of segments in memory
1> ../../examples/schemes.vmw:20: P2 spawned (shell): text 0x400000 6K r-x, data 0x402000 2K rw-, heap 0x403000 9K rw-, stack 0x7fffffffe000 2K rw-; 19456 of 19456 bytes of segments in memory
1> ../../examples/schemes.vmw:21: P3 spawned (compiler): text 0x400000 29K r-x, data 0x408000 11K rw-, heap 0x40b000 41K rw-, stack 0x7fffffffd000 5K rw-; 88064 of 88064 bytes of segments in memory
1> ../../examples/schemes.vmw:25: P2 exited: freed 19456 bytes of memory (2 holes now, the largest 19456)
1> ../../examples/schemes.vmw:26: P4 spawned (compiler): text 0x400000 29K r-x, data 0x408000 11K rw-, heap 0x40b000 41K rw-, stack 0x7fffffffd000 5K rw-; 88064 of 88064 bytes of segments in memory
1> ../../examples/schemes.vmw:28: P5 spawned (shell): text 0x400000 6K r-x, data 0x402000 2K rw-, heap 0x403000 9K rw-, stack 0x7fffffffe000 2K rw-; 19456 of 19456 bytes of segments in memory
1> ../../examples/schemes.vmw:30: P1 exited: freed 0 bytes of memory (3 holes now, the largest 32768)
1> ../../examples/schemes.vmw:31: P6 spawned (compiler): text 0x400000 29K r-x, data 0x408000 11K rw-, heap 0x40b000 41K rw-, stack 0x7fffffffd000 5K rw-; 88064 of 88064 bytes of segments in memory
1> ../../examples/schemes.vmw:33: P7 spawned (editor): text 0x400000 13K r-x, data 0x404000 5K rw-, heap 0x406000 18K rw-, stack 0x7fffffffe000 3K rw-; 39936 of 39936 bytes of segments in memory
1> 
1> vmm: ../../examples/schemes.vmw (workload)
1>   segmentation (a segment table per process), first fit, execution-time binding, swapping; memory 163840 bytes
1> 
1> references                140
1> memory now                  8   segments in 2 holes: 19456 bytes free, the largest hole 14336
1> external frag.          26.3%   now (1 - largest hole / free); mean 25.4%, peak 68.1%
1> internal frag.              0   bytes inside segments not asked for
1> swapping                   17   segments out whole, 3 back in; 235520 bytes moved, disk time 183.603 ms
1> traps                       0   references past a limit, in no segment or not allowed (terminated)
1> register loads             22   segment-table registers loaded when another process ran
1> time               183.617 ms   simulated; EAT 1311551.4 ns per reference
1> 
1> physical memory: address, bytes, what
1>   0x00000000      18432  P7 heap
1>   0x00004800       3072  P7 stack
1>   0x00005400      41984  P3 heap
1>   0x0000f800      11264  P4 data
1>   0x00012400       9216  P5 heap
1>   0x00014800       5120  (hole)
1>   0x00015c00      41984  P6 heap
1>   0x00020000      13312  editor
1>   0x00023400       5120  P7 data
1>   0x00024800      14336  (hole)
1> 
1> processes; sizes in bytes
1> pid  ppid  name      references  segments  in memory  swapped  state
1>   1     -  editor             5         0          0        3  exited
1>   2     -  shell              3         0          0        0  exited
1>   3     -  compiler          44     88064      41984        3  running
1>   4     -  compiler          12     88064      11264        3  running
1>   5     -  shell             12     19456       9216        3  running
1>   6     -  compiler          44     88064      41984        2  running
1>   7     -  editor            20     39936      39936        0  running

# and under paging, for the comparison in docs/model.md
$ vmm run ../../examples/schemes.vmw
? 0
1> ../../examples/schemes.vmw:19: P1 spawned (editor): text 0x400000 16K r-x, data 0x404000 8K rw-, heap 0x406000 20K rw-, stack 0x7fffffffe000 4K rw-
1> ../../examples/schemes.vmw:20: P2 spawned (shell): text 0x400000 8K r-x, data 0x402000 4K rw-, heap 0x403000 12K rw-, stack 0x7fffffffe000 4K rw-
1> ../../examples/schemes.vmw:21: P3 spawned (compiler): text 0x400000 32K r-x, data 0x408000 12K rw-, heap 0x40b000 44K rw-, stack 0x7fffffffd000 8K rw-
1> ../../examples/schemes.vmw:25: P2 exited: freed 3 frames and 0 swap slots
1> ../../examples/schemes.vmw:26: P4 spawned (compiler): text 0x400000 32K r-x, data 0x408000 12K rw-, heap 0x40b000 44K rw-, stack 0x7fffffffd000 8K rw-
1> ../../examples/schemes.vmw:28: P5 spawned (shell): text 0x400000 8K r-x, data 0x402000 4K rw-, heap 0x403000 12K rw-, stack 0x7fffffffe000 4K rw-
1> ../../examples/schemes.vmw:30: P1 exited: freed 5 frames and 0 swap slots
1> ../../examples/schemes.vmw:31: P6 spawned (compiler): text 0x400000 32K r-x, data 0x408000 12K rw-, heap 0x40b000 44K rw-, stack 0x7fffffffd000 8K rw-
1> ../../examples/schemes.vmw:33: P7 spawned (editor): text 0x400000 16K r-x, data 0x404000 8K rw-, heap 0x406000 20K rw-, stack 0x7fffffffe000 4K rw-
1> 
1> vmm: ../../examples/schemes.vmw (workload)
1>   lru, 40 frames of 4 KiB, 48-bit addresses (4-level page table), TLB 64 entries 4-way
1> 
1> references                140
1> page faults                41   minor 41, major 0; fault rate 29.29%
1> hits                       99
1> evictions                   0   dirty, written back 0; clean, write-backs the dirty bit saved 0
1> swap reads                  0   swap slots in use 0 at the end, 0 at most
1> TLB hits                   99   misses 41; hit ratio 70.71%
1> internal frag.          12288   bytes: unused tails of resident last pages
1> access time (EAT)       628.4 ns per reference; simulated time 87.981 us
1>                   = (1 - p) x ma + p x service: p = 0.2929, ma = 218.1 ns, service = 1.619 us
1>                ma = h x (TLB + mem) + (1 - h) x (TLB + walk + mem): h = 0.7071, = 218.1 ns
1> 
1> processes; memory in KiB (pages of 4 KiB): RSS = anon + file = shared + USS
1> pid  name      references  minor  major  zero-fill  CoW  RSS  anon  file  shared   PSS  USS  swap  state
1>   1  editor             5      5      0          5    0    0     0     0       0   0.0    0     0  exited
1>   2  shell              3      3      0          3    0    0     0     0       0   0.0    0     0  exited
1>   3  compiler          44     11      0         11    0   44    44     0       0  44.0   44     0  running
1>   4  compiler          12      3      0          3    0   12    12     0       0  12.0   12     0  running
1>   5  shell             12      3      0          3    0   12    12     0       0  12.0   12     0  running
1>   6  compiler          44     11      0         11    0   44    44     0       0  44.0   44     0  running
1>   7  editor            20      5      0          5    0   20    20     0       0  20.0   20     0  running

# a trace under relocation: one partition from 0 past the highest byte
$ vmm replay --mmu relocation --frames 8 --refs 7,0,1,2,0,3,0,4,2,3,0,3,2,1,2,0,1,7,0,1 --json
? 0
1> {
1>   "input": "--refs 7,0,1,2,0,3,0,4,2,3,0,3,2,1,2,0,1,7,0,1",
1>   "format": "pages",
1>   "policy": "lru",
1>   "policy_params": "",
1>   "frames": 8,
1>   "page_size": 4096,
1>   "va_bits": 48,
1>   "levels": 4,
1>   "tlb_entries": 0,
1>   "tlb_ways": 0,
1>   "data": true,
1>   "seed": 1,
1>   "flush_interval": 0,
1>   "fail_read": 0,
1>   "fail_write": 0,
1>   "references": 20,
1>   "page_faults": 0,
1>   "minor_faults": 0,
1>   "major_faults": 0,
1>   "hits": 0,
1>   "fault_rate": 0.000000,
1>   "evictions": 0,
1>   "writebacks": 0,
1>   "writebacks_saved": 0,
1>   "swap_reads": 0,
1>   "zero_fills": 0,
1>   "swap_slots_used": 0,
1>   "swap_slots_peak": 0,
1>   "tlb_hits": 0,
1>   "tlb_misses": 0,
1>   "walks": 0,
1>   "segfaults": 0,
1>   "frames_used": 0,
1>   "time_ns": 2000,
1>   "eat_ns": 100.000,
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
1>   "io_writes": 0,
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
1>   "elapsed_ns": 2000,
1>   "cpu_ns": 2000,
1>   "switch_ns": 0,
1>   "idle_ns": 0,
1>   "disk_ns": 0,
1>   "cpu_util": 1.000000,
1>   "disk_util": 0.000000,
1>   "throughput": 10000000.000,
1>   "context_switches": 0,
1>   "suspensions": 0,
1>   "resumptions": 0,
1>   "mmu": "relocation",
1>   "binding": "execution",
1>   "fit": "first",
1>   "compaction": false,
1>   "swapping": true,
1>   "images": 1,
1>   "holes": 1,
1>   "largest_hole": 4095,
1>   "free_bytes": 4095,
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
1>   "reg_loads": 1,
1>   "cost": {"mem_ns": 100, "tlb_ns": 1, "pt_level_ns": 100, "fault_ns": 1000, "swap_read_ns": 8000000, "swap_write_ns": 8000000, "switch_ns": 5000},
1>   "processes": [
1>     {"pid": 1, "name": "P1", "references": 20, "page_faults": 0, "minor_faults": 0, "major_faults": 0, "resident_pages": 0, "swapped_pages": 0, "evicted": 0, "writebacks": 0, "page_table_nodes": 0, "state": "running", "ppid": 0, "zero_fills": 0, "cow_copies": 0, "rss_anon_pages": 0, "rss_file_pages": 0, "rss_shmem_pages": 0, "shared_pages": 0, "private_pages": 0, "pss_bytes": 0, "swap_pages": 0, "run_ns": 0, "ready_ns": 0, "blocked_ns": 0, "suspended_ns": 0, "priority": 1, "allocation": 0, "owned_frames": 0, "ws_size": 0, "ws_peak": 0, "suspensions": 0, "image_bytes": 28673, "image_resident": 28673, "base": 0, "limit": 28673, "image_swap_outs": 0, "waiting": false}
1>   ]
1> }

# no swapping: a process that fits in no hole waits (its statement is skipped)
$ vmm run --mmu relocation --no-swapping --fit best --frames 40 --reserve 0 ../../examples/schemes.vmw
? 0
1> ../../examples/schemes.vmw:19: P1 spawned (editor): text 0x0 13K r-x, data 0x3400 5K rw-, heap 0x4800 18K rw-, stack 0x9000 3K rw-; partition: base 0x0, limit 39936
1> ../../examples/schemes.vmw:20: P2 spawned (shell): text 0x0 6K r-x, data 0x1800 2K rw-, heap 0x2000 9K rw-, stack 0x4400 2K rw-; partition: base 0x9c00, limit 19456
1> ../../examples/schemes.vmw:21: P3 spawned (compiler): text 0x0 29K r-x, data 0x7400 11K rw-, heap 0xa000 41K rw-, stack 0x14400 5K rw-; partition: base 0xe800, limit 88064
1> ../../examples/schemes.vmw:25: P2 exited: freed 19456 bytes of memory (2 holes now, the largest 19456)
1> ../../examples/schemes.vmw:26: P4 spawned (compiler): text 0x0 29K r-x, data 0x7400 11K rw-, heap 0xa000 41K rw-, stack 0x14400 5K rw-; waits for memory: 88064 bytes fit in no hole
1> ../../examples/schemes.vmw:27: P4 waits for memory: no hole fits (largest 19456 of 35840 bytes free); statement skipped
1> ../../examples/schemes.vmw:28: P5 spawned (shell): text 0x0 6K r-x, data 0x1800 2K rw-, heap 0x2000 9K rw-, stack 0x4400 2K rw-; partition: base 0x9c00, limit 19456
1> ../../examples/schemes.vmw:30: P1 exited: freed 39936 bytes of memory (2 holes now, the largest 39936)
1> ../../examples/schemes.vmw:31: P6 spawned (compiler): text 0x0 29K r-x, data 0x7400 11K rw-, heap 0xa000 41K rw-, stack 0x14400 5K rw-; waits for memory: 88064 bytes fit in no hole
1> ../../examples/schemes.vmw:32: P6 waits for memory: no hole fits (largest 39936 of 56320 bytes free); statement skipped
1> ../../examples/schemes.vmw:33: P7 spawned (editor): text 0x0 13K r-x, data 0x3400 5K rw-, heap 0x4800 18K rw-, stack 0x9000 3K rw-; partition: base 0x0, limit 39936
1> ../../examples/schemes.vmw:37: P4 waits for memory: no hole fits (largest 16384 of 16384 bytes free); statement skipped
1> ../../examples/schemes.vmw:39: P6 waits for memory: no hole fits (largest 16384 of 16384 bytes free); statement skipped
1> ../../examples/schemes.vmw:37: P4 waits for memory: no hole fits (largest 16384 of 16384 bytes free); statement skipped
1> ../../examples/schemes.vmw:39: P6 waits for memory: no hole fits (largest 16384 of 16384 bytes free); statement skipped
1> ../../examples/schemes.vmw:37: P4 waits for memory: no hole fits (largest 16384 of 16384 bytes free); statement skipped
1> ../../examples/schemes.vmw:39: P6 waits for memory: no hole fits (largest 16384 of 16384 bytes free); statement skipped
1> 
1> vmm: ../../examples/schemes.vmw (workload)
1>   relocation (base and limit registers), best fit, execution-time binding, no swapping (a process waits); memory 163840 bytes
1> 
1> references                 84
1> memory now                  3   partitions in 1 hole: 16384 bytes free, the largest hole 16384
1> external frag.           0.0%   now (1 - largest hole / free); mean 0.0%, peak 45.7%
1> internal frag.              0   bytes inside partitions not asked for
1> swapping                    0   partitions out whole, 0 back in; 0 bytes moved, disk time 0.0 ns
1> waits                       2   a process found no hole and waited
1> traps                       0   references past a limit (terminated)
1> register loads             22   base and limit loaded when another process ran
1> time                 8.400 us   simulated; EAT 100.0 ns per reference
1> 
1> physical memory: address, bytes, what
1>   0x00000000      39936  P7
1>   0x00009c00      19456  P5
1>   0x0000e800      88064  P3
1>   0x00024000      16384  (hole)
1> 
1> processes; sizes in bytes
1> pid  ppid  name      references     limit  in memory        base  swapped  state
1>   1     -  editor             5         0          0           -        0  exited
1>   2     -  shell              3         0          0           -        0  exited
1>   3     -  compiler          44     88064      88064  0x0000e800        0  running
1>   4     -  compiler           0     88064          0           -        0  waiting for memory
1>   5     -  shell             12     19456      19456  0x00009c00        0  running
1>   6     -  compiler           0     88064          0           -        0  waiting for memory
1>   7     -  editor            20     39936      39936  0x00000000        0  running

# options that contradict each other
$ vmm run --mmu relocation --binding load --compaction
? 1
2> vmm: compaction moves processes, which only execution-time binding allows (--binding execution)
$ vmm run --binding compile
? 1
2> vmm: paging binds addresses at execution time: --binding compile needs --mmu relocation or segmentation
$ vmm run --mmu segmentation --replacement local
? 1
2> vmm: segmentation swaps whole images; --load-control and --replacement local manage pages and need --mmu paging
$ vmm run --mmu relocation --unit 3
? 1
2> vmm: allocation unit 3 is not a power of two of at most the page size (--unit 1K)
$ vmm run --mmu paged
? 1
2> vmm: --mmu: unknown value 'paged' (expected paging, relocation or segmentation)
$ vmm replay --mmu segmentation --sched rr --refs 1,2,3
? 2
2> vmm: --mmu segmentation replays a trace read whole, in its order; use --sched none

# every reference explained: base + logical, or segment base + offset, and the traps
$ vmm run --mmu relocation --reserve 1K --explain inputs/before-paging.vmw
? 0
1> P1 spawned (small)
1> P1 (8668 bytes) placed at 0x0
1> inputs/before-paging.vmw:5: P1 spawned (small): text 0x0 3K r-x, data 0xc00 1500 rw-, heap 0x11dc 2K rw-, stack 0x1ddc 1K rw-; partition: base 0x0, limit 8668
1> P2 spawned (small)
1> P1 (8668 bytes) swapped out from 0x0
1> P2 (8668 bytes) placed at 0x0
1> inputs/before-paging.vmw:6: P2 spawned (small): text 0x0 3K r-x, data 0xc00 1500 rw-, heap 0x11dc 2K rw-, stack 0x1ddc 1K rw-; partition: base 0x0, limit 8668
1> #1 P1 W 0xc00: P2 (8668 bytes) swapped out from 0x0; P1 (8668 bytes) swapped in at 0x0; legal (below limit 8668, base 0x0 + 3072 = physical 0xc00); hit
1> #3 P2 W 0x11dc: P1 (8668 bytes) swapped out from 0x0; P2 (8668 bytes) swapped in at 0x0; legal (below limit 8668, base 0x0 + 4572 = physical 0x11dc); hit
1> #6 P1 R 0xc00: P2 (8668 bytes) swapped out from 0x0; P1 (8668 bytes) swapped in at 0x0; legal (below limit 8668, base 0x0 + 3072 = physical 0xc00); hit
1> #8 P2 W 0x0: P1 (8668 bytes) swapped out from 0x0; P2 (8668 bytes) swapped in at 0x0; legal (below limit 8668, base 0x0 + 0 = physical 0x0); hit
1> #9 P1 R 0x11dc: P2 (8668 bytes) swapped out from 0x0; P1 (8668 bytes) swapped in at 0x0; legal (below limit 8668, base 0x0 + 4572 = physical 0x11dc); hit
1> 
1> vmm: inputs/before-paging.vmw (workload)
1>   relocation (base and limit registers), first fit, execution-time binding, swapping; memory 16384 bytes
1> 
1> references                  9
1> memory now                  1   partitions in 1 hole: 7716 bytes free, the largest hole 7716
1> external frag.           0.0%   now (1 - largest hole / free); mean 0.0%, peak 0.0%
1> internal frag.           1024   bytes inside partitions not asked for
1> swapping                    6   partitions out whole, 5 back in; 95348 bytes moved, disk time 90.384 ms
1> traps                       0   references past a limit (terminated)
1> register loads              5   base and limit loaded when another process ran
1> time                90.385 ms   simulated; EAT 10042733.3 ns per reference
1> 
1> physical memory: address, bytes, what
1>   0x00000000       8668  P1
1>   0x000021dc       7716  (hole)
1> 
1> processes; sizes in bytes
1> pid  ppid  name      references     limit  in memory        base  swapped  state
1>   1     -  small              5      8668       8668  0x00000000        3  running
1>   2     -  small              4      8668          0           -        3  running
$ vmm run --mmu segmentation --fit best --explain inputs/before-paging.vmw
? 0
1> P1 spawned (small)
1> small (3072 bytes) placed at 0x0
1> P1 data (1500 bytes) placed at 0xc00
1> P1 heap (2048 bytes) placed at 0x11dc
1> P1 stack (1024 bytes) placed at 0x19dc
1> inputs/before-paging.vmw:5: P1 spawned (small): text 0x400000 3K r-x, data 0x400c00 1500 rw-, heap 0x401400 2K rw-, stack 0x7fffffffec00 1K rw-; 7644 of 7644 bytes of segments in memory
1> P2 spawned (small)
1> P2 data (1500 bytes) placed at 0x1ddc
1> P2 heap (2048 bytes) placed at 0x23b8
1> P2 stack (1024 bytes) placed at 0x2bb8
1> inputs/before-paging.vmw:6: P2 spawned (small): text 0x400000 3K r-x, data 0x400c00 1500 rw-, heap 0x401400 2K rw-, stack 0x7fffffffec00 1K rw-; 7644 of 7644 bytes of segments in memory
1> #1 P1 W 0x400c00: legal (segment 1 (data) offset 0 < limit 1500, base 0xc00 + 0 = physical 0xc00); hit
1> #3 P2 W 0x401400: legal (segment 2 (heap) offset 0 < limit 2048, base 0x23b8 + 0 = physical 0x23b8); hit
1> #5 P1 R 0x400c00: legal (segment 1 (data) offset 0 < limit 1500, base 0xc00 + 0 = physical 0xc00); hit
1> inputs/before-paging.vmw:10: P2 killed: protection trap: write of segment 0 (text) at offset 0, which is r-x; its regions: text 0x400000-0x400c00 r-x, data 0x400c00-0x4011dc rw-, heap 0x401400-0x401c00 rw-, stack 0x7fffffffec00-0x7ffffffff000 rw-
1> inputs/before-paging.vmw:11: P1 killed: segment trap: 0x4011dc is segment 1 (data) offset 1500, past its limit 1500; its regions: text 0x400000-0x400c00 r-x, data 0x400c00-0x4011dc rw-, heap 0x401400-0x401c00 rw-, stack 0x7fffffffec00-0x7ffffffff000 rw-
1> 
1> vmm: inputs/before-paging.vmw (workload)
1>   segmentation (a segment table per process), best fit, execution-time binding, swapping; memory 16384 bytes
1> 
1> references                  6
1> memory now                  0   segments in 1 hole: 16384 bytes free, the largest hole 16384
1> external frag.           0.0%   now (1 - largest hole / free); mean 0.0%, peak 46.0%
1> internal frag.              0   bytes inside segments not asked for
1> swapping                    0   segments out whole, 0 back in; 0 bytes moved, disk time 8.077 ms
1> traps                       2   references past a limit, in no segment or not allowed (terminated)
1> register loads              5   segment-table registers loaded when another process ran
1> time                 8.077 ms   simulated; EAT 1346233.3 ns per reference
1> 
1> physical memory: address, bytes, what
1>   0x00000000      16384  (hole)
1> 
1> processes; sizes in bytes
1> pid  ppid  name      references  segments  in memory  swapped  state
1>   1     -  small              4         0          0        0  killed: segment trap: 0x4011dc is segment 1 (data) offset 1500, past its limit 1500
1>   2     -  small              2         0          0        0  killed: protection trap: write of segment 0 (text) at offset 0, which is r-x

# external fragmentation over time: the timeline's holes, largest_hole and ext_frag
$ vmm run --mmu segmentation --timeline - --timeline-interval 40ms ../../examples/schemes.vmw --json
? 0
1> time_ms,cpu_util,disk_util,faults_per_s,pid,state,resident,ws,faults,holes,largest_hole,ext_frag
1> 40.000,0.000,1.000,0.0,1,ready,0,0,0,3,34816,0.541
1> 40.000,0.000,1.000,0.0,2,done,0,0,0,3,34816,0.541
1> 40.000,0.000,1.000,0.0,3,ready,8,0,0,3,34816,0.541
1> 40.000,0.000,1.000,0.0,4,ready,22,0,0,3,34816,0.541
1> 80.000,0.000,1.000,0.0,1,ready,0,0,0,3,32768,0.418
1> 80.000,0.000,1.000,0.0,3,ready,8,0,0,3,32768,0.418
1> 80.000,0.000,1.000,0.0,4,ready,22,0,0,3,32768,0.418
1> 80.000,0.000,1.000,0.0,5,ready,5,0,0,3,32768,0.418
1> 120.000,0.000,1.000,0.0,1,done,0,0,0,4,15360,0.571
1> 120.000,0.000,1.000,0.0,3,ready,8,0,0,4,15360,0.571
1> 120.000,0.000,1.000,0.0,4,ready,8,0,0,4,15360,0.571
1> 120.000,0.000,1.000,0.0,5,ready,0,0,0,4,15360,0.571
1> 120.000,0.000,1.000,0.0,6,ready,22,0,0,4,15360,0.571
1> 120.000,0.000,1.000,0.0,7,ready,10,0,0,4,15360,0.571
1> 160.000,0.000,1.000,0.0,3,ready,11,0,0,2,25600,0.359
1> 160.000,0.000,1.000,0.0,4,ready,0,0,0,2,25600,0.359
1> 160.000,0.000,1.000,0.0,5,ready,0,0,0,2,25600,0.359
1> 160.000,0.000,1.000,0.0,6,ready,11,0,0,2,25600,0.359
1> 160.000,0.000,1.000,0.0,7,ready,10,0,0,2,25600,0.359
1> 183.617,0.001,0.999,0.0,3,ready,11,0,0,2,14336,0.263
1> 183.617,0.001,0.999,0.0,4,ready,3,0,0,2,14336,0.263
1> 183.617,0.001,0.999,0.0,5,ready,3,0,0,2,14336,0.263
1> 183.617,0.001,0.999,0.0,6,ready,11,0,0,2,14336,0.263
1> 183.617,0.001,0.999,0.0,7,ready,10,0,0,2,14336,0.263
1> {
1>   "input": "../../examples/schemes.vmw",
1>   "format": "workload",
1>   "policy": "lru",
1>   "policy_params": "",
1>   "frames": 40,
1>   "page_size": 4096,
1>   "va_bits": 48,
1>   "levels": 4,
1>   "tlb_entries": 0,
1>   "tlb_ways": 0,
1>   "data": true,
1>   "seed": 1,
1>   "flush_interval": 0,
1>   "fail_read": 0,
1>   "fail_write": 0,
1>   "references": 140,
1>   "page_faults": 0,
1>   "minor_faults": 0,
1>   "major_faults": 0,
1>   "hits": 0,
1>   "fault_rate": 0.000000,
1>   "evictions": 0,
1>   "writebacks": 0,
1>   "writebacks_saved": 0,
1>   "swap_reads": 0,
1>   "zero_fills": 0,
1>   "swap_slots_used": 0,
1>   "swap_slots_peak": 0,
1>   "tlb_hits": 0,
1>   "tlb_misses": 0,
1>   "walks": 0,
1>   "segfaults": 0,
1>   "frames_used": 0,
1>   "time_ns": 183617200,
1>   "eat_ns": 1311551.429,
1>   "cow_copies": 0,
1>   "cow_reuses": 0,
1>   "page_cache_hits": 0,
1>   "swap_cache_hits": 0,
1>   "file_reads": 0,
1>   "forks": 0,
1>   "execs": 0,
1>   "stack_growths": 0,
1>   "processes_created": 7,
1>   "file_writes": {"evict": 0, "msync": 0, "munmap": 0, "exit": 0, "periodic": 0},
1>   "page_cache_pages": 0,
1>   "page_cache_mapped": 0,
1>   "dirty_pages": 0,
1>   "bus_errors": 0,
1>   "oom_kills": 0,
1>   "io_errors": 0,
1>   "io_reads": 3,
1>   "io_writes": 14,
1>   "sched": "none",
1>   "quantum_ns": 10000000,
1>   "quantum_refs": 0,
1>   "asid": true,
1>   "replacement": "global",
1>   "allocation": "equal",
1>   "min_frames": 1,
1>   "ws_delta": 10000,
1>   "load_control": "none",
1>   "pff": [2, 20, 1000],
1>   "elapsed_ns": 183617200,
1>   "cpu_ns": 14000,
1>   "switch_ns": 0,
1>   "idle_ns": 183603200,
1>   "disk_ns": 183603200,
1>   "cpu_util": 0.000076,
1>   "disk_util": 0.999924,
1>   "throughput": 762.456,
1>   "context_switches": 0,
1>   "suspensions": 0,
1>   "resumptions": 0,
1>   "mmu": "segmentation",
1>   "binding": "execution",
1>   "fit": "first",
1>   "compaction": false,
1>   "swapping": true,
1>   "images": 8,
1>   "holes": 2,
1>   "largest_hole": 14336,
1>   "free_bytes": 19456,
1>   "ext_frag": 0.263158,
1>   "ext_frag_mean": 0.253749,
1>   "ext_frag_peak": 0.680851,
1>   "internal_frag": 0,
1>   "image_swap_outs": 17,
1>   "image_swap_ins": 3,
1>   "image_swap_bytes": 235520,
1>   "image_disk_ns": 183603200,
1>   "compactions": 0,
1>   "compact_bytes": 0,
1>   "copy_ns": 0,
1>   "limit_traps": 0,
1>   "mem_waits": 0,
1>   "reg_loads": 22,
1>   "cost": {"mem_ns": 100, "tlb_ns": 1, "pt_level_ns": 100, "fault_ns": 1000, "swap_read_ns": 8000000, "swap_write_ns": 8000000, "switch_ns": 5000},
1>   "processes": [
1>     {"pid": 1, "name": "editor", "references": 5, "page_faults": 0, "minor_faults": 0, "major_faults": 0, "resident_pages": 0, "swapped_pages": 0, "evicted": 0, "writebacks": 0, "page_table_nodes": 0, "state": "exited", "ppid": 0, "zero_fills": 0, "cow_copies": 0, "rss_anon_pages": 0, "rss_file_pages": 0, "rss_shmem_pages": 0, "shared_pages": 0, "private_pages": 0, "pss_bytes": 0, "swap_pages": 0, "run_ns": 0, "ready_ns": 0, "blocked_ns": 0, "suspended_ns": 0, "priority": 1, "allocation": 0, "owned_frames": 0, "ws_size": 0, "ws_peak": 0, "suspensions": 0, "image_bytes": 0, "image_resident": 0, "base": 0, "limit": 0, "image_swap_outs": 3, "waiting": false},
1>     {"pid": 2, "name": "shell", "references": 3, "page_faults": 0, "minor_faults": 0, "major_faults": 0, "resident_pages": 0, "swapped_pages": 0, "evicted": 0, "writebacks": 0, "page_table_nodes": 0, "state": "exited", "ppid": 0, "zero_fills": 0, "cow_copies": 0, "rss_anon_pages": 0, "rss_file_pages": 0, "rss_shmem_pages": 0, "shared_pages": 0, "private_pages": 0, "pss_bytes": 0, "swap_pages": 0, "run_ns": 0, "ready_ns": 0, "blocked_ns": 0, "suspended_ns": 0, "priority": 1, "allocation": 0, "owned_frames": 0, "ws_size": 0, "ws_peak": 0, "suspensions": 0, "image_bytes": 0, "image_resident": 0, "base": 0, "limit": 0, "image_swap_outs": 0, "waiting": false},
1>     {"pid": 3, "name": "compiler", "references": 44, "page_faults": 0, "minor_faults": 0, "major_faults": 0, "resident_pages": 0, "swapped_pages": 0, "evicted": 0, "writebacks": 0, "page_table_nodes": 0, "state": "running", "ppid": 0, "zero_fills": 0, "cow_copies": 0, "rss_anon_pages": 0, "rss_file_pages": 0, "rss_shmem_pages": 0, "shared_pages": 0, "private_pages": 0, "pss_bytes": 0, "swap_pages": 0, "run_ns": 0, "ready_ns": 0, "blocked_ns": 0, "suspended_ns": 0, "priority": 1, "allocation": 0, "owned_frames": 0, "ws_size": 0, "ws_peak": 0, "suspensions": 0, "image_bytes": 88064, "image_resident": 41984, "base": 0, "limit": 0, "image_swap_outs": 3, "waiting": false},
1>     {"pid": 4, "name": "compiler", "references": 12, "page_faults": 0, "minor_faults": 0, "major_faults": 0, "resident_pages": 0, "swapped_pages": 0, "evicted": 0, "writebacks": 0, "page_table_nodes": 0, "state": "running", "ppid": 0, "zero_fills": 0, "cow_copies": 0, "rss_anon_pages": 0, "rss_file_pages": 0, "rss_shmem_pages": 0, "shared_pages": 0, "private_pages": 0, "pss_bytes": 0, "swap_pages": 0, "run_ns": 0, "ready_ns": 0, "blocked_ns": 0, "suspended_ns": 0, "priority": 1, "allocation": 0, "owned_frames": 0, "ws_size": 0, "ws_peak": 0, "suspensions": 0, "image_bytes": 88064, "image_resident": 11264, "base": 0, "limit": 0, "image_swap_outs": 3, "waiting": false},
1>     {"pid": 5, "name": "shell", "references": 12, "page_faults": 0, "minor_faults": 0, "major_faults": 0, "resident_pages": 0, "swapped_pages": 0, "evicted": 0, "writebacks": 0, "page_table_nodes": 0, "state": "running", "ppid": 0, "zero_fills": 0, "cow_copies": 0, "rss_anon_pages": 0, "rss_file_pages": 0, "rss_shmem_pages": 0, "shared_pages": 0, "private_pages": 0, "pss_bytes": 0, "swap_pages": 0, "run_ns": 0, "ready_ns": 0, "blocked_ns": 0, "suspended_ns": 0, "priority": 1, "allocation": 0, "owned_frames": 0, "ws_size": 0, "ws_peak": 0, "suspensions": 0, "image_bytes": 19456, "image_resident": 9216, "base": 0, "limit": 0, "image_swap_outs": 3, "waiting": false},
1>     {"pid": 6, "name": "compiler", "references": 44, "page_faults": 0, "minor_faults": 0, "major_faults": 0, "resident_pages": 0, "swapped_pages": 0, "evicted": 0, "writebacks": 0, "page_table_nodes": 0, "state": "running", "ppid": 0, "zero_fills": 0, "cow_copies": 0, "rss_anon_pages": 0, "rss_file_pages": 0, "rss_shmem_pages": 0, "shared_pages": 0, "private_pages": 0, "pss_bytes": 0, "swap_pages": 0, "run_ns": 0, "ready_ns": 0, "blocked_ns": 0, "suspended_ns": 0, "priority": 1, "allocation": 0, "owned_frames": 0, "ws_size": 0, "ws_peak": 0, "suspensions": 0, "image_bytes": 88064, "image_resident": 41984, "base": 0, "limit": 0, "image_swap_outs": 2, "waiting": false},
1>     {"pid": 7, "name": "editor", "references": 20, "page_faults": 0, "minor_faults": 0, "major_faults": 0, "resident_pages": 0, "swapped_pages": 0, "evicted": 0, "writebacks": 0, "page_table_nodes": 0, "state": "running", "ppid": 0, "zero_fills": 0, "cow_copies": 0, "rss_anon_pages": 0, "rss_file_pages": 0, "rss_shmem_pages": 0, "shared_pages": 0, "private_pages": 0, "pss_bytes": 0, "swap_pages": 0, "run_ns": 0, "ready_ns": 0, "blocked_ns": 0, "suspended_ns": 0, "priority": 1, "allocation": 0, "owned_frames": 0, "ws_size": 0, "ws_peak": 0, "suspensions": 0, "image_bytes": 39936, "image_resident": 39936, "base": 0, "limit": 0, "image_swap_outs": 0, "waiting": false}
1>   ]
1> }
2> ../../examples/schemes.vmw:19: P1 spawned (editor): text 0x400000 13K r-x, data 0x404000 5K rw-, heap 0x406000 18K rw-, stack 0x7fffffffe000 3K rw-; 39936 of 39936 bytes of segments in memory
2> ../../examples/schemes.vmw:20: P2 spawned (shell): text 0x400000 6K r-x, data 0x402000 2K rw-, heap 0x403000 9K rw-, stack 0x7fffffffe000 2K rw-; 19456 of 19456 bytes of segments in memory
2> ../../examples/schemes.vmw:21: P3 spawned (compiler): text 0x400000 29K r-x, data 0x408000 11K rw-, heap 0x40b000 41K rw-, stack 0x7fffffffd000 5K rw-; 88064 of 88064 bytes of segments in memory
2> ../../examples/schemes.vmw:25: P2 exited: freed 19456 bytes of memory (2 holes now, the largest 19456)
2> ../../examples/schemes.vmw:26: P4 spawned (compiler): text 0x400000 29K r-x, data 0x408000 11K rw-, heap 0x40b000 41K rw-, stack 0x7fffffffd000 5K rw-; 88064 of 88064 bytes of segments in memory
2> ../../examples/schemes.vmw:28: P5 spawned (shell): text 0x400000 6K r-x, data 0x402000 2K rw-, heap 0x403000 9K rw-, stack 0x7fffffffe000 2K rw-; 19456 of 19456 bytes of segments in memory
2> ../../examples/schemes.vmw:30: P1 exited: freed 0 bytes of memory (3 holes now, the largest 32768)
2> ../../examples/schemes.vmw:31: P6 spawned (compiler): text 0x400000 29K r-x, data 0x408000 11K rw-, heap 0x40b000 41K rw-, stack 0x7fffffffd000 5K rw-; 88064 of 88064 bytes of segments in memory
2> ../../examples/schemes.vmw:33: P7 spawned (editor): text 0x400000 13K r-x, data 0x404000 5K rw-, heap 0x406000 18K rw-, stack 0x7fffffffe000 3K rw-; 39936 of 39936 bytes of segments in memory

# compile-time binding: a and b are built for address 0, so only one is resident
$ vmm run --reserve 0 --explain inputs/compile-binding.vmw
? 0
1> P1 spawned (a)
1> P1 (10240 bytes) placed at 0x0
1> inputs/compile-binding.vmw:9: P1 spawned (a): data 0x0 10K rw-; partition: base 0x0, limit 10240
1> P2 spawned (b)
1> P1 (10240 bytes) swapped out from 0x0
1> P2 (10240 bytes) placed at 0x0
1> inputs/compile-binding.vmw:10: P2 spawned (b): data 0x0 10K rw-; partition: base 0x0, limit 10240
1> P3 spawned (c)
1> P3 (10240 bytes) placed at 0x5000
1> inputs/compile-binding.vmw:11: P3 spawned (c): data 0x0 10K rw-; partition: base 0x5000, limit 10240
1> #1 P1 W 0x0: P2 (10240 bytes) swapped out from 0x0; P1 (10240 bytes) swapped in at 0x0; legal (below limit 10240, base 0x0 + 0 = physical 0x0); hit
1> #2 P3 W 0x0: legal (below limit 10240, base 0x5000 + 0 = physical 0x5000); hit
1> #3 P1 R 0x0: legal (below limit 10240, base 0x0 + 0 = physical 0x0); hit
1> 
1> vmm: inputs/compile-binding.vmw (workload)
1>   relocation (base and limit registers), first fit, compile-time binding, swapping; memory 65536 bytes
1> 
1> references                  3
1> memory now                  2   partitions in 2 holes: 45056 bytes free, the largest hole 34816
1> external frag.          22.7%   now (1 - largest hole / free); mean 22.7%, peak 37.0%
1> internal frag.              0   bytes inside partitions not asked for
1> swapping                    2   partitions out whole, 1 back in; 30720 bytes moved, disk time 24.768 ms
1> traps                       0   references past a limit (terminated)
1> register loads              3   base and limit loaded when another process ran
1> time                24.768 ms   simulated; EAT 8256100.0 ns per reference
1> 
1> physical memory: address, bytes, what
1>   0x00000000      10240  P1
1>   0x00002800      10240  (hole)
1>   0x00005000      10240  P3
1>   0x00007800      34816  (hole)
1> 
1> processes; sizes in bytes
1> pid  ppid  name      references     limit  in memory        base  swapped  state
1>   1     -  a                  2     10240      10240  0x00000000        1  running
1>   2     -  b                  0     10240          0           -        1  running
1>   3     -  c                  1     10240      10240  0x00005000        0  running
$ vmm run --reserve 0 --no-swapping inputs/compile-binding.vmw
? 0
1> inputs/compile-binding.vmw:9: P1 spawned (a): data 0x0 10K rw-; partition: base 0x0, limit 10240
1> inputs/compile-binding.vmw:10: P2 spawned (b): data 0x0 10K rw-; waits for memory: 10240 bytes fit in no hole
1> inputs/compile-binding.vmw:11: P3 spawned (c): data 0x0 10K rw-; partition: base 0x5000, limit 10240
1> 
1> vmm: inputs/compile-binding.vmw (workload)
1>   relocation (base and limit registers), first fit, compile-time binding, no swapping (a process waits); memory 65536 bytes
1> 
1> references                  3
1> memory now                  2   partitions in 2 holes: 45056 bytes free, the largest hole 34816
1> external frag.          22.7%   now (1 - largest hole / free); mean 22.7%, peak 22.7%
1> internal frag.              0   bytes inside partitions not asked for
1> swapping                    0   partitions out whole, 0 back in; 0 bytes moved, disk time 0.0 ns
1> waits                       1   a process found no hole and waited
1> traps                       0   references past a limit (terminated)
1> register loads              3   base and limit loaded when another process ran
1> time                 300.0 ns   simulated; EAT 100.0 ns per reference
1> 
1> physical memory: address, bytes, what
1>   0x00000000      10240  P1
1>   0x00002800      10240  (hole)
1>   0x00005000      10240  P3
1>   0x00007800      34816  (hole)
1> 
1> processes; sizes in bytes
1> pid  ppid  name      references     limit  in memory        base  swapped  state
1>   1     -  a                  2     10240      10240  0x00000000        0  running
1>   2     -  b                  0     10240          0           -        0  waiting for memory
1>   3     -  c                  1     10240      10240  0x00005000        0  running
