/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of the x86 interpreter beyond the SingleStepTests vectors: the 386 forms (32-bit
 * operands and addresses via 66/67, SIB, 0F opcodes), model quirks, interrupts at instruction
 * boundaries with the STI shadow, REP instructions yielding at a deadline and resuming, HLT
 * sleeping through the interp backend, the CPU state table, and the post-386 models' reset
 * state and board-controlled CPUID bits.
 */
#include <string.h>

#include "accel/interp.h"
#include "core/machine.h"
#include "cpu/x86/exec.h"
#include "../testlib.h"

typedef struct Rig {
    Machine *m;
    X86Cpu *cpu;
    uint8_t *ram;
} Rig;

static bool rig_new(Rig *r, const char *model)
{
    AmberError err = { 0 };
    const X86Model *md = x86_model_find(model);
    r->m = machine_new(md->addr_bits, &err);
    if (!r->m) {
        return false;
    }
    r->ram = membus_map_ram(r->m->mem, "ram", 0, 1u << 20, &err);
    r->cpu = x86_interp_new(r->m, md, &err);
    return r->ram && r->cpu;
}

static void rig_free(Rig *r)
{
    x86_interp_free(r->cpu);
    machine_free(r->m);
}

/* Loads code at 1000:0000 and points CS:IP there; SS:SP = 2000:FFFE. */
static void rig_code(Rig *r, const uint8_t *code, size_t n)
{
    memcpy(r->ram + 0x10000, code, n);
    x86_load_seg_real(r->cpu, X86_CS, 0x1000);
    x86_load_seg_real(r->cpu, X86_SS, 0x2000);
    x86_load_seg_real(r->cpu, X86_DS, 0x3000);
    x86_load_seg_real(r->cpu, X86_ES, 0x3000);
    r->cpu->eip = 0;
    r->cpu->regs[X86_ESP] = 0xFFFE;
}

static void step_n(Rig *r, int n)
{
    for (int k = 0; k < n; k++) {
        x86_cpu_step(r->cpu);
    }
}

static void test_state_table(TestCtx *t)
{
    AmberError err = { 0 };
    T_CHECK(t, state_table_validate(x86_cpu_state_fields(), sizeof(X86Cpu), "x86", &err));
    if (err.set) {
        fprintf(stderr, "%s\n", err.msg);
    }
}

static void test_386_forms(TestCtx *t)
{
    Rig r;
    T_CHECK(t, rig_new(&r, "80386dx"));
    static const uint8_t code[] = {
        0x66, 0xB8, 0x78, 0x56, 0x34, 0x12,             /* mov eax, 12345678h */
        0x66, 0xB9, 0x02, 0x00, 0x00, 0x00,             /* mov ecx, 2 */
        0x67, 0x66, 0x89, 0x04, 0x8D, 0x00, 0x01, 0x00, 0x00, /* mov [ecx*4+100h], eax */
        0x66, 0x0F, 0xB7, 0x1E, 0x08, 0x01,             /* movzx ebx, word [108h] */
        0x66, 0x0F, 0xBE, 0x16, 0x0B, 0x01,             /* movsx edx, byte [10Bh] */
        0x66, 0x0F, 0xBC, 0xF0,                         /* bsf esi, eax */
        0x66, 0x0F, 0xBD, 0xF8,                         /* bsr edi, eax */
        0x66, 0x0F, 0xA4, 0xC3, 0x08,                   /* shld ebx, eax, 8 */
        0x0F, 0x94, 0xC1,                               /* sete cl */
        0x66, 0x0F, 0xAF, 0xC0,                         /* imul eax, eax */
        0x66, 0x0F, 0xBA, 0xE2, 0x1F,                   /* bt edx, 31 */
    };
    rig_code(&r, code, sizeof(code));
    X86Cpu *c = r.cpu;
    step_n(&r, 3);
    T_EQ(t, membus_read32(r.m->mem, 0x30108), 0x12345678u);
    step_n(&r, 1);
    T_EQ(t, c->regs[X86_EBX], 0x5678u);
    step_n(&r, 1);
    T_EQ(t, c->regs[X86_EDX], 0x00000012u);
    step_n(&r, 2);
    T_EQ(t, c->regs[X86_ESI], 3u);  /* lowest set bit of 12345678h */
    T_EQ(t, c->regs[X86_EDI], 28u); /* highest */
    step_n(&r, 1);
    T_EQ(t, c->regs[X86_EBX], 0x00567812u);
    step_n(&r, 1);
    T_EQ(t, c->regs[X86_ECX] & 0xFF, 0u);
    step_n(&r, 1);
    T_EQ(t, c->regs[X86_EAX], (uint32_t)(0x12345678u * 0x12345678u));
    T_CHECK(t, x86_get_flags(c) & X86_CF); /* the signed product overflows 32 bits */
    step_n(&r, 1);
    T_CHECK(t, !(x86_get_flags(c) & X86_CF));
    T_EQ(t, c->eip, sizeof(code));
    rig_free(&r);
}

