; SPDX-License-Identifier: GPL-2.0-or-later
;
; The LDT (LLDT, SLDT, a TI=1 selector and its limit), #NP on a far CALL, and exceptions handled
; by a separate task through IDT task gates: #DE (no error code) and #TS raised by an inner-level
; call gate whose TSS stack selector is bad (the error code lands on the handler task's stack).
; Expected values: taskfault.ref, from the Intel 80386 Programmer's Reference Manual (1986):
; 5.1.3 / 6.3.1 (LDT selectors, TI bit kept in error codes), 9.6.2 (interrupt tasks: the back
; link, NT, the error code pushed on the new task's stack), 6.3.4.2 and the CALL page (#TS(SS
; selector) for a stack segment that is not writable), 7.5 (the interrupted task's state saved in
; its TSS: CS:EIP of the faulting instruction for a fault).

%define HAS_TASK_C
%include "common.inc"

test_main:
    mov [saved_esp], esp
    ; LDT descriptor 1 (selector 0Ch: index 1, TI) has base 2000h.
    PRINT "ldt: sldt"
    mov ax, SEL_LDT
    lldt ax
    xor eax, eax
    sldt ax
    HEX eax
    mov dword [0x2010], 0xABCD1234
    mov ax, 0x0C
    mov fs, ax
    PRINT " fs read"
    HEX [fs:0x10]
    NL
    PRINT "ldt_limit"
    FAULT .r1, .f1
    mov ax, 0x1C                ; index 3: 1Ch|7 > LDT limit 17h -> #GP(1Ch), TI bit kept
.f1: mov gs, ax
.r1:
    PRINT "np_far_call"
    FAULT .r2, .f2
.f2: call SEL_NPCODE:0          ; code segment not present -> #NP(B0h)
.r2:
    mov ax, SEL_DATA0           ; TSS A names no LDT: FS must not hold an LDT selector when
    mov fs, ax                  ; task A is reloaded from its TSS below

    ; #DE through a task gate: task C runs, sees the fault in TSS A, skips the DIV, IRETs.
    mov dword [idt + 0 * 8], SEL_TSS_C << 16
    mov dword [idt + 0 * 8 + 4], 0x8500         ; task gate, DPL 0, present
    PRINT "de via task gate:"
    NL
    mov eax, 1
    xor edx, edx
    xor ecx, ecx
de_insn:
    div ecx                     ; F7 F1
    PRINT "after div: eax"
    HEX eax
    PRINT " busyC"
    movzx eax, byte [gdt + SEL_TSS_C + 5]
    HEX eax
    NL

    ; #TS through a task gate: TSS A's SS0 is made read-only data; a ring-3 call through the
    ; inner-level gate then faults with #TS(70h).
    mov dword [idt + 10 * 8], SEL_TSS_C << 16
    mov dword [idt + 10 * 8 + 4], 0x8500
    mov dword [tss_a + 8], SEL_RO
    PRINT "ts via task gate:"
    NL
    RING3 .r3, 0x00000002
.r3:
    mov ax, SEL_DATA3
    mov ds, ax
    call SEL_GATE3:0            ; never returns here: task C sends task A back to ring0_again

ring0_again:
    PRINT "back in ring 0: cs"
    xor eax, eax
    mov ax, cs
    HEX eax
    PRINT " ss0"
    HEX [tss_a + 8]
    NL
    ret

task_c_entry:
    ; Entered for #DE: no error code. TSS A holds EIP = the DIV (a fault restarts it).
    PRINT "C: tr"
    xor eax, eax
    str ax
    HEX eax
    PRINT " link"
    HEX [tss_c]
    PRINT " nt"
    pushfd
    pop eax
    and eax, 0x4000
    HEX eax
    cmp dword [tss_a + 0x20], de_insn
    jne .bad
    PRINT " eip ok"
    jmp .c
.bad:
    PRINT " eip BAD"
.c: NL
    add dword [tss_a + 0x20], 2
    iretd
    ; Entered again for #TS: the error code is on this task's stack.
    PRINT "C: error"
    HEX [esp]
    PRINT " link"
    HEX [tss_c]
    PRINT " saved cs"
    HEX [tss_a + 0x4C]
    NL
    add esp, 4
    ; Send task A back to ring 0.
    mov dword [tss_a + 8], SEL_DATA0
    mov dword [tss_a + 0x20], ring0_again
    mov dword [tss_a + 0x24], 0x00000002
    mov eax, [saved_esp]
    mov [tss_a + 0x38], eax
    mov dword [tss_a + 0x48], SEL_DATA0
    mov dword [tss_a + 0x4C], SEL_CODE0
    mov dword [tss_a + 0x50], SEL_DATA0
    mov dword [tss_a + 0x54], SEL_DATA0
    mov dword [tss_a + 0x58], SEL_DATA0
    mov dword [tss_a + 0x5C], SEL_DATA0
    iretd

    align 4
saved_esp: dd 0
