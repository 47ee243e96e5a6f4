/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Internal interface of the x86 interpreter: the decoded-instruction record, the opcode table
 * entry, and the small helpers every exec_*.c file uses (registers, guest memory through the
 * segment and paging seams, the stack, lazy flags). Not for use outside src/cpu/x86 and the
 * backends in src/accel.
 */
#ifndef AMBER_CPU_X86_EXEC_H
#define AMBER_CPU_X86_EXEC_H

#include <stdbool.h>
#include <stdint.h>

#include "cpu/x86/cpu.h"
#include "cpu/x86/models.h"

typedef struct X86Insn X86Insn;
typedef void (*X86Handler)(X86Cpu *cpu, X86Insn *i);

/* Decode attributes of an opcode (X86OpInfo.flags). */
#define X86_D_MODRM 0x01u   /* a ModRM byte (and SIB/displacement) follows */
#define X86_D_GRP3 0x02u    /* F6/F7: an immediate only for ModRM.reg 0/1 (TEST) */
#define X86_D_BYTE 0x04u    /* operates on bytes (operand size 1) */
#define X86_D_STRING 0x08u  /* string instruction: REP prefixes apply */

/* Immediate kinds (X86OpInfo.imm). */
enum {
    X86_IMM_NONE, X86_IMM_B, X86_IMM_W, X86_IMM_V, X86_IMM_A, X86_IMM_P, X86_IMM_WB, X86_IMM_SB
};

typedef struct X86OpInfo {
    X86Handler fn;
    uint8_t flags;
    uint8_t imm;
    uint8_t family; /* first family that has it (X86Family); older chips raise #UD / alias */
    int8_t grp;     /* X86_GRP_* for per-reg timing, or -1 */
} X86OpInfo;

struct X86Insn {
    uint16_t op;       /* opcode; 0x100 | xx for 0F xx */
    uint8_t modrm, mod, reg, rm;
    uint8_t seg;       /* segment of the memory operand (default or override) */
    uint8_t rep;       /* 0, 0xF2 or 0xF3 (the last REP prefix) */
    bool seg_ovr, lock;
    bool addr32;
    uint8_t osz;       /* operand size in bytes for word/dword ops: 2 or 4 */
    uint8_t len;       /* instruction length in bytes, prefixes included */
    uint8_t npfx;      /* prefix bytes */
    uint8_t ea_cyc;    /* 8086 effective-address calculation cycles */
    /* The handler (a specialised one) leaves CS, CPL, the mode and the translations alone, so the
     * next fetch may follow on from this one (dcache.h); 0 for every other handler. */
    uint8_t seq;
    /* The handler changes neither EFLAGS (lazy record included) nor ESP before its last chance to
     * fault, so the loop need not keep them for a restart (cpu.c snapshot); 0 for most. */
    uint8_t nosnap;
    uint32_t ea;       /* effective offset of the memory operand (mod != 3) */
    uint32_t imm, imm2;
    const X86OpInfo *info;
    /* The handler to run: info->fn, or a specialisation of it for this instruction's form that
     * the decoder chose (x86_fast_handler) - same behaviour, fewer tests. */
    X86Handler fn;
};

/* ---- registers ---- */
static inline uint8_t x86_r8(const X86Cpu *cpu, unsigned n)
{
    return n < 4 ? (uint8_t)cpu->regs[n] : (uint8_t)(cpu->regs[n - 4] >> 8);
}
static inline void x86_set_r8(X86Cpu *cpu, unsigned n, uint8_t v)
{
    if (n < 4) {
        cpu->regs[n] = (cpu->regs[n] & 0xFFFFFF00u) | v;
    } else {
        cpu->regs[n - 4] = (cpu->regs[n - 4] & 0xFFFF00FFu) | (uint32_t)v << 8;
    }
}
static inline void x86_set_r16(X86Cpu *cpu, unsigned n, uint16_t v)
{
    cpu->regs[n] = (cpu->regs[n] & 0xFFFF0000u) | v;
}
/* Register of size sz (1, 2, 4). */
static inline uint32_t x86_reg(const X86Cpu *cpu, unsigned n, unsigned sz)
{
    return sz == 1 ? x86_r8(cpu, n) : sz == 2 ? (uint16_t)cpu->regs[n] : cpu->regs[n];
}
static inline void x86_set_reg(X86Cpu *cpu, unsigned n, unsigned sz, uint32_t v)
{
    if (sz == 1) {
        x86_set_r8(cpu, n, (uint8_t)v);
    } else if (sz == 2) {
        x86_set_r16(cpu, n, (uint16_t)v);
    } else {
        cpu->regs[n] = v;
    }
}
static inline uint32_t x86_size_mask(unsigned sz)
{
    return sz == 1 ? 0xFFu : sz == 2 ? 0xFFFFu : 0xFFFFFFFFu;
}
static inline uint32_t x86_sign_bit(unsigned sz) { return 1u << (sz * 8 - 1); }

