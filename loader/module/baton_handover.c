// SPDX-License-Identifier: GPL-2.0
/*
 * The last step of the handover: A stops and its last CPU (CPU 0) goes to B.
 *
 * A's other CPUs and memory have gone to B one by one (baton_release_*.c); what is left runs
 * on CPU 0, the BSP, which must not see an INIT (on the BSP it restarts the firmware).  So
 * CPU 0 walks into limbo itself (baton_limbo.c): its PCI functions stop DMA and MSIs, then
 * with preemption and interrupts off it masks every IOAPIC pin still routed to A and its
 * local APIC's vectors, lets interrupts already in flight drain, posts the request for B and
 * enters limbo.  B adopts it through its ledger mailbox like any other CPU.  A never runs
 * again.
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
#include "baton.h"

#define BATON_DRAIN_US		50	/* for interrupts in flight when A masked its pins */
#define BATON_PREPARE_TIMEOUT_MS 5000
#define BATON_B_ALIVE_MS	2000	/* B's heartbeat (every 100 ms) no older than this */

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

/* The legacy UARTs A drives, bit n: UART n (BATON_UART_PORTS). */
u32 baton_a_uarts(void)
{
	unsigned int n;
	u32 mask = 0;

	for (n = 0; n < ARRAY_SIZE(pcuart_base); n++)
		if (baton_uart_line(n) >= 0)
			mask |= BIT(n);
	return mask;
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

int baton_hand_over(struct baton_hand_over_args __user *uarg)
{
	struct baton_ledger *l = baton_ledger();
	struct baton_hand_over_args args;
	struct baton_ioapics io = {};
	unsigned int i, idx, masked;
	int ret, bsp = baton_bsp_cpu();
	u32 apic_id;

	if (copy_from_user(&args, uarg, sizeof(args)))
		return -EFAULT;
	if (args.flags || args.uarts >> ARRAY_SIZE(pcuart_base))
		return -EINVAL;
	for (i = 0; i < ARRAY_SIZE(pcuart_base); i++)
		if ((args.uarts & BIT(i)) && baton_uart_line(i) < 0)
			return -ENXIO;
	/*
	 * A's other CPUs go first, one by one.  In a kernel baton launched the machine's BSP
	 * is left too: it goes here, just before CPU 0 (baton_guest.c).
	 */
	if (!cpu_online(0) || num_online_cpus() != 1 + (bsp > 0 && cpu_online(bsp)))
		return -EBUSY;
	/* A stops for good: only for a B that is there to take the machine. */
	if (READ_ONCE(l->b_doorbell_apic) == BATON_NO_DOORBELL ||
	    baton_heartbeat_age_ms() < 0 || baton_heartbeat_age_ms() > BATON_B_ALIVE_MS)
		return -ENOTCONN;
	idx = READ_ONCE(l->ncpus);
	if (idx >= BATON_MAX_CPUS)
		return -ENOSPC;
	if (acpi_disabled && !baton_is_guest())
		return -ENODEV;	/* the IOAPICs are found in the MADT */
	ret = baton_limbo_prepare();
	if (ret)
		return ret;
	baton_map_ioapics(&io);
	if (!io.n)
		return -ENODEV;

	apic_id = per_cpu(x86_cpu_to_apicid, 0);
	baton_add_cpu_slot(apic_id, 0, &idx);

	pr_info("baton: handing over: CPU 0 (APIC %u) goes to B; A stops now\n", apic_id);
	/*
	 * B prepares CPU 0's bringup (its device, per-CPU threads, ...) while A still runs: that
	 * work leaves the critical path.  Without it B does it all after A has stopped.
	 */
	ret = baton_request(BATON_RES_PREPARE_CPU, apic_id, 0, BATON_PREPARE_TIMEOUT_MS);
	if (ret == -EIO || ret == -EBUSY || ret == -ETIMEDOUT) {
		/* B is stuck, or not answering at all: A must not stop.  CPU 0 stays A's. */
		baton_drop_cpu_slot(idx);
		baton_unmap_ioapics(&io);
		return ret;
	}
	if (ret)
		pr_warn("baton: B did not prepare CPU 0 (%d): it adopts it the long way\n", ret);
	/* From the BSP's release on there is no way back: the last step follows. */
	if (bsp > 0 && cpu_online(bsp)) {
		ret = baton_hand_over_bsp(bsp, BATON_PREPARE_TIMEOUT_MS);
		if (ret) {
			baton_drop_cpu_slot(idx);
			baton_unmap_ioapics(&io);
			return ret;
		}
	}
	/* B stops reading A's end of the link; the area becomes B's RAM with the rest. */
	baton_link_a_stop(false);
	/* What A still has of the PCI bus stops DMA and MSIs: A's RAM becomes B's. */
	baton_quiesce_pci();
	/* Last thing that sleeps: it hangs up A's console. */
	baton_release_uarts(args.uarts);
	preempt_disable();
	local_irq_disable();
	baton_ledger_event(BATON_EV_RELEASE, BATON_RES_LAST_CPU, apic_id, 0);
	masked = baton_mask_ioapic_pins(&io);
	baton_mask_local_apic();
	/*
	 * What was accepted before the masks lands now, in A's handlers.  A busy wait: with
	 * preemption off and the timer stopped nothing could wake a sleeper.
	 */
	local_irq_enable();
	udelay(BATON_DRAIN_US);
	local_irq_disable();
	WRITE_ONCE(l->a_pins_masked, masked);
	baton_post_request(BATON_RES_LAST_CPU, apic_id, args.uarts);
	baton_enter_limbo(idx, BATON_RES_LAST_CPU);
}