static void test_quirks(TestCtx *t)
{
    static const uint8_t push_sp[] = { 0x54 };
    static const uint8_t shl_cl[] = { 0xD2, 0xE0 }; /* shl al, cl */
    const char *models[] = { "8086", "80286" };
    for (int k = 0; k < 2; k++) {
        Rig r;
        T_CHECK(t, rig_new(&r, models[k]));
        rig_code(&r, push_sp, sizeof(push_sp));
        step_n(&r, 1);
        /* 8086: the decremented SP; 286: the old one (80286 PRM appendix C). */
        T_EQ(t, membus_read16(r.m->mem, 0x2FFFC), k == 0 ? 0xFFFC : 0xFFFE);
        rig_code(&r, shl_cl, sizeof(shl_cl));
        r.cpu->regs[X86_EAX] = 1;
        r.cpu->regs[X86_ECX] = 33; /* 8086: 33 shifts -> 0; 286: masked to 1 -> 2 */
        step_n(&r, 1);
        T_EQ(t, r.cpu->regs[X86_EAX] & 0xFF, k == 0 ? 0 : 2);
        rig_free(&r);
    }
    /* 8086 FLAGS bits 12-15 read as ones (PUSHF). */
    Rig r;
    T_CHECK(t, rig_new(&r, "8086"));
    static const uint8_t pushf[] = { 0x9C };
    rig_code(&r, pushf, 1);
    step_n(&r, 1);
    T_EQ(t, membus_read16(r.m->mem, 0x2FFFC) & 0xF000, 0xF000);
    rig_free(&r);
}

static uint8_t inta_vec(void *opaque)
{
    (void)opaque;
    return 0x40;
}

static void test_interrupt_shadow(TestCtx *t)
{
    Rig r;
    T_CHECK(t, rig_new(&r, "80286"));
    /* sti; nop; nop; hlt -- the interrupt must come after the first NOP, not before. */
    static const uint8_t code[] = { 0xFB, 0x90, 0x90, 0xF4 };
    rig_code(&r, code, sizeof(code));
    /* IVT entry 40h -> 0000:0500, which holds HLT. */
    membus_write16(r.m->mem, 0x100, 0x0500);
    membus_write16(r.m->mem, 0x102, 0x0000);
    membus_write8(r.m->mem, 0x500, 0xF4);
    r.cpu->inta = inta_vec;
    x86_interp_intr(r.cpu, 0, true);
    x86_cpu_run(r.cpu, r.cpu->cycles + 1000);
    T_CHECK(t, r.cpu->halted);
    T_EQ(t, r.cpu->seg[X86_CS].sel, 0);
    T_EQ(t, r.cpu->eip, 0x501);
    /* The return address pushed is the second NOP: STI + one instruction ran first. */
    T_EQ(t, membus_read16(r.m->mem, 0x2FFF8), 2);
    rig_free(&r);
}

static void test_rep_yield(TestCtx *t)
{
    Rig r;
    T_CHECK(t, rig_new(&r, "80386dx"));
    static const uint8_t code[] = { 0xF3, 0xAA, 0xF4 }; /* rep stosb; hlt */
    rig_code(&r, code, sizeof(code));
    X86Cpu *c = r.cpu;
    c->regs[X86_ECX] = 1000;
    c->regs[X86_EAX] = 0xA5;
    c->regs[X86_EDI] = 0;
    x86_cpu_run(c, c->cycles + 200);
    T_CHECK(t, (c->regs[X86_ECX] & 0xFFFF) > 0 && (c->regs[X86_ECX] & 0xFFFF) < 1000);
    T_EQ(t, c->eip, 0); /* stopped on the instruction, to resume it */
    x86_cpu_run(c, c->cycles + 100000);
    T_CHECK(t, c->halted);
    T_EQ(t, c->regs[X86_ECX] & 0xFFFF, 0);
    T_EQ(t, c->regs[X86_EDI] & 0xFFFF, 1000);
    T_EQ(t, membus_read8(r.m->mem, 0x30000 + 999), 0xA5);
    T_EQ(t, membus_read8(r.m->mem, 0x30000 + 1000), 0);
    rig_free(&r);
}

