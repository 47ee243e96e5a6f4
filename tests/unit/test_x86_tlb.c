/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The x86 host-pointer TLB (src/cpu/x86/tlb.h) must never serve an access the slow path would
 * have done differently. Each case first warms the fast path (a hit needs a filled slot), then
 * changes the world under it and checks that the next access sees the change: a PAM-style remap
 * of RAM to another RAM block and to ROM, an MMIO mapping, a page newly marked as cached code
 * (its writes must still reach the hook), the A20 gate, a CR3 reload, INVLPG, the dirty bit on the
 * first write after reads, and a user access to a page a supervisor access filled.
 * The decoded-instruction cache (decode.c) likewise: an instruction decoded before must be decoded
 * again when its bytes change, when the code segment's default size changes, and when the same
 * bytes sit at a page or segment-limit boundary where the fetch faults. And REP MOVS/STOS done
 * many iterations at a time (exec_string.c) must end in the very state the one-by-one loop
 * reaches - the reference run writes to a page marked as code, which keeps it one by one.
 */
#include <setjmp.h>
#include <string.h>

#include "accel/interp.h"
#include "core/machine.h"
#include "cpu/x86/exec.h"
#include "../testlib.h"

typedef struct Rig {
    Machine *m;
    X86Cpu *cpu;
    uint8_t *ram;    /* 2 MiB at 0 */
    uint8_t *shadow; /* 64 KiB at 0x400000, the target of RAM aliases */
} Rig;

static bool rig_new(Rig *r, const char *model)
{
    AmberError err = { 0 };
    const X86Model *md = x86_model_find(model);
    r->m = machine_new(md->addr_bits, &err);
    if (!r->m) {
        return false;
    }
    r->ram = membus_map_ram(r->m->mem, "ram", 0, 2u << 20, &err);
    r->shadow = membus_map_ram(r->m->mem, "shadow", 0x400000, 0x10000, &err);
    r->cpu = x86_interp_new(r->m, md, &err);
    return r->ram && r->shadow && r->cpu;
}

static void rig_free(Rig *r)
{
    x86_interp_free(r->cpu);
    machine_free(r->m);
}

/* Real mode: CS:IP = 1000:0000 with the code, DS = ds. */
static void rig_code(Rig *r, const uint8_t *code, size_t n, uint16_t ds)
{
    memcpy(r->ram + 0x10000, code, n);
    x86_load_seg_real(r->cpu, X86_CS, 0x1000);
    x86_load_seg_real(r->cpu, X86_SS, 0x2000);
    x86_load_seg_real(r->cpu, X86_DS, ds);
    r->cpu->eip = 0;
    r->cpu->regs[X86_ESP] = 0xFFFE;
}

/* Runs the one-instruction program at 1000:0000 again with AL = al; returns AL after it. */
static uint8_t rerun(Rig *r, uint8_t al)
{
    r->cpu->eip = 0;
    r->cpu->regs[X86_EAX] = al;
    x86_cpu_step(r->cpu);
    return (uint8_t)r->cpu->regs[X86_EAX];
}

static const uint8_t store_al[] = { 0xA2, 0x00, 0x00 }; /* mov [0000h], al */
static const uint8_t load_al[] = { 0xA0, 0x00, 0x00 };  /* mov al, [0000h] */

