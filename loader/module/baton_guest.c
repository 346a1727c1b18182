// SPDX-License-Identifier: GPL-2.0
/*
 * The host module in a kernel that baton launched: along a chain of upgrades the kernel that
 * took the machine over hosts the next one, with this same module.  Such a kernel runs on the
 * partition-guest platform (CONFIG_BATON_GUEST, B's patches), and it differs from A in what it
 * knows and in how its CPUs come and go:
 * - it came in through one low window, whose ledger it keeps using: it hosts through the other;
 * - it boots without ACPI, on a private copy of the firmware's tables: the machine's memory
 *   map comes from its launch block and the tables from the firmware's RSDP, which its
 *   partition record names (shown in /sys/kernel/baton/firmware/ for `baton plan`);
 * - it has no crash region from boot: `baton load` offlines the partition's memory blocks and
 *   the kernel makes them its crash region (crash_set_region(), baton_reserve.c);
 * - its offline CPUs wait in its own trampoline's limbo and come up from there: a CPU that
 *   comes back from the next kernel goes home to that limbo first;
 * - it may host only once the machine is its own.
 * In A, without the platform, every function here gives A's answer.
 */
#include <linux/cpu.h>
#include <linux/delay.h>
#include <linux/io.h>
#include <linux/jiffies.h>
#include <asm/msr.h>
#include "baton.h"
#ifdef CONFIG_BATON_GUEST
#include <asm/baton.h>
#endif

static const struct baton_partition_record *baton_own(void)
{
#ifdef CONFIG_BATON_GUEST
	return baton_guest_partition();
#else
	return NULL;
#endif
}

bool baton_is_guest(void)
{
	return baton_own();
}

/* The window this kernel came in through, or BATON_NR_WINDOWS (A, or a bad record). */
static unsigned int baton_own_window(void)
{
	const struct baton_partition_record *p = baton_own();
	unsigned int n;

	for (n = 0; p && n < BATON_NR_WINDOWS; n++)
		if (p->ledger_phys == BATON_WINDOW_BASE(n) + BATON_WINDOW_LEDGER)
			return n;
	return BATON_NR_WINDOWS;
}

/*
 * A hosts through window 0, which its command line reserves.  A guest hosts through the
 * window after its own: the one its host used before, free since its host stopped.
 */
unsigned int baton_host_window(void)
{
	unsigned int own = baton_own_window();

	if (!baton_own())
		return 0;
	return own < BATON_NR_WINDOWS ? (own + 1) % BATON_NR_WINDOWS : BATON_NR_WINDOWS;
}

/* 0 if this kernel may host now; -EBUSY while it is itself the guest of a running host. */
int baton_host_ready(void)
{
#ifdef CONFIG_BATON_GUEST
	if (baton_own() && !baton_machine_owned())
		return -EBUSY;
#endif
	return 0;
}

struct kobject *baton_guest_sysfs_dir(void)
{
#ifdef CONFIG_BATON_GUEST
	return baton_sysfs_dir();
#else
	return NULL;
#endif
}

/* The machine's IOAPICs: a guest booted without ACPI, its record lists them. */
unsigned int baton_guest_ioapics(u64 *phys, u32 *gsi_base, unsigned int max)
{
	const struct baton_partition_record *p = baton_own();
	unsigned int i, n = p ? min3(p->nioapics, BATON_MAX_IOAPICS, max) : 0;

	for (i = 0; i < n; i++) {
		phys[i] = p->ioapics[i].phys;
		gsi_base[i] = p->ioapics[i].gsi_base;
	}
	return n;
}

/*
 * A CPU the next kernel had (INIT stopped it; it waits for a SIPI) goes home: this kernel
 * brings its CPUs up from its own trampoline's limbo, through its own ledger's mailbox.  In
 * A there is nothing to do: A's bring-up sends the SIPI.
 */
int baton_cpu_home(u32 apic_id)
{
#ifdef CONFIG_BATON_GUEST
	const struct baton_partition_record *p = baton_own();
	struct baton_ledger *l = baton_shared_ledger();
	unsigned long deadline;
	unsigned int i, n;

	if (!p || !l)
		return 0;
	n = min(READ_ONCE(l->ncpus), BATON_MAX_CPUS);
	for (i = 0; i < n && READ_ONCE(l->cpus[i].apic_id) != apic_id; i++)
		;
	if (i == n)
		return -ENOENT;
	/* The slot still says where the CPU was parked before it left: it checks in anew. */
	WRITE_ONCE(l->cpus[i].state, BATON_CPU_SIPI_SENT);
	if (baton_park_cpu_in(BATON_WINDOW_BASE(baton_own_window()), p->resident_base, apic_id,
			      i))
		return -EHOSTUNREACH;
	deadline = jiffies + msecs_to_jiffies(1000);
	while (READ_ONCE(l->cpus[i].state) != BATON_CPU_LIMBO) {
		if (time_after(jiffies, deadline))
			return -ETIMEDOUT;
		usleep_range(100, 200);
	}
#endif
	return 0;
}

/*
 * The machine's BSP, if it is online here: the CPU whose APIC base MSR has the BSP flag.  In
 * A it is CPU 0; in a kernel baton launched, whichever CPU adopted it.  No INIT may reach it
 * (it would restart the firmware there), so it leaves a host last.  -1: not online here.
 */
