/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * x86 instruction decoder: prefixes, opcode (one byte or 0F xx), ModRM/SIB/displacement and
 * immediates into an X86Insn; the opcode tables say which handler runs and what follows the opcode.
 *
 * Sources: iAPX 86/88 User's Manual, table 4-12 (8086 encoding); 80286 PRM appendix B; 80386 PRM
 * appendix A (opcode map) and 17.2 (ModRM/SIB). Model differences handled here:
 *  - 8086/8088: 60-6F alias 70-7F, C0/C1 alias C2/C3, C8/C9 alias CA/CB (the microcode ignores
 *    opcode bit 4 / bit 3 there); 0F is POP CS; no length limit (prefixes may repeat forever).
 *  - 80186: the 186 opcodes; 0F and other holes raise #UD.
 *  - 80286: 0F 00-06; an instruction longer than 10 bytes raises #GP(0) (80286 PRM 10.4; the
 *    SingleStepTests 286 vectors confirm interrupt 13).
 *  - 80386: 64-67 prefixes, 32-bit ModRM/SIB, the 0F 386 opcodes; 15-byte limit.
 *  - 486 and later: the 0F opcodes of exec_ext.c and exec_mmx.c. The table's family column
 *    gates by generation; the handlers check the model's feature bits for what varies within
 *    a generation (CPUID on a 486, MMX on a Pentium, CMOV/SYSENTER on a P6).
 */
#include "cpu/x86/exec.h"

#include <string.h>

#include "core/membus.h"
#include "cpu/x86/dcache.h"
#include "cpu/x86/tlb.h"

#define M X86_D_MODRM
#define B X86_D_BYTE
#define S X86_D_STRING
#define OP(fn, fl, im, fam, grp) { fn, fl, im, fam, grp }
#define ALU_ROW                                                                                    \
    OP(x86_op_alu, M | B, 0, 0, -1), OP(x86_op_alu, M, 0, 0, -1), OP(x86_op_alu, M | B, 0, 0, -1), \
        OP(x86_op_alu, M, 0, 0, -1), OP(x86_op_alu, B, X86_IMM_B, 0, -1),                          \
        OP(x86_op_alu, 0, X86_IMM_V, 0, -1)
#define UD OP(x86_op_ud, 0, 0, 0, -1)

