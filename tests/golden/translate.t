# vmm translate: the address-translation calculator. Setups given by hand are
# translated; --mmu with --seed generates an exercise, answers hidden unless
# --answers. A trap is an answer (exit 0); a bad exercise exits 2, a bad
# command line 1.

# relocation, Silberschatz ("Main Memory", basic hardware): base 300040,
# limit 120900; legal physical range 300040 .. 420939; both edges and the trap
$ vmm translate --base 300040 --limit 120900 0 120899 120900
? 0
1> relocation: base 300040 (0x49408), limit 120900 (0x1d844)
1> legal: VA 0 .. 120899 -> PA 300040 .. 420939 (0x49408 .. 0x66c4b); VA >= 120900 traps
1> 
1>   VA 0x00000 (     0)  ->  PA 0x49408 (300040)
1>   VA 0x1d843 (120899)  ->  PA 0x66c4b (420939)
1>   VA 0x1d844 (120900)  ->  trap (segmentation violation): VA 120900 >= limit 120900
# the same in hex, with sizes stated, as JSON
$ vmm translate --base 0x49408 --limit 0x1d844 --phys-size 512K 0x0 0x1d843 0x1d844 --json
? 0
1> {
1>   "mmu": "relocation",
1>   "as_size": 0,
1>   "phys_size": 524288,
1>   "base": 300040,
1>   "limit": 120900,
1>   "addresses": [
1>     {"va": 0, "outcome": "ok", "pa": 300040},
1>     {"va": 120899, "outcome": "ok", "pa": 420939},
1>     {"va": 120900, "outcome": "limit", "reason": "trap (segmentation violation): VA 120900 >= limit 120900"}
1>   ]
1> }
# segmentation, Silberschatz's figure ("Main Memory", segmentation): byte 53
# of segment 2 is at 4353, byte 852 of segment 3 at 4052; byte 1222 of
# segment 0 traps; and the edges of segment 2
$ vmm translate --segment 1400,1000 --segment 6300,400 --segment 4300,400 --segment 3200,1100 --segment 4700,1000 2:53 3:852 0:1222 2:0 2:399 2:400
? 0
1> segmentation: 5 segments; addresses are s:d (segment, offset)
1>   seg  base           limit         prot  grows  physical
1>     0  1400 (0x578)   1000 (0x3e8)  rwx   up     1400 .. 2399
1>     1  6300 (0x189c)  400 (0x190)   rwx   up     6300 .. 6699
1>     2  4300 (0x10cc)  400 (0x190)   rwx   up     4300 .. 4699
1>     3  3200 (0xc80)   1100 (0x44c)  rwx   up     3200 .. 4299
1>     4  4700 (0x125c)  1000 (0x3e8)  rwx   up     4700 .. 5699
1> 
1>   2:53    ->  PA 0x1101 (4353)
1>   3:852   ->  PA 0xfd4 (4052)
1>   0:1222  ->  trap (segmentation violation): offset 1222 >= limit 1000
1>   2:0     ->  PA 0x10cc (4300)
1>   2:399   ->  PA 0x125b (4699)
1>   2:400   ->  trap (segmentation violation): offset 400 >= limit 400
# segmentation, Silberschatz's exercise ("Main Memory"): (base, length)
# 0: (219, 600), 1: (2300, 14), 2: (90, 100), 3: (1327, 580), 4: (1952, 96);
# 0,430 -> 649; 1,10 -> 2310; 2,500 illegal; 3,400 -> 1727; 4,112 illegal;
# segment 5 is beyond the table
$ vmm translate --segment 219,600 --segment 2300,14 --segment 90,100 --segment 1327,580 --segment 1952,96 0:430 1:10 2:500 3:400 4:112 5:0
? 0
1> segmentation: 5 segments; addresses are s:d (segment, offset)
1>   seg  base          limit        prot  grows  physical
1>     0  219 (0xdb)    600 (0x258)  rwx   up     219 .. 818
1>     1  2300 (0x8fc)  14 (0xe)     rwx   up     2300 .. 2313
1>     2  90 (0x5a)     100 (0x64)   rwx   up     90 .. 189
1>     3  1327 (0x52f)  580 (0x244)  rwx   up     1327 .. 1906
1>     4  1952 (0x7a0)  96 (0x60)    rwx   up     1952 .. 2047
1> 
1>   0:430  ->  PA 0x289 (649)
1>   1:10   ->  PA 0x906 (2310)
1>   2:500  ->  trap (segmentation violation): offset 500 >= limit 100
1>   3:400  ->  PA 0x6bf (1727)
1>   4:112  ->  trap (segmentation violation): offset 112 >= limit 96
1>   5:0    ->  trap (segmentation violation): no segment 5, the table has 5
# segmentation, OSTEP ch. 16: a 16K address space, the top 2 bits select the
# segment; code 32K (2K), heap 34K (3K), segment 2 unused, the stack's top at
# 28K (2K) growing down. VA 100 -> 32868, 4200 -> 34920, 7K beyond the heap,
# 15K -> 27K; the stack's lowest byte and the one below; a write to code
$ vmm translate --as-size 16K --seg-bits 2 --segment 32K,2K,r-x --segment 34K,3K,rw --segment - --segment 28K,2K,rw,down 100 4200 7K 15K 14336 14335 0x2000 w:100 r:3:3072
? 0
1> segmentation: 4 segments; the top 2 bits of a 14-bit virtual address select the segment (address space 16 KiB, segments up to 4 KiB)
1>   seg  base            limit         prot  grows  physical
1>     0  32768 (0x8000)  2048 (0x800)  r-x   up     32768 .. 34815
1>     1  34816 (0x8800)  3072 (0xc00)  rw-   up     34816 .. 37887
1>     2  (invalid)
1>     3  28672 (0x7000)  2048 (0x800)  rw-   down   26624 .. 28671
1> 
1>          VA 0x0064 (  100)  seg 0 offset 100   ->  PA 0x8064 (32868)
1>          VA 0x1068 ( 4200)  seg 1 offset 104   ->  PA 0x8868 (34920)
1>          VA 0x1c00 ( 7168)  seg 1 offset 3072  ->  trap (segmentation violation): offset 3072 >= limit 3072
1>          VA 0x3c00 (15360)  seg 3 offset 3072  ->  PA 0x6c00 (27648)
1>          VA 0x3800 (14336)  seg 3 offset 2048  ->  PA 0x6800 (26624)
1>          VA 0x37ff (14335)  seg 3 offset 2047  ->  trap (segmentation violation): grows down, offset 2047 - max 4096 = -2049 < -limit -2048
1>          VA 0x2000 ( 8192)  seg 2 offset 0     ->  trap (segmentation violation): segment 2 is invalid
1>   write  VA 0x0064 (  100)  seg 0 offset 100   ->  trap (protection): segment 0 is r-x
1>   read   3:3072             VA 0x3c00 (15360)  ->  PA 0x6c00 (27648)
# paging: pages of 1K, page 2 invalid; both edges of page 0, an invalid
# page and one beyond the page table
$ vmm translate --page-size 1K --page-table 3,7,-,5 --phys-size 8K 0 1023 1024 2100 3500 4096
? 0
1> paging: pages of 1 KiB; 4 page-table entries; 10-bit offset; physical memory 8 KiB (8 frames)
1>   vpn  frame
1>     0  3
1>     1  7
1>     2  - (invalid)
1>     3  5
1> 
1>   VA 0x0000 (   0)  vpn 0 offset 0     ->  PA 0xc00 (3072)
1>   VA 0x03ff (1023)  vpn 0 offset 1023  ->  PA 0xfff (4095)
1>   VA 0x0400 (1024)  vpn 1 offset 0     ->  PA 0x1c00 (7168)
1>   VA 0x0834 (2100)  vpn 2 offset 52    ->  trap (invalid page, segmentation fault): vpn 2 is invalid
1>   VA 0x0dac (3500)  vpn 3 offset 428   ->  PA 0x15ac (5548)
1>   VA 0x1000 (4096)  vpn 4 offset 0     ->  trap (invalid page, segmentation fault): vpn 4 is beyond the page table (4 entries)
# paging with an address space of its own size, as JSON
$ vmm translate --page-size 4K --page-table 0x10,-,2,- --as-size 16K 0x0fff 0x1000 0x2abc --json
? 0
1> {
1>   "mmu": "paging",
1>   "as_size": 16384,
1>   "phys_size": 0,
1>   "page_size": 4096,
1>   "page_table": [16, null, 2, null],
1>   "addresses": [
1>     {"va": 4095, "vpn": 0, "offset": 4095, "outcome": "ok", "pa": 69631},
1>     {"va": 4096, "vpn": 1, "offset": 0, "outcome": "invalid_page", "reason": "trap (invalid page, segmentation fault): vpn 1 is invalid"},
1>     {"va": 10940, "vpn": 2, "offset": 2748, "outcome": "ok", "pa": 10940}
1>   ]
1> }
# the setup alone, no addresses: its legal range
$ vmm translate --base 28K --limit 4K
? 0
1> relocation: base 28672 (0x7000), limit 4096 (0x1000)
1> legal: VA 0 .. 4095 -> PA 28672 .. 32767 (0x7000 .. 0x7fff); VA >= 4096 traps
# generated: the same seed gives the same exercise, answers hidden ...
$ vmm translate --mmu relocation --seed 1
? 0
1> relocation exercise from seed 1
1> relocation: base 42360 (0xa578), limit 8737 (0x2221); address space 16 KiB; physical memory 64 KiB
1> 
1>   VA 0x11da ( 4570)  ->  ?
1>   VA 0x2aa8 (10920)  ->  ?
1>   VA 0x39d8 (14808)  ->  ?
1>   VA 0x0dca ( 3530)  ->  ?
1>   VA 0x14a9 ( 5289)  ->  ?
1> 
1> translate each address, or name its trap; the same command with --answers shows them
# ... and shown
$ vmm translate --mmu relocation --seed 1 --answers
? 0
1> relocation exercise from seed 1
1> relocation: base 42360 (0xa578), limit 8737 (0x2221); address space 16 KiB; physical memory 64 KiB
1> legal: VA 0 .. 8736 -> PA 42360 .. 51096 (0xa578 .. 0xc798); VA >= 8737 traps
1> 
1>   VA 0x11da ( 4570)  ->  PA 0xb752 (46930)
1>   VA 0x2aa8 (10920)  ->  trap (segmentation violation): VA 10920 >= limit 8737
1>   VA 0x39d8 (14808)  ->  trap (segmentation violation): VA 14808 >= limit 8737
1>   VA 0x0dca ( 3530)  ->  PA 0xb342 (45890)
1>   VA 0x14a9 ( 5289)  ->  PA 0xba21 (47649)
$ vmm translate --mmu segmentation --seed 5 -n 6
? 0
1> segmentation exercise from seed 5
1> segmentation: 4 segments; the top 2 bits of a 14-bit virtual address select the segment (address space 16 KiB, segments up to 4 KiB); physical memory 64 KiB
1>   seg  base            limit         prot  grows
1>     0  55621 (0xd945)  1816 (0x718)  r-x   up
1>     1  11352 (0x2c58)  2565 (0xa05)  rw-   up
1>     2  (invalid)
1>     3  47155 (0xb833)  1500 (0x5dc)  rw-   down
1> 
1>   VA 0x3985 (14725)  ->  ?
1>   VA 0x3cd7 (15575)  ->  ?
1>   VA 0x0b25 ( 2853)  ->  ?
1>   VA 0x0fe3 ( 4067)  ->  ?
1>   VA 0x0636 ( 1590)  ->  ?
1>   VA 0x0d70 ( 3440)  ->  ?
1> 
1> translate each address, or name its trap; the same command with --answers shows them
$ vmm translate --mmu segmentation --seed 5 -n 6 --answers
? 0
1> segmentation exercise from seed 5
1> segmentation: 4 segments; the top 2 bits of a 14-bit virtual address select the segment (address space 16 KiB, segments up to 4 KiB); physical memory 64 KiB
1>   seg  base            limit         prot  grows  physical
1>     0  55621 (0xd945)  1816 (0x718)  r-x   up     55621 .. 57436
1>     1  11352 (0x2c58)  2565 (0xa05)  rw-   up     11352 .. 13916
1>     2  (invalid)
1>     3  47155 (0xb833)  1500 (0x5dc)  rw-   down   45655 .. 47154
1> 
1>   VA 0x3985 (14725)  seg 3 offset 2437  ->  trap (segmentation violation): grows down, offset 2437 - max 4096 = -1659 < -limit -1500
1>   VA 0x3cd7 (15575)  seg 3 offset 3287  ->  PA 0xb50a (46346)
1>   VA 0x0b25 ( 2853)  seg 0 offset 2853  ->  trap (segmentation violation): offset 2853 >= limit 1816
1>   VA 0x0fe3 ( 4067)  seg 0 offset 4067  ->  trap (segmentation violation): offset 4067 >= limit 1816
1>   VA 0x0636 ( 1590)  seg 0 offset 1590  ->  PA 0xdf7b (57211)
1>   VA 0x0d70 ( 3440)  seg 0 offset 3440  ->  trap (segmentation violation): offset 3440 >= limit 1816
$ vmm translate --mmu segmentation --seed 2 --seg-bits 1 --as-size 1K --phys-size 16K --answers
? 0
1> segmentation exercise from seed 2
1> segmentation: 2 segments; the top 1 bit of a 10-bit virtual address selects the segment (address space 1 KiB, segments up to 512 bytes); physical memory 16 KiB
1>   seg  base            limit        prot  grows  physical
1>     0  8054 (0x1f76)   279 (0x117)  r-x   up     8054 .. 8332
1>     1  11061 (0x2b35)  320 (0x140)  rw-   down   10741 .. 11060
1> 
1>   VA 0x17d ( 381)  seg 0 offset 381  ->  trap (segmentation violation): offset 381 >= limit 279
1>   VA 0x337 ( 823)  seg 1 offset 311  ->  PA 0x2a6c (10860)
1>   VA 0x301 ( 769)  seg 1 offset 257  ->  PA 0x2a36 (10806)
1>   VA 0x16b ( 363)  seg 0 offset 363  ->  trap (segmentation violation): offset 363 >= limit 279
1>   VA 0x03a (  58)  seg 0 offset 58   ->  PA 0x1fb0 (8112)
$ vmm translate --mmu paging --seed 4 --page-size 4K -n 4
? 0
1> paging exercise from seed 4
1> paging: pages of 4 KiB; 4 page-table entries; address space 16 KiB (14-bit VA: 2-bit vpn, 12-bit offset); physical memory 64 KiB (16 frames)
1>   vpn  frame
1>     0  - (invalid)
1>     1  6
1>     2  9
1>     3  - (invalid)
1> 
1>   VA 0x2b26 (11046)  ->  ?
1>   VA 0x3ae2 (15074)  ->  ?
1>   VA 0x3cb6 (15542)  ->  ?
1>   VA 0x22b4 ( 8884)  ->  ?
1> 
1> translate each address, or name its trap; the same command with --answers shows them
$ vmm translate --mmu paging --seed 4 --page-size 4K -n 4 --answers
? 0
1> paging exercise from seed 4
1> paging: pages of 4 KiB; 4 page-table entries; address space 16 KiB (14-bit VA: 2-bit vpn, 12-bit offset); physical memory 64 KiB (16 frames)
1>   vpn  frame
1>     0  - (invalid)
1>     1  6
1>     2  9
1>     3  - (invalid)
1> 
1>   VA 0x2b26 (11046)  vpn 2 offset 2854  ->  PA 0x9b26 (39718)
1>   VA 0x3ae2 (15074)  vpn 3 offset 2786  ->  trap (invalid page, segmentation fault): vpn 3 is invalid
1>   VA 0x3cb6 (15542)  vpn 3 offset 3254  ->  trap (invalid page, segmentation fault): vpn 3 is invalid
1>   VA 0x22b4 ( 8884)  vpn 2 offset 692   ->  PA 0x92b4 (37556)
$ vmm translate --mmu paging --seed 4 --page-size 4K -n 4 --answers --json
? 0
1> {
1>   "mmu": "paging",
1>   "seed": 4,
1>   "as_size": 16384,
1>   "phys_size": 65536,
1>   "page_size": 4096,
1>   "page_table": [null, 6, 9, null],
1>   "addresses": [
1>     {"va": 11046, "vpn": 2, "offset": 2854, "outcome": "ok", "pa": 39718},
1>     {"va": 15074, "vpn": 3, "offset": 2786, "outcome": "invalid_page", "reason": "trap (invalid page, segmentation fault): vpn 3 is invalid"},
1>     {"va": 15542, "vpn": 3, "offset": 3254, "outcome": "invalid_page", "reason": "trap (invalid page, segmentation fault): vpn 3 is invalid"},
1>     {"va": 8884, "vpn": 2, "offset": 692, "outcome": "ok", "pa": 37556}
1>   ]
1> }

