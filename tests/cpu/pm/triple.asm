; SPDX-License-Identifier: GPL-2.0-or-later
;
; Triple fault: with an empty IDT a #GP cannot be delivered (its gate is beyond the IDT limit,
; another #GP: contributory after contributory -> double fault), the double fault cannot be
; delivered either, and the processor shuts down (80386 PRM 9.8.8: "if any other exception occurs
; while attempting to invoke the double-fault handler, the processor shuts down"). A PC board
; turns the shutdown cycle into a reset: the harness prints RESET and restarts the CPU at its
; reset vector; the program finds its marker in RAM and continues in real mode.
; Expected values: triple.ref.

%define HAS_AFTER_RESET
%include "common.inc"

test_main:
    PRINT "before triple fault"
    NL
    mov word [0x500], 0x1234
    lidt [empty_idt]
    mov ax, SEL_TSS_A
    mov ds, ax                  ; #GP(38h) -> #GP(6Bh) -> #DF -> #GP(43h) -> shutdown
    PRINT "NOT REACHED"
    NL
    ret

    align 4
empty_idt:
    dw 0
    dd 0

    bits 16
after_reset:
    ; After RESET: real mode, PE clear, CS:IP came through the reset vector.
    mov si, msg
    mov dx, PORT_CHAR
.l: lodsb
    test al, al
    jz .e
    out dx, al
    jmp .l
.e: mov eax, cr0
    and eax, 1
    mov dx, PORT_HEX
    out dx, eax
    mov al, 10
    mov dx, PORT_CHAR
    out dx, al
    mov dx, PORT_DONE
    out dx, al
.h: hlt
    jmp .h
msg: db "after reset: pe", 0
