# SPDX-License-Identifier: GPL-2.0-or-later
check_PROGRAMS += tests/unit/test_state
TESTS += tests/unit/test_state
tests_unit_test_state_SOURCES = tests/unit/test_state.c
tests_unit_test_state_LDADD = $(AMBER_LIBS)
