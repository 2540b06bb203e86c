# The scheduler, load control and the thrashing experiment from the command line.

# two trace files as two processes under round robin, a quantum of 3 references
$ vmm replay --sched rr --quantum 3refs --frames 3 --tlb 0 inputs/silberschatz.pages inputs/small.addr --explain
? 0
1> P1 spawned (P1)
1> P2 spawned (P2)
1> #1 P1 R 0x7000: walk: PTE invalid; page fault; legal (all); free frame 0; zero-fill frame 0; PTE valid; restart: hit
1> #2 P1 R 0x0: walk: PTE invalid; page fault; legal (all); free frame 1; zero-fill frame 1; PTE valid; restart: hit
1> #3 P1 R 0x1000: walk: PTE invalid; page fault; legal (all); free frame 2; zero-fill frame 2; PTE valid; restart: hit
1> #4 P2 R 0x41f7a0: walk: PTE invalid; page fault; legal (all); no free frame; victim frame 0 = P1 page 0x7 (clean): dropped without a write; zero-fill frame 0; PTE valid; restart: hit
1> #5 P2 W 0x41f7a4: walk: PTE valid (frame 0); hit
1> #6 P2 R 0x41f7a8: walk: PTE valid (frame 0); hit
1> #7 P1 R 0x2000: walk: PTE invalid; page fault; legal (all); no free frame; victim frame 1 = P1 page 0x0 (clean): dropped without a write; zero-fill frame 1; PTE valid; restart: hit
1> #8 P1 R 0x0: walk: PTE invalid; page fault; legal (all); no free frame; victim frame 2 = P1 page 0x1 (clean): dropped without a write; zero-fill frame 2; PTE valid; restart: hit
1> #9 P1 R 0x3000: walk: PTE invalid; page fault; legal (all); no free frame; victim frame 0 = P2 page 0x41f (dirty): write to swap slot 0; zero-fill frame 0; PTE valid; restart: hit
1> #10 P2 W 0x420000: walk: PTE invalid; page fault; legal (all); no free frame; victim frame 1 = P1 page 0x2 (clean): dropped without a write; zero-fill frame 1; PTE valid; restart: hit
1> P2 exits: its frames and swap slots are freed
1> #11 P1 R 0x0: walk: PTE valid (frame 2); hit
1> #12 P1 R 0x4000: walk: PTE invalid; page fault; legal (all); free frame 1; zero-fill frame 1; PTE valid; restart: hit
1> #13 P1 R 0x2000: walk: PTE invalid; page fault; legal (all); no free frame; victim frame 0 = P1 page 0x3 (clean): dropped without a write; zero-fill frame 0; PTE valid; restart: hit
1> #14 P1 R 0x3000: walk: PTE invalid; page fault; legal (all); no free frame; victim frame 2 = P1 page 0x0 (clean): dropped without a write; zero-fill frame 2; PTE valid; restart: hit
1> #15 P1 R 0x0: walk: PTE invalid; page fault; legal (all); no free frame; victim frame 1 = P1 page 0x4 (clean): dropped without a write; zero-fill frame 1; PTE valid; restart: hit
1> #16 P1 R 0x3000: walk: PTE valid (frame 2); hit
1> #17 P1 R 0x2000: walk: PTE valid (frame 0); hit
1> #18 P1 R 0x1000: walk: PTE invalid; page fault; legal (all); no free frame; victim frame 1 = P1 page 0x0 (clean): dropped without a write; zero-fill frame 1; PTE valid; restart: hit
1> #19 P1 R 0x2000: walk: PTE valid (frame 0); hit
1> #20 P1 R 0x0: walk: PTE invalid; page fault; legal (all); no free frame; victim frame 2 = P1 page 0x3 (clean): dropped without a write; zero-fill frame 2; PTE valid; restart: hit
1> #21 P1 R 0x1000: walk: PTE valid (frame 1); hit
1> #22 P1 R 0x7000: walk: PTE invalid; page fault; legal (all); no free frame; victim frame 0 = P1 page 0x2 (clean): dropped without a write; zero-fill frame 0; PTE valid; restart: hit
1> #23 P1 R 0x0: walk: PTE valid (frame 2); hit
1> #24 P1 R 0x1000: walk: PTE valid (frame 1); hit
1> P1 exits: its frames and swap slots are freed
1> vmm: inputs/silberschatz.pages inputs/small.addr (pages)
1>   lru, 3 frames of 4 KiB, 48-bit addresses (4-level page table), no TLB
1> 
1> references                 24
1> page faults                15   minor 15, major 0; fault rate 62.50%
1> hits                        9
1> evictions                  11   dirty, written back 1; clean, write-backs the dirty bit saved 10
1> swap reads                  0   swap slots in use 0 at the end, 1 at most
1> access time (EAT)    334708.3 ns per reference; simulated time 8.033 ms
1>                   = (1 - p) x ma + p x service: p = 0.6250, ma = 500.0 ns, service = 535.233 us
1> time             elapsed 8.046 ms (rr, quantum 3 references)
1>   CPU              0.4% running processes, 0.2% switching (4 context switches), 99.3% idle
1>   disk            99.4% busy
1> throughput               2983   references per simulated second
1> 
1> processes; memory in KiB (pages of 4 KiB): RSS = anon + file = shared + USS
1> pid  name  references  minor  major  zero-fill  CoW  RSS  anon  file  shared  PSS  USS  swap  state
1>   1  P1            20     13      0         13    0    0     0     0       0  0.0    0     0  exited
1>   2  P2             4      2      0          2    0    0     0     0       0  0.0    0     0  exited
1> 
1> scheduling; times in ms
1> pid         run       ready     blocked   suspended   susp  faults/1000
1>   1       0.028       0.018       8.000       0.000      0        650.0
1>   2       0.005       0.026       0.000       0.000      0        500.0
# the experiment, small: 1 .. 4 copies, CSV
$ vmm thrash --copies 4 --copy-refs 20000 --csv
? 0
1> copies,cpu_util,cpu_util_controlled,disk_util,disk_util_controlled,page_faults,page_faults_controlled,throughput,throughput_controlled,suspensions
1> 1,0.2038,0.2038,0.7962,0.7962,112,112,1851558.3,1851558.3,0
1> 2,0.1415,0.1399,0.9315,0.8851,306,313,1246117.3,1229259.9,1
1> 3,0.1305,0.1255,0.9697,0.9031,492,515,1140881.5,1090272.0,4
1> 4,0.1161,0.1254,0.9892,0.9163,716,694,1001753.9,1087636.2,6
# and as a table with its chart
$ vmm thrash --copies 3 --copy-refs 20000 --frames 24
? 0
1> vmm thrash: 1 .. 3 copies of a program moving through 8 localities of 12 pages (of 256), 20000 references each
1>   lru, 24 frames, disk 100000 ns a page, round robin quantum 100000 ns, seed 1
1> 
1> copies  CPU none  CPU ws    disk none  disk ws    faults none  faults ws    suspensions
1>      1     14.3%     14.3%      85.7%      85.7%          126          126            0
1>      2      8.9%     11.9%      96.3%      88.8%          423          320            1
1>      3      4.3%     11.0%      99.7%      89.8%         1490          522            4
1> 
1> CPU utilisation: * without load control, o with ws (# both)
1>   15% |  #      
1>   10% |     #  o
1>    5% |        *
1>    0% |         
1>       +---------
1>          1  2  3  copies
# a vmm-format trace names its own processes: refused under round robin
$ vmm replay --sched rr inputs/two.vmm
? 2
2> vmm: --sched rr replays each trace file as one process, but a trace in the vmm format names its own processes; replay it with --sched none
# opt needs the order in advance
$ vmm replay --sched rr --policy opt inputs/silberschatz.pages
? 2
2> vmm: policy opt needs the references in their order in advance, which round robin decides as it runs; use --sched none
# bad values
$ vmm replay --sched fifo inputs/small.addr
? 1
2> vmm: --sched: unknown value 'fifo' (expected none or rr)
$ vmm replay --quantum 10parsecs inputs/small.addr
? 1
2> vmm: --quantum: expected a time such as 10ms, 500us or 100000 (ns), or references such as 1000refs; found '10parsecs'
$ vmm replay --quantum 0 inputs/small.addr
? 1
2> vmm: --quantum: expected a time such as 10ms, 500us or 100000 (ns), or references such as 1000refs; found '0'
$ vmm replay --pff 20,2 inputs/small.addr
? 1
2> vmm: --pff: expected LOWER,UPPER[,WINDOW]: faults per 1000 references, lower < upper <= 1000, e.g. 2,20 or 2,20,1000; found '20,2'
$ vmm replay --load-control ws inputs/small.addr
? 1
2> vmm: load control ws suspends processes, which needs the scheduler (--sched rr)
$ vmm replay --min-frames 9 --frames 8 inputs/small.addr
? 1
2> vmm: a minimum of 9 frames per process with 8 frames (--min-frames 1 .. --frames)
$ vmm thrash --phase-pages 300
? 1
2> vmm: a copy of 256 pages in 8 phases of 300 pages writing 0.2 of its references: expected 1 <= phase pages <= pages, phases >= 1, 0 <= write <= 1
$ vmm replay --copies 3 inputs/small.addr
? 1
2> vmm: --copies: only for vmm thrash
# a working-set-controlled replay of three traces, with its timeline on standard output
$ vmm replay --sched rr --quantum 2refs --load-control ws --ws-delta 4 --frames 5 --tlb 0 --cost-swap-read 1000 --cost-swap-write 1000 --timeline - --timeline-interval 20us inputs/silberschatz.pages inputs/silberschatz.pages inputs/small.addr
? 0
1> time_ms,cpu_util,disk_util,faults_per_s,pid,state,resident,ws,faults,holes,largest_hole,ext_frag
1> 0.020,0.500,0.000,250000.0,1,ready,2,2,2,0,0,0.000
1> 0.020,0.500,0.000,250000.0,2,ready,2,2,2,0,0,0.000
1> 0.020,0.500,0.000,250000.0,3,running,1,1,1,0,0,0.000
1> 0.040,0.351,0.000,173160.2,1,suspended,0,4,2,0,0,0.000
1> 0.040,0.351,0.000,173160.2,2,ready,4,4,2,0,0,0.000
1> 0.040,0.351,0.000,173160.2,3,running,1,1,0,0,0,0.000
1> 0.060,0.706,0.000,294117.6,1,running,4,3,4,0,0,0.000
1> 0.060,0.706,0.000,294117.6,2,suspended,0,4,0,0,0,0.000
1> 0.060,0.706,0.000,294117.6,3,done,0,0,1,0,0,0.000
1> 0.080,0.749,0.000,301507.5,1,done,0,0,2,0,0,0.000
1> 0.080,0.749,0.000,301507.5,2,running,4,4,4,0,0,0.000
1> 0.088,1.000,0.000,256410.3,2,done,0,0,2,0,0,0.000
1> vmm: inputs/silberschatz.pages inputs/silberschatz.pages inputs/small.addr (pages)
1>   lru, 5 frames of 4 KiB, 48-bit addresses (4-level page table), no TLB
1> 
1> references                 44
1> page faults                22   minor 22, major 0; fault rate 50.00%
1> hits                       22
1> evictions                  10   dirty, written back 0; clean, write-backs the dirty bit saved 10
1> swap reads                  0   swap slots in use 0 at the end, 0 at most
1> access time (EAT)      1200.0 ns per reference; simulated time 52.800 us
1>                   = (1 - p) x ma + p x service: p = 0.5000, ma = 500.0 ns, service = 1.900 us
1> time             elapsed 87.800 us (rr, quantum 2 references)
1>   CPU             60.1% running processes, 39.9% switching (7 context switches), 0.0% idle
1>   disk             0.0% busy
1> throughput             501139   references per simulated second
1> load control                2   suspensions (ws), 2 resumptions
1> 
1> processes; memory in KiB (pages of 4 KiB): RSS = anon + file = shared + USS
1> pid  name  references  minor  major  zero-fill  CoW  RSS  anon  file  shared  PSS  USS  swap  state
1>   1  P1            20     10      0         10    0    0     0     0       0  0.0    0     0  exited
1>   2  P2            20     10      0         10    0    0     0     0       0  0.0    0     0  exited
1>   3  P3             4      2      0          2    0    0     0     0       0  0.0    0     0  exited
1> 
1> scheduling; times in ms, working sets W(t, 4) in pages
1> pid         run       ready     blocked   suspended   susp  faults/1000       ws   ws peak
1>   1       0.024       0.026       0.000       0.016      1        500.0        0         4
1>   2       0.024       0.042       0.000       0.021      1        500.0        0         4
1>   3       0.005       0.040       0.000       0.000      0        500.0        0         2
