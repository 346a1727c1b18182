// SPDX-License-Identifier: GPL-2.0
/*
 * Releasing an IOAPIC pin on its own, ahead of the device that will use it in B: A must not
 * use the interrupt (no handler: a pin with one goes with its device), marks it NOREQUEST so
 * that no driver of A requests it later, masks the pin and tells B the trigger and polarity.
 */
#include <linux/acpi.h>
#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/stop_machine.h>
#include "baton.h"

#define IOAPIC_RTE_VECTOR	0xff
#define IOAPIC_RTE_ACTIVE_LOW	BIT(13)
#define IOAPIC_RTE_LEVEL	BIT(15)

/* As A programmed the pin; one A never programmed gets its bus's default (ISA / PCI). */
static u32 baton_irq_flags(u32 gsi, u32 rte)
{
	u32 flags = 0;

	if (!(rte & IOAPIC_RTE_VECTOR))
		return gsi < 16 ? 0 : BATON_IRQ_LEVEL | BATON_IRQ_ACTIVE_LOW;
	if (rte & IOAPIC_RTE_LEVEL)
		flags |= BATON_IRQ_LEVEL;
	if (rte & IOAPIC_RTE_ACTIVE_LOW)
		flags |= BATON_IRQ_ACTIVE_LOW;
	return flags;
}

struct baton_mask_one {
	struct baton_ioapics *io;
	u32 gsi;
	s64 rte;
};

static int baton_mask_one(void *data)
{
	struct baton_mask_one *m = data;

	m->rte = baton_mask_ioapic_gsi(m->io, m->gsi);
	return 0;
}

int baton_release_irq(u32 gsi, unsigned int timeout_ms)
{
	struct baton_mask_one mask = { .gsi = gsi };
	struct baton_ioapics io = {};
	unsigned int irq;
	u32 flags;
	s64 rte;
	int ret;

	if (acpi_disabled)
		return -ENODEV;	/* the pins are found in the MADT */
	if (acpi_gsi_to_irq(gsi, &irq) < 0)
		return -ENODEV;
	if (irq_check_status_bit(irq, IRQ_NOREQUEST))
		return -EALREADY;	/* released before (or never A's drivers' to request) */
	irq_modify_status(irq, 0, IRQ_NOREQUEST);
	if (irq_has_action(irq)) {
		irq_modify_status(irq, IRQ_NOREQUEST, 0);
		return -EBUSY;
	}
	baton_map_ioapics(&io);
	/*
	 * The IOAPIC's select/data register pair is A's too (its ioapic_lock is not ours to
	 * take): nothing else of A may run while this reads and masks the pin.
	 */
	mask.io = &io;
	stop_machine(baton_mask_one, &mask, NULL);
	rte = mask.rte;
	baton_unmap_ioapics(&io);
	if (rte < 0) {
		irq_modify_status(irq, IRQ_NOREQUEST, 0);
		return rte;
	}
	flags = baton_irq_flags(gsi, rte);
	baton_ledger_event(BATON_EV_RELEASE, BATON_RES_IRQ, gsi, flags);
	ret = baton_request(BATON_RES_IRQ, gsi, flags, timeout_ms);
	if (ret) {
		irq_modify_status(irq, IRQ_NOREQUEST, 0);
		baton_ledger_event(BATON_EV_RETURN, BATON_RES_IRQ, gsi, flags);
		return ret;
	}
	/* A request_irq() that passed its NOREQUEST check before we set it. */
	if (irq_has_action(irq))
		pr_warn("baton: IRQ %u (GSI %u) got a handler in A while it went to B\n", irq, gsi);
	return 0;
}
