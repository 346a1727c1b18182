// SPDX-License-Identifier: GPL-2.0
// The handover's steps, in order, from what the running kernel has: its PCI functions with
// a driver (bridges stay with the machine), its CPUs other than 0 and the machine's BSP
// (highest first), the plan's hot memory blocks (the movable ones move now, the others when
// A stops), and last CPU 0 (with the BSP, when they differ) and A's UARTs.  Pure: `baton handover` runs them, --dry-run
// and `baton upgrade --dry-run` print them, the host tests check the order.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "lib/phys.h"

namespace baton::cli {

struct HandoverInputs {
    struct Pci {
        uint32_t id;  // bus << 8 | devfn
        std::string name;  // 0000:BB:DD.F
        std::string driver;
        uint32_t pci_class;
    };
    struct Block {
        uint64_t base, size;
        std::string state;        // online / offline
        std::string valid_zones;  // "Movable" when it can go now
    };
    std::vector<Pci> pci;
    std::vector<unsigned> online_cpus;  // A's CPU numbers online now, any order
    unsigned bsp = 0;                   // the machine's BSP in this kernel's numbering
    std::vector<Block> blocks;          // this kernel's memory blocks
    std::vector<PhysRange> hot;         // the plan's hot ranges
    uint32_t uarts = 0;                 // the legacy UARTs this kernel gives up (bits)
};

struct HandoverStep {
    enum class Kind { pci, cpu, mem, stop };
    Kind kind;
    std::string name;  // "pci 00:04.0", "cpu 3", "mem 0x30000000+128M", "cpu 0"
    std::string note;  // what happens: "-> B (was e1000 in A)", "stays with A until it stops (...)"
    bool moves_now;    // a release to B while A runs (false: the block waits for A's stop)
    uint32_t pci_id = 0;
    unsigned cpu = 0;
    uint64_t base = 0, size = 0;
};

std::vector<HandoverStep> handover_steps(const HandoverInputs& in);

}  // namespace baton::cli