/* ---- guest memory (access.c) ---- */
uint8_t x86_read8(X86Cpu *cpu, int sreg, uint32_t off);
uint16_t x86_read16(X86Cpu *cpu, int sreg, uint32_t off);
uint32_t x86_read32(X86Cpu *cpu, int sreg, uint32_t off);
void x86_write8(X86Cpu *cpu, int sreg, uint32_t off, uint8_t v);
void x86_write16(X86Cpu *cpu, int sreg, uint32_t off, uint16_t v);
void x86_write32(X86Cpu *cpu, int sreg, uint32_t off, uint32_t v);
/* Size dispatch inline, so that a constant size costs nothing. */
static inline uint32_t x86_read(X86Cpu *cpu, int sreg, uint32_t off, unsigned sz)
{
    return sz == 1 ? x86_read8(cpu, sreg, off) : sz == 2 ? x86_read16(cpu, sreg, off)
                                                         : x86_read32(cpu, sreg, off);
}
static inline void x86_write(X86Cpu *cpu, int sreg, uint32_t off, unsigned sz, uint32_t v)
{
    if (sz == 1) {
        x86_write8(cpu, sreg, off, (uint8_t)v);
    } else if (sz == 2) {
        x86_write16(cpu, sreg, off, (uint16_t)v);
    } else {
        x86_write32(cpu, sreg, off, v);
    }
}
/* Checks that a write of sz bytes would succeed (segment + page), without writing. */
void x86_check_write(X86Cpu *cpu, int sreg, uint32_t off, unsigned sz);

/* The ModRM operand: register or memory. */
static inline uint32_t x86_rm_read(X86Cpu *cpu, X86Insn *i, unsigned sz)
{
    if (i->mod == 3) {
        return x86_reg(cpu, i->rm, sz);
    }
    return x86_read(cpu, i->seg, i->ea, sz);
}
static inline void x86_rm_write(X86Cpu *cpu, X86Insn *i, unsigned sz, uint32_t v)
{
    if (i->mod == 3) {
        x86_set_reg(cpu, i->rm, sz, v);
    } else {
        x86_write(cpu, i->seg, i->ea, sz, v);
    }
}

/* ---- stack (access.c); sizes in bytes ---- */
static inline bool x86_stack32(const X86Cpu *cpu) { return (cpu->seg[X86_SS].attr & X86_ATTR_DB) != 0; }
static inline uint32_t x86_sp(const X86Cpu *cpu)
{
    return x86_stack32(cpu) ? cpu->regs[X86_ESP] : (uint16_t)cpu->regs[X86_ESP];
}
static inline void x86_set_sp(X86Cpu *cpu, uint32_t v)
{
    if (x86_stack32(cpu)) {
        cpu->regs[X86_ESP] = v;
    } else {
        x86_set_r16(cpu, X86_ESP, (uint16_t)v);
    }
}
void x86_push(X86Cpu *cpu, unsigned sz, uint32_t v);
uint32_t x86_pop(X86Cpu *cpu, unsigned sz);
/* x86_push/x86_pop of a fixed size. */
void x86_push16(X86Cpu *cpu, uint16_t v);
void x86_push32(X86Cpu *cpu, uint32_t v);
uint16_t x86_pop16(X86Cpu *cpu);
uint32_t x86_pop32(X86Cpu *cpu);
/* Reads the stack at SP + off without moving SP. */
uint32_t x86_peek(X86Cpu *cpu, unsigned sz, uint32_t off);

