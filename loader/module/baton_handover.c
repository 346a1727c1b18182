// SPDX-License-Identifier: GPL-2.0
/*
 * The last step of the handover: A stops and its last CPU (CPU 0) goes to B.
 *
 * A's other CPUs and memory have gone to B one by one (baton_release_*.c); what is left runs
 * on CPU 0, the BSP, which must not see an INIT (on the BSP it restarts the firmware).  So
 * CPU 0 walks into limbo itself: with preemption and interrupts off it masks every IOAPIC pin
 * still routed to A and stops its LAPIC timer, lets interrupts already in flight drain, posts
 * the request for B, and jumps to the trampoline's limbo_enter64 on transition page tables
 * (low 4 GiB identity mapped, kernel half A's own, so the jump itself stays mapped).  B adopts
 * it through its ledger mailbox like any other CPU.  A never runs again.
 */
#include <linux/acpi.h>
#include <linux/cpu.h>
#include <linux/irq.h>
#include <linux/serial_8250.h>
#include <linux/uaccess.h>
#include <baton/ioctl.h>
#include <linux/delay.h>
#include <linux/io.h>
#include <linux/ioport.h>
#include <asm/apic.h>
#include <asm/irq_vectors.h>
#include <asm/nospec-branch.h>
#include <asm/pgtable.h>
#include <asm/tlbflush.h>
#include "baton.h"

#define BATON_DRAIN_US		50	/* for interrupts in flight when A masked its pins */
#define BATON_PREPARE_TIMEOUT_MS 5000

static const u16 pcuart_base[] = BATON_UART_PORTS;

/* Exported by 8250_core.c; its declaration is in the driver's private 8250.h. */
struct uart_8250_port *serial8250_get_port(int line);

/* The 8250 line that drives a legacy UART in A, or -1. */
static int baton_uart_line(unsigned int n)
{
	struct uart_8250_port *up;
	int line;

	for (line = 0; line < 4; line++) {
		up = serial8250_get_port(line);
		if (up && up->port.iobase == pcuart_base[n] && up->port.type != PORT_UNKNOWN)
			return line;
	}
	return -1;
}

/*
 * A's UARTs go to B: unregistering hangs up every open (A's console included), frees the
 * interrupt and so masks its pin; NOREQUEST keeps A from requesting it again.
 */
static void baton_release_uarts(u32 uarts)
{
	unsigned int n;
	int line, irq;

	for (n = 0; n < ARRAY_SIZE(pcuart_base); n++) {
		if (!(uarts & BIT(n)))
			continue;
		line = baton_uart_line(n);
		if (line < 0)
			continue;
		irq = serial8250_get_port(line)->port.irq;
		serial8250_unregister_port(line);
		if (irq > 0)
			irq_modify_status(irq, 0, IRQ_NOREQUEST);
		baton_ledger_event(BATON_EV_RELEASE, BATON_RES_UART, pcuart_base[n], irq);
	}
}

static void __noreturn baton_jump_to_limbo(u64 pml4, u64 entry, u32 slot)
{
	/*
	 * The kernel half is the same on both sides of the CR3 write: the call stays mapped.
	 * A call, not a jmp, for objtool's sake: limbo_enter64 never returns.
	 */
	asm volatile("mov %0, %%cr3\n\t"
		     ANNOTATE_RETPOLINE_SAFE
		     "call *%1"
		     : : "r"(pml4), "r"(entry), "D"(slot) : "memory");
	unreachable();
}

