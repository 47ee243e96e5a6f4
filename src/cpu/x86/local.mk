# SPDX-License-Identifier: GPL-2.0-or-later
# x86pm: segmentation, paging, interrupts, tasks, far transfers, system instructions
libamber_a_SOURCES += \
	src/cpu/x86/prot.h src/cpu/x86/seg.c src/cpu/x86/mmu.c src/cpu/x86/intr.c \
	src/cpu/x86/task.c src/cpu/x86/farctl.c src/cpu/x86/sysinsn.c
