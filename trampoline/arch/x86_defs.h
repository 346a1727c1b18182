/* SPDX-License-Identifier: GPL-2.0 */
/* Architectural constants shared by the trampoline's assembly and C++ (no raw numbers). */
#ifndef BATON_X86_DEFS_H
#define BATON_X86_DEFS_H

#define PAGE_SIZE		4096

#define MULTIBOOT_MAGIC		0x1badb002
#define MULTIBOOT_FLAGS		0x00000003	/* page-align modules, memory info */
#define MULTIBOOT_BOOT_MAGIC	0x2badb002	/* in EAX at entry */

#define CR0_PE			(1 << 0)
#define CR0_NW			(1 << 29)
#define CR0_CD			(1 << 30)
#define CR0_PG			(1 << 31)
#define CR4_PAE			(1 << 5)
#define MSR_EFER		0xc0000080
#define EFER_LME		(1 << 8)
#define EFER_NXE		(1 << 11)
#define MSR_APIC_BASE		0x1b

#define PTE_P			(1 << 0)
#define PTE_W			(1 << 1)
#define PTE_PWT			(1 << 3)
#define PTE_PCD			(1 << 4)
#define PTE_PS			(1 << 7)

/* GDT descriptors: flat, base 0, limit 4 GiB. */
#define GDT_CODE32		0x00cf9a000000ffff
#define GDT_CODE64		0x00af9a000000ffff
#define GDT_DATA		0x00cf92000000ffff
#define SEL_CODE32		0x08
#define SEL_CODE64		0x10	/* __BOOT_CS in the 64-bit boot protocol */
#define SEL_DATA		0x18	/* __BOOT_DS */

#define WINDOW0_SIPI_PAGE	0x20000		/* BATON_WINDOW_BASE(0) + BATON_WINDOW_SIPI */
#define BATON_ABI_VERSION_ASM	6		/* BATON_ABI_VERSION */
#define LEDGER_STATE_OFFSET	16		/* offsetof(struct baton_ledger, state) */
#define BATON_STATE_B_BOOTING_ASM 3
#define BATON_STATE_B_RUNNING_ASM 4
#define BATON_LAUNCH_EAX_ASM	0x4e4c5442	/* BATON_LAUNCH_EAX */

#define BOOT_STACK_SIZE		0x10000
/* Limbo needs little stack (ap_main -> park); one per ledger slot, BATON_MAX_CPUS of them. */
#define AP_STACK_SHIFT		11
#define AP_STACK_SIZE		(1 << AP_STACK_SHIFT)
#define CRASH_STACK_SIZE	0x4000		/* crash_entry64's, for the one crashing CPU */
#define MAX_LIMBO_CPUS		256

/* The SIPI page's parameter block, written by the BSP before each INIT-SIPI-SIPI. */
#define AP_HDR_GDTR		0x08	/* u16 limit, u32 base */
#define AP_HDR_PM32		0x10	/* u32 offset, u16 selector: far pointer to 32-bit code */
#define AP_HDR_CR3		0x18	/* u32 */
#define AP_HDR_ENTRY64		0x1c	/* u32: ap_start64 in the trampoline image */
#define AP_HDR_STACK		0x20	/* u64: stack top for this AP */
#define AP_HDR_GDT		0x28	/* 4 descriptors copied from boot_gdt */
#define AP_HDR_ENTRY32		0x48	/* u32: launch path, the trampoline's 32-bit entry */
#define AP_HDR_ENTRY32_EBX	0x4c	/* u32: EBX for it (the ledger) */
#define AP_HDR_END		0x50
/* struct baton_sipi_params in include/baton/ledger.h is the C view; ap_wakeup.cpp checks. */

#ifdef __ASSEMBLER__
/* Long mode reached: flat data segments, FS/GS null.  Clobbers EAX. */
.macro load_long_mode_segments
	movl	$SEL_DATA, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %ss
	xorl	%eax, %eax
	movl	%eax, %fs
	movl	%eax, %gs
.endm

/* The trampoline's own page tables, GDT and segments, whatever the CPU came with. */
.macro take_trampoline_tables
	leaq	boot_pml4(%rip), %rax
	movq	%rax, %cr3
	lgdt	boot_gdtr(%rip)
	leaq	8f(%rip), %rax
	pushq	$SEL_CODE64
	pushq	%rax
	lretq
8:	load_long_mode_segments
.endm

/*
 * An IRET to the next instruction ends NMI blocking: a CPU that comes from an NMI handler
 * (a kernel parked it there, or panicked there) must hear the adopter's NMIs in limbo.
 * Only with limbo's IDT loaded: a pending NMI is taken right after it.  IF stays 0.
 */
.macro unblock_nmi
	movq	%rsp, %rax
	pushq	$SEL_DATA
	pushq	%rax
	pushfq
	pushq	$SEL_CODE64
	leaq	9f(%rip), %rax
	pushq	%rax
	iretq
9:
.endm
#endif

#endif
