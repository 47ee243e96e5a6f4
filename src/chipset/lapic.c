/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The local APIC of the P6 family (Pentium Pro, Pentium II).
 * Sources: Intel SDM vol. 3A chapter 10 "Advanced Programmable Interrupt Controller (APIC)":
 * 10.4.1 (table 10-1, the register map), 10.4.3 (IA32_APIC_BASE: the window and hardware
 * enable; "P6 family processors... cannot be generally re-enabled until a system hardware
 * reset"), 10.4.4 (ID: bits 27:24 on P6), 10.4.7.1 (state after power-up or reset: IRR, ISR,
 * TMR, ICR, LDR, TPR, timer counts and divide configuration 0; DFR all ones; LVT entries masked;
 * SVR 000000FFh), 10.4.7.2 (software disable: all LVT entries masked and the masks cannot be
 * cleared), 10.4.8 (version register: version 1xh, max LVT entry 4 for the P6's five entries),
 * 10.5.1 (LVT layouts, delivery modes; NMI, SMI and INIT are edge, ExtINT level), 10.5.3 (ESR:
 * the write that loads it from the errors seen since the last write), 10.5.4 (timer: divide
 * configuration bits 0,1,3; one-shot and periodic; initial count 0 stops it; current count),
 * 10.6.1 (ICR: vector, delivery mode, destination mode, delivery status, level, trigger mode,
 * destination shorthand), 10.6.2 (physical and logical destinations, the flat and cluster
 * models), 10.8.3 (TPR, PPR: PPR = TPR when TPR[7:4] >= ISRV[7:4], else ISRV[7:4]:0; an
 * interrupt is dispatched only when its priority class is above PPR[7:4]), 10.6.2.4 (APR),
 * 10.8.4 (IRR -> ISR at acknowledge, TMR set for level-triggered), 10.8.5 (EOI clears the
 * highest ISR bit and, when its TMR bit is set, sends an EOI message to the I/O APICs), 10.9
 * (spurious interrupt: the SVR vector when the acknowledged interrupt was withdrawn; on P6 bits
 * 3:0 of the spurious vector are hard-wired to 1). The register values are the SDM's; none came
 * from another emulator.
 *
 * Modelled: every P6 register with its writable bits, the priority rules and ISR nesting, EOI
 * back to the I/O APIC through the APIC bus, LINT0/LINT1 in every LVT delivery mode that makes
 * sense for one CPU (ExtINT: the 8259's INTR reaches INTR and the acknowledge goes to the 8259;
 * NMI; fixed, edge or level with remote IRR), the timer counting at bus_hz / divider from the
 * time of the initial-count write (expiry times computed from the clock, never ticked), the
 * error register and the error LVT (illegal vectors, illegal register addresses, a sent IPI
 * nobody accepted), IPIs by ICR for one CPU (self, all-including-self, all-excluding-self and
 * destination-addressed fixed IPIs, NMI), hardware disable (LINT0/LINT1 pass through as INTR and
 * NMI, the window is unmapped) and moving the window.
 *
 * Not modelled: INIT, start-up and SMI messages (no second CPU, no SMM: logged once, accepted
 * and ignored), the focus processor and lowest-priority arbitration between CPUs (one CPU), the
 * performance-counter LVT's source (nothing counts; the entry is only stored), delivery status
 * "send pending" (messages are delivered at once, so it always reads idle), sub-dword writes
 * (logged once, treated as a dword write of the value), the timer's free-running prescaler phase
 * (a divide-configuration or mode change while counting restarts the count from its current
 * value at the time of the write). A window moved onto RAM or another device is not mapped
 * (logged once): the P6 would hide what is there.
 */
#include "chipset/lapic.h"

#include <stdio.h>

#include "core/machine.h"

/* Register offsets (SDM table 10-1). */
enum {
    REG_ID = 0x020,
    REG_VERSION = 0x030,
    REG_TPR = 0x080,
    REG_APR = 0x090,
    REG_PPR = 0x0A0,
    REG_EOI = 0x0B0,
    REG_LDR = 0x0D0,
    REG_DFR = 0x0E0,
    REG_SVR = 0x0F0,
    REG_ISR = 0x100,
    REG_TMR = 0x180,
    REG_IRR = 0x200,
    REG_ESR = 0x280,
    REG_ICR_LO = 0x300,
    REG_ICR_HI = 0x310,
    REG_LVT_TIMER = 0x320,
    REG_LVT_PERF = 0x340,
    REG_LVT_LINT0 = 0x350,
    REG_LVT_LINT1 = 0x360,
    REG_LVT_ERROR = 0x370,
    REG_TIMER_ICR = 0x380,
    REG_TIMER_CCR = 0x390,
    REG_TIMER_DCR = 0x3E0,
};

/* LVT entries in the state's lvt[] array. */
enum { LVT_TIMER, LVT_PERF, LVT_LINT0, LVT_LINT1, LVT_ERROR, LVT_COUNT };

/* Version register: version 11h (P6), max LVT entry 4 (SDM 10.4.8). */
#define LAPIC_VERSION 0x00040011u

#define LVT_VECTOR 0x000000FFu
#define LVT_DELIVS (1u << 12)
#define LVT_POLARITY (1u << 13)
#define LVT_REMOTE_IRR (1u << 14)
#define LVT_LEVEL (1u << 15)
#define LVT_MASKED (1u << 16)
#define LVT_PERIODIC (1u << 17)

/* Writable bits of each LVT entry (SDM figure 10-8). */
static const uint32_t lvt_writable[LVT_COUNT] = {
    [LVT_TIMER] = 0x000300FFu,
    [LVT_PERF] = 0x000107FFu,
    [LVT_LINT0] = 0x0001A7FFu,
    [LVT_LINT1] = 0x0001A7FFu,
    [LVT_ERROR] = 0x000100FFu,
};

#define SVR_ENABLE (1u << 8)
#define SVR_WRITABLE 0x000003F0u /* vector 7:4, enable, focus check; 3:0 read as ones on P6 */

/* ESR bits (SDM figure 10-9). */
#define ESR_SEND_ACCEPT (1u << 2)
#define ESR_SEND_ILLEGAL_VECTOR (1u << 5)
#define ESR_RECV_ILLEGAL_VECTOR (1u << 6)
#define ESR_ILLEGAL_REGISTER (1u << 7)

#define ICR_WRITABLE 0x000CCFFFu /* vector, mode, dest mode, level, trigger, shorthand */

#define APIC_BASE_ENABLE 0x800u
#define APIC_BASE_ADDR UINT64_C(0x0000000FFFFFF000)

typedef struct LapicState {
    /* Props. */
    uint64_t bus_hz;
    uint64_t initial_id;

    /* Saved state. */
    uint64_t base;         /* window address (IA32_APIC_BASE bits 35:12) */
    bool hw_enabled;       /* IA32_APIC_BASE bit 11 */
    uint32_t id;
    uint32_t tpr, ldr, dfr, svr;
    uint32_t isr[8], tmr[8], irr[8];
    uint32_t esr, esr_pending;
    uint32_t icr_lo, icr_hi;
    uint32_t lvt[LVT_COUNT];
    uint32_t timer_icr, timer_dcr;
    bool timer_running;
    int64_t timer_base_time;   /* when the count started (or restarted) from timer_base_count */
    uint32_t timer_base_count;
    uint64_t timer_next;       /* index of the next expiry since timer_base_time */
    uint8_t lint;              /* pin levels: bit 0 LINT0, bit 1 LINT1 */
    bool extint_pending;       /* an ExtINT message from the bus awaits its acknowledge */
    bool intr;                 /* level of the INTR output */

    /* Wiring (not saved). */
    Device *dev;
    ApicBus *bus;
    Event *ev_timer;
    uint8_t (*extint_inta)(void *opaque);
    void *extint_opaque;
    bool mapped;
    uint64_t mapped_base;
    bool once_map, once_size, once_reg, once_msg, once_ipi, once_reenable, once_dfr, once_extint;
} LapicState;

static const StateField lapic_state_fields[] = {
    STATE_FIELD(LapicState, base, STATE_U64, 1, STATE_FMT_HEX, 1),
    STATE_FIELD(LapicState, hw_enabled, STATE_BOOL, 1, STATE_FMT_DEC, 1),
    STATE_FIELD(LapicState, id, STATE_U32, 1, STATE_FMT_HEX, 1),
    STATE_FIELD(LapicState, tpr, STATE_U32, 1, STATE_FMT_HEX, 1),
    STATE_FIELD(LapicState, ldr, STATE_U32, 1, STATE_FMT_HEX, 1),
    STATE_FIELD(LapicState, dfr, STATE_U32, 1, STATE_FMT_HEX, 1),
    STATE_FIELD(LapicState, svr, STATE_U32, 1, STATE_FMT_HEX, 1),
    STATE_FIELD(LapicState, isr, STATE_U32, 8, STATE_FMT_HEX, 1),
    STATE_FIELD(LapicState, tmr, STATE_U32, 8, STATE_FMT_HEX, 1),
    STATE_FIELD(LapicState, irr, STATE_U32, 8, STATE_FMT_HEX, 1),
    STATE_FIELD(LapicState, esr, STATE_U32, 1, STATE_FMT_HEX, 1),
    STATE_FIELD(LapicState, esr_pending, STATE_U32, 1, STATE_FMT_HEX, 1),
    STATE_FIELD(LapicState, icr_lo, STATE_U32, 1, STATE_FMT_HEX, 1),
    STATE_FIELD(LapicState, icr_hi, STATE_U32, 1, STATE_FMT_HEX, 1),
    STATE_FIELD(LapicState, lvt, STATE_U32, LVT_COUNT, STATE_FMT_HEX, 1),
    STATE_FIELD(LapicState, timer_icr, STATE_U32, 1, STATE_FMT_DEC, 1),
    STATE_FIELD(LapicState, timer_dcr, STATE_U32, 1, STATE_FMT_HEX, 1),
    STATE_FIELD(LapicState, timer_running, STATE_BOOL, 1, STATE_FMT_DEC, 1),
    STATE_FIELD(LapicState, timer_base_time, STATE_I64, 1, STATE_FMT_DEC, 1),
    STATE_FIELD(LapicState, timer_base_count, STATE_U32, 1, STATE_FMT_DEC, 1),
    STATE_FIELD(LapicState, timer_next, STATE_U64, 1, STATE_FMT_DEC, 1),
    STATE_FIELD(LapicState, lint, STATE_U8, 1, STATE_FMT_HEX, 1),
    STATE_FIELD(LapicState, extint_pending, STATE_BOOL, 1, STATE_FMT_DEC, 1),
    STATE_FIELD(LapicState, intr, STATE_BOOL, 1, STATE_FMT_DEC, 1),
    STATE_END,
};

static const PropDef lapic_props[] = {
    {"bus_hz", PROP_UINT, offsetof(LapicState, bus_hz), 1000, 1000000000, "66666667", NULL,
     "bus clock the timer counts (Hz): 66 MHz for a Pentium II 233-333"},
    {"id", PROP_UINT, offsetof(LapicState, initial_id), 0, 15, "0", NULL,
     "APIC ID after reset (the P6 has 4-bit IDs)"},
    PROP_END,
};

static Machine *lapic_machine(LapicState *s)
{
    return s->dev->machine;
}

static Log *lapic_log(LapicState *s)
{
    return &s->dev->machine->log;
}

static int64_t lapic_now(LapicState *s)
{
    return clock_now(lapic_machine(s)->clock);
}

/* ---- 256-bit registers ---- */

static int highest(const uint32_t r[8])
{
    for (int w = 7; w >= 0; w--) {
        if (r[w]) {
            return w * 32 + 31 - __builtin_clz(r[w]);
        }
    }
    return -1;
}

static bool bit_get(const uint32_t r[8], unsigned v)
{
    return (r[v >> 5] >> (v & 31)) & 1u;
}

static void bit_set(uint32_t r[8], unsigned v, bool on)
{
    if (on) {
        r[v >> 5] |= 1u << (v & 31);
    } else {
        r[v >> 5] &= ~(1u << (v & 31));
    }
}

/* ---- priorities (SDM 10.8.3.1, 10.6.2.4) ---- */

static uint32_t lapic_ppr(const LapicState *s)
{
    int isrv = highest(s->isr);
    uint32_t isr_class = isrv < 0 ? 0 : (uint32_t)isrv & 0xF0u;
    if ((s->tpr & 0xF0u) >= isr_class) {
        return s->tpr & 0xFFu;
    }
    return isr_class;
}

static uint32_t lapic_apr(const LapicState *s)
{
    int isrv = highest(s->isr);
    int irrv = highest(s->irr);
    uint32_t tpr_c = s->tpr & 0xF0u;
    uint32_t isr_c = isrv < 0 ? 0 : (uint32_t)isrv & 0xF0u;
    uint32_t irr_c = irrv < 0 ? 0 : (uint32_t)irrv & 0xF0u;
    if (tpr_c >= irr_c && tpr_c > isr_c) {
        return s->tpr & 0xFFu;
    }
    uint32_t m = tpr_c > isr_c ? tpr_c : isr_c;
    return m > irr_c ? m : irr_c;
}

static bool lapic_sw_enabled(const LapicState *s)
{
    return (s->svr & SVR_ENABLE) != 0;
}

static bool lint_asserted(const LapicState *s, unsigned n)
{
    bool level = (s->lint >> n) & 1u;
    return (s->lvt[LVT_LINT0 + n] & LVT_POLARITY) ? !level : level;
}

static unsigned lvt_mode(uint32_t lvt)
{
    return (lvt >> 8) & 7u;
}

/* The 8259's INTR through LINT0 in ExtINT mode, or an ExtINT message waiting. */
static bool extint_active(const LapicState *s)
{
    uint32_t l0 = s->lvt[LVT_LINT0];
    if (s->extint_pending) {
        return true;
    }
    return lvt_mode(l0) == APIC_DM_EXTINT && !(l0 & LVT_MASKED) && lint_asserted(s, 0);
}

/* The IRR vector the CPU would be given now, or -1. */
static int deliverable(const LapicState *s)
{
    int v = highest(s->irr);
    if (v >= 0 && ((uint32_t)v & 0xF0u) > (lapic_ppr(s) & 0xF0u)) {
        return v;
    }
    return -1;
}

static void lapic_update(LapicState *s)
{
    bool level;
    if (!s->hw_enabled) {
        level = (s->lint & 1u) != 0; /* pass-through: LINT0 is INTR (SDM 10.4.3) */
    } else {
        level = extint_active(s) || deliverable(s) >= 0;
    }
    s->intr = level;
    device_irq_set(s->dev, 0, level);
}

static void lapic_nmi(LapicState *s)
{
    device_irq_set(s->dev, 1, true);
    device_irq_set(s->dev, 1, false);
}

/* ---- accepting interrupts ---- */

static void lapic_set_irr(LapicState *s, unsigned vector, bool level);

static void lapic_error(LapicState *s, uint32_t bits)
{
    s->esr_pending |= bits;
    uint32_t lvt = s->lvt[LVT_ERROR];
    /* An error vector that is itself illegal would only report itself again. */
    if (!(lvt & LVT_MASKED) && (lvt & LVT_VECTOR) >= 16) {
        lapic_set_irr(s, lvt & LVT_VECTOR, false);
    }
}

/* Into the IRR (SDM 10.8.4); the TMR bit records the trigger mode. Vectors 0-15 are illegal. */
static void lapic_set_irr(LapicState *s, unsigned vector, bool level)
{
    if (vector < 16) {
        lapic_error(s, ESR_RECV_ILLEGAL_VECTOR);
        return;
    }
    bit_set(s->irr, vector, true);
    bit_set(s->tmr, vector, level);
}

/* A local interrupt from an LVT entry (timer, error, LINT in fixed mode). */
static void lapic_local(LapicState *s, uint32_t lvt, bool level)
{
    if (lvt & LVT_MASKED) {
        return;
    }
    lapic_set_irr(s, lvt & LVT_VECTOR, level);
}

/* Whether a message's destination names this APIC (SDM 10.6.2.1, 10.6.2.2). */
static bool lapic_match(LapicState *s, bool logical, uint8_t dest)
{
    if (!logical) {
        unsigned id = (s->id >> 24) & 0x0Fu;
        return (dest & 0x0Fu) == 0x0Fu || (dest & 0x0Fu) == id;
    }
    uint8_t ldr = (uint8_t)(s->ldr >> 24);
    if (dest == 0xFF) {
        return true;
    }
    switch (s->dfr >> 28) {
    case 0xF: /* flat: one bit per APIC */
        return (dest & ldr) != 0;
    case 0x0: /* cluster: cluster number 7:4 (Fh = all clusters), members 3:0 */
        return ((dest >> 4) == 0x0F || (dest >> 4) == (ldr >> 4)) && (dest & ldr & 0x0F) != 0;
    default:
        amber_log_once(lapic_log(s), LOG_PIC, &s->once_dfr,
                       "%s: reserved destination model %Xh in DFR", s->dev->id, s->dfr >> 28);
        return false;
    }
}

/* A message this APIC is a destination of. */
static void lapic_take(LapicState *s, const ApicMessage *m)
{
    switch (m->delivery_mode) {
    case APIC_DM_FIXED:
    case APIC_DM_LOWEST:
        lapic_set_irr(s, m->vector, m->level);
        break;
    case APIC_DM_NMI:
        lapic_nmi(s);
        break;
    case APIC_DM_EXTINT:
        s->extint_pending = true;
        break;
    default:
        amber_log_once(lapic_log(s), LOG_PIC, &s->once_msg,
                       "%s: %s message not modelled (one CPU, no SMM); ignored", s->dev->id,
                       m->delivery_mode == APIC_DM_SMI    ? "SMI"
                       : m->delivery_mode == APIC_DM_INIT ? "INIT"
                                                          : "start-up");
        break;
    }
    lapic_update(s);
}

static bool lapic_accept(void *opaque, const ApicMessage *m)
{
    LapicState *s = opaque;
    if (!s->hw_enabled || !lapic_match(s, m->logical, m->dest)) {
        return false;
    }
    /* Software-disabled, the APIC still answers NMI, SMI, INIT and start-up (SDM 10.4.7.2). */
    if (!lapic_sw_enabled(s) &&
        (m->delivery_mode == APIC_DM_FIXED || m->delivery_mode == APIC_DM_LOWEST ||
         m->delivery_mode == APIC_DM_EXTINT)) {
        return false;
    }
    lapic_take(s, m);
    return true;
}

/* ---- LINT0 / LINT1 ---- */

static void lint_service(LapicState *s, unsigned n, bool was_asserted)
{
    uint32_t *lvt = &s->lvt[LVT_LINT0 + n];
    bool now = lint_asserted(s, n);
    switch (lvt_mode(*lvt)) {
    case APIC_DM_EXTINT:
        break; /* level-sensitive: lapic_update() looks at the pin */
    case APIC_DM_NMI:
        /* NMI is always edge-sensitive (SDM 10.5.1, trigger mode). */
        if (now && !was_asserted && !(*lvt & LVT_MASKED)) {
            lapic_nmi(s);
        }
        break;
    case APIC_DM_FIXED:
        /* Level-triggered fixed: one request until the EOI clears remote IRR (LINT1 is
         * edge-only on the P6 — SDM 10.5.1 — so only LINT0 honours the trigger bit). */
        if ((*lvt & LVT_LEVEL) && n == 0) {
            if (now && !(*lvt & (LVT_MASKED | LVT_REMOTE_IRR))) {
                *lvt |= LVT_REMOTE_IRR;
                lapic_local(s, *lvt, true);
            }
        } else if (now && !was_asserted) {
            lapic_local(s, *lvt, false);
        }
        break;
    default:
        if (now && !was_asserted) {
            amber_log_once(lapic_log(s), LOG_PIC, &s->once_msg,
                           "%s: LINT%u delivery mode %u not modelled", s->dev->id, n,
                           lvt_mode(*lvt));
        }
        break;
    }
}

static void lapic_irq_in(void *opaque, int n, bool level)
{
    Device *dev = opaque;
    LapicState *s = dev->s;
    if (n < 0 || n > 1) {
        return;
    }
    bool old = (s->lint >> n) & 1u;
    bool was = lint_asserted(s, (unsigned)n);
    s->lint = (uint8_t)((s->lint & ~(1u << n)) | ((unsigned)level << n));
    if (!s->hw_enabled) {
        /* Pass-through: LINT0 = INTR, LINT1 = NMI (edge). */
        if (n == 1 && level && !old) {
            lapic_nmi(s);
        }
        lapic_update(s);
        return;
    }
    lint_service(s, (unsigned)n, was);
    lapic_update(s);
}

/* ---- timer (SDM 10.5.4) ---- */

static unsigned timer_divider(const LapicState *s)
{
    unsigned v = (s->timer_dcr & 3u) | ((s->timer_dcr >> 1) & 4u);
    return v == 7 ? 1u : 2u << v;
}

/* Timer ticks (bus clocks / divider) since timer_base_time. */
static uint64_t timer_ticks(const LapicState *s, int64_t now)
{
    if (now <= s->timer_base_time) {
        return 0;
    }
    unsigned __int128 bus = (unsigned __int128)(uint64_t)(now - s->timer_base_time) * s->bus_hz /
                            1000000000u;
    return (uint64_t)(bus / timer_divider(s));
}

static uint32_t timer_current(const LapicState *s, int64_t now)
{
    if (!s->timer_running) {
        return 0;
    }
    uint64_t t = timer_ticks(s, now);
    if (t < s->timer_base_count) {
        return (uint32_t)(s->timer_base_count - t);
    }
    if (!(s->lvt[LVT_TIMER] & LVT_PERIODIC)) {
        return 0;
    }
    /* Periodic: at 0 the count reloads from the initial count at once. */
    return s->timer_icr - (uint32_t)((t - s->timer_base_count) % s->timer_icr);
}

/* Guest time of expiry k: the first instant at which that many ticks have passed. */
static int64_t timer_expiry(const LapicState *s, uint64_t k)
{
    unsigned __int128 ticks = (unsigned __int128)s->timer_base_count +
                              (unsigned __int128)k * s->timer_icr;
    unsigned __int128 bus = ticks * timer_divider(s);
    unsigned __int128 ns = (bus * 1000000000u + s->bus_hz - 1) / s->bus_hz;
    unsigned __int128 t = ns + (unsigned __int128)s->timer_base_time;
    return t >= (unsigned __int128)CLOCK_NEVER ? CLOCK_NEVER - 1 : (int64_t)t;
}

/* A running CPU slice must stop before the new deadline: ask the backend to return. */
static void lapic_kick(LapicState *s)
{
    Machine *m = lapic_machine(s);
    if (m->cpu_ops && m->cpu_ops->interrupt) {
        m->cpu_ops->interrupt(m->cpu);
    }
}

static void timer_arm(LapicState *s)
{
    if (!s->timer_running) {
        clock_event_cancel(s->ev_timer);
        return;
    }
    clock_event_arm_at(s->ev_timer, timer_expiry(s, s->timer_next));
    lapic_kick(s);
}

/* The count restarts from its current value now (divider or mode changed while counting). */
static void timer_rebase(LapicState *s, int64_t now)
{
    if (!s->timer_running) {
        return;
    }
    uint32_t cur = timer_current(s, now);
    if (cur == 0) {
        s->timer_running = false;
        return;
    }
    s->timer_base_time = now;
    s->timer_base_count = cur;
    s->timer_next = 0;
}

static void timer_fire(void *opaque, int64_t now)
{
    (void)now;
    LapicState *s = opaque;
    if (!s->timer_running) {
        return;
    }
    lapic_local(s, s->lvt[LVT_TIMER], false);
    if (s->lvt[LVT_TIMER] & LVT_PERIODIC) {
        s->timer_next++;
    } else {
        s->timer_running = false;
    }
    timer_arm(s);
    lapic_update(s);
}

/* ---- EOI and IPIs ---- */

static void lapic_eoi(LapicState *s)
{
    int v = highest(s->isr);
    if (v < 0) {
        return;
    }
    bit_set(s->isr, (unsigned)v, false);
    if (bit_get(s->tmr, (unsigned)v)) {
        /* Level-triggered: LINT entries in service with this vector, and the I/O APICs. */
        for (unsigned n = 0; n < 2; n++) {
            uint32_t *lvt = &s->lvt[LVT_LINT0 + n];
            if ((*lvt & LVT_REMOTE_IRR) && (*lvt & LVT_VECTOR) == (unsigned)v) {
                *lvt &= ~LVT_REMOTE_IRR;
                lint_service(s, n, false);
            }
        }
        apicbus_eoi(s->bus, (uint8_t)v);
    }
    lapic_update(s);
}

static void lapic_send_ipi(LapicState *s)
{
    uint32_t lo = s->icr_lo;
    ApicMessage m = {
        .vector = (uint8_t)(lo & 0xFFu),
        .delivery_mode = (uint8_t)((lo >> 8) & 7u),
        .logical = (lo >> 11) & 1u,
        .assert = (lo >> 14) & 1u,
        .level = (lo >> 15) & 1u,
        .dest = (uint8_t)(s->icr_hi >> 24),
    };
    unsigned shorthand = (lo >> 18) & 3u;
    bool fixed = m.delivery_mode == APIC_DM_FIXED || m.delivery_mode == APIC_DM_LOWEST;
    if (fixed && m.vector < 16) {
        lapic_error(s, ESR_SEND_ILLEGAL_VECTOR);
        lapic_update(s);
        return;
    }
    if (m.delivery_mode == APIC_DM_INIT && !m.assert && m.level) {
        return; /* INIT level de-assert: resynchronises arbitration IDs, nothing to model */
    }
    if (m.delivery_mode == APIC_DM_INIT || m.delivery_mode == APIC_DM_STARTUP ||
        m.delivery_mode == APIC_DM_SMI) {
        amber_log_once(lapic_log(s), LOG_PIC, &s->once_ipi,
                       "%s: ICR %08Xh: INIT/start-up/SMI IPIs reach no other CPU here", s->dev->id,
                       lo);
    }
    bool accepted = false;
    switch (shorthand) {
    case 0: /* the destination field */
        if (lapic_match(s, m.logical, m.dest)) {
            lapic_take(s, &m);
            accepted = true;
        }
        accepted |= apicbus_send(s->bus, &m, s);
        break;
    case 1: /* self */
        lapic_take(s, &m);
        accepted = true;
        break;
    case 2: /* all including self */
        m.logical = false;
        m.dest = 0xFF;
        lapic_take(s, &m);
        apicbus_send(s->bus, &m, s);
        accepted = true;
        break;
    default: /* all excluding self */
        m.logical = false;
        m.dest = 0xFF;
        accepted = apicbus_send(s->bus, &m, s);
        break;
    }
    if (!accepted) {
        /* P6 APIC bus: a message no APIC accepted (SDM 10.5.3, send accept error). */
        lapic_error(s, ESR_SEND_ACCEPT);
    }
    lapic_update(s);
}

/* ---- the register window ---- */

static const MemOps lapic_mmio_ops;

static void lapic_remap(LapicState *s)
{
    Machine *m = lapic_machine(s);
    uint64_t want = s->base;
    if (s->mapped && (!s->hw_enabled || s->mapped_base != want)) {
        membus_unmap(m->mem, s->mapped_base, MEM_PAGE_SIZE);
        s->mapped = false;
    }
    if (s->mapped || !s->hw_enabled) {
        return;
    }
    if (membus_kind(m->mem, want) != MEM_UNMAPPED) {
        amber_log_once(lapic_log(s), LOG_PIC, &s->once_map,
                       "%s: window at %llXh would cover memory or a device: not mapped",
                       s->dev->id, (unsigned long long)want);
        return;
    }
    AmberError err = {0};
    if (!membus_map_mmio(m->mem, s->dev->id, want, MEM_PAGE_SIZE, &lapic_mmio_ops, s, &err)) {
        amber_log_once(lapic_log(s), LOG_PIC, &s->once_map, "%s: %s", s->dev->id, err.msg);
        return;
    }
    s->mapped = true;
    s->mapped_base = want;
}

static uint32_t lapic_read_reg(LapicState *s, unsigned reg)
{
    if (reg >= REG_ISR && reg < REG_ISR + 0x80) {
        return s->isr[(reg - REG_ISR) >> 4];
    }
    if (reg >= REG_TMR && reg < REG_TMR + 0x80) {
        return s->tmr[(reg - REG_TMR) >> 4];
    }
    if (reg >= REG_IRR && reg < REG_IRR + 0x80) {
        return s->irr[(reg - REG_IRR) >> 4];
    }
    switch (reg) {
    case REG_ID:
        return s->id;
    case REG_VERSION:
        return LAPIC_VERSION;
    case REG_TPR:
        return s->tpr;
    case REG_APR:
        return lapic_apr(s);
    case REG_PPR:
        return lapic_ppr(s);
    case REG_EOI:
        return 0; /* write-only */
    case REG_LDR:
        return s->ldr;
    case REG_DFR:
        return s->dfr;
    case REG_SVR:
        return s->svr;
    case REG_ESR:
        return s->esr;
    case REG_ICR_LO:
        return s->icr_lo; /* delivery status (bit 12) always idle */
    case REG_ICR_HI:
        return s->icr_hi;
    case REG_LVT_TIMER:
        return s->lvt[LVT_TIMER];
    case REG_LVT_PERF:
        return s->lvt[LVT_PERF];
    case REG_LVT_LINT0:
        return s->lvt[LVT_LINT0];
    case REG_LVT_LINT1:
        return s->lvt[LVT_LINT1];
    case REG_LVT_ERROR:
        return s->lvt[LVT_ERROR];
    case REG_TIMER_ICR:
        return s->timer_icr;
    case REG_TIMER_CCR:
        return timer_current(s, lapic_now(s));
    case REG_TIMER_DCR:
        return s->timer_dcr;
    default:
        amber_log_once(lapic_log(s), LOG_PIC, &s->once_reg, "%s: reserved register %03Xh",
                       s->dev->id, reg);
        lapic_error(s, ESR_ILLEGAL_REGISTER);
        lapic_update(s);
        return 0;
    }
}

static void lvt_write(LapicState *s, unsigned i, uint32_t v)
{
    uint32_t old = s->lvt[i];
    uint32_t nv = (v & lvt_writable[i]) | (old & ~lvt_writable[i]);
    if (!lapic_sw_enabled(s)) {
        nv |= LVT_MASKED; /* SDM 10.4.7.2: the masks cannot be cleared */
    }
    if ((i == LVT_LINT0 || i == LVT_LINT1) && !(nv & LVT_LEVEL)) {
        nv &= ~LVT_REMOTE_IRR;
    }
    if (i == LVT_TIMER && ((old ^ nv) & LVT_PERIODIC)) {
        int64_t now = lapic_now(s);
        timer_rebase(s, now);
        s->lvt[i] = nv;
        timer_arm(s);
        return;
    }
    s->lvt[i] = nv;
    if (i == LVT_LINT0 || i == LVT_LINT1) {
        unsigned n = i - LVT_LINT0;
        /* A level-triggered entry unmasked while its pin is asserted requests now; edges that
         * came while masked are gone. */
        lint_service(s, n, lint_asserted(s, n));
    }
}

static void lapic_write_reg(LapicState *s, unsigned reg, uint32_t v)
{
    switch (reg) {
    case REG_ID:
        s->id = v & 0x0F000000u;
        return;
    case REG_TPR:
        s->tpr = v & 0xFFu;
        return;
    case REG_EOI:
        lapic_eoi(s);
        return;
    case REG_LDR:
        s->ldr = v & 0xFF000000u;
        return;
    case REG_DFR:
        s->dfr = (v & 0xF0000000u) | 0x0FFFFFFFu;
        return;
    case REG_SVR:
        s->svr = (v & SVR_WRITABLE) | 0x0Fu;
        if (!(s->svr & SVR_ENABLE)) {
            for (unsigned i = 0; i < LVT_COUNT; i++) {
                s->lvt[i] |= LVT_MASKED;
            }
        }
        return;
    case REG_ESR:
        /* The write loads the errors seen since the previous write (SDM 10.5.3). */
        s->esr = s->esr_pending;
        s->esr_pending = 0;
        return;
    case REG_ICR_LO:
        s->icr_lo = v & ICR_WRITABLE;
        lapic_send_ipi(s);
        return;
    case REG_ICR_HI:
        s->icr_hi = v & 0xFF000000u;
        return;
    case REG_LVT_TIMER:
        lvt_write(s, LVT_TIMER, v);
        return;
    case REG_LVT_PERF:
        lvt_write(s, LVT_PERF, v);
        return;
    case REG_LVT_LINT0:
        lvt_write(s, LVT_LINT0, v);
        return;
    case REG_LVT_LINT1:
        lvt_write(s, LVT_LINT1, v);
        return;
    case REG_LVT_ERROR:
        lvt_write(s, LVT_ERROR, v);
        return;
    case REG_TIMER_ICR:
        s->timer_icr = v;
        s->timer_running = v != 0; /* 0 stops the timer */
        s->timer_base_time = lapic_now(s);
        s->timer_base_count = v;
        s->timer_next = 0;
        timer_arm(s);
        return;
    case REG_TIMER_DCR: {
        int64_t now = lapic_now(s);
        timer_rebase(s, now);
        s->timer_dcr = v & 0x0Bu;
        timer_arm(s);
        return;
    }
    case REG_VERSION:
    case REG_APR:
    case REG_PPR:
    case REG_TIMER_CCR:
        return; /* read-only */
    default:
        if ((reg >= REG_ISR && reg < REG_IRR + 0x80)) {
            return; /* ISR, TMR, IRR: read-only */
        }
        amber_log_once(lapic_log(s), LOG_PIC, &s->once_reg, "%s: reserved register %03Xh",
                       s->dev->id, reg);
        lapic_error(s, ESR_ILLEGAL_REGISTER);
        return;
    }
}

static uint64_t lapic_mmio_read(void *opaque, uint64_t offset, unsigned size)
{
    LapicState *s = opaque;
    /* Registers are the first dword of each 16-byte slot; the rest reads 0. */
    if ((offset & 0xFu) >= 4) {
        return 0;
    }
    uint32_t v = lapic_read_reg(s, (unsigned)offset & 0xFF0u) >> (8 * (offset & 3u));
    return size >= 4 ? v : v & ((1u << (8 * size)) - 1u);
}

static void lapic_mmio_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
    LapicState *s = opaque;
    if ((offset & 0xFu) >= 4) {
        return;
    }
    if (size != 4 || (offset & 3u)) {
        /* SDM 10.4.1: registers are accessed with aligned 32-bit loads and stores. */
        amber_log_once(lapic_log(s), LOG_PIC, &s->once_size, "%s: %u-byte write at %03Xh",
                       s->dev->id, size, (unsigned)offset);
    }
    lapic_write_reg(s, (unsigned)offset & 0xFF0u, (uint32_t)(value << (8 * (offset & 3u))));
    lapic_update(s);
}

