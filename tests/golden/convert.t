# vmm convert: traces to the compact binary .vmt and back (docs/formats.md, "vmt").

# the textbook string as .vmt, byte by byte: header, one block of 20 one-byte records, end block
$ vmm convert --to vmt inputs/silberschatz.pages - | od -An -tx1
? 0
1>  89 56 4d 54 0d 0a 1a 0a 01 01 0c 00 0c 55 18 8b
1>  14 00 00 00 14 00 00 00 87 0d 9f ce 7c 61 00 ca
1>  38 34 08 08 0c 18 14 20 0c 08 14 18 04 04 08 0c
1>  08 30 34 08 00 00 00 00 00 00 00 00 b5 82 8a 1b
1>  c4 d5 7a 61
2> vmm convert: inputs/silberschatz.pages (pages) -> stdout (vmt): 20 references, 40 bytes in, 68 bytes out, ratio 0.59
# the committed .vmt (written by an earlier vmm) replays with the known answer: FIFO, 3 frames, 15 faults
$ vmm replay --policy fifo --frames 3 inputs/silberschatz.vmt
? 0
1> vmm: inputs/silberschatz.vmt (vmt)
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
# converted through a pipe and replayed: the same 15 faults
$ vmm convert --to vmt inputs/silberschatz.pages - | vmm replay --policy fifo --frames 3 - | grep 'page faults'
? 0
1> page faults                15   minor 15, major 0; fault rate 75.00%
2> vmm convert: inputs/silberschatz.pages (pages) -> stdout (vmt): 20 references, 40 bytes in, 68 bytes out, ratio 0.59
# and LRU's 12, OPT's 9
$ vmm convert --to vmt inputs/silberschatz.pages - | vmm replay --policy lru --frames 3 - | grep 'page faults'
? 0
1> page faults                12   minor 12, major 0; fault rate 60.00%
2> vmm convert: inputs/silberschatz.pages (pages) -> stdout (vmt): 20 references, 40 bytes in, 68 bytes out, ratio 0.59
$ vmm convert --to vmt inputs/silberschatz.pages - | vmm replay --policy opt --frames 3 - | grep 'page faults'
? 0
1> page faults                 9   minor 9, major 0; fault rate 45.00%
2> vmm convert: inputs/silberschatz.pages (pages) -> stdout (vmt): 20 references, 40 bytes in, 68 bytes out, ratio 0.59
# .vmt back to page numbers
$ vmm convert --to pages inputs/silberschatz.vmt - | paste -sd ' '
? 0
1> 7 0 1 2 0 3 0 4 2 3 0 3 2 1 2 0 1 7 0 1
2> vmm convert: inputs/silberschatz.vmt (vmt) -> stdout (pages): 20 references, 68 bytes in, 40 bytes out, ratio 1.70
# lackey (an M, accesses split at pages) through .vmt: the same narrative as the lackey itself
$ vmm convert --to vmt inputs/small.lackey - | vmm replay --frames 2 --tlb 4 --explain - | head -n 6
? 0
1> P1 spawned (P1)
1> #1 P1 X 0x4016a8: TLB miss; walk: PTE invalid; page fault; legal (all); free frame 0; zero-fill frame 0; PTE valid; restart: hit
1> #2 P1 R 0x1ffefffa00: TLB miss; walk: PTE invalid; page fault; legal (all); free frame 1; zero-fill frame 1; PTE valid; restart: hit
1> #3 P1 W 0x1ffefffa08: TLB hit (frame 1); hit
1> #4 P1 R 0x41f000: TLB miss; walk: PTE invalid; page fault; legal (all); no free frame; victim frame 0 = P1 page 0x401 (clean): dropped without a write; zero-fill frame 0; PTE valid; restart: hit
1> #5 P1 W 0x41f000: TLB hit (frame 0); hit
2> vmm convert: inputs/small.lackey (lackey) -> stdout (vmt): 6 references, 87 bytes in, 75 bytes out, ratio 1.16
# a multi-process vmm trace keeps its pids, operations and sizes (split at the page boundary)
$ vmm convert --to vmt inputs/two.vmm - 2>/dev/null | vmm convert --to vmm - -
? 0
1> 1 R 1000 4
1> 2 W 2000 8
1> 1 W 1ffe 2
1> 1 W 2000 2
1> 2 X 400000
2> vmm convert: stdin (vmt) -> stdout (vmm): 5 references, 70 bytes in, 55 bytes out, ratio 1.27
# a file named .vmt, written beside its temporary and renamed; a failed conversion leaves nothing
$ d=$(mktemp -d) && cp inputs/two.vmm inputs/truncated.u32be "$d" && cd "$d" && vmm convert two.vmm two.vmt && vmm convert truncated.u32be t.vmt; echo "exit $?"; ls; cd / && rm -rf "$d"
? 0
1> exit 2
1> truncated.u32be
1> two.vmm
1> two.vmt
2> vmm convert: two.vmm (vmm) -> two.vmt (vmt): 5 references, 66 bytes in, 70 bytes out, ratio 0.94
2> vmm: truncated.u32be: truncated record at byte offset 8 (u32be records are 4 bytes)
# bad input: the reader's own message, exit 2
$ vmm convert inputs/bad-op.addr - --to vmt >/dev/null
? 2
2> vmm: inputs/bad-op.addr:2:10: expected R or W after the address, found 'X'
$ vmm convert inputs/no-such-file out.vmt
? 2
2> vmm: inputs/no-such-file: cannot open: No such file or directory
# a cut .vmt: an error naming the record and byte, never a shorter trace
$ vmm convert --to vmt inputs/silberschatz.pages - 2>/dev/null | head -c 40 | vmm replay -
? 2
2> vmm: stdin: record 1 at byte 16: the trace ends inside a block (8 of its 20 bytes)
$ head -c 60 inputs/silberschatz.vmt | vmm convert --to vmm - -
? 2
2> vmm: stdin: record 21 at byte 52: the trace ends inside a block header (8 of its 16 bytes)
# a damaged .vmt: the first record 0x38 (page 7) made 0x39 fails its block's checksum; a page
# size of 8K instead of 4K in the header fails the header's
$ { head -c 32 inputs/silberschatz.vmt; printf '\071'; tail -c +34 inputs/silberschatz.vmt; } | vmm convert --to vmm - -
? 2
2> vmm: stdin: record 1 at byte 16: the checksum of this block (records 1 .. 20) does not match: the data is damaged
$ { head -c 10 inputs/silberschatz.vmt; printf '\015'; tail -c +12 inputs/silberschatz.vmt; } | vmm replay -
? 2
2> vmm: stdin: the .vmt header's checksum does not match: the header is damaged
# usage errors, exit 1
$ vmm convert
? 1
2> vmm: convert: expected IN and OUT, found 0 arguments (vmm convert --help)
$ vmm convert inputs/small.addr
? 1
2> vmm: convert: expected IN and OUT, found 1 argument (vmm convert --help)
$ vmm convert inputs/small.addr out.txt
? 1
2> vmm: convert: cannot tell the output format from 'out.txt'; end its name in .vmt, .vmm, .pages, .u32be, .u32le or .u64le, or name it with --to FMT
$ vmm convert --to lackey inputs/small.addr -
? 1
2> vmm: --to: cannot write 'lackey' (expected vmt, vmm, pages, u32be, u32le or u64le)
$ vmm convert --page-size 1000 inputs/small.addr out.vmt
? 1
2> vmm: --page-size: expected a power of two from 512 to 1M, such as 4096 or 4K; found '1000'
