/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The x86 I/O port space: 65,536 byte ports.
 *
 * Each port holds a small index into a table of claims (0 = unclaimed), so the per-machine map is
 * 128 KiB and a claim's owner name is stored once. A 16- or 32-bit access goes to the handler
 * natively only when one claim covers every byte port of the access and the handler says it
 * accepts that width; otherwise it is split into byte accesses, low port first, assembled
 * little-endian - what an 8-bit ISA card sees on a 16-bit bus. Port numbers wrap at 0xFFFF.
 *
 * Unclaimed reads float high; unclaimed writes are dropped. Both are counted (per access, or per
 * byte when an access is only partly claimed), and logged under LOG_IO when it is enabled.
 */
#include "core/iobus.h"

#include <stdlib.h>
#include <string.h>

#define IO_PORTS 65536u

typedef struct IoClaim {
    char *owner;        /* NULL: free slot */
    const IoOps *ops;
    void *opaque;
    uint32_t ports;     /* ports still claimed through this slot */
} IoClaim;

struct IoBus {
    Log *log;
    uint16_t port[IO_PORTS]; /* index into claim[], 0 = unclaimed */
    IoClaim *claim;          /* claim[0] is never used */
    uint32_t claim_count;
    uint32_t claim_cap;
    uint64_t unclaimed_reads;
    uint64_t unclaimed_writes;
};

IoBus *iobus_new(Log *log, AmberError *err)
{
    IoBus *bus = calloc(1, sizeof *bus);
    if (!bus) {
        amber_error(err, "I/O bus: out of memory");
        return NULL;
    }
    bus->log = log;
    bus->claim_cap = 32;
    bus->claim = calloc(bus->claim_cap, sizeof *bus->claim);
    if (!bus->claim) {
        free(bus);
        amber_error(err, "I/O bus: out of memory");
        return NULL;
    }
    bus->claim_count = 1; /* slot 0 means "unclaimed" */
    return bus;
}

void iobus_free(IoBus *bus)
{
    if (!bus) {
        return;
    }
    for (uint32_t i = 0; i < bus->claim_count; i++) {
        free(bus->claim[i].owner);
    }
    free(bus->claim);
    free(bus);
}

bool iobus_register(IoBus *bus, const char *owner, uint16_t base, uint32_t count, const IoOps *ops,
                    void *opaque, AmberError *err)
{
    owner = owner ? owner : "?";
    if (!ops || (!ops->read && !ops->write)) {
        return amber_error(err, "I/O bus: '%s' claims ports 0x%x.. without handlers", owner, base);
    }
    if (count == 0 || count > IO_PORTS - base) {
        return amber_error(err, "I/O bus: '%s' claims %u ports from 0x%x, past the end of the "
                           "64 Ki port space", owner, count, base);
    }
    for (uint32_t p = base; p < base + count; p++) {
        if (bus->port[p]) {
            uint32_t other = p;
            while (other + 1 < base + count && bus->port[other + 1] == bus->port[p]) {
                other++;
            }
            return amber_error(err,
                               "I/O bus: '%s' claims ports 0x%x-0x%x, but ports 0x%x-0x%x are "
                               "already claimed by '%s'",
                               owner, base, base + count - 1, p, other,
                               bus->claim[bus->port[p]].owner);
        }
    }
    /* Find a free claim slot, or grow the table. */
    uint32_t slot = 0;
    for (uint32_t i = 1; i < bus->claim_count; i++) {
        if (!bus->claim[i].owner) {
            slot = i;
            break;
        }
    }
    if (!slot) {
        if (bus->claim_count >= IO_PORTS) {
            return amber_error(err, "I/O bus: too many port claims ('%s')", owner);
        }
        if (bus->claim_count == bus->claim_cap) {
            uint32_t cap = bus->claim_cap * 2;
            IoClaim *n = realloc(bus->claim, cap * sizeof *n);
            if (!n) {
                return amber_error(err, "I/O bus: out of memory claiming ports for '%s'", owner);
            }
            memset(n + bus->claim_cap, 0, (cap - bus->claim_cap) * sizeof *n);
            bus->claim = n;
            bus->claim_cap = cap;
        }
        slot = bus->claim_count++;
    }
    char *name = strdup(owner);
    if (!name) {
        return amber_error(err, "I/O bus: out of memory claiming ports for '%s'", owner);
    }
    bus->claim[slot] = (IoClaim){ name, ops, opaque, count };
    for (uint32_t p = base; p < base + count; p++) {
        bus->port[p] = (uint16_t)slot;
    }
    return true;
}

