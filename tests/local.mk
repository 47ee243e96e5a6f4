# SPDX-License-Identifier: GPL-2.0-or-later
# Script tests and suite-wide helpers.
TESTS += tests/cli/test_cli.sh
EXTRA_DIST += tests/cli/test_cli.sh tests/testlib.h

# The tests .ci/run repeats under AddressSanitizer + UBSan: every compiled test program
# (unit, device and CPU tests), not the scripts.
print-sanitizer-tests:
	@echo $(filter tests/unit/% tests/dev/% tests/cpu/%,$(check_PROGRAMS))
.PHONY: print-sanitizer-tests
