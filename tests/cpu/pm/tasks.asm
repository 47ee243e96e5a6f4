; SPDX-License-Identifier: GPL-2.0-or-later
;
; Task switches: JMP to a TSS and back, CALL to a TSS and IRET back (NT, back link), INT through a
; task gate, CALL through a task gate, and a 16-bit (286) TSS.
; Expected values: tasks.ref, from the Intel 80386 Programmer's Reference Manual (1986):
; 7.3 (TSS descriptor, busy bit), 7.5 (task switch steps: TS set in CR0, state saved in the old
; TSS), 7.6 (task linking: CALL/INT set NT and the back link and leave the old task busy; JMP
; clears the old busy bit; IRET with NT returns through the back link and clears the busy bit of
; the task it leaves), figure 7-1 / 80286 PRM figure 8-1 (TSS layouts).

%define HAS_TASK_B
%define HAS_TASK16
%include "common.inc"

%macro STATE_A 1                ; the state task A sees after coming back
    PRINT %1
    PRINT " tr"
    xor eax, eax
    str ax
    HEX eax
    PRINT " busyA"
    movzx eax, byte [gdt + SEL_TSS_A + 5]
    HEX eax
    PRINT " busyB"
    movzx eax, byte [gdt + SEL_TSS_B + 5]
    HEX eax
    PRINT " nt"
    pushfd
    pop eax
    and eax, 0x4000
    HEX eax
    PRINT " ebx"
    HEX ebx
    PRINT " ts"
    mov eax, cr0
    and eax, 8
    HEX eax
    NL
    clts
%endmacro

%macro STATE_B 1                ; what task B sees when it starts running
    PRINT %1
    PRINT " tr"
    xor eax, eax
    str ax
    HEX eax
    PRINT " link"
    HEX [tss_b]
    PRINT " nt"
    pushfd
    pop eax
    and eax, 0x4000
    HEX eax
    PRINT " busyA"
    movzx eax, byte [gdt + SEL_TSS_A + 5]
    HEX eax
    PRINT " busyB"
    movzx eax, byte [gdt + SEL_TSS_B + 5]
    HEX eax
    PRINT " esp"
    HEX esp
    NL
%endmacro

test_main:
    mov ebx, 0x12345678
    jmp SEL_TSS_B:0             ; B runs, then JMPs back to here
    STATE_A "A after jmp:"
    call SEL_TSS_B:0            ; B runs nested, then IRETs back
    STATE_A "A after call/iret:"
    int 0x33                    ; task gate in the IDT
    STATE_A "A after int/iret:"
    call SEL_TGATE:0            ; task gate in the GDT
    STATE_A "A after gate/iret:"
    call SEL_TSS16:0
    PRINT "A after t16: tr"
    xor eax, eax
    str ax
    HEX eax
    PRINT " busy16"
    movzx eax, byte [gdt + SEL_TSS16 + 5]
    HEX eax
    PRINT " ebx"
    HEX ebx
    NL
    ret

task_b_entry:
    STATE_B "B by jmp:"
    jmp SEL_TSS_A:0
    STATE_B "B by call:"
    iretd
    STATE_B "B by int:"
    iretd
    STATE_B "B by gate:"
    iretd

task16_entry:
    ; Registers come from the 286 TSS: AX 1111h, CX 2222h (low halves shown).
    mov [t16_ax], eax
    mov [t16_cx], ecx
    PRINT "T16: tr"
    xor eax, eax
    str ax
    HEX eax
    PRINT " link"
    movzx eax, word [tss16]
    HEX eax
    PRINT " nt"
    pushfd
    pop eax
    and eax, 0x4000
    HEX eax
    PRINT " busy16"
    movzx eax, byte [gdt + SEL_TSS16 + 5]
    HEX eax
    PRINT " ax"
    movzx eax, word [t16_ax]
    HEX eax
    PRINT " cx"
    movzx eax, word [t16_cx]
    HEX eax
    NL
    iretd

    align 4
t16_ax: dd 0
t16_cx: dd 0
