/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Two Intel 8237A DMA controllers as wired in the PC/AT, with the 74LS612 page registers.
 * Sources: Intel 8237A data sheet (order no. 231466): "Register description" (current/base
 * address and word count, command, mode, request, mask, status, temporary), "Software commands"
 * (clear byte pointer flip-flop, master clear, clear mask register), "Transfer modes" (demand,
 * single, block, cascade; auto-initialize; address increment/decrement; verify/write/read);
 * IBM PC/AT Technical Reference, "DMA controller" (controller 2 at 0xC0 with A0 unused, channel 4
 * cascades controller 1, 16-bit channels address words: A1-A16 from the controller, A17-A23 from
 * the page register with its bit 0 unused), page register ports 0x81-0x8F; Intel 82371 (PIIX3)
 * data sheet: reading the "write all mask" register returns the mask bits.
 *
 * Transfers: a device raises DREQ (isadma_set_dreq); on the next event the controller calls the
 * device's transfer callback for every requesting, unmasked channel of an enabled controller
 * (channels 0-3 also need channel 4 unmasked: controller 1's HRQ is controller 2's DREQ4). The
 * callback moves bytes with isadma_read/isadma_write and returns its new block position; the
 * controller then updates its current address/count and, at terminal count, sets the TC status
 * bit and either re-initializes (auto-init) or masks the channel, as the 8237 does. The callback
 * is called again while it makes progress and keeps DREQ high, and whenever DREQ is raised anew.
 * So transfers take no guest time of their own: a device paces itself by when it raises DREQ.
 *
 * The address counter wraps inside its 64 KiB (8-bit) or 128 KiB (16-bit) page without carrying
 * into the page register, as on the AT. Memory goes through membus_dma_read/write: a block that
 * is not guest RAM transfers nothing (the device sees 0 bytes copied).
 * Not modelled: memory-to-memory transfers (channel 0 -> 1; logged), the demand/single/block
 * distinction in timing (all behave as "as fast as the device supplies"), DACK/EOP polarity and
 * compressed/extended timing bits (stored in the command register, no effect).
 */
#include "chipset/dma8237.h"

#include <stdio.h>
#include <string.h>

#include "core/isadma.h"
#include "core/machine.h"

enum {
    CMD_MEM2MEM = 0x01,
    CMD_DISABLE = 0x04,
    MODE_TYPE_MASK = 0x0C,
    MODE_VERIFY = 0x00,
    MODE_WRITE = 0x04, /* device -> memory */
    MODE_READ = 0x08,  /* memory -> device */
    MODE_AUTOINIT = 0x10,
    MODE_DECREMENT = 0x20,
    MODE_CASCADE = 0xC0,
};

/* Page register port offsets per channel (AT: ch0 0x87, ch1 0x83, ch2 0x81, ch3 0x82, ch5 0x8B,
 * ch6 0x89, ch7 0x8A; ch4's 0x8F is unused by transfers). */
static const uint8_t dma_page_index[8] = {7, 3, 1, 2, 0xF, 0xB, 9, 0xA};

typedef struct DmaState {
    uint64_t base1;
    uint64_t base2;
    uint64_t page_base;

    uint16_t base_addr[8];
    uint16_t base_count[8];
    uint32_t pos[8]; /* bytes of the current block already transferred */
    uint8_t mode[8];
    uint8_t page[16];
    uint8_t command[2];
    uint8_t status[2];  /* bits 3:0 terminal count reached (cleared on read) */
    uint8_t request[2]; /* software requests (bits 3:0) */
    uint8_t mask[2];
    uint8_t flipflop[2];
    uint8_t dreq; /* hardware DREQ lines, bit per channel */

    bool once_m2m;
    Device *dev;
    Event *ev_run;
    IsaDmaTransferFn fn[8];
    void *fn_opaque[8];
} DmaState;

static const StateField dma_state_fields[] = {
    STATE_FIELD(DmaState, base_addr, STATE_U16, 8, STATE_FMT_HEX, 1),
    STATE_FIELD(DmaState, base_count, STATE_U16, 8, STATE_FMT_HEX, 1),
    STATE_FIELD(DmaState, pos, STATE_U32, 8, STATE_FMT_DEC, 1),
    STATE_FIELD(DmaState, mode, STATE_U8, 8, STATE_FMT_HEX, 1),
    STATE_FIELD(DmaState, page, STATE_U8, 16, STATE_FMT_HEX, 1),
    STATE_FIELD(DmaState, command, STATE_U8, 2, STATE_FMT_HEX, 1),
    STATE_FIELD(DmaState, status, STATE_U8, 2, STATE_FMT_HEX, 1),
    STATE_FIELD(DmaState, request, STATE_U8, 2, STATE_FMT_HEX, 1),
    STATE_FIELD(DmaState, mask, STATE_U8, 2, STATE_FMT_HEX, 1),
    STATE_FIELD(DmaState, flipflop, STATE_U8, 2, STATE_FMT_DEC, 1),
    STATE_FIELD(DmaState, dreq, STATE_U8, 1, STATE_FMT_HEX, 1),
    STATE_END,
};