/* One-byte opcodes (186+ map; the 8086 aliases are applied before lookup). */
static const X86OpInfo op_table[256] = {
    [0x00] = ALU_ROW, [0x06] = OP(x86_op_push_sreg, 0, 0, 0, -1), OP(x86_op_pop_sreg, 0, 0, 0, -1),
    [0x08] = ALU_ROW, [0x0E] = OP(x86_op_push_sreg, 0, 0, 0, -1), OP(x86_op_pop_cs, 0, 0, 0, -1),
    [0x10] = ALU_ROW, [0x16] = OP(x86_op_push_sreg, 0, 0, 0, -1), OP(x86_op_pop_sreg, 0, 0, 0, -1),
    [0x18] = ALU_ROW, [0x1E] = OP(x86_op_push_sreg, 0, 0, 0, -1), OP(x86_op_pop_sreg, 0, 0, 0, -1),
    [0x20] = ALU_ROW, [0x26] = UD, [0x27] = OP(x86_op_daa, 0, 0, 0, -1),
    [0x28] = ALU_ROW, [0x2E] = UD, [0x2F] = OP(x86_op_das, 0, 0, 0, -1),
    [0x30] = ALU_ROW, [0x36] = UD, [0x37] = OP(x86_op_aaa, 0, 0, 0, -1),
    [0x38] = ALU_ROW, [0x3E] = UD, [0x3F] = OP(x86_op_aas, 0, 0, 0, -1),
    [0x40 ... 0x4F] = OP(x86_op_incdec_r, 0, 0, 0, -1),
    [0x50 ... 0x57] = OP(x86_op_push_r, 0, 0, 0, -1),
    [0x58 ... 0x5F] = OP(x86_op_pop_r, 0, 0, 0, -1),
    [0x60] = OP(x86_op_pusha, 0, 0, 1, -1),
    [0x61] = OP(x86_op_popa, 0, 0, 1, -1),
    [0x62] = OP(x86_op_bound, M, 0, 1, -1),
    [0x63] = OP(x86_op_arpl, M, 0, 2, -1),
    [0x64 ... 0x67] = OP(x86_op_ud, 0, 0, 3, -1),
    [0x68] = OP(x86_op_push_imm, 0, X86_IMM_V, 1, -1),
    [0x69] = OP(x86_op_imul_imm, M, X86_IMM_V, 1, -1),
    [0x6A] = OP(x86_op_push_imm, 0, X86_IMM_SB, 1, -1),
    [0x6B] = OP(x86_op_imul_imm, M, X86_IMM_SB, 1, -1),
    [0x6C] = OP(x86_op_string, S | B, 0, 1, -1),
    [0x6D] = OP(x86_op_string, S, 0, 1, -1),
    [0x6E] = OP(x86_op_string, S | B, 0, 1, -1),
    [0x6F] = OP(x86_op_string, S, 0, 1, -1),
    [0x70 ... 0x7F] = OP(x86_op_jcc, 0, X86_IMM_SB, 0, -1),
    [0x80] = OP(x86_op_grp1, M | B, X86_IMM_B, 0, X86_GRP_80),
    [0x81] = OP(x86_op_grp1, M, X86_IMM_V, 0, X86_GRP_81),
    [0x82] = OP(x86_op_grp1, M | B, X86_IMM_B, 0, X86_GRP_80),
    [0x83] = OP(x86_op_grp1, M, X86_IMM_SB, 0, X86_GRP_83),
    [0x84] = OP(x86_op_test, M | B, 0, 0, -1),
    [0x85] = OP(x86_op_test, M, 0, 0, -1),
    [0x86] = OP(x86_op_xchg, M | B, 0, 0, -1),
    [0x87] = OP(x86_op_xchg, M, 0, 0, -1),
    [0x88] = OP(x86_op_mov, M | B, 0, 0, -1),
    [0x89] = OP(x86_op_mov, M, 0, 0, -1),
    [0x8A] = OP(x86_op_mov, M | B, 0, 0, -1),
    [0x8B] = OP(x86_op_mov, M, 0, 0, -1),
    [0x8C] = OP(x86_op_mov_sreg, M, 0, 0, -1),
    [0x8D] = OP(x86_op_lea, M, 0, 0, -1),
    [0x8E] = OP(x86_op_mov_sreg, M, 0, 0, -1),
    [0x8F] = OP(x86_op_pop_rm, M, 0, 0, -1),
    [0x90] = OP(x86_op_nop, 0, 0, 0, -1),
    [0x91 ... 0x97] = OP(x86_op_xchg, 0, 0, 0, -1),
    [0x98] = OP(x86_op_cbw, 0, 0, 0, -1),
    [0x99] = OP(x86_op_cwd, 0, 0, 0, -1),
    [0x9A] = OP(x86_op_callf, 0, X86_IMM_P, 0, -1),
    [0x9B] = OP(x86_op_wait, 0, 0, 0, -1),
    [0x9C] = OP(x86_op_pushf, 0, 0, 0, -1),
    [0x9D] = OP(x86_op_popf, 0, 0, 0, -1),
    [0x9E] = OP(x86_op_sahf, 0, 0, 0, -1),
    [0x9F] = OP(x86_op_lahf, 0, 0, 0, -1),
    [0xA0] = OP(x86_op_mov, B, X86_IMM_A, 0, -1),
    [0xA1] = OP(x86_op_mov, 0, X86_IMM_A, 0, -1),
    [0xA2] = OP(x86_op_mov, B, X86_IMM_A, 0, -1),
    [0xA3] = OP(x86_op_mov, 0, X86_IMM_A, 0, -1),
    [0xA4] = OP(x86_op_string, S | B, 0, 0, -1),
    [0xA5] = OP(x86_op_string, S, 0, 0, -1),
    [0xA6] = OP(x86_op_string, S | B, 0, 0, -1),
    [0xA7] = OP(x86_op_string, S, 0, 0, -1),
    [0xA8] = OP(x86_op_test, B, X86_IMM_B, 0, -1),
    [0xA9] = OP(x86_op_test, 0, X86_IMM_V, 0, -1),
    [0xAA] = OP(x86_op_string, S | B, 0, 0, -1),
    [0xAB] = OP(x86_op_string, S, 0, 0, -1),
    [0xAC] = OP(x86_op_string, S | B, 0, 0, -1),
    [0xAD] = OP(x86_op_string, S, 0, 0, -1),
    [0xAE] = OP(x86_op_string, S | B, 0, 0, -1),
    [0xAF] = OP(x86_op_string, S, 0, 0, -1),
    [0xB0 ... 0xB7] = OP(x86_op_mov, B, X86_IMM_B, 0, -1),
    [0xB8 ... 0xBF] = OP(x86_op_mov, 0, X86_IMM_V, 0, -1),
    [0xC0] = OP(x86_op_grp2, M | B, X86_IMM_B, 1, X86_GRP_C0),
    [0xC1] = OP(x86_op_grp2, M, X86_IMM_B, 1, X86_GRP_C1),
    [0xC2] = OP(x86_op_ret, 0, X86_IMM_W, 0, -1),
    [0xC3] = OP(x86_op_ret, 0, 0, 0, -1),
    [0xC4] = OP(x86_op_lxs, M, 0, 0, -1),
    [0xC5] = OP(x86_op_lxs, M, 0, 0, -1),
    [0xC6] = OP(x86_op_mov, M | B, X86_IMM_B, 0, -1),
    [0xC7] = OP(x86_op_mov, M, X86_IMM_V, 0, -1),
    [0xC8] = OP(x86_op_enter, 0, X86_IMM_WB, 1, -1),
    [0xC9] = OP(x86_op_leave, 0, 0, 1, -1),
    [0xCA] = OP(x86_op_retf, 0, X86_IMM_W, 0, -1),
    [0xCB] = OP(x86_op_retf, 0, 0, 0, -1),
    [0xCC] = OP(x86_op_int, 0, 0, 0, -1),
    [0xCD] = OP(x86_op_int, 0, X86_IMM_B, 0, -1),
    [0xCE] = OP(x86_op_int, 0, 0, 0, -1),
    [0xCF] = OP(x86_op_iret, 0, 0, 0, -1),
    [0xD0] = OP(x86_op_grp2, M | B, 0, 0, X86_GRP_D0),
    [0xD1] = OP(x86_op_grp2, M, 0, 0, X86_GRP_D1),
    [0xD2] = OP(x86_op_grp2, M | B, 0, 0, X86_GRP_D2),
    [0xD3] = OP(x86_op_grp2, M, 0, 0, X86_GRP_D3),
    [0xD4] = OP(x86_op_aam, 0, X86_IMM_B, 0, -1),
    [0xD5] = OP(x86_op_aad, 0, X86_IMM_B, 0, -1),
    [0xD6] = OP(x86_op_salc, 0, 0, 0, -1),
    [0xD7] = OP(x86_op_xlat, 0, 0, 0, -1),
    [0xD8 ... 0xDF] = OP(x86_op_esc, M, 0, 0, -1),
    [0xE0 ... 0xE3] = OP(x86_op_loop, 0, X86_IMM_SB, 0, -1),
    [0xE4] = OP(x86_op_in, B, X86_IMM_B, 0, -1),
    [0xE5] = OP(x86_op_in, 0, X86_IMM_B, 0, -1),
    [0xE6] = OP(x86_op_out, B, X86_IMM_B, 0, -1),
    [0xE7] = OP(x86_op_out, 0, X86_IMM_B, 0, -1),
    [0xE8] = OP(x86_op_call, 0, X86_IMM_V, 0, -1),
    [0xE9] = OP(x86_op_jmp, 0, X86_IMM_V, 0, -1),
    [0xEA] = OP(x86_op_jmpf, 0, X86_IMM_P, 0, -1),
    [0xEB] = OP(x86_op_jmp, 0, X86_IMM_SB, 0, -1),
    [0xEC] = OP(x86_op_in, B, 0, 0, -1),
    [0xED] = OP(x86_op_in, 0, 0, 0, -1),
    [0xEE] = OP(x86_op_out, B, 0, 0, -1),
    [0xEF] = OP(x86_op_out, 0, 0, 0, -1),
    [0xF0] = UD,
    [0xF1] = OP(x86_op_int, 0, 0, 3, -1),
    [0xF2] = UD, [0xF3] = UD,
    [0xF4] = OP(x86_op_hlt, 0, 0, 0, -1),
    [0xF5] = OP(x86_op_flagop, 0, 0, 0, -1),
    [0xF6] = OP(x86_op_grp3, M | B | X86_D_GRP3, X86_IMM_B, 0, X86_GRP_F6),
    [0xF7] = OP(x86_op_grp3, M | X86_D_GRP3, X86_IMM_V, 0, X86_GRP_F7),
    [0xF8 ... 0xFD] = OP(x86_op_flagop, 0, 0, 0, -1),
    [0xFE] = OP(x86_op_grp45, M | B, 0, 0, X86_GRP_FE),
    [0xFF] = OP(x86_op_grp45, M, 0, 0, X86_GRP_FF),
};

