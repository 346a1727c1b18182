// SPDX-License-Identifier: GPL-2.0
#include "placement.h"

namespace baton {

namespace {

Error placement_error() { return Error{Errc::placement, {}}; }

}  // namespace

Result<Placement> place_in_partition(const Plan& plan, const KernelImage& k, uint64_t initrd_size)
{
    const PhysRange ram = plan.b_ram();
    Placement p{};
    p.boot_area = PhysAddr(plan.partition.begin() + boot_area::offset);

    uint64_t align = k.alignment > 2 * MiB ? k.alignment : 2 * MiB;
    uint64_t load = ram.base().align_up(align).value();
    if (!k.relocatable) {
        load = k.pref_address;
    } else if (load < k.pref_address) {
        // A relocatable kernel loaded below LOAD_PHYSICAL_ADDR decompresses itself to
        // LOAD_PHYSICAL_ADDR, which is outside the partition.
        Error e = placement_error();
        e.msg << "partition " << plan.partition << " starts below B's LOAD_PHYSICAL_ADDR "
              << Hex{k.pref_address};
        return e;
    }
    p.kernel_load = PhysAddr(load);
    p.kernel_region = PhysRange(p.kernel_load, k.init_size);
    if (!ram.contains(p.kernel_region)) {
        Error e = placement_error();
        if (!k.relocatable)
            e.msg << "B is not relocatable and must run at " << p.kernel_region
                  << ", outside its RAM " << ram;
        else
            e.msg << "partition " << plan.partition << " cannot hold B's kernel (needs "
                  << Dec{k.init_size / KiB} << " KiB from " << Hex{load} << ")";
        return e;
    }

    uint64_t free_from = p.kernel_region.end();
    if (initrd_size) {
        uint64_t top = ram.end();
        const uint64_t limit = uint64_t(k.initrd_max) + 1;
        if (!k.initrd_above_4g && top > limit)
            top = limit;
        const uint64_t size = (initrd_size + kPageSize - 1) & ~(kPageSize - 1);
        if (top < size || PhysAddr(top - size).align_down(kPageSize).value() < free_from) {
            Error e = placement_error();
            e.msg << "partition " << plan.partition << " cannot hold B's kernel ("
                  << Dec{k.init_size / KiB} << " KiB) and initrd (" << Dec{initrd_size / KiB}
                  << " KiB)";
            return e;
        }
        p.initrd = PhysRange(PhysAddr(top - size).align_down(kPageSize), initrd_size);
    }
    const uint64_t used = p.kernel_region.size() + (initrd_size + kPageSize - 1);
    if (ram.size() < used + kMinFreeForB) {
        Error e = placement_error();
        e.msg << "partition " << plan.partition << " leaves B less than "
              << Dec{kMinFreeForB / MiB} << " MiB after its kernel and initrd ("
              << Dec{used / MiB} << " MiB)";
        return e;
    }
    return p;
}

Status order_moves(Move* moves, size_t n, const PhysRange* keep, size_t nkeep)
{
    for (size_t i = 0; i < n; i++) {
        if (moves[i].src.size() != moves[i].dst.size() || moves[i].dst.wraps() ||
            moves[i].src.wraps()) {
            Error e = placement_error();
            e.msg << "move " << moves[i].src << " -> " << moves[i].dst << " is malformed";
            return e;
        }
        for (size_t k = 0; k < nkeep; k++)
            if (moves[i].dst.overlaps(keep[k])) {
                Error e = placement_error();
                e.msg << "destination " << moves[i].dst << " overlaps " << keep[k];
                return e;
            }
    }
    // Selection sort: position `done` gets a move whose destination overlaps no pending source.
    for (size_t done = 0; done < n; done++) {
        size_t pick = n;
        for (size_t i = done; i < n && pick == n; i++) {
            bool clobbers = false;
            for (size_t j = done; j < n; j++)
                if (j != i && moves[i].dst.overlaps(moves[j].src))
                    clobbers = true;
            if (!clobbers)
                pick = i;
        }
        if (pick == n) {
            Error e = placement_error();
            e.msg << "modules overlap their destinations in a cycle; load them elsewhere";
            return e;
        }
        Move tmp = moves[done];
        moves[done] = moves[pick];
        moves[pick] = tmp;
    }
    return Ok{};
}

}  // namespace baton