static void test_remap_ram_rom(TestCtx *t)
{
    Rig r;
    T_CHECK(t, rig_new(&r, "80386dx"));
    AmberError err = { 0 };
    rig_code(&r, store_al, sizeof store_al, 0xE000); /* lin E0000h: PAM territory */
    rerun(&r, 0x11);
    rerun(&r, 0x12); /* a hit now */
    T_EQ(t, r.ram[0xE0000], 0x12);
    /* Shadow RAM switched in: the next write must land in the other block. */
    T_CHECK(t, membus_map_ram_alias(r.m->mem, 0xE0000, 0x1000, 0x400000, &err));
    rerun(&r, 0x22);
    T_EQ(t, r.shadow[0], 0x22);
    T_EQ(t, r.ram[0xE0000], 0x12);
    /* Write-protected (ROM over it): the write is ignored, the old host page is not touched. */
    static const uint8_t rom[4096] = { 0xAA };
    T_CHECK(t, membus_map_rom(r.m->mem, "rom", 0xE0000, rom, sizeof rom, &err));
    rerun(&r, 0x33);
    T_EQ(t, r.shadow[0], 0x22);
    T_EQ(t, r.ram[0xE0000], 0x12);
    rig_code(&r, load_al, sizeof load_al, 0xE000);
    T_EQ(t, rerun(&r, 0), 0xAA);
    /* And back to RAM: reads see it. */
    T_CHECK(t, membus_map_ram_alias(r.m->mem, 0xE0000, 0x1000, 0xE0000, &err));
    T_EQ(t, rerun(&r, 0), 0x12);
    rig_free(&r);
}

static uint64_t mmio_read(void *opaque, uint64_t off, unsigned size)
{
    (void)size;
    ++*(int *)opaque;
    return 0x40 + off;
}

static void mmio_write(void *opaque, uint64_t off, uint64_t v, unsigned size)
{
    (void)off;
    (void)v;
    (void)size;
    *(int *)opaque += 100;
}

static void test_remap_mmio(TestCtx *t)
{
    Rig r;
    T_CHECK(t, rig_new(&r, "80386dx"));
    AmberError err = { 0 };
    int calls = 0;
    static const MemOps ops = { mmio_read, mmio_write };
    r.ram[0xA0000] = 0x5A;
    rig_code(&r, load_al, sizeof load_al, 0xA000);
    T_EQ(t, rerun(&r, 0), 0x5A);
    T_EQ(t, rerun(&r, 0), 0x5A);
    T_CHECK(t, membus_map_mmio(r.m->mem, "vga", 0xA0000, 0x1000, &ops, &calls, &err));
    T_EQ(t, rerun(&r, 0), 0x40);
    T_EQ(t, calls, 1);
    rig_code(&r, store_al, sizeof store_al, 0xA000);
    rerun(&r, 1);
    T_EQ(t, calls, 101);
    T_EQ(t, r.ram[0xA0000], 0x5A);
    rig_free(&r);
}

typedef struct HookLog {
    int calls;
    uint64_t last;
} HookLog;

static void code_hook(void *opaque, uint64_t paddr, unsigned len)
{
    HookLog *h = opaque;
    h->calls++;
    h->last = paddr;
    (void)len;
}

static void test_code_page_hook(TestCtx *t)
{
    Rig r;
    T_CHECK(t, rig_new(&r, "80386dx"));
    HookLog h = { 0, 0 };
    membus_set_code_write_hook(r.m->mem, code_hook, &h);
    rig_code(&r, store_al, sizeof store_al, 0x5000); /* lin 50000h */
    rerun(&r, 1);
    rerun(&r, 2); /* the write slot is warm */
    T_EQ(t, h.calls, 0);
    membus_mark_code_page(r.m->mem, 0x50000, true);
    rerun(&r, 3);
    T_EQ(t, h.calls, 1);
    T_EQ(t, h.last, 0x50000);
    T_EQ(t, r.ram[0x50000], 3);
    rerun(&r, 4); /* a code page never gets a write slot */
    T_EQ(t, h.calls, 2);
    T_EQ(t, r.ram[0x50000], 4);
    /* Reads of a code page stay fast and correct. */
    rig_code(&r, load_al, sizeof load_al, 0x5000);
    T_EQ(t, rerun(&r, 0), 4);
    T_EQ(t, h.calls, 2);
    /* Self-modifying code: the instruction bytes themselves are written through the hook and
     * the next fetch sees the new bytes. */
    membus_mark_code_page(r.m->mem, 0x10000, true);
    static const uint8_t smc[] = {
        0xC6, 0x06, 0x06, 0x00, 0x42, /* mov byte [0006h], 42h (DS = CS) */
        0xB0, 0x00,                   /* mov al, 00h -> becomes mov al, 42h */
    };
    rig_code(&r, smc, sizeof smc, 0x1000);
    x86_cpu_step(r.cpu);
    x86_cpu_step(r.cpu);
    T_EQ(t, r.cpu->regs[X86_EAX] & 0xFF, 0x42);
    T_EQ(t, h.calls, 3);
    rig_free(&r);
}