static const PropDef dma_props[] = {
    {"base1", PROP_UINT, offsetof(DmaState, base1), 0, 0xFFF0, "0x00", NULL,
     "I/O base of controller 1 (channels 0-3)"},
    {"base2", PROP_UINT, offsetof(DmaState, base2), 0, 0xFFE0, "0xC0", NULL,
     "I/O base of controller 2 (channels 4-7)"},
    {"page", PROP_UINT, offsetof(DmaState, page_base), 0, 0xFFF0, "0x80", NULL,
     "I/O base of the 16 page registers (the first one is the POST code port)"},
    PROP_END,
};

static unsigned dma_unit(unsigned ch)
{
    return ch < 4 ? 1 : 2;
}

static uint16_t dma_cur_addr(const DmaState *s, unsigned ch)
{
    uint32_t n = s->pos[ch] / dma_unit(ch);
    return (uint16_t)(s->mode[ch] & MODE_DECREMENT ? s->base_addr[ch] - n : s->base_addr[ch] + n);
}

static uint16_t dma_cur_count(const DmaState *s, unsigned ch)
{
    return (uint16_t)(s->base_count[ch] - s->pos[ch] / dma_unit(ch));
}

static size_t dma_block_len(const DmaState *s, unsigned ch)
{
    return ((size_t)s->base_count[ch] + 1) * dma_unit(ch);
}

/* Physical address of byte i of the channel's block. */
static uint64_t dma_phys(const DmaState *s, unsigned ch, size_t i)
{
    uint8_t page = s->page[dma_page_index[ch]];
    bool dec = s->mode[ch] & MODE_DECREMENT;
    if (ch < 4) {
        uint16_t a = (uint16_t)(dec ? s->base_addr[ch] - i : s->base_addr[ch] + i);
        return (uint64_t)page << 16 | a;
    }
    /* 16-bit: word addresses; the byte within a word always counts up. */
    size_t w = i / 2;
    uint16_t a = (uint16_t)(dec ? s->base_addr[ch] - w : s->base_addr[ch] + w);
    return (uint64_t)(page & 0xFE) << 16 | (uint64_t)a << 1 | (i & 1);
}

/* Copies between guest memory and buf for block bytes [pos, pos+len); returns bytes done. */
static size_t dma_copy(DmaState *s, unsigned ch, void *buf, size_t pos, size_t len, bool to_mem)
{
    MemBus *mem = s->dev->machine->mem;
    size_t block = dma_block_len(s, ch);
    if (pos >= block) {
        return 0;
    }
    if (len > block - pos) {
        len = block - pos;
    }
    uint8_t type = s->mode[ch] & MODE_TYPE_MASK;
    bool moves = to_mem ? type == MODE_WRITE : type == MODE_READ;
    if (!moves) {
        /* Verify, or the device's direction disagrees with the programmed one: the cycles run
         * but memory is not accessed; a memory read yields the floating bus. */
        if (!to_mem) {
            memset(buf, 0xFF, len);
        }
        return len;
    }
    uint8_t *b = buf;
    size_t done = 0;
    while (done < len) {
        uint64_t pa = dma_phys(s, ch, pos + done);
        size_t run = 1;
        if (!(s->mode[ch] & MODE_DECREMENT)) {
            /* Contiguous up to the wrap of the address counter. */
            uint64_t wrap = ch < 4 ? 0x10000 : 0x20000;
            uint64_t left = wrap - (pa & (wrap - 1));
            run = len - done < left ? len - done : (size_t)left;
        }
        bool ok = to_mem ? membus_dma_write(mem, pa, b + done, run)
                         : membus_dma_read(mem, pa, b + done, run);
        if (!ok) {
            break;
        }
        done += run;
    }
    return done;
}

static bool dma_channel_ready(const DmaState *s, unsigned ch)
{
    unsigned c = ch / 4, bit = 1u << (ch & 3);
    bool req = (s->dreq & (1u << ch)) || (s->request[c] & bit);
    if (!req || (s->mask[c] & bit) || (s->command[c] & CMD_DISABLE) || !s->fn[ch]) {
        return false;
    }
    if ((s->mode[ch] & 0xC0) == MODE_CASCADE) {
        return false;
    }
    if (c == 0 && ((s->mask[1] & 1) || (s->command[1] & CMD_DISABLE))) {
        return false; /* controller 1 reaches the bus through channel 4 */
    }
    return true;
}

