; models: 80386dx 80486dx2 pentium pentium-mmx pentium2
; SPDX-License-Identifier: GPL-2.0-or-later
;
; CPUID/feature consistency, run on every model from the 386 on: the EFLAGS.AC and ID toggles,
; then, for every bit of CPUID.1 EDX (all clear when the ID flag cannot be toggled: then CPUID
; itself must be #UD), either
;   - the bit is reported: a check that uses the feature must pass ("ok"); a reported bit with
;     no check prints "NO TEST", which the harness treats as a failure whatever the .ref says;
;   - the bit is not reported: where the real chip would raise #UD (or #GP for a CR4 bit it
;     lacks), the instruction must fault the same way here.
; Expected values: features.ref; feature bits from AP-485 table 3-5 (bit 0 FPU, 1 VME, 2 DE,
; 3 PSE, 4 TSC, 5 MSR, 8 CX8, 11 SEP, 12 MTRR, 13 PGE, 15 CMOV, 23 MMX, 24 FXSR).

%define HAS_GATES
%include "common.inc"

PD      equ 0x20000
PT0     equ 0x21000
PG_GLB  equ 0x102000

test_main:
    ; Both PC BIOSes run WBINVD (a 486 instruction) after shadowing: every model accepts it.
    PRINT "wbinvd"
    wbinvd
    PRINT " ok"
    NL
    ; 486+: AC toggles; CPUID models: ID toggles (80386 PRM: a 386 cannot set AC).
    PRINT "toggle ac id"
    pushfd
    pop ebx
    mov eax, ebx
    xor eax, 0x00240000
    push eax
    popfd
    pushfd
    pop eax
    xor eax, ebx
    HEX eax
    push ebx
    popfd
    NL
    mov dword [feat], 0
    test eax, 0x00200000
    jnz .has_cpuid
    PRINT "no cpuid"
    FAULT .nc, .ncf
.ncf: cpuid
    PRINT " NO #UD"
    NL
.nc:
    jmp .bits
.has_cpuid:
    mov eax, 1
    cpuid
    mov [feat], edx
    PRINT "cpuid.1 edx"
    HEX edx
    NL
.bits:
    call build_tables
    xor ebp, ebp
.loop:
    mov esi, [checks + ebp * 8]
    mov edi, [checks + ebp * 8 + 4]
    bt [feat], ebp
    jnc .absent
    PRINT "bit"
    HEX ebp
    test esi, esi
    jnz .run
    PRINT " NO TEST"
    NL
    jmp .next
.run:
    call esi
    cmp eax, 1
    jne .bad
    PRINT " ok"
    NL
    jmp .next
.bad:
    PRINT " FAIL"
    NL
    jmp .next
.absent:
    test edi, edi
    jz .next
    PRINT "absent"
    HEX ebp
    call edi
.next:
    inc ebp
    cmp ebp, 32
    jb .loop
    ret

; ---- checks for reported features: return EAX = 1 when the feature works ----

t_fpu:                              ; FNINIT leaves status 0, control 037Fh; 1 + 1 = 2
    mov word [w1], 0x5A5A
    mov word [w2], 0x5A5A
    fninit
    fnstsw [w1]
    fnstcw [w2]
    fld1
    fadd st0, st0
    fistp dword [tmp]
    xor eax, eax
    cmp word [w1], 0
    jne .no
    cmp word [w2], 0x037F
    jne .no
    cmp dword [tmp], 2
    jne .no
    inc eax
.no: ret

t_vme:                              ; CR4.PVI: CLI at ring 3 with IOPL 0 clears VIF, no #GP
    mov eax, 3                      ; VME | PVI
    mov cr4, eax
    mov [s_esp], esp
    mov dword [ret_to], .back
    FAULT .fail, .f
    RING3 .u, 0x00080202            ; VIF and IF set, IOPL 0
.u:
    mov ax, SEL_DATA3
    mov ds, ax
.f: cli
    mov dword [resume_eip], 0
    pushfd
    pop dword [vme_res]
    int 0x35