/* 0F xx (286: 00-06; the rest 386). Holes raise #UD: the range default is overridden on
 * purpose. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Woverride-init"
static const X86OpInfo op0f_table[256] = {
    [0x00 ... 0xFF] = OP(x86_op_ud, 0, 0, 2, -1),
    [0x00] = OP(x86_op_grp6, M, 0, 2, X86_GRP_0F00),
    [0x01] = OP(x86_op_grp7, M, 0, 2, X86_GRP_0F01),
    [0x02] = OP(x86_op_lar_lsl, M, 0, 2, -1),
    [0x03] = OP(x86_op_lar_lsl, M, 0, 2, -1),
    [0x06] = OP(x86_op_clts, 0, 0, 2, -1),
    [0x08] = OP(x86_op_sys_misc, 0, 0, 3, -1),
    [0x09] = OP(x86_op_sys_misc, 0, 0, 3, -1),
    [0x0B] = OP(x86_op_ud, 0, 0, 2, -1), /* UD2 */
    [0x19 ... 0x1F] = OP(x86_op_hint_nop, M, 0, 6, -1),
    [0x20 ... 0x23] = OP(x86_op_mov_cr, M, 0, 3, -1),
    [0x24] = OP(x86_op_mov_cr, M, 0, 3, -1),
    [0x26] = OP(x86_op_mov_cr, M, 0, 3, -1),
    [0x30] = OP(x86_op_msr, 0, 0, 5, -1),
    [0x31] = OP(x86_op_rdtsc, 0, 0, 5, -1),
    [0x32] = OP(x86_op_msr, 0, 0, 5, -1),
    [0x33] = OP(x86_op_rdpmc, 0, 0, 5, -1),
    [0x34 ... 0x35] = OP(x86_op_sysenter, 0, 0, 6, -1),
    [0x40 ... 0x4F] = OP(x86_op_cmov, M, 0, 6, -1),
    [0x60 ... 0x7F] = OP(x86_op_mmx, M, 0, 5, -1),
    [0x71 ... 0x73] = OP(x86_op_mmx, M, X86_IMM_B, 5, -1),
    [0x77] = OP(x86_op_mmx, 0, 0, 5, -1), /* EMMS */
    [0x80 ... 0x8F] = OP(x86_op_jcc, 0, X86_IMM_V, 3, -1),
    [0x90 ... 0x9F] = OP(x86_op_setcc, M | B, 0, 3, -1),
    [0xA0] = OP(x86_op_push_sreg, 0, 0, 3, -1),
    [0xA1] = OP(x86_op_pop_sreg, 0, 0, 3, -1),
    [0xA2] = OP(x86_op_cpuid, 0, 0, 4, -1),
    [0xA3] = OP(x86_op_bt, M, 0, 3, -1),
    [0xA4] = OP(x86_op_shd, M, X86_IMM_B, 3, -1),
    [0xA5] = OP(x86_op_shd, M, 0, 3, -1),
    [0xA8] = OP(x86_op_push_sreg, 0, 0, 3, -1),
    [0xA9] = OP(x86_op_pop_sreg, 0, 0, 3, -1),
    [0xAB] = OP(x86_op_bt, M, 0, 3, -1),
    [0xAC] = OP(x86_op_shd, M, X86_IMM_B, 3, -1),
    [0xAD] = OP(x86_op_shd, M, 0, 3, -1),
    [0xAE] = OP(x86_op_grp15, M, 0, 6, -1),
    [0xAF] = OP(x86_op_imul_rm, M, 0, 3, -1),
    [0xB0] = OP(x86_op_cmpxchg, M | B, 0, 4, -1),
    [0xB1] = OP(x86_op_cmpxchg, M, 0, 4, -1),
    [0xB2] = OP(x86_op_lxs, M, 0, 3, -1),
    [0xB3] = OP(x86_op_bt, M, 0, 3, -1),
    [0xB4] = OP(x86_op_lxs, M, 0, 3, -1),
    [0xB5] = OP(x86_op_lxs, M, 0, 3, -1),
    [0xB6] = OP(x86_op_movx, M, 0, 3, -1),
    [0xB7] = OP(x86_op_movx, M, 0, 3, -1),
    [0xBA] = OP(x86_op_bt, M, X86_IMM_B, 3, X86_GRP_0FBA),
    [0xBB] = OP(x86_op_bt, M, 0, 3, -1),
    [0xBC] = OP(x86_op_bsf_bsr, M, 0, 3, -1),
    [0xBD] = OP(x86_op_bsf_bsr, M, 0, 3, -1),
    [0xBE] = OP(x86_op_movx, M, 0, 3, -1),
    [0xBF] = OP(x86_op_movx, M, 0, 3, -1),
    [0xC0] = OP(x86_op_xadd, M | B, 0, 4, -1),
    [0xC1] = OP(x86_op_xadd, M, 0, 4, -1),
    [0xC7] = OP(x86_op_grp9, M, 0, 5, -1),
    [0xC8 ... 0xCF] = OP(x86_op_bswap, 0, 0, 4, -1),
    [0xD0 ... 0xFF] = OP(x86_op_mmx, M, 0, 5, -1),
};
#pragma GCC diagnostic pop

