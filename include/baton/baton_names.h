/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Part of the ledger ABI: the names baton status, /sys/kernel/baton/status and the kernels'
 * messages print for the ledger's values, and the UART mask helper.  Include
 * <baton/ledger.h>, which includes this after the values are defined.
 */
#ifndef BATON_NAMES_H
#define BATON_NAMES_H

#ifndef BATON_LEDGER_H
#error "include baton/ledger.h, not baton_names.h"
#endif

/* The mask bit of the legacy UART at I/O port `port`; 0 for any other port. */
static inline baton_u32 baton_uart_bit(baton_u32 port)
{
	static const baton_u16 ports[BATON_NR_UARTS] = BATON_UART_PORTS;
	baton_u32 n;

	for (n = 0; n < BATON_NR_UARTS; n++)
		if (ports[n] == port)
			return 1u << n;
	return 0;
}

/* The name `baton status` and /sys/kernel/baton/status print for a state. */
static inline const char *baton_state_name(baton_u32 state)
{
	switch (state) {
	case BATON_STATE_EMPTY: return "empty";
	case BATON_STATE_LOADED: return "loaded";
	case BATON_STATE_LAUNCHED: return "launched";
	case BATON_STATE_B_BOOTING: return "b-booting";
	case BATON_STATE_B_RUNNING: return "b-running";
	case BATON_STATE_FAILED: return "failed";
	case BATON_STATE_HANDED_OVER: return "handed-over";
	}
	return "unknown";
}

static inline const char *baton_cpu_state_name(baton_u32 state)
{
	switch (state) {
	case BATON_CPU_UNKNOWN: return "-";
	case BATON_CPU_SIPI_SENT: return "waking";
	case BATON_CPU_LIMBO: return "limbo";
	case BATON_CPU_B_BOOT: return "b-boot";
	case BATON_CPU_B_ONLINE: return "b-online";
	}
	return "unknown";
}

static inline const char *baton_resource_name(baton_u32 resource)
{
	switch (resource) {
	case BATON_RES_CPU: return "cpu";
	case BATON_RES_MEM: return "mem";
	case BATON_RES_LAST_CPU: return "last-cpu";
	case BATON_RES_UART: return "uart";
	case BATON_RES_PCI: return "pci";
	case BATON_RES_IRQ: return "irq";
	case BATON_RES_PREPARE_CPU: return "prepare-cpu";
	case BATON_RES_FAILOVER: return "failover";
	}
	return "unknown";
}

static inline const char *baton_event_name(baton_u32 kind)
{
	switch (kind) {
	case BATON_EV_RELEASE: return "release";
	case BATON_EV_LIMBO: return "limbo";
	case BATON_EV_ADOPT: return "adopt";
	case BATON_EV_RETURN: return "return";
	case BATON_EV_TAKE: return "take";
	}
	return "unknown";
}

static inline const char *baton_a_fate_name(baton_u32 fate)
{
	switch (fate) {
	case BATON_A_ALIVE: return "alive";
	case BATON_A_PANICKED: return "panicked";
	case BATON_A_CRASH_KEXEC: return "crash-kexec";
	case BATON_A_HUNG: return "hung";
	}
	return "unknown";
}
#endif /* BATON_NAMES_H */
