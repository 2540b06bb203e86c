# Workload statements' error cases: each names file:line:col and what was
# expected; parse and run-time errors exit 2. (Process faults are results,
# not errors: those runs go on and exit 0.)

# fork of a process never created
$ printf 'program ed text=8K data=4K heap=8K stack=4K\nfork P1 P2\n' | vmm run -
? 2
2> vmm: stdin:2:6: P1 is not created before this line; expected 'spawn P1 PROGRAM' or 'fork P<n> P1' earlier

# fork to a name already in use
$ printf 'program ed text=8K data=4K heap=8K stack=4K\nspawn P1 ed\nspawn P2 ed\nfork P1 P2\n' | vmm run -
? 2
2> vmm: stdin:4:9: P2 is already created at line 3; expected a new process name

# fork with one name
$ printf 'program ed text=8K data=4K heap=8K stack=4K\nspawn P1 ed\nfork P1\n' | vmm run -
? 2
2> vmm: stdin:3:8: found end of line; expected 'fork P<parent> P<child>'

# fork to something that is not a process name
$ printf 'program ed text=8K data=4K heap=8K stack=4K\nspawn P1 ed\nfork P1 child\n' | vmm run -
? 2
2> vmm: stdin:3:9: 'child' is not a process name; expected P followed by a number 1 .. 1048575 (P1, P2, ...)

# fork of a dead process: skipped, and its child's statements too
$ printf 'program ed text=8K data=4K heap=8K stack=4K\nspawn P1 ed\nexit P1\nfork P1 P2\nP2 read data\n' | vmm run - | head -n 4
? 0
1> stdin:2: P1 spawned (ed): text 0x400000 8K r-x, data 0x402000 4K rw-, heap 0x403000 8K rw-, stack 0x7fffffffe000 4K rw-
1> stdin:3: P1 exited: freed 0 frames and 0 swap slots
1> stdin:4: P1 is not running (exited at line 3); statement skipped
1> stdin:5: P2 was never created (its fork was skipped); statement skipped

# exec of an unknown program
$ printf 'program ed text=8K data=4K heap=8K stack=4K\nspawn P1 ed\nexec P1 edd\n' | vmm run -
? 2
2> vmm: stdin:3:9: unknown program 'edd'; expected a program defined earlier with 'program NAME text=SIZE ...'

# exec of an unknown process
$ printf 'program ed text=8K data=4K heap=8K stack=4K\nexec P1 ed\n' | vmm run -
? 2
2> vmm: stdin:2:6: P1 is not created before this line; expected 'spawn P1 PROGRAM' or 'fork P<n> P1' earlier

# exec without a program
$ printf 'program ed text=8K data=4K heap=8K stack=4K\nspawn P1 ed\nexec P1\n' | vmm run -
? 2
2> vmm: stdin:3:8: found end of line; expected 'exec P<n> PROGRAM'

# brk without a size
$ printf 'program ed text=8K data=4K heap=8K stack=4K\nspawn P1 ed\nP1 brk\n' | vmm run -
? 2
2> vmm: stdin:3:7: found end of line; expected 'P<n> brk +SIZE|-SIZE|SIZE'

# brk with a bad size
$ printf 'program ed text=8K data=4K heap=8K stack=4K\nspawn P1 ed\nP1 brk +4Q\n' | vmm run -
? 2
2> vmm: stdin:3:8: '+4Q' is not a heap change; expected +SIZE (grow), -SIZE (shrink) or SIZE (the new heap size), SIZE at most 1G: +16K, -4K, 64K

# brk with two sizes
$ printf 'program ed text=8K data=4K heap=8K stack=4K\nspawn P1 ed\nP1 brk +4K +4K\n' | vmm run -
? 2
2> vmm: stdin:3:12: unexpected '+4K'; expected 'P<n> brk +SIZE|-SIZE|SIZE'

