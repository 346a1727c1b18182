// SPDX-License-Identifier: GPL-2.0
// B's memory map: the firmware's map, restricted to B's partition.
#pragma once

#include "phys.h"

namespace baton {

enum class E820Type : uint32_t {
    ram = 1,
    reserved = 2,
    acpi = 3,
    nvs = 4,
    unusable = 5,
    pmem = 7,
};

struct E820Entry {
    PhysRange range;
    E820Type type;
};

// The zero page holds at most 128 entries (E820_MAX_ENTRIES_ZEROPAGE).
inline constexpr size_t kZeroPageE820Max = 128;

template <size_t Cap>
struct E820List {
    E820Entry entries[Cap] = {};
    size_t count = 0;

    [[nodiscard]] bool push(E820Entry e)
    {
        if (count == Cap)
            return false;
        entries[count++] = e;
        return true;
    }
};

// The firmware map as read (multiboot mmap, /sys/firmware/memmap); may be unsorted,
// overlapping, unaligned, and contain zero-sized entries.
using FirmwareMap = E820List<256>;
using BootE820 = E820List<kZeroPageE820Max>;

inline constexpr size_t kMaxLate = 8;  // BATON_MAX_LATE

struct PartitionMemory {
    PhysRange ram;       // B's main RAM (inside the partition, above 1 MiB)
    PhysRange low;       // B's RAM below 1 MiB, for its real-mode trampoline
    PhysRange resident;  // the trampoline's resident region: reserved for B
    // A's RAM that B takes when A stops: RAM in B's map, reserved by B until then.
    PhysRange late[kMaxLate] = {};
    size_t nlate = 0;
};

// Builds B's e820: B's RAM ranges (and the late ones) stay RAM; every other byte the firmware
// calls RAM becomes reserved (so B's PCI allocator never takes it for MMIO); non-RAM firmware
// ranges are copied with their type.  Overlaps resolve to the most restrictive type; adjacent
// equal entries merge.  Refuses: B RAM not backed by firmware RAM, overlapping ranges, more
// entries than the zero page holds.
Result<BootE820> build_partition_e820(const FirmwareMap& firmware, const PartitionMemory& part);

Str e820_type_name(E820Type t);

}  // namespace baton
