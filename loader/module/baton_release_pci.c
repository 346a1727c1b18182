// SPDX-License-Identifier: GPL-2.0
/*
 * Releasing a PCI function: `baton release pci` has unbound A's driver (and fenced the function
 * with driver_override, so nothing binds it again); here A makes sure the function is idle,
 * clears bus mastering (no DMA into RAM that will be B's) and asks B to adopt it.  B rescans
 * the bus with the function on its allow-list and binds its own driver.
 */
#include <linux/pci.h>
#include "baton.h"

int baton_release_pci(u32 id, unsigned int timeout_ms)
{
	struct pci_dev *pdev;
	u16 cmd;
	int ret;

	pdev = pci_get_domain_bus_and_slot(id >> 16, (id >> 8) & 0xff, id & 0xff);
	if (!pdev)
		return -ENODEV;
	if ((pdev->class >> 16) == PCI_BASE_CLASS_BRIDGE) {
		ret = -EPERM;	/* bridges stay with the machine, not with a kernel */
		goto out;
	}
	device_lock(&pdev->dev);
	ret = pdev->dev.driver ? -EBUSY : 0;	/* A still drives it */
	if (!ret) {
		pci_read_config_word(pdev, PCI_COMMAND, &cmd);
		pci_write_config_word(pdev, PCI_COMMAND, cmd & ~PCI_COMMAND_MASTER);
	}
	device_unlock(&pdev->dev);
	if (ret)
		goto out;
	baton_ledger_event(BATON_EV_RELEASE, BATON_RES_PCI, id, 0);
	ret = baton_request(BATON_RES_PCI, id, 0, timeout_ms);
	if (ret)
		baton_ledger_event(BATON_EV_RETURN, BATON_RES_PCI, id, 0);
out:
	pci_dev_put(pdev);
	return ret;
}