# brk that shrinks below the heap's start: fails as brk(2) fails, the run goes on
$ printf 'program ed text=8K data=4K heap=8K stack=4K\nspawn P1 ed\nP1 brk -16K\nP1 brk +4K\n' | vmm run - | head -n 4 ; true
? 0
1> stdin:2: P1 spawned (ed): text 0x400000 8K r-x, data 0x402000 4K rw-, heap 0x403000 8K rw-, stack 0x7fffffffe000 4K rw-
1> stdin:3: P1 brk failed: the heap would shrink below its start; the heap stays at 8K
1> stdin:4: P1 brk: heap 8K -> 12K, [0x403000, 0x406000)
1> 

# brk of a flat program
$ printf 'program f flat\nspawn P1 f\nP1 brk +4K\n' | vmm run -
? 2
1> stdin:2: P1 spawned (f): all 0x0 (the whole 48-bit space) rwx
2> vmm: stdin:3:1: P1 runs f, a flat program, which has no heap; expected brk in a program with regions

# trace without a file
$ printf 'program ed text=8K data=4K heap=8K stack=4K\nspawn P1 ed\nP1 trace\n' | vmm run -
? 2
2> vmm: stdin:3:9: found end of line; expected 'P<n> trace FILE [format=NAME] [region=NAME] or P<n> trace refs=P,P,... [region=NAME]'

# trace of a file that does not exist
$ printf 'program ed text=8K data=4K heap=8K stack=4K\nspawn P1 ed\nP1 trace nosuch.lackey\n' | vmm run -
? 2
1> stdin:2: P1 spawned (ed): text 0x400000 8K r-x, data 0x402000 4K rw-, heap 0x403000 8K rw-, stack 0x7fffffffe000 4K rw-
2> vmm: stdin:3:10: nosuch.lackey: cannot open: No such file or directory

# trace with an unknown format
$ printf 'program ed text=8K data=4K heap=8K stack=4K\nspawn P1 ed\nP1 trace inputs/small.lackey format=lakey\n' | vmm run -
? 2
2> vmm: stdin:3:30: unknown trace format in 'format=lakey'; expected format=pages, addr, lackey, vmm, u32be, u32le, u64le, vmt or auto

# trace into a region the program does not have
$ printf 'program t text=4K\nspawn P1 t\nP1 trace refs=1,2 region=heap\n' | vmm run -
? 2
1> stdin:2: P1 spawned (t): text 0x400000 4K r-x
2> vmm: stdin:3:15: P1 runs t, which has no heap region (grow one with brk); expected one of its regions (text) or an absolute address

# trace with format= and refs=
$ printf 'program ed text=8K data=4K heap=8K stack=4K\nspawn P1 ed\nP1 trace refs=1,2 format=pages\n' | vmm run -
? 2
2> vmm: stdin:3:10: refs= is a list of page numbers; expected no format= with it

# a malformed trace: its own position follows the statement's
$ printf 'program ed text=8K data=4K heap=8K stack=4K\nspawn P1 ed\nP1 trace inputs/bad-op.addr region=heap\n' | vmm run -
? 2
1> stdin:2: P1 spawned (ed): text 0x400000 8K r-x, data 0x402000 4K rw-, heap 0x403000 8K rw-, stack 0x7fffffffe000 4K rw-
2> vmm: stdin:3:10: inputs/bad-op.addr:2:10: expected R or W after the address, found 'X'

# a malformed inline trace
$ printf 'program ed text=8K data=4K heap=8K stack=4K\nspawn P1 ed\nP1 trace refs=1,x region=heap\n' | vmm run -
? 2
1> stdin:2: P1 spawned (ed): text 0x400000 8K r-x, data 0x402000 4K rw-, heap 0x403000 8K rw-, stack 0x7fffffffe000 4K rw-
2> vmm: stdin:3:15: refs:1:3: expected a page number, found 'x'

# pattern of an unknown kind
$ printf 'program ed text=8K data=4K heap=8K stack=4K\nspawn P1 ed\nP1 pattern zipff pages=2 refs=10\n' | vmm run -
? 2
2> vmm: stdin:3:12: unknown pattern 'zipff'; expected seq, loop, uniform, zipf, phases

