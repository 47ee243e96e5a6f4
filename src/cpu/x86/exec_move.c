/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Data movement: MOV (all forms), MOV to/from segment registers, LEA, LDS/LES/LSS/LFS/LGS, XCHG,
 * PUSH/POP (registers, segment registers, memory, immediates, PUSHA/POPA, PUSHF/POPF), CBW/CWD,
 * XLAT, LAHF/SAHF, IN/OUT, MOVZX/MOVSX, SETcc, the flag instructions, NOP, ESC and WAIT.
 *
 * Model quirks (iAPX 86/88 User's Manual; 80286 PRM appendix C; SingleStepTests READMEs):
 *  - PUSH SP pushes the decremented SP on the 8086/186, the old SP from the 286 on.
 *  - 8C/8E look only at ModRM.reg bits 0-1 on the 8086, so 8E /1 loads CS there; later chips
 *    raise #UD for CS and for registers that do not exist.
 *  - C6/C7 and 8F ignore ModRM.reg on the 8086; from the 186 on reg != 0 is #UD.
 *  - LEA/LDS/LES with a register operand are #UD from the 186 on (undefined on the 8086).
 * CLI/STI/PUSHF/POPF under CR4.VME/PVI act on the virtual interrupt flag (vme.c).
 */
#include "cpu/x86/exec.h"

#include "core/clock.h"
#include "core/machine.h"

static inline unsigned opsize(const X86Insn *i)
{
    return (i->info->flags & X86_D_BYTE) ? 1 : i->osz;
}

static inline bool ud_on(const X86Cpu *cpu) { return x86_has(cpu->model, X86_F_UD); }

X86_HANDLER(x86_op_mov)
{
    unsigned sz = opsize(i);
    switch (i->op) {
    case 0x88:
    case 0x89:
        x86_rm_write(cpu, i, sz, x86_reg(cpu, i->reg, sz));
        break;
    case 0x8A:
    case 0x8B:
        x86_set_reg(cpu, i->reg, sz, x86_rm_read(cpu, i, sz));
        break;
    case 0xA0:
    case 0xA1:
        x86_set_reg(cpu, X86_EAX, sz, x86_read(cpu, i->seg, i->imm, sz));
        break;
    case 0xA2:
    case 0xA3:
        x86_write(cpu, i->seg, i->imm, sz, x86_reg(cpu, X86_EAX, sz));
        break;
    case 0xC6:
    case 0xC7:
        if (i->reg != 0 && ud_on(cpu)) {
            x86_ud(cpu);
        }
        x86_rm_write(cpu, i, sz, i->imm);
        break;
    default: /* B0-BF */
        x86_set_reg(cpu, i->op & 7, sz, i->imm);
        break;
    }
}

/* Specialised forms (decode.c x86_fast_handler). 89/8B with ModRM.mod 3: to ModRM.rm for 89,
 * to ModRM.reg for 8B. */
X86_HANDLER(x86_fast_mov_rr2)
{
    bool to_reg = (i->op & 2) != 0;
    unsigned d = to_reg ? i->reg : i->rm, s = to_reg ? i->rm : i->reg;
    x86_set_r16(cpu, d, (uint16_t)cpu->regs[s]);
}

X86_HANDLER(x86_fast_mov_rr4)
{
    bool to_reg = (i->op & 2) != 0;
    unsigned d = to_reg ? i->reg : i->rm, s = to_reg ? i->rm : i->reg;
    cpu->regs[d] = cpu->regs[s];
}

/* 88-8B with a memory operand: 88/89 store ModRM.reg, 8A/8B load it. */
#define FAST_MOV_MEM(sz)                                                                           \
    X86_HANDLER(x86_fast_mov_m##sz)                                                                \
    {                                                                                              \
        if (i->op & 2) {                                                                           \
            x86_set_reg(cpu, i->reg, sz, x86_read(cpu, i->seg, i->ea, sz));                        \
        } else {                                                                                   \
            x86_write(cpu, i->seg, i->ea, sz, x86_reg(cpu, i->reg, sz));                           \
        }                                                                                          \
    }
FAST_MOV_MEM(1)
FAST_MOV_MEM(2)
FAST_MOV_MEM(4)

/* 50-57 and 58-5F of one operand size: ESP itself goes to the generic handlers. */
X86_HANDLER(x86_fast_push_r2) { x86_push16(cpu, (uint16_t)cpu->regs[i->op & 7]); }
X86_HANDLER(x86_fast_push_r4) { x86_push32(cpu, cpu->regs[i->op & 7]); }
X86_HANDLER(x86_fast_pop_r2) { x86_set_r16(cpu, i->op & 7, x86_pop16(cpu)); }
X86_HANDLER(x86_fast_pop_r4) { cpu->regs[i->op & 7] = x86_pop32(cpu); }

/* B8-BF with a 32-bit operand. */
X86_HANDLER(x86_fast_mov_ri4)
{
    cpu->regs[i->op & 7] = i->imm;
}

/* Number of segment registers a model has (ES CS SS DS [FS GS]). */
static unsigned sreg_count(const X86Cpu *cpu) { return x86_has(cpu->model, X86_F_386) ? 6 : 4; }

static void load_sreg(X86Cpu *cpu, unsigned sreg, uint16_t sel)
{
    if (sreg == X86_CS) {
        x86_load_seg_real(cpu, X86_CS, sel); /* only the 8086 gets here */
    } else {
        x86_load_seg(cpu, (int)sreg, sel);
    }
    if (sreg == X86_SS) {
        cpu->inhibit_irq = 1;
    }
}

X86_HANDLER(x86_op_mov_sreg)
{
    unsigned sreg = i->reg;
    if (!ud_on(cpu)) {
        sreg &= 3;
    } else if (sreg >= sreg_count(cpu)) {
        x86_ud(cpu);
    }
    if (i->op == 0x8C) {
        uint16_t v = cpu->seg[sreg].sel;
        if (i->mod == 3) {
            x86_set_reg(cpu, i->rm, i->osz, v); /* the 386 zero-extends into a 32-bit register */
        } else {
            x86_write16(cpu, i->seg, i->ea, v);
        }
        return;
    }
    if (sreg == X86_CS && ud_on(cpu)) {
        x86_ud(cpu);
    }
    load_sreg(cpu, sreg, (uint16_t)x86_rm_read(cpu, i, 2));
}

X86_HANDLER(x86_op_lea)
{
    if (i->mod == 3) {
        if (ud_on(cpu)) {
            x86_ud(cpu);
        }
        return; /* 8086: reuses the last computed address; not modelled */
    }
    x86_set_reg(cpu, i->reg, i->osz, i->ea);
}

X86_HANDLER(x86_op_lxs)
{
    if (i->mod == 3) {
        if (ud_on(cpu)) {
            x86_ud(cpu);
        }
        return;
    }
    unsigned sreg;
    switch (i->op) {
    case 0xC4: sreg = X86_ES; break;
    case 0xC5: sreg = X86_DS; break;
    case 0x1B2: sreg = X86_SS; break;
    case 0x1B4: sreg = X86_FS; break;
    default: sreg = X86_GS; break;
    }
    uint32_t off = x86_read(cpu, i->seg, i->ea, i->osz);
    uint32_t selofs = i->ea + i->osz;
    if (!i->addr32) {
        selofs &= 0xFFFFu;
    }
    uint16_t sel = x86_read16(cpu, i->seg, selofs);
    load_sreg(cpu, sreg, sel);
    x86_set_reg(cpu, i->reg, i->osz, off);
}

X86_HANDLER(x86_op_xchg)
{
    if (i->op >= 0x91) {
        unsigned n = i->op & 7;
        uint32_t a = x86_reg(cpu, X86_EAX, i->osz);
        x86_set_reg(cpu, X86_EAX, i->osz, x86_reg(cpu, n, i->osz));
        x86_set_reg(cpu, n, i->osz, a);
        return;
    }
    unsigned sz = opsize(i);
    uint32_t m = x86_rm_read(cpu, i, sz);
    uint32_t r = x86_reg(cpu, i->reg, sz);
    x86_rm_write(cpu, i, sz, r);
    x86_set_reg(cpu, i->reg, sz, m);
}

/* The value PUSH pushes for register n. */
static uint32_t push_value(X86Cpu *cpu, unsigned n, unsigned sz)
{
    uint32_t v = x86_reg(cpu, n, sz);
    if (n == X86_ESP && !x86_has(cpu->model, X86_F_PUSH_SP_OLD)) {
        v = (v - sz) & x86_size_mask(sz);
    }
    return v;
}

X86_HANDLER(x86_op_push_r)
{
    x86_push(cpu, i->osz, push_value(cpu, i->op & 7, i->osz));
}

X86_HANDLER(x86_op_pop_r)
{
    uint32_t v = x86_pop(cpu, i->osz);
    x86_set_reg(cpu, i->op & 7, i->osz, v);
}

static unsigned sreg_of_push_pop(const X86Insn *i)
{
    if (i->op & 0x100) {
        return (i->op & 0x08) ? X86_GS : X86_FS;
    }
    return (i->op >> 3) & 3;
}

X86_HANDLER(x86_op_push_sreg)
{
    x86_push(cpu, i->osz, cpu->seg[sreg_of_push_pop(i)].sel);
}

X86_HANDLER(x86_op_pop_sreg)
{
    unsigned sreg = sreg_of_push_pop(i);
    uint16_t sel = (uint16_t)x86_peek(cpu, i->osz, 0);
    load_sreg(cpu, sreg, sel);
    x86_set_sp(cpu, x86_sp(cpu) + i->osz);
}

X86_HANDLER(x86_op_pop_rm)
{
    if (i->reg != 0 && ud_on(cpu)) {
        x86_ud(cpu);
    }
    uint32_t v = x86_peek(cpu, i->osz, 0);
    x86_set_sp(cpu, x86_sp(cpu) + i->osz);
    if (i->mod != 3 && i->addr32 && (i->modrm & 7) == 4) {
        /* 386: an ESP-based destination address is computed after the increment; the decoder
         * used the old ESP, so add the operand size here. */
        i->ea += i->osz;
    }
    x86_rm_write(cpu, i, i->osz, v);
}

X86_HANDLER(x86_op_push_imm)
{
    x86_push(cpu, i->osz, i->imm);
}

X86_HANDLER(x86_op_pusha)
{
    unsigned sz = i->osz;
    uint32_t sp = x86_sp(cpu);
    uint32_t vals[8];
    for (unsigned n = 0; n < 8; n++) {
        vals[n] = n == X86_ESP ? sp : x86_reg(cpu, n, sz);
    }
    /* Write all eight first so that a fault leaves SP untouched. */
    uint32_t p = sp;
    for (unsigned n = 0; n < 8; n++) {
        p -= sz;
        if (!x86_stack32(cpu)) {
            p &= 0xFFFFu;
        }
        x86_write(cpu, X86_SS, p, sz, vals[n]);
    }
    x86_set_sp(cpu, p);
}

X86_HANDLER(x86_op_popa)
{
    unsigned sz = i->osz;
    uint32_t vals[8];
    for (unsigned n = 0; n < 8; n++) {
        vals[7 - n] = x86_peek(cpu, sz, n * sz);
    }
    for (unsigned n = 0; n < 8; n++) {
        if (n != X86_ESP) {
            x86_set_reg(cpu, n, sz, vals[n]);
        }
    }
    x86_set_sp(cpu, x86_sp(cpu) + 8 * sz);
}

X86_HANDLER(x86_op_cbw)
{
    if (i->osz == 2) {
        x86_set_r16(cpu, X86_EAX, (uint16_t)(int16_t)(int8_t)cpu->regs[X86_EAX]);
    } else {
        cpu->regs[X86_EAX] = (uint32_t)(int32_t)(int16_t)cpu->regs[X86_EAX];
    }
}

X86_HANDLER(x86_op_cwd)
{
    if (i->osz == 2) {
        x86_set_r16(cpu, X86_EDX, (cpu->regs[X86_EAX] & 0x8000u) ? 0xFFFF : 0);
    } else {
        cpu->regs[X86_EDX] = (cpu->regs[X86_EAX] & 0x80000000u) ? 0xFFFFFFFFu : 0;
    }
}

X86_HANDLER(x86_op_xlat)
{
    uint32_t off = cpu->regs[X86_EBX] + (uint8_t)cpu->regs[X86_EAX];
    if (!i->addr32) {
        off &= 0xFFFFu;
    }
    x86_set_r8(cpu, 0, x86_read8(cpu, i->seg, off));
}

X86_HANDLER(x86_op_lahf)
{
    x86_set_r8(cpu, 4, (uint8_t)x86_get_flags(cpu));
}

X86_HANDLER(x86_op_sahf)
{
    uint32_t m = X86_SF | X86_ZF | X86_AF | X86_PF | X86_CF;
    x86_set_flags(cpu, (cpu->regs[X86_EAX] >> 8) & m, m);
}

static void v86_iopl_check(X86Cpu *cpu)
{
    if (x86_v86(cpu) && ((cpu->eflags >> 12) & 3) < 3) {
        x86_raise(cpu, X86_EXC_GP, true, 0);
    }
}

X86_HANDLER(x86_op_pushf)
{
    if (i->osz == 2 && x86_vme_active(cpu)) {
        x86_push(cpu, 2, x86_vme_flags_image(cpu));
        return;
    }
    v86_iopl_check(cpu);
    uint32_t f = x86_flags_image(cpu);
    if (i->osz == 4) {
        f &= ~(X86_VM | X86_RF);
    }
    x86_push(cpu, i->osz, f);
}

X86_HANDLER(x86_op_popf)
{
    if (i->osz == 2 && x86_vme_active(cpu)) {
        uint16_t v = (uint16_t)x86_peek(cpu, 2, 0);
        x86_vme_load_flags(cpu, v);
        x86_set_sp(cpu, x86_sp(cpu) + 2);
        return;
    }
    v86_iopl_check(cpu);
    uint32_t v = x86_peek(cpu, i->osz, 0);
    x86_set_sp(cpu, x86_sp(cpu) + i->osz);
    x86_write_flags_checked(cpu, v, i->osz);
}

/* ---- port I/O ---- */

/* Devices see the CPU's own time at each port and MMIO access (clock_sync_to), not the start of
 * the run slice: a PIT read in a calibration loop must count, and so must a local APIC timer
 * read. */
void x86_device_sync_time(X86Cpu *cpu)
{
    if (cpu->machine) {
        clock_sync_to(cpu->machine->clock, cycles_to_ns(cpu->cycles, cpu->model->hz));
    }
}

/* An access may arm an event sooner than the end of this run (a PIT reload, a UART byte, a local
 * APIC timer start): stop there so it fires on time. */
void x86_device_recheck_deadline(X86Cpu *cpu)
{
    if (cpu->machine) {
        int64_t next = clock_next_deadline(cpu->machine->clock);
        if (next < CLOCK_NEVER) {
            uint64_t limit = ns_to_cycles_ceil(next, cpu->model->hz);
            if (limit < cpu->cycle_deadline) {
                cpu->cycle_deadline = limit;
            }
        }
    }
}

static void x86_io_port_out(X86Cpu *cpu, uint16_t port, unsigned sz, uint32_t v)
{
    if (sz == 1) {
        iobus_write8(cpu->io, port, (uint8_t)v);
    } else if (sz == 2) {
        iobus_write16(cpu->io, port, (uint16_t)v);
    } else {
        iobus_write32(cpu->io, port, v);
    }
}

uint32_t x86_port_in(X86Cpu *cpu, uint16_t port, unsigned sz)
{
    x86_io_check(cpu, port, sz);
    if (!cpu->io) {
        return x86_size_mask(sz);
    }
    x86_device_sync_time(cpu);
    uint32_t v = sz == 1 ? iobus_read8(cpu->io, port) : sz == 2 ? iobus_read16(cpu->io, port)
                                                                : iobus_read32(cpu->io, port);
    x86_device_recheck_deadline(cpu);
    return v;
}

void x86_port_out(X86Cpu *cpu, uint16_t port, unsigned sz, uint32_t v)
{
    x86_io_check(cpu, port, sz);
    if (!cpu->io) {
        return;
    }
    x86_device_sync_time(cpu);
    x86_io_port_out(cpu, port, sz, v);
    x86_device_recheck_deadline(cpu);
}


X86_HANDLER(x86_op_in)
{
    unsigned sz = opsize(i);
    uint16_t port = (i->op & 8) ? (uint16_t)cpu->regs[X86_EDX] : (uint16_t)i->imm;
    x86_set_reg(cpu, X86_EAX, sz, x86_port_in(cpu, port, sz));
}

X86_HANDLER(x86_op_out)
{
    unsigned sz = opsize(i);
    uint16_t port = (i->op & 8) ? (uint16_t)cpu->regs[X86_EDX] : (uint16_t)i->imm;
    x86_port_out(cpu, port, sz, x86_reg(cpu, X86_EAX, sz));
}

/* ---- 386 moves ---- */

X86_HANDLER(x86_op_movx)
{
    unsigned ssz = (i->op & 1) ? 2 : 1;
    uint32_t v = x86_rm_read(cpu, i, ssz);
    if (i->op >= 0x1BE) {
        v = ssz == 1 ? (uint32_t)(int32_t)(int8_t)v : (uint32_t)(int32_t)(int16_t)v;
    }
    x86_set_reg(cpu, i->reg, i->osz, v);
}

X86_HANDLER(x86_op_setcc)
{
    x86_rm_write(cpu, i, 1, x86_cond(cpu, i->op & 0xF) ? 1 : 0);
}

/* ---- flags, NOP, ESC, WAIT ---- */

static void if_check(X86Cpu *cpu)
{
    if (x86_protected(cpu) && cpu->cpl > ((cpu->eflags >> 12) & 3)) {
        x86_raise(cpu, X86_EXC_GP, true, 0);
    }
}

X86_HANDLER(x86_op_flagop)
{
    switch (i->op) {
    case 0xF5:
        x86_set_arith(cpu, x86_cf(cpu) ? 0 : X86_CF, X86_CF);
        break;
    case 0xF8:
        x86_set_arith(cpu, 0, X86_CF);
        break;
    case 0xF9:
        x86_set_arith(cpu, X86_CF, X86_CF);
        break;
    case 0xFA:
        if (x86_vif_mode(cpu)) {
            x86_vif_cli(cpu);
            break;
        }
        if_check(cpu);
        cpu->eflags &= ~X86_IF;
        break;
    case 0xFB:
        if (x86_vif_mode(cpu)) {
            x86_vif_sti(cpu);
            break;
        }
        if_check(cpu);
        if (!(cpu->eflags & X86_IF)) {
            cpu->inhibit_irq = 1; /* interrupts are taken after the next instruction */
        }
        cpu->eflags |= X86_IF;
        break;
    case 0xFC:
        cpu->eflags &= ~X86_DF;
        break;
    default:
        cpu->eflags |= X86_DF;
        break;
    }
}

X86_HANDLER(x86_op_nop)
{
}

/* Memory operand size of an ESC instruction (80287/80387 opcode maps), for the limit check. */
static unsigned esc_operand_size(unsigned op, unsigned reg)
{
    switch (op) {
    case 0xD8: case 0xDA: return 4;
    case 0xDC: return 8;
    case 0xDE: return 2;
    case 0xD9: return reg == 4 || reg == 6 ? 14 : reg == 5 || reg == 7 ? 2 : 4;
    case 0xDB: return reg >= 4 ? 10 : 4;
    case 0xDD: return reg == 4 || reg == 6 ? 94 : reg == 7 ? 2 : 8;
    default: return reg == 4 || reg == 6 ? 10 : reg == 5 || reg == 7 ? 8 : 2;
    }
}

/* ESC (D8-DF) with no coprocessor: the CPU computes the address and moves on. From the 286 on,
 * CR0.EM or CR0.TS make it #NM (80286 PRM 10.x, 80386 PRM 2.9.2), and the memory operand is still
 * checked against the segment limit (the 286 vectors show #GP at offset 0FFFFh). */
X86_HANDLER(x86_op_esc)
{
    if (x86_has(cpu->model, X86_F_FPU)) {
        x86_fpu_esc(cpu, i); /* fpu_exec.c */
        return;
    }
    if (x86_has(cpu->model, X86_F_PMODE)) {
        if (cpu->cr0 & (X86_CR0_EM | X86_CR0_TS)) {
            x86_raise(cpu, X86_EXC_NM, false, 0);
        }
        if (i->mod != 3) {
            x86_seg_check(cpu, i->seg, i->ea, esc_operand_size(i->op, i->reg), X86_READ);
        }
    }
}

X86_HANDLER(x86_op_wait)
{
    if (x86_has(cpu->model, X86_F_FPU)) {
        x86_fpu_wait(cpu); /* fpu_exec.c: #NM, then pending FPU errors */
        return;
    }
    if ((cpu->cr0 & (X86_CR0_MP | X86_CR0_TS)) == (X86_CR0_MP | X86_CR0_TS)) {
        x86_raise(cpu, X86_EXC_NM, false, 0);
    }
}
