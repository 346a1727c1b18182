// SPDX-License-Identifier: GPL-2.0
#include "errors.h"

#include <cerrno>

extern "C" {
#include "../../include/baton/ioctl.h"
}

namespace baton::cli {

namespace {

// The symbol, for an errno no mapping expected: an operator can look it up, the library's
// sentence would only restate it.
std::string errno_name(int err)
{
    switch (err) {
    case EPERM: return "EPERM";
    case ENOENT: return "ENOENT";
    case EIO: return "EIO";
    case ENXIO: return "ENXIO";
    case ENOEXEC: return "ENOEXEC";
    case ENOMEM: return "ENOMEM";
    case EACCES: return "EACCES";
    case EFAULT: return "EFAULT";
    case EBUSY: return "EBUSY";
    case EEXIST: return "EEXIST";
    case ENODEV: return "ENODEV";
    case EINVAL: return "EINVAL";
    case ENOSPC: return "ENOSPC";
    case ERANGE: return "ERANGE";
    case ENOTTY: return "ENOTTY";
    case EOPNOTSUPP: return "EOPNOTSUPP";
    case EADDRINUSE: return "EADDRINUSE";
    case ENOTCONN: return "ENOTCONN";
    case ETIMEDOUT: return "ETIMEDOUT";
    case EHOSTUNREACH: return "EHOSTUNREACH";
    case EALREADY: return "EALREADY";
    }
    return std::to_string(err);
}

std::string unexpected(int err) { return "an error baton does not expect here (" + errno_name(err) + ")"; }

}  // namespace

std::string errno_phrase(int err)
{
    switch (err) {
    case ENOENT: return "it does not exist";
    case EACCES:
    case EPERM: return "permission denied (baton needs root)";
    case EBUSY: return "the kernel says it is busy";
    case EINVAL: return "the kernel refused the value";
    case EIO: return "the kernel reported an I/O error";
    case ENOMEM: return "A is out of memory";
    case ENODEV:
    case ENXIO: return "A has no such device";
    case ENOTDIR: return "a part of the path is not a directory";
    case EISDIR: return "it is a directory";
    case EROFS: return "it is read-only";
    case ENOSPC: return "no space left";
    case EAGAIN: return "the kernel asks to try again later";
    }
    return unexpected(err);
}

std::string root_refusal(const std::string& command)
{
    return command + " needs root (CAP_SYS_BOOT, as kexec does): run baton as root";
}

std::string lockdown_refusal(const std::string& mode)
{
    return "kernel A is locked down" + (mode.empty() ? std::string() : " (" + mode + ")") +
           ": it refuses to kexec_load an unsigned image, so baton cannot run; boot A without "
           "lockdown= and without Secure Boot's lockdown";
}

std::string device_error(int err)
{
    switch (err) {
    case ENOENT:
    case ENXIO:
    case ENODEV: return "baton.ko is not loaded (" BATON_DEVICE " is missing): insmod baton.ko";
    case EACCES:
    case EPERM: return BATON_DEVICE " is root's: baton needs root (CAP_SYS_BOOT)";
    }
    return "cannot open " BATON_DEVICE ": " + errno_phrase(err);
}

std::string kexec_error(int err, bool unload)
{
    const std::string what = unload ? "kexec_load(KEXEC_ON_CRASH) could not unload B's image: "
                                    : "kexec_load(KEXEC_ON_CRASH) refused B's image: ";
    switch (err) {
    case EPERM: return what + "kexec is disabled (kernel.kexec_load_disabled, or lockdown)";
    case EBUSY:
        return what + "another kexec load or unload is in progress, or the crash slot's guard "
                      "refused it (see dmesg)";
    case EACCES: return what + "an LSM or IMA policy refuses unsigned kexec images";
    case EINVAL: return what + "a segment is not page aligned or overlaps another";
    case EADDRNOTAVAIL: return what + "a segment lies outside the crashkernel region";
    case ENOMEM: return what + "A cannot allocate kexec's control pages";
    case ENOSYS: return what + "A is built without kexec (CONFIG_KEXEC)";
    }
    return what + unexpected(err);
}

std::string slot_error(uint32_t op, int err)
{
    switch (err) {
    case EEXIST: return "a crash kernel that is not baton's (kdump?) is loaded: kexec -p -u it first";
    case ENOENT: return "baton does not hold the crash slot: the crash kernel is not baton's";
    case EBUSY:
        if (op == BATON_SLOT_LOAD)
            return "cannot guard the crash slot: another tracer or a livepatch already "
                   "modifies kexec_load (or kernel.ftrace_enabled is 0)";
        return op == BATON_SLOT_UNLOAD ? "B runs in the crash region: baton abort stops it first"
                                       : "B's image is still in the crash slot";
    case EINVAL:
    case ENODEV: return "cannot guard the crash slot: kernel A cannot trace kexec_load (see dmesg)";
    case ENOMEM: return "cannot guard the crash slot: A is out of memory";
    }
    return "the crash slot: " + unexpected(err);
}

std::string load_error(int err)
{
    switch (err) {
    case EBUSY: return "baton.ko already has a B loaded or running: baton abort first";
    case EINVAL: return "the plan's CPUs are not B's to have (none, too many, repeated, or A's boot CPU)";
    case ENOENT: return "A has no crashkernel region: boot A with crashkernel=512M@256M";
    case ERANGE: return "the plan's partition is not inside A's crashkernel region: run baton plan again";
    case ENOEXEC: return "the crash image is not baton's (replaced since it was placed?)";
    case ENODEV: return "a CPU of the plan is not one of A's: run baton plan again";
    case ENOMEM: return "A is out of memory for the link's rings";
    }
    return "baton.ko refused the load: " + unexpected(err);
}

std::string reserve_error(int err)
{
    switch (err) {
    case EBUSY:
        return "the crash region is taken (a crash image loaded, kexec busy, or this kernel "
               "still shares the machine with the kernel that launched it)";
    case EINVAL:
        return "the partition is not whole offline memory blocks of this kernel's RAM";
    case EALREADY: return "a partition is already set aside: baton unload first";
    case EOPNOTSUPP:
        return "this kernel sets no crash region aside while running: boot it with "
               "crashkernel=512M@256M";
    case ENOENT: return "no partition is set aside";
    }
    return "baton.ko could not set the partition aside: " + unexpected(err);
}

std::string launch_error(int err)
{
    switch (err) {
    case ENOENT: return "nothing is loaded: run baton load first";
    case EALREADY: return "B is already launched";
    case ENODEV: return "a CPU of the plan is not one of A's: baton unload, then plan again";
    case EBUSY: return "one of B's CPUs is online in A again (or the CPU guard is taken)";
    case ENOEXEC: return "the partition holds no baton trampoline (the crash image was replaced?)";
    case ENOMEM: return "A is out of memory for the SIPI page";
    case ENOSPC: return "A has more CPUs than the ledger holds";
    case EOPNOTSUPP:
        return "A cannot share PCI config cycles (0xcf8) with B: its type 1 accessors cannot "
               "be detoured (dmesg says why)";
    }
    return "baton.ko refused the launch: " + unexpected(err);
}

std::string abort_error(int err)
{
    if (err == ENOENT)
        return "nothing to abort: no B is loaded";
    return "baton.ko could not abort: " + unexpected(err);
}

std::string status_error(int err)
{
    if (err == ENOMEM)
        return "baton.ko is out of memory for the status";
    return "baton.ko did not give its status: " + unexpected(err);
}

std::string release_error(uint32_t resource, int err, uint32_t timeout_ms)
{
    const bool mem = resource == BATON_RES_MEM, pci = resource == BATON_RES_PCI,
               irq = resource == BATON_RES_IRQ;
    switch (err) {
    case EINVAL:
        return mem ? "not whole memory blocks (see /sys/devices/system/memory/block_size_bytes)"
                   : "B found the request malformed; it is back in A";
    case ENXIO: return "not all of it is A's RAM";
    case EADDRINUSE: return "A cannot offline it (pages that cannot move; boot A with movablecore=)";
    case EPERM: return "CPU 0 leaves A last, with baton handover";
    case EALREADY:
        return mem ? "it is in B's partition or baton's low window" : "it already belongs to B";
    case ENODEV:
        if (pci)
            return "B's bus scan does not find it; it is back in A";
        if (irq)
            return "no IOAPIC pin has that GSI";
        return mem ? "B cannot add that memory; it is back in A" : "A has no such CPU";
    case ENOSPC:
        if (pci)
            return "B adopts at most " + std::to_string(BATON_MAX_PCI) +
                   " PCI functions (BATON_MAX_PCI); it is back in A";
        if (mem)
            return "the ledger tracks at most " + std::to_string(BATON_MAX_MEM) +
                   " memory moves (BATON_MAX_MEM); it is back in A";
        return "B has no CPU number left for it (B's CONFIG_NR_CPUS is below the machine's "
               "CPUs, or the ledger's " + std::to_string(BATON_MAX_CPUS) + " are used); it is back in A";
    case ENOTCONN: return "B has not opened its doorbell yet";
    case ETIMEDOUT:
        return "B did not take it within " + std::to_string(timeout_ms) + " ms; it is back in A";
    case EHOSTUNREACH: return "the CPU did not reach limbo; it is back in A";
    case EIO:
        return "B took it and never answered; B is stuck (baton abort returns everything to A)";
    case EBUSY:
        if (irq)
            return "A has a handler on it: it goes with its device";
        return "another baton command is running, or A cannot offline it";
    case EOPNOTSUPP: return "B does not adopt this kind of resource (an older B?); it is back in A";
    case ENOMEM: return "out of memory while moving it; it is back in A";
    }
    return "B refused it (" + errno_name(err) + "); it is back in A";
}

std::string hand_over_error(int err)
{
    switch (err) {
    case EBUSY: return "a CPU other than 0 is online in A again, or B is stuck on a request";
    case ENOTCONN: return "B has not opened its doorbell";
    case ENXIO: return "A does not drive one of the UARTs it was to hand over";
    case ENOSPC: return "the ledger has no slot left for A's CPU 0";
    case ENODEV: return "A found no IOAPIC in the MADT (booted with acpi=off?)";
    case EIO: return "B took the preparation of CPU 0 and never answered; B is stuck";
    case ENOEXEC: return "the partition holds no baton trampoline";
    case EOPNOTSUPP: return "A's page tables are not 4-level (la57): A cannot walk into limbo";
    case ENOMEM: return "A is out of memory for the transition page tables";
    }
    return unexpected(err);
}

}  // namespace baton::cli