# pattern without pages=
$ printf 'program ed text=8K data=4K heap=8K stack=4K\nspawn P1 ed\nP1 pattern loop refs=10\n' | vmm run -
? 2
2> vmm: stdin:3:24: found end of line without pages=; expected 'P<n> pattern KIND pages=N refs=N [alpha=A] [write=P] [seed=N] [region=NAME] [value=BYTE] [phases=N] [phase-pages=N]'

# pattern without refs=
$ printf 'program ed text=8K data=4K heap=8K stack=4K\nspawn P1 ed\nP1 pattern loop pages=2\n' | vmm run -
? 2
2> vmm: stdin:3:24: found end of line without refs=; expected 'P<n> pattern KIND pages=N refs=N [alpha=A] [write=P] [seed=N] [region=NAME] [value=BYTE] [phases=N] [phase-pages=N]'

# pattern with write= out of range
$ printf 'program ed text=8K data=4K heap=8K stack=4K\nspawn P1 ed\nP1 pattern uniform pages=2 refs=10 write=1.5\n' | vmm run -
? 2
2> vmm: stdin:3:36: 'write=1.5' is not a number in 0 .. 1; expected write=X such as 0.5

# pattern with a bad alpha
$ printf 'program ed text=8K data=4K heap=8K stack=4K\nspawn P1 ed\nP1 pattern zipf pages=2 refs=10 alpha=x\n' | vmm run -
? 2
2> vmm: stdin:3:33: 'alpha=x' is not a number in 0 .. 100; expected alpha=X such as 0.5

# pattern over more pages than the region has
$ printf 'program ed text=8K data=4K heap=8K stack=4K\nspawn P1 ed\nP1 pattern loop pages=3 refs=10\n' | vmm run -
? 2
1> stdin:2: P1 spawned (ed): text 0x400000 8K r-x, data 0x402000 4K rw-, heap 0x403000 8K rw-, stack 0x7fffffffe000 4K rw-
2> vmm: stdin:3:1: pattern over pages=3 but P1's heap region has 2 pages; expected pages=2 or fewer

# pattern phases without phase-pages=
$ printf 'program ed text=8K data=4K heap=8K stack=4K\nspawn P1 ed\nP1 pattern phases pages=2 refs=10\n' | vmm run -
? 2
2> vmm: stdin:3:34: found end of line without phase-pages=; expected it for 'pattern phases'

# pattern phases with a window wider than pages
$ printf 'program ed text=8K data=4K heap=8K stack=4K\nspawn P1 ed\nP1 pattern phases pages=2 refs=10 phase-pages=3\n' | vmm run -
? 2
2> vmm: stdin:3:12: phase-pages=3 is more than pages=2; expected a window inside the pages

# pattern in an unknown region
$ printf 'program ed text=8K data=4K heap=8K stack=4K\nspawn P1 ed\nP1 pattern loop pages=2 refs=10 region=hep\n' | vmm run -
? 2
2> vmm: stdin:3:33: unknown region in 'region=hep'; expected region=text, data, bss, heap or stack

# pattern with an unknown key
$ printf 'program ed text=8K data=4K heap=8K stack=4K\nspawn P1 ed\nP1 pattern loop pages=2 refs=10 speed=3\n' | vmm run -
? 2
2> vmm: stdin:3:33: unexpected 'speed=3'; expected pages=, refs=, alpha=, write=, seed=, region=, value=, phases=, phase-pages= (P<n> pattern KIND pages=N refs=N [alpha=A] [write=P] [seed=N] [region=NAME] [value=BYTE] [phases=N] [phase-pages=N])

# program flat with more after it
$ printf 'program f flat heap=4K\n' | vmm run -
? 2
2> vmm: stdin:1:16: unexpected 'heap=4K'; expected nothing after 'flat' (program NAME text=SIZE data=SIZE bss=SIZE heap=SIZE stack=SIZE [stack-limit=SIZE] [at=ADDR], or program NAME flat)

# program with a bad stack-limit
$ printf 'program f stack=4K stack-limit=big\n' | vmm run -
? 2
2> vmm: stdin:1:20: 'stack-limit=big' is not a size; expected stack-limit=SIZE (4096, 0x1000, 4K, 2M)

