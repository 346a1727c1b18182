/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The trampoline's first instructions: multiboot header, 32-bit entry, switch to long mode.
 *
 * Entry state (multiboot v1, or a kexec'd jump in 32-bit protected mode with the same
 * contract): EAX = 0x2badb002, EBX = physical address of the multiboot info (0 if none),
 * flat 4 GiB segments, paging off, interrupts off.  The GDT may be stale: we load our own.
 *
 * Load address: anywhere 2 MiB aligned (QEMU's multiboot loader uses the link address; kexec
 * places it at the partition base).  The code is position independent: it finds its base with
 * call/pop and reaches its data through link-time offsets (__off_* symbols from the linker
 * script).  The build rejects any other absolute relocation (linker/check-relocs.sh).
 */
#include "arch/x86_defs.h"

	.section .text.head, "ax"
	.code32
	.balign 4
multiboot_header:
	.long	MULTIBOOT_MAGIC
	.long	MULTIBOOT_FLAGS
	.long	-(MULTIBOOT_MAGIC + MULTIBOOT_FLAGS)

	/* struct baton_image_header at BATON_IMAGE_HEADER_OFFSET: how A's module finds us. */
	.org	0x10
	.quad	0x474d494e4f544142		/* BATON_IMAGE_MAGIC */
	.long	BATON_ABI_VERSION_ASM
	.long	_start32 - multiboot_header	/* entry32 */
	.long	__off_ap_stub			/* stub */
	.long	__off_ap_stub_size		/* stub_size */
	.long	__off_ap_stub_pm32		/* stub_pm32 */
	.long	__off_image_end			/* image_size */
	.long	__off_ap_start64		/* ap_entry64 */
	.long	__off_boot_pml4			/* page_table */
	.long	__off_limbo_stacks		/* limbo_stacks */
	.long	AP_STACK_SIZE			/* limbo_stack_size */
	.long	__off_limbo_enter64		/* limbo_enter64 */
	.long	__off_crash_entry64		/* crash_entry64 */

	/*
	 * EAX = 0x2badb002 (multiboot; EBX = multiboot info) or BATON_LAUNCH_EAX (A's module
	 * sent the SIPI; EBX = the ledger).
	 */
	.global	_start32
_start32:
	cli
	cld
	movl	%eax, %edi			/* boot magic, kept for trampoline_main */
	movl	%ebx, %esi			/* multiboot info */

	/*
	 * ESP is undefined here: borrow the top of the SIPI page (free in both the multiboot and
	 * the launch case) for the one call that tells us where we are.  Launched, EBX is the
	 * ledger of our low window, right above its SIPI page; standalone, it is window 0.
	 */
	movl	$(WINDOW0_SIPI_PAGE + PAGE_SIZE), %esp
	cmpl	$BATON_LAUNCH_EAX_ASM, %eax
	jne	0f
	movl	%ebx, %esp
0:	call	1f
1:	popl	%ebp
	subl	$(1b - multiboot_header), %ebp	/* EBP = physical load base */

	/* Zero .bss (page tables and stacks live there). */
	movl	%edi, %edx
	leal	__off_bss_start(%ebp), %edi
	leal	__off_bss_end(%ebp), %ecx
	subl	%edi, %ecx
	xorl	%eax, %eax
	rep stosb
	movl	%edx, %edi

	/* Identity map 0-4 GiB with 2 MiB pages; above 3 GiB uncached (LAPIC, IOAPIC, MMIO). */
	leal	__off_boot_pml4(%ebp), %ebx
	leal	__off_boot_pdpt(%ebp), %eax
	orl	$(PTE_P | PTE_W), %eax
	movl	%eax, (%ebx)

	leal	__off_boot_pdpt(%ebp), %ebx
	leal	__off_boot_pd(%ebp), %eax
	orl	$(PTE_P | PTE_W), %eax
	xorl	%ecx, %ecx
2:	movl	%eax, (%ebx, %ecx, 8)
	addl	$PAGE_SIZE, %eax
	incl	%ecx
	cmpl	$4, %ecx
	jne	2b

	leal	__off_boot_pd(%ebp), %ebx
	xorl	%ecx, %ecx
3:	movl	%ecx, %eax
	shll	$21, %eax
	orl	$(PTE_P | PTE_W | PTE_PS), %eax
	cmpl	$(3 * 512), %ecx
	jb	4f
	orl	$(PTE_PCD | PTE_PWT), %eax
4:	movl	%eax, (%ebx, %ecx, 8)
	incl	%ecx
	cmpl	$(4 * 512), %ecx
	jne	3b

	/* Our GDT lives in the image: patch its runtime address into the descriptor. */
	leal	__off_boot_gdt(%ebp), %eax
	movl	%eax, (__off_boot_gdtr + 2)(%ebp)
	lgdt	__off_boot_gdtr(%ebp)

	movl	%cr4, %eax
	orl	$CR4_PAE, %eax
	movl	%eax, %cr4
	leal	__off_boot_pml4(%ebp), %eax
	movl	%eax, %cr3
	movl	$MSR_EFER, %ecx
	rdmsr
	orl	$EFER_LME, %eax
	wrmsr
	movl	%cr0, %eax
	orl	$(CR0_PG | CR0_PE), %eax
	movl	%eax, %cr0

	/* Far return into 64-bit code: CS = SEL_CODE64. */
	pushl	$SEL_CODE64
	leal	__off_start64(%ebp), %eax
	pushl	%eax
	lret

	.code64
	.global	start64
start64:
	load_long_mode_segments
	leaq	boot_stack_top(%rip), %rsp
	/* trampoline_main(boot magic, multiboot info): EDI and ESI are still intact. */
	movl	%edi, %edi
	movl	%esi, %esi
	call	trampoline_main
5:	cli
	hlt
	jmp	5b

	/* Loaded with lgdt by the BSP here and copied into the SIPI page for the APs. */
	.section .data
	.balign 16
	.global	boot_gdt
boot_gdt:
	.quad	0				/* null */
	.quad	GDT_CODE32			/* 0x08: flat 32-bit code (AP stub) */
	.quad	GDT_CODE64			/* 0x10: __BOOT_CS for B's 64-bit entry */
	.quad	GDT_DATA			/* 0x18: __BOOT_DS */
	.global	boot_gdt_end
boot_gdt_end:
	.balign 8
	.global	boot_gdtr
boot_gdtr:
	.word	boot_gdt_end - boot_gdt - 1
	.quad	0				/* patched with the runtime address */

	.section .bss
	.balign PAGE_SIZE
	.global	boot_pml4, boot_pdpt, boot_pd
boot_pml4:	.skip PAGE_SIZE
boot_pdpt:	.skip PAGE_SIZE
boot_pd:	.skip 4 * PAGE_SIZE
	.balign 16
boot_stack:	.skip BOOT_STACK_SIZE
boot_stack_top:
