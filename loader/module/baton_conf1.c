// SPDX-License-Identifier: GPL-2.0
/*
 * PCI configuration mechanism #1 shared with B.  0xcf8/0xcfc is one index/data pair for the
 * whole machine, and A's pci_config_lock only keeps A's own CPUs apart: an index B writes
 * between A's index write and A's data access sends A's access to the wrong register.  On a
 * machine without ECAM B takes the ledger's conf1_lock around each of its pairs (with ECAM B
 * never uses the pair, apart from a read or two at its very start); while a B runs, A's pairs
 * take it too.
 *
 * A's type 1 accessors (arch/x86/pci/direct.c: pci_conf1_read/write behind raw_pci_ops) are
 * static, so every way A reaches them - the PCI core, ACPI's PCI_Config regions through
 * raw_pci_read(), quirks - goes to the copies below instead (baton_detour.c).  The copies keep
 * A's CPUs apart with a lock of their own, in place of pci_config_lock, and take the ledger's
 * lock inside it.  A holder of the ledger's lock has it for one pair; one that keeps it for a
 * second has stopped (B killed in the middle of a pair): A's access fails with a line, and
 * the abort that follows B's death frees it.
 */
#include <linux/io.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/rcupdate.h>
#include <linux/spinlock.h>
#include <asm/tsc.h>
#include "baton.h"

#define BATON_CONF1_TIMEOUT_MS	1000

/* The index as arch/x86/pci/direct.c writes it. */
static u32 baton_conf1_address(unsigned int bus, unsigned int devfn, int reg)
{
	return 0x80000000 | (reg & 0xF00) << 16 | bus << 16 | devfn << 8 | (reg & 0xFC);
}

static DEFINE_RAW_SPINLOCK(baton_conf1_lock);
static atomic64_t baton_conf1_cycles = ATOMIC64_INIT(0);
static atomic64_t baton_conf1_waits = ATOMIC64_INIT(0);
static bool baton_conf1_active;

static bool baton_conf1_get(u32 *word)
{
	u64 start, limit;

	atomic64_inc(&baton_conf1_cycles);
	if (cmpxchg(word, BATON_CONF1_FREE, BATON_CONF1_A) == BATON_CONF1_FREE)
		return true;
	atomic64_inc(&baton_conf1_waits);
	start = rdtsc();
	limit = (u64)tsc_khz * BATON_CONF1_TIMEOUT_MS;
	while (cmpxchg(word, BATON_CONF1_FREE, BATON_CONF1_A) != BATON_CONF1_FREE) {
		if (rdtsc() - start > limit)
			return false;
		cpu_relax();
	}
	return true;
}

static void baton_conf1_stuck(u32 *word, unsigned int bus, unsigned int devfn, int reg)
{
	pr_err_ratelimited("baton: PCI %02x:%02x.%u reg %#x: B has held 0xcf8 (ledger value %u) for %u ms; A's access failed\n",
			   bus, PCI_SLOT(devfn), PCI_FUNC(devfn), reg, READ_ONCE(*word),
			   BATON_CONF1_TIMEOUT_MS);
}

static u32 baton_conf1_in(int reg, int len)
{
	switch (len) {
	case 1:
		return inb(0xCFC + (reg & 3));
	case 2:
		return inw(0xCFC + (reg & 2));
	}
	return inl(0xCFC);
}

static void baton_conf1_out(int reg, int len, u32 value)
{
	switch (len) {
	case 1:
		outb((u8)value, 0xCFC + (reg & 3));
		break;
	case 2:
		outw((u16)value, 0xCFC + (reg & 2));
		break;
	default:
		outl(value, 0xCFC);
		break;
	}
}