static const X86OpInfo pop_cs_info = OP(x86_op_pop_cs, 0, 0, 0, -1);

/*
 * Instruction fetch. The bytes of one instruction come from a host pointer into the page of its
 * first byte when that page is RAM/ROM and no segment-limit, 64 KiB wrap or page boundary is in
 * the way; otherwise byte by byte through the segment and paging seams.
 */
typedef struct Fetch {
    uint32_t ip, ipmask; /* ip: EIP of the first byte; the next one is at ip + len */
    const uint8_t *p;
    uint32_t avail;      /* bytes p may still give: never beyond the length limit */
    unsigned len, max;
} Fetch;

static void fetch_init(X86Cpu *cpu, Fetch *f)
{
    f->ip = cpu->eip;
    f->ipmask = (cpu->seg[X86_CS].attr & X86_ATTR_DB) ? 0xFFFFFFFFu : 0xFFFFu;
    f->len = 0;
    f->max = cpu->model->max_insn_len;
    f->p = NULL;
    f->avail = 0;
    uint32_t off = f->ip & f->ipmask;
    uint32_t lim;
    uint32_t lin;
    if (!x86_has(cpu->model, X86_F_PMODE)) {
        lin = cpu->seg[X86_CS].base + off;
        lim = 0xFFFFu;
    } else {
        lim = cpu->seg[X86_CS].limit;
        if (off > lim) {
            return; /* the slow path raises the fault */
        }
        lin = cpu->seg[X86_CS].base + off;
    }
    const uint8_t *host = x86_htlb_fetch(cpu, lin, x86_user(cpu));
    if (!host) {
        return;
    }
    uint32_t in_page = MEM_PAGE_SIZE - (lin & (MEM_PAGE_SIZE - 1));
    uint32_t in_seg = lim - off + 1; /* 0 means 4 GiB */
    if (in_seg == 0 || in_seg > in_page) {
        in_seg = in_page;
    }
    if (f->max && in_seg > f->max) {
        in_seg = f->max; /* the byte after the limit takes the slow path, which faults */
    }
    f->p = host;
    f->avail = in_seg;
}

