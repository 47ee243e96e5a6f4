; model: pentium
; SPDX-License-Identifier: GPL-2.0-or-later
;
; The Pentium (P54C) additions: CPUID (leaves 0 and 1, leaf above the maximum), EFLAGS.ID,
; RDTSC (counts up; CR4.TSD makes it #GP at CPL 3), RDMSR/WRMSR (TSC, CESR/CTR, an unknown MSR
; and CPL 3 are #GP), CMPXCHG8B (equal and unequal), CR4 (reserved bits #GP: PGE is a P6 bit),
; CR4.DE (DR4 aliases DR6 without it, #UD with it), 4 MiB pages with CR4.PSE (accessed and
; dirty bits in the directory entry), and what a Pentium lacks (CMOV, SYSENTER, RDPMC: #UD).
; Expected values: pentium.ref, from the Pentium Processor Family Developer's Manual vol. 3
; (1995): CPUID (25.x and AP-485: signature 0525h; EDX: the chip's 1BFh without MCE (bit 7),
; which Amber does not implement: FPU VME DE PSE TSC MSR CX8 = 13Fh; no APIC on this board),
; RDTSC/RDMSR/WRMSR/CMPXCHG8B pages, 10.1.3 (CR4), 11.3.4 (4 MiB pages), 17.2.2 (DE).

%define HAS_GATES
%include "common.inc"

PD      equ 0x20000
PT0     equ 0x21000

%macro FLAGS 1
    pushfd
    pop eax
    and eax, %1
    HEX eax
%endmacro

test_main:
    PRINT "id toggles"
    pushfd
    pop ebx
    mov eax, ebx
    xor eax, 0x00240000
    push eax
    popfd
    pushfd
    pop eax
    xor eax, ebx
    HEX eax
    push ebx
    popfd
    NL

    PRINT "cpuid 0"
    xor eax, eax
    cpuid
    HEX eax
    HEX ebx
    HEX edx
    HEX ecx
    NL
    PRINT "cpuid 1"
    mov eax, 1
    cpuid
    HEX eax
    HEX ebx
    HEX ecx
    HEX edx
    NL
    PRINT "cpuid 5 (above max)"
    mov eax, 5
    cpuid
    HEX eax
    HEX edx
    NL

    ; RDTSC: two reads a few instructions apart increase; WRMSR 10h sets it.
    PRINT "rdtsc"
    rdtsc
    mov esi, eax
    mov edi, edx
    nop
    rdtsc
    sub eax, esi
    sbb edx, edi
    cmp eax, 0
    seta al
    movzx eax, al
    HEX eax                         ; 1: it went up
    HEX edx
    NL
    PRINT "wrmsr tsc"
    mov ecx, 0x10
    mov eax, 0xFFFFFF00
    mov edx, 0x12345678
    wrmsr
    rdmsr
    HEX edx                         ; the high half as written (the low one moved on)
    rdtsc
    HEX edx
    NL
    PRINT "cesr ctr0"
    mov ecx, 0x11
    mov eax, 0xFFFFFFFF
    xor edx, edx
    wrmsr
    rdmsr
    HEX eax                         ; the two 10-bit fields: 03FF03FFh
    mov ecx, 0x12
    mov eax, 0x89ABCDEF
    mov edx, 0xFF
    wrmsr
    rdmsr
    HEX edx
    HEX eax
    NL
    PRINT "rdmsr 1Bh (P6 only)"
    FAULT .r1, .f1
    mov ecx, 0x1B
.f1: rdmsr
.r1:
    PRINT "rdmsr 2FFh"
    FAULT .r2, .f2
    mov ecx, 0x2FF
.f2: rdmsr
.r2:

    PRINT "cmpxchg8b eq"
    mov dword [q], 0x11111111
    mov dword [q + 4], 0x22222222
    mov eax, 0x11111111
    mov edx, 0x22222222
    mov ebx, 0x33333333
    mov ecx, 0x44444444
    cmpxchg8b [q]
    FLAGS 0x40
    HEX [q]
    HEX [q + 4]
    NL
    PRINT "cmpxchg8b ne"
    xor eax, eax
    xor edx, edx
    cmpxchg8b [q]
    mov esi, eax
    FLAGS 0x40
    HEX esi
    HEX edx
    NL
    PRINT "cmpxchg8b reg"
    FAULT .r3, .f3
.f3: db 0x0F, 0xC7, 0xC8            ; CMPXCHG8B EAX: #UD
.r3:

    PRINT "cr4"
    mov eax, cr4
    HEX eax
    mov eax, 0x1F                   ; VME PVI TSD DE PSE
    mov cr4, eax
    mov eax, cr4
    HEX eax
    xor eax, eax
    mov cr4, eax
    NL
    PRINT "cr4.pge"
    FAULT .r4, .f4
    mov eax, 0x80
.f4: mov cr4, eax
.r4:

    ; CR4.DE = 0: DR4/DR5 are DR6/DR7; CR4.DE = 1: #UD.
    ; DR6 bits 4-11 and 16-31 read as ones (Pentium DM vol. 3, 17.2.2).
    PRINT "dr4"
    mov eax, 0x0000000F
    mov dr6, eax
    mov eax, dr4
    HEX eax
    NL
    PRINT "dr4 with de"
    mov eax, 8
    mov cr4, eax
    FAULT .r5, .f5
.f5: mov eax, dr4
.r5:
    xor eax, eax
    mov cr4, eax

    ; CR4.TSD: RDTSC at CPL 3 is #GP(0); without TSD it works.
    PRINT "rdtsc r3"
    mov [s_esp], esp
    RING3 .u_tsc, 0x00000002
.u_tsc:
    mov ax, SEL_DATA3
    mov ds, ax
    rdtsc
    PRINT " ok"
    NL
    int 0x35
.back0:
    mov eax, 4
    mov cr4, eax
    PRINT "rdtsc r3 tsd"
    FAULT .r6, .f6
    RING3 .u_tsd, 0x00000002
.u_tsd:
.f6: rdtsc
.r6:
    PRINT "rdmsr r3"
    FAULT .r7, .f7
    RING3 .u_msr, 0x00000002
.u_msr:
    mov ecx, 0x10
.f7: rdmsr
.r7:
    xor eax, eax
    mov cr4, eax

    PRINT "cmov"
    FAULT .r8, .f8
.f8: cmovz eax, ebx
.r8:
    PRINT "sysenter"
    FAULT .r9, .f9
.f9: sysenter
.r9:
    PRINT "rdpmc"
    FAULT .r10, .f10
    xor ecx, ecx
.f10: rdpmc
.r10:
    call pse_tests
    ret

; ---- 4 MiB pages ----
pse_tests:
    mov edi, PT0
    mov eax, 0x007
    mov ecx, 1024
.fill:
    mov [edi], eax
    add eax, 0x1000
    add edi, 4
    loop .fill
    mov edi, PD
    xor eax, eax
    mov ecx, 1024
    rep stosd
    mov dword [PD], PT0 | 7
    ; 400000h..7FFFFFh -> physical 0 (a 4 MiB page, PS = bit 7)
    mov dword [PD + 4], 0x00000083
    mov dword [0x1234], 0xFEEDF00D
    mov eax, PD
    mov cr3, eax
    mov eax, 0x10                   ; PSE
    mov cr4, eax
    mov eax, cr0
    or eax, 0x80000000
    mov cr0, eax
    jmp .paged
.paged:
    PRINT "pse read"
    mov eax, [0x401234]
    HEX eax
    HEX [PD + 4]                    ; A set: A3h
    mov dword [0x401238], 1
    HEX [PD + 4]                    ; D set: E3h
    NL
    ; Without CR4.PSE the PS bit is ignored: the entry points to a page table at 0, whose
    ; entry 1 (the GDT's first bytes...) is not used here; check that PSE=0 takes effect by
    ; clearing P of the table entry the walk would use instead: #PF.
    PRINT "pse off"
    mov eax, cr0
    and eax, 0x7FFFFFFF
    mov cr0, eax
    xor eax, eax
    mov cr4, eax
    mov dword [PD + 4], 0x00023083  ; PS, but as a table pointer: table at 23000h
    mov edi, 0x23000
    mov ecx, 1024
    xor eax, eax
    rep stosd                       ; all not present
    mov eax, cr0
    or eax, 0x80000000
    mov cr0, eax
    FAULT .r1, .f1
.f1: mov eax, [0x401234]
.r1:
    mov eax, cr0
    and eax, 0x7FFFFFFF
    mov cr0, eax
    ret

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
    jmp test_main.back0

    align 8
q:      dq 0
s_esp:  dd 0
