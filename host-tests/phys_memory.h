// SPDX-License-Identifier: GPL-2.0
// Physical memory for the hosted build: tests map byte buffers at physical addresses, and
// the trampoline's pure logic (ACPI lookup) reads them through phys_bytes() as it would read
// identity-mapped memory.  Unmapped addresses read as absent, like holes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace baton::test {

class PhysMemory {
public:
    PhysMemory();
    ~PhysMemory();
    PhysMemory(const PhysMemory&) = delete;
    PhysMemory& operator=(const PhysMemory&) = delete;
    // Maps `bytes` at `phys`; returns the writable backing store.
    uint8_t* map(uint64_t phys, std::vector<uint8_t> bytes);
    uint8_t* map_zero(uint64_t phys, size_t len) { return map(phys, std::vector<uint8_t>(len)); }
    const uint8_t* find(uint64_t phys, size_t len) const;

private:
    struct Region {
        uint64_t phys;
        std::vector<uint8_t> bytes;
    };
    std::vector<Region> regions_;
};

}  // namespace baton::test
