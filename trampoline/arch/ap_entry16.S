/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The AP's way in: 16-bit SIPI stub -> 32-bit protected mode -> long mode -> ap_start64.
 *
 * Rules this code lives by:
 * - It is copied to its low window's SIPI page (4 KiB aligned, below 1 MiB) and runs there
 *   from CS:IP = (page >> 4):0 after INIT-SIPI-SIPI.  It has no relocations: every address is
 *   relative to the page, found from CS at entry (EBX = page base from then on).
 * - Its parameter block (offsets AP_HDR_* in x86_defs.h) is filled by the CPU that sends the
 *   SIPI: GDT, the far pointer to the 32-bit part, CR3, the 64-bit entry and the stack top.
 * - It runs with interrupts off and never uses a real-mode stack.
 */
#include "arch/x86_defs.h"

	.section .rodata.ap_stub, "a"
	.code16
	.global	ap_stub_start, ap_stub_end, ap_stub_pm32_offset
ap_stub_start:
	jmp	ap_real
	.org	AP_HDR_GDTR, 0
	.word	0				/* GDTR limit */
	.long	0				/* GDTR base: page + AP_HDR_GDT */
	.org	AP_HDR_PM32, 0
	.long	0				/* page + (ap_pm32 - ap_stub_start) */
	.word	SEL_CODE32
	.org	AP_HDR_CR3, 0
	.long	0
	.org	AP_HDR_ENTRY64, 0
	.long	0
	.org	AP_HDR_STACK, 0
	.quad	0
	.org	AP_HDR_GDT, 0
	.skip	AP_HDR_ENTRY32 - AP_HDR_GDT
	.org	AP_HDR_ENTRY32, 0
	.long	0				/* 0: limbo path */
	.long	0				/* EBX for the launch path */
	.org	AP_HDR_END, 0

ap_real:
	cli
	cld
	movw	%cs, %ax
	movw	%ax, %ds
	movzwl	%ax, %ebx
	shll	$4, %ebx			/* EBX = linear address of the page */
	lgdtl	AP_HDR_GDTR
	movl	%cr0, %eax
	andl	$~(CR0_CD | CR0_NW), %eax	/* INIT leaves the caches disabled */
	orl	$CR0_PE, %eax
	movl	%eax, %cr0
	ljmpl	*AP_HDR_PM32

	.code32
	.global	ap_pm32
ap_pm32:
	movl	$SEL_DATA, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %ss
	/* Launch path: A's module asked for the trampoline's 32-bit entry. */
	movl	AP_HDR_ENTRY32(%ebx), %ecx
	testl	%ecx, %ecx
	jz	1f
	movl	$BATON_LAUNCH_EAX_ASM, %eax
	movl	AP_HDR_ENTRY32_EBX(%ebx), %ebx
	jmp	*%ecx
1:	movl	%cr4, %eax
	orl	$CR4_PAE, %eax
	movl	%eax, %cr4
	movl	AP_HDR_CR3(%ebx), %eax
	movl	%eax, %cr3
	movl	$MSR_EFER, %ecx
	rdmsr
	orl	$EFER_LME, %eax
	wrmsr
	movl	%cr0, %eax
	orl	$CR0_PG, %eax
	movl	%eax, %cr0
	movl	AP_HDR_STACK(%ebx), %esp
	pushl	$SEL_CODE64
	pushl	AP_HDR_ENTRY64(%ebx)
	lret
ap_stub_end:

	.balign 4
ap_stub_pm32_offset:
	.long	ap_pm32 - ap_stub_start

	/* Back in the trampoline image: long mode, paging on, our page tables. */
	.section .text
	.code64
	.global	ap_start64
ap_start64:
	load_long_mode_segments
	movl	%esp, %esp			/* zero-extend: the stack is below 4 GiB */
	call	ap_main
1:	cli
	hlt
	jmp	1b

	/*
	 * A kernel's last CPU comes here to wait for the next kernel (A's module, at the end of
	 * the handover): long mode, interrupts off, on transition page tables that identity-map
	 * the low 4 GiB and keep A's kernel half (for the jump), EDI = its ledger slot, ESI = the
	 * resource it goes as (its last CPU, or any CPU when A died).  Leave everything of A
	 * behind: our page tables, our GDT, a limbo stack, limbo's IDT, then park.
	 */
	.global	limbo_enter64
limbo_enter64:
	/* The stack first: A's is in its kernel half, which our page tables do not map. */
	movl	%edi, %eax
	incl	%eax
	shll	$AP_STACK_SHIFT, %eax		/* top of limbo_stacks[slot] */
	leaq	limbo_stacks(%rip), %rsp
	addq	%rax, %rsp
	movl	%edi, %r12d			/* the slot and the resource survive the calls */
	movl	%esi, %r13d
	/* Limbo's IDT before A's kernel half goes: an NMI in between would find no handler. */
	call	limbo_load_idt
	take_trampoline_tables
	unblock_nmi
	movl	%r12d, %edi
	movl	%r13d, %esi
	call	limbo_enter_main
2:	cli
	hlt
	jmp	2b

	/*
	 * A kernel's crash kexec lands here: baton's image sits in the crash slot and this is
	 * its kexec entry.  Long mode on kexec's identity map, interrupts off, the IDT and GDT
	 * invalidated by machine_kexec, NMIs blocked if the kernel panicked in an NMI.  Limbo's
	 * IDT first (an NMI without one is a triple fault, a machine reset), then our stack,
	 * page tables and GDT; crash_main decides what the running B needs.
	 */
	.global	crash_entry64
crash_entry64:
	cli
	/*
	 * Before a launch the trampoline has not run: no IDT, no page tables of ours.  Only a
	 * running B needs anything here; otherwise stop, as A's panic would have with panic=0.
	 * The ledger is below 1 MiB, which kexec's identity map always covers; its address is
	 * in our .bss, zero until the trampoline ran.
	 */
	movq	trampoline_ledger_phys(%rip), %rax
	testq	%rax, %rax
	jz	2f
	movl	LEDGER_STATE_OFFSET(%rax), %eax
	cmpl	$BATON_STATE_B_BOOTING_ASM, %eax
	je	3f
	cmpl	$BATON_STATE_B_RUNNING_ASM, %eax
	je	3f
2:	cli
	hlt
	jmp	2b
3:	leaq	crash_stack_top(%rip), %rsp
	call	limbo_load_idt
	take_trampoline_tables
	unblock_nmi
	call	crash_main
2:	cli
	hlt
	jmp	2b

	.section .bss
	.balign	16
crash_stack:
	.skip	CRASH_STACK_SIZE
crash_stack_top:
	.section .text

	/*
	 * Limbo's interrupt gates.  An NMI is the adopter's ring: limbo_nmi() leaves limbo from
	 * inside it when the mailbox is set (and never returns), else the HLT loop goes on.
	 * It interrupts C++, so the caller-saved registers are kept; 5 + 9 quadwords keep the
	 * call 16-byte aligned.
	 */
	.global	limbo_nmi_entry, limbo_fault_entry
limbo_nmi_entry:
	pushq	%rax
	pushq	%rcx
	pushq	%rdx
	pushq	%rsi
	pushq	%rdi
	pushq	%r8
	pushq	%r9
	pushq	%r10
	pushq	%r11
	call	limbo_nmi
	popq	%r11
	popq	%r10
	popq	%r9
	popq	%r8
	popq	%rdi
	popq	%rsi
	popq	%rdx
	popq	%rcx
	popq	%rax
	iretq
limbo_fault_entry:
	cli
	hlt
	jmp	limbo_fault_entry
