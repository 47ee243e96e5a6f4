# SPDX-License-Identifier: GPL-2.0-or-later
# x86pm: protected-mode / paging / V86 test programs (nasm, assembled here) and their harness
PM_SRC = $(srcdir)/tests/cpu/pm
PM_NASM = $(AM_V_GEN)$(MKDIR_P) tests/cpu/pm && $(NASM) -f bin -I$(PM_SRC)/ -o $@
PM_BINS = tests/cpu/pm/basic.bin tests/cpu/pm/faults.bin tests/cpu/pm/gates.bin tests/cpu/pm/tasks.bin tests/cpu/pm/paging.bin \
	tests/cpu/pm/v86.bin tests/cpu/pm/triple.bin tests/cpu/pm/taskfault.bin tests/cpu/pm/p286.bin
# x86p6: 486 / Pentium / Pentium II programs (each names its model on its first line)
PM_BINS += tests/cpu/pm/i486.bin tests/cpu/pm/pentium.bin tests/cpu/pm/p6.bin \
	tests/cpu/pm/features.bin tests/cpu/pm/vme.bin tests/cpu/pm/mmx.bin
check_PROGRAMS += tests/cpu/test_pm
TESTS += tests/cpu/test_pm
tests_cpu_test_pm_SOURCES = tests/cpu/test_pm.c
tests_cpu_test_pm_LDADD = $(AMBER_LIBS)
EXTRA_tests_cpu_test_pm_DEPENDENCIES = $(PM_BINS)
CLEANFILES += $(PM_BINS)
EXTRA_DIST += tests/cpu/pm/common.inc tests/cpu/pm/basic.asm tests/cpu/pm/basic.ref \
	tests/cpu/pm/faults.asm tests/cpu/pm/faults.ref tests/cpu/pm/gates.asm tests/cpu/pm/gates.ref \
	tests/cpu/pm/tasks.asm tests/cpu/pm/tasks.ref \
	tests/cpu/pm/paging.asm tests/cpu/pm/paging.ref \
	tests/cpu/pm/v86.asm tests/cpu/pm/v86.ref tests/cpu/pm/triple.asm tests/cpu/pm/triple.ref \
	tests/cpu/pm/taskfault.asm tests/cpu/pm/taskfault.ref \
	tests/cpu/pm/p286.asm tests/cpu/pm/p286.ref
EXTRA_DIST += tests/cpu/pm/i486.asm tests/cpu/pm/i486.ref \
	tests/cpu/pm/pentium.asm tests/cpu/pm/pentium.ref tests/cpu/pm/p6.asm tests/cpu/pm/p6.ref
EXTRA_DIST += tests/cpu/pm/features.asm tests/cpu/pm/features.ref \
	tests/cpu/pm/vme.asm tests/cpu/pm/vme.ref tests/cpu/pm/mmx.asm tests/cpu/pm/mmx.ref
tests/cpu/pm/mmx.bin: tests/cpu/pm/mmx.asm tests/cpu/pm/common.inc
	$(PM_NASM) $(PM_SRC)/mmx.asm
tests/cpu/pm/vme.bin: tests/cpu/pm/vme.asm tests/cpu/pm/common.inc
	$(PM_NASM) $(PM_SRC)/vme.asm
tests/cpu/pm/features.bin: tests/cpu/pm/features.asm tests/cpu/pm/common.inc
	$(PM_NASM) $(PM_SRC)/features.asm
tests/cpu/pm/p6.bin: tests/cpu/pm/p6.asm tests/cpu/pm/common.inc
	$(PM_NASM) $(PM_SRC)/p6.asm
tests/cpu/pm/pentium.bin: tests/cpu/pm/pentium.asm tests/cpu/pm/common.inc
	$(PM_NASM) $(PM_SRC)/pentium.asm
tests/cpu/pm/i486.bin: tests/cpu/pm/i486.asm tests/cpu/pm/common.inc
	$(PM_NASM) $(PM_SRC)/i486.asm
tests/cpu/pm/basic.bin: tests/cpu/pm/basic.asm tests/cpu/pm/common.inc
	$(PM_NASM) $(PM_SRC)/basic.asm
# x86core: SingleStepTests 8086 / 80286 real-mode vectors
check_PROGRAMS += tests/cpu/sst
TESTS += tests/cpu/sst
tests_cpu_sst_SOURCES = tests/cpu/sst.c
tests_cpu_sst_LDADD = $(AMBER_LIBS)
tests/cpu/pm/faults.bin: tests/cpu/pm/faults.asm tests/cpu/pm/common.inc
	$(PM_NASM) $(PM_SRC)/faults.asm
tests/cpu/pm/gates.bin: tests/cpu/pm/gates.asm tests/cpu/pm/common.inc
	$(PM_NASM) $(PM_SRC)/gates.asm
tests/cpu/pm/tasks.bin: tests/cpu/pm/tasks.asm tests/cpu/pm/common.inc
	$(PM_NASM) $(PM_SRC)/tasks.asm
tests/cpu/pm/paging.bin: tests/cpu/pm/paging.asm tests/cpu/pm/common.inc
	$(PM_NASM) $(PM_SRC)/paging.asm
tests/cpu/pm/v86.bin: tests/cpu/pm/v86.asm tests/cpu/pm/common.inc
	$(PM_NASM) $(PM_SRC)/v86.asm
tests/cpu/pm/triple.bin: tests/cpu/pm/triple.asm tests/cpu/pm/common.inc
	$(PM_NASM) $(PM_SRC)/triple.asm
tests/cpu/pm/taskfault.bin: tests/cpu/pm/taskfault.asm tests/cpu/pm/common.inc
	$(PM_NASM) $(PM_SRC)/taskfault.asm
# x86core: Valgrind's IA-32 integer table on the 386 model
check_PROGRAMS += tests/cpu/valgrind_x86
TESTS += tests/cpu/valgrind_x86
tests_cpu_valgrind_x86_SOURCES = tests/cpu/valgrind_x86.c
tests_cpu_valgrind_x86_LDADD = $(AMBER_LIBS)
tests/cpu/pm/p286.bin: tests/cpu/pm/p286.asm
	$(PM_NASM) $(PM_SRC)/p286.asm
