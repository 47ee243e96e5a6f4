/* SPDX-License-Identifier: GPL-2.0-or-later */
/* 8237 pair: memory <-> device transfers with a test DMA client, auto-init, terminal count,
 * page registers and the POST port, 16-bit channels, address wrap, RAM bounds. */
#include "chipset/dma8237.h"
#include "devtest.h"

/* A DMA client that moves up to `chunk` bytes per call (0 = all). */
typedef struct Client {
    Machine *m;
    unsigned chan;
    bool to_mem;
    uint8_t data[4096];
    size_t chunk;
    unsigned calls;
    size_t last_len;
    size_t total;
} Client;

static size_t client_xfer(void *opaque, unsigned chan, size_t pos, size_t len)
{
    Client *c = opaque;
    c->calls++;
    c->last_len = len;
    size_t n = len - pos;
    if (c->chunk && n > c->chunk) {
        n = c->chunk;
    }
    if (pos + n > sizeof c->data) {
        n = sizeof c->data - pos;
    }
    size_t done = c->to_mem ? isadma_write(&c->m->isa_dma, chan, c->data + pos, pos, n)
                            : isadma_read(&c->m->isa_dma, chan, c->data + pos, pos, n);
    c->total += done;
    return pos + done;
}

typedef struct Rig {
    Machine *m;
    Device *dma;
    uint8_t *ram;
} Rig;

static void rig_init(TestCtx *t, Rig *r)
{
    AmberError err = {0};
    r->m = dt_machine(t);
    r->dma = dt_add(t, r->m, &dma8237_class, "dma");
    r->ram = membus_map_ram(r->m->mem, "ram", 0, 1u << 20, &err);
    T_CHECK(t, r->ram != NULL);
    dt_realize(t, r->m);
    T_CHECK(t, r->m->isa_dma.ops != NULL);
    /* SeaBIOS's init (hw/dma.c). */
    outb(r->m, 0x0D, 0);
    outb(r->m, 0xDA, 0);
    outb(r->m, 0xD6, 0xC0);
    outb(r->m, 0xD4, 0);
}

static void client_init(Client *c, Rig *r, unsigned chan, bool to_mem)
{
    memset(c, 0, sizeof *c);
    c->m = r->m;
    c->chan = chan;
    c->to_mem = to_mem;
    for (size_t i = 0; i < sizeof c->data; i++) {
        c->data[i] = (uint8_t)(i * 7 + 3);
    }
    isadma_register(&r->m->isa_dma, chan, client_xfer, c);
}

static void program8(Rig *r, unsigned ch, uint8_t page, uint16_t addr, uint16_t count, uint8_t mode)
{
    static const uint16_t page_port[4] = {0x87, 0x83, 0x81, 0x82};
    outb(r->m, 0x0A, (uint8_t)(0x04 | ch));
    outb(r->m, 0x0C, 0);
    outb(r->m, (uint16_t)(ch * 2), (uint8_t)addr);
    outb(r->m, (uint16_t)(ch * 2), (uint8_t)(addr >> 8));
    outb(r->m, (uint16_t)(ch * 2 + 1), (uint8_t)count);
    outb(r->m, (uint16_t)(ch * 2 + 1), (uint8_t)(count >> 8));
    outb(r->m, 0x0B, (uint8_t)(mode | ch));
    outb(r->m, page_port[ch], page);
    outb(r->m, 0x0A, (uint8_t)ch);
}

static uint16_t read16(Rig *r, uint16_t port)
{
    outb(r->m, 0x0C, 0);
    uint8_t lo = inb(r->m, port);
    return (uint16_t)(lo | inb(r->m, port) << 8);
}

static void test_write_to_memory(TestCtx *t)
{
    Rig r;
    rig_init(t, &r);
    Client c;
    client_init(&c, &r, 2, true);
    program8(&r, 2, 0x02, 0x1000, 511, 0x44); /* single, increment, write */
    isadma_set_dreq(&r.m->isa_dma, 2, true);
    T_EQ(t, c.calls, 0); /* the transfer runs on the next event, not inside set_dreq */
    dt_step(r.m, 0);
    T_EQ(t, c.total, 512);
    T_EQ(t, c.last_len, 512);
    T_CHECK(t, memcmp(r.ram + 0x21000, c.data, 512) == 0);
    T_EQ(t, r.ram[0x21200], 0);
    T_EQ(t, inb(r.m, 0x08) & 0x0F, 0x04); /* TC on channel 2, DREQ 2 shown in bit 6 */
    T_EQ(t, inb(r.m, 0x08) & 0x0F, 0x00); /* cleared by the read */
    T_EQ(t, inb(r.m, 0x0F) & 0x04, 0x04); /* masked at TC (no auto-init) */
    T_EQ(t, read16(&r, 0x05), 0xFFFF);
    T_EQ(t, read16(&r, 0x04), 0x1200);
    /* Masked: raising DREQ again does nothing. */
    c.calls = 0;
    isadma_set_dreq(&r.m->isa_dma, 2, true);
    dt_step(r.m, 0);
    T_EQ(t, c.calls, 0);
    machine_free(r.m);
}

