/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Interpreter speed: guest instructions per second on a fixed real-mode instruction mix (ALU,
 * loads/stores, stack, shifts, a taken/not-taken branch, LOOP, a short REP MOVSB and a MUL),
 * for each x86 model. Not part of `make check`; run it by hand: bench/interp_speed [MINSNS].
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

static const uint8_t mix[] = {
    /* 0000 */ 0xB9, 0x00, 0x01,       /* mov cx, 256            */
    /* 0003 */ 0x01, 0xD8,             /* add ax, bx             */
    /* 0005 */ 0x89, 0x04,             /* mov [si], ax           */
    /* 0007 */ 0x8B, 0x54, 0x02,       /* mov dx, [si+2]         */
    /* 000A */ 0x46,                   /* inc si                 */
    /* 000B */ 0x81, 0xE6, 0xFF, 0x0F, /* and si, 0FFFh          */
    /* 000F */ 0x31, 0xD3,             /* xor bx, dx             */
    /* 0011 */ 0xD1, 0xE3,             /* shl bx, 1              */
    /* 0013 */ 0x50,                   /* push ax                */
    /* 0014 */ 0x5F,                   /* pop di                 */
    /* 0015 */ 0x3D, 0x34, 0x12,       /* cmp ax, 1234h          */
    /* 0018 */ 0x75, 0x01,             /* jne +1                 */
    /* 001A */ 0x90,                   /* nop                    */
    /* 001B */ 0x80, 0xFA, 0x40,       /* cmp dl, 40h            */
    /* 001E */ 0x72, 0x02,             /* jb +2                  */
    /* 0020 */ 0x04, 0x03,             /* add al, 3              */
    /* 0022 */ 0xE2, 0xDF,             /* loop 0003              */
    /* 0024 */ 0x56,                   /* push si                */
    /* 0025 */ 0x51,                   /* push cx                */
    /* 0026 */ 0xB9, 0x10, 0x00,       /* mov cx, 16             */
    /* 0029 */ 0x31, 0xFF,             /* xor di, di             */
    /* 002B */ 0xF3, 0xA4,             /* rep movsb              */
    /* 002D */ 0x59,                   /* pop cx                 */
    /* 002E */ 0x5E,                   /* pop si                 */
    /* 002F */ 0xF7, 0xE3,             /* mul bx                 */
    /* 0031 */ 0xEB, 0xCD,             /* jmp 0000               */
};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
    uint64_t target = (argc > 1 ? strtoull(argv[1], NULL, 10) : 20) * 1000000u;
    const char *models[] = { "8086", "80286", "80386dx" };
    for (unsigned k = 0; k < 3; k++) {
        const X86Model *model = x86_model_find(models[k]);
        Log log;
        amber_log_init(&log);
        AmberError err = { 0 };
        MemBus *mem = membus_new(model->addr_bits, &log, &err);
        IoBus *io = iobus_new(&log, &err);
        if (!mem || !io || !membus_map_ram(mem, "ram", 0, 1u << 20, &err)) {
            fprintf(stderr, "interp_speed: %s\n", err.msg);
            return 1;
        }
        X86Cpu *cpu = calloc(1, sizeof(*cpu));
        x86_cpu_init(cpu, model, NULL);
        cpu->mem = mem;
        cpu->io = io;
        for (size_t b = 0; b < sizeof(mix); b++) {
            membus_write8(mem, 0x10000 + b, mix[b]);
        }
        x86_load_seg_real(cpu, X86_CS, 0x1000);
        x86_load_seg_real(cpu, X86_SS, 0x2000);
        x86_load_seg_real(cpu, X86_DS, 0x3000);
        x86_load_seg_real(cpu, X86_ES, 0x4000);
        cpu->eip = 0;
        cpu->regs[X86_ESP] = 0xFFFE;
        double t0 = now_s();
        while (cpu->insn_count < target && !cpu->halted) {
            x86_cpu_run(cpu, cpu->cycles + 1000000);
        }
        double dt = now_s() - t0;
        printf("interp %-8s %llu instructions in %.3f s: %.1f M guest instructions/s, "
               "%.1f x real time at %.2f MHz\n",
               model->name, (unsigned long long)cpu->insn_count, dt,
               (double)cpu->insn_count / dt / 1e6,
               (double)cpu->cycles / dt / (double)model->hz, (double)model->hz / 1e6);
        free(cpu);
        membus_free(mem);
        iobus_free(io);
    }
    return 0;
}
