// SPDX-License-Identifier: GPL-2.0
// The CLI's I/O with kernel A: files in /proc and /sys, CPU hotplug, kexec_load(2), /dev/baton.
// Every failure is a one-line message with the path or call that failed.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "machine_facts.h"
#include "outcome.h"

extern "C" {
#include "../../include/baton/ioctl.h"
}

namespace baton::cli {

// An owned file descriptor.
class Fd {
public:
    explicit Fd(int fd = -1) : fd_(fd) {}
    ~Fd();
    Fd(Fd&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
    Fd& operator=(Fd&& o) noexcept;
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    int get() const { return fd_; }

private:
    int fd_;
};

Expected<std::string> read_file(const std::string& path);
// Writes DATA to an existing file (sysfs, procfs): no create, no truncate.
Failure write_file(const std::string& path, std::string_view data);
// A regular file with DATA, replacing what was there at once (mode 0600).
Failure replace_file(const std::string& path, std::string_view data);

Expected<MachineFacts> read_machine_facts();
// Onlines/offlines one of A's CPUs through sysfs.  nullopt on success.
Failure set_cpu_online(unsigned cpu, bool online);
bool cpu_online(unsigned cpu);

// A's memory blocks (/sys/devices/system/memory), in address order.
struct MemoryBlock {
    unsigned index;
    uint64_t base;
    uint64_t size;
    std::string state;        // online / offline
    std::string valid_zones;  // e.g. "Movable", "DMA32", "none"
};
Expected<std::vector<MemoryBlock>> memory_blocks();
// Onlines every offline block (movable if it can be): A's memory back after a return.
Failure online_offline_memory();
// Onlines these blocks (movable if it can be); what could not come online, or nothing.
Failure online_blocks(const std::vector<MemoryBlock>& blocks);
std::string memory_block_state_path(const MemoryBlock& b);

// A PCI function in A's sysfs (segment 0), e.g. 0000:00:04.0.
struct PciFunction {
    uint32_t id;          // bus << 8 | devfn, the ledger's and the plan's form
    std::string name;     // 0000:BB:DD.F
    std::string driver;   // A's driver bound to it, "" if none
    uint32_t pci_class;   // class << 16 | subclass << 8 | prog-if
};
Expected<PciFunction> pci_function(uint32_t id);
// Every PCI function A's sysfs lists, in address order.
Expected<std::vector<PciFunction>> pci_functions();
// Fences the function (driver_override: no driver of A binds it again; baton.ko unbinds the
// one bound now); pci_give_back lifts the fence and binds A's driver again.  nullopt on success.
Failure pci_fence_for_b(const PciFunction& f);
Failure pci_give_back(const PciFunction& f);

// Expedited RCU grace periods while it lives (a driver's teardown waits for several; they are
// part of a NIC's blackout), then the setting it found.
class ExpeditedRcu {
public:
    ExpeditedRcu();
    ~ExpeditedRcu();
    ExpeditedRcu(const ExpeditedRcu&) = delete;
    ExpeditedRcu& operator=(const ExpeditedRcu&) = delete;

private:
    std::string saved_;
};

struct Segment {
    std::span<const uint8_t> buf;
    uint64_t mem;
    uint64_t memsz;
};
// kexec_load(2) with KEXEC_ON_CRASH: the kernel copies every segment to its final address in
// the crashkernel region and write-protects the region.  0 or the errno (errors.h words it).
// While baton holds the crash slot, only a call with its pass gets through (Device::slot).
int kexec_load_crash(uint64_t entry, std::span<const Segment> segs);
int kexec_unload_crash();
bool kexec_crash_loaded();

// /dev/baton.  Each ioctl returns 0 or the module's errno: the caller knows what each means
// for what it asked (errors.h).
class Device {
public:
    static Expected<Device> open();
    int load(const baton_load_args& a) const;
    int launch() const;
    int abort() const;
    int status(baton_status& st) const;
    int release(const baton_release_args& a) const;
    // Returns only if A cannot stop yet.
    int hand_over(uint32_t uarts) const;
    // The crash slot (enum baton_slot_op).
    int slot(uint32_t op) const;
    // Offline memory blocks become the crash region (a kernel without one from boot); size
    // 0 gives it back.
    int reserve(uint64_t base, uint64_t size) const;
    // Baton's own image out of the crash slot, and the slot free: nullopt on success.
    Failure unload_own_image() const;

private:
    explicit Device(Fd fd) : fd_(std::move(fd)) {}
    int call(unsigned long req, void* arg) const;
    Fd fd_;
};

}  // namespace baton::cli
