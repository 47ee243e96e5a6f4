; model: pentium-mmx
; SPDX-License-Identifier: GPL-2.0-or-later
;
; MMX on the Pentium MMX model: every arithmetic, compare, logic, pack/unpack and shift form on
; A = 80007FFF0102FFFEh and B = 00010001FF000003h (shift counts: imm8 4, MM1 = 3, and 2^64-ish
; counts that clear or sign-fill), MOVD/MOVQ both ways, the x87 tag word and TOP after MMX and
; EMMS, and the faults: CR0.EM -> #UD, CR0.TS -> #NM.
; Expected values: mmx.ref, computed lane by lane from the definitions in the Intel Architecture
; MMX Technology Programmer's Reference Manual (1996) chapter 3 (wrap-around, signed and
; unsigned saturation, PMULHW high halves, PMADDWD pair sums, pack with saturation, shifts by
; counts >= the element width give 0, or the sign for PSRA).

%define HAS_GATES
%include "common.inc"

%macro RES 1
    PRINT %1
    movq [res], mm0
    HEX [res + 4]
    HEX [res]
    NL
%endmacro

test_main:
    mov eax, cr0
    and eax, ~0x0C                  ; EM = TS = 0
    mov cr0, eax
    fninit
    mov eax, 3
    movd mm1, eax
    movq mm0, [A]
    paddb mm0, [B]
    RES "paddb"
    movq mm0, [A]
    psubb mm0, [B]
    RES "psubb"
    movq mm0, [A]
    pcmpeqb mm0, [B]
    RES "pcmpeqb"
    movq mm0, [A]
    pcmpgtb mm0, [B]
    RES "pcmpgtb"
    movq mm0, [A]
    paddw mm0, [B]
    RES "paddw"
    movq mm0, [A]
    psubw mm0, [B]
    RES "psubw"
    movq mm0, [A]
    pcmpeqw mm0, [B]
    RES "pcmpeqw"
    movq mm0, [A]
    pcmpgtw mm0, [B]
    RES "pcmpgtw"
    movq mm0, [A]
    paddd mm0, [B]
    RES "paddd"
    movq mm0, [A]
    psubd mm0, [B]
    RES "psubd"
    movq mm0, [A]
    pcmpeqd mm0, [B]
    RES "pcmpeqd"
    movq mm0, [A]
    pcmpgtd mm0, [B]
    RES "pcmpgtd"
    movq mm0, [A]
    paddsb mm0, [B]
    RES "paddsb"
    movq mm0, [A]
    psubsb mm0, [B]
    RES "psubsb"
    movq mm0, [A]
    paddusb mm0, [B]
    RES "paddusb"
    movq mm0, [A]
    psubusb mm0, [B]
    RES "psubusb"
    movq mm0, [A]
    paddsw mm0, [B]
    RES "paddsw"
    movq mm0, [A]
    psubsw mm0, [B]
    RES "psubsw"
    movq mm0, [A]
    paddusw mm0, [B]
    RES "paddusw"
    movq mm0, [A]
    psubusw mm0, [B]
    RES "psubusw"
    movq mm0, [A]
    pmullw mm0, [B]
    RES "pmullw"
    movq mm0, [A]
    pmulhw mm0, [B]
    RES "pmulhw"
    movq mm0, [A]
    pmaddwd mm0, [B]
    RES "pmaddwd"
    movq mm0, [A]
    pand mm0, [B]
    RES "pand"
    movq mm0, [A]
    pandn mm0, [B]
    RES "pandn"
    movq mm0, [A]
    por mm0, [B]
    RES "por"
    movq mm0, [A]
    pxor mm0, [B]
    RES "pxor"
    movq mm0, [A]
    punpcklbw mm0, [B]
    RES "punpcklbw"
    movq mm0, [A]
    punpckhbw mm0, [B]
    RES "punpckhbw"
    movq mm0, [A]
    punpcklwd mm0, [B]
    RES "punpcklwd"
    movq mm0, [A]
    punpckhwd mm0, [B]
    RES "punpckhwd"
    movq mm0, [A]
    punpckldq mm0, [B]
    RES "punpckldq"
    movq mm0, [A]
    punpckhdq mm0, [B]
    RES "punpckhdq"
    movq mm0, [A]
    packsswb mm0, [B]
    RES "packsswb"
    movq mm0, [A]
    packuswb mm0, [B]
    RES "packuswb"
    movq mm0, [A]
    packssdw mm0, [B]
    RES "packssdw"
    movq mm0, [A]
    psrlw mm0, 4
    RES "psrlw 4"
    movq mm0, [A]
    psrlw mm0, mm1
    RES "psrlw cnt"
    movq mm0, [A]
    psllw mm0, 4
    RES "psllw 4"
    movq mm0, [A]
    psllw mm0, mm1
    RES "psllw cnt"
    movq mm0, [A]
    psraw mm0, 4
    RES "psraw 4"
    movq mm0, [A]
    psraw mm0, mm1
    RES "psraw cnt"
    movq mm0, [A]
    psrlw mm0, [BIG]
    RES "psrlw big"
    movq mm0, [A]
    psrld mm0, 4
    RES "psrld 4"
    movq mm0, [A]
    psrld mm0, mm1
    RES "psrld cnt"
    movq mm0, [A]
    pslld mm0, 4
    RES "pslld 4"
    movq mm0, [A]
    pslld mm0, mm1
    RES "pslld cnt"
    movq mm0, [A]
    psrad mm0, 4
    RES "psrad 4"
    movq mm0, [A]
    psrad mm0, mm1
    RES "psrad cnt"
    movq mm0, [A]
    psrld mm0, [BIG]
    RES "psrld big"
    movq mm0, [A]
    psrlq mm0, 4
    RES "psrlq 4"
    movq mm0, [A]
    psrlq mm0, mm1
    RES "psrlq cnt"
    movq mm0, [A]
    psllq mm0, 4
    RES "psllq 4"
    movq mm0, [A]
    psllq mm0, mm1
    RES "psllq cnt"
    movq mm0, [A]
    psrlq mm0, [BIG]
    RES "psrlq big"
    movq mm0, [A]
    psraw mm0, [BIG]
    RES "psraw big"
    ; MOVD zero-extends into MMn and stores the low dword; MOVQ register to register and store.
    mov eax, 0x89ABCDEF
    movd mm2, eax
    movq mm3, mm2
    movq [res], mm3
    PRINT "movd/movq"
    HEX [res + 4]
    HEX [res]
    movq mm4, [A]
    movd ebx, mm4
    HEX ebx
    NL
    ; The x87 view: all tags valid and TOP 0 after MMX; FNSTENV stores the full tag word computed
    ; from the contents (SDM vol. 1, 8.1.7): R0-R4 were written by MMX (exponent FFFFh: special,
    ; 10b), R5-R7 still hold FNINIT's zeros (01b): 56AAh. EMMS empties all: FFFFh.
    PRINT "fpu tag sw"
    fnstenv [env]
    movzx eax, word [env + 8]
    HEX eax
    movzx eax, word [env + 4]
    and eax, 0x3800
    HEX eax
    emms
    fnstenv [env]
    movzx eax, word [env + 8]
    HEX eax
    NL
    PRINT "em"
    mov eax, cr0
    or eax, 4
    mov cr0, eax
    FAULT .r1, .f1
.f1: paddb mm0, mm1
.r1:
    mov eax, cr0
    and eax, ~4
    or eax, 8
    mov cr0, eax
    PRINT "ts"
    FAULT .r2, .f2
.f2: emms
.r2:
    clts
    PRINT "pshufw (SSE) on a Pentium MMX"
    FAULT .r3, .f3
.f3: db 0x0F, 0x70, 0xC1, 0x00
.r3:
    ret

gate3_target:
gate0_target:
    retf
int30_handler:
int31_handler:
int35_handler:
    iretd

    align 8
A:      dq 0x80007FFF0102FFFE
B:      dq 0x00010001FF000003
BIG:    dq 0x0000000100000000
res:    dq 0
env:    times 28 db 0
