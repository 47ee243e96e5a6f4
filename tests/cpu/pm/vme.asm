; model: pentium
; SPDX-License-Identifier: GPL-2.0-or-later
;
; Virtual-8086 mode extensions (CR4.VME) and protected-mode virtual interrupts (CR4.PVI) on the
; Pentium model, with IOPL 0: CLI/STI change VIF instead of faulting, PUSHF shows IF = VIF and
; IOPL = 3, POPF/IRET load VIF (and #GP(0) for TF, or for IF while VIP is pending), 32-bit
; PUSHFD still faults, INT n is redirected through the V86 task's own vector table when its bit
; in the TSS redirection bitmap is clear and faults when set; at ring 3 in protected mode PVI
; makes CLI/STI act on VIF.
; Expected values: vme.ref, from the Pentium Processor Family Developer's Manual vol. 3,
; appendix H (= Intel SDM vol. 3, 20.3-20.4: table 20-2 method 5 / method 2 for INT n with
; VME, IOPL < 3 and the bitmap bit clear / set; the CLI, STI, PUSHF, POPF, IRET pseudo-code).

%define HAS_GATES
%include "common.inc"

%macro PRINT16 1
    jmp %%after
%%s: db %1, 0
%%after:
    mov si, %%s
    call print_str16
%endmacro

%macro FLAGS16 0                ; appends the 16-bit PUSHF image
    pushf
    pop ax
    movzx eax, ax
    mov dx, PORT_HEX
    out dx, eax
%endmacro

%macro ENTER_V86 2              ; ip, eflags
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

VIF equ 0x80000
VIP equ 0x100000

test_main:
    mov [saved_esp], esp
    mov eax, 1                  ; CR4.VME
    mov cr4, eax
    mov word [0x30 * 4], v86_int30      ; the V86 task's own IVT entry 30h -> 0000:v86_int30
    mov word [0x30 * 4 + 2], 0
    or byte [tss_a + 0x68 - 32 + 0x31 / 8], 1 << (0x31 & 7) ; INT 31h: not redirected
    ; Each V86 phase ends with HLT: #GP(0) at CPL 3, which exc_common turns into a resume in
    ; ring 0 (INT 35h would be redirected into the task's own table).
    FAULT phase2, v86_main.f_hlt
    ENTER_V86 v86_main, 0x00020002 | VIF     ; VM, IOPL 0, VIF

phase2:
    FAULT phase3, v86_vip.f_hlt
    ENTER_V86 v86_vip, 0x00020002 | VIP      ; VIP pending, VIF clear

phase3:
    mov eax, 2                  ; CR4.PVI only
    mov cr4, eax
    RING3 pvi_ring3, 0x00000202 ; IF set, IOPL 0
pvi_back:
    xor eax, eax
    mov cr4, eax
    ret

    bits 16
v86_main:
    PRINT16 "pushf"
    FLAGS16                     ; IF (= VIF 1) and IOPL 3 shown: 3202h
    PRINT16 " cli"
    cli
    FLAGS16
    PRINT16 " sti"
    sti
    FLAGS16
    PRINT16 " popf if=0"
    push word 0x0002
    popf
    FLAGS16
    call nl16
    PRINT16 "int30 redirected:"
    sti
    int 0x30
    PRINT16 " after iret"
    FLAGS16
    call nl16
    PRINT16 "int31 (bitmap bit set)"
    EXPECT16 .f1, 2
.f1: int 0x31
    PRINT16 "popf tf"
    push word 0x0102
    EXPECT16 .f2, 1
.f2: popf
    pop ax
    PRINT16 "pushfd"
    EXPECT16 .f3, 2
.f3: pushfd
    PRINT16 "cli; leave"
    cli
    FLAGS16
    mov dword [expect_eip], .f_hlt
.f_hlt:
    hlt

v86_vip:
    PRINT16 "vip pending: pushf"
    FLAGS16
    call nl16
    PRINT16 "sti"
    EXPECT16 .f1, 1
.f1: sti
    PRINT16 "popf if=1"
    push word 0x0202
    EXPECT16 .f2, 1
.f2: popf
    pop ax
    PRINT16 "popf if=0 ok; leave"
    push word 0x0002
    popf
    mov dword [expect_eip], .f_hlt
.f_hlt:
    hlt

v86_int30:
    PRINT16 " in handler"
    FLAGS16                     ; VIF was cleared on the way in
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
pvi_ring3:
    mov ax, SEL_DATA3
    mov ds, ax
    mov es, ax
    PRINT "pvi r3 cli"
    cli
    pushfd
    pop eax
    and eax, VIF | 0x200
    HEX eax                     ; VIF clear, IF still set
    PRINT " sti"
    sti
    pushfd
    pop eax
    and eax, VIF | 0x200
    HEX eax
    NL
    int 0x35

int35_handler:
    mov ax, SEL_DATA0
    mov ds, ax
    mov es, ax
    PRINT "  exit: if vif vip"
    mov eax, [esp + 8]
    and eax, VIF | VIP | 0x200
    HEX eax
    NL
    mov esp, [saved_esp]
    jmp pvi_back

gate3_target:
gate0_target:
    retf
int30_handler:
int31_handler:
    iretd

    align 4
saved_esp: dd 0
