/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The ISA DMA interface between the 8237 pair and the devices that use DMA channels (floppy,
 * Sound Blaster). A device never includes the 8237's header: it registers a transfer callback for
 * its channel and raises/lowers DREQ through the machine's IsaDma. While DREQ is held and the
 * channel is unmasked, the controller calls the device's transfer callback, in which the device
 * moves bytes with isadma_read/isadma_write (which respect the channel's address, count,
 * direction and page register, and go through membus_dma_* bounds checks).
 */
#ifndef AMBER_CORE_ISADMA_H
#define AMBER_CORE_ISADMA_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Called by the controller for an active channel. pos is how many bytes of the current block were
 * already transferred, len the block length (count + 1, in bytes). The device transfers what it
 * can and returns the new position; reaching len means terminal count.
 */
typedef size_t (*IsaDmaTransferFn)(void *opaque, unsigned chan, size_t pos, size_t len);

typedef struct IsaDmaOps {
    bool (*register_channel)(void *dma, unsigned chan, IsaDmaTransferFn fn, void *opaque);
    void (*set_dreq)(void *dma, unsigned chan, bool level);
    /* Copies guest memory of the channel's current block at pos into buf (device reads memory,
     * i.e. a memory-to-device transfer). Returns bytes copied. */
    size_t (*read)(void *dma, unsigned chan, void *buf, size_t pos, size_t len);
    /* Copies buf into guest memory at the channel's block position pos. Returns bytes copied. */
    size_t (*write)(void *dma, unsigned chan, const void *buf, size_t pos, size_t len);
} IsaDmaOps;

typedef struct IsaDma {
    const IsaDmaOps *ops; /* NULL until the board has an 8237 */
    void *dma;
} IsaDma;

static inline bool isadma_register(IsaDma *d, unsigned chan, IsaDmaTransferFn fn, void *opaque)
{
    return d->ops && d->ops->register_channel(d->dma, chan, fn, opaque);
}
static inline void isadma_set_dreq(IsaDma *d, unsigned chan, bool level)
{
    if (d->ops) {
        d->ops->set_dreq(d->dma, chan, level);
    }
}
static inline size_t isadma_read(IsaDma *d, unsigned chan, void *buf, size_t pos, size_t len)
{
    return d->ops ? d->ops->read(d->dma, chan, buf, pos, len) : 0;
}
static inline size_t isadma_write(IsaDma *d, unsigned chan, const void *buf, size_t pos, size_t len)
{
    return d->ops ? d->ops->write(d->dma, chan, buf, pos, len) : 0;
}

#endif
