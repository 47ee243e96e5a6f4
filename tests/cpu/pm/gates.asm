; SPDX-License-Identifier: GPL-2.0-or-later
;
; Call gates (same level; inner level with the TSS stack and parameter copy, and the return to
; the outer level), a conforming segment, interrupt and trap gates from ring 0 and ring 3.
; Expected values: gates.ref, from the Intel 80386 Programmer's Reference Manual (1986):
; 6.3.4.1-6.3.4.3 (call gates, stack switching, parameter copying, figure 6-11 stack frame),
; 9.6.1 (interrupt procedures; figure 9-5 stack frames; interrupt gates clear IF, trap gates
; do not), the CALL/RET/INT/IRET pages.

%define HAS_GATES
%include "common.inc"

%macro ZF 0
    pushfd
    pop eax
    and eax, 0x40
    HEX eax
%endmacro

test_main:
    ; Same-level call through a 32-bit call gate (DPL 0): pushes CS and EIP as dwords.
    PRINT "gate0:"
    call SEL_GATE0:0
.ret0:
    PRINT " back"
    NL

    ; Ring 3 -> ring 0 through the DPL-3 gate with 2 dword parameters (6.3.4.2).
    mov [saved_esp], esp
    RING3 .r3_call, 0x00000002
.r3_call:
    mov ax, SEL_DATA3
    mov ds, ax
    mov es, ax
    push dword 0x11111111
    push dword 0x22222222
    call SEL_GATE3:0
.r3_ret:
    ; RET 8 at the outer level: CS:EIP, then 8 parameter bytes skipped on the inner stack,
    ; then SS:ESP of ring 3; ESP += 8 on the outer stack: back to STACK3_TOP.
    PRINT "ring3 again: cs"
    xor eax, eax
    mov ax, cs
    HEX eax
    PRINT " ss"
    mov ax, ss
    HEX eax
    PRINT " esp"
    HEX esp
    NL

    ; A conforming code segment runs at the caller's CPL (6.3.4): CS RPL stays 3.
    PRINT "conforming from ring 3: cs"
    call (SEL_CODE3C | 3):conf_target
    NL

    ; INT 30h from ring 3: interrupt gate DPL 3 -> ring 0 with the TSS stack (figure 9-5).
    PRINT "int30 from ring 3:"
    int 0x30
    PRINT " back, cs"
    xor eax, eax
    mov ax, cs
    HEX eax
    NL
    int 0x35                    ; leaves ring 3 for good (int35_handler)

back_in_ring0:
    ; Interrupt gate clears IF; trap gate leaves it (9.6.1.3). IRET restores it.
    PRINT "int30 ring 0:"
    sti
    int 0x30
    pushfd
    pop eax
    and eax, 0x200
    HEX eax
    cli
    NL
    PRINT "int31 trap ring 0:"
    sti
    int 0x31
    cli
    NL
    ret

gate0_target:
    ; CS = 08h; [esp] = return EIP, [esp+4] = caller CS 08h.
    xor eax, eax
    mov ax, cs
    HEX eax
    cmp dword [esp], test_main.ret0
    jne .bad
    PRINT " ret ok"
    jmp .c
.bad:
    PRINT " ret BAD"
.c: HEX [esp + 4]
    retf

gate3_target:
    ; New stack SS0:ESP0 = 10h:50000h minus old SS, old ESP, 2 parameters, CS, EIP = 4FFE8h.
    PRINT "gate3: cs"
    xor eax, eax
    mov ax, cs
    HEX eax
    PRINT " ss"
    mov ax, ss
    HEX eax
    PRINT " esp"
    HEX esp
    NL
    PRINT "  frame: cs"
    HEX [esp + 4]
    PRINT " p1"
    HEX [esp + 8]
    PRINT " p2"
    HEX [esp + 12]
    PRINT " esp3"
    HEX [esp + 16]
    PRINT " ss3"
    HEX [esp + 20]
    cmp dword [esp], test_main.r3_ret
    jne .bad
    PRINT " eip ok"
    jmp .c
.bad:
    PRINT " eip BAD"
.c: NL
    retf 8

conf_target:
    xor eax, eax
    mov ax, cs
    HEX eax
    retf

int30_handler:
    ; IF inside (0 for an interrupt gate), pushed EFLAGS.IF, pushed CS; from ring 3 also the
    ; pushed ESP and SS and the inner ESP (50000h - 20 = 4FFECh).
    push eax
    pushfd
    pop eax
    and eax, 0x200
    HEX eax
    mov eax, [esp + 12]         ; EFLAGS (after the saved EAX)
    and eax, 0x200
    HEX eax
    PRINT " cs"
    HEX [esp + 8]
    test dword [esp + 8], 3
    jz .done
    PRINT " esp3"
    HEX [esp + 16]
    PRINT " ss3"
    HEX [esp + 20]
    PRINT " esp0"
    lea eax, [esp + 4]
    HEX eax
.done:
    pop eax
    iretd

int31_handler:
    push eax
    pushfd
    pop eax
    and eax, 0x200
    HEX eax                     ; trap gate: IF still 1
    pop eax
    iretd

int35_handler:
    ; Abandons the ring-3 context: back to ring 0's stack and flow.
    mov ax, SEL_DATA0
    mov ds, ax
    mov es, ax
    mov esp, [saved_esp]
    jmp back_in_ring0

    align 4
saved_esp: dd 0