/* ---- lazy flags (flags.c) ---- */
/* Lazy operation kinds (lf_op = kind << 2 | size index 0/1/2). */
enum {
    X86_LF_NONE, X86_LF_ADD, X86_LF_ADC, X86_LF_SUB, X86_LF_SBB, X86_LF_LOGIC, X86_LF_INC,
    X86_LF_DEC,
};
#define X86_ARITH_FLAGS (X86_CF | X86_PF | X86_AF | X86_ZF | X86_SF | X86_OF)
static inline unsigned x86_szidx(unsigned sz) { return sz == 1 ? 0 : sz == 2 ? 1 : 2; }
static inline void x86_lazy(X86Cpu *cpu, unsigned kind, unsigned sz, uint32_t res, uint32_t a,
                            uint32_t b)
{
    cpu->lf_op = kind << 2 | x86_szidx(sz);
    cpu->lf_res = res;
    cpu->lf_src1 = a;
    cpu->lf_src2 = b;
    cpu->lf_valid = 0;
}
/* INC/DEC keep CF: it is resolved into eflags first. */
void x86_lazy_keep_cf(X86Cpu *cpu, unsigned kind, unsigned sz, uint32_t res, uint32_t a);
bool x86_cf(X86Cpu *cpu);
/* x86_cf() with the commonest lazy records (SUB/CMP, ADD, the logic operations) decided inline:
 * the same definitions as flags.c's lazy_cf(). */
static inline bool x86_cf_inline(X86Cpu *cpu)
{
    if (cpu->lf_valid & X86_CF) {
        return (cpu->eflags & X86_CF) != 0;
    }
    uint32_t mask = x86_size_mask(1u << (cpu->lf_op & 3));
    switch (cpu->lf_op >> 2) {
    case X86_LF_SUB:
        return (cpu->lf_src1 & mask) < (cpu->lf_src2 & mask);
    case X86_LF_ADD:
        return (cpu->lf_res & mask) < (cpu->lf_src1 & mask);
    case X86_LF_LOGIC:
        return false;
    default:
        return x86_cf(cpu);
    }
}
static inline void x86_lazy_keep_cf_inline(X86Cpu *cpu, unsigned kind, unsigned sz, uint32_t res,
                                           uint32_t a)
{
    if (!(cpu->lf_valid & X86_CF)) {
        cpu->eflags = (cpu->eflags & ~X86_CF) | (x86_cf_inline(cpu) ? X86_CF : 0);
    }
    cpu->lf_op = kind << 2 | x86_szidx(sz);
    cpu->lf_res = res;
    cpu->lf_src1 = a;
    cpu->lf_src2 = 1;
    cpu->lf_valid = X86_CF;
}
/* Sets arithmetic flags eagerly (bits in mask to the values in v). */
void x86_set_arith(X86Cpu *cpu, uint32_t v, uint32_t mask);
bool x86_zf(X86Cpu *cpu);
/* Condition code cc (0..15, as in Jcc). */
bool x86_cond(X86Cpu *cpu, unsigned cc);
/* Parity flag value (PF) of the low byte. */
static inline uint32_t x86_pf(uint32_t v) { return __builtin_parity(v & 0xFFu) ? 0 : X86_PF; }
/* SF/ZF/PF of a result of size sz. */
static inline uint32_t x86_szp(uint32_t v, unsigned sz)
{
    v &= x86_size_mask(sz);
    return (v ? 0 : X86_ZF) | (v & x86_sign_bit(sz) ? X86_SF : 0) | x86_pf(v);
}
/* Writes FLAGS/EFLAGS from POPF/IRET/SAHF-like sources with the mode's rules (IOPL, IF, VM). */
void x86_write_flags_checked(X86Cpu *cpu, uint32_t v, unsigned sz);
/* FLAGS as PUSHF and interrupts store them (model rules for bits 12-15). */
uint32_t x86_flags_image(X86Cpu *cpu);

/* ---- misc ---- */
static inline bool x86_user(const X86Cpu *cpu) { return cpu->cpl == 3; }
/* Raises #UD (or does nothing on the 8086, which executes everything). */
_Noreturn void x86_ud(X86Cpu *cpu);
void x86_charge(X86Cpu *cpu, unsigned cycles);
static inline void x86_add_cycles(X86Cpu *cpu, unsigned n) { cpu->cycles += n; }
/* Jumps to a near target (masks to 16 bits for 16-bit operand size) with the CS limit check. */
void x86_jump_near(X86Cpu *cpu, uint32_t target, unsigned osz);
/* Software interrupt/trap delivery with EIP already at the next instruction. */
void x86_int(X86Cpu *cpu, int vector, X86IntKind kind);

