// SPDX-License-Identifier: GPL-2.0
#include "phys_memory.h"

#include <stdexcept>

#include "lib/acpi.h"

namespace baton::test {

namespace {
PhysMemory* g_current = nullptr;
}

PhysMemory::PhysMemory()
{
    if (g_current)
        throw std::logic_error("one PhysMemory at a time");
    g_current = this;
}

PhysMemory::~PhysMemory() { g_current = nullptr; }

uint8_t* PhysMemory::map(uint64_t phys, std::vector<uint8_t> bytes)
{
    regions_.push_back({phys, std::move(bytes)});
    return regions_.back().bytes.data();
}

const uint8_t* PhysMemory::find(uint64_t phys, size_t len) const
{
    // The latest mapping of an address shadows earlier ones (a test may replace a table).
    for (auto it = regions_.rbegin(); it != regions_.rend(); ++it) {
        const Region& r = *it;
        if (phys >= r.phys && phys - r.phys <= r.bytes.size() &&
            len <= r.bytes.size() - (phys - r.phys))
            return r.bytes.data() + (phys - r.phys);
    }
    return nullptr;
}

}  // namespace baton::test

namespace baton {

const uint8_t* phys_bytes(PhysAddr addr, size_t len)
{
    return test::g_current ? test::g_current->find(addr.value(), len) : nullptr;
}

}  // namespace baton
