/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Intel 82371AB PIIX4 function 3, power management (ACPI PM timer, SCI, soft-off, SMBus host),
 * device "piix4-pm": PCI function 8086:7113, as QEMU's "pc" machine pairs it with i440FX + PIIX3.
 *
 * How a board wires it (pc-i440fx):
 *   - Create it after the PCI host bridge ("pci_host"): it adds itself to bus 0 at realize.
 *   - Props: slot (default 1) and function (default 3) -> 00:01.3, beside the PIIX3 (whose
 *     function 0 declares a multi-function header, so SeaBIOS scans 01.1-01.3).
 *   - Output PIIX4_PM_OUT_SCI (0) is the SCI, active high while asserted (a level): connect it to
 *     PIC input 9 (ISA IRQ 9, the PIIX4 boards' SCI line). SeaBIOS writes interrupt line 9 into
 *     config 3Ch, puts sci_int = 9 in its FADT and an IRQ 9 level override in its MADT; Linux then
 *     sets IRQ 9 level-triggered in the ELCR itself (the pic8259 "elcr" prop must be on).
 *     With an I/O APIC, connect the same output to its input 9 as well.
 *   - Nothing else: the device claims the APM ports B2h/B3h (fixed in the PIIX4) at realize, and
 *     maps its PM block (64 bytes at PMBA), SMBus block (16 bytes at SMBBA) and, with prop gpe0,
 *     the GPE0 block when the guest enables them. SeaBIOS puts PMBA at B000h, SMBBA at B100h.
 *   - Props for emulator-only firmware expectations (both on by default, for SeaBIOS):
 *       smi-handler (bool, on): Amber has no SMM, so the device plays the firmware's SMI handler
 *         for APMC commands: F1h (FADT acpi_enable) sets SCI_EN, F0h (acpi_disable) clears it;
 *         and DEVACTB.APMC_EN reads as set from reset, which firmware that installs its own SMM
 *         handler (Bochs BIOS, SeaBIOS built with SMM) reads as "SMM already set up".
 *       gpe0 (uint, 0xAFE0; 0 = none): the 4-byte GPE0 block SeaBIOS's FADT points at (QEMU's
 *         PIIX4 hot-plug block, not a PIIX4 register), so ACPI sees a quiet GPE block instead of
 *         floating ports.
 * Soft-off (PMCNTRL SUS_EN with SUS_TYP 0, the \_S5 value of SeaBIOS's DSDT) calls
 * machine_request_power_off().
 */
#ifndef AMBER_CHIPSET_PIIX4_PM_H
#define AMBER_CHIPSET_PIIX4_PM_H

#include "core/device.h"

extern const DeviceClass piix4_pm_class;

#define PIIX4_PM_OUT_SCI 0

/* The PM timer's rate: 14.31818 MHz / 4 (ACPI 1.0 §4.7.3.3; PIIX4 data sheet §7.2 PMTMR). */
#define PIIX4_PM_TIMER_HZ 3579545u

#endif
