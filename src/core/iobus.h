/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The x86 I/O space: 65,536 ports with 8/16/32-bit handlers. A device claims a range with one
 * handler set; a width the device does not implement is split into byte accesses (as the ISA bus
 * does). Unclaimed reads float high (all ones); unclaimed writes are ignored and counted in the
 * machine's log (component io).
 */
#ifndef AMBER_CORE_IOBUS_H
#define AMBER_CORE_IOBUS_H

#include <stdbool.h>
#include <stdint.h>

#include "core/error.h"
#include "core/log.h"

/* port is the absolute port number; size is 1, 2 or 4. A NULL read/write for a size means
 * "split into bytes"; the 1-byte handlers are required. */
typedef struct IoOps {
    uint32_t (*read)(void *opaque, uint16_t port, unsigned size);
    void (*write)(void *opaque, uint16_t port, uint32_t value, unsigned size);
    /* Sizes the handlers accept natively, as a bit mask of 1|2|4 (0 means 1 only). */
    unsigned sizes;
} IoOps;

typedef struct IoBus IoBus;

IoBus *iobus_new(Log *log, AmberError *err);
void iobus_free(IoBus *bus);
/* Claims ports [base, base+count). Overlapping an existing claim is an error naming both owners. */
bool iobus_register(IoBus *bus, const char *owner, uint16_t base, uint32_t count, const IoOps *ops,
                    void *opaque, AmberError *err);
void iobus_unregister(IoBus *bus, uint16_t base, uint32_t count);
bool iobus_claimed(const IoBus *bus, uint16_t port);

uint8_t iobus_read8(IoBus *bus, uint16_t port);
uint16_t iobus_read16(IoBus *bus, uint16_t port);
uint32_t iobus_read32(IoBus *bus, uint16_t port);
void iobus_write8(IoBus *bus, uint16_t port, uint8_t v);
void iobus_write16(IoBus *bus, uint16_t port, uint16_t v);
void iobus_write32(IoBus *bus, uint16_t port, uint32_t v);

uint64_t iobus_unclaimed_reads(const IoBus *bus);
uint64_t iobus_unclaimed_writes(const IoBus *bus);

#endif
