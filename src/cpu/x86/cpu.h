/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The x86 CPU state (8086 -> Pentium II class) and the seams between its parts:
 *   decode.c / exec_*.c   instruction decode and execution (ALU, moves, strings, control flow)
 *   flags.c               lazy flags behind x86_get_flags()/x86_set_flags()
 *   seg.c                 segment register loads with every real/protected/V86 check
 *   mmu.c                 linear -> physical (paging, TLB), x86_read/x86_write at linear addresses
 *   intr.c                exceptions, interrupts, gates, double/triple fault, IRET
 *   task.c                task switches (16/32-bit TSS)
 *   farctl.c              far JMP/CALL/RET across segments and privilege levels
 *   sysinsn.c             descriptor-table and control-register instructions
 *   models.c              CPU models as data (features, clock, cycle tables)
 * Guest exceptions leave the hot path by one mechanism: x86_raise() siglongjmp()s back to the
 * execution loop, so fast paths need no error checks; handlers hold no host resources across
 * guest memory accesses.
 */
#ifndef AMBER_CPU_X86_CPU_H
#define AMBER_CPU_X86_CPU_H

#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/iobus.h"
#include "core/membus.h"
#include "core/state.h"
#include "cpu/x86/fpu.h"

typedef struct Machine Machine;
typedef struct X86Model X86Model;

/* Register numbers as encoded in ModRM. */
enum { X86_EAX, X86_ECX, X86_EDX, X86_EBX, X86_ESP, X86_EBP, X86_ESI, X86_EDI };
/* Segment register numbers as encoded in ModRM.reg of MOV Sreg; then the system segments. */
enum { X86_ES, X86_CS, X86_SS, X86_DS, X86_FS, X86_GS, X86_LDTR, X86_TR, X86_NSEG };

/* EFLAGS bits (Intel SDM vol. 1, 3.4.3). */
#define X86_CF 0x0001u
#define X86_PF 0x0004u
#define X86_AF 0x0010u
#define X86_ZF 0x0040u
#define X86_SF 0x0080u
#define X86_TF 0x0100u
#define X86_IF 0x0200u
#define X86_DF 0x0400u
#define X86_OF 0x0800u
#define X86_IOPL 0x3000u
#define X86_NT 0x4000u
#define X86_RF 0x10000u
#define X86_VM 0x20000u
#define X86_AC 0x40000u
#define X86_VIF 0x80000u
#define X86_VIP 0x100000u
#define X86_ID 0x200000u

/* CR0 bits. */
#define X86_CR0_PE 0x00000001u
#define X86_CR0_MP 0x00000002u
#define X86_CR0_EM 0x00000004u
#define X86_CR0_TS 0x00000008u
#define X86_CR0_ET 0x00000010u
#define X86_CR0_NE 0x00000020u
#define X86_CR0_WP 0x00010000u
#define X86_CR0_AM 0x00040000u
#define X86_CR0_NW 0x20000000u
#define X86_CR0_CD 0x40000000u
#define X86_CR0_PG 0x80000000u

/* CR4 bits (Pentium Developer's Manual vol. 3, 10.1.3; Pentium Pro Developer's Manual vol. 3,
 * 2.5). Which ones a model accepts: x86_cr4_mask(). */
#define X86_CR4_VME 0x0001u
#define X86_CR4_PVI 0x0002u
#define X86_CR4_TSD 0x0004u
#define X86_CR4_DE 0x0008u
#define X86_CR4_PSE 0x0010u
#define X86_CR4_PAE 0x0020u
#define X86_CR4_MCE 0x0040u
#define X86_CR4_PGE 0x0080u
#define X86_CR4_PCE 0x0100u
#define X86_CR4_OSFXSR 0x0200u