static uint8_t fetch8_slow(X86Cpu *cpu, Fetch *f)
{
    if (f->max && f->len >= f->max) {
        x86_raise(cpu, X86_EXC_GP, true, 0);
    }
    uint32_t off = (f->ip + f->len) & f->ipmask;
    uint32_t lin;
    if (!x86_has(cpu->model, X86_F_PMODE)) {
        lin = cpu->seg[X86_CS].base + off;
    } else {
        lin = x86_seg_check(cpu, X86_CS, off, 1, X86_EXEC);
    }
    uint8_t b = x86_lin_read8(cpu, lin, x86_user(cpu));
    f->len++;
    return b;
}

static inline uint8_t fetch8(X86Cpu *cpu, Fetch *f)
{
    if (__builtin_expect(f->avail != 0, 1)) {
        f->avail--;
        f->len++;
        return *f->p++;
    }
    return fetch8_slow(cpu, f);
}

static uint16_t fetch16(X86Cpu *cpu, Fetch *f)
{
    uint16_t lo = fetch8(cpu, f);
    return (uint16_t)(lo | fetch8(cpu, f) << 8);
}

static uint32_t fetch32(X86Cpu *cpu, Fetch *f)
{
    uint32_t lo = fetch16(cpu, f);
    return lo | (uint32_t)fetch16(cpu, f) << 16;
}

/* The memory operand's offset as registers + displacement, so that a cached decode can compute
 * it again from the registers of the moment. */
#define EA_NONE X86_EA_NONE
typedef struct EaRecipe {
    uint8_t base, index, scale;
    uint32_t disp, mask;
} EaRecipe;

/* ModRM addressing, 16-bit forms (80386 PRM table 17-2). */
static const uint8_t ea16_base[8] = { X86_EBX, X86_EBX, X86_EBP, X86_EBP,
                                      X86_ESI, X86_EDI, X86_EBP, X86_EBX };
static const uint8_t ea16_index[8] = { X86_ESI, X86_EDI, X86_ESI, X86_EDI,
                                       EA_NONE, EA_NONE, EA_NONE, EA_NONE };

static void ea16(X86Cpu *cpu, X86Insn *i, Fetch *f, int *def_seg, EaRecipe *r)
{
    r->base = ea16_base[i->rm];
    r->index = ea16_index[i->rm];
    r->scale = 0;
    r->disp = 0;
    r->mask = 0xFFFFu;
    *def_seg = r->base == X86_EBP ? X86_SS : X86_DS;
    if (i->rm == 6 && i->mod == 0) {
        r->base = EA_NONE;
        r->disp = fetch16(cpu, f);
        *def_seg = X86_DS;
    }
    if (i->mod == 1) {
        r->disp = (uint32_t)(int8_t)fetch8(cpu, f);
    } else if (i->mod == 2) {
        r->disp = fetch16(cpu, f);
    }
    const X86Timing *t = cpu->model->timing;
    i->ea_cyc = i->mod == 0 ? t->ea_mod0[i->rm] : t->ea_disp[i->rm];
}

/* 32-bit forms with SIB (80386 PRM tables 17-3, 17-4). */
static void ea32(X86Cpu *cpu, X86Insn *i, Fetch *f, int *def_seg, EaRecipe *r)
{
    unsigned base = i->rm;
    r->index = EA_NONE;
    r->scale = 0;
    r->disp = 0;
    r->mask = 0xFFFFFFFFu;
    *def_seg = X86_DS;
    if (base == 4) {
        uint8_t sib = fetch8(cpu, f);
        unsigned idx = (sib >> 3) & 7;
        base = sib & 7;
        if (idx != 4) {
            r->index = (uint8_t)idx;
            r->scale = (uint8_t)(sib >> 6);
        }
        if (base == 5 && i->mod == 0) {
            base = EA_NONE;
            r->disp = fetch32(cpu, f);
        } else if (base == X86_ESP || base == X86_EBP) {
            *def_seg = X86_SS;
        }
    } else if (base == 5 && i->mod == 0) {
        base = EA_NONE;
        r->disp = fetch32(cpu, f);
    } else if (base == X86_EBP) {
        *def_seg = X86_SS;
    }
    r->base = (uint8_t)base;
    if (i->mod == 1) {
        r->disp += (uint32_t)(int8_t)fetch8(cpu, f);
    } else if (i->mod == 2) {
        r->disp += fetch32(cpu, f);
    }
    i->ea_cyc = 0;
}

