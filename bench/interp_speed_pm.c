/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Interpreter speed in 32-bit protected mode with paging on (the Linux case): the instruction mix
 * of interp_speed.c in its 32-bit form, with flat 4 GiB segments at CPL 0 and the first 4 MiB
 * identity-mapped through one page table, on the 80386 and the Pentium II models. Not part of
 * `make check`; run it by hand: bench/interp_speed_pm [MINSNS].
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/iobus.h"
#include "core/log.h"
#include "core/membus.h"
#include "cpu/x86/cpu.h"
#include "cpu/x86/models.h"

#define CODE 0x10000u
#define PD 0x1000u
#define PT 0x2000u

static const uint8_t mix[] = {
    /* 00 */ 0xB9, 0x00, 0x01, 0x00, 0x00, /* mov ecx, 256        */
    /* 05 */ 0x01, 0xD8,                   /* add eax, ebx        */
    /* 07 */ 0x89, 0x06,                   /* mov [esi], eax      */
    /* 09 */ 0x8B, 0x56, 0x04,             /* mov edx, [esi+4]    */
    /* 0C */ 0x46,                         /* inc esi             */
    /* 0D */ 0x81, 0xE6, 0xFF, 0x0F, 0x03, 0x00, /* and esi, 30FFFh */
    /* 13 */ 0x31, 0xD3,                   /* xor ebx, edx        */
    /* 15 */ 0xD1, 0xE3,                   /* shl ebx, 1          */
    /* 17 */ 0x50,                         /* push eax            */
    /* 18 */ 0x5F,                         /* pop edi             */
    /* 19 */ 0x3D, 0x34, 0x12, 0x00, 0x00, /* cmp eax, 1234h      */
    /* 1E */ 0x75, 0x01,                   /* jne +1              */
    /* 20 */ 0x90,                         /* nop                 */
    /* 21 */ 0x80, 0xFA, 0x40,             /* cmp dl, 40h         */
    /* 24 */ 0x72, 0x02,                   /* jb +2               */
    /* 26 */ 0x04, 0x03,                   /* add al, 3           */
    /* 28 */ 0xE2, 0xDB,                   /* loop 05             */
    /* 2A */ 0x56,                         /* push esi            */
    /* 2B */ 0x51,                         /* push ecx            */
    /* 2C */ 0xB9, 0x10, 0x00, 0x00, 0x00, /* mov ecx, 16         */
    /* 31 */ 0xBF, 0x00, 0x00, 0x04, 0x00, /* mov edi, 40000h     */
    /* 36 */ 0xF3, 0xA4,                   /* rep movsb           */
    /* 38 */ 0x59,                         /* pop ecx             */
    /* 39 */ 0x5E,                         /* pop esi             */
    /* 3A */ 0xF7, 0xE3,                   /* mul ebx             */
    /* 3C */ 0xEB, 0xC2,                   /* jmp 00              */
};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void flat(X86Seg *s, unsigned type)
{
    s->sel = 0x08;
    s->base = 0;
    s->limit = 0xFFFFFFFFu;
    s->attr = (uint16_t)(0x80u | 0x10u | type | 0x4000u | 0x8000u); /* P S type D/B G */
}

int main(int argc, char **argv)
{
    uint64_t target = (argc > 1 ? strtoull(argv[1], NULL, 10) : 20) * 1000000u;
    const char *models[] = { "80386dx", "pentium2" };
    for (unsigned k = 0; k < sizeof models / sizeof models[0]; k++) {
        const X86Model *model = x86_model_find(models[k]);
        if (!model) {
            continue;
        }
        Log log;
        amber_log_init(&log);
        AmberError err = { 0 };
        MemBus *mem = membus_new(model->addr_bits, &log, &err);
        IoBus *io = iobus_new(&log, &err);
        uint8_t *ram = mem && io ? membus_map_ram(mem, "ram", 0, 4u << 20, &err) : NULL;
        if (!ram) {
            fprintf(stderr, "interp_speed_pm: %s\n", err.msg);
            return 1;
        }
        X86Cpu *cpu = calloc(1, sizeof(*cpu));
        x86_cpu_init(cpu, model, NULL);
        cpu->mem = mem;
        cpu->io = io;
        memcpy(ram + CODE, mix, sizeof mix);
        uint32_t pde = PT | 3;
        memcpy(ram + PD, &pde, 4);
        for (uint32_t p = 0; p < 1024; p++) {
            uint32_t pte = (p << 12) | 3;
            memcpy(ram + PT + p * 4, &pte, 4);
        }
        flat(&cpu->seg[X86_CS], 0x0B);
        flat(&cpu->seg[X86_SS], 0x03);
        flat(&cpu->seg[X86_DS], 0x03);
        flat(&cpu->seg[X86_ES], 0x03);
        cpu->seg[X86_SS].sel = cpu->seg[X86_DS].sel = cpu->seg[X86_ES].sel = 0x10;
        cpu->cr3 = PD;
        cpu->cr0 |= X86_CR0_PE | X86_CR0_PG;
        x86_tlb_flush(cpu, true);
        cpu->eip = CODE;
        cpu->regs[X86_ESP] = 0x80000;
        cpu->regs[X86_ESI] = 0x30000;
        double t0 = now_s();
        while (cpu->insn_count < target && !cpu->halted) {
            x86_cpu_run(cpu, cpu->cycles + 1000000);
        }
        double dt = now_s() - t0;
        printf("interp pm+paging %-8s %llu instructions in %.3f s: %.1f M guest instructions/s\n",
               model->name, (unsigned long long)cpu->insn_count, dt,
               (double)cpu->insn_count / dt / 1e6);
        free(cpu);
        membus_free(mem);
        iobus_free(io);
    }
    return 0;
}
