/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BATON_MODULE_H
#define BATON_MODULE_H

#include <linux/cpumask.h>
#include <linux/ftrace.h>
#include <linux/types.h>
#include <baton/ledger.h>

/* baton_ledger.c: the shared low window, mapped once at load. */
int baton_ledger_map(void);
void baton_ledger_unmap(void);
unsigned int baton_window(void);
u64 baton_window_base(void);
bool baton_low_window_reserved(void);
struct baton_ledger *baton_ledger(void);
void baton_ledger_event(u32 kind, u32 resource, u64 arg, u64 size);
bool baton_ledger_gave(u32 resource, u64 arg);

/* baton_guard.c: A must not bring B's CPUs back online while B owns them. */
int baton_guard_install(const struct cpumask *b_cpus);
void baton_guard_remove(void);
bool baton_guard_active(void);
void baton_guard_add(unsigned int cpu);
void baton_guard_drop(unsigned int cpu);
bool baton_guard_has(unsigned int cpu);

/*
 * baton_launch.c: INIT-SIPI into the trampoline, and INIT to stop B's CPUs.  An APIC ID
 * A's APIC mode cannot address gets no IPI: -ERANGE.
 */
int baton_cpu_of_apicid(u32 apic_id);
bool baton_apic_id_reachable(u32 apic_id);
int baton_launch_cpu(u64 partition_base, u32 apic_id);
int baton_park_cpu(u64 partition_base, u32 apic_id, unsigned int slot);
int baton_park_cpu_in(u64 window, u64 image_base, u32 apic_id, unsigned int slot);
void baton_stop_cpu(u32 apic_id);
int baton_send_nmi(u32 apic_id);

/* baton_main.c: the ioctls' lock, and the abort (with baton_lock held). */
extern struct mutex baton_lock;
long baton_abort(void);

/* baton_load.c: the partition kexec_load(KEXEC_ON_CRASH) filled, and a fresh ledger. */
struct baton_load_args;
long baton_load(struct baton_load_args __user *uarg);

/* baton_b_died.c: B fell silent; past b_timeout_ms A takes back what B had. */
void baton_b_silent(s64 age_ms);
void baton_b_died_cancel(void);

/* baton_heartbeat.c: watches B's heartbeat counter from A's side. */
void baton_heartbeat_start(void);
void baton_heartbeat_stop(void);
s64 baton_heartbeat_age_ms(void);

/* baton_doorbell.c: B's doorbell NMIs. */
int baton_doorbell_register(void);
void baton_doorbell_unregister(void);
u64 baton_doorbells(void);

/* baton_request.c: a request to B in the ledger, and B's answer. */
void baton_ring_b(u32 bit);
void baton_silence_b(void);
void baton_post_request(u32 resource, u64 arg, u64 size);
int baton_request(u32 resource, u64 arg, u64 size, unsigned int timeout_ms);

/* baton_handover.c: A's last CPU goes to B; returns only if A cannot stop yet. */
struct baton_hand_over_args;
int baton_hand_over(struct baton_hand_over_args __user *uarg);
u32 baton_a_uarts(void);

/* baton_limbo.c: one of A's CPUs walks into the trampoline's limbo by itself. */
int baton_limbo_prepare(void);
void baton_limbo_release(void);
void baton_mask_local_apic(void);
void __noreturn baton_enter_limbo(unsigned int slot, u32 resource);

/* baton_quiesce.c: A's PCI functions as B inherits them. */
void baton_quiesce_pci(void);
void baton_publish_a_pci(void);

/* baton_failover.c: A dies with B running; its CPUs go to limbo, B takes the machine. */
int baton_failover_arm(void);
void baton_failover_disarm(void);
bool baton_failover_armed(void);
bool baton_failover_nmi(void);

/* baton_release_cpu.c, baton_release_mem.c: the handover, one resource at a time. */
int baton_release_cpu(unsigned int cpu, unsigned int timeout_ms);
struct baton_cpu_slot *baton_add_cpu_slot(u32 apic_id, unsigned int cpu, unsigned int *idx);
void baton_drop_cpu_slot(unsigned int idx);
void baton_return_cpus(void);
int baton_release_mem(u64 base, u64 size, unsigned int timeout_ms);
void baton_return_mems(void);
int baton_release_pci(u32 id, unsigned int timeout_ms);
int baton_release_irq(u32 gsi, unsigned int timeout_ms);

