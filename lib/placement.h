// SPDX-License-Identifier: GPL-2.0
// Where everything goes inside the partition, and in which order the modules are moved there.
//
//   partition.base ---------------------------------------------------------------+
//   | resident (2 MiB, reserved in B's e820)  | B's RAM                             |
//   | trampoline image | boot area            | kernel (init_size) ... free ... initrd
//   +0                 +1 MiB                 +2 MiB                        end ----+
#pragma once

#include "plan.h"
#include "zero_page.h"

namespace baton {

// The boot area inside the resident region: what B reads at boot, kept where B never
// allocates.  Offsets from the partition base.
namespace boot_area {
inline constexpr uint64_t offset = 1 * MiB;
inline constexpr uint64_t zero_page = 0;
inline constexpr uint64_t cmdline = 0x1000;
inline constexpr uint64_t cmdline_max = 0x1000;  // bytes including the NUL
inline constexpr uint64_t setup_data = 0x2000;
inline constexpr uint64_t acpi = 0x4000;
inline constexpr uint64_t acpi_max = 0x10000;
inline constexpr uint64_t size = acpi + acpi_max;
static_assert(offset + size <= BATON_RESIDENT_SEGMENT, "boot area inside the resident segment");
static_assert(BATON_RESIDENT_SEGMENT < BATON_RESIDENT_SIZE, "room for kexec's control pages");
}  // namespace boot_area

// Memory B needs beyond its kernel and initrd to get through boot (page tables, memmap,
// slab, user space).  A partition smaller than that is refused rather than left to OOM.
inline constexpr uint64_t kMinFreeForB = 48 * MiB;

struct Placement {
    PhysAddr kernel_load;     // B's 64-bit entry is kernel_load + 0x200
    PhysRange kernel_region;  // [load, load + init_size): decompression happens in here
    PhysRange initrd;         // empty when there is none
    PhysAddr boot_area;
};

Result<Placement> place_in_partition(const Plan& plan, const KernelImage& kernel,
                                     uint64_t initrd_size);

// A copy of `src` to `dst` (dst.size() == src.size()).
struct Move {
    PhysRange src;
    PhysRange dst;
};

// Orders moves so that none overwrites the source of a later one (a move may overlap its
// own source: it is done with memmove).  Refuses cycles and moves into `keep` ranges.
Status order_moves(Move* moves, size_t n, const PhysRange* keep, size_t nkeep);

}  // namespace baton
