// SPDX-License-Identifier: GPL-2.0
/*
 * The machine's firmware facts in a kernel that baton launched, for `baton plan` there:
 * /sys/kernel/baton/firmware/memmap and the firmware's MADT, SRAT and MCFG.  Such a kernel
 * boots without ACPI, on a private MADT that lists only its first CPUs, and its own e820 and
 * /sys/firmware/memmap mark its host's RAM reserved.  What the firmware said is still there:
 * the memory map in the launch block its host wrote (in its trampoline's resident region),
 * the tables behind the firmware's RSDP, which its partition record names.  Copied once, at
 * load: nobody writes either.
 *
 * memmap: one line per entry, "start end type": hex, end inclusive (as /sys/firmware/memmap),
 * the e820 type number.
 */
#include <linux/io.h>
#include <linux/slab.h>
#include <linux/sysfs.h>
#include "baton.h"
#ifdef CONFIG_BATON_GUEST
#include <linux/unaligned.h>
#include <asm/baton.h>

#define BATON_ACPI_HEADER	36u
#define BATON_ACPI_MAX		SZ_1M

struct baton_fw_file {
	const char *sig;		/* ACPI signature, or NULL for the memory map */
	void *data;
	size_t len;
	bool shown;
	struct bin_attribute attr;
};

static struct baton_fw_file baton_fw[] = {
	{ .sig = NULL, .attr = { .attr = { .name = "memmap", .mode = 0400 } } },
	{ .sig = "APIC", .attr = { .attr = { .name = "APIC", .mode = 0400 } } },
	{ .sig = "SRAT", .attr = { .attr = { .name = "SRAT", .mode = 0400 } } },
	{ .sig = "MCFG", .attr = { .attr = { .name = "MCFG", .mode = 0400 } } },
};

static struct kobject *baton_fw_dir;

static ssize_t baton_fw_read(struct file *file, struct kobject *kobj, struct bin_attribute *a,
			     char *buf, loff_t off, size_t count)
{
	struct baton_fw_file *f = container_of(a, struct baton_fw_file, attr);

	return memory_read_from_buffer(buf, count, &off, f->data, f->len);
}

/* A copy of the table at `phys`, if its length is sane; NULL otherwise. */
static void *baton_acpi_copy(u64 phys, size_t *len)
{
	u32 length;
	void *p, *copy;

	p = memremap(phys, BATON_ACPI_HEADER, MEMREMAP_WB);
	if (!p)
		return NULL;
	length = get_unaligned_le32(p + 4);
	memunmap(p);
	if (length < BATON_ACPI_HEADER || length > BATON_ACPI_MAX)
		return NULL;
	p = memremap(phys, length, MEMREMAP_WB);
	if (!p)
		return NULL;
	copy = kmemdup(p, length, GFP_KERNEL);
	memunmap(p);
	*len = length;
	return copy;
}

/* The firmware's XSDT (or RSDT): the tables it lists, by signature. */
static void baton_fw_tables(u64 rsdp_phys)
{
	size_t root_len, entry, i, j;
	u8 *rsdp, *root;
	u64 root_phys, t;

	rsdp = memremap(rsdp_phys, 36, MEMREMAP_WB);
	if (!rsdp)
		return;
	if (memcmp(rsdp, "RSD PTR ", 8)) {
		memunmap(rsdp);
		return;
	}
	entry = rsdp[15] >= 2 && get_unaligned_le64(rsdp + 24) ? 8 : 4;
	root_phys = entry == 8 ? get_unaligned_le64(rsdp + 24) : get_unaligned_le32(rsdp + 16);
	memunmap(rsdp);
	root = baton_acpi_copy(root_phys, &root_len);
	if (!root)
		return;
	for (i = BATON_ACPI_HEADER; i + entry <= root_len; i += entry) {
		size_t len;
		void *table;

		t = entry == 8 ? get_unaligned_le64(root + i) : get_unaligned_le32(root + i);
		table = baton_acpi_copy(t, &len);
		if (!table)
			continue;
		for (j = 1; j < ARRAY_SIZE(baton_fw); j++) {
			if (!baton_fw[j].data && !memcmp(table, baton_fw[j].sig, 4)) {
				baton_fw[j].data = table;
				baton_fw[j].len = len;
				table = NULL;
				break;
			}
		}
		kfree(table);
	}
	kfree(root);
}

/* The machine's memory map, as the launch block of this kernel's own launch has it. */
static void baton_fw_memmap(const struct baton_ledger *own)
{
	struct baton_launch_block *b;
	size_t cap, n = 0;
	u32 i, count;
	char *text;

	b = memremap(READ_ONCE(own->launch_block), sizeof(*b), MEMREMAP_WB);
	if (!b)
		return;
	count = b->magic == BATON_LAUNCH_MAGIC ? min(b->nfirmware, BATON_LAUNCH_MAX_E820) : 0;
	cap = count * 48 + 1;
	text = kmalloc(cap, GFP_KERNEL);
	for (i = 0; text && i < count; i++)
		n += scnprintf(text + n, cap - n, "%#llx %#llx %u\n", b->firmware[i].addr,
			       b->firmware[i].addr + b->firmware[i].size - 1,
			       b->firmware[i].type);
	memunmap(b);
	if (!count) {
		kfree(text);
		return;
	}
	baton_fw[0].data = text;
	baton_fw[0].len = n;
}

int baton_firmware_init(struct kobject *parent)
{
	const struct baton_partition_record *p = baton_guest_partition();
	struct baton_ledger *own = baton_shared_ledger();
	unsigned int i;
	int err;

	if (!p || !own)
		return 0;
	baton_fw_memmap(own);
	if (p->firmware_rsdp)
		baton_fw_tables(p->firmware_rsdp);
	baton_fw_dir = kobject_create_and_add("firmware", parent);
	if (!baton_fw_dir)
		return -ENOMEM;
	for (i = 0; i < ARRAY_SIZE(baton_fw); i++) {
		if (!baton_fw[i].data)
			continue;
		sysfs_bin_attr_init(&baton_fw[i].attr);
		baton_fw[i].attr.size = baton_fw[i].len;
		baton_fw[i].attr.read = baton_fw_read;
		err = sysfs_create_bin_file(baton_fw_dir, &baton_fw[i].attr);
		if (err) {
			baton_firmware_exit();
			return err;
		}
		baton_fw[i].shown = true;
	}
	return 0;
}

void baton_firmware_exit(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(baton_fw); i++) {
		if (baton_fw[i].shown)
			sysfs_remove_bin_file(baton_fw_dir, &baton_fw[i].attr);
		baton_fw[i].shown = false;
		kfree(baton_fw[i].data);
		baton_fw[i].data = NULL;
	}
	kobject_put(baton_fw_dir);
	baton_fw_dir = NULL;
}
#else
int baton_firmware_init(struct kobject *parent)
{
	return 0;
}

void baton_firmware_exit(void)
{
}
#endif
