; SPDX-License-Identifier: GPL-2.0-or-later
;
; Protected-mode faults and their error codes: #GP with a selector, with 0 and with an IDT entry
; (IDT bit = 2), #NP, #SS, #TS, #UD, #DE, the EXT bit, and a double fault.
; Expected values: faults.ref, from the Intel 80386 Programmer's Reference Manual (1986):
; 9.8 error code format (selector index, TI bit 2, IDT bit 1, EXT bit 0); the instruction pages of
; MOV/POP (segment loads), INT, JMP; 9.8.8 table 9-4 (double fault); 6.3 (limit and type checks).

%include "common.inc"

test_main:
    ; MOV DS: index beyond the GDT limit (A8h|7 > 9Fh) -> #GP(selector) = A8h.
    PRINT "gp_sel_limit"
    FAULT .r1, .f1
    mov ax, 0xA8
.f1: mov ds, ax
.r1:
    PRINT "gp_sys_seg"
    FAULT .r2, .f2
    mov ax, SEL_TSS_A
.f2: mov ds, ax                 ; a TSS is not a data segment -> #GP(38h)
.r2:
    PRINT "np_ds"
    FAULT .r3, .f3
    mov ax, SEL_NP
.f3: mov ds, ax                 ; data segment with P=0 -> #NP(48h)
.r3:
    PRINT "ss_not_present"
    FAULT .r4, .f4
    mov ax, SEL_NPSS
.f4: mov ss, ax                 ; SS: not present -> #SS(88h), not #NP
.r4:
    PRINT "gp_ss_readonly"
    FAULT .r5, .f5
    mov ax, SEL_RO
.f5: mov ss, ax                 ; SS must be writable -> #GP(70h)
.r5:
    PRINT "gp_ss_rpl"
    FAULT .r6, .f6
    mov ax, SEL_DATA0 | 3
.f6: mov ss, ax                 ; RPL 3 != CPL 0 -> #GP(10h) (RPL bits are not in the code)
.r6:
    PRINT "gp_null_use"
    FAULT .r7, .f7
    xor ax, ax
    mov es, ax                  ; loading null into ES is allowed ...
.f7: mov eax, [es:0]            ; ... using it is #GP(0)
.r7:
    PRINT "gp_write_ro"
    FAULT .r8, .f8
    mov ax, SEL_RO
    mov es, ax
.f8: mov [es:0x1000], eax       ; write to read-only data -> #GP(0)
.r8:
    PRINT "limit_ok"
    mov ax, SEL_SMALL
    mov es, ax
    mov eax, [es:0xFFC]         ; last dword inside limit FFFh: no fault
    NL
    PRINT "gp_limit"
    FAULT .r9, .f9
    mov ax, SEL_SMALL
    mov es, ax
.f9: mov eax, [es:0xFFE]        ; bytes FFEh..1001h cross the limit -> #GP(0)
.r9:
    PRINT "ss_limit"
    FAULT .r10, .f10
    mov ax, SEL_SS_SMALL
    mov ss, ax
    mov esp, 0x800
.f10: mov eax, [esp + 0x800]    ; SS-relative beyond the limit -> #SS(0)
.r10:
    PRINT "ud"
    FAULT .r11, .f11
.f11: db 0x0F, 0xFF             ; undefined opcode -> #UD (no error code; the stub pushes 0)
.r11:
    PRINT "de"
    FAULT .r12, .f12
    xor edx, edx
    mov eax, 1
    xor ecx, ecx
.f12: div ecx                   ; #DE is a fault: EIP of the DIV
.r12:
    PRINT "np_int"
    FAULT .r13, .f13
.f13: int 0x34                  ; gate not present -> #NP(34h*8 + 2) = 1A2h (IDT bit)
.r13:
    PRINT "gp_idt_limit"
    FAULT .r14, .f14
.f14: int 0x40                  ; beyond the IDT limit -> #GP(40h*8 + 2) = 202h
.r14:
    PRINT "ts_small_tss"
    FAULT .r15, .f15
.f15: jmp SEL_TSS_BAD:0         ; TSS limit 20h < 67h -> #TS(90h)
.r15:
    PRINT "gp_busy_tss"
    FAULT .r16, .f16
.f16: jmp SEL_TSS_A:0           ; the running task's TSS is busy -> #GP(38h)
.r16:
    PRINT "gp_jmp_data"
    FAULT .r17, .f17
.f17: jmp SEL_DATA0:0           ; far JMP to a data segment -> #GP(10h)
.r17:
    ; 9.8: an exception raised while the CPU delivers another exception has EXT = 1. #UD is
    ; benign, so the #NP for its missing gate (6*8 + 2 + 1 = 33h) is delivered on its own.
    PRINT "np_ext"
    and byte [idt + 6 * 8 + 5], 0x7F
    FAULT .r18, .f18
.f18: db 0x0F, 0xFF
.r18:
    or byte [idt + 6 * 8 + 5], 0x80
    ; Table 9-4: #GP while its own gate is missing: the #NP(13*8+2+1) is contributory after the
    ; contributory #GP -> double fault, error code 0. CS:EIP of a double fault are undefined.
    PRINT "double_fault"
    and byte [idt + 13 * 8 + 5], 0x7F
    FAULT .r19, .f19
    mov dword [expect_eip], -1
    mov ax, SEL_TSS_A
.f19: mov ds, ax
.r19:
    or byte [idt + 13 * 8 + 5], 0x80

    ; From ring 3: privilege faults.
    FAULT .r20, .f20
    RING3 .ring3_a, 0x00000002
.r20:
    FAULT .r21, .f21
    RING3 .ring3_b, 0x00000002
.r21:
    FAULT .r22, .f22
    RING3 .ring3_c, 0x00000002
.r22:
    FAULT .r23, .f23
    RING3 .ring3_d, 0x00000002
.r23:
    ret

.ring3_a:
    mov ax, SEL_DATA3
    mov ds, ax
    mov es, ax
    PRINT "r3_int_dpl0"
.f20: int 0x32                  ; gate DPL 0 < CPL 3 -> #GP(32h*8 + 2) = 192h
.ring3_b:
    mov ax, SEL_DATA3
    mov ds, ax
    PRINT "r3_call_gate_dpl0"
.f21: call SEL_GATE0:0          ; call gate DPL 0 < CPL 3 -> #GP(78h)
.ring3_c:
    mov ax, SEL_DATA3
    mov ds, ax
    PRINT "r3_mov_cr0"
.f22: mov eax, cr0              ; privileged at CPL 3 -> #GP(0)
.ring3_d:
    mov ax, SEL_DATA3
    mov ds, ax
    PRINT "r3_load_ds_dpl0"
    mov ax, SEL_DATA0 | 3
.f23: mov ds, ax                ; data DPL 0 < CPL 3 -> #GP(10h)