int baton_bsp_cpu(void)
{
	static int bsp = -1;
	unsigned int cpu;
	u64 base;

	if (bsp >= 0 || !baton_is_guest())
		return bsp >= 0 ? bsp : 0;
	for_each_online_cpu(cpu) {
		if (!rdmsrl_safe_on_cpu(cpu, MSR_IA32_APICBASE, &base) &&
		    (base & MSR_IA32_APICBASE_BSP)) {
			bsp = cpu;
			break;
		}
	}
	return bsp;
}

/*
 * Moves a CPU from one limbo to another without INIT: its slot's mailbox sends it to the
 * other trampoline's limbo_enter64, with its slot there in RDI.  Returns once it checked in.
 */
int baton_move_limbo(struct baton_cpu_slot *from, struct baton_cpu_slot *to, u32 to_idx,
		     u64 limbo_enter64)
{
	unsigned long deadline = jiffies + msecs_to_jiffies(1000);
	u32 apic_id = READ_ONCE(from->apic_id);

	if (READ_ONCE(from->state) != BATON_CPU_LIMBO)
		return -EHOSTUNREACH;
	WRITE_ONCE(from->mailbox_arg, to_idx);
	/* The argument before the entry: limbo leaves as soon as it sees the entry. */
	smp_wmb();
	WRITE_ONCE(from->mailbox_start, limbo_enter64);
	while (READ_ONCE(to->state) != BATON_CPU_LIMBO) {
		/* Ring until it left: a ring before it saw the mailbox only ends one HLT. */
		if (READ_ONCE(from->state) == BATON_CPU_LIMBO)
			baton_send_nmi(apic_id);
		if (time_after(jiffies, deadline))
			return -ETIMEDOUT;
		usleep_range(100, 200);
	}
	return 0;
}

/* The limbo_enter64 of the trampoline at `image_base` (its image header), or 0. */
u64 baton_limbo_entry_of(u64 image_base)
{
	struct baton_image_header hdr;
	void *image;

	image = memremap(image_base, PAGE_SIZE, MEMREMAP_WB);
	if (!image)
		return 0;
	memcpy(&hdr, image + BATON_IMAGE_HEADER_OFFSET, sizeof(hdr));
	memunmap(image);
	if (hdr.magic != BATON_IMAGE_MAGIC || hdr.version != BATON_ABI_VERSION ||
	    hdr.limbo_enter64 >= hdr.image_size)
		return 0;
	return image_base + hdr.limbo_enter64;
}

#ifdef CONFIG_BATON_GUEST
/* This kernel's own slot for `apic_id` in the ledger it came in through, or NULL. */
static struct baton_cpu_slot *baton_own_slot(u32 apic_id, unsigned int *idx)
{
	struct baton_ledger *own = baton_shared_ledger();
	unsigned int i, n = own ? min(READ_ONCE(own->ncpus), BATON_MAX_CPUS) : 0;

	for (i = 0; i < n; i++) {
		if (READ_ONCE(own->cpus[i].apic_id) == apic_id) {
			*idx = i;
			return &own->cpus[i];
		}
	}
	return NULL;
}
#endif

/*
 * The BSP of a kernel baton launched goes to the guest before the last step, without INIT:
 * offline, it waits in this kernel's limbo; from there it moves into the guest's limbo and
 * the guest adopts it like any CPU released to it.  If the guest does not, it moves back and
 * comes online here again.  Once the guest has it, the handover cannot be undone (no abort
 * may stop it): the caller goes on to the last step.
 */
int baton_hand_over_bsp(unsigned int cpu, unsigned int timeout_ms)
{
#ifdef CONFIG_BATON_GUEST
	u32 apic_id = per_cpu(x86_cpu_to_apicid, cpu);
	u64 there = baton_limbo_entry_of(baton_ledger()->partition_base);
	u64 home = baton_limbo_entry_of(baton_own()->resident_base);
	struct baton_cpu_slot *mine, *slot;
	unsigned int own_idx, idx;
	int ret;

	if (!there || !home || !baton_own_slot(apic_id, &own_idx))
		return -ENOEXEC;
	if (READ_ONCE(baton_ledger()->ncpus) >= BATON_MAX_CPUS)
		return -ENOSPC;
	baton_guard_add(cpu);
	ret = remove_cpu(cpu);
	if (ret) {
		baton_guard_drop(cpu);
		return ret;
	}
	mine = baton_own_slot(apic_id, &own_idx);
	slot = baton_add_cpu_slot(apic_id, cpu, &idx);
	baton_ledger_event(BATON_EV_RELEASE, BATON_RES_CPU, apic_id, 0);
	ret = baton_move_limbo(mine, slot, idx, there);
	if (!ret) {
		baton_ledger_event(BATON_EV_LIMBO, BATON_RES_CPU, apic_id, 0);
		ret = baton_request(BATON_RES_CPU, apic_id, 0, timeout_ms);
		if (!ret) {
			pr_info("baton: released CPU %u (APIC %u, the machine's BSP); the guest adopted it\n",
				cpu, apic_id);
			return 0;
		}
		if (ret == -EIO)
			return ret;	/* the guest took it and never answered: it may run it */
		ret = baton_move_limbo(slot, mine, own_idx, home) ?: ret;
	}
	baton_ledger_event(BATON_EV_RETURN, BATON_RES_CPU, apic_id, 0);
	baton_drop_cpu_slot(idx);
	baton_guard_drop(cpu);
	if (READ_ONCE(mine->state) == BATON_CPU_LIMBO && add_cpu(cpu))
		pr_err("baton: CPU %u (the BSP) is back but did not come online\n", cpu);
	return ret;
#else
	return -EOPNOTSUPP;
#endif
}
