/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * PCI configuration mechanism #1 (ports 0xCF8-0xCFF) with bus 0, device "pci_host", plus the
 * PIIX reset control register at 0xCF9. Create it before any PCI device: they find its bus
 * with pci_bus_find() (chipset/pci.h).
 */
#ifndef AMBER_CHIPSET_PCI_HOST_H
#define AMBER_CHIPSET_PCI_HOST_H

#include "core/device.h"

extern const DeviceClass pci_host_class;

#endif
