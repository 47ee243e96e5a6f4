# SPDX-License-Identifier: GPL-2.0-or-later
# x86pm: segmentation, paging, interrupts, tasks, far transfers, system instructions
libamber_a_SOURCES += \
	src/cpu/x86/prot.h src/cpu/x86/seg.c src/cpu/x86/mmu.c src/cpu/x86/intr.c \
	src/cpu/x86/task.c src/cpu/x86/farctl.c src/cpu/x86/sysinsn.c
# x86core: decode, execute, flags, models and timing, state table
libamber_a_SOURCES += \
	src/cpu/x86/cpu.h src/cpu/x86/exec.h src/cpu/x86/models.h src/cpu/x86/timing.h \
	src/cpu/x86/cpu.c src/cpu/x86/decode.c src/cpu/x86/access.c src/cpu/x86/flags.c \
	src/cpu/x86/exec_alu.c src/cpu/x86/exec_bcd.c src/cpu/x86/exec_move.c \
	src/cpu/x86/exec_string.c src/cpu/x86/exec_control.c src/cpu/x86/exec_system.c \
	src/cpu/x86/models.c src/cpu/x86/timing.c src/cpu/x86/cpu_state.c
# x86p6: 486 / Pentium / Pentium II additions
libamber_a_SOURCES += \
	src/cpu/x86/exec_ext.c src/cpu/x86/cpuid.c src/cpu/x86/msr.c src/cpu/x86/vme.c \
	src/cpu/x86/exec_mmx.c src/cpu/x86/fxsave.c
# fpu: the x87 (80-bit arithmetic, transcendentals, the ESC instruction set)
libamber_a_SOURCES += \
	src/cpu/x86/fpu.h src/cpu/x86/fpu_float80.h src/cpu/x86/fpu_float80.c \
	src/cpu/x86/fpu_transc.c src/cpu/x86/fpu_exec.c
# x86speed: the host-pointer TLB and the decode cache hit path (private headers)
libamber_a_SOURCES += src/cpu/x86/tlb.h src/cpu/x86/dcache.h
