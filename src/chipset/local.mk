# SPDX-License-Identifier: GPL-2.0-or-later
libamber_a_SOURCES += \
	src/chipset/pic8259.h src/chipset/pic8259.c
libamber_a_SOURCES += src/chipset/fdc82077.h src/chipset/fdc82077.c
libamber_a_SOURCES += src/chipset/pit8254.h src/chipset/pit8254.c
libamber_a_SOURCES += src/chipset/rtc_cmos.h src/chipset/rtc_cmos.c
libamber_a_SOURCES += src/chipset/ide.h src/chipset/ide.c
libamber_a_SOURCES += \
	src/chipset/ps2.h src/chipset/scancodes.h src/chipset/scancodes.c \
	src/chipset/kbc8042.h src/chipset/kbc8042.c src/chipset/ps2kbd.h src/chipset/ps2kbd.c \
	src/chipset/port92.h src/chipset/port92.c
libamber_a_SOURCES += src/chipset/debugport.h src/chipset/debugport.c
libamber_a_SOURCES += src/chipset/dma8237.h src/chipset/dma8237.c
libamber_a_SOURCES += src/chipset/uart16550.h src/chipset/uart16550.c
libamber_a_SOURCES += \
	src/chipset/pci.h src/chipset/pci.c src/chipset/pci_host.h src/chipset/pci_host.c \
	src/chipset/i440fx.h src/chipset/i440fx.c src/chipset/piix3.h src/chipset/piix3.c
libamber_a_SOURCES += src/chipset/ps2mouse.h src/chipset/ps2mouse.c
libamber_a_SOURCES += src/chipset/piix4_pm.h src/chipset/piix4_pm.c
libamber_a_SOURCES += src/chipset/apicbus.h src/chipset/ioapic.h src/chipset/ioapic.c
libamber_a_SOURCES += src/chipset/lapic.h src/chipset/lapic.c