/*
 * The decoded-instruction cache. Decoding is a function of the instruction's bytes, the code
 * segment's default size and the model alone (the handlers check everything that depends on
 * mode or state), except for the memory operand's offset, kept as its recipe. So an entry found
 * at the host address of the first byte, with equal bytes and the same default size, is the
 * decode - whatever happened to that memory since (self-modifying code simply misses). Only
 * instructions that lay entirely inside the fetch window of fetch_init (same page, inside the
 * segment limit and the length limit, no bus access) are kept, so a hit cannot skip a fault.
 */
_Static_assert(sizeof(X86Insn) <= sizeof(((X86DecodedInsn *)0)->insn),
               "X86DecodedInsn.insn must hold an X86Insn");

static unsigned charge_of(const X86Cpu *cpu, const X86Insn *i)
{
    return ((i->info->flags & X86_D_STRING) && i->rep) ? 0 : x86_base_cycles(cpu, i);
}

static void dcache_fill(X86DecodedInsn *e, const uint8_t *p, bool def32, const X86Insn *i,
                        const EaRecipe *r, unsigned cycles)
{
    unsigned len = i->len;
    uint8_t ones[8] = { 0 };
    memset(ones, 0xFF, len < 8 ? len : 8);
    memcpy(&e->mask, ones, 8);
    memset(e->bytes, 0, sizeof e->bytes);
    memcpy(e->bytes, p, len);
    e->host = p;
    e->len = (uint8_t)len;
    e->def32 = def32;
    e->ea_base = r->base;
    e->ea_index = r->index;
    e->ea_scale = r->scale;
    e->ea_disp = r->disp;
    e->ea_mask = r->mask;
    e->cycles = (uint16_t)cycles;
    memcpy(e->insn, i, sizeof *i);
}

/* ---- specialised handlers ----
 * A handler specialised for one form of an opcode (operand size, register operands, condition)
 * does exactly what the generic handler does for that form. The choice depends only on the
 * decode (and the model, through the generic handler the tables chose), so it is cached with it. */
