/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Motorola MC146818A real-time clock with its CMOS RAM, device "rtc_cmos".
 * Output 0 = IRQ 8. Props: base (0x70), time=fixed|host, epoch=YYYY-MM-DDTHH:MM:SS (for fixed,
 * default 2000-01-01T00:00:00). The clock advances with guest time only.
 */
#ifndef AMBER_CHIPSET_RTC_CMOS_H
#define AMBER_CHIPSET_RTC_CMOS_H

#include <stdbool.h>
#include <stdint.h>

#include "core/device.h"

extern const DeviceClass rtc_cmos_class;

/* Board-facing: CMOS bytes the firmware reads (memory sizes, floppy and disk types, equipment,
 * boot order). index is 0..127; 0x00-0x0D are the clock's registers. Call after realize. */
void rtc_cmos_set_byte(Device *dev, unsigned index, uint8_t v);
uint8_t rtc_cmos_get_byte(Device *dev, unsigned index);
/* Stores the AT checksum: the 16-bit sum of 0x10-0x2D at 0x2E (high byte) and 0x2F (low). */
void rtc_cmos_fix_checksum(Device *dev);
/* Bit 7 of the last index written to port 0x70: NMI disabled. */
bool rtc_cmos_nmi_masked(Device *dev);

#endif
