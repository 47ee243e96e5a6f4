; SPDX-License-Identifier: GPL-2.0-or-later
;
; Paging: translation, accessed and dirty bits, #PF error codes (P, W/R, U/S) with CR2 for a
; not-present page, a write to a read-only page from ring 3, a supervisor page read from ring 3,
; the 386's supervisor writes to read-only pages, the TLB flush on a CR3 load, and the fault's
; own invalidation of the faulting page (a PTE made writable after a write fault needs no flush).
; Expected values: paging.ref, from the Intel 80386 Programmer's Reference Manual (1986):
; 5.2 (two-level translation, 4 KiB pages; 5.2.4.4 accessed and dirty bits), 6.4 (page-level
; protection; table 6-5 combines directory and table entries; the 386 supervisor ignores R/W),
; 9.8.14 (#PF: CR2 = linear address; error code bit 0 P, bit 1 W/R, bit 2 U/S), 5.2.5 (TLB
; flushed by loading CR3).

%include "common.inc"

PD      equ 0x20000
PT0     equ 0x21000
PG_NP   equ 0x100000                ; not present
PG_RO   equ 0x101000                ; user, read-only
PG_SUP  equ 0x102000                ; supervisor, writable
PG_ALI  equ 0x103000                ; user, writable, maps physical 104000h (later 105000h)

%macro CR2_LINE 0
    PRINT "  cr2"
    mov eax, cr2
    HEX eax
    NL
%endmacro

test_main:
    ; Identity-map 0..4 MiB with present, writable, user pages, then the special ones.
    mov edi, PT0
    mov eax, 0x007
    mov ecx, 1024
.fill:
    mov [edi], eax
    add eax, 0x1000
    add edi, 4
    loop .fill
    mov dword [PT0 + (PG_NP >> 12) * 4], PG_NP          ; P=0
    mov dword [PT0 + (PG_RO >> 12) * 4], PG_RO | 5      ; P U
    mov dword [PT0 + (PG_SUP >> 12) * 4], PG_SUP | 3    ; P W
    mov dword [PT0 + (PG_ALI >> 12) * 4], 0x104000 | 7  ; P W U
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
    jmp .paged                  ; (the identity map keeps this code where it is)
.paged:
    PRINT "alias read"
    mov eax, [PG_ALI]
    HEX eax
    NL
    ; 5.2.4.4: the read set A in the PDE and PTE (27h); the write then sets D (67h).
    PRINT "pte after read"
    HEX [PT0 + (PG_ALI >> 12) * 4]
    PRINT " pde"
    HEX [PD]
    mov dword [PG_ALI + 4], 1
    PRINT " pte after write"
    HEX [PT0 + (PG_ALI >> 12) * 4]
    NL
    ; 5.2.5: after the PTE changes, loading CR3 flushes the TLB and the new frame is used.
    mov dword [PT0 + (PG_ALI >> 12) * 4], 0x105000 | 7
    mov eax, cr3
    mov cr3, eax
    PRINT "after cr3 reload"
    mov eax, [PG_ALI]
    HEX eax
    NL
    ; Supervisor read of a not-present page: error code 0 (P=0, read, supervisor).
    PRINT "pf_np_read_r0"
    FAULT .r1, .f1
.f1: mov eax, [PG_NP + 0x10]
.r1:
    CR2_LINE
    PRINT "pf_np_write_r0"
    FAULT .r2, .f2
.f2: mov [PG_NP + 0x20], eax    ; error 2 (W)
.r2:
    CR2_LINE
    ; The 386 lets the supervisor write a read-only page (6.4.1.2; CR0.WP came with the 486).
    PRINT "r0 write ro page"
    mov dword [PG_RO + 8], 0x5A5A5A5A
    HEX [PG_RO + 8]
    NL
    FAULT .r3, .f3
    RING3 .u_write_ro, 0x00000002
.r3:
    CR2_LINE
    ; The fault dropped the read-only translation the ring-3 read had cached (Intel SDM vol. 3A
    ; 4.10.4.1), so making the PTE writable needs no flush: the retried write walks the tables.
    mov dword [PT0 + (PG_RO >> 12) * 4], PG_RO | 7
    FAULT .r3b, .f3b
    RING3 .u_write_upgraded, 0x00000002
.r3b:
    CR2_LINE
    FAULT .r4, .f4
    RING3 .u_read_sup, 0x00000002
.r4:
    CR2_LINE
    FAULT .r5, .f5
    RING3 .u_read_np, 0x00000002
.r5:
    CR2_LINE
    ; Back to unpaged for the rest of the run.
    mov eax, cr0
    and eax, 0x7FFFFFFF
    mov cr0, eax
    ret

.u_write_ro:
    mov ax, SEL_DATA3
    mov ds, ax
    mov es, ax
    PRINT "r3 read ro page"
    HEX [PG_RO + 8]
    NL
    PRINT "pf_user_write_ro"
.f3: mov dword [PG_RO + 8], 0   ; present, write, user: error 7
.u_write_upgraded:
    mov ax, SEL_DATA3
    mov ds, ax
    PRINT "r3 write after pte upgrade"
    mov dword [PG_RO + 8], 0x600DF00D
    HEX [PG_RO + 8]
    NL
    PRINT "pf_user_read_sup"
.f3b: mov eax, [PG_SUP]         ; back to ring 0 through a known fault: error 5
.u_read_sup:
    mov ax, SEL_DATA3
    mov ds, ax
    PRINT "pf_user_read_sup"
.f4: mov eax, [PG_SUP]          ; present, read, user: error 5
.u_read_np:
    mov ax, SEL_DATA3
    mov ds, ax
    PRINT "pf_user_read_np"
.f5: mov eax, [PG_NP + 0xFFC]   ; not present, read, user: error 4
