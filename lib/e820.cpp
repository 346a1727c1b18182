// SPDX-License-Identifier: GPL-2.0
#include "e820.h"

namespace baton {

namespace {

constexpr size_t kMaxPoints = 2 * 256 + 2 * (3 + kMaxLate);

// Overlapping firmware entries: the higher type number is the more restrictive (as Linux's
// e820 sanitizer decides), and anything beats RAM.
uint32_t firmware_type_at(const FirmwareMap& fw, uint64_t b, uint64_t e)
{
    uint32_t type = 0;  // 0: hole
    for (size_t i = 0; i < fw.count; i++) {
        const E820Entry& f = fw.entries[i];
        if (f.range.empty() || f.range.wraps())
            continue;
        if (f.range.begin() <= b && f.range.end() >= e && uint32_t(f.type) > type)
            type = uint32_t(f.type);
    }
    return type;
}

Status check_part(Str name, PhysRange r, bool required)
{
    if (r.empty()) {
        if (!required)
            return Ok{};
        Error e{Errc::e820, {}};
        e.msg << "B's " << name << " range is empty";
        return e;
    }
    if (r.wraps() || !r.base().aligned(kPageSize) || (r.size() & (kPageSize - 1))) {
        Error e{Errc::e820, {}};
        e.msg << "B's " << name << " range " << r << " is not page aligned";
        return e;
    }
    return Ok{};
}

}  // namespace

Str e820_type_name(E820Type t)
{
    switch (t) {
    case E820Type::ram: return "RAM";
    case E820Type::reserved: return "reserved";
    case E820Type::acpi: return "ACPI data";
    case E820Type::nvs: return "ACPI NVS";
    case E820Type::unusable: return "unusable";
    case E820Type::pmem: return "persistent";
    }
    return "unknown";
}

Result<BootE820> build_partition_e820(const FirmwareMap& fw, const PartitionMemory& part)
{
    BATON_TRY(check_part("RAM", part.ram, true));
    BATON_TRY(check_part("low RAM", part.low, false));
    BATON_TRY(check_part("resident", part.resident, false));
    if (!part.low.empty() && part.low.end() > 1 * MiB) {
        Error e{Errc::e820, {}};
        e.msg << "B's low RAM " << part.low << " is not below 1 MiB";
        return e;
    }
    if (part.nlate > kMaxLate) {
        Error e{Errc::e820, {}};
        e.msg << "more than " << Dec{kMaxLate} << " late ranges";
        return e;
    }
    for (size_t i = 0; i < part.nlate; i++)
        BATON_TRY(check_part("late RAM", part.late[i], true));
    // B's ranges: RAM, low RAM, resident, then the late ones.
    PhysRange mine[3 + kMaxLate];
    mine[0] = part.ram;
    mine[1] = part.low;
    mine[2] = part.resident;
    const size_t nmine = 3 + part.nlate;
    for (size_t i = 0; i < part.nlate; i++)
        mine[3 + i] = part.late[i];
    constexpr size_t kResident = 2;
    for (size_t i = 0; i < nmine; i++)
        for (size_t j = i + 1; j < nmine; j++)
            if (mine[i].overlaps(mine[j])) {
                Error e{Errc::e820, {}};
                e.msg << "partition ranges " << mine[i] << " and " << mine[j] << " overlap";
                return e;
            }

    // Elementary intervals between every boundary that matters.
    uint64_t pts[kMaxPoints];
    size_t npts = 0;
    auto add = [&](uint64_t p) {
        for (size_t i = 0; i < npts; i++)
            if (pts[i] == p)
                return;
        size_t i = npts++;
        while (i > 0 && pts[i - 1] > p) {
            pts[i] = pts[i - 1];
            i--;
        }
        pts[i] = p;
    };
    for (size_t i = 0; i < fw.count && i < 256; i++) {
        if (fw.entries[i].range.empty() || fw.entries[i].range.wraps())
            continue;
        add(fw.entries[i].range.begin());
        add(fw.entries[i].range.end());
    }
    for (size_t k = 0; k < nmine; k++)
        if (!mine[k].empty()) {
            add(mine[k].begin());
            add(mine[k].end());
        }

    uint64_t backed[3 + kMaxLate] = {};
    BootE820 out;
    for (size_t i = 0; i + 1 < npts; i++) {
        const PhysRange iv = PhysRange::from_to(pts[i], pts[i + 1]);
        const uint32_t fwt = firmware_type_at(fw, iv.begin(), iv.end());
        int owner = -1;
        for (size_t k = 0; k < nmine; k++)
            if (mine[k].contains(iv))
                owner = int(k);

        uint32_t type;
        if (owner >= 0) {
            if (fwt == uint32_t(E820Type::ram))
                backed[owner] += iv.size();
            type = owner == kResident ? uint32_t(E820Type::reserved) : uint32_t(E820Type::ram);
        } else if (fwt == 0) {
            continue;  // a hole stays a hole
        } else {
            type = fwt == uint32_t(E820Type::ram) ? uint32_t(E820Type::reserved) : fwt;
        }

        if (out.count) {
            E820Entry& last = out.entries[out.count - 1];
            if (uint32_t(last.type) == type && last.range.end() == iv.begin()) {
                last.range = PhysRange::from_to(last.range.begin(), iv.end());
                continue;
            }
        }
        if (!out.push({iv, E820Type(type)})) {
            Error e{Errc::e820, {}};
            e.msg << "B's memory map needs more than " << Dec{kZeroPageE820Max}
                  << " entries (the zero page limit)";
            return e;
        }
    }

    const Str names[4] = {"RAM", "low RAM", "resident", "late RAM"};
    for (size_t k = 0; k < nmine; k++)
        if (backed[k] != mine[k].size()) {
            Error e{Errc::e820, {}};
            e.msg << "B's " << names[k < 3 ? k : 3] << " " << mine[k]
                  << " is not RAM in the firmware map";
            return e;
        }
    return out;
}

}  // namespace baton
