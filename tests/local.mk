# SPDX-License-Identifier: GPL-2.0-or-later
# Script tests and suite-wide helpers.
TESTS += tests/cli/test_cli.sh tests/cli/test_run_errors.sh
EXTRA_DIST += tests/cli/test_cli.sh tests/cli/test_run_errors.sh tests/testlib.h

# No writable global or static data in libamber (see the script for the allow-list).
TESTS += tests/check-globals.sh
EXTRA_DIST += tests/check-globals.sh

# The tests .ci/run repeats under AddressSanitizer + UBSan: every compiled test program
# (unit, device and CPU tests), not the scripts.
# (A shell loop rather than $(filter ...): automake -Werror rejects functions in variable names.)
print-sanitizer-tests:
	@list=; for p in $(check_PROGRAMS); do \
	    case $$p in tests/unit/*|tests/dev/*|tests/cpu/*) list="$$list $$p";; esac; \
	done; echo $$list
.PHONY: print-sanitizer-tests