/* Exception vectors. */
enum {
    X86_EXC_DE = 0, X86_EXC_DB = 1, X86_EXC_NMI = 2, X86_EXC_BP = 3, X86_EXC_OF = 4,
    X86_EXC_BR = 5, X86_EXC_UD = 6, X86_EXC_NM = 7, X86_EXC_DF = 8, X86_EXC_TS = 10,
    X86_EXC_NP = 11, X86_EXC_SS = 12, X86_EXC_GP = 13, X86_EXC_PF = 14, X86_EXC_MF = 16,
    X86_EXC_AC = 17, X86_EXC_MC = 18,
};

/*
 * A segment register with its hidden descriptor cache. `attr` holds descriptor bits 40..55
 * shifted down by 8 (so bits 0..7 = access byte: type, S, DPL, P; bits 12..15 = AVL, L, D/B, G).
 * In real mode loads set base = sel << 4 and leave limit/attr as the chip does.
 */
typedef struct X86Seg {
    uint16_t sel;
    uint16_t attr;
    uint32_t base;
    uint32_t limit; /* byte-granular, already expanded for G=1 */
} X86Seg;

#define X86_ATTR_P 0x0080u
#define X86_ATTR_S 0x0010u
#define X86_ATTR_DPL(a) (((a) >> 5) & 3u)
#define X86_ATTR_TYPE(a) ((a)&0x0Fu)
#define X86_ATTR_DB 0x4000u
#define X86_ATTR_G 0x8000u

typedef struct X86DescTable {
    uint32_t base;
    uint16_t limit;
} X86DescTable;

/* Kinds of event delivered through the IDT/IVT: they differ in privilege checks, error codes and
 * the return address pushed. */
typedef enum X86IntKind {
    X86_INT_EXCEPTION, /* fault/trap raised by the CPU */
    X86_INT_SOFTWARE,  /* INT n, INT3, INTO */
    X86_INT_EXTERNAL,  /* INTR from the PIC/APIC, NMI */
    /* INT3 (CC) and INTO: software, so the gate DPL is checked like INT n, but unlike INT n not
     * IOPL-sensitive in V86 mode (80386 PRM 15.4; SDM INT n pseudo-code "VM=1 and IOPL<3 and
     * INT n"). */
    X86_INT_SOFTWARE_EXC,
} X86IntKind;

typedef enum X86Access { X86_READ = 0, X86_WRITE = 1, X86_EXEC = 2 } X86Access;

#define X86_TLB_SIZE 256

/* X86TlbEntry.flags */
#define X86_TLB_W 0x01u      /* writable at the entry's privilege */
#define X86_TLB_DIRTY 0x02u  /* the PTE dirty bit is already set */
#define X86_TLB_U 0x04u      /* user accessible */
#define X86_TLB_G 0x08u      /* global page (CR4.PGE): kept when CR3 is written */
#define X86_TLB_LARGE 0x10u  /* from a 4 MiB page (CR4.PSE) */

typedef struct X86TlbEntry {
    uint32_t lin_page;  /* linear page number + 1 (0 = empty) */
    uint32_t phys_page;
    uint8_t flags;      /* bit0 writable (for user too if bit2), bit1 dirty set, bit2 user */
} X86TlbEntry;

/* The host-pointer TLB in front of the translation TLB (mmu.c, tlb.h): a slot says that reads
 * (tag_r) or writes (tag_w) of one linear page at one privilege (tag = page | 1 supervisor,
 * page | 2 user; 0 empty) go straight to host memory without side effects. */
typedef struct X86HostTlb {
    uint32_t tag_r, tag_w;
    uint8_t *host;      /* host address of the page's first byte */
} X86HostTlb;

/* The decoded-instruction cache (decode.c): one instruction's decode, keyed by the host address
 * of its first byte, used only while the bytes there are still the same and the code segment
 * has the same default size. The decode itself (decode.c's X86Insn, private to the executor) is
 * kept as raw words; the memory operand's offset is kept as its recipe, since it depends on the
 * registers. */