/* ---- vme.c: virtual-8086 mode extensions, protected-mode virtual interrupts ---- */
/* V86 mode with CR4.VME at IOPL < 3. */
bool x86_vme_active(const X86Cpu *cpu);
/* CLI/STI act on VIF: VME as above, or PVI at CPL 3 in protected mode with IOPL < 3. */
bool x86_vif_mode(const X86Cpu *cpu);
void x86_vif_cli(X86Cpu *cpu);
void x86_vif_sti(X86Cpu *cpu);
/* 16-bit PUSHF image under VME: IF shows VIF, IOPL shows 3. */
uint16_t x86_vme_flags_image(X86Cpu *cpu);
/* 16-bit POPF/IRET flags under VME: TF set or IF set with VIP pending is #GP(0); VIF = IF. */
void x86_vme_load_flags(X86Cpu *cpu, uint16_t v);
/* INT n in V86 mode: with CR4.VME, redirects through the task's IVT (true), raises #GP(0) or
 * returns false for the protected-mode delivery; without VME returns false. */
bool x86_vme_int(X86Cpu *cpu, int vec);

/* ---- decode (decode.c) ---- */
/* Decodes the instruction at CS:EIP into i; advances cpu->eip past it. Raises faults. */
void x86_decode(X86Cpu *cpu, X86Insn *i);
/* Base cycles of a decoded instruction from the model's table. */
unsigned x86_base_cycles(const X86Cpu *cpu, const X86Insn *i);
/* x86_decode, returning the cycles to charge before the handler runs: x86_base_cycles(), or 0
 * for a REP string instruction (it charges per iteration). Cached with the decode. */
unsigned x86_decode_timed(X86Cpu *cpu, X86Insn *i);

/* ---- handlers, by file ---- */
#define X86_HANDLER(name) void name(X86Cpu *cpu, X86Insn *i)
/* exec_alu.c */
X86_HANDLER(x86_op_alu);      /* 00-3D ALU forms */
X86_HANDLER(x86_op_grp1);     /* 80-83 */
X86_HANDLER(x86_op_incdec_r); /* 40-4F */
X86_HANDLER(x86_op_test);     /* 84/85, A8/A9 */
X86_HANDLER(x86_op_grp2);     /* C0/C1/D0-D3 shifts and rotates */
X86_HANDLER(x86_op_grp3);     /* F6/F7 */
X86_HANDLER(x86_op_grp45);    /* FE/FF */
X86_HANDLER(x86_op_imul_imm); /* 69/6B */
X86_HANDLER(x86_op_imul_rm);  /* 0F AF */
X86_HANDLER(x86_op_shd);      /* 0F A4/A5/AC/AD */
X86_HANDLER(x86_op_bt);       /* 0F A3/AB/B3/BB/BA */
X86_HANDLER(x86_op_bsf_bsr);  /* 0F BC/BD */
/* exec_bcd.c */
X86_HANDLER(x86_op_daa);
X86_HANDLER(x86_op_das);
X86_HANDLER(x86_op_aaa);
X86_HANDLER(x86_op_aas);
X86_HANDLER(x86_op_aam);
X86_HANDLER(x86_op_aad);
X86_HANDLER(x86_op_salc);
/* exec_move.c */
X86_HANDLER(x86_op_mov);      /* 88-8B, A0-A3, B0-BF, C6/C7 */
X86_HANDLER(x86_op_mov_sreg); /* 8C/8E */
X86_HANDLER(x86_op_lea);
X86_HANDLER(x86_op_lxs);      /* C4/C5, 0F B2/B4/B5 */
X86_HANDLER(x86_op_xchg);     /* 86/87, 91-97 */
X86_HANDLER(x86_op_push_r);   /* 50-57 */
X86_HANDLER(x86_op_pop_r);    /* 58-5F */
X86_HANDLER(x86_op_push_sreg);
X86_HANDLER(x86_op_pop_sreg);
X86_HANDLER(x86_op_pop_rm);   /* 8F */
X86_HANDLER(x86_op_push_imm); /* 68/6A */
X86_HANDLER(x86_op_pusha);
X86_HANDLER(x86_op_popa);
X86_HANDLER(x86_op_cbw);
X86_HANDLER(x86_op_cwd);
X86_HANDLER(x86_op_xlat);
X86_HANDLER(x86_op_lahf);
X86_HANDLER(x86_op_sahf);
X86_HANDLER(x86_op_pushf);
X86_HANDLER(x86_op_popf);
X86_HANDLER(x86_op_in);
X86_HANDLER(x86_op_out);
X86_HANDLER(x86_op_movx);     /* 0F B6/B7/BE/BF */
X86_HANDLER(x86_op_setcc);    /* 0F 90-9F */
X86_HANDLER(x86_op_flagop);   /* F5, F8-FD */
X86_HANDLER(x86_op_nop);
X86_HANDLER(x86_op_esc);      /* D8-DF without an FPU */
X86_HANDLER(x86_op_wait);
/* exec_string.c */
X86_HANDLER(x86_op_string);   /* A4-A7, AA-AF, 6C-6F */
/* exec_control.c */
X86_HANDLER(x86_op_jcc);      /* 70-7F, 0F 80-8F (and 60-6F on the 8086) */
X86_HANDLER(x86_op_jmp);      /* E9/EB */
X86_HANDLER(x86_op_call);     /* E8 */
X86_HANDLER(x86_op_ret);      /* C2/C3 */
X86_HANDLER(x86_op_retf);     /* CA/CB */
X86_HANDLER(x86_op_jmpf);     /* EA */
X86_HANDLER(x86_op_callf);    /* 9A */
X86_HANDLER(x86_op_loop);     /* E0-E3 */
X86_HANDLER(x86_op_int);      /* CC/CD/CE, F1 on the 386 */
X86_HANDLER(x86_op_iret);
X86_HANDLER(x86_op_enter);
X86_HANDLER(x86_op_leave);
X86_HANDLER(x86_op_bound);
X86_HANDLER(x86_op_hlt);
X86_HANDLER(x86_op_ud);
X86_HANDLER(x86_op_pop_cs);   /* 0F on the 8086 */
/* exec_system.c */
X86_HANDLER(x86_op_grp6);     /* 0F 00 */
X86_HANDLER(x86_op_grp7);     /* 0F 01 */
X86_HANDLER(x86_op_lar_lsl);  /* 0F 02/03 */
X86_HANDLER(x86_op_clts);     /* 0F 06 */
X86_HANDLER(x86_op_mov_cr);   /* 0F 20-23, 24/26 */
X86_HANDLER(x86_op_arpl);     /* 63 on the 286+ in protected mode */
X86_HANDLER(x86_op_sys_misc); /* 0F 08/09 INVD/WBINVD */
/* exec_ext.c: after the 386 */
X86_HANDLER(x86_op_bswap);    /* 0F C8-CF */
X86_HANDLER(x86_op_xadd);     /* 0F C0/C1 */
X86_HANDLER(x86_op_cmpxchg);  /* 0F B0/B1 */
X86_HANDLER(x86_op_grp9);     /* 0F C7: CMPXCHG8B */
X86_HANDLER(x86_op_cmov);     /* 0F 40-4F */
X86_HANDLER(x86_op_hint_nop); /* 0F 19-1F */
X86_HANDLER(x86_op_cpuid);    /* 0F A2 */
X86_HANDLER(x86_op_rdtsc);    /* 0F 31 */
X86_HANDLER(x86_op_msr);      /* 0F 30 WRMSR, 0F 32 RDMSR */
X86_HANDLER(x86_op_rdpmc);    /* 0F 33 */
X86_HANDLER(x86_op_sysenter); /* 0F 34 SYSENTER, 0F 35 SYSEXIT */
/* fxsave.c */
X86_HANDLER(x86_op_grp15);    /* 0F AE: FXSAVE, FXRSTOR */
/* exec_mmx.c */
X86_HANDLER(x86_op_mmx);      /* 0F 60-7F, 0F D0-FF */