void iobus_unregister(IoBus *bus, uint16_t base, uint32_t count)
{
    for (uint32_t p = base; p < (uint32_t)base + count && p < IO_PORTS; p++) {
        uint16_t slot = bus->port[p];
        if (!slot) {
            continue;
        }
        bus->port[p] = 0;
        IoClaim *c = &bus->claim[slot];
        if (--c->ports == 0) {
            free(c->owner);
            *c = (IoClaim){ 0 };
        }
    }
}

bool iobus_claimed(const IoBus *bus, uint16_t port)
{
    return bus->port[port] != 0;
}

uint64_t iobus_unclaimed_reads(const IoBus *bus)
{
    return bus->unclaimed_reads;
}

uint64_t iobus_unclaimed_writes(const IoBus *bus)
{
    return bus->unclaimed_writes;
}

static uint32_t io_ones(unsigned size)
{
    return size >= 4 ? 0xffffffffu : (1u << (size * 8)) - 1;
}

static void io_unclaimed_read(IoBus *bus, uint16_t port, unsigned size)
{
    bus->unclaimed_reads++;
    if (amber_log_enabled(bus->log, LOG_IO)) {
        amber_log(bus->log, LOG_IO, "unclaimed in%u from port 0x%04x", size * 8, port);
    }
}

static void io_unclaimed_write(IoBus *bus, uint16_t port, uint32_t v, unsigned size)
{
    bus->unclaimed_writes++;
    if (bus->log) {
        bus->log->unclaimed_io_writes++;
    }
    if (amber_log_enabled(bus->log, LOG_IO)) {
        amber_log(bus->log, LOG_IO, "unclaimed out%u to port 0x%04x = 0x%x", size * 8, port, v);
    }
}

/* The claim that serves an access natively, or 0 when the access must be split (or is wholly
 * unclaimed, which *all_free reports). */
static uint16_t io_native(const IoBus *bus, uint16_t port, unsigned size, bool *all_free)
{
    uint16_t slot = bus->port[port];
    bool same = true;
    bool free_all = slot == 0;
    for (unsigned i = 1; i < size; i++) {
        uint16_t s = bus->port[(uint16_t)(port + i)];
        same = same && s == slot;
        free_all = free_all && s == 0;
    }
    *all_free = free_all;
    if (!slot || !same) {
        return 0;
    }
    unsigned sizes = bus->claim[slot].ops->sizes;
    if (size == 1 || (sizes & size)) {
        return slot;
    }
    return 0;
}

static uint32_t io_read(IoBus *bus, uint16_t port, unsigned size)
{
    bool all_free;
    uint16_t slot = io_native(bus, port, size, &all_free);
    if (all_free) {
        io_unclaimed_read(bus, port, size);
        return io_ones(size);
    }
    if (slot) {
        const IoClaim *c = &bus->claim[slot];
        return c->ops->read ? c->ops->read(c->opaque, port, size) & io_ones(size) : io_ones(size);
    }
    uint32_t v = 0;
    for (unsigned i = 0; i < size; i++) {
        v |= io_read(bus, (uint16_t)(port + i), 1) << (8 * i);
    }
    return v;
}

static void io_write(IoBus *bus, uint16_t port, uint32_t v, unsigned size)
{
    bool all_free;
    uint16_t slot = io_native(bus, port, size, &all_free);
    if (all_free) {
        io_unclaimed_write(bus, port, v, size);
        return;
    }
    if (slot) {
        const IoClaim *c = &bus->claim[slot];
        if (c->ops->write) {
            c->ops->write(c->opaque, port, v & io_ones(size), size);
        }
        return;
    }
    for (unsigned i = 0; i < size; i++) {
        io_write(bus, (uint16_t)(port + i), (v >> (8 * i)) & 0xff, 1);
    }
}

uint8_t iobus_read8(IoBus *bus, uint16_t port) { return (uint8_t)io_read(bus, port, 1); }
uint16_t iobus_read16(IoBus *bus, uint16_t port) { return (uint16_t)io_read(bus, port, 2); }
uint32_t iobus_read32(IoBus *bus, uint16_t port) { return io_read(bus, port, 4); }
void iobus_write8(IoBus *bus, uint16_t port, uint8_t v) { io_write(bus, port, v, 1); }
void iobus_write16(IoBus *bus, uint16_t port, uint16_t v) { io_write(bus, port, v, 2); }
void iobus_write32(IoBus *bus, uint16_t port, uint32_t v) { io_write(bus, port, v, 4); }
