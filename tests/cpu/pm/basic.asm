; SPDX-License-Identifier: GPL-2.0-or-later
;
; Entering protected mode and leaving it again; descriptor caches, accessed and busy bits, the
; protection probes (LAR LSL VERR VERW ARPL), SGDT, and real mode's segment-limit fault.
; Expected values: basic.ref, reasoned from the Intel 80386 Programmer's Reference Manual (1986).

%include "common.inc"

%macro PRINT16 1
    jmp %%after
%%s: db %1, 0
%%after:
    mov si, %%s
    call print_str16
%endmacro

%macro ZF 0                     ; appends ZF (40h when set)
    pushfd
    pop eax
    and eax, 0x40
    HEX eax
%endmacro

test_main:
    ; 10.3: CR0.PE set by MOV CR0; PG still clear. The far JMP loaded CS = 08h; the data loads
    ; DS = SS = 10h; LTR loaded TR = 38h.
    PRINT "pm: cr0"
    mov eax, cr0
    and eax, 0x8000000F
    HEX eax
    PRINT " cs"
    xor eax, eax
    mov ax, cs
    HEX eax
    PRINT " ds"
    mov ax, ds
    HEX eax
    PRINT " ss"
    mov ax, ss
    HEX eax
    PRINT " tr"
    str ax
    HEX eax
    NL

    ; 5.1.1 / 6.3.1.1: loading a segment register sets the accessed bit (type bit 0) in the
    ; descriptor: 92h -> 93h for the data segment; the unused descriptor 58h stays 92h.
    ; 7.2.2: LTR marks the TSS busy: type 9 -> 0Bh, access byte 89h -> 8Bh.
    PRINT "access: data0"
    movzx eax, byte [gdt + SEL_DATA0 + 5]
    HEX eax
    PRINT " small"
    movzx eax, byte [gdt + SEL_SMALL + 5]
    HEX eax
    PRINT " tssA"
    movzx eax, byte [gdt + SEL_TSS_A + 5]
    HEX eax
    NL

    ; LAR: ZF=1 and the descriptor's second dword masked with 00FxFF00h:
    ; base 23..16 = 0 (dropped), access 93h, G D 0 0 + limit 19..16 = CFh, base 31..24 = 0.
    PRINT "lar data0"
    mov ebx, 0x12345678
    lar ebx, [sel_data0]
    ZF
    HEX ebx
    NL
    ; LSL: byte-granular limit FFFh; the flat segment (G=1, FFFFFh) gives FFFFFFFFh.
    PRINT "lsl small"
    mov ebx, 0
    mov eax, SEL_SMALL
    lsl ebx, eax
    ZF
    HEX ebx
    PRINT " flat"
    mov eax, SEL_DATA0
    lsl ebx, eax
    ZF
    HEX ebx
    NL
    ; LSL of a call gate: gates have no limit -> ZF=0, destination unchanged.
    PRINT "lsl gate"
    mov ebx, 0x55
    mov eax, SEL_GATE3
    lsl ebx, eax
    ZF
    HEX ebx
    NL
    ; VERR: code 9Ah is readable -> 1; VERW: code -> 0, read-only data 90h -> 0, data -> 1.
    PRINT "verr code"
    mov ax, SEL_CODE0
    verr ax
    ZF
    PRINT " verw code"
    mov ax, SEL_CODE0
    verw ax
    ZF
    PRINT " verw ro"
    mov ax, SEL_RO
    verw ax
    ZF
    PRINT " verw data"
    mov ax, SEL_DATA0
    verw ax
    ZF
    NL
    ; ARPL: destination RPL 0 < source RPL 3 -> RPL raised to 3, ZF=1.
    PRINT "arpl"
    mov ax, 0x0010
    mov bx, 0x0003
    arpl ax, bx
    pushfd
    movzx eax, ax
    HEX eax
    pop eax
    and eax, 0x40
    HEX eax
    NL
    ; SGDT stores the limit (23 descriptors: B7h) and the 32-bit base.
    PRINT "sgdt limit"
    sgdt [sgdt_buf]
    movzx eax, word [sgdt_buf]
    HEX eax
    cmp dword [sgdt_buf + 2], gdt
    jne .sgdt_bad
    PRINT " base ok"
    jmp .sgdt_done
.sgdt_bad:
    PRINT " base BAD"
.sgdt_done:
    NL

    ; Back to real mode (80386 PRM 14.5): through a 16-bit code segment, 64 KiB data segments,
    ; clear PE, far jump to reload CS, restore the real-mode IVT.
    jmp SEL_CODE16:pm16
    bits 16
pm16:
    mov ax, SEL_DATA16
    mov ds, ax
    mov es, ax
    mov ss, ax
    mov eax, cr0
    and eax, 0x7FFFFFFE
    mov cr0, eax
    jmp 0:real_again
real_again:
    xor ax, ax
    mov ds, ax
    mov es, ax
    mov ss, ax
    mov sp, 0x7000
    lidt [ivt_desc]
    PRINT16 "real: back"
    call nl16

    ; Table 14-1: a word operand at offset 0FFFFh crosses the 64 KiB limit -> interrupt 13 (#GP)
    ; with no error code in real mode; the return address is the faulting MOV.
    mov word [13 * 4], rm_int13
    mov word [13 * 4 + 2], 0
    mov word [0x40 * 4], rm_int40
    mov word [0x40 * 4 + 2], 0
    PRINT16 "rm word at ffff:"
    mov word [expect16], .fault
.fault:
    mov ax, [0xFFFF]            ; A1 FF FF, 3 bytes
    call nl16

    ; INT n in real mode: the IVT entry, FLAGS/CS/IP pushed, IF and TF cleared (14.1.4).
    PRINT16 "int40:"
    sti
    int 0x40
    cli
    call nl16
    PRINT16 "done"
    call nl16
    mov dx, PORT_DONE
    out dx, al
.h: hlt
    jmp .h

rm_int13:
    push bp
    mov bp, sp
    PRINT16 " int13 ip"
    mov ax, [bp + 2]
    cmp ax, [expect16]
    jne .bad
    PRINT16 " ok"
    jmp .skip
.bad:
    PRINT16 " BAD"
.skip:
    add word [bp + 2], 3
    pop bp
    iret

rm_int40:
    pushf
    pop ax
    and ax, 0x0200
    movzx eax, ax
    mov dx, PORT_HEX
    out dx, eax                 ; IF inside the handler: 0
    mov bp, sp
    mov ax, [bp + 4]            ; pushed FLAGS: IF was 1
    and ax, 0x0200
    out dx, eax
    iret

print_str16:
    mov dx, PORT_CHAR
.l: lodsb
    test al, al
    jz .e
    out dx, al
    jmp .l
.e: ret

nl16:
    mov al, 10
    mov dx, PORT_CHAR
    out dx, al
    ret

    bits 32
    align 4
sel_data0: dd SEL_DATA0
sgdt_buf: times 8 db 0
expect16: dw 0
ivt_desc:
    dw 0x3FF
    dd 0
