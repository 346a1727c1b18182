// SPDX-License-Identifier: GPL-2.0
/*
 * baton.ko: kernel A's side of the handover.
 *
 * /dev/baton takes the CLI's requests (include/baton/ioctl.h): LOAD records the partition
 * that kexec_load(KEXEC_ON_CRASH) filled, LAUNCH guards B's CPUs and starts the trampoline
 * on the first one, RELEASE hands one resource to B (baton_release_*.c), ABORT stops B's CPUs,
 * gives A back what it released and forgets B, STATUS returns the ledger, SLOT holds and
 * frees the crash slot (baton_crash_slot.c).  Each needs CAP_SYS_BOOT and no lockdown, as
 * kexec_load does.  B rings A's doorbell (an NMI, baton_doorbell.c) once it is up.
 * /sys/kernel/baton/ is for people (baton_sysfs.c).
 */
#include <linux/capability.h>
#include <linux/cpu.h>
#include <asm/tsc.h>
#include <linux/ioport.h>
#include <linux/kexec.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/security.h>
#include <linux/uaccess.h>
#include <baton/ioctl.h>
#include "baton.h"

#ifndef BATON_VERSION
#define BATON_VERSION "dev"
#endif

/* One command at a time: the ioctls, and the recovery after B died (baton_b_died.c). */
DEFINE_MUTEX(baton_lock);
static unsigned long launched_at;	/* jiffies of the last LAUNCH, 0: none */

static bool baton_ledger_valid(const struct baton_ledger *l)
{
	return l->magic == BATON_LEDGER_MAGIC && l->version == BATON_ABI_VERSION;
}

u32 baton_state(void)
{
	struct baton_ledger *l = baton_ledger();

	return baton_ledger_valid(l) ? READ_ONCE(l->state) : BATON_STATE_EMPTY;
}

static long baton_launch(struct baton_launch_args __user *uarg)
{
	struct baton_ledger *l = baton_ledger();
	struct baton_launch_args args;
	struct cpumask b_cpus;
	unsigned int i;
	int ret;

	if (copy_from_user(&args, uarg, sizeof(args)))
		return -EFAULT;
	if (args.flags)
		return -EINVAL;
	if (baton_state() != BATON_STATE_LOADED)
		return baton_state() == BATON_STATE_EMPTY ? -ENOENT : -EALREADY;

	cpumask_clear(&b_cpus);
	cpus_read_lock();
	for (i = 0; i < l->ncpus; i++) {
		int cpu = baton_cpu_of_apicid(l->cpus[i].apic_id);

		if (cpu < 0 || cpu_online(cpu)) {
			cpus_read_unlock();
			return cpu < 0 ? -ENODEV : -EBUSY;
		}
		cpumask_set_cpu(cpu, &b_cpus);
	}
	cpus_read_unlock();

	ret = baton_guard_install(&b_cpus);
	if (ret)
		return ret;
	if (!try_module_get(THIS_MODULE)) {
		baton_guard_remove();
		return -ENODEV;
	}
	/* From here on A's death must not take B down: A's CPUs go to limbo instead. */
	ret = baton_failover_arm();
	if (ret) {
		baton_guard_remove();
		module_put(THIS_MODULE);
		return ret;
	}
	/* B may use 0xcf8/0xcfc from its first instruction on. */
	ret = baton_conf1_on();
	if (ret) {
		baton_failover_disarm();
		baton_guard_remove();
		module_put(THIS_MODULE);
		return ret;
	}
	WRITE_ONCE(l->state, BATON_STATE_LAUNCHED);
	launched_at = jiffies;
	baton_heartbeat_start();
	ret = baton_launch_cpu(l->partition_base, l->boot_apic_id);
	if (ret) {
		baton_heartbeat_stop();
		baton_conf1_off();
		baton_failover_disarm();
		WRITE_ONCE(l->state, BATON_STATE_LOADED);
		baton_guard_remove();
		module_put(THIS_MODULE);
		return ret;
	}
	pr_info("baton: launched the trampoline on APIC ID %u\n", l->boot_apic_id);
	return 0;
}

long baton_abort(void)
{
	struct baton_ledger *l = baton_ledger();
	bool had_guard = baton_guard_active();
	u32 state = baton_state();
	unsigned int i;

	if (state == BATON_STATE_EMPTY)
		return -ENOENT;
	if (had_guard) {
		baton_silence_b();
		/*
		 * B's CPUs run B, the trampoline or limbo: stop them before A may take them.
		 * A slot of a CPU A runs on again (taken back after a refused release, or the
		 * last step that did not happen) is not B's: an INIT there would kill A's CPU.
		 */
		for (i = 0; i < l->ncpus && i < BATON_MAX_CPUS; i++) {
			int cpu = baton_cpu_of_apicid(l->cpus[i].apic_id);

			if (cpu < 0 || !cpu_online(cpu))
				baton_stop_cpu(l->cpus[i].apic_id);
		}
		baton_conf1_off();
		baton_return_cpus();
		baton_return_mems();
		baton_heartbeat_stop();
		baton_failover_disarm();
		baton_guard_remove();
		module_put(THIS_MODULE);
	}
	/* B's CPUs are stopped: the link area is A's again. */
	baton_link_a_stop(true);
	launched_at = 0;
	/* The first abort after a failure keeps the reason for `baton status`. */
	if (state != BATON_STATE_FAILED || !had_guard)
		WRITE_ONCE(l->state, BATON_STATE_EMPTY);
	pr_info("baton: aborted from state %s; B's CPUs may be onlined in A again\n",
		baton_state_name(state));
	return 0;
}

