; SPDX-License-Identifier: GPL-2.0-or-later
;
; Virtual-8086 mode: entered by IRETD with VM=1; I/O through the TSS permission bitmap (allowed
; and denied ports, independent of IOPL); INT n with IOPL 3 to a ring-0 handler (the frame with
; the V86 segment registers, DS/ES/FS/GS cleared) and IRETD back; with IOPL 0 the sensitive
; instructions CLI, INT n, PUSHF, IRET fault with #GP(0) while INT3 is not IOPL-sensitive and
; meets the gate's DPL check instead; HLT at CPL 3 faults.
; Expected values: v86.ref, from the Intel 80386 Programmer's Reference Manual (1986):
; 15.2 (V86 addressing, CPL 3), 15.3 (entering by IRET; leaving by an interrupt: figure 15-3 stack
; frame, segment registers cleared), 15.4 (IOPL-sensitive instructions), 15.5 and 8.3 (the I/O
; permission bitmap applies in V86 regardless of IOPL), the INT page (INT3 is not IOPL-sensitive;
; gate DPL < CPL -> #GP(vector*8+2)).

%define HAS_GATES
%include "common.inc"

%macro PRINT16 1
    jmp %%after
%%s: db %1, 0
%%after:
    mov si, %%s
    call print_str16
%endmacro

%macro ENTER_V86 2              ; ip, eflags: IRETD to V86 with CS = DS = ES = SS = 0, SP 7800h
    push dword 0                ; GS
    push dword 0                ; FS
    push dword 0                ; DS
    push dword 0                ; ES
    push dword 0                ; SS
    push dword 0x7800           ; ESP
    push dword %2               ; EFLAGS
    push dword 0                ; CS
    push dword %1               ; EIP
    iretd
%endmacro

%macro EXPECT16 2               ; faulting label, bytes to skip: the handler returns to V86
    mov dword [expect_eip], %1
    mov dword [skip_len], %2
%endmacro

test_main:
    mov [saved_esp], esp
    mov dword [v86_exit], phase2
    ENTER_V86 v86_iopl3, 0x00023002     ; VM, IOPL 3

phase2:
    mov dword [v86_exit], 0
    FAULT phase3, v86_iopl0.f_hlt       ; the final HLT leaves V86 through the handler
    ENTER_V86 v86_iopl0, 0x00020002     ; VM, IOPL 0

phase3:
    PRINT "back in ring 0: cs"
    xor eax, eax
    mov ax, cs
    HEX eax
    NL
    ret

    bits 16
v86_iopl3:
    PRINT16 "v86 iopl3: hello"
    call nl16
    PRINT16 "out denied"
    EXPECT16 .f1, 1
    mov dx, 0x80
    mov al, 0
.f1: out dx, al                 ; bit 80h set in the bitmap -> #GP(0)
    PRINT16 "in denied"
    EXPECT16 .f2, 1
    mov dx, 0x80
.f2: in al, dx
    PRINT16 "int30 from v86:"
    mov ax, 0x1234
    mov es, ax
    mov ax, 0x5678
    mov fs, ax
    mov ax, 0x9ABC
    mov gs, ax
    int 0x30                    ; IOPL 3: to the ring-0 handler through the IDT
    PRINT16 " es after"
    mov ax, es
    movzx eax, ax
    mov dx, PORT_HEX
    out dx, eax
    xor ax, ax
    mov es, ax
    call nl16
    PRINT16 "cli/sti at iopl 3 ok"
    cli
    sti
    cli
    call nl16
    int 0x35                    ; leave V86 (the handler does not return)

v86_iopl0:
    PRINT16 "v86 iopl0: io still allowed by the bitmap"
    call nl16
    PRINT16 "cli"
    EXPECT16 .f1, 1
.f1: cli
    PRINT16 "int30"
    EXPECT16 .f2, 2
.f2: int 0x30
    PRINT16 "pushf"
    EXPECT16 .f3, 1
.f3: pushf
    PRINT16 "iret"
    EXPECT16 .f4, 1
.f4: iret
    PRINT16 "int3"
    EXPECT16 .f5, 1
.f5: int3                       ; vector 3's gate has DPL 0 < CPL 3 -> #GP(3*8+2) = 1Ah
    PRINT16 "hlt"
    mov dword [expect_eip], .f_hlt
.f_hlt:
    hlt

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
int30_handler:
    ; Figure 15-3: EIP CS EFLAGS ESP SS ES DS FS GS were pushed on the ring-0 stack (ESP0 from
    ; the TSS: 50000h - 36 = 4FFDCh); DS ES FS GS now hold null selectors.
    push eax
    xor eax, eax
    mov ax, ds
    push eax
    mov ax, es
    push eax
    mov ax, fs
    push eax
    mov ax, gs
    push eax
    mov ax, SEL_DATA0
    mov ds, ax
    PRINT " ds"
    HEX [esp + 12]
    PRINT " es"
    HEX [esp + 8]
    PRINT " fs"
    HEX [esp + 4]
    PRINT " gs"
    HEX [esp]
    add esp, 16
    call nl32
    PRINT "  vm"
    mov eax, [esp + 12]
    and eax, 0x20000
    HEX eax
    PRINT " cs"
    HEX [esp + 8]
    PRINT " es_pushed"
    movzx eax, word [esp + 24]
    HEX eax
    PRINT " fs_pushed"
    movzx eax, word [esp + 32]
    HEX eax
    PRINT " gs_pushed"
    movzx eax, word [esp + 36]
    HEX eax
    PRINT " esp0"
    lea eax, [esp + 4]
    HEX eax
    call nl32
    pop eax
    iretd

nl32:
    NL
    ret

int35_handler:
    mov ax, SEL_DATA0
    mov ds, ax
    mov es, ax
    mov esp, [saved_esp]
    jmp [v86_exit]

gate3_target:
gate0_target:
    retf
int31_handler:
    iretd

    align 4
saved_esp: dd 0
v86_exit: dd 0
