// SPDX-License-Identifier: GPL-2.0
// What `baton status` shows, from a status baton.ko gave (or a ledger file): state, B's
// health, the crash slot, the owner of every CPU, memory range and device, the timeline.
// Pure: the host tests render hostile ledgers through it.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "outcome.h"
#include "planner.h"

extern "C" {
#include "../../include/baton/ioctl.h"
}

namespace baton::cli {

struct StatusView {
    const baton_status* status;   // from baton.ko, or status_from_ledger()
    uint32_t state;               // the ledger's state, EMPTY for a ledger not valid
    std::string ledger_file;      // non-empty: read from this file (no baton.ko, no slot)
    std::vector<PlannedCpu> planned;  // the saved plan's CPUs (A's numbers), if any
    bool failover_armed = false;  // A's panic reaches baton.ko first (launch set it)
};

// The ledger file's bytes as a status (heartbeat age and time since launch unknown).
Expected<baton_status> status_from_ledger(std::span<const uint8_t> bytes, const std::string& path);
std::string status_text(const StatusView& v);
std::string status_json(const StatusView& v);

}  // namespace baton::cli