# an offset that leaves the address space
$ printf 'program ed text=8K data=4K heap=8K stack=4K\nspawn P1 ed\nP1 read text-8M\n' | vmm run -
? 2
1> stdin:2: P1 spawned (ed): text 0x400000 8K r-x, data 0x402000 4K rw-, heap 0x403000 8K rw-, stack 0x7fffffffe000 4K rw-
2> vmm: stdin:3:9: text-8M is outside the address space

# a process used before its fork
$ printf 'program ed text=8K data=4K heap=8K stack=4K\nspawn P1 ed\nP2 read data\nfork P1 P2\n' | vmm run -
? 2
2> vmm: stdin:3:1: P2 is not created before this line; expected 'spawn P2 PROGRAM' or 'fork P<n> P2' earlier

# trace of a file outside the files directory: refused before it is opened
$ printf 'program ed text=8K data=4K heap=8K stack=4K\nspawn P1 ed\nP1 trace ../golden/inputs/small.lackey\n' | vmm run -
? 2
1> stdin:2: P1 spawned (ed): text 0x400000 8K r-x, data 0x402000 4K rw-, heap 0x403000 8K rw-, stack 0x7fffffffe000 4K rw-
2> vmm: stdin:3:10: ../golden/inputs/small.lackey: '..' is not allowed; expected a path inside . (the files directory, --files DIR)

# trace with --files: relative paths start there
$ printf 'program f flat\nspawn P1 f\nP1 trace small.lackey\n' | vmm run --files inputs - | head -n 2
? 0
1> stdin:2: P1 spawned (f): all 0x0 (the whole 48-bit space) rwx
1> stdin:3: P1 trace small.lackey (lackey): 6 references

# --fail-read: the first read of the backing store (the swap-in) fails: the process is killed, the run goes on
$ printf 'frames 1\nprogram p heap=8K\nspawn P1 p\nP1 write heap len=8K\nP1 read heap\n' | vmm run --fail-read 1 - | head -n 2
? 0
1> stdin:3: P1 spawned (p): heap 0x400000 8K rw-
1> stdin:5: P1 killed: I/O error: reading swap slot 0: I/O error (injected: read number 1); its regions: heap 0x400000-0x402000 rw-

# --fail-write: the first write of the backing store (the swap-out) fails: the page is lost with its process
$ printf 'frames 1\nprogram p heap=8K\nspawn P1 p\nP1 write heap len=8K\nP1 read heap\n' | vmm run --fail-write 1 - | head -n 3
? 0
1> stdin:3: P1 spawned (p): heap 0x400000 8K rw-
1> stdin:4: P1 killed: I/O error, a page it holds is lost: writing swap slot 0: I/O error (injected: write number 1); its regions: heap 0x400000-0x402000 rw-
1> stdin:5: P1 is not running (killed: I/O error, a page it holds is lost: writing swap slot 0: I/O error (injected: write number 1)); statement skipped

# a test hook's value must be a number
$ vmm replay --fail-write x --refs 1
? 1
2> vmm: --fail-write: expected a whole number, found 'x'

# --files is for workloads only
$ vmm replay --files . --refs 1
? 1
2> vmm: --files: only for vmm run (the files a workload names)

# an unterminated string: at its opening quote
$ printf 'program ed text=8K data=4K heap=8K stack=4K\nspawn P1 ed\nP1 write heap "abc\n' | vmm run -
? 2
2> vmm: stdin:3:15: unterminated string; expected a closing '"' on the same line

# a bad escape in a string: at its backslash
$ printf 'program ed text=8K data=4K heap=8K stack=4K\nspawn P1 ed\nP1 check heap "ab\\e"\n' | vmm run -
? 2
2> vmm: stdin:3:18: bad escape '\e' in a string; expected \\, \", \n, \t, \r, \0 or \xHH (two hex digits)

# a string with len=
$ printf 'program ed text=8K data=4K heap=8K stack=4K\nspawn P1 ed\nP1 write heap "ab" len=2\n' | vmm run -
? 2
2> vmm: stdin:3:20: unexpected 'len=2' with a string; expected the string alone (its bytes are the values, its length the length)