static void test_read_decrement_chunks(TestCtx *t)
{
    Rig r;
    rig_init(t, &r);
    for (unsigned i = 0; i < 16; i++) {
        r.ram[0x30100 - i] = (uint8_t)(0xA0 + i);
    }
    Client c;
    client_init(&c, &r, 1, false);
    c.chunk = 4;
    program8(&r, 1, 0x03, 0x0100, 15, 0x68); /* block, decrement, read */
    isadma_set_dreq(&r.m->isa_dma, 1, true);
    dt_step(r.m, 0);
    T_EQ(t, c.total, 16);
    T_EQ(t, c.calls, 4);
    for (unsigned i = 0; i < 16; i++) {
        T_EQ(t, c.data[i], 0xA0 + i);
    }
    T_EQ(t, read16(&r, 0x02), 0x00F0);
    machine_free(r.m);
}

static void test_autoinit_and_dreq(TestCtx *t)
{
    Rig r;
    rig_init(t, &r);
    Client c;
    client_init(&c, &r, 3, true);
    c.chunk = 8;
    program8(&r, 3, 0x04, 0x0000, 31, 0x54); /* single, auto-init, write */
    isadma_set_dreq(&r.m->isa_dma, 3, true);
    dt_step(r.m, 0);
    T_EQ(t, c.total, 32);
    T_EQ(t, inb(r.m, 0x0F) & 0x08, 0); /* still unmasked */
    T_EQ(t, read16(&r, 0x07), 31);     /* re-initialized */
    T_EQ(t, read16(&r, 0x06), 0x0000);
    /* Device drops DREQ part-way: the transfer stops there. */
    c.chunk = 0;
    isadma_set_dreq(&r.m->isa_dma, 3, false);
    dt_step(r.m, 0);
    T_EQ(t, c.total, 32);
    /* Software request register starts it as well. */
    outb(r.m, 0x09, 0x07);
    dt_step(r.m, 0);
    T_EQ(t, c.total, 64);
    T_CHECK(t, memcmp(r.ram + 0x40000, c.data, 32) == 0);
    /* Controller disabled by the command register. */
    outb(r.m, 0x08, 0x04);
    isadma_set_dreq(&r.m->isa_dma, 3, true);
    dt_step(r.m, 0);
    T_EQ(t, c.total, 64);
    outb(r.m, 0x08, 0x00);
    dt_step(r.m, 0);
    T_EQ(t, c.total, 96);
    /* Channel 4 masked cuts off controller 1. */
    outb(r.m, 0xD4, 0x04);
    isadma_set_dreq(&r.m->isa_dma, 3, true);
    dt_step(r.m, 0);
    T_EQ(t, c.total, 96);
    machine_free(r.m);
}

static void test_16bit_and_pages(TestCtx *t)
{
    Rig r;
    rig_init(t, &r);
    Client c;
    client_init(&c, &r, 5, true);
    outb(r.m, 0xD4, 0x05);
    outb(r.m, 0xD8, 0);
    outb(r.m, 0xC4, 0x00);
    outb(r.m, 0xC4, 0x08); /* word address 0x0800 -> byte 0x1000 */
    outb(r.m, 0xC6, 0xFF);
    outb(r.m, 0xC6, 0x00); /* 256 words */
    outb(r.m, 0xD6, 0x45);
    outb(r.m, 0x8B, 0x03); /* page bit 0 is not used: 0x02xxxx */
    outb(r.m, 0xD4, 0x01);
    isadma_set_dreq(&r.m->isa_dma, 5, true);
    dt_step(r.m, 0);
    T_EQ(t, c.total, 512);
    T_CHECK(t, memcmp(r.ram + 0x21000, c.data, 512) == 0);
    T_EQ(t, inb(r.m, 0xD0) & 0x02, 0x02);
    /* Page registers read back, 0x80 included (the POST port). */
    for (unsigned i = 0; i < 16; i++) {
        outb(r.m, (uint16_t)(0x80 + i), (uint8_t)(0x10 + i));
    }
    for (unsigned i = 0; i < 16; i++) {
        T_EQ(t, inb(r.m, (uint16_t)(0x80 + i)), 0x10 + i);
    }
    T_EQ(t, dma8237_post_code(r.dma), 0x10);
    machine_free(r.m);
}

static void test_wrap_and_bounds(TestCtx *t)
{
    Rig r;
    rig_init(t, &r);
    Client c;
    client_init(&c, &r, 1, true);
    program8(&r, 1, 0x05, 0xFFF8, 15, 0x44);
    isadma_set_dreq(&r.m->isa_dma, 1, true);
    dt_step(r.m, 0);
    T_EQ(t, c.total, 16);
    T_CHECK(t, memcmp(r.ram + 0x5FFF8, c.data, 8) == 0);
    T_CHECK(t, memcmp(r.ram + 0x50000, c.data + 8, 8) == 0); /* wrapped inside the page */
    T_EQ(t, r.ram[0x60000], 0);
    /* Beyond RAM: nothing is transferred. */
    Client d;
    client_init(&d, &r, 0, true);
    program8(&r, 0, 0x20, 0x0000, 15, 0x44);
    isadma_set_dreq(&r.m->isa_dma, 0, true);
    dt_step(r.m, 0);
    T_EQ(t, d.total, 0);
    T_EQ(t, d.calls, 1);
    machine_free(r.m);
}

int main(void)
{
    TestCtx t = {0};
    T_RUN(&t, test_write_to_memory);
    T_RUN(&t, test_read_decrement_chunks);
    T_RUN(&t, test_autoinit_and_dreq);
    T_RUN(&t, test_16bit_and_pages);
    T_RUN(&t, test_wrap_and_bounds);
    return t_finish(&t);
}