static long baton_release(struct baton_release_args __user *uarg)
{
	struct baton_release_args args;
	unsigned int timeout_ms;

	if (copy_from_user(&args, uarg, sizeof(args)))
		return -EFAULT;
	if (baton_state() != BATON_STATE_B_RUNNING)
		return -ENOTCONN;
	timeout_ms = args.timeout_ms ? args.timeout_ms : 5000;
	switch (args.resource) {
	case BATON_RES_CPU:
		if (args.size || args.arg > UINT_MAX)
			return -EINVAL;
		return baton_release_cpu(args.arg, timeout_ms);
	case BATON_RES_MEM:
		return baton_release_mem(args.arg, args.size, timeout_ms);
	case BATON_RES_PCI:
		if (args.size || args.arg > 0xffffff)
			return -EINVAL;
		return baton_release_pci(args.arg, timeout_ms);
	case BATON_RES_IRQ:
		if (args.size || args.arg > UINT_MAX)
			return -EINVAL;
		return baton_release_irq(args.arg, timeout_ms);
	default:
		return -EOPNOTSUPP;
	}
}

static long baton_status(struct baton_status __user *uarg)
{
	struct baton_status *st;
	long ret = 0;

	st = kzalloc(sizeof(*st), GFP_KERNEL);
	if (!st)
		return -ENOMEM;
	st->guard = baton_guard_active();
	st->tsc_khz = tsc_khz;
	st->doorbells = baton_doorbells();
	st->heartbeat_age_ms = baton_heartbeat_age_ms();
	st->crash_slot = baton_slot_bits();
	st->crash_refusals = baton_slot_refusals();
	st->since_launch_ms = launched_at ? jiffies_to_msecs(jiffies - launched_at) : -1;
	memcpy(&st->ledger, baton_ledger(), sizeof(st->ledger));
	if (copy_to_user(uarg, st, sizeof(*st)))
		ret = -EFAULT;
	kfree(st);
	return ret;
}

static long baton_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	void __user *uarg = (void __user *)arg;
	long ret;

	/* What kexec_load itself asks of its caller: baton places and starts a kernel. */
	if (!capable(CAP_SYS_BOOT))
		return -EPERM;
	ret = security_locked_down(LOCKDOWN_KEXEC);
	if (ret)
		return ret;
	/* A snapshot, also while a release waits for B. */
	if (cmd == BATON_IOC_STATUS)
		return baton_status(uarg);
	/* One request at a time; a second caller is told, not queued behind a handover. */
	if (!mutex_trylock(&baton_lock))
		return -EBUSY;
	switch (cmd) {
	case BATON_IOC_LOAD:
		ret = baton_load(uarg);
		break;
	case BATON_IOC_LAUNCH:
		ret = baton_launch(uarg);
		break;
	case BATON_IOC_ABORT:
		ret = baton_abort();
		break;
	case BATON_IOC_RELEASE:
		ret = baton_release(uarg);
		break;
	case BATON_IOC_HAND_OVER:
		ret = baton_state() == BATON_STATE_B_RUNNING ? baton_hand_over(uarg) : -ENOTCONN;
		break;
	case BATON_IOC_SLOT:
		ret = baton_slot_ioctl(uarg);
		break;
	case BATON_IOC_RESERVE:
		ret = baton_reserve(uarg);
		break;
	default:
		ret = -ENOTTY;
	}
	mutex_unlock(&baton_lock);
	return ret;
}

static const struct file_operations baton_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = baton_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
};

static struct miscdevice baton_dev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "baton",
	.fops = &baton_fops,
	.mode = 0600,
};

static int __init baton_init(void)
{
	int err;

	/* Until then the other window is the host's memory, which it may be using. */
	if (baton_host_ready()) {
		pr_err("baton: this kernel still shares the machine with the kernel that launched it: load baton.ko once the handover is done\n");
		return -EBUSY;
	}
	err = baton_ledger_map();
	if (err)
		return err;
	err = baton_sysfs_init();
	if (err)
		goto err_unmap;
	err = baton_doorbell_register();
	if (err)
		goto err_sysfs;
	err = misc_register(&baton_dev);
	if (err)
		goto err_doorbell;
	pr_info("baton: version %s (ledger ABI %u), ledger at %#llx (low window %u)\n",
		BATON_VERSION, BATON_ABI_VERSION, baton_window_base() + BATON_WINDOW_LEDGER,
		baton_window());
	return 0;

err_doorbell:
	baton_doorbell_unregister();
err_sysfs:
	baton_sysfs_exit();
err_unmap:
	baton_ledger_unmap();
	return err;
}

static void __exit baton_exit(void)
{
	misc_deregister(&baton_dev);
	baton_b_died_cancel();
	baton_link_a_stop(true);
	baton_doorbell_unregister();
	baton_reserve_release();
	baton_sysfs_exit();
	baton_ledger_unmap();
}

module_init(baton_init);
module_exit(baton_exit);
MODULE_DESCRIPTION("baton: hand a running machine from kernel A to kernel B");
MODULE_LICENSE("GPL");