# munmap of a name no mmap gives
$ printf 'program ed text=8K data=4K heap=8K stack=4K\nspawn P1 ed\nmmap P1 buf anon shared len=4K\nmunmap P1 buff\n' | vmm run -
? 2
2> vmm: stdin:4:11: unknown mapping 'buff'; expected a name that an earlier mmap gives (buf)

# anon without len=
$ printf 'program ed text=8K data=4K heap=8K stack=4K\nspawn P1 ed\nmmap P1 buf anon shared\n' | vmm run -
? 2
2> vmm: stdin:3:24: found end of line without len=; expected len=SIZE with anon (the size of the shared memory)

# a private mapping of a file read back with string checks: they pass (exit 0); the write stays private
$ printf 'program ed text=8K data=4K heap=8K stack=4K\nspawn P1 ed\nmmap P1 m file=inputs/small.lackey private\nP1 check m "==123== Lackey\\n"\nP1 write m "changed"\nP1 check m+87 "\\0"\n' | vmm run - > /dev/null
? 0

# mmap of a file that is not there: at its file= token
$ printf 'program ed text=8K data=4K heap=8K stack=4K\nspawn P1 ed\nmmap P1 m file=nosuch shared\n' | vmm run -
? 2
1> stdin:2: P1 spawned (ed): text 0x400000 8K r-x, data 0x402000 4K rw-, heap 0x403000 8K rw-, stack 0x7fffffffe000 4K rw-
2> vmm: stdin:3:11: nosuch: cannot open: No such file or directory

# mmap of a file outside the files directory
$ printf 'program ed text=8K data=4K heap=8K stack=4K\nspawn P1 ed\nmmap P1 m file=../golden/inputs/small.lackey private\n' | vmm run -
? 2
1> stdin:2: P1 spawned (ed): text 0x400000 8K r-x, data 0x402000 4K rw-, heap 0x403000 8K rw-, stack 0x7fffffffe000 4K rw-
2> vmm: stdin:3:11: ../golden/inputs/small.lackey: '..' is not allowed; expected a path inside . (the files directory, --files DIR)

# with --files, file= paths start there: the first check passes, the second finds '3' (0x33)
$ printf 'program ed text=8K data=4K heap=8K stack=4K\nspawn P1 ed\nmmap P1 m file=small.lackey private prot=r\nP1 check m "==123=="\nP1 check m "==124=="\n' | vmm run --files inputs - | grep check
? 0
1> stdin:5: check failed: P1 m (0x7fffff7fc000): expected 0x34, found 0x33 at byte 4
2> vmm: 1 check(s) failed

# an address in a mapping the process does not have now
$ printf 'program ed text=8K data=4K heap=8K stack=4K\nspawn P1 ed\nspawn P2 ed\nmmap P1 m anon shared len=4K\nP2 read m+16\n' | vmm run -
? 2
1> stdin:2: P1 spawned (ed): text 0x400000 8K r-x, data 0x402000 4K rw-, heap 0x403000 8K rw-, stack 0x7fffffffe000 4K rw-
1> stdin:3: P2 spawned (ed): text 0x400000 8K r-x, data 0x402000 4K rw-, heap 0x403000 8K rw-, stack 0x7fffffffe000 4K rw-
1> stdin:4: P1 mmap m: 0x7fffff7fc000 4K (4096 bytes, 1 page), new anonymous shared memory, rw-
2> vmm: stdin:5:9: P2 has no mapping m now; expected one of its mappings (none), or 'mmap P2 m ...' before this statement

# an offset that is not page aligned: at its offset= token
$ printf 'program ed text=8K data=4K heap=8K stack=4K\nspawn P1 ed\nmmap P1 m file=inputs/small.lackey private offset=16\n' | vmm run -
? 2
1> stdin:2: P1 spawned (ed): text 0x400000 8K r-x, data 0x402000 4K rw-, heap 0x403000 8K rw-, stack 0x7fffffffe000 4K rw-
2> vmm: stdin:3:44: offset=16 is not a multiple of the page size (4096); expected a page-aligned offset