static const MemOps lapic_mmio_ops = {
    .read = lapic_mmio_read,
    .write = lapic_mmio_write,
};

/* ---- reset, wiring, life cycle ---- */

/* Power-up / reset values (SDM 10.4.7.1); the pins keep their levels. */
static void lapic_regs_reset(LapicState *s)
{
    s->id = (uint32_t)(s->initial_id & 0x0F) << 24;
    s->tpr = 0;
    s->ldr = 0;
    s->dfr = 0xFFFFFFFFu;
    s->svr = 0x000000FFu;
    for (unsigned w = 0; w < 8; w++) {
        s->isr[w] = s->tmr[w] = s->irr[w] = 0;
    }
    s->esr = s->esr_pending = 0;
    s->icr_lo = s->icr_hi = 0;
    for (unsigned i = 0; i < LVT_COUNT; i++) {
        s->lvt[i] = LVT_MASKED;
    }
    s->timer_icr = 0;
    s->timer_dcr = 0;
    s->timer_running = false;
    s->timer_base_time = 0;
    s->timer_base_count = 0;
    s->timer_next = 0;
    s->extint_pending = false;
    clock_event_cancel(s->ev_timer);
}

void lapic_apic_base_write(void *opaque, uint64_t value)
{
    Device *dev = opaque;
    LapicState *s = dev->s;
    bool enable = (value & APIC_BASE_ENABLE) != 0;
    s->base = value & APIC_BASE_ADDR;
    if (!enable && s->hw_enabled) {
        /* Hardware disable: the APIC is gone until reset (SDM 10.4.3); pins pass through. */
        lapic_regs_reset(s);
        s->hw_enabled = false;
    } else if (enable && !s->hw_enabled) {
        amber_log_once(lapic_log(s), LOG_PIC, &s->once_reenable,
                       "%s: IA32_APIC_BASE re-enable after disable: a P6 needs a reset for that",
                       dev->id);
    }
    lapic_remap(s);
    lapic_update(s);
}