int baton_hand_over(struct baton_hand_over_args __user *uarg)
{
	struct baton_ledger *l = baton_ledger();
	struct baton_hand_over_args args;
	struct baton_image_header hdr;
	struct baton_ioapics io = {};
	u64 *image_pml4, *pml4;
	unsigned int i, idx, masked;
	void *image;
	int ret;
	u64 entry;
	u32 apic_id;
	pgd_t *pgd;

	if (copy_from_user(&args, uarg, sizeof(args)))
		return -EFAULT;
	if (args.flags || args.uarts >> ARRAY_SIZE(pcuart_base))
		return -EINVAL;
	for (i = 0; i < ARRAY_SIZE(pcuart_base); i++)
		if ((args.uarts & BIT(i)) && baton_uart_line(i) < 0)
			return -ENXIO;
	if (num_online_cpus() != 1 || !cpu_online(0))
		return -EBUSY;	/* A's other CPUs go first, one by one */
	if (pgtable_l5_enabled())
		return -EOPNOTSUPP;	/* the transition tables are 4-level */
	if (READ_ONCE(l->b_doorbell_apic) == BATON_NO_DOORBELL)
		return -ENOTCONN;
	idx = READ_ONCE(l->ncpus);
	if (idx >= BATON_MAX_CPUS)
		return -ENOSPC;
	if (acpi_disabled)
		return -ENODEV;	/* the IOAPICs are found in the MADT */

	image = memremap(l->partition_base, PAGE_SIZE, MEMREMAP_WB);
	if (!image)
		return -ENOMEM;
	memcpy(&hdr, image + BATON_IMAGE_HEADER_OFFSET, sizeof(hdr));
	memunmap(image);
	if (hdr.magic != BATON_IMAGE_MAGIC || hdr.version != BATON_ABI_VERSION ||
	    hdr.limbo_enter64 >= hdr.image_size || hdr.page_table >= hdr.image_size)
		return -ENOEXEC;
	/* The image is read-only in A (kexec protects the crash region): only read it. */
	image = memremap(l->partition_base, hdr.image_size, MEMREMAP_WB);
	pml4 = memremap(BATON_TRANSITION_PML4, PAGE_SIZE, MEMREMAP_WB);
	if (!image || !pml4) {
		if (image)
			memunmap(image);
		if (pml4)
			memunmap(pml4);
		return -ENOMEM;
	}

	baton_map_ioapics(&io);
	if (!io.n) {
		memunmap(pml4);
		memunmap(image);
		return -ENODEV;
	}

	/* Transition tables: the trampoline's identity map below, A's kernel half above. */
	image_pml4 = image + hdr.page_table;
	pgd = __va(read_cr3_pa());
	memset(pml4, 0, PAGE_SIZE);
	pml4[0] = image_pml4[0];
	for (i = PTRS_PER_PGD / 2; i < PTRS_PER_PGD; i++)
		pml4[i] = pgd_val(pgd[i]);
	entry = l->partition_base + hdr.limbo_enter64;
	memunmap(pml4);
	memunmap(image);

	apic_id = per_cpu(x86_cpu_to_apicid, 0);
	baton_add_cpu_slot(apic_id, 0, &idx);

	pr_info("baton: handing over: CPU 0 (APIC %u) goes to B; A stops now\n", apic_id);
	/*
	 * B prepares CPU 0's bringup (its device, per-CPU threads, ...) while A still runs: that
	 * work leaves the critical path.  Without it B does it all after A has stopped.
	 */
	ret = baton_request(BATON_RES_PREPARE_CPU, apic_id, 0, BATON_PREPARE_TIMEOUT_MS);
	if (ret == -EIO || ret == -EBUSY)
		return ret;	/* B is stuck on a request: A must not stop */
	if (ret)
		pr_warn("baton: B did not prepare CPU 0 (%d): it adopts it the long way\n", ret);
	/* B stops reading A's end of the link; the area becomes B's RAM with the rest. */
	baton_link_a_stop(false);
	/* Last thing that sleeps: it hangs up A's console. */
	baton_release_uarts(args.uarts);
	preempt_disable();
	local_irq_disable();
	baton_ledger_event(BATON_EV_RELEASE, BATON_RES_LAST_CPU, apic_id, 0);
	masked = baton_mask_ioapic_pins(&io);
	apic_write(APIC_LVTT, APIC_LVT_MASKED | LOCAL_TIMER_VECTOR);
	apic_write(APIC_TMICT, 0);
	/*
	 * What was accepted before the masks lands now, in A's handlers.  A busy wait: with
	 * preemption off and the timer stopped nothing could wake a sleeper.
	 */
	local_irq_enable();
	udelay(BATON_DRAIN_US);
	local_irq_disable();
	WRITE_ONCE(l->a_pins_masked, masked);
	baton_post_request(BATON_RES_LAST_CPU, apic_id, args.uarts);
	baton_jump_to_limbo(BATON_TRANSITION_PML4, entry, idx);
}