static void test_a20(TestCtx *t)
{
    Rig r;
    T_CHECK(t, rig_new(&r, "80386dx"));
    static const uint8_t store_hi[] = { 0xA2, 0x10, 0x00 }; /* mov [0010h], al: FFFF:0010 */
    static const uint8_t load_hi[] = { 0xA0, 0x10, 0x00 };
    rig_code(&r, store_hi, sizeof store_hi, 0xFFFF);
    rerun(&r, 0x5A);
    rerun(&r, 0x5B);
    T_EQ(t, r.ram[0x100000], 0x5B);
    r.ram[0] = 0xC3;
    rig_code(&r, load_hi, sizeof load_hi, 0xFFFF);
    T_EQ(t, rerun(&r, 0), 0x5B);
    x86_set_a20(r.cpu, false); /* the address wraps to 0 now */
    T_EQ(t, rerun(&r, 0), 0xC3);
    rig_code(&r, store_hi, sizeof store_hi, 0xFFFF);
    rerun(&r, 0x77);
    T_EQ(t, r.ram[0], 0x77);
    T_EQ(t, r.ram[0x100000], 0x5B);
    x86_set_a20(r.cpu, true);
    rig_code(&r, load_hi, sizeof load_hi, 0xFFFF);
    T_EQ(t, rerun(&r, 0), 0x5B);
    rig_free(&r);
}

/* Paging: directory at 9000h, one table at A000h for 400000h..7FFFFFh. */
#define PD 0x9000u
#define PT 0xA000u
#define LIN 0x400000u

static void set_pte(Rig *r, uint32_t lin, uint32_t v)
{
    memcpy(r->ram + PT + ((lin >> 12) & 0x3FF) * 4, &v, 4);
}

static uint32_t get_pte(Rig *r, uint32_t lin)
{
    uint32_t v;
    memcpy(&v, r->ram + PT + ((lin >> 12) & 0x3FF) * 4, 4);
    return v;
}

static void paging_on(Rig *r)
{
    uint32_t pde = PT | 7;
    memcpy(r->ram + PD + (LIN >> 22) * 4, &pde, 4);
    r->cpu->cr3 = PD;
    x86_write_cr(r->cpu, 0, r->cpu->cr0 | X86_CR0_PE | X86_CR0_PG);
}

static void test_paging(TestCtx *t)
{
    Rig r;
    T_CHECK(t, rig_new(&r, "80386dx"));
    X86Cpu *cpu = r.cpu;
    r.ram[0x50000] = 0x11;
    r.ram[0x60000] = 0x22;
    r.ram[0x70000] = 0x33;
    set_pte(&r, LIN, 0x50000 | 3); /* supervisor, writable */
    set_pte(&r, LIN + 0x1000, 0x51000 | 7);
    paging_on(&r);
    if (sigsetjmp(cpu->exc_jmp, 0)) {
        T_CHECK(t, !"unexpected fault");
        rig_free(&r);
        return;
    }
    T_EQ(t, x86_lin_read8(cpu, LIN, false), 0x11);
    T_EQ(t, x86_lin_read8(cpu, LIN, false), 0x11);
    T_EQ(t, get_pte(&r, LIN) & 0x60, 0x20); /* accessed, not dirty */
    /* The first write after reads must still set the dirty bit. */
    x86_lin_write8(cpu, LIN, 0x44, false);
    T_EQ(t, get_pte(&r, LIN) & 0x60, 0x60);
    T_EQ(t, r.ram[0x50000], 0x44);
    x86_lin_write8(cpu, LIN, 0x45, false);
    T_EQ(t, r.ram[0x50000], 0x45);
    /* CR3 reload drops the old translation. */
    set_pte(&r, LIN, 0x60000 | 3);
    x86_write_cr(cpu, 3, PD);
    T_EQ(t, x86_lin_read8(cpu, LIN, false), 0x22);
    x86_lin_write8(cpu, LIN, 0x23, false);
    T_EQ(t, r.ram[0x60000], 0x23);
    /* INVLPG drops it too. */
    set_pte(&r, LIN, 0x70000 | 3);
    x86_tlb_flush_page(cpu, LIN);
    T_EQ(t, x86_lin_read8(cpu, LIN, false), 0x33);
    x86_lin_write8(cpu, LIN, 0x34, false);
    T_EQ(t, r.ram[0x70000], 0x34);
    T_EQ(t, r.ram[0x60000], 0x23);
    /* Paging off again: linear = physical, whatever the slots held. */
    x86_write_cr(cpu, 0, cpu->cr0 & ~X86_CR0_PG);
    T_EQ(t, x86_lin_read8(cpu, 0x70000, false), 0x34);
    T_EQ(t, x86_lin_read8(cpu, LIN, false), 0);
    rig_free(&r);
}

