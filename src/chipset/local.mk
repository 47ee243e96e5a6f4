# SPDX-License-Identifier: GPL-2.0-or-later
libamber_a_SOURCES += \
	src/chipset/pic8259.h src/chipset/pic8259.c
libamber_a_SOURCES += src/chipset/fdc82077.h src/chipset/fdc82077.c
libamber_a_SOURCES += src/chipset/pit8254.h src/chipset/pit8254.c
libamber_a_SOURCES += src/chipset/rtc_cmos.h src/chipset/rtc_cmos.c
libamber_a_SOURCES += src/chipset/ide.h src/chipset/ide.c
