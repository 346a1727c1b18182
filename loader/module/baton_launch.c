// SPDX-License-Identifier: GPL-2.0
/*
 * Starting the trampoline on B's first CPU: copy the trampoline's 16-bit stub into the SIPI
 * page, point its parameter block at the trampoline's 32-bit entry, INIT-SIPI-SIPI the CPU
 * (Intel SDM Vol. 3 9.4.4.1).  The CPU is offline in A and guarded, so A never sees it again.
 *
 * IPIs go through apic->icr_write() with a physical destination: A's flat logical mode
 * (4 vCPUs) cannot address a CPU it does not own, and A's IPI helpers take A's CPU numbers.
 */
#include <linux/delay.h>
#include <linux/io.h>
#include <linux/irqflags.h>
#include <linux/smp.h>
#include <asm/apic.h>
#include "baton.h"

int baton_cpu_of_apicid(u32 apic_id)
{
	unsigned int cpu;

	/* A's APIC IDs are 16 bits here; BAD_APICID marks a possible CPU that has none. */
	if (apic_id >= BAD_APICID)
		return -1;
	for_each_possible_cpu(cpu)
		if (per_cpu(x86_cpu_to_apicid, cpu) == apic_id)
			return cpu;
	return -1;
}

/*
 * Whether an IPI in the mode A runs its local APICs in reaches `apic_id` alone: xAPIC's
 * 8-bit destination would cut a larger ID down to another CPU's, and 0xff is its broadcast;
 * in x2APIC mode only 0xffffffff is.
 */
bool baton_apic_id_reachable(u32 apic_id)
{
	return x2apic_enabled() ? apic_id != U32_MAX : apic_id < 0xff;
}

static int baton_send_ipi(u32 apic_id, u32 icr_low)
{
	unsigned long flags;

	if (!baton_apic_id_reachable(apic_id))
		return -ERANGE;
	local_irq_save(flags);
	/*
	 * A WRMSR to the x2APIC ICR is not serialising: what the IPI announces (the ledger)
	 * must be visible first, as for the kernel's own x2APIC IPIs.
	 */
	if (x2apic_enabled())
		weak_wrmsr_fence();
	apic->icr_write(icr_low | APIC_DEST_PHYSICAL, apic_id);
	if (apic->wait_icr_idle)
		apic->wait_icr_idle();
	local_irq_restore(flags);
	return 0;
}

/* INIT (assert, deassert): the CPU drops whatever it ran and waits for a SIPI. */
static int baton_send_init(u32 apic_id)
{
	int ret = baton_send_ipi(apic_id, APIC_INT_LEVELTRIG | APIC_INT_ASSERT | APIC_DM_INIT);

	return ret ?: baton_send_ipi(apic_id, APIC_INT_LEVELTRIG | APIC_DM_INIT);
}

/* The doorbell: an NMI needs no vector in the other kernel's vector space. */
int baton_send_nmi(u32 apic_id)
{
	return baton_send_ipi(apic_id, APIC_DM_NMI);
}

/*
 * Stops a CPU of B's and readies it for this kernel's own bring-up: A's sends the SIPI
 * itself; a kernel baton launched brings CPUs up from its own limbo (baton_guest.c).
 */
void baton_stop_cpu(u32 apic_id)
{
	int ret;

	if (baton_send_init(apic_id)) {
		pr_err("baton: APIC ID %u cannot be reached to stop it\n", apic_id);
		return;
	}
	ret = baton_cpu_home(apic_id);
	if (ret)
		pr_err("baton: APIC ID %u did not get back to this kernel's limbo: %d\n", apic_id,
		       ret);
}

/*
 * The SIPI page for one CPU: the trampoline's 16-bit stub and its parameters.  slot < 0: the
 * launch path (the trampoline's 32-bit entry, EBX = ledger).  slot >= 0: the limbo path, for
 * a CPU A releases: long mode on the trampoline's identity map, its slot's limbo stack, then
 * ap_main checks it into the ledger and parks it.
 */
