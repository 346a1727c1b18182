// SPDX-License-Identifier: GPL-2.0
/*
 * Releasing a PCI function: `baton release pci` has fenced it (driver_override, so no driver
 * of A binds it again).  Here A unbinds its driver, makes sure bus mastering is off (no DMA
 * into RAM that will be B's) and asks B to adopt it: B scans the function and binds its own
 * driver.  The function's INTx routing stays as the firmware set it: A's driver must not
 * run the ACPI link teardown on the way out (under TCG it costs ~200 ms of interpreted AML
 * in the NIC's blackout, and B drives the function with MSI-X anyway).
 *
 * Behind a bridge the function stays in A's PCI tree below it, held runtime-active: with
 * nothing of A's awake below, A's runtime PM would otherwise be free to put the bridge in
 * D3hot, and B would lose the function.  The bridges keep forwarding as A configured them;
 * B reaches the function through them without reprogramming them.
 */
#include <linux/device.h>
#include <linux/pci.h>
#include <linux/pm_runtime.h>
#include "baton.h"

int baton_release_pci(u32 id, unsigned int timeout_ms)
{
	struct pci_dev *pdev;
	u16 cmd;
	int ret = 0;

	pdev = pci_get_domain_bus_and_slot(id >> 16, (id >> 8) & 0xff, id & 0xff);
	if (!pdev)
		return -ENODEV;
	if ((pdev->class >> 16) == PCI_BASE_CLASS_BRIDGE) {
		ret = -EPERM;	/* bridges stay with the machine, not with a kernel */
		goto out;
	}
	/* Resumed by A's driver, which still has it: the bridges above wake with it. */
	pm_runtime_get_sync(&pdev->dev);
	device_lock(&pdev->dev);
	pdev->irq_managed = 0;
	device_unlock(&pdev->dev);
	device_release_driver(&pdev->dev);
	device_lock(&pdev->dev);
	if (pdev->dev.driver) {
		ret = -EBUSY;	/* something bound it again: not fenced */
	} else {
		pci_read_config_word(pdev, PCI_COMMAND, &cmd);
		pci_write_config_word(pdev, PCI_COMMAND, cmd & ~PCI_COMMAND_MASTER);
	}
	device_unlock(&pdev->dev);
	if (!ret) {
		baton_ledger_event(BATON_EV_RELEASE, BATON_RES_PCI, id, 0);
		ret = baton_request(BATON_RES_PCI, id, 0, timeout_ms);
		if (ret)
			baton_ledger_event(BATON_EV_RETURN, BATON_RES_PCI, id, 0);
	}
	/* Back to A (its driver binds it again), unless B may have it (-EIO: B is stuck). */
	if (ret && ret != -EIO)
		pm_runtime_put(&pdev->dev);
out:
	pci_dev_put(pdev);
	return ret;
}