static void test_user_after_supervisor(TestCtx *t)
{
    Rig r;
    T_CHECK(t, rig_new(&r, "80386dx"));
    X86Cpu *cpu = r.cpu;
    set_pte(&r, LIN, 0x50000 | 3);         /* supervisor only */
    set_pte(&r, LIN + 0x1000, 0x51000 | 5); /* user, read-only */
    r.ram[0x51000] = 0x99;
    paging_on(&r);
    volatile int stage = 0;
    if (sigsetjmp(cpu->exc_jmp, 0) == 0) {
        x86_lin_read8(cpu, LIN, false);
        x86_lin_write8(cpu, LIN, 1, false);
        stage = 1;
        x86_lin_read8(cpu, LIN, true);
        stage = 2;
    }
    T_EQ(t, stage, 1);
    T_EQ(t, cpu->exc_vector, X86_EXC_PF);
    T_EQ(t, cpu->exc_error, 5); /* present, read, user */
    T_EQ(t, cpu->cr2, LIN);
    stage = 0;
    if (sigsetjmp(cpu->exc_jmp, 0) == 0) {
        T_EQ(t, x86_lin_read8(cpu, LIN + 0x1000, true), 0x99);
        T_EQ(t, x86_lin_read8(cpu, LIN + 0x1000, true), 0x99);
        stage = 1;
        x86_lin_write8(cpu, LIN + 0x1000, 1, true); /* read-only for user */
        stage = 2;
    }
    T_EQ(t, stage, 1);
    T_EQ(t, cpu->exc_vector, X86_EXC_PF);
    T_EQ(t, cpu->exc_error, 7); /* present, write, user */
    T_EQ(t, r.ram[0x51000], 0x99);
    rig_free(&r);
}

