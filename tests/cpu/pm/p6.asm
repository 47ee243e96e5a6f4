; model: pentium2
; SPDX-License-Identifier: GPL-2.0-or-later
;
; The Pentium Pro / Pentium II additions on the Pentium II model: CPUID leaves 0-2, CMOVcc
; (taken and not, the source is read even when not taken), the 0F 1F hint NOP, UD2,
; SYSENTER/SYSEXIT (flat CS/SS from IA32_SYSENTER_CS, ring 0 <-> 3, the #GP cases), RDPMC
; (counter range, CR4.PCE at CPL 3), the MTRR MSRs (cap, variable and fixed ranges, default
; type, invalid types #GP), the TSC's 32-bit WRMSR, and global pages (CR4.PGE: a global
; translation survives a CR3 load, INVLPG drops it).
; Expected values: p6.ref, from the Pentium Pro Family Developer's Manual vol. 2 (CMOVcc, RDPMC,
; UD2 pages) and vol. 3 (3.7 global pages, 11.11 MTRRs: MTRRcap 508h, 14.4 TSC "high 32 bits
; cleared"), the Pentium II Developer's Manual (SYSENTER/SYSEXIT), AP-485 (signature 0652h;
; leaf 2 descriptors 03020101h / 0C040843h; EDX: FPU VME DE PSE TSC MSR CX8 SEP MTRR PGE CMOV
; MMX FXSR = 180B93Fh here; the chip's MCE, MCA, PAE, APIC (no LAPIC on this board) are not
; claimed). FXSAVE layout: Intel SDM vol. 2A, FXSAVE (FCW, FSW, abridged tag byte, ST(i) in
; 16-byte slots from offset 32; the area must be 16-byte aligned, else #GP(0)).

%define HAS_GATES
%include "common.inc"

PD      equ 0x20000
PT0     equ 0x21000
PG_GLB  equ 0x102000                ; global page: phys 104000h, later 105000h
PG_LOC  equ 0x103000                ; ordinary page: same

%macro FLAGS 1
    pushfd
    pop eax
    and eax, %1
    HEX eax
%endmacro

test_main:
    PRINT "cpuid 0"
    xor eax, eax
    cpuid
    HEX eax
    NL
    PRINT "cpuid 1"
    mov eax, 1
    cpuid
    HEX eax
    HEX edx
    NL
    PRINT "cpuid 2"
    mov eax, 2
    cpuid
    HEX eax
    HEX ebx
    HEX ecx
    HEX edx
    NL

    PRINT "cmov"
    mov eax, 1
    mov ebx, 2
    cmp eax, ebx                    ; 1 < 2: CF=1, ZF=0
    mov ecx, 0x11
    mov edx, 0x22
    cmovb ecx, edx                  ; taken
    HEX ecx
    mov ecx, 0x11
    cmovz ecx, edx                  ; not taken
    HEX ecx
    mov dword [tmp], 0x33
    cmovnz ecx, [tmp]               ; taken, memory
    HEX ecx
    mov ecx, 0x55554444
    cmovl cx, [tmp]                 ; 16-bit, taken (SF != OF): the upper half stays
    HEX ecx
    NL
    ; Not taken, but the source is still read: beyond the segment limit -> #GP(0).
    PRINT "cmov not taken, bad source"
    mov ax, SEL_SMALL
    mov fs, ax
    cmp eax, eax                    ; ZF=1
    FAULT .r1, .f1
.f1: cmovnz eax, [fs:0x2000]
.r1:

    PRINT "nop ev"
    nop dword [eax + 0x12345678]    ; 0F 1F 80 disp32: no access, no fault
    db 0x0F, 0x1F, 0x00             ; nop dword [eax]
    PRINT " ok"
    NL
    PRINT "ud2"
    FAULT .r2, .f2
.f2: ud2
.r2:

    ; SYSENTER/SYSEXIT with SYSENTER_CS = 08h: ring 0 CS 08h SS 10h, ring 3 CS 1Bh SS 23h.
    PRINT "sysenter cs=0"
    mov ecx, 0x174
    xor eax, eax
    xor edx, edx
    wrmsr
    FAULT .r3, .f3
.f3: sysenter
.r3:
    mov ecx, 0x174
    mov eax, SEL_CODE0
    xor edx, edx
    wrmsr
    mov ecx, 0x175
    mov eax, STACK0_TSS
    wrmsr
    mov ecx, 0x176
    mov eax, ABS(sys_entry)
    wrmsr
    PRINT "sysenter_cs"
    mov ecx, 0x174
    rdmsr
    HEX eax
    NL
    mov [s_esp], esp
    mov ecx, STACK3_TOP             ; ring-3 ESP
    mov edx, ABS(ring3_code)        ; ring-3 EIP
    sysexit
.back:
    PRINT "sysexit r3"
    FAULT .r4, .f4
    RING3 .u_exit, 0x00000002
.u_exit:
.f4: sysexit
.r4:

    ; RDPMC: counter 0 as written through PerfCtr0 (C1h; sign-extended to 40 bits).
    PRINT "rdpmc"
    mov ecx, 0xC1
    mov eax, 0x80000001
    xor edx, edx
    wrmsr
    xor ecx, ecx
    rdpmc
    HEX edx
    HEX eax
    NL
    PRINT "rdpmc 2"
    FAULT .r5, .f5
    mov ecx, 2
.f5: rdpmc
.r5:
    PRINT "rdpmc r3"
    mov [s_esp], esp
    FAULT .r6, .f6
    RING3 .u_pmc, 0x00000002
.u_pmc:
    xor ecx, ecx
.f6: rdpmc
.r6:
    mov eax, 0x100                  ; CR4.PCE
    mov cr4, eax
    PRINT "rdpmc r3 pce"
    RING3 .u_pmc2, 0x00000002
.u_pmc2:
    xor ecx, ecx
    rdpmc
    mov bx, SEL_DATA3
    mov ds, bx
    HEX eax
    NL
    int 0x35
.back2:
    xor eax, eax
    mov cr4, eax

    PRINT "mtrrcap"
    mov ecx, 0xFE
    rdmsr
    HEX edx
    HEX eax
    NL
    PRINT "mtrr var0"
    mov ecx, 0x200
    mov eax, 0x00000006             ; base 0, WB
    xor edx, edx
    wrmsr
    mov ecx, 0x201
    mov eax, 0xFFC00800             ; 4 MiB, valid
    mov edx, 0xF
    wrmsr
    mov ecx, 0x200
    rdmsr
    HEX eax
    mov ecx, 0x201
    rdmsr
    HEX edx
    HEX eax
    NL
    PRINT "mtrr fixed"
    mov ecx, 0x250
    mov eax, 0x06060606
    mov edx, 0x00000406
    wrmsr
    rdmsr
    HEX edx
    HEX eax
    NL
    PRINT "mtrr def"
    mov ecx, 0x2FF
    mov eax, 0xC06
    xor edx, edx
    wrmsr
    rdmsr
    HEX eax
    NL
    PRINT "mtrr type 2"
    FAULT .r7, .f7
    mov ecx, 0x202
    mov eax, 2
    xor edx, edx
.f7: wrmsr
.r7:
    PRINT "mtrr mask bit 36"
    FAULT .r8, .f8
    mov ecx, 0x203
    mov eax, 0x800
    mov edx, 0x10
.f8: wrmsr
.r8:
    PRINT "wrmsr tsc"
    mov ecx, 0x10
    mov eax, 0xFFFFFF00
    mov edx, 0x12345678
    wrmsr
    rdmsr
    HEX edx                         ; 0: P6 writes only the low 32 bits
    NL
    PRINT "fxsave"
    fninit
    fld1
    fldpi
    fxsave [fxarea]
    movzx eax, word [fxarea]        ; FCW 037Fh
    HEX eax
    movzx eax, word [fxarea + 2]    ; FSW: TOP = 6
    HEX eax
    movzx eax, byte [fxarea + 4]    ; R6 and R7 in use: C0h
    HEX eax
    HEX [fxarea + 32 + 4]           ; ST(0) = pi: significand C90FDAA2 2168C235h, exponent 4000h
    movzx eax, word [fxarea + 32 + 8]
    HEX eax
    HEX [fxarea + 48 + 4]           ; ST(1) = 1.0
    NL
    PRINT "fxrstor"
    fninit
    fxrstor [fxarea]
    fistp dword [tmp]
    HEX [tmp]
    fistp dword [tmp]
    HEX [tmp]
    NL
    PRINT "fxsave misaligned"
    FAULT .r9, .f9
.f9: fxsave [fxarea + 8]
.r9:
    call pge_tests
    ret

; ---- global pages ----
pge_tests:
    mov edi, PT0
    mov eax, 0x007
    mov ecx, 1024
.fill:
    mov [edi], eax
    add eax, 0x1000
    add edi, 4
    loop .fill
    mov dword [PT0 + (PG_GLB >> 12) * 4], 0x104000 | 0x107  ; G P W U
    mov dword [PT0 + (PG_LOC >> 12) * 4], 0x104000 | 0x007
    mov edi, PD
    xor eax, eax
    mov ecx, 1024
    rep stosd
    mov dword [PD], PT0 | 7
    mov dword [0x104000], 0xCAFEBABE
    mov dword [0x105000], 0x11112222
    mov eax, PD
    mov cr3, eax
    mov eax, 0x80                   ; PGE
    mov cr4, eax
    mov eax, cr0
    or eax, 0x80000000
    mov cr0, eax
    jmp .paged
.paged:
    PRINT "pge"
    mov eax, [PG_GLB]
    HEX eax
    mov eax, [PG_LOC]
    HEX eax
    mov dword [PT0 + (PG_GLB >> 12) * 4], 0x105000 | 0x107
    mov dword [PT0 + (PG_LOC >> 12) * 4], 0x105000 | 0x007
    mov eax, cr3
    mov cr3, eax                    ; drops the ordinary translation only
    mov eax, [PG_GLB]
    HEX eax
    mov eax, [PG_LOC]
    HEX eax
    invlpg [PG_GLB]
    mov eax, [PG_GLB]
    HEX eax
    NL
    mov eax, cr0
    and eax, 0x7FFFFFFF
    mov cr0, eax
    xor eax, eax
    mov cr4, eax
    ret

; SYSEXIT lands here in ring 3; SYSENTER goes back to sys_entry in ring 0.
ring3_code:
    mov ax, SEL_DATA3
    mov ds, ax
    mov es, ax
    PRINT "ring3 cs ss esp"
    xor eax, eax
    mov ax, cs
    HEX eax
    mov ax, ss
    HEX eax
    HEX esp
    NL
    sysenter
sys_entry:
    mov ax, SEL_DATA0
    mov ds, ax
    mov es, ax
    PRINT "ring0 cs ss esp"
    xor eax, eax
    mov ax, cs
    HEX eax
    mov ax, ss
    HEX eax
    HEX esp
    pushfd
    pop eax
    and eax, 0x200
    HEX eax                         ; IF cleared
    NL
    mov esp, [s_esp]
    jmp test_main.back

gate3_target:
gate0_target:
    retf
int30_handler:
int31_handler:
    iretd
int35_handler:                      ; from ring 3: continue in ring 0
    mov ax, SEL_DATA0
    mov ds, ax
    mov es, ax
    mov esp, [s_esp]
    jmp test_main.back2

    align 4
tmp:    dd 0
s_esp:  dd 0
    align 16
fxarea: times 512 db 0