#define X86_DCACHE_SIZE 8192
typedef struct X86DecodedInsn {
    const uint8_t *host;  /* NULL: empty */
    uint64_t bytes[2];    /* the instruction's bytes, zero after len */
    uint64_t mask;        /* ones over the first min(len, 8) bytes of bytes[0] */
    uint8_t len, def32;
    uint8_t ea_base, ea_index, ea_scale; /* register numbers, 8 = none */
    uint16_t cycles;      /* x86_base_cycles(), 0 for a REP string instruction */
    uint32_t ea_disp, ea_mask;
    uint64_t insn[6];
} X86DecodedInsn;

typedef struct X86Cpu {
    /* --- architectural state (saved) --- */
    uint32_t regs[8];
    uint32_t eip;
    uint32_t eflags;       /* non-lazy bits; see flags.c for the lazily-computed arithmetic flags */
    /* Lazy arithmetic flags (flags.c): the last flag-setting operation and its operands. */
    uint32_t lf_op, lf_res, lf_src1, lf_src2;
    uint32_t lf_valid;     /* bit mask of arithmetic flags held in eflags rather than lazily */
    X86Seg seg[X86_NSEG];
    X86DescTable gdtr, idtr;
    uint32_t cr0, cr2, cr3, cr4;
    uint32_t dr[8];
    uint8_t cpl;
    bool halted;
    bool nmi_pending;
    bool intr_line;        /* INTR pin level from the interrupt controller */
    uint8_t inhibit_irq;   /* one-instruction interrupt shadow after MOV SS/POP SS/STI */
    uint64_t cycles;       /* cycles executed since reset (guest time = cycles_to_ns(cycles, hz)) */
    uint64_t tsc_offset;   /* time-stamp counter = cycles + tsc_offset (msr.c) */
    /* Model-specific registers (msr.c; state version 2). */
    uint32_t sysenter_cs, sysenter_esp, sysenter_eip;
    uint64_t apic_base;             /* IA32_APIC_BASE (1Bh): stored for the board's LAPIC */
    uint64_t mtrr_def_type;         /* 2FFh */
    uint64_t mtrr_fixed[11];        /* 250h, 258h, 259h, 268h-26Fh */
    uint64_t mtrr_var[16];          /* 200h-20Fh: base/mask pairs */
    uint64_t perf_ctr[2];           /* P5 CTR0/1 (12h/13h), P6 PerfCtr0/1 (C1h/C2h): stored only */
    uint64_t perf_sel[2];           /* P5 CESR (11h, one register: [0]), P6 EvntSel0/1 */
    /* The x87 FPU (fpu.h; models with X86_F_FPU): saved through X86_FPU_STATE_FIELDS. */
    X86Fpu fpu;

    /* --- configuration and wiring (not saved) --- */
    const X86Model *model;
    Machine *machine;
    MemBus *mem;
    IoBus *io;
    /* Called at an instruction boundary when intr_line is high and IF allows: returns the vector
     * (the PIC's INTA cycle). */
    uint8_t (*inta)(void *opaque);
    void *inta_opaque;
    /* FERR# of the FPU (fpu.h): the board wires it to IRQ 13; NULL when not wired. */
    void (*ferr)(void *opaque, bool level);
    void *ferr_opaque;
    /* The board wires a local APIC to this CPU (set before reset): CPUID.1 EDX bit 9 is reported
     * only then (and only on models with X86_F_APIC), and IA32_APIC_BASE resets to FEE00900h
     * (enabled, bootstrap processor). SeaBIOS and Linux set up a LAPIC when the bit is set. */
    bool lapic;
    /* Called after every WRMSR to IA32_APIC_BASE with the value the MSR now holds, so the local
     * APIC can move its window or go hardware-disabled (lapic.h says how a board wires it). */
    void (*apic_base_write)(void *opaque, uint64_t value);
    void *apic_base_opaque;

    /* --- transient execution state --- */
    sigjmp_buf exc_jmp;      /* x86_raise() lands here (the execution loop) */
    uint32_t insn_eip;       /* EIP of the instruction being executed (faults restart here) */
    int exc_nesting;         /* for double/triple fault */
    bool stop;               /* backend interrupt request */
    uint64_t cycle_deadline;
    X86TlbEntry tlb[X86_TLB_SIZE];
    /* x86speed (mmu.c): slot i of htlb is valid only while tlb[i] is unchanged and the memory
     * bus's mapping generation equals htlb_gen. Rebuilt on demand, never saved. */
    X86HostTlb htlb[X86_TLB_SIZE];
    uint32_t htlb_gen;
    X86DecodedInsn dcache[X86_DCACHE_SIZE]; /* x86speed (decode.c); never saved */
    /* x86speed (dcache.h): the fetch of the instruction that follows the last one, known without
     * a lookup - valid while EIP == seq_eip (X86_SEQ_NONE: not known): its host address and the
     * bytes left from there in the page and the code segment. Dropped by everything that could
     * change what the lookup would find (tlb.h x86_seq_break). Never saved. */
    uint64_t seq_eip;
    const uint8_t *seq_host;
    uint32_t seq_room;
    /* Under the same condition (seq_eip != X86_SEQ_NONE), the linear page of that fetch and its
     * host address: a near jump within the page skips the host TLB too. */
    uint32_t seq_page_lin;
    const uint8_t *seq_page_host;
    /* x86core (cpu.c): the state an instruction restarts from when it faults (flags, lazy-flag
     * record and ESP as they were before it), and whether x86_cpu_step() is running (a REP
     * string instruction then runs to completion instead of yielding). */
    uint32_t snap_eflags, snap_lf_op, snap_lf_res, snap_lf_src1, snap_lf_src2, snap_lf_valid;
    uint32_t snap_esp;
    bool snap_live;
    bool in_step;
    uint64_t insn_count;   /* instructions completed (statistics, benchmarks; not saved) */
    /* A20 gate (x86_set_a20): true forces physical bit 20 to 0. The board re-applies it after a
     * state load, so it lives here, unsaved; zero (gate open) is a safe default. */
    bool a20_off;
    /* intr.c: the exception x86_raise() recorded for the loop's landing (x86_deliver_pending),
     * and the event being delivered, for double/triple fault (80386 PRM 9.8.8) and the EXT bit
     * of error codes. deliver_active is false outside a delivery. */
    uint8_t exc_vector;
    bool exc_has_error;
    uint32_t exc_error;
    bool deliver_active;
    uint8_t deliver_vector;
    X86IntKind deliver_kind;
} X86Cpu;