uint8_t lapic_inta(void *opaque)
{
    Device *dev = opaque;
    LapicState *s = dev->s;
    if (!s->hw_enabled || extint_active(s)) {
        s->extint_pending = false;
        uint8_t v = 0xFF;
        if (s->extint_inta) {
            v = s->extint_inta(s->extint_opaque);
        } else {
            amber_log_once(lapic_log(s), LOG_PIC, &s->once_extint,
                           "%s: ExtINT acknowledge with no 8259 wired", dev->id);
        }
        lapic_update(s);
        return v;
    }
    int v = deliverable(s);
    if (v < 0) {
        /* The request went away between INTR and the acknowledge (SDM 10.9). */
        lapic_update(s);
        return (uint8_t)s->svr;
    }
    bit_set(s->irr, (unsigned)v, false);
    bit_set(s->isr, (unsigned)v, true);
    lapic_update(s);
    return (uint8_t)v;
}

void lapic_set_extint(Device *dev, uint8_t (*inta)(void *opaque), void *opaque)
{
    LapicState *s = dev->s;
    s->extint_inta = inta;
    s->extint_opaque = opaque;
}

bool lapic_attach_bus(Device *dev, ApicBus *bus)
{
    LapicState *s = dev->s;
    s->bus = bus;
    return apicbus_add_lapic(bus, lapic_accept, s);
}

