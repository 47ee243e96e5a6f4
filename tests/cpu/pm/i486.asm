; model: 80486dx2
; SPDX-License-Identifier: GPL-2.0-or-later
;
; The 486 additions on the i486DX2 model: BSWAP, XADD, CMPXCHG (equal and unequal, byte and
; dword), CR0 (ET hard-wired, NW without CD is #GP, WP makes supervisor writes honour R/W),
; EFLAGS (AC toggles, ID does not), INVLPG, INVD/WBINVD, the alignment check (#AC at CPL 3 with
; CR0.AM and EFLAGS.AC), and the Pentium instructions a 486 lacks (#UD).
; Expected values: i486.ref, from the Intel486 Microprocessor Family Programmer's Reference
; Manual (1992): instruction pages (BSWAP, XADD, CMPXCHG, INVLPG, INVD, WBINVD), 4.1 (CR0 bits:
; ET reads 1, NW=1 with CD=0 is #GP(0), WP), 2.3.3 (AC flag), 9.8.17 (#AC, error code 0),
; 10.1 (reset: CR0 = 60000010h, CD and NW set).

%define HAS_GATES
%include "common.inc"

PD      equ 0x20000
PT0     equ 0x21000
PG_RO   equ 0x101000                ; supervisor-visible, read-only
PG_ALI  equ 0x103000                ; maps physical 104000h, later 105000h

%macro FLAGS 1                      ; appends EFLAGS & mask
    pushfd
    pop eax
    and eax, %1
    HEX eax
%endmacro

test_main:
    PRINT "bswap"
    mov eax, 0x12345678
    bswap eax
    HEX eax
    mov ebx, 0x11223344
    bswap ebx
    HEX ebx
    NL

    ; XADD: TEMP = SRC + DEST; SRC = DEST; DEST = TEMP, flags of the addition.
    PRINT "xadd r"
    mov eax, 5
    mov ecx, 7
    xadd eax, ecx
    HEX eax
    HEX ecx
    NL
    PRINT "xadd m"
    mov dword [tmp], 0xFFFFFFFF
    mov edx, 1
    xadd [tmp], edx                 ; FFFFFFFFh + 1 = 0: CF ZF PF AF
    FLAGS 0x8D5
    HEX [tmp]
    HEX edx
    NL
    PRINT "xadd b"
    mov eax, 0x7F
    mov ebx, 0x01
    xadd al, bl                     ; 7Fh + 1 = 80h: OF SF AF
    movzx esi, al
    FLAGS 0x8D5
    HEX esi
    HEX ebx
    NL

    ; CMPXCHG: accumulator = destination -> ZF=1, destination = source; else ZF=0, accumulator
    ; = destination.
    PRINT "cmpxchg eq"
    mov dword [tmp], 0x1111
    mov eax, 0x1111
    mov ecx, 0x2222
    cmpxchg [tmp], ecx
    mov ebx, eax
    FLAGS 0x40
    HEX [tmp]
    HEX ebx
    NL
    PRINT "cmpxchg ne"
    mov eax, 0x3333
    cmpxchg [tmp], ecx
    mov ebx, eax
    FLAGS 0x8D5                     ; flags of CMP 3333h, 2222h = 1111h: PF only
    HEX ebx
    HEX [tmp]
    NL
    PRINT "cmpxchg b"
    mov byte [tmp], 0x44
    mov al, 0x44
    mov bl, 0x55
    cmpxchg [tmp], bl
    movzx eax, byte [tmp]
    HEX eax
    mov al, 0x10
    cmpxchg bl, dl                  ; BL = 55h != 10h: AL = 55h
    movzx eax, al
    HEX eax
    NL

    ; CR0 after reset was 60000010h; the loader set PE. ET cannot be cleared on a 486.
    PRINT "cr0"
    mov eax, cr0
    HEX eax
    and eax, ~0x10
    mov cr0, eax
    mov eax, cr0
    HEX eax
    NL
    PRINT "cr0 nw without cd"
    FAULT .r1, .f1
    mov eax, 0x20000011
.f1: mov cr0, eax
.r1:
    mov eax, cr0
    and eax, 0x9FFFFFFF             ; caches on (CD = NW = 0): accepted
    mov cr0, eax
    PRINT "cr0 caches on"
    mov eax, cr0
    HEX eax
    NL

    ; EFLAGS: flipping AC and ID, only AC changes on a 486 without CPUID.
    PRINT "eflags toggled"
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

    PRINT "invd wbinvd"
    invd
    wbinvd
    PRINT " ok"
    NL

    ; Not on a 486 (DX2): CPUID, RDTSC, RDMSR, MOV CR4, CMPXCHG8B, CMOV all #UD.
    PRINT "cpuid"
    FAULT .r2, .f2
.f2: cpuid
.r2:
    PRINT "rdtsc"
    FAULT .r3, .f3
.f3: rdtsc
.r3:
    PRINT "rdmsr"
    FAULT .r4, .f4
    xor ecx, ecx
.f4: rdmsr
.r4:
    PRINT "mov cr4"
    FAULT .r5, .f5
.f5: mov eax, cr4
.r5:
    PRINT "cmpxchg8b"
    FAULT .r6, .f6
.f6: cmpxchg8b [tmp]
.r6:
    PRINT "cmov"
    FAULT .r7, .f7
.f7: cmove eax, ebx
.r7:

    call paging_tests
    call align_tests
    ret

; ---- paging: CR0.WP and INVLPG ----
paging_tests:
    mov edi, PT0
    mov eax, 0x007
    mov ecx, 1024
.fill:
    mov [edi], eax
    add eax, 0x1000
    add edi, 4
    loop .fill
    mov dword [PT0 + (PG_RO >> 12) * 4], PG_RO | 5      ; P U, read-only
    mov dword [PT0 + (PG_ALI >> 12) * 4], 0x104000 | 7
    mov edi, PD
    xor eax, eax
    mov ecx, 1024
    rep stosd
    mov dword [PD], PT0 | 7
    mov dword [0x104000], 0xCAFEBABE
    mov dword [0x105000], 0x11112222
    mov eax, PD
    mov cr3, eax
    mov eax, cr0
    or eax, 0x80000000
    mov cr0, eax
    jmp .paged
.paged:
    ; WP = 0: the supervisor writes a read-only page, as on the 386.
    PRINT "wp0 write"
    mov dword [PG_RO + 8], 0x5A5A5A5A
    HEX [PG_RO + 8]
    NL
    ; WP = 1: the same write is #PF with P and W set (error 3), CR2 = the address.
    PRINT "wp1 write"
    mov eax, cr0
    or eax, 0x00010000
    mov cr0, eax
    FAULT .r1, .f1
.f1: mov dword [PG_RO + 8], 0
.r1:
    PRINT "  cr2"
    mov eax, cr2
    HEX eax
    HEX [PG_RO + 8]
    NL
    mov eax, cr0
    and eax, ~0x00010000
    mov cr0, eax
    ; INVLPG: the old translation stays cached after the PTE changes until INVLPG drops it.
    PRINT "invlpg"
    mov eax, [PG_ALI]
    HEX eax
    mov dword [PT0 + (PG_ALI >> 12) * 4], 0x105000 | 7
    mov eax, [PG_ALI]
    HEX eax
    invlpg [PG_ALI + 0x123]
    mov eax, [PG_ALI]
    HEX eax
    NL
    mov eax, cr0
    and eax, 0x7FFFFFFF
    mov cr0, eax
    ret

; ---- alignment check ----
align_tests:
    ; CR0.AM = 0: a misaligned ring-3 access with AC set does not fault.
    PRINT "am0"
    mov [a_esp], esp
    RING3 .u_am0, 0x00040002
.u_am0:
    mov ax, SEL_DATA3
    mov ds, ax
    mov eax, [0x10001]
    PRINT " no fault"
    NL
    int 0x35                        ; back to ring 0 (int35_handler: no return)
.back0:
    ; CR0.AM = 1, ring 0: no check.
    mov eax, cr0
    or eax, 0x00040000
    mov cr0, eax
    pushfd
    or dword [esp], 0x00040000
    popfd
    PRINT "am1 r0"
    mov eax, [0x10001]
    PRINT " no fault"
    NL
    ; Ring 3 with AC = 0: no check.
    RING3 .u_ac0, 0x00000002
.u_ac0:
    mov ax, SEL_DATA3
    mov ds, ax
    PRINT "am1 ac0 r3"
    mov eax, [0x10001]
    PRINT " no fault"
    NL
    int 0x35
.back1:
    ; Ring 3 with AC = 1: aligned accesses pass; misaligned word/dword are #AC(0).
    FAULT .r2, .f2
    RING3 .u_ac1, 0x00040002
.u_ac1:
    mov ax, SEL_DATA3
    mov ds, ax
    mov es, ax
    PRINT "ac1 aligned"
    mov eax, [0x10004]
    mov ax, [0x10002]
    mov al, [0x10001]
    PRINT " ok"
    NL
    PRINT "ac1 dword at 2"
.f2: mov eax, [0x10002]
.r2:
    FAULT .r3, .f3
    RING3 .u_ac1w, 0x00040002
.u_ac1w:
    mov ax, SEL_DATA3
    mov ds, ax
    mov es, ax
    PRINT "ac1 push to odd esp"
    mov esp, 0x60001
.f3: push eax
.r3:
    mov eax, cr0
    and eax, ~0x00040000
    mov cr0, eax
    pushfd
    and dword [esp], ~0x00040000
    popfd
    ret

gate3_target:
gate0_target:
    retf
int30_handler:
int31_handler:
    iretd
int35_handler:                      ; from ring 3: drop the ring-3 frame, continue in ring 0
    mov ax, SEL_DATA0
    mov ds, ax
    mov es, ax
    mov esp, [a_esp]
    cmp dword [a_step], 0
    jne .second
    inc dword [a_step]
    jmp align_tests.back0
.second:
    jmp align_tests.back1

    align 4
tmp:    dd 0
a_esp:  dd 0
a_step: dd 0
