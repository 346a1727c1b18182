// SPDX-License-Identifier: GPL-2.0
/*
 * A's view of the IOAPICs' pins, outside A's own IOAPIC code: the last step masks every pin A
 * routes, `release irq` masks one and reads how A programmed it.  Through the registers, as
 * the firmware's MADT lists the IOAPICs (A found its own there at boot).
 */
#include <linux/acpi.h>
#include <linux/io.h>
#include "baton.h"

#define IOAPIC_REGSEL		0x00
#define IOAPIC_WINDOW		0x10
#define IOAPIC_REG_VERSION	0x01
#define IOAPIC_REG_RTE_LOW(pin)	(0x10 + 2 * (pin))

static u32 baton_ioapic_read(void __iomem *base, u32 reg)
{
	writel(reg, base + IOAPIC_REGSEL);
	return readl(base + IOAPIC_WINDOW);
}

static void baton_ioapic_write(void __iomem *base, u32 reg, u32 val)
{
	writel(reg, base + IOAPIC_REGSEL);
	writel(val, base + IOAPIC_WINDOW);
}

static bool baton_add_ioapic(struct baton_ioapics *io, u64 phys, u32 gsi_base)
{
	io->base[io->n] = ioremap(phys, PAGE_SIZE);
	if (!io->base[io->n])
		return false;
	io->gsi_base[io->n] = gsi_base;
	io->pins[io->n] = ((baton_ioapic_read(io->base[io->n], IOAPIC_REG_VERSION) >> 16) &
			   0xff) + 1;
	io->n++;
	return true;
}

void baton_map_ioapics(struct baton_ioapics *io)
{
	struct acpi_table_header *madt;
	struct acpi_subtable_header *sub;
	struct acpi_madt_io_apic *entry;
	u64 phys[BATON_MAX_IOAPICS];
	u32 gsi[BATON_MAX_IOAPICS];
	unsigned int i, n;
	void *p, *end;

	/* A kernel baton launched has no ACPI: its partition record lists the IOAPICs. */
	n = baton_guest_ioapics(phys, gsi, BATON_MAX_IOAPICS);
	for (i = 0; i < n; i++)
		baton_add_ioapic(io, phys[i], gsi[i]);
	if (baton_is_guest())
		return;
	if (ACPI_FAILURE(acpi_get_table(ACPI_SIG_MADT, 0, &madt)))
		return;
	p = (void *)madt + sizeof(struct acpi_table_madt);
	end = (void *)madt + madt->length;
	for (; p + sizeof(*sub) <= end && io->n < BATON_MAX_IOAPICS; p += sub->length) {
		sub = p;
		if (sub->length < sizeof(*sub) || p + sub->length > end)
			break;
		if (sub->type != ACPI_MADT_TYPE_IO_APIC || sub->length < sizeof(*entry))
			continue;
		entry = p;
		baton_add_ioapic(io, entry->address, entry->global_irq_base);
	}
	acpi_put_table(madt);
}

void baton_unmap_ioapics(struct baton_ioapics *io)
{
	while (io->n)
		iounmap(io->base[--io->n]);
}

/*
 * Every pin A still routes is masked: after CPU 0 leaves, nothing of A may interrupt it under
 * B.  A's own IOAPIC code is idle (one CPU, interrupts off); B programs no pin meanwhile (it
 * waits for this request).  Pins A gave B (`baton release irq`) are B's: left alone.
 */
unsigned int baton_mask_ioapic_pins(struct baton_ioapics *io)
{
	unsigned int i, pin, masked = 0;
	u32 rte;

	for (i = 0; i < io->n; i++) {
		for (pin = 0; pin < io->pins[i]; pin++) {
			if (baton_ledger_gave(BATON_RES_IRQ, io->gsi_base[i] + pin))
				continue;
			rte = baton_ioapic_read(io->base[i], IOAPIC_REG_RTE_LOW(pin));
			if (rte & IOAPIC_RTE_MASKED)
				continue;
			baton_ioapic_write(io->base[i], IOAPIC_REG_RTE_LOW(pin),
					   rte | IOAPIC_RTE_MASKED);
			masked++;
		}
	}
	return masked;
}

/* Masks the pin of `gsi` and returns its redirection entry's low half as it was, or -ENODEV. */
s64 baton_mask_ioapic_gsi(struct baton_ioapics *io, u32 gsi)
{
	unsigned int i, pin;
	u32 rte;

	for (i = 0; i < io->n; i++) {
		if (gsi < io->gsi_base[i] || gsi >= io->gsi_base[i] + io->pins[i])
			continue;
		pin = gsi - io->gsi_base[i];
		rte = baton_ioapic_read(io->base[i], IOAPIC_REG_RTE_LOW(pin));
		if (!(rte & IOAPIC_RTE_MASKED))
			baton_ioapic_write(io->base[i], IOAPIC_REG_RTE_LOW(pin),
					   rte | IOAPIC_RTE_MASKED);
		return rte;
	}
	return -ENODEV;
}