.back:
    xor eax, eax
    mov cr4, eax
    mov eax, [vme_res]
    and eax, 0x80200
    cmp eax, 0x200                  ; VIF clear, IF untouched
    sete al
    movzx eax, al
    ret
.fail:
    xor eax, eax
    mov cr4, eax
    ret

t_de:                               ; CR4.DE: MOV from DR4 is #UD
    mov eax, 8
    mov cr4, eax
    FAULT .r, .f
.f: mov eax, dr4
    mov dword [resume_eip], 0
    xor ebx, ebx
    jmp .done
.r: mov ebx, 1
.done:
    xor eax, eax
    mov cr4, eax
    mov eax, ebx
    ret

t_pse:                              ; a 4 MiB page at 400000h maps physical 0
    mov dword [PD + 4], 0x00000083
    mov dword [0x1230], 0x600DF00D
    mov eax, 0x10
    mov cr4, eax
    call paging_on
    mov ebx, [0x401230]
    call paging_off
    mov dword [PD + 4], 0
    xor eax, eax
    mov cr4, eax
    cmp ebx, 0x600DF00D
    sete al
    movzx eax, al
    ret

t_tsc:                              ; RDTSC counts up
    rdtsc
    mov ebx, eax
    mov ecx, edx
    nop
    rdtsc
    sub eax, ebx
    sbb edx, ecx
    or edx, edx
    jnz .no
    test eax, eax
    jz .no
    mov eax, 1
    ret
.no: xor eax, eax
    ret

t_msr:                              ; MSR 10h is the TSC: write, read back
    mov ecx, 0x10
    mov eax, 0x100
    xor edx, edx
    wrmsr
    rdmsr
    cmp edx, 0
    jne .no
    cmp eax, 0x100
    jb .no
    cmp eax, 0x200
    ja .no
    mov eax, 1
    ret
.no: xor eax, eax
    ret

t_cx8:
    mov dword [q], 1
    mov dword [q + 4], 2
    mov eax, 1
    mov edx, 2
    mov ebx, 3
    mov ecx, 4
    cmpxchg8b [q]
    jne .no
    cmp dword [q + 4], 4
    jne .no
    mov eax, 1
    ret
.no: xor eax, eax
    ret

t_sep:                              ; SYSENTER from ring 0 to sep_target with ESP from the MSR
    mov ecx, 0x174
    mov eax, SEL_CODE0
    xor edx, edx
    wrmsr
    mov ecx, 0x175
    mov eax, 0x6F000
    wrmsr
    mov ecx, 0x176
    mov eax, ABS(sep_target)
    wrmsr
    mov [s_esp], esp
    sysenter
sep_target:
    mov ebx, esp
    mov esp, [s_esp]
    cmp ebx, 0x6F000
    sete al
    movzx eax, al
    ret

t_mtrr:
    mov ecx, 0xFE
    rdmsr
    cmp eax, 0x508
    jne .no
    mov ecx, 0x2FF
    mov eax, 0xC06
    xor edx, edx
    wrmsr
    rdmsr
    cmp eax, 0xC06
    jne .no
    mov eax, 1
    ret
.no: xor eax, eax
    ret

t_pge:                              ; a global translation survives a CR3 load
    mov dword [PT0 + (PG_GLB >> 12) * 4], 0x104000 | 0x107
    mov dword [0x104000], 1
    mov dword [0x105000], 2
    mov eax, 0x80
    mov cr4, eax
    call paging_on
    mov eax, [PG_GLB]
    mov dword [PT0 + (PG_GLB >> 12) * 4], 0x105000 | 0x107
    mov eax, cr3
    mov cr3, eax
    mov ebx, [PG_GLB]
    call paging_off
    xor eax, eax
    mov cr4, eax
    mov dword [PT0 + (PG_GLB >> 12) * 4], PG_GLB | 7
    cmp ebx, 1
    sete al
    movzx eax, al
    ret

t_mmx:                              ; PADDB on packed bytes through MM0, then EMMS
    mov eax, 0x01020384
    movd mm0, eax
    paddb mm0, mm0
    movd eax, mm0
    emms
    cmp eax, 0x02040608
    sete al
    movzx eax, al
    ret