/* Specialised handlers for the commonest forms (decode.c picks them; each behaves exactly as the
 * generic handler of its opcode would for that form). exec_alu.c: ADD OR AND SUB XOR CMP with
 * register operands (rr: 00-3B with ModRM.mod 3; ri: 80/81/83 with mod 3; ai: 04/05-3C/3D) or a
 * memory operand (m: 00-3B, mi: 80-83 with mod != 3), by operand size; INC/DEC of a register. */
#define X86_FAST_ALU_DECL(op)                                                                      \
    X86_HANDLER(x86_fast_##op##_rr1); X86_HANDLER(x86_fast_##op##_rr2);                           \
    X86_HANDLER(x86_fast_##op##_rr4); X86_HANDLER(x86_fast_##op##_ri1);                           \
    X86_HANDLER(x86_fast_##op##_ri2); X86_HANDLER(x86_fast_##op##_ri4);                           \
    X86_HANDLER(x86_fast_##op##_ai1); X86_HANDLER(x86_fast_##op##_ai2);                           \
    X86_HANDLER(x86_fast_##op##_ai4); X86_HANDLER(x86_fast_##op##_m1);                            \
    X86_HANDLER(x86_fast_##op##_m2); X86_HANDLER(x86_fast_##op##_m4);                              \
    X86_HANDLER(x86_fast_##op##_mi1); X86_HANDLER(x86_fast_##op##_mi2);                            \
    X86_HANDLER(x86_fast_##op##_mi4);
X86_FAST_ALU_DECL(add)
X86_FAST_ALU_DECL(or)
X86_FAST_ALU_DECL(and)
X86_FAST_ALU_DECL(sub)
X86_FAST_ALU_DECL(xor)
X86_FAST_ALU_DECL(cmp)
X86_HANDLER(x86_fast_test_rr1); /* TEST: 84/85 with mod 3 (rr), memory (m); A8/A9 (ai) */
X86_HANDLER(x86_fast_test_rr2);
X86_HANDLER(x86_fast_test_rr4);
X86_HANDLER(x86_fast_test_m1);
X86_HANDLER(x86_fast_test_m2);
X86_HANDLER(x86_fast_test_m4);
X86_HANDLER(x86_fast_test_ai1);
X86_HANDLER(x86_fast_test_ai2);
X86_HANDLER(x86_fast_test_ai4);
X86_HANDLER(x86_fast_shift_r1); /* C0/C1/D0-D3 with a register operand, not RCL/RCR/SETMO */
X86_HANDLER(x86_fast_shift_r2);
X86_HANDLER(x86_fast_shift_r4);
X86_HANDLER(x86_fast_inc_r2);
X86_HANDLER(x86_fast_inc_r4);
X86_HANDLER(x86_fast_dec_r2);
X86_HANDLER(x86_fast_dec_r4);
/* exec_control.c: Jcc by condition. */
X86_HANDLER(x86_fast_jcc_o); X86_HANDLER(x86_fast_jcc_no);
X86_HANDLER(x86_fast_jcc_b); X86_HANDLER(x86_fast_jcc_nb);
X86_HANDLER(x86_fast_jcc_z); X86_HANDLER(x86_fast_jcc_nz);
X86_HANDLER(x86_fast_jcc_be); X86_HANDLER(x86_fast_jcc_a);
X86_HANDLER(x86_fast_jcc_s); X86_HANDLER(x86_fast_jcc_ns);
X86_HANDLER(x86_fast_jcc_p); X86_HANDLER(x86_fast_jcc_np);
X86_HANDLER(x86_fast_jcc_l); X86_HANDLER(x86_fast_jcc_nl);
X86_HANDLER(x86_fast_jcc_le); X86_HANDLER(x86_fast_jcc_g);
/* exec_move.c: MOV between registers and register <- immediate (B8-BF), by size. */
X86_HANDLER(x86_fast_mov_rr2);
X86_HANDLER(x86_fast_mov_rr4);
X86_HANDLER(x86_fast_mov_ri4);
/* MOV between a register and memory (88-8B), by size; PUSH/POP of a register but ESP. */
X86_HANDLER(x86_fast_mov_m1);
X86_HANDLER(x86_fast_mov_m2);
X86_HANDLER(x86_fast_mov_m4);
X86_HANDLER(x86_fast_push_r2);
X86_HANDLER(x86_fast_push_r4);
X86_HANDLER(x86_fast_pop_r2);
X86_HANDLER(x86_fast_pop_r4);
/* decode.c: the handler for a decoded instruction (its info->fn or a specialisation). */
X86Handler x86_fast_handler(const X86Cpu *cpu, const X86Insn *i);

/* Helpers shared by files. */
uint32_t x86_incdec(X86Cpu *cpu, bool dec, unsigned sz, uint32_t v);
/* Port I/O with the protected-mode permission check. */
/* Around every access that reaches a device (port I/O, and memory that is not host RAM): the
 * machine's clock moved to the CPU's own time before it, the run shortened after it when the
 * access armed an event sooner than the run's end (exec_move.c). */
void x86_device_sync_time(X86Cpu *cpu);
void x86_device_recheck_deadline(X86Cpu *cpu);
uint32_t x86_port_in(X86Cpu *cpu, uint16_t port, unsigned sz);
void x86_port_out(X86Cpu *cpu, uint16_t port, unsigned sz, uint32_t v);
/* True when a long instruction (REP string) should stop at an iteration boundary and restart:
 * the cycle budget is spent, an interrupt is pending, or the backend asked to stop. */
bool x86_should_yield(X86Cpu *cpu);
/* State-load hook for the CPU section (cpu_state.c). */
bool x86_cpu_post_load(void *base, AmberError *err);
uint32_t x86_alu(X86Cpu *cpu, unsigned op, unsigned sz, uint32_t a, uint32_t b);
void x86_divide_error(X86Cpu *cpu);

#endif
