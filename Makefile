# vmm - GNU make is the entry point.
#   make                build build/vmm, build/libvmm.a, build/libvmm.so
#   make test           build and run every test (last line: N passed, N failed)
#   make run            run the built-in demo workload
#   make SANITIZE=address,undefined test    the same under the sanitizers
#   make format / make format-check         clang-format, with .clang-format
#   make install PREFIX=/usr/local DESTDIR= binary, libraries, header, pkg-config
#   make bench          the replay benchmark against a hand-written peer (bench/run.sh)
#   make bench-vmt      .vmt decoding speed (bench/vmt_speed.c)
#   make bench-sweep    a whole LRU fault curve against one LRU run (bench/sweep.sh)
#   make bench-memory   a 100 M-reference replay's memory against a 1 M one (bench/memory.sh)
#   make bench-shards   SHARDS' approximate LRU curves against the exact one (bench/shards.sh)
#   make bench-floor    fifo and clock in vmm against the same policies alone (bench/floor.sh)
# Only a C11 compiler, make and libc are required; zlib and liblzma are used
# when their headers are found (gzip/xz traces), and said so in `vmm --version`.

CC      ?= cc
PREFIX  ?= /usr/local
DESTDIR ?=
WERROR  ?= 0
OPT     ?= -O2

# Sanitizer builds live apart so their objects never mix with the normal ones.
ifneq ($(SANITIZE),)
BUILD   ?= build/san
SANFLAGS = -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
OPT      = -O1
else
BUILD   ?= build
SANFLAGS =
endif

# Warnings: the STYLE.md set minus -Wconversion (docs/design.md says why).
WARN = -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wpointer-arith \
       -Wformat=2 -Wundef -Wvla -Wno-format-nonliteral
ifeq ($(WERROR),1)
WARN += -Werror
endif

# Optional libraries, detected by compiling a probe.
probe = $(shell printf '#include <$(1)>\nint main(void){return 0;}\n' | \
          $(CC) -x c - -o /dev/null $(2) >/dev/null 2>&1 && echo 1)
HAVE_ZLIB := $(call probe,zlib.h,-lz)
HAVE_LZMA := $(call probe,lzma.h,-llzma)
FEATURES =
# Sweeps run their points in threads (src/sweep.c): POSIX threads, which
# -pthread sets up for the compiler and the linker alike.
LIBS = -pthread
ifeq ($(HAVE_ZLIB),1)
FEATURES += -DVMM_HAVE_ZLIB=1
LIBS += -lz
endif
ifeq ($(HAVE_LZMA),1)
FEATURES += -DVMM_HAVE_LZMA=1
LIBS += -llzma
endif

CPPFLAGS += -Iinclude -Isrc -I. -D_GNU_SOURCE $(FEATURES)
CFLAGS   ?= -g
ALLCFLAGS = -std=c11 $(OPT) $(CFLAGS) $(WARN) $(SANFLAGS) -pthread -fPIC -fvisibility=hidden -MMD -MP
LDFLAGS  += $(SANFLAGS)

LIB_SRC  := $(sort $(wildcard src/*.c src/policy/*.c src/trace/*.c src/report/*.c))
CLI_SRC  := $(sort $(wildcard cli/*.c))
TEST_SRC := $(sort $(wildcard tests/*.c))
FUZZ_SRC := $(sort $(wildcard fuzz/fuzz_*.c))
FUZZERS  := $(patsubst fuzz/libfuzzer_%.c,$(BUILD)/fuzz/%,$(wildcard fuzz/libfuzzer_*.c))

LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/obj/%.o) $(BUILD)/obj/gen/demo.o
CLI_OBJ  := $(CLI_SRC:%.c=$(BUILD)/obj/%.o)
TEST_OBJ := $(TEST_SRC:%.c=$(BUILD)/obj/%.o) $(FUZZ_SRC:%.c=$(BUILD)/obj/%.o)

.PHONY: all test run format format-check install uninstall clean bench bench-vmt bench-sweep bench-memory \
        bench-shards bench-floor fuzz
all: $(BUILD)/vmm $(BUILD)/libvmm.a $(BUILD)/libvmm.so

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALLCFLAGS) -c $< -o $@

# The built-in demo: examples/demo.vmw embedded as a C string.
$(BUILD)/gen/demo.c: examples/demo.vmw
	@mkdir -p $(dir $@)
	{ printf '/* generated from examples/demo.vmw by the Makefile */\n'; \
	  printf '#include "vmm.h"\n'; \
	  printf 'const char *vmm_demo_workload(void)\n{\n    return\n'; \
	  sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/        "/' -e 's/$$/\\n"/' $<; \
	  printf '        ;\n}\n'; } > $@
$(BUILD)/obj/gen/demo.o: $(BUILD)/gen/demo.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALLCFLAGS) -c $< -o $@