t_fxsr:                             ; FXSAVE, FNINIT, FXRSTOR: the value comes back
    fninit
    fld1
    fxsave [fxarea]
    fninit
    fxrstor [fxarea]
    fistp dword [tmp]
    xor eax, eax
    cmp dword [tmp], 1
    jne .no
    cmp byte [fxarea + 4], 0x80     ; abridged tag: R7 in use
    jne .no
    inc eax
.no: ret

t_cmov:
    xor eax, eax
    mov ebx, 1
    cmp eax, eax
    cmove eax, ebx
    ret

; ---- checks for absent features: the instruction must fault ----
%macro ABSENT 1+
    FAULT %%r, %%f
%%f: %1
    PRINT " NO FAULT"
    NL
    mov dword [resume_eip], 0
%%r: ret
%endmacro

u_vme:
    mov eax, 1
    ABSENT mov cr4, eax
u_de:
    mov eax, 8
    ABSENT mov cr4, eax
u_pse:
    mov eax, 0x10
    ABSENT mov cr4, eax
u_tsc:
    ABSENT rdtsc
u_msr:
    xor ecx, ecx
    ABSENT rdmsr
u_cx8:
    ABSENT cmpxchg8b [q]
u_sep:
    ABSENT sysenter
u_pge:
    mov eax, 0x80
    ABSENT mov cr4, eax
u_cmov:
    ABSENT cmove eax, ebx
u_mmx:
    ABSENT emms
u_fxsr:
    ABSENT fxsave [fxarea]

; ---- helpers ----
build_tables:                       ; identity-map 0..4 MiB with user pages
    mov edi, PT0
    mov eax, 0x007
    mov ecx, 1024
.fill:
    mov [edi], eax
    add eax, 0x1000
    add edi, 4
    loop .fill
    mov edi, PD
    xor eax, eax
    mov ecx, 1024
    rep stosd
    mov dword [PD], PT0 | 7
    ret

paging_on:
    mov eax, PD
    mov cr3, eax
    mov eax, cr0
    or eax, 0x80000000
    mov cr0, eax
    jmp .x
.x: ret

paging_off:
    mov eax, cr0
    and eax, 0x7FFFFFFF
    mov cr0, eax
    jmp .x
.x: ret

gate3_target:
gate0_target:
    retf
int30_handler:
int31_handler:
    iretd
int35_handler:                      ; from ring 3: continue in ring 0 at [ret_to]
    mov ax, SEL_DATA0
    mov ds, ax
    mov es, ax
    mov esp, [s_esp]
    jmp [ret_to]

    align 4
; per CPUID.1 EDX bit: check when reported, check when not reported (0 = none)
checks:
    dd t_fpu, 0                     ; 0 FPU (a 386 without a 387 may lack it: no #UD)
    dd t_vme, u_vme                 ; 1 VME
    dd t_de, u_de                   ; 2 DE
    dd t_pse, u_pse                 ; 3 PSE
    dd t_tsc, u_tsc                 ; 4 TSC
    dd t_msr, u_msr                 ; 5 MSR
    dd 0, 0                         ; 6 PAE (no check: never reported)
    dd 0, 0                         ; 7 MCE
    dd t_cx8, u_cx8                 ; 8 CX8
    dd 0, 0                         ; 9 APIC (the board's LAPIC)
    dd 0, 0                         ; 10
    dd t_sep, u_sep                 ; 11 SEP
    dd t_mtrr, 0                    ; 12 MTRR
    dd t_pge, u_pge                 ; 13 PGE
    dd 0, 0                         ; 14 MCA
    dd t_cmov, u_cmov               ; 15 CMOV
    times 7 dd 0, 0                 ; 16-22
    dd t_mmx, u_mmx                 ; 23 MMX
    dd t_fxsr, u_fxsr               ; 24 FXSR
    times 7 dd 0, 0                 ; 25-31

feat:   dd 0
tmp:    dd 0
s_esp:  dd 0
ret_to: dd 0
vme_res: dd 0
w1:     dw 0
w2:     dw 0
    align 8
q:      dq 0
    align 16
fxarea: times 512 db 0
