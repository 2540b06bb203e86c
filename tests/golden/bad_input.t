# Malformed input: each gives a message naming where and what, and exit code 2.
# Bad command lines and refused configurations give exit code 1.

# a bad hex digit in an addr trace
$ vmm replay inputs/bad-hex.addr
? 2
2> vmm: inputs/bad-hex.addr:3:5: expected white space after the address, found 'z'
# an unknown operation in an addr trace
$ vmm replay inputs/bad-op.addr
? 2
2> vmm: inputs/bad-op.addr:2:10: expected R or W after the address, found 'X'
# a binary trace whose last record is cut short
$ vmm replay --format u32be inputs/truncated.u32be
? 2
2> vmm: inputs/truncated.u32be: truncated record at byte offset 8 (u32be records are 4 bytes)
# NUL bytes inside a text trace
$ printf '1 2\0003\n' | vmm replay --format pages -
? 2
2> vmm: stdin:1:4: NUL byte in a text trace
# a page number too large for 64 bits
$ vmm replay inputs/huge.pages
? 2
2> vmm: inputs/huge.pages:2:5: number 99999999999999999999999 is too large
# an empty file, format to be detected
$ vmm replay inputs/empty.pages
? 2
2> vmm: inputs/empty.pages: empty trace (no references)
# a lackey line with a size that is not a number
$ vmm replay inputs/bad-size.lackey
? 2
2> vmm: inputs/bad-size.lackey:3:15: expected size (a decimal number), found 'x'
# pid 0 in a multi-process trace
$ vmm replay inputs/bad-pid.vmm
? 2
2> vmm: inputs/bad-pid.vmm:2:1: pid 0 is out of range 1..1048575
# text that is no trace format
$ vmm replay inputs/garbage.txt
? 2
2> vmm: inputs/garbage.txt: cannot tell the trace format (first line: 'hello world'); name it with --format pages|addr|lackey|vmm|u32be|u32le|u64le|vmt
# a file that does not exist
$ vmm replay inputs/no-such-file
? 2
2> vmm: inputs/no-such-file: cannot open: No such file or directory
# an address beyond a 32-bit address space
$ vmm replay --va-bits 32 inputs/high.lackey
? 2
2> vmm: inputs/high.lackey:2:4: address 0x1ffefffa00 is beyond the 32-bit virtual address space (a wider one: --va-bits 48 or 57)
# the same for an addr trace, a page-number list and a binary trace
$ printf '0041f7a0 R\n1ffffffff0 W\n' | vmm replay --va-bits 32 --format addr -
? 2
2> vmm: stdin:2:1: address 0x1ffffffff0 is beyond the 32-bit virtual address space (a wider one: --va-bits 48 or 57)
$ printf '1 2 1048576 3' | vmm replay --va-bits 32 -
? 2
2> vmm: stdin:1:5: address 0x100000000 is beyond the 32-bit virtual address space (a wider one: --va-bits 48 or 57)
$ printf '\001\000\000\000\000\000\020\000' | vmm replay --va-bits 32 --format u32le -
? 2
2> vmm: stdin: record at byte offset 4: address 0x100000000 is beyond the 32-bit virtual address space (a wider one: --va-bits 48 or 57)
# letters in --refs
$ vmm replay --refs 1,2,x
? 2
2> vmm: --refs:1:5: expected a page number, found 'x'
# an unknown policy
$ vmm replay --policy bogus --refs 1,2
? 1
2> vmm: unknown policy 'bogus' (vmm policies lists them)
# zero frames
$ vmm replay --frames 0 --refs 1,2
? 1
2> vmm: --frames: 0 is out of range (1 .. 4294967294)
# a page size that is not a power of two
$ vmm replay --page-size 3000 --refs 1,2
? 1
2> vmm: page size 3000 is not a power of two (--page-size 4K)
# a page size above 1 MiB
$ vmm replay --page-size 2M --refs 1,2
? 1
2> vmm: page size 2097152 is outside 512 bytes .. 1 MiB (--page-size 4K)
# a page size that is not a size
$ vmm replay --page-size 4Q --refs 1,2
? 1
2> vmm: --page-size: expected a size such as 4096, 4K or 16K, found '4Q'
# an address width that is not 32, 48 or 57
$ vmm replay --va-bits 40 --refs 1,2
? 1
2> vmm: virtual address width 40 is not 32, 48 or 57 (--va-bits)
# an unknown policy parameter
$ vmm replay --policy lru:depth=3 --refs 1,2
? 1
2> vmm: policy lru: unknown parameter 'depth' (accepted: none)
# a policy parameter that is not a number
$ vmm replay --policy nru:interval=often --refs 1,2
? 1
2> vmm: policy nru: interval=often is not a whole number
# frames that do not fit in --max-memory
$ vmm replay --frames 1000000 --max-memory 1G --refs 1,2
? 1
2> vmm: 1000000 frames of 4096 bytes need 3.8 GiB, more than --max-memory 1.0 GiB; use fewer --frames, a smaller --page-size, --no-data, or raise --max-memory
# an impossible TLB shape
$ vmm replay --tlb 48 --tlb-ways 32 --refs 1,2
? 1
2> vmm: TLB of 48 entries, 32-way: entries must be at most 65536 and a power-of-two multiple of the ways (--tlb N --tlb-ways W)
# an unknown option
$ vmm replay --frams 3 --refs 1,2
? 1
2> vmm: unknown option '--frams' (vmm replay --help)
# an option without its value
$ vmm replay --refs
? 1
2> vmm: --refs: missing its value (vmm replay --help)
# an unknown trace format name
$ vmm replay --format csv inputs/small.addr
? 1
2> vmm: --format: unknown format 'csv' (expected auto, pages, addr, lackey, vmm, u32be, u32le, u64le or vmt)
# nothing to replay
$ vmm replay --frames 3
? 1
2> vmm: replay: name a trace file (or - for standard input), or give --refs LIST
# both a file and --refs
$ vmm replay --refs 1,2 inputs/small.addr
? 1
2> vmm: replay: give trace files or --refs, not both
# an unknown command
$ vmm replays
? 1
2> vmm: unknown command 'replays' (vmm help lists them)
# frames beyond what a frame number holds
$ vmm replay --frames 99999999999 --refs 1
? 1
2> vmm: --frames: 99999999999 is out of range (1 .. 4294967294)