static void test_decode_cache(TestCtx *t)
{
    Rig r;
    T_CHECK(t, rig_new(&r, "80386dx"));
    X86Cpu *cpu = r.cpu;
    static const uint8_t code[] = {
        0xB8, 0x34, 0x12, /* mov ax, 1234h */
        0x90, 0x90,       /* (with a 32-bit code segment: mov eax, 90901234h) */
    };
    rig_code(&r, code, sizeof code, 0x1000);
    cpu->regs[X86_EAX] = 0;
    x86_cpu_step(cpu);
    cpu->eip = 0;
    x86_cpu_step(cpu); /* from the cache */
    T_EQ(t, cpu->regs[X86_EAX], 0x1234);
    T_EQ(t, cpu->eip, 3);
    /* Written by the guest (no code-page marking: the interpreter must notice by itself). */
    static const uint8_t poke[] = { 0xC6, 0x06, 0x02, 0x01, 0x56 }; /* mov byte [0102h], 56h */
    memcpy(r.ram + 0x10100, code, sizeof code);
    memcpy(r.ram + 0x10000, poke, sizeof poke);
    cpu->eip = 0x100;
    x86_cpu_step(cpu);
    T_EQ(t, cpu->regs[X86_EAX], 0x1234);
    cpu->eip = 0;
    x86_cpu_step(cpu); /* the store into the immediate's high byte */
    cpu->eip = 0x100;
    x86_cpu_step(cpu);
    T_EQ(t, cpu->regs[X86_EAX], 0x5634);
    /* The same bytes under a 32-bit code segment (unreal-mode style cache) decode longer. */
    cpu->seg[X86_CS].attr |= X86_ATTR_DB;
    cpu->eip = 0x100;
    x86_cpu_step(cpu);
    T_EQ(t, cpu->regs[X86_EAX], 0x90905634u);
    T_EQ(t, cpu->eip, 0x105);
    cpu->seg[X86_CS].attr &= (uint16_t)~X86_ATTR_DB;
    /* The limit now cuts the cached instruction: the fetch faults (#GP(0) on the 386 in real
     * mode) instead of using the cache. */
    cpu->eip = 0x100;
    x86_cpu_step(cpu);
    T_EQ(t, cpu->eip, 0x103);
    cpu->seg[X86_CS].limit = 0x101;
    uint16_t ip_before = 0x100;
    r.ram[13 * 4] = 0x00; /* vector 13 -> 0000:0500 */
    r.ram[13 * 4 + 1] = 0x05;
    r.ram[13 * 4 + 2] = 0;
    r.ram[13 * 4 + 3] = 0;
    cpu->eip = ip_before;
    x86_cpu_step(cpu);
    T_EQ(t, cpu->seg[X86_CS].sel, 0);
    T_EQ(t, cpu->eip, 0x500);
    rig_free(&r);
}

/* One REP string run on a fresh 386 in real mode: code at 1000:0000 (prefixes + opcode, then
 * HLT), DS = 3000h, ES = 4000h, vector 13 -> 0000:0600 (HLT). Returns the state after
 * x86_cpu_run with the given cycle budget, run twice (stopping and resuming on the way). */
typedef struct RepOut {
    uint32_t regs[8], eip;
    uint16_t cs;
    uint64_t cycles;
    uint8_t mem[0x4000];
} RepOut;

static void rep_run(const uint8_t *op, size_t n, uint32_t ecx, uint32_t si, uint32_t di,
                    uint32_t es_limit, uint64_t budget, bool reference, RepOut *out)
{
    Rig r;
    if (!rig_new(&r, "80386dx")) {
        memset(out, 0xEE, sizeof *out);
        return;
    }
    uint8_t code[16];
    memcpy(code, op, n);
    code[n] = 0xF4;
    rig_code(&r, code, n + 1, 0x3000);
    x86_load_seg_real(r.cpu, X86_ES, 0x4000);
    r.cpu->seg[X86_ES].limit = es_limit;
    r.ram[13 * 4 + 1] = 0x06; /* vector 13 -> 0000:0600 */
    r.ram[0x600] = 0xF4;
    for (unsigned k = 0; k < 0x4000; k++) {
        r.ram[0x30000 + k] = (uint8_t)(k * 7 + 1);
        r.ram[0x40000 + k] = (uint8_t)(k * 3);
    }
    if (reference) {
        for (uint32_t pg = 0x40000; pg < 0x50000; pg += 0x1000) {
            membus_mark_code_page(r.m->mem, pg, true);
        }
    }
    r.cpu->regs[X86_ECX] = ecx;
    r.cpu->regs[X86_ESI] = si;
    r.cpu->regs[X86_EDI] = di;
    r.cpu->regs[X86_EAX] = 0x9A8B7C6Du;
    uint64_t c0 = r.cpu->cycles;
    x86_cpu_run(r.cpu, c0 + budget);
    x86_cpu_run(r.cpu, r.cpu->cycles + budget / 2 + 1);
    memcpy(out->regs, r.cpu->regs, sizeof out->regs);
    out->eip = r.cpu->eip;
    out->cs = r.cpu->seg[X86_CS].sel;
    out->cycles = r.cpu->cycles - c0;
    memcpy(out->mem, r.ram + 0x40000, sizeof out->mem);
    rig_free(&r);
}