static bool lapic_realize(Device *dev, AmberError *err)
{
    LapicState *s = dev->s;
    char name[128];
    s->dev = dev;
    snprintf(name, sizeof name, "%s.timer", dev->id);
    s->ev_timer = clock_event_new(dev->machine->clock, name, timer_fire, s, err);
    return s->ev_timer != NULL;
}

static void lapic_reset(Device *dev, ResetKind kind)
{
    (void)kind;
    LapicState *s = dev->s;
    lapic_regs_reset(s);
    s->base = UINT64_C(0xFEE00000);
    s->hw_enabled = true;
    lapic_remap(s);
    lapic_update(s);
}

static bool lapic_post_load(Device *dev, AmberError *err)
{
    LapicState *s = dev->s;
    /* A running timer has a nonzero initial count (writing 0 stops it); the current count is
     * taken modulo it, so a file that breaks this would divide by zero. */
    if (s->timer_running && s->timer_icr == 0) {
        return amber_error(err, "%s: inconsistent APIC timer state (running with count 0)",
                           dev->id);
    }
    lapic_remap(s);
    device_irq_set(dev, 0, s->intr);
    return true;
}

const DeviceClass lapic_class = {
    .type = "lapic",
    .desc = "P6 local APIC (Pentium Pro / Pentium II)",
    .state_size = sizeof(LapicState),
    .state_version = 1,
    .state = lapic_state_fields,
    .props = lapic_props,
    .n_irq_out = 2,
    .n_irq_in = 2,
    .irq_in = lapic_irq_in,
    .realize = lapic_realize,
    .reset = lapic_reset,
    .post_load = lapic_post_load,
};
