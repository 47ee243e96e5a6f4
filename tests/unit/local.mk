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