/* ---- flags.c ---- */
uint32_t x86_get_flags(X86Cpu *cpu);            /* full EFLAGS, lazy bits resolved */
void x86_set_flags(X86Cpu *cpu, uint32_t value, uint32_t mask); /* writes bits in mask */

/* ---- mmu.c: linear addresses (after segmentation) ---- */
/* Translates a linear address; raises #PF on failure (user = CPL 3 access). */
uint32_t x86_translate(X86Cpu *cpu, uint32_t lin, X86Access acc, bool user);
void x86_tlb_flush(X86Cpu *cpu, bool include_global);
void x86_tlb_flush_page(X86Cpu *cpu, uint32_t lin);
uint8_t x86_lin_read8(X86Cpu *cpu, uint32_t lin, bool user);
uint16_t x86_lin_read16(X86Cpu *cpu, uint32_t lin, bool user);
uint32_t x86_lin_read32(X86Cpu *cpu, uint32_t lin, bool user);
void x86_lin_write8(X86Cpu *cpu, uint32_t lin, uint8_t v, bool user);
void x86_lin_write16(X86Cpu *cpu, uint32_t lin, uint16_t v, bool user);
void x86_lin_write32(X86Cpu *cpu, uint32_t lin, uint32_t v, bool user);
/* A20: the board's gate; when false, physical bit 20 is forced to 0. */
void x86_set_a20(X86Cpu *cpu, bool enabled);

