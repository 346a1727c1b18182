// SPDX-License-Identifier: GPL-2.0
/*
 * How one of A's CPUs walks into the trampoline's limbo by itself, without INIT: A's last
 * CPU at the end of a handover (the BSP, which an INIT would send back into the firmware),
 * and every CPU of A when A dies with B running (baton_failover.c).
 *
 * The CPU masks its local APIC's vectors (nothing of A may interrupt it under B), loads
 * transition page tables - the trampoline's identity map of the low 4 GiB below, A's kernel
 * half above, so the jump itself stays mapped (the technique of kexec's relocate_kernel) -
 * and calls the trampoline's limbo_enter64.  The tables live in the low window: kexec maps
 * the partition read-only in A.  They are built while A can still sleep; the walk itself
 * runs anywhere, NMI and panic context included.
 */
#include <linux/io.h>
#include <asm/apic.h>
#include <asm/irq_vectors.h>
#include <asm/nospec-branch.h>
#include <asm/pgtable.h>
#include <asm/tlbflush.h>
#include "baton.h"

static u64 limbo_entry;		/* the trampoline's limbo_enter64, 0 until prepared */
static u64 *limbo_tables;	/* the transition PML4, in the low window */
static u64 limbo_tables_phys;
static void *limbo_image;	/* the trampoline image, read-only */
static u64 *image_pml4;		/* its identity map's PML4, inside limbo_image */

/*
 * Reads the trampoline's image header and fills the kernel half of the transition tables.
 * Their low half is the trampoline's identity map, which the trampoline builds when it
 * starts (after a launch): baton_enter_limbo() takes it from the image at the last moment.
 */
int baton_limbo_prepare(void)
{
	struct baton_ledger *l = baton_ledger();
	struct baton_image_header hdr;
	unsigned int i;
	void *image;
	pgd_t *pgd;

	if (limbo_entry)
		return 0;
	image = memremap(l->partition_base, PAGE_SIZE, MEMREMAP_WB);
	if (!image)
		return -ENOMEM;
	memcpy(&hdr, image + BATON_IMAGE_HEADER_OFFSET, sizeof(hdr));
	memunmap(image);
	if (hdr.magic != BATON_IMAGE_MAGIC || hdr.version != BATON_ABI_VERSION ||
	    hdr.limbo_enter64 >= hdr.image_size || hdr.page_table >= hdr.image_size ||
	    hdr.image_size > BATON_RESIDENT_SEGMENT)
		return -ENOEXEC;
	if (pgtable_l5_enabled())
		return -EOPNOTSUPP;	/* the transition tables are 4-level */
	/* The image is read-only in A (kexec protects the crash region): only read it. */
	limbo_image = memremap(l->partition_base, hdr.image_size, MEMREMAP_WB);
	limbo_tables_phys = baton_window_base() + BATON_WINDOW_PML4;
	limbo_tables = memremap(limbo_tables_phys, PAGE_SIZE, MEMREMAP_WB);
	if (!limbo_image || !limbo_tables) {
		baton_limbo_release();
		return -ENOMEM;
	}
	/*
	 * A's kernel half does not change after boot (x86-64 preallocates the top-level
	 * entries of vmalloc and module space), so the copy stays good while A runs.
	 */
	image_pml4 = limbo_image + hdr.page_table;
	pgd = __va(read_cr3_pa());
	memset(limbo_tables, 0, PAGE_SIZE);
	for (i = PTRS_PER_PGD / 2; i < PTRS_PER_PGD; i++)
		limbo_tables[i] = pgd_val(pgd[i]);
	WRITE_ONCE(limbo_entry, l->partition_base + hdr.limbo_enter64);
	return 0;
}

/* B is gone (abort): nothing of A's goes to limbo any more. */
void baton_limbo_release(void)
{
	WRITE_ONCE(limbo_entry, 0);
	if (limbo_tables)
		memunmap(limbo_tables);
	if (limbo_image)
		memunmap(limbo_image);
	limbo_tables = NULL;
	limbo_image = NULL;
	image_pml4 = NULL;
}

/* Every local vector of this CPU masked, its timer stopped. */
void baton_mask_local_apic(void)
{
	/*
	 * lapic_get_maxlvt() is not exported, and 6.12's apic_read()/apic_write() are static
	 * calls a module cannot reach: the driver's own methods, in both kernels.
	 */
	unsigned int maxlvt = GET_APIC_MAXLVT(apic->read(APIC_LVR));

	apic->write(APIC_LVTT, APIC_LVT_MASKED | LOCAL_TIMER_VECTOR);
	apic->write(APIC_TMICT, 0);
	apic->write(APIC_LVT0, APIC_LVT_MASKED);
	apic->write(APIC_LVT1, APIC_LVT_MASKED);
	apic->write(APIC_LVTERR, APIC_LVT_MASKED | ERROR_APIC_VECTOR);
	if (maxlvt >= 4)
		apic->write(APIC_LVTPC, APIC_LVT_MASKED);
	if (maxlvt >= 5)
		apic->write(APIC_LVTTHMR, APIC_LVT_MASKED | THERMAL_APIC_VECTOR);
#ifdef CONFIG_X86_MCE_INTEL
	if (maxlvt >= 6)
		apic->write(APIC_LVTCMCI, APIC_LVT_MASKED);
#endif
}

/*
 * Into limbo, in ledger slot `slot`, stamped there as `resource`.  Interrupts are off and
 * the tables prepared; the caller is done with A.
 */
void __noreturn baton_enter_limbo(unsigned int slot, u32 resource)
{
	u64 entry = READ_ONCE(limbo_entry), identity = entry ? READ_ONCE(image_pml4[0]) : 0;

	baton_mask_local_apic();
	/* Not prepared, or the trampoline never ran (no identity map): this CPU just stops. */
	if (!identity)
		for (;;)
			native_halt();
	limbo_tables[0] = identity;
	/*
	 * The kernel half is the same on both sides of the CR3 write: the call stays mapped.
	 * A call, not a jmp, for objtool's sake: limbo_enter64 never returns, and the ud2
	 * after it is a dead end objtool knows (6.12's flags a bare unreachable() here).
	 */
	asm volatile("mov %0, %%cr3\n\t"
		     ANNOTATE_RETPOLINE_SAFE
		     "call *%1\n\t"
		     "ud2"
		     : : "r"(limbo_tables_phys), "r"(entry), "D"(slot), "S"(resource)
		     : "memory");
	unreachable();
}
