/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * National Semiconductor PC16550D UART, device "uart16550". Output 0 = its interrupt line.
 * Props: base (0x3F8), irq (4: which ISA IRQ the board wires it to; COM1-4 are 3F8/4, 2F8/3,
 * 3E8/4, 2E8/3), out2_gates_irq (the PC's OUT2 gate on the interrupt line, default on).
 *
 * Host side: a backend receives every byte the guest transmits (at the end of its character
 * time on guest time); the host pushes input bytes, which arrive one character time apart.
 */
#ifndef AMBER_CHIPSET_UART16550_H
#define AMBER_CHIPSET_UART16550_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/device.h"

extern const DeviceClass uart16550_class;

typedef void (*UartTxFn)(void *opaque, uint8_t byte);

void uart16550_set_backend(Device *dev, UartTxFn tx, void *opaque);
/* Queues input bytes on the line; returns how many were accepted (the line buffers 256). */
size_t uart16550_receive(Device *dev, const uint8_t *buf, size_t len);
size_t uart16550_rx_space(Device *dev);
/* Levels of the modem inputs (default: CTS, DSR, DCD asserted, RI off). */
void uart16550_set_modem_inputs(Device *dev, bool cts, bool dsr, bool ri, bool dcd);
/* The irq prop, for the board's wiring. */
unsigned uart16550_irq_number(Device *dev);

#endif