static void test_backend_hlt(TestCtx *t)
{
    Rig r;
    T_CHECK(t, rig_new(&r, "80286"));
    static const uint8_t code[] = { 0x90, 0xF4 };
    rig_code(&r, code, sizeof(code));
    int64_t reached = machine_run_for(r.m, 1000000);
    T_EQ(t, reached, 1000000);
    T_CHECK(t, r.cpu->halted);
    /* Guest time and the CPU's cycle count agree: 8 MHz -> 8000 cycles in 1 ms. */
    T_EQ(t, r.cpu->cycles, 8000);
    rig_free(&r);
}

static void test_divide_error_address(TestCtx *t)
{
    /* div bl with bl = 0: 8086 pushes the next IP, 286 the DIV's own. */
    static const uint8_t code[] = { 0xF6, 0xF3, 0x90 };
    const char *models[] = { "8086", "80286" };
    for (int k = 0; k < 2; k++) {
        Rig r;
        T_CHECK(t, rig_new(&r, models[k]));
        rig_code(&r, code, sizeof(code));
        r.cpu->regs[X86_EBX] = 0;
        step_n(&r, 1);
        T_EQ(t, membus_read16(r.m->mem, 0x2FFF8), k == 0 ? 2 : 0);
        rig_free(&r);
    }
}

/* A loaded CPU state the CPU could never have produced is refused, naming the field. */
static void test_post_load_refuses(TestCtx *t)
{
    Rig r;
    T_CHECK(t, rig_new(&r, "pentium2"));
    AmberError err = { 0 };
    T_CHECK(t, x86_cpu_post_load(r.cpu, &err));
    r.cpu->lf_op = 3; /* size index 3: no such operand size */
    T_CHECK(t, !x86_cpu_post_load(r.cpu, &err));
    T_CONTAINS(t, err.msg, "lazy-flag record");
    r.cpu->lf_op = X86_LF_NONE;
    r.cpu->cpl = 4;
    err = (AmberError){ 0 };
    T_CHECK(t, !x86_cpu_post_load(r.cpu, &err));
    T_CONTAINS(t, err.msg, "CPL 4");
    rig_free(&r);
}

/* Reset EDX is the signature, 486+ CR0 has CD/NW/ET; CPUID.1 EDX bit 9 (APIC) follows the
 * board's X86Cpu.lapic and only on models that can have one. */
static void test_models_cpuid(TestCtx *t)
{
    static const struct {
        const char *name;
        uint32_t sig, cr0;
        bool apic_capable;
    } m[] = {
        { "80386dx", 0x0308, 0x00000010, false }, { "80486dx2", 0x0435, 0x60000010, false },
        { "pentium", 0x0525, 0x60000010, true },  { "pentium-mmx", 0x0543, 0x60000010, true },
        { "pentium2", 0x0652, 0x60000010, true },
    };
    for (unsigned k = 0; k < sizeof m / sizeof m[0]; k++) {
        Rig r;
        T_CHECK(t, rig_new(&r, m[k].name));
        T_EQ(t, r.cpu->regs[X86_EDX], m[k].sig);
        T_EQ(t, r.cpu->cr0, m[k].cr0);
        T_EQ(t, x86_cpuid_features(r.cpu) & (1u << 9), 0);
        r.cpu->lapic = true;
        x86_cpu_reset(r.cpu);
        T_EQ(t, (x86_cpuid_features(r.cpu) >> 9) & 1u, m[k].apic_capable ? 1u : 0u);
        if (m[k].apic_capable) {
            uint32_t out[4];
            x86_cpuid(r.cpu, 1, out);
            T_EQ(t, out[0], m[k].sig);
            T_EQ(t, (out[3] >> 9) & 1u, 1);
            T_EQ(t, r.cpu->apic_base, 0xFEE00900u); /* enabled bootstrap processor */
        }
        rig_free(&r);
    }
}

int main(void)
{
    TestCtx t = { 0 };
    T_RUN(&t, test_state_table);
    T_RUN(&t, test_386_forms);
    T_RUN(&t, test_quirks);
    T_RUN(&t, test_interrupt_shadow);
    T_RUN(&t, test_rep_yield);
    T_RUN(&t, test_backend_hlt);
    T_RUN(&t, test_divide_error_address);
    T_RUN(&t, test_models_cpuid);
    T_RUN(&t, test_post_load_refuses);
    return t_finish(&t);
}