static void dma_terminal_count(DmaState *s, unsigned ch)
{
    unsigned c = ch / 4, bit = 1u << (ch & 3);
    s->status[c] |= (uint8_t)bit;
    s->request[c] &= (uint8_t)~bit;
    if (s->mode[ch] & MODE_AUTOINIT) {
        s->pos[ch] = 0;
    } else {
        s->mask[c] |= (uint8_t)bit;
    }
    amber_log(&s->dev->machine->log, LOG_DMA, "dma: channel %u terminal count", ch);
}

static void dma_run_event(void *opaque, int64_t now)
{
    (void)now;
    DmaState *s = opaque;
    if ((s->command[0] & CMD_MEM2MEM)) {
        amber_log_once(&s->dev->machine->log, LOG_DMA, &s->once_m2m,
                       "dma: memory-to-memory transfers are not emulated");
    }
    for (unsigned ch = 0; ch < 8; ch++) {
        for (int round = 0; round < 64 && dma_channel_ready(s, ch); round++) {
            size_t len = dma_block_len(s, ch);
            size_t old = s->pos[ch];
            size_t np = s->fn[ch](s->fn_opaque[ch], ch, old, len);
            if (np > len) {
                np = len;
            }
            s->pos[ch] = (uint32_t)np;
            if (np >= len) {
                dma_terminal_count(s, ch);
                break;
            }
            if (np == old) {
                break; /* the device has nothing more for now */
            }
        }
    }
}

static void dma_kick(DmaState *s)
{
    if (!clock_event_pending(s->ev_run)) {
        clock_event_arm_at(s->ev_run, clock_now(s->dev->machine->clock));
    }
}

/* ---- IsaDmaOps ---- */

static bool dma_register_channel(void *dma, unsigned chan, IsaDmaTransferFn fn, void *opaque)
{
    DmaState *s = ((Device *)dma)->s;
    if (chan >= 8 || chan == 4) {
        return false;
    }
    s->fn[chan] = fn;
    s->fn_opaque[chan] = opaque;
    return true;
}

static void dma_set_dreq(void *dma, unsigned chan, bool level)
{
    DmaState *s = ((Device *)dma)->s;
    if (chan >= 8) {
        return;
    }
    if (level) {
        s->dreq |= (uint8_t)(1u << chan);
        dma_kick(s);
    } else {
        s->dreq &= (uint8_t) ~(1u << chan);
    }
}

static size_t dma_read(void *dma, unsigned chan, void *buf, size_t pos, size_t len)
{
    DmaState *s = ((Device *)dma)->s;
    return chan < 8 ? dma_copy(s, chan, buf, pos, len, false) : 0;
}

static size_t dma_write(void *dma, unsigned chan, const void *buf, size_t pos, size_t len)
{
    DmaState *s = ((Device *)dma)->s;
    return chan < 8 ? dma_copy(s, chan, (void *)buf, pos, len, true) : 0;
}

static const IsaDmaOps dma_isa_ops = {
    .register_channel = dma_register_channel,
    .set_dreq = dma_set_dreq,
    .read = dma_read,
    .write = dma_write,
};

uint8_t dma8237_post_code(Device *dev)
{
    return ((DmaState *)dev->s)->page[0];
}

/* ---- ports ---- */

static void dma_master_clear(DmaState *s, unsigned c)
{
    s->command[c] = 0;
    s->status[c] = 0;
    s->request[c] = 0;
    s->mask[c] = 0x0F;
    s->flipflop[c] = 0;
}

static uint8_t dma_ctrl_read(DmaState *s, unsigned c, unsigned reg)
{
    if (reg < 8) {
        unsigned ch = c * 4 + reg / 2;
        uint16_t v = reg & 1 ? dma_cur_count(s, ch) : dma_cur_addr(s, ch);
        uint8_t r = s->flipflop[c] ? (uint8_t)(v >> 8) : (uint8_t)v;
        s->flipflop[c] ^= 1;
        return r;
    }
    switch (reg) {
    case 8: {
        uint8_t v = (uint8_t)((s->status[c] & 0x0F) | ((s->dreq >> (c * 4)) & 0x0F) << 4);
        s->status[c] &= 0xF0; /* reading clears the TC bits */
        return v;
    }
    case 13:
        return 0; /* temporary register (memory-to-memory only) */
    case 15:
        return (uint8_t)(0xF0 | s->mask[c]);
    default:
        return 0xFF;
    }
}

