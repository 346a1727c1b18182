// SPDX-License-Identifier: GPL-2.0
// CPU and memory hotplug through sysfs: what the handover, the set-aside partition and a
// return to A switch online and offline.
#include <dirent.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "errors.h"
#include "sys.h"

namespace baton::cli {

Failure set_cpu_online(unsigned cpu, bool online)
{
    const std::string path = "/sys/devices/system/cpu/cpu" + std::to_string(cpu) + "/online";
    if (auto err = write_file(path, online ? "1" : "0"))
        return err->in("cannot " + std::string(online ? "online" : "offline") + " CPU " +
                       std::to_string(cpu));
    return std::nullopt;
}

bool cpu_online(unsigned cpu)
{
    auto v = read_file("/sys/devices/system/cpu/cpu" + std::to_string(cpu) + "/online");
    return !v || v.value->starts_with("1");
}

Expected<std::vector<MemoryBlock>> memory_blocks()
{
    const std::string dir = "/sys/devices/system/memory";
    auto bs = read_file(dir + "/block_size_bytes");
    if (!bs)
        return Error(bs.error.what + " (A needs CONFIG_MEMORY_HOTPLUG)");
    const uint64_t size = strtoull(bs.value->c_str(), nullptr, 16);
    std::vector<MemoryBlock> out;
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
        const std::string name = e.path().filename().string();
        unsigned idx = 0;
        if (sscanf(name.c_str(), "memory%u", &idx) != 1)
            continue;
        auto state = read_file(e.path().string() + "/state");
        auto zones = read_file(e.path().string() + "/valid_zones");
        auto trim = [](std::string s) { return s.substr(0, s.find_last_not_of(" \n") + 1); };
        out.push_back({idx, uint64_t(idx) * size, size, state ? trim(*state.value) : "?",
                       zones ? trim(*zones.value) : "?"});
    }
    if (ec)
        return Error("cannot list " + dir + ": " + errno_phrase(ec.value()));
    std::sort(out.begin(), out.end(),
              [](const MemoryBlock& a, const MemoryBlock& b) { return a.index < b.index; });
    return out;
}

std::string memory_block_state_path(const MemoryBlock& b)
{
    return "/sys/devices/system/memory/memory" + std::to_string(b.index) + "/state";
}

Failure online_blocks(const std::vector<MemoryBlock>& blocks)
{
    std::string errs;
    for (const MemoryBlock& b : blocks) {
        const std::string path = memory_block_state_path(b);
        if (write_file(path, "online_movable") && write_file(path, "online"))
            errs += (errs.empty() ? "" : "; ") + std::string("cannot online memory block ") +
                    std::to_string(b.index);
    }
    if (errs.empty())
        return std::nullopt;
    return errs;
}

Failure online_offline_memory()
{
    auto blocks = memory_blocks();
    if (!blocks)
        return blocks.error;
    std::vector<MemoryBlock> offline;
    for (const MemoryBlock& b : *blocks.value)
        if (b.state == "offline")
            offline.push_back(b);
    return online_blocks(offline);
}

}  // namespace baton::cli