#define FAST_ALU_ROW(op, form)                                                                     \
    { x86_fast_##op##_##form##1, x86_fast_##op##_##form##2, x86_fast_##op##_##form##4 }
#define FAST_ALU_TABLE(form)                                                                       \
    {                                                                                              \
        FAST_ALU_ROW(add, form), FAST_ALU_ROW(or, form), { NULL, NULL, NULL },                     \
            { NULL, NULL, NULL }, FAST_ALU_ROW(and, form), FAST_ALU_ROW(sub, form),                \
            FAST_ALU_ROW(xor, form), FAST_ALU_ROW(cmp, form)                                       \
    }
static const X86Handler fast_alu_rr[8][3] = FAST_ALU_TABLE(rr);
static const X86Handler fast_alu_ri[8][3] = FAST_ALU_TABLE(ri);
static const X86Handler fast_alu_ai[8][3] = FAST_ALU_TABLE(ai);
static const X86Handler fast_alu_m[8][3] = FAST_ALU_TABLE(m);
static const X86Handler fast_alu_mi[8][3] = FAST_ALU_TABLE(mi);
static const X86Handler fast_mov_m[3] = { x86_fast_mov_m1, x86_fast_mov_m2, x86_fast_mov_m4 };
static const X86Handler fast_jcc[16] = {
    x86_fast_jcc_o, x86_fast_jcc_no, x86_fast_jcc_b, x86_fast_jcc_nb,
    x86_fast_jcc_z, x86_fast_jcc_nz, x86_fast_jcc_be, x86_fast_jcc_a,
    x86_fast_jcc_s, x86_fast_jcc_ns, x86_fast_jcc_p, x86_fast_jcc_np,
    x86_fast_jcc_l, x86_fast_jcc_nl, x86_fast_jcc_le, x86_fast_jcc_g,
};

/* Generic handlers after which the next fetch may follow on (X86Insn.seq): they change neither
 * CS, CPL, the mode nor the translations, do no port I/O and deliver nothing except through
 * x86_raise() (whose landing drops the sequential fetch). Not here: everything far, INT/IRET, I/O,
 * segment and system instructions, HLT, and F6/F7 and AAM (the 8086's divide error is delivered
 * as a trap by the handler). */
static const X86Handler seq_safe[] = {
    x86_op_alu, x86_op_grp1, x86_op_incdec_r, x86_op_test, x86_op_grp2, x86_op_imul_imm,
    x86_op_imul_rm, x86_op_shd, x86_op_bt, x86_op_bsf_bsr, x86_op_daa, x86_op_das, x86_op_aaa,
    x86_op_aas, x86_op_aad, x86_op_salc, x86_op_mov, x86_op_lea, x86_op_xchg, x86_op_push_r,
    x86_op_pop_r, x86_op_pop_rm, x86_op_push_imm, x86_op_pusha, x86_op_popa, x86_op_cbw,
    x86_op_cwd, x86_op_xlat, x86_op_lahf, x86_op_sahf, x86_op_pushf, x86_op_popf, x86_op_movx,
    x86_op_setcc, x86_op_flagop, x86_op_nop, x86_op_jcc, x86_op_jmp, x86_op_call, x86_op_ret,
    x86_op_loop, x86_op_enter, x86_op_leave, x86_op_bswap, x86_op_xadd, x86_op_cmpxchg,
    x86_op_cmov,
};

static bool seq_safe_handler(X86Handler fn)
{
    for (size_t k = 0; k < sizeof seq_safe / sizeof seq_safe[0]; k++) {
        if (seq_safe[k] == fn) {
            return true;
        }
    }
    return false;
}

X86Handler x86_fast_handler(const X86Cpu *cpu, const X86Insn *i)
{
    X86Handler fn = i->info->fn;
    X86Handler fast = NULL;
    unsigned op = i->op;
    unsigned szi = (i->info->flags & X86_D_BYTE) ? 0 : i->osz == 4 ? 2 : 1;
    if (fn == x86_op_alu) {
        if ((op & 7) < 4) {
            fast = (i->mod == 3 ? fast_alu_rr : fast_alu_m)[(op >> 3) & 7][szi];
        } else {
            fast = fast_alu_ai[(op >> 3) & 7][szi];
        }
    } else if (fn == x86_op_grp1) {
        fast = (i->mod == 3 ? fast_alu_ri : fast_alu_mi)[i->reg][szi];
    } else if (fn == x86_op_incdec_r) {
        fast = (op & 8) ? (i->osz == 4 ? x86_fast_dec_r4 : x86_fast_dec_r2)
                        : (i->osz == 4 ? x86_fast_inc_r4 : x86_fast_inc_r2);
    } else if (fn == x86_op_test) {
        static const X86Handler test_rr[3] = { x86_fast_test_rr1, x86_fast_test_rr2,
                                               x86_fast_test_rr4 };
        static const X86Handler test_m[3] = { x86_fast_test_m1, x86_fast_test_m2,
                                              x86_fast_test_m4 };
        static const X86Handler test_ai[3] = { x86_fast_test_ai1, x86_fast_test_ai2,
                                               x86_fast_test_ai4 };
        if (op == 0x84 || op == 0x85) {
            fast = (i->mod == 3 ? test_rr : test_m)[szi];
        } else {
            fast = test_ai[szi];
        }
    } else if (fn == x86_op_grp2) {
        static const X86Handler shift_r[3] = { x86_fast_shift_r1, x86_fast_shift_r2,
                                               x86_fast_shift_r4 };
        bool setmo = i->reg == 6 && x86_has(cpu->model, X86_F_SETMO);
        if (i->mod == 3 && i->reg != 2 && i->reg != 3 && !setmo) {
            fast = shift_r[szi];
        }
    } else if (fn == x86_op_jcc) {
        fast = fast_jcc[op & 0xF];
    } else if (fn == x86_op_push_r && (op & 7) != X86_ESP) {
        fast = i->osz == 4 ? x86_fast_push_r4 : x86_fast_push_r2;
    } else if (fn == x86_op_pop_r && (op & 7) != X86_ESP) {
        fast = i->osz == 4 ? x86_fast_pop_r4 : x86_fast_pop_r2;
    } else if (fn == x86_op_mov) {
        if ((op == 0x89 || op == 0x8B) && i->mod == 3) {
            fast = i->osz == 4 ? x86_fast_mov_rr4 : x86_fast_mov_rr2;
        } else if (op >= 0x88 && op <= 0x8B && i->mod != 3) {
            fast = fast_mov_m[szi];
        } else if (op >= 0xB8 && op <= 0xBF && i->osz == 4) {
            fast = x86_fast_mov_ri4;
        }
    }
    return fast ? fast : fn;
}

/* The whole decode, byte by byte; fills the cache slot of the first byte's host address. */
unsigned x86_decode_full(X86Cpu *cpu, X86Insn *i)
{
    const X86Model *m = cpu->model;
    Fetch f;
    fetch_init(cpu, &f);
    bool def32 = (cpu->seg[X86_CS].attr & X86_ATTR_DB) != 0;
    X86DecodedInsn *slot = NULL;
    const uint8_t *p0 = f.p;
    uint32_t avail0 = f.avail;
    if (avail0) {
        slot = x86_dcache_slot(cpu, p0);
    }
    bool op32 = def32, ad32 = def32;
    int seg = -1;
    uint8_t rep = 0;
    bool lock = false;
    unsigned op;
    bool is386 = x86_has(m, X86_F_386);
    unsigned npfx = 0;

    for (;; npfx++) {
        op = fetch8(cpu, &f);
        switch (op) {
        case 0x26: case 0x2E: case 0x36: case 0x3E:
            seg = (op >> 3) & 3;
            continue;
        case 0xF0:
            lock = true;
            continue;
        case 0xF1:
            if (is386) {
                break;
            }
            lock = true; /* 8086-286: an alias of LOCK */
            continue;
        case 0xF2: case 0xF3:
            rep = (uint8_t)op;
            continue;
        case 0x64: case 0x65:
            if (!is386) {
                break;
            }
            seg = X86_FS + (op & 1);
            continue;
        case 0x66:
            if (!is386) {
                break;
            }
            op32 = !def32;
            continue;
        case 0x67:
            if (!is386) {
                break;
            }
            ad32 = !def32;
            continue;
        default:
            break;
        }
        break;
    }

    const X86OpInfo *info;
    if (op == 0x0F) {
        if (x86_has(m, X86_F_POP_CS)) {
            info = &pop_cs_info;
        } else if (m->family < X86_FAMILY_286) {
            info = &op_table[0x26]; /* #UD */
        } else {
            op = 0x100 | fetch8(cpu, &f);
            info = &op0f_table[op & 0xFF];
        }
    } else {
        if (x86_has(m, X86_F_ALIAS_6X)) {
            if ((op & 0xF0) == 0x60) {
                op += 0x10;
            } else if (op == 0xC0 || op == 0xC1 || op == 0xC8 || op == 0xC9) {
                op += 2;
            }
        }
        info = &op_table[op];
    }
    if (info->family > m->family) {
        info = &op_table[0x26];
    }

    i->op = (uint16_t)op;
    i->info = info;
    i->rep = rep;
    i->lock = lock;
    i->addr32 = ad32;
    i->osz = op32 ? 4 : 2;
    i->seg_ovr = seg >= 0;
    i->npfx = (uint8_t)(npfx > 255 ? 255 : npfx);
    i->ea_cyc = 0;
    i->mod = 3;
    i->imm = i->imm2 = 0;

    int def_seg = X86_DS;
    EaRecipe rcp = { EA_NONE, EA_NONE, 0, 0, 0 };
    if (info->flags & X86_D_MODRM) {
        uint8_t mrm = fetch8(cpu, &f);
        i->modrm = mrm;
        i->mod = mrm >> 6;
        i->reg = (mrm >> 3) & 7;
        i->rm = mrm & 7;
        if (i->mod != 3) {
            if (ad32) {
                ea32(cpu, i, &f, &def_seg, &rcp);
            } else {
                ea16(cpu, i, &f, &def_seg, &rcp);
            }
            i->ea = x86_ea_eval(cpu, rcp.base, rcp.index, rcp.scale, rcp.disp, rcp.mask);
        }
    }
    i->seg = (uint8_t)(seg >= 0 ? seg : def_seg);

    unsigned imm = info->imm;
    if ((info->flags & X86_D_GRP3) && i->reg >= 2) {
        imm = X86_IMM_NONE;
    }
    switch (imm) {
    case X86_IMM_B:
        i->imm = fetch8(cpu, &f);
        break;
    case X86_IMM_SB:
        i->imm = (uint32_t)(int8_t)fetch8(cpu, &f);
        break;
    case X86_IMM_W:
        i->imm = fetch16(cpu, &f);
        break;
    case X86_IMM_V:
        i->imm = (info->flags & X86_D_BYTE) ? fetch8(cpu, &f) : op32 ? fetch32(cpu, &f) : fetch16(cpu, &f);
        break;
    case X86_IMM_A:
        i->imm = ad32 ? fetch32(cpu, &f) : fetch16(cpu, &f);
        break;
    case X86_IMM_P:
        i->imm = op32 ? fetch32(cpu, &f) : fetch16(cpu, &f);
        i->imm2 = fetch16(cpu, &f);
        break;
    case X86_IMM_WB:
        i->imm = fetch16(cpu, &f);
        i->imm2 = fetch8(cpu, &f);
        break;
    default:
        break;
    }
    i->len = (uint8_t)(f.len > 255 ? 255 : f.len);
    i->fn = x86_fast_handler(cpu, i);
    i->seq = i->fn != info->fn || seq_safe_handler(info->fn);
    i->nosnap = i->fn != info->fn; /* every specialised handler is written so */
    cpu->eip = (f.ip + f.len) & f.ipmask;
    unsigned cycles = charge_of(cpu, i);
    if (slot && f.len <= avail0 && f.len <= sizeof slot->bytes && cycles <= UINT16_MAX) {
        dcache_fill(slot, p0, def32, i, &rcp, cycles); /* every byte came from the window */
    }
    return cycles;
}

unsigned x86_decode_timed(X86Cpu *cpu, X86Insn *i)
{
    uint64_t before = cpu->cycles;
    const X86Insn *d = x86_decode_fast(cpu, i);
    if (d != i) {
        *i = *d;
    }
    unsigned cycles = (unsigned)(cpu->cycles - before);
    cpu->cycles = before;
    return cycles;
}

void x86_decode(X86Cpu *cpu, X86Insn *i)
{
    x86_decode_timed(cpu, i);
}

unsigned x86_base_cycles(const X86Cpu *cpu, const X86Insn *i)
{
    const X86Timing *t = cpu->model->timing;
    const X86Cyc *c;
    if (i->info->grp >= 0) {
        c = &t->grp[i->info->grp][i->reg];
    } else if (i->op & 0x100) {
        c = &t->op0f[i->op & 0xFF];
    } else {
        c = &t->op[i->op];
    }
    unsigned pfx = i->npfx * t->prefix;
    if (i->mod != 3) {
        return c->mem + i->ea_cyc + pfx;
    }
    return c->reg + pfx;
}
