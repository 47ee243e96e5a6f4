# SPDX-License-Identifier: GPL-2.0-or-later
# Device tests (qtest style): CPU-less machines, ports poked, guest time stepped.
EXTRA_DIST += tests/dev/devtest.h

DEV_TESTS = \
	tests/dev/test_chipset_state \
	tests/dev/test_ps2mouse \
	tests/dev/test_pci \
	tests/dev/test_uart16550 \
	tests/dev/test_dma8237 \
	tests/dev/test_debugport \
	tests/dev/test_port92 \
	tests/dev/test_kbc8042 \
	tests/dev/test_rtc_cmos \
	tests/dev/test_pic8259 \
	tests/dev/test_pit8254
check_PROGRAMS += $(DEV_TESTS)
TESTS += $(DEV_TESTS)

tests_dev_test_pic8259_SOURCES = tests/dev/test_pic8259.c
tests_dev_test_pic8259_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests
tests_dev_test_pic8259_LDADD = $(AMBER_LIBS)

tests_dev_test_pit8254_SOURCES = tests/dev/test_pit8254.c
tests_dev_test_pit8254_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests
tests_dev_test_pit8254_LDADD = $(AMBER_LIBS)

check_PROGRAMS += tests/dev/test_fdc
TESTS += tests/dev/test_fdc
tests_dev_test_fdc_SOURCES = tests/dev/test_fdc.c
tests_dev_test_fdc_LDADD = $(AMBER_LIBS)

tests_dev_test_rtc_cmos_SOURCES = tests/dev/test_rtc_cmos.c
tests_dev_test_rtc_cmos_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests
tests_dev_test_rtc_cmos_LDADD = $(AMBER_LIBS)

check_PROGRAMS += tests/dev/test_vga
TESTS += tests/dev/test_vga
tests_dev_test_vga_SOURCES = tests/dev/test_vga.c
tests_dev_test_vga_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests
tests_dev_test_vga_LDADD = $(AMBER_LIBS)

check_PROGRAMS += tests/dev/test_ide
TESTS += tests/dev/test_ide
tests_dev_test_ide_SOURCES = tests/dev/test_ide.c
tests_dev_test_ide_LDADD = $(AMBER_LIBS)

tests_dev_test_kbc8042_SOURCES = tests/dev/test_kbc8042.c
tests_dev_test_kbc8042_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests
tests_dev_test_kbc8042_LDADD = $(AMBER_LIBS)

tests_dev_test_port92_SOURCES = tests/dev/test_port92.c
tests_dev_test_port92_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests
tests_dev_test_port92_LDADD = $(AMBER_LIBS)

tests_dev_test_debugport_SOURCES = tests/dev/test_debugport.c
tests_dev_test_debugport_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests
tests_dev_test_debugport_LDADD = $(AMBER_LIBS)

tests_dev_test_dma8237_SOURCES = tests/dev/test_dma8237.c
tests_dev_test_dma8237_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests
tests_dev_test_dma8237_LDADD = $(AMBER_LIBS)

tests_dev_test_uart16550_SOURCES = tests/dev/test_uart16550.c
tests_dev_test_uart16550_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests
tests_dev_test_uart16550_LDADD = $(AMBER_LIBS)

tests_dev_test_pci_SOURCES = tests/dev/test_pci.c
tests_dev_test_pci_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests
tests_dev_test_pci_LDADD = $(AMBER_LIBS)

tests_dev_test_ps2mouse_SOURCES = tests/dev/test_ps2mouse.c
tests_dev_test_ps2mouse_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests
tests_dev_test_ps2mouse_LDADD = $(AMBER_LIBS)

check_PROGRAMS += tests/dev/test_vga_pci
TESTS += tests/dev/test_vga_pci
tests_dev_test_vga_pci_SOURCES = tests/dev/test_vga_pci.c
tests_dev_test_vga_pci_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests
tests_dev_test_vga_pci_LDADD = $(AMBER_LIBS)

tests_dev_test_chipset_state_SOURCES = tests/dev/test_chipset_state.c
tests_dev_test_chipset_state_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests
tests_dev_test_chipset_state_LDADD = $(AMBER_LIBS)

check_PROGRAMS += tests/dev/test_ioapic
TESTS += tests/dev/test_ioapic
tests_dev_test_ioapic_SOURCES = tests/dev/test_ioapic.c
tests_dev_test_ioapic_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests
tests_dev_test_ioapic_LDADD = $(AMBER_LIBS)

check_PROGRAMS += tests/dev/test_piix4_pm
TESTS += tests/dev/test_piix4_pm
tests_dev_test_piix4_pm_SOURCES = tests/dev/test_piix4_pm.c
tests_dev_test_piix4_pm_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests
tests_dev_test_piix4_pm_LDADD = $(AMBER_LIBS)

check_PROGRAMS += tests/dev/test_lapic
TESTS += tests/dev/test_lapic
tests_dev_test_lapic_SOURCES = tests/dev/test_lapic.c
tests_dev_test_lapic_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests
tests_dev_test_lapic_LDADD = $(AMBER_LIBS)