/* baton_ioapic.c: the IOAPICs' pins, through their registers. */
#define IOAPIC_RTE_MASKED	BIT(16)

struct baton_ioapics {
	void __iomem *base[BATON_MAX_IOAPICS];
	u32 gsi_base[BATON_MAX_IOAPICS];
	unsigned int pins[BATON_MAX_IOAPICS];
	unsigned int n;
};

void baton_map_ioapics(struct baton_ioapics *io);
void baton_unmap_ioapics(struct baton_ioapics *io);
unsigned int baton_mask_ioapic_pins(struct baton_ioapics *io);
s64 baton_mask_ioapic_gsi(struct baton_ioapics *io, u32 gsi);

/* baton_detour.c: calls of a function of A's kernel go to one of baton's (ftrace). */
struct baton_detour {
	const char *func;		/* the function of A's kernel */
	unsigned long to;		/* where a call goes instead, with the same arguments */
	/* whether this call goes there (its registers at the function's entry); NULL: all */
	bool (*divert)(struct baton_detour *d, const struct pt_regs *regs);
	bool armed;
	struct ftrace_ops ops;
};

void baton_detour_handler(unsigned long ip, unsigned long parent_ip, struct ftrace_ops *op,
			  struct ftrace_regs *fregs);

#define BATON_DETOUR(f, dest, when) {						\
	.func = f, .to = (unsigned long)(dest), .divert = when,			\
	.ops = {								\
		.func = baton_detour_handler,					\
		.flags = FTRACE_OPS_FL_SAVE_REGS | FTRACE_OPS_FL_IPMODIFY |	\
			 FTRACE_OPS_FL_PERMANENT | FTRACE_OPS_FL_RECURSION,	\
	},									\
}

int baton_detours_on(struct baton_detour *const *d, unsigned int n, const char *why);
void baton_detours_off(struct baton_detour *const *d, unsigned int n);

/* baton_conf1.c: A's type 1 config cycles take the ledger's lock while a B runs. */
int baton_conf1_on(void);
void baton_conf1_off(void);

/* baton_crash_slot.c: nothing but baton replaces, unloads or shrinks its crash image. */
struct baton_slot_args;
long baton_slot_ioctl(struct baton_slot_args __user *uarg);
u32 baton_slot_bits(void);
bool baton_slot_held(void);
u64 baton_slot_refusals(void);
int baton_slot_seal(u64 launch_block);

/* baton_guest.c, baton_firmware.c: hosting in a kernel that baton launched (a chain). */
bool baton_is_guest(void);
unsigned int baton_host_window(void);
int baton_host_ready(void);
struct kobject *baton_guest_sysfs_dir(void);
unsigned int baton_guest_ioapics(u64 *phys, u32 *gsi_base, unsigned int max);
int baton_cpu_home(u32 apic_id);
int baton_bsp_cpu(void);
int baton_move_limbo(struct baton_cpu_slot *from, struct baton_cpu_slot *to, u32 to_idx,
		     u64 limbo_enter64);
u64 baton_limbo_entry_of(u64 image_base);
int baton_hand_over_bsp(unsigned int cpu, unsigned int timeout_ms);
int baton_firmware_init(struct kobject *parent);
void baton_firmware_exit(void);

/* baton_reserve.c: B's partition set aside at run time (no crashkernel= at boot). */
struct baton_reserve_args;
long baton_reserve(struct baton_reserve_args __user *uarg);
void baton_reserve_release(void);

/* baton_main.c, baton_sysfs.c: the ledger's state; /sys/kernel/baton/ for people. */
u32 baton_state(void);
int baton_sysfs_init(void);
void baton_sysfs_exit(void);

/* baton_link_a.c: A's end of the inter-kernel link (link/baton_net.c). */
int baton_link_a_start(void);
void baton_link_a_stop(bool free_area);

#endif