/* ---- seg.c ---- */
/* Loads a data/stack segment register (ES, SS, DS, FS, GS) with all mode-dependent checks. */
void x86_load_seg(X86Cpu *cpu, int sreg, uint16_t sel);
/* Real-mode/V86 style load: base = sel << 4, no checks. */
void x86_load_seg_real(X86Cpu *cpu, int sreg, uint16_t sel);
/* Reads the 8-byte descriptor for sel from the GDT/LDT; raises #GP(sel) if outside the table. */
uint64_t x86_read_descriptor(X86Cpu *cpu, uint16_t sel, int exc_vector);
void x86_seg_from_descriptor(X86Seg *seg, uint16_t sel, uint64_t desc);
/* Segmented access check for seg:offset of len bytes; raises #GP/#SS on violation; returns linear. */
uint32_t x86_seg_check(X86Cpu *cpu, int sreg, uint32_t offset, unsigned len, X86Access acc);

/* ---- intr.c ---- */
/* Raises a CPU exception: does not return (siglongjmp to the loop, which calls x86_deliver). */
_Noreturn void x86_raise(X86Cpu *cpu, int vector, bool has_error, uint32_t error_code);
/* Delivers an interrupt/exception through the IVT (real mode), IDT (protected) or from V86. */
void x86_deliver(X86Cpu *cpu, int vector, X86IntKind kind, bool has_error, uint32_t error_code);
void x86_iret(X86Cpu *cpu, bool op32);
/* Called by the execution loop after x86_raise() landed on exc_jmp: restores EIP to insn_eip
 * (faults restart the instruction), combines with an exception being delivered (double fault,
 * or shutdown: machine_request_reset(RESET_WARM) and cpu->stop), and delivers it. It may itself
 * x86_raise() again, landing on the same sigsetjmp; the loop simply calls it again. */
void x86_deliver_pending(X86Cpu *cpu);

/* ---- farctl.c ---- */
void x86_far_jmp(X86Cpu *cpu, uint16_t sel, uint32_t offset, bool op32);
void x86_far_call(X86Cpu *cpu, uint16_t sel, uint32_t offset, bool op32);
void x86_far_ret(X86Cpu *cpu, bool op32, uint16_t pop_bytes);
/* SYSENTER/SYSEXIT (Pentium II): flat segments from IA32_SYSENTER_CS. */
void x86_sysenter(X86Cpu *cpu);
void x86_sysexit(X86Cpu *cpu);

/* ---- msr.c, cpuid.c ---- */
/* RDMSR/WRMSR: #GP(0) at CPL > 0 or for an MSR the model does not have. */
uint64_t x86_rdmsr(X86Cpu *cpu, uint32_t index);
void x86_wrmsr(X86Cpu *cpu, uint32_t index, uint64_t value);
uint64_t x86_tsc(const X86Cpu *cpu);
/* Resets the MSRs to their power-up values (x86_cpu_reset). */
void x86_msr_reset(X86Cpu *cpu);
/* CPUID leaf -> EAX EBX ECX EDX; x86_cpuid_features() is leaf 1 EDX. */
void x86_cpuid(const X86Cpu *cpu, uint32_t leaf, uint32_t out[4]);
uint32_t x86_cpuid_features(const X86Cpu *cpu);

/* ---- task.c ---- */
typedef enum X86TaskSource { X86_TASK_JMP, X86_TASK_CALL, X86_TASK_IRET, X86_TASK_INT } X86TaskSource;
void x86_task_switch(X86Cpu *cpu, uint16_t tss_sel, uint64_t tss_desc, X86TaskSource src,
                     bool has_error, uint32_t error_code);