# bad exercises: exit 2, naming what is wrong
$ vmm translate --base 300040 0
? 2
2> vmm: relocation needs both --base N and --limit N; --limit is missing
$ vmm translate --base 0 --limit 120900 12x4
? 2
2> vmm: address '12x4': expected an address: a number (decimal or 0x hex)
$ vmm translate --base 0 --limit 0 1
? 2
2> vmm: limit 0 leaves no legal address; expected at least 1 (--limit)
$ vmm translate --base 0 --limit 10 3:4
? 2
2> vmm: address '3:4': s:d addresses are for segmentation; relocation takes a number
$ vmm translate --page-size 3000 --page-table 1,2 0
? 2
2> vmm: page size 3000 is not a power of two (--page-size 1K, 4K, ...)
$ vmm translate --page-size 1K --page-table 1,x,2 0
? 2
2> vmm: --page-table: entry 1: expected a frame number or - (invalid), found 'x'
$ vmm translate --page-size 1K --page-table 1,2 --as-size 2K 2048
? 2
2> vmm: address '2048': 0x800 (2048) is beyond the address space (2 KiB: 0 .. 0x7ff, --as-size)
$ vmm translate --page-size 1K --page-table 1,9 --phys-size 8K 0
? 2
2> vmm: page-table entry 1: frame 9 is beyond physical memory (8 KiB: frames 0 .. 7, --phys-size)
$ vmm translate --segment 1400,1000 53
? 2
2> vmm: address '53': a flat address needs --seg-bits (the top bits select the segment); or write it as s:d
$ vmm translate --segment 1400,1000,rwz 0:5
? 2
2> vmm: --segment 1400,1000,rwz (segment 0): 'rwz': expected permissions (letters from r, w, x, or -) or down
$ vmm translate --segment 1400 0:5
? 2
2> vmm: --segment 1400 (segment 0): expected BASE,LIMIT[,PROT][,down], e.g. 1400,1000 or 28K,2K,rw,down; or - for an invalid entry
$ vmm translate --as-size 16K --seg-bits 2 --segment 0,1K 4:0
? 2
2> vmm: address '4:0': segment 4 cannot be written in 2 segment bits (0 .. 3)
$ vmm translate --as-size 16K --seg-bits 2 --segment 0,1K 0:4096
? 2
2> vmm: address '0:4096': offset 4096 is beyond the largest segment (4 KiB: 2 segment bits of a 16 KiB address space)
$ vmm translate --segment 28K,2K,down 0:0
? 2
2> vmm: segment 0 grows down: its offsets count back from the largest segment size, which needs --seg-bits and --as-size
# bad command lines: exit 1
$ vmm translate
? 1
2> vmm: give an MMU: --base N --limit N, --segment BASE,LIMIT ..., --page-size S --page-table LIST, or --mmu NAME --seed N (vmm translate --help)
$ vmm translate --base 1 --limit 2 --segment 1,2
? 1
2> vmm: give one MMU: --base/--limit (relocation), --segment (segmentation) or --page-size/--page-table (paging)
$ vmm translate --seed 3
? 1
2> vmm: --seed: name the MMU to generate, --mmu relocation|segmentation|paging
$ vmm translate --mmu pages --seed 3
? 1
2> vmm: --mmu: unknown MMU 'pages' (expected relocation, segmentation or paging)
$ vmm translate --mmu paging --seed 3 --page-size 3000
? 1
2> vmm: page size 3000 bytes: expected a power of two from the address space / 4096 to the address space / 2 (4 bytes .. 8 KiB here; --page-size)
$ vmm translate --mmu relocation --seed 3 --phys-size 1K
? 1
2> vmm: physical memory 1 KiB: expected at least the address space (16 KiB) and at most 64 GiB (--phys-size)
$ vmm translate --mmu relocation --seed 3 100
? 1
2> vmm: --seed generates the addresses too; give addresses or --seed, not both
$ vmm translate --mmu relocation --seed 3 --base 5
? 1
2> vmm: --base: --seed generates the exercise; give its parts by hand or --seed, not both
$ vmm translate --base 1 --limit 2 --frames 3
? 1
2> vmm: unknown option '--frames' (vmm translate --help)
$ vmm translate --base
? 1
2> vmm: --base: missing its value (vmm translate --help)
# the help
$ vmm translate --help
? 0
1> usage: vmm translate --base N --limit N [ADDR...]                     relocation
1>        vmm translate --segment BASE,LIMIT[,PROT][,down] ... [ADDR...]  segmentation
1>        vmm translate --page-size S --page-table F0,F1,-,... [ADDR...]  paging
1>        vmm translate --mmu relocation|segmentation|paging --seed N [-n COUNT] [--answers]
1> 
1> Translates each virtual address ADDR to a physical address, or names the trap and
1> why. Numbers are decimal or 0x hex; sizes may end in K, M or G (28K = 28672).
1> 
1> the MMU, given by hand:
1>       --base N            relocation register: the physical address of virtual 0
1>       --limit N           limit register: virtual 0 .. N-1 are legal
1>       --segment SPEC      the next segment-table entry (segments 0, 1, 2, ... in
1>                           order): BASE,LIMIT, then permissions (r, w, x, - [rwx])
1>                           and down for a segment that grows down (its BASE is its
1>                           top); - for an invalid entry
1>       --seg-bits N        the top N bits of a flat address select the segment
1>                           (needs --as-size); without it addresses are s:d
1>       --page-size S       page size, a power of two
1>       --page-table LIST   frame of page 0, 1, ... ; - for an invalid entry
1>       --as-size S         virtual address space size (addresses beyond it are refused)
1>       --phys-size S       physical memory size (the setup must fit in it)
1> addresses: a number (a flat virtual address), or s:d (segment, offset); either
1> may follow r:, w: or x: to check a segment's permissions (w:2:53)
1> 
1> a generated exercise:
1>       --mmu NAME          relocation, segmentation or paging
1>       --seed N            the same seed gives the same exercise everywhere
1>   -n, --count N           addresses, 1 .. 10000 [5]
1>       --as-size S         address space, a power of two, 16 .. 4G [16K]
1>       --phys-size S       physical memory, at least the address space [64K, or
1>                           4 x the address space if larger]
1>       --page-size S       paging: page size [1K]
1>       --seg-bits N        segmentation: segment bits, 1 .. 6 [2]
1>       --answers           show the answers (otherwise each is ?)
1> 
1>       --json              print one JSON object
1> exit codes: 0 ok (a trap is an answer, not an error), 1 usage, 2 a bad exercise