$(BUILD)/libvmm.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/libvmm.so: $(LIB_OBJ)
	$(CC) -shared -Wl,-soname,libvmm.so.0 $(LDFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/vmm: $(CLI_OBJ) $(BUILD)/libvmm.a
	$(CC) $(LDFLAGS) -o $@ $(CLI_OBJ) $(BUILD)/libvmm.a $(LIBS)

$(BUILD)/test_vmm: $(TEST_OBJ) $(BUILD)/libvmm.a
	$(CC) $(LDFLAGS) -o $@ $(TEST_OBJ) $(BUILD)/libvmm.a $(LIBS)

# The tests find the command and the data through these variables.
test: $(BUILD)/vmm $(BUILD)/test_vmm
	VMM=$(abspath $(BUILD)/vmm) VMM_TOP=$(CURDIR) $(BUILD)/test_vmm

# libFuzzer targets (clang): make fuzz, then build/fuzz/trace fuzz/corpus/trace
fuzz: $(FUZZERS)
$(BUILD)/fuzz/%: fuzz/libfuzzer_%.c fuzz/fuzz_%.c $(LIB_SRC) $(BUILD)/gen/demo.c
	@mkdir -p $(dir $@)
	clang -std=c11 -g -O1 -fsanitize=fuzzer,address,undefined $(CPPFLAGS) -I. -o $@ $^ $(LIBS)

run: $(BUILD)/vmm
	$(BUILD)/vmm run

bench: $(BUILD)/vmm
	bench/run.sh

# .vmt decoding speed (bench/vmt_speed.c; bench/RESULTS.md): make bench-vmt [VMT_REFS=N]
VMT_REFS ?= 50000000
$(BUILD)/bench/vmt_speed: bench/vmt_speed.c $(BUILD)/libvmm.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -std=c11 $(OPT) $(CFLAGS) $(WARN) $(SANFLAGS) -o $@ $< $(BUILD)/libvmm.a $(LIBS)
bench-vmt: $(BUILD)/bench/vmt_speed
	$(BUILD)/bench/vmt_speed $(VMT_REFS)

bench-sweep: $(BUILD)/vmm
	bench/sweep.sh

bench-memory: $(BUILD)/vmm
	bench/memory.sh

bench-shards: $(BUILD)/vmm
	bench/shards.sh

bench-floor: $(BUILD)/vmm
	bench/floor.sh

FORMAT_FILES = $(sort $(wildcard include/*.h src/*.[ch] src/*/*.[ch] cli/*.[ch] tests/*.[ch] \
                 fuzz/*.[ch] bench/*.[ch]))
format:
	clang-format -i $(FORMAT_FILES)
format-check:
	clang-format --dry-run --Werror $(FORMAT_FILES)

LIBDIR = $(PREFIX)/lib
install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(LIBDIR)/pkgconfig $(DESTDIR)$(PREFIX)/include
	install -m 755 $(BUILD)/vmm $(DESTDIR)$(PREFIX)/bin/vmm
	install -m 644 $(BUILD)/libvmm.a $(DESTDIR)$(LIBDIR)/libvmm.a
	install -m 755 $(BUILD)/libvmm.so $(DESTDIR)$(LIBDIR)/libvmm.so.0
	ln -sf libvmm.so.0 $(DESTDIR)$(LIBDIR)/libvmm.so
	install -m 644 include/vmm.h $(DESTDIR)$(PREFIX)/include/vmm.h
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' -e 's|@VERSION@|0.1.0|' \
	    -e 's|@LIBS@|$(LIBS)|' vmm.pc.in > $(DESTDIR)$(LIBDIR)/pkgconfig/vmm.pc
uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/vmm $(DESTDIR)$(LIBDIR)/libvmm.a $(DESTDIR)$(LIBDIR)/libvmm.so \
	      $(DESTDIR)$(LIBDIR)/libvmm.so.0 $(DESTDIR)$(PREFIX)/include/vmm.h \
	      $(DESTDIR)$(LIBDIR)/pkgconfig/vmm.pc

clean:
	rm -rf build

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(TEST_OBJ:.o=.d)