/* ---- sysinsn.c: descriptor-table, control-register and protection instructions ----
 * Each does its own mode and privilege checks (#UD in real/V86 mode where the manual says so,
 * #GP(0) when CPL != 0) and raises through x86_raise(). Memory operands are passed as segment
 * register + effective offset (already masked to the address size); the function checks limits. */
void x86_lgdt(X86Cpu *cpu, int sreg, uint32_t offset, bool op32);
void x86_lidt(X86Cpu *cpu, int sreg, uint32_t offset, bool op32);
void x86_sgdt(X86Cpu *cpu, int sreg, uint32_t offset, bool op32);
void x86_sidt(X86Cpu *cpu, int sreg, uint32_t offset, bool op32);
void x86_lldt(X86Cpu *cpu, uint16_t sel);
void x86_ltr(X86Cpu *cpu, uint16_t sel);
uint16_t x86_sldt(X86Cpu *cpu);
uint16_t x86_str(X86Cpu *cpu);
void x86_lmsw(X86Cpu *cpu, uint16_t value);
uint32_t x86_smsw(X86Cpu *cpu); /* CR0 (the caller stores 16 bits to memory) */
/* LAR/LSL/VERR/VERW: return the resulting ZF; *out gets the access rights (descriptor high
 * dword & 0x00FFFF00; a 16-bit destination keeps the low word) or the byte-granular limit. */
bool x86_lar(X86Cpu *cpu, uint16_t sel, uint32_t *out);
bool x86_lsl(X86Cpu *cpu, uint16_t sel, uint32_t *out);
bool x86_verr(X86Cpu *cpu, uint16_t sel);
bool x86_verw(X86Cpu *cpu, uint16_t sel);
/* ARPL: *dst gets its RPL raised to src's when lower; returns ZF. */
bool x86_arpl(X86Cpu *cpu, uint16_t *dst, uint16_t src);
void x86_clts(X86Cpu *cpu);
/* MOV to/from CRn / DRn (n = ModRM.reg): #UD for registers the model lacks. */
uint32_t x86_read_cr(X86Cpu *cpu, int n);
void x86_write_cr(X86Cpu *cpu, int n, uint32_t value);
uint32_t x86_read_dr(X86Cpu *cpu, int n);
void x86_write_dr(X86Cpu *cpu, int n, uint32_t value);
/* CR4 bits the model implements (0 before the Pentium). */
uint32_t x86_cr4_mask(const X86Cpu *cpu);
/* INVLPG (486+): #GP(0) at CPL > 0; drops the TLB entries of the page. */
void x86_invlpg(X86Cpu *cpu, uint32_t lin);
/* IN/OUT/INS/OUTS permission: in protected mode with CPL > IOPL, and always in V86 mode, every
 * bit for port..port+len-1 in the TSS I/O permission bitmap must be clear, else #GP(0). */
void x86_io_check(X86Cpu *cpu, uint16_t port, unsigned len);

/* ---- cpu.c: life cycle and the execution loop ---- */
void x86_cpu_init(X86Cpu *cpu, const X86Model *model, Machine *m);
void x86_cpu_reset(X86Cpu *cpu);
/* Executes instructions until cpu->cycles >= cycle_limit, HLT with nothing pending, or stop. */
void x86_cpu_run(X86Cpu *cpu, uint64_t cycle_limit);
/* Executes exactly one instruction (prefixes included), delivering a fault it raises. */
void x86_cpu_step(X86Cpu *cpu);
const StateField *x86_cpu_state_fields(void);
/* Version of the "cpu0" state section (cpu_state.c): 2 added the MSRs, 3 the x87. */
#define X86_CPU_STATE_VERSION 3

static inline bool x86_protected(const X86Cpu *cpu) { return cpu->cr0 & X86_CR0_PE; }
static inline bool x86_v86(const X86Cpu *cpu) { return (cpu->cr0 & X86_CR0_PE) && (cpu->eflags & X86_VM); }

#endif