static int baton_prepare_sipi_page(u64 window, u64 partition_base, int slot)
{
	u64 sipi = window + BATON_WINDOW_SIPI;
	struct baton_sipi_params *params;
	struct baton_image_header hdr;
	void *image, *page;
	int ret = 0;

	/* The trampoline image, placed by kexec at the partition base (read-only in A). */
	image = memremap(partition_base, PAGE_SIZE, MEMREMAP_WB);
	if (!image)
		return -ENOMEM;
	memcpy(&hdr, image + BATON_IMAGE_HEADER_OFFSET, sizeof(hdr));
	memunmap(image);
	if (hdr.magic != BATON_IMAGE_MAGIC || hdr.version != BATON_ABI_VERSION) {
		pr_err("baton: no trampoline image at %#llx (magic %#llx, version %u)\n",
		       partition_base, hdr.magic, hdr.version);
		return -ENOEXEC;
	}
	if (hdr.stub_size < BATON_SIPI_PARAMS_OFFSET + sizeof(*params) ||
	    hdr.stub_size > PAGE_SIZE || hdr.stub_pm32 >= hdr.stub_size ||
	    hdr.stub + hdr.stub_size > hdr.image_size ||
	    hdr.ap_entry64 >= hdr.image_size || hdr.page_table >= hdr.image_size ||
	    (u64)hdr.limbo_stacks + (u64)hdr.limbo_stack_size * BATON_MAX_CPUS > hdr.image_size ||
	    partition_base + hdr.image_size > U32_MAX) {
		pr_err("baton: trampoline image header is inconsistent\n");
		return -ENOEXEC;
	}

	image = memremap(partition_base, hdr.image_size, MEMREMAP_WB);
	page = memremap(sipi, PAGE_SIZE, MEMREMAP_WB);
	if (!image || !page) {
		ret = -ENOMEM;
		goto out;
	}
	memcpy(page, image + hdr.stub, hdr.stub_size);
	params = page + BATON_SIPI_PARAMS_OFFSET;
	params->gdt[0] = 0;
	params->gdt[1] = BATON_GDT_CODE32;
	params->gdt[2] = BATON_GDT_CODE64;
	params->gdt[3] = BATON_GDT_DATA;
	params->gdt_limit = sizeof(params->gdt) - 1;
	params->gdt_base = sipi + BATON_SIPI_PARAMS_OFFSET +
			   offsetof(struct baton_sipi_params, gdt);
	params->pm32_offset = sipi + hdr.stub_pm32;
	params->pm32_selector = BATON_SEL_CODE32;
	if (slot < 0) {
		params->entry32 = partition_base + hdr.entry32;
		params->entry32_ebx = window + BATON_WINDOW_LEDGER;
	} else {
		params->entry32 = 0;
		params->cr3 = partition_base + hdr.page_table;
		params->entry64 = partition_base + hdr.ap_entry64;
		params->stack = partition_base + hdr.limbo_stacks +
				(u64)hdr.limbo_stack_size * (slot + 1);
	}
	/* The stub and its parameters must be in memory before the SIPI makes a CPU read them. */
	wmb();
out:
	if (page)
		memunmap(page);
	if (image)
		memunmap(image);
	return ret;
}

static int baton_wake_cpu(u64 window, u64 partition_base, u32 apic_id, int slot)
{
	u64 sipi = window + BATON_WINDOW_SIPI;
	int ret;

	if (!baton_apic_id_reachable(apic_id))
		return -ERANGE;
	ret = baton_prepare_sipi_page(window, partition_base, slot);
	if (ret)
		return ret;
	ret = baton_send_init(apic_id);
	if (ret)
		return ret;
	usleep_range(10000, 11000);	/* SDM: 10 ms between INIT and STARTUP */
	ret = baton_send_ipi(apic_id, APIC_DM_STARTUP | (sipi >> 12));
	if (ret)
		return ret;
	usleep_range(200, 300);
	return baton_send_ipi(apic_id, APIC_DM_STARTUP | (sipi >> 12));
}

int baton_launch_cpu(u64 partition_base, u32 apic_id)
{
	return baton_wake_cpu(baton_window_base(), partition_base, apic_id, -1);
}

int baton_park_cpu(u64 partition_base, u32 apic_id, unsigned int slot)
{
	return baton_wake_cpu(baton_window_base(), partition_base, apic_id, slot);
}

/* Into the limbo of the trampoline at `image_base`, through the SIPI page of `window`. */
int baton_park_cpu_in(u64 window, u64 image_base, u32 apic_id, unsigned int slot)
{
	return baton_wake_cpu(window, image_base, apic_id, slot);
}
