# SPDX-License-Identifier: GPL-2.0-or-later
check_PROGRAMS += tests/unit/test_state
TESTS += tests/unit/test_state
tests_unit_test_state_SOURCES = tests/unit/test_state.c
tests_unit_test_state_LDADD = $(AMBER_LIBS)
check_PROGRAMS += tests/unit/test_blockdev
TESTS += tests/unit/test_blockdev
tests_unit_test_blockdev_SOURCES = tests/unit/test_blockdev.c
tests_unit_test_blockdev_LDADD = $(AMBER_LIBS)
check_PROGRAMS += tests/unit/test_membus tests/unit/test_iobus tests/unit/test_clock
TESTS += tests/unit/test_membus tests/unit/test_iobus tests/unit/test_clock
tests_unit_test_membus_SOURCES = tests/unit/test_membus.c
tests_unit_test_membus_LDADD = $(AMBER_LIBS)
tests_unit_test_iobus_SOURCES = tests/unit/test_iobus.c
tests_unit_test_iobus_LDADD = $(AMBER_LIBS)
tests_unit_test_clock_SOURCES = tests/unit/test_clock.c
tests_unit_test_clock_LDADD = $(AMBER_LIBS)
check_PROGRAMS += tests/unit/test_savestate
TESTS += tests/unit/test_savestate
tests_unit_test_savestate_SOURCES = tests/unit/test_savestate.c
tests_unit_test_savestate_LDADD = $(AMBER_LIBS)
check_PROGRAMS += tests/unit/test_device tests/unit/test_machine tests/unit/test_log
TESTS += tests/unit/test_device tests/unit/test_machine tests/unit/test_log
tests_unit_test_device_SOURCES = tests/unit/test_device.c
tests_unit_test_device_LDADD = $(AMBER_LIBS)
tests_unit_test_machine_SOURCES = tests/unit/test_machine.c
tests_unit_test_machine_LDADD = $(AMBER_LIBS)
tests_unit_test_log_SOURCES = tests/unit/test_log.c
tests_unit_test_log_LDADD = $(AMBER_LIBS)
check_PROGRAMS += tests/unit/test_profile
TESTS += tests/unit/test_profile
tests_unit_test_profile_SOURCES = tests/unit/test_profile.c
tests_unit_test_profile_LDADD = $(AMBER_LIBS)
# x86core: interpreter unit tests
check_PROGRAMS += tests/unit/test_x86_cpu
TESTS += tests/unit/test_x86_cpu
tests_unit_test_x86_cpu_SOURCES = tests/unit/test_x86_cpu.c
tests_unit_test_x86_cpu_LDADD = $(AMBER_LIBS)
# fpu: the x87 against the host's x87
check_PROGRAMS += tests/unit/test_x87
TESTS += tests/unit/test_x87
tests_unit_test_x87_SOURCES = tests/unit/test_x87.c
tests_unit_test_x87_LDADD = $(AMBER_LIBS)
# x86speed: the host-pointer TLB's invalidation cases
check_PROGRAMS += tests/unit/test_x86_tlb
TESTS += tests/unit/test_x86_tlb
tests_unit_test_x86_tlb_SOURCES = tests/unit/test_x86_tlb.c
tests_unit_test_x86_tlb_LDADD = $(AMBER_LIBS)