static void dma_ctrl_write(DmaState *s, unsigned c, unsigned reg, uint8_t v)
{
    if (reg < 8) {
        unsigned ch = c * 4 + reg / 2;
        uint16_t *r = reg & 1 ? &s->base_count[ch] : &s->base_addr[ch];
        /* Writing sets the base and current registers alike: the block restarts. */
        *r = s->flipflop[c] ? (uint16_t)((*r & 0x00FF) | v << 8) : (uint16_t)((*r & 0xFF00) | v);
        s->flipflop[c] ^= 1;
        s->pos[ch] = 0;
        return;
    }
    unsigned ch = c * 4 + (v & 3);
    unsigned bit = 1u << (v & 3);
    switch (reg) {
    case 8:
        s->command[c] = v;
        break;
    case 9:
        if (v & 4) {
            s->request[c] |= (uint8_t)bit;
        } else {
            s->request[c] &= (uint8_t)~bit;
        }
        break;
    case 10:
        if (v & 4) {
            s->mask[c] |= (uint8_t)bit;
        } else {
            s->mask[c] &= (uint8_t)~bit;
        }
        break;
    case 11:
        s->mode[ch] = v;
        break;
    case 12:
        s->flipflop[c] = 0;
        break;
    case 13:
        dma_master_clear(s, c);
        break;
    case 14:
        s->mask[c] = 0;
        break;
    case 15:
        s->mask[c] = v & 0x0F;
        break;
    default:
        break;
    }
    dma_kick(s);
}

static uint32_t dma_io_read(void *opaque, uint16_t port, unsigned size)
{
    (void)size;
    DmaState *s = ((Device *)opaque)->s;
    if (port >= s->page_base && port < s->page_base + 16) {
        return s->page[port - s->page_base];
    }
    if (port >= s->base1 && port < s->base1 + 16) {
        return dma_ctrl_read(s, 0, port - (unsigned)s->base1);
    }
    return dma_ctrl_read(s, 1, (port - (unsigned)s->base2) >> 1);
}

static void dma_io_write(void *opaque, uint16_t port, uint32_t value, unsigned size)
{
    (void)size;
    DmaState *s = ((Device *)opaque)->s;
    uint8_t v = (uint8_t)value;
    if (port >= s->page_base && port < s->page_base + 16) {
        unsigned i = port - (unsigned)s->page_base;
        s->page[i] = v;
        if (i == 0) {
            amber_log(&s->dev->machine->log, LOG_POST, "post: code 0x%02x", v);
        }
        return;
    }
    if (port >= s->base1 && port < s->base1 + 16) {
        dma_ctrl_write(s, 0, port - (unsigned)s->base1, v);
    } else {
        dma_ctrl_write(s, 1, (port - (unsigned)s->base2) >> 1, v);
    }
}

static const IoOps dma_io_ops = {
    .read = dma_io_read,
    .write = dma_io_write,
    .sizes = 1,
};

static bool dma_realize(Device *dev, AmberError *err)
{
    DmaState *s = dev->s;
    Machine *m = dev->machine;
    char name[128];
    s->dev = dev;
    if (!iobus_register(m->io, dev->id, (uint16_t)s->base1, 16, &dma_io_ops, dev, err) ||
        !iobus_register(m->io, dev->id, (uint16_t)s->base2, 32, &dma_io_ops, dev, err) ||
        !iobus_register(m->io, dev->id, (uint16_t)s->page_base, 16, &dma_io_ops, dev, err)) {
        return false;
    }
    snprintf(name, sizeof name, "%s.run", dev->id);
    s->ev_run = clock_event_new(m->clock, name, dma_run_event, s, err);
    if (!s->ev_run) {
        return false;
    }
    if (m->isa_dma.ops) {
        return amber_error(err, "%s: the machine already has an ISA DMA controller", dev->id);
    }
    m->isa_dma.ops = &dma_isa_ops;
    m->isa_dma.dma = dev;
    return true;
}

static void dma_unrealize(Device *dev)
{
    Machine *m = dev->machine;
    if (m->isa_dma.dma == dev) {
        m->isa_dma.ops = NULL;
        m->isa_dma.dma = NULL;
    }
}

static void dma_reset(Device *dev, ResetKind kind)
{
    (void)kind;
    DmaState *s = dev->s;
    for (unsigned c = 0; c < 2; c++) {
        dma_master_clear(s, c);
    }
    for (unsigned ch = 0; ch < 8; ch++) {
        s->mode[ch] = 0;
        s->pos[ch] = 0;
        s->base_addr[ch] = 0;
        s->base_count[ch] = 0;
    }
    /* DREQ lines belong to the devices and keep their level; page registers are plain latches
     * without a reset input. */
    clock_event_cancel(s->ev_run);
}

const DeviceClass dma8237_class = {
    .type = "dma8237",
    .desc = "Intel 8237A DMA controller pair with page registers and POST port",
    .state_size = sizeof(DmaState),
    .state_version = 1,
    .state = dma_state_fields,
    .props = dma_props,
    .realize = dma_realize,
    .unrealize = dma_unrealize,
    .reset = dma_reset,
};