static void test_rep_block(TestCtx *t)
{
    static const uint8_t ops[][4] = {
        { 0xF3, 0xAA }, { 0xF3, 0xAB }, { 0x66, 0xF3, 0xAB },
        { 0xF3, 0xA4 }, { 0xF3, 0xA5 }, { 0x66, 0xF3, 0xA5 },
    };
    static const size_t lens[] = { 2, 2, 3, 2, 2, 3 };
    static const uint32_t cases[][5] = {
        /* ECX, SI, DI, ES limit, budget */
        { 100, 0, 0, 0xFFFF, 100000 },
        { 3000, 0x10, 0x20, 0xFFFF, 100000 },   /* crosses into the next page */
        { 3000, 0x10, 0x20, 0xFFFF, 777 },      /* stops on the budget, resumes */
        { 3000, 0x10, 0x20, 0xFFFF, 5 },
        { 500, 0x100, 0x101, 0xFFFF, 100000 },  /* (ES:DI just above DS:SI: no overlap) */
        { 500, 0, 0xFFF0, 0xFFFF, 100000 },     /* the 16-bit offset would wrap: #GP */
        { 500, 0, 0x10, 0x200, 100000 },        /* ES limit inside the run: #GP */
        { 0, 0, 0, 0xFFFF, 100000 },
    };
    for (size_t o = 0; o < sizeof lens / sizeof lens[0]; o++) {
        for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
            static RepOut fast, ref;
            const uint32_t *k = cases[c];
            rep_run(ops[o], lens[o], k[0], k[1], k[2], k[3], k[4], false, &fast);
            rep_run(ops[o], lens[o], k[0], k[1], k[2], k[3], k[4], true, &ref);
            int same = !memcmp(fast.regs, ref.regs, sizeof fast.regs) && fast.eip == ref.eip &&
                       fast.cs == ref.cs && fast.cycles == ref.cycles &&
                       !memcmp(fast.mem, ref.mem, sizeof fast.mem);
            if (!same) {
                fprintf(stderr, "op %zu case %zu: ecx %x/%x edi %x/%x eip %x/%x cycles %llu/%llu\n",
                        o, c, fast.regs[X86_ECX], ref.regs[X86_ECX], fast.regs[X86_EDI],
                        ref.regs[X86_EDI], fast.eip, ref.eip, (unsigned long long)fast.cycles,
                        (unsigned long long)ref.cycles);
            }
            T_CHECK(t, same);
        }
    }
}

/* Overlapping MOVS replicates its first element, as the chip does, not a memmove. */
static void test_rep_overlap(TestCtx *t)
{
    Rig r;
    T_CHECK(t, rig_new(&r, "80386dx"));
    static const uint8_t code[] = { 0xF3, 0xA5, 0xF4 }; /* rep movsw; hlt */
    rig_code(&r, code, sizeof code, 0x3000);
    x86_load_seg_real(r.cpu, X86_ES, 0x3000);
    r.ram[0x30000] = 0x12;
    r.ram[0x30001] = 0x34;
    r.cpu->regs[X86_ESI] = 0;
    r.cpu->regs[X86_EDI] = 2;
    r.cpu->regs[X86_ECX] = 100;
    x86_cpu_run(r.cpu, r.cpu->cycles + 100000);
    T_EQ(t, r.ram[0x30000 + 198], 0x12);
    T_EQ(t, r.ram[0x30000 + 199], 0x34);
    T_EQ(t, r.ram[0x30000 + 202], 0);
    T_EQ(t, r.cpu->regs[X86_EDI], 202);
    rig_free(&r);
}

int main(void)
{
    TestCtx t = { 0, 0 };
    T_RUN(&t, test_remap_ram_rom);
    T_RUN(&t, test_remap_mmio);
    T_RUN(&t, test_code_page_hook);
    T_RUN(&t, test_a20);
    T_RUN(&t, test_paging);
    T_RUN(&t, test_user_after_supervisor);
    T_RUN(&t, test_decode_cache);
    T_RUN(&t, test_rep_block);
    T_RUN(&t, test_rep_overlap);
    return t_finish(&t);
}