/* One index/data pair, under A's lock and the ledger's; false if B kept the ledger's. */
static bool baton_conf1_pair(unsigned int bus, unsigned int devfn, int reg, int len,
			     u32 *value, bool write)
{
	u32 *word = &baton_ledger()->conf1_lock;
	unsigned long flags;
	bool ok;

	raw_spin_lock_irqsave(&baton_conf1_lock, flags);
	ok = baton_conf1_get(word);
	if (ok) {
		outl(baton_conf1_address(bus, devfn, reg), 0xCF8);
		if (write)
			baton_conf1_out(reg, len, *value);
		else
			*value = baton_conf1_in(reg, len);
		/* Port I/O is ordered with memory: the pair is done before the lock is free. */
		smp_store_release(word, BATON_CONF1_FREE);
	}
	raw_spin_unlock_irqrestore(&baton_conf1_lock, flags);
	if (!ok)
		baton_conf1_stuck(word, bus, devfn, reg);
	return ok;
}

/* pci_conf1_read() and pci_conf1_write() of arch/x86/pci/direct.c, with the ledger's lock. */
static int notrace baton_conf1_read(unsigned int seg, unsigned int bus, unsigned int devfn,
				    int reg, int len, u32 *value)
{
	if (seg || bus > 255 || devfn > 255 || reg > 4095) {
		*value = -1;
		return -EINVAL;
	}
	if (!baton_conf1_pair(bus, devfn, reg, len, value, false)) {
		*value = -1;
		return -EIO;
	}
	return 0;
}

static int notrace baton_conf1_write(unsigned int seg, unsigned int bus, unsigned int devfn,
				     int reg, int len, u32 value)
{
	if (seg || bus > 255 || devfn > 255 || reg > 4095)
		return -EINVAL;
	return baton_conf1_pair(bus, devfn, reg, len, &value, true) ? 0 : -EIO;
}

static struct baton_detour baton_conf1_read_detour =
	BATON_DETOUR("pci_conf1_read", baton_conf1_read, NULL);
static struct baton_detour baton_conf1_write_detour =
	BATON_DETOUR("pci_conf1_write", baton_conf1_write, NULL);
/* Both at once: a read under one lock and a write under the other would not be apart. */
static struct baton_detour *const baton_conf1_detours[] = {
	&baton_conf1_read_detour, &baton_conf1_write_detour,
};

/*
 * Before B starts: from now on every type 1 pair of A's takes the ledger's lock.
 * -EOPNOTSUPP if A's type 1 accessors cannot be detoured.
 */
int baton_conf1_on(void)
{
	int ret;

	if (baton_conf1_active)
		return 0;
	if (!try_module_get(THIS_MODULE))
		return -ENODEV;
	WRITE_ONCE(baton_ledger()->conf1_lock, BATON_CONF1_FREE);
	atomic64_set(&baton_conf1_cycles, 0);
	atomic64_set(&baton_conf1_waits, 0);
	ret = baton_detours_on(baton_conf1_detours, ARRAY_SIZE(baton_conf1_detours),
			       "share PCI config cycles with B");
	if (ret) {
		module_put(THIS_MODULE);
		return -EOPNOTSUPP;	/* the line above names the function and ftrace's error */
	}
	/*
	 * A task preempted between the entry of pci_conf1_read/write and its pci_config_lock
	 * (preempt=full) would still run one pair without the ledger's lock: it has left the
	 * function once it has scheduled voluntarily.
	 */
	synchronize_rcu_tasks();
	baton_conf1_active = true;
	return 0;
}

/* B is stopped: a pair it left half done is nobody's, and A's pairs are A's alone again. */
void baton_conf1_off(void)
{
	u32 *word = &baton_ledger()->conf1_lock;

	if (!baton_conf1_active)
		return;
	if (cmpxchg(word, BATON_CONF1_B, BATON_CONF1_FREE) == BATON_CONF1_B)
		pr_warn("baton: B stopped in the middle of a type 1 config access: its hold on 0xcf8 is released\n");
	baton_detours_off(baton_conf1_detours, ARRAY_SIZE(baton_conf1_detours));
	baton_conf1_active = false;
	module_put(THIS_MODULE);
	pr_info("baton: A's type 1 config cycles while B ran: %lld, %lld of them waited for B\n",
		(long long)atomic64_read(&baton_conf1_cycles),
		(long long)atomic64_read(&baton_conf1_waits));
}
