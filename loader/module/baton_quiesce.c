// SPDX-License-Identifier: GPL-2.0
/*
 * A's PCI functions as B inherits them.  Before A's RAM becomes B's, nothing of A may write
 * into it: every function A still has loses bus mastering and its MSI/MSI-X enables (decode
 * stays, so B finds the function where it was).  A bridge keeps bus mastering and decode -
 * it forwards for B's functions below it - but the interrupts of A's port services on it
 * (hotplug, AER, PME) stop: their vectors are A's, on CPUs that become B's.  For a failover,
 * A publishes in the ledger which functions its drivers run, so that B can quiesce and adopt
 * them when A cannot.
 */
#include <linux/pci.h>
#include "baton.h"

static u32 baton_pci_id(struct pci_dev *dev)
{
	return pci_domain_nr(dev->bus) << 16 | dev->bus->number << 8 | dev->devfn;
}

static bool baton_pci_bridge(struct pci_dev *dev)
{
	return (dev->class >> 16) == PCI_BASE_CLASS_BRIDGE;
}

static void baton_clear_word(struct pci_dev *dev, int where, u16 bits)
{
	u16 v;

	if (pci_read_config_word(dev, where, &v) == PCIBIOS_SUCCESSFUL && (v & bits))
		pci_write_config_word(dev, where, v & ~bits);
}

/*
 * Only functions a driver of A's still runs: B's own functions and those A released stay in
 * A's PCI tree, fenced and unbound, and B is using them.
 */
void baton_quiesce_pci(void)
{
	struct pci_dev *dev = NULL;

	for_each_pci_dev(dev) {
		if (!dev->driver)
			continue;
		if (!baton_pci_bridge(dev))
			baton_clear_word(dev, PCI_COMMAND, PCI_COMMAND_MASTER);
		if (dev->msi_cap)
			baton_clear_word(dev, dev->msi_cap + PCI_MSI_FLAGS, PCI_MSI_FLAGS_ENABLE);
		if (dev->msix_cap)
			baton_clear_word(dev, dev->msix_cap + PCI_MSIX_FLAGS,
					 PCI_MSIX_FLAGS_ENABLE);
	}
}

/* The functions A's drivers run (bridges aside), for B to take if A dies. */
void baton_publish_a_pci(void)
{
	struct baton_ledger *l = baton_ledger();
	struct pci_dev *dev = NULL;
	unsigned int n = 0;

	for_each_pci_dev(dev) {
		if (baton_pci_bridge(dev) || !dev->driver)
			continue;
		if (n == BATON_MAX_PCI) {
			pr_warn("baton: more than %u PCI functions in A: B would not take %s on a failover\n",
				BATON_MAX_PCI, pci_name(dev));
			continue;
		}
		WRITE_ONCE(l->a_pci[n++], baton_pci_id(dev));
	}
	WRITE_ONCE(l->a_npci, n);
}
