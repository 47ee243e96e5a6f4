; SPDX-License-Identifier: GPL-2.0-or-later
;
; 80286 protected mode, run on the 80286 model: LMSW to enter, 286 descriptors (bytes 6-7 zero),
; SMSW (reserved MSW bits read as ones), a #GP with a selector error code through a 286
; interrupt gate (16-bit frame: error code, IP, CS, FLAGS), INT through a 286 trap gate, and a
; far CALL/RETF through a 286 call gate at the same level.
; Expected values: p286.ref, from the Intel 80286 Programmer's Reference Manual: LMSW/SMSW pages,
; chapter 6 (descriptors), chapter 9 (interrupt and trap gates, error codes; 9.4 stack frame),
; chapter 7 (call gates).
;
; Same ports and load address as common.inc (0000:8000; E9h characters, ECh values, F0h done).

%define PORT_CHAR 0xE9
%define PORT_HEX 0xEC
%define PORT_DONE 0xF0
%define ABS(x) ((x) - $$ + 0x8000)

%macro DESC286 3 ; base (24 bits), limit (16 bits), access
    dw %2
    dw (%1) & 0xFFFF
    db ((%1) >> 16) & 0xFF
    db %3
    dw 0
%endmacro
%macro GATE286 4 ; selector, offset, access, word count
    dw %2
    dw %1
    db %4
    db %3
    dw 0
%endmacro
%macro PRINT 1
    jmp %%after
%%s: db %1, 0
%%after:
    mov si, %%s
    call print_str
%endmacro

    org 0x8000
    bits 16
start:
    cli
    xor ax, ax
    mov ds, ax
    mov ss, ax
    mov sp, 0x7000
    lgdt [gdt_desc]
    lidt [idt_desc]
    smsw ax
    mov [msw_real], ax
    mov ax, 1
    lmsw ax                     ; PE
    jmp 0x08:pm
pm:
    mov ax, 0x10
    mov ds, ax
    mov ss, ax
    mov es, ax
    PRINT "286 pm: msw real"
    mov ax, [msw_real]
    call hex
    PRINT " msw pm"
    smsw ax
    call hex
    PRINT " cs"
    mov ax, cs
    call hex
    PRINT " access"
    mov al, [gdt + 0x10 + 5]
    xor ah, ah
    call hex
    call nl
    ; #GP(18h) through the 286 interrupt gate: error code, IP, CS, FLAGS as words.
    PRINT "gp:"
    mov word [expect], .f1
    mov ax, 0x18                ; execute-only code segment: not readable -> #GP(18h)
.f1: mov es, ax
    PRINT " resumed"
    call nl
    PRINT "int 30h trap gate:"
    sti
    int 0x30
    cli
    call nl
    PRINT "call gate:"
    call 0x28:0
    PRINT " back"
    call nl
    mov dx, PORT_DONE
    out dx, al
.h: hlt
    jmp .h

gp_handler:                     ; [sp] error, [sp+2] IP, [sp+4] CS, [sp+6] FLAGS
    mov bp, sp
    PRINT " err"
    mov ax, [bp]
    call hex
    mov ax, [bp + 2]
    cmp ax, [expect]
    jne .bad
    PRINT " ip ok"
    jmp .c
.bad:
    PRINT " ip BAD"
.c: add word [bp + 2], 2        ; skip MOV ES, AX (8E C0)
    add sp, 2
    iret

trap_handler:
    pushf
    pop ax
    and ax, 0x200
    call hex                    ; trap gate: IF stays 1
    mov bp, sp
    PRINT " cs"
    mov ax, [bp + 2]
    call hex
    iret

gate_target:
    mov bp, sp
    PRINT " ret cs"
    mov ax, [bp + 2]            ; 286 gate: word pushes (IP, CS)
    call hex
    retf

hex:                            ; ax -> " %08x" of the zero-extended word
    push cx
    push ax
    mov al, ' '
    call putc
    mov cx, 4
    mov al, '0'
    call putc
    call putc
    call putc
    call putc
    pop ax
    push ax
.d: rol ax, 4
    push ax
    and al, 0x0F
    add al, '0'
    cmp al, '9'
    jbe .p
    add al, 'a' - '0' - 10
.p: call putc
    pop ax
    loop .d
    pop ax
    pop cx
    ret

putc:
    push dx
    mov dx, PORT_CHAR
    out dx, al
    pop dx
    ret

print_str:
    push ax
.l: lodsb
    test al, al
    jz .e
    call putc
    jmp .l
.e: pop ax
    ret

nl:
    mov al, 10
    jmp putc

    align 2
msw_real: dw 0
expect: dw 0

    align 8
gdt:
    dq 0
    DESC286 0, 0xFFFF, 0x9A     ; 08 code, readable
    DESC286 0, 0xFFFF, 0x92     ; 10 data
    DESC286 0, 0xFFFF, 0x98     ; 18 code, execute-only
    dq 0                        ; 20
    GATE286 0x08, ABS(gate_target), 0x84, 0 ; 28 286 call gate DPL 0
gdt_end:
gdt_desc:
    dw gdt_end - gdt - 1
    dd ABS(gdt)

    align 8
idt:
    times 13 dq 0
    GATE286 0x08, ABS(gp_handler), 0x86, 0      ; 0Dh 286 interrupt gate
    times 0x30 - 14 dq 0
    GATE286 0x08, ABS(trap_handler), 0x87, 0    ; 30h 286 trap gate
idt_end:
idt_desc:
    dw idt_end - idt - 1
    dd ABS(idt)
