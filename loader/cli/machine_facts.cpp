// SPDX-License-Identifier: GPL-2.0
#include "machine_facts.h"

#include "../../include/baton/ledger.h"
#include "lib/plan.h"
#include "text_split.h"

#include <charconv>

namespace baton::cli {

namespace {

std::string_view trim(std::string_view s)
{
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\n' || s.back() == '\r' || s.back() == '\t'))
        s.remove_suffix(1);
    return s;
}

std::optional<uint64_t> parse_decimal(std::string_view s)
{
    uint64_t v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v, 10);
    if (s.empty() || ec != std::errc() || p != s.data() + s.size())
        return std::nullopt;
    return v;
}

bool parse_hex(std::string_view s, uint64_t& v)
{
    s = trim(s);
    if (s.substr(0, 2) == "0x")
        s.remove_prefix(2);
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v, 16);
    return ec == std::errc() && p == s.data() + s.size() && !s.empty();
}

}  // namespace

std::vector<IomemEntry> parse_iomem(std::string_view text)
{
    std::vector<IomemEntry> out;
    size_t pos = 0;
    while (pos < text.size()) {
        size_t nl = text.find('\n', pos);
        std::string_view line = text.substr(pos, nl == std::string_view::npos ? nl : nl - pos);
        pos = nl == std::string_view::npos ? text.size() : nl + 1;
        size_t indent = 0;
        while (indent < line.size() && line[indent] == ' ')
            indent++;
        const size_t dash = line.find('-', indent), colon = line.find(" : ", indent);
        if (dash == std::string_view::npos || colon == std::string_view::npos || dash > colon)
            continue;
        uint64_t b, e;
        if (!parse_hex(line.substr(indent, dash - indent), b) ||
            !parse_hex(line.substr(dash + 1, colon - dash - 1), e))
            continue;
        out.push_back({b, e + 1, std::string(trim(line.substr(colon + 3))), int(indent / 2)});
    }
    return out;
}

std::optional<std::vector<E820Entry>> parse_firmware_memmap(std::string_view text)
{
    std::vector<E820Entry> out;
    bool bad = false;
    for_each_line(text, [&](std::string_view line) {
        line = trim(line);
        if (line.empty() || bad)
            return;
        const size_t s1 = line.find(' '), s2 = s1 == line.npos ? line.npos : line.find(' ', s1 + 1);
        uint64_t b, e;
        unsigned type = 0;
        const std::string_view t = s2 == line.npos ? std::string_view() : line.substr(s2 + 1);
        auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), type);
        bad = s2 == line.npos || !parse_hex(line.substr(0, s1), b) ||
              !parse_hex(line.substr(s1 + 1, s2 - s1 - 1), e) || e < b || e == UINT64_MAX ||
              ec != std::errc() || p != t.data() + t.size() || type == 0;
        if (!bad)
            out.push_back({PhysRange::from_to(b, e + 1), E820Type(type)});
    });
    if (bad)
        return std::nullopt;
    return out;
}

std::optional<HostStatus> parse_host_status(std::string_view status)
{
    HostStatus h;
    bool window = false, bad = false;
    for_each_line(status, [&](std::string_view line) {
        if (line.starts_with("low_window: ")) {
            const std::string_view v = line.substr(12);
            uint64_t base;
            const size_t dash = v.find('-');
            h.window = dash != v.npos && parse_hex(v.substr(0, dash), base)
                           ? window_of_ledger(base + BATON_WINDOW_LEDGER)
                           : BATON_NR_WINDOWS;
            bad = bad || h.window == BATON_NR_WINDOWS;
            window = true;
        } else if (line == "bsp: offline") {
            h.bsp_cpu = -1;
        } else if (line.starts_with("bsp: CPU ")) {
            const std::string_view v = line.substr(9);
            unsigned cpu = 0;
            auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), cpu);
            bad = bad || ec != std::errc() || p != v.data() + v.size();
            h.bsp_cpu = int(cpu);
        }
    });
    if (!window || bad)
        return std::nullopt;
    return h;
}

bool parse_memmap_entry(std::string_view start, std::string_view end, std::string_view type,
                        E820Entry& out)
{
    uint64_t b, e;
    if (!parse_hex(start, b) || !parse_hex(end, e) || e < b)
        return false;
    type = trim(type);
    E820Type t;
    if (type == "System RAM")
        t = E820Type::ram;
    else if (type == "ACPI Tables")
        t = E820Type::acpi;
    else if (type == "ACPI Non-volatile Storage")
        t = E820Type::nvs;
    else if (type == "Unusable memory")
        t = E820Type::unusable;
    else if (type == "Persistent Memory" || type == "Persistent Memory (legacy)")
        t = E820Type::pmem;
    else
        t = E820Type::reserved;  // "Reserved", "Soft Reserved", anything new: keep B off it
    out = {PhysRange::from_to(b, e + 1), t};
    return true;
}

std::vector<CpuInfo> parse_cpuinfo(std::string_view text)
{
    std::vector<CpuInfo> out;
    size_t pos = 0;
    long cpu = -1;
    while (pos < text.size()) {
        size_t nl = text.find('\n', pos);
        std::string_view line = text.substr(pos, nl == std::string_view::npos ? nl : nl - pos);
        pos = nl == std::string_view::npos ? text.size() : nl + 1;
        const size_t colon = line.find(':');
        if (colon == std::string_view::npos)
            continue;
        const std::string_view key = trim(line.substr(0, colon)), val = trim(line.substr(colon + 1));
        unsigned v = 0;
        auto [p, ec] = std::from_chars(val.data(), val.data() + val.size(), v);
        if (ec != std::errc())
            continue;
        if (key == "processor")
            cpu = v;
        else if (key == "apicid" && cpu >= 0)
            out.push_back({unsigned(cpu), v, true});
    }
    return out;
}

bool a_runs_x2apic(std::string_view cpuinfo, std::string_view cmdline)
{
    for (size_t pos = 0; pos < cpuinfo.size();) {
        size_t nl = cpuinfo.find('\n', pos);
        if (nl == std::string_view::npos)
            nl = cpuinfo.size();
        const std::string_view line = cpuinfo.substr(pos, nl - pos);
        pos = nl + 1;
        const size_t colon = line.find(':');
        if (colon == std::string_view::npos || trim(line.substr(0, colon)) != "flags")
            continue;
        const std::string flags = " " + std::string(line.substr(colon + 1)) + " ";
        return flags.find(" x2apic ") != std::string::npos && !cmdline_has(cmdline, "nox2apic");
    }
    return false;
}

bool cmdline_has(std::string_view cmdline, std::string_view param)
{
    bool has = false;
    for_each_word(cmdline, [&](std::string_view w) { has = has || w == param; });
    return has;
}

uint32_t legacy_uarts(std::string_view text)
{
    uint32_t mask = 0;
    size_t pos = 0;
    while (pos < text.size()) {
        size_t nl = text.find('\n', pos);
        if (nl == std::string_view::npos)
            nl = text.size();
        const std::string line(text.substr(pos, nl - pos));
        pos = nl + 1;
        unsigned port = 0;
        const size_t u = line.find("uart:"), p = line.find("port:");
        if (u == std::string::npos || p == std::string::npos ||
            line.compare(u, 12, "uart:unknown") == 0 ||
            sscanf(line.c_str() + p, "port:%x", &port) != 1)
            continue;
        mask |= baton_uart_bit(port);
    }
    return mask;
}


std::optional<size_t> count_cpu_list(std::string_view text)
{
    text = trim(text);
    if (text.empty())
        return std::nullopt;
    size_t n = 0;
    int64_t last = -1;  // ranges come in increasing order, as the kernel prints them
    for (size_t pos = 0; pos <= text.size();) {
        size_t comma = text.find(',', pos);
        if (comma == std::string_view::npos)
            comma = text.size();
        const std::string_view item = text.substr(pos, comma - pos);
        const size_t dash = item.find('-');
        const auto lo = parse_decimal(item.substr(0, dash));
        const auto hi = dash == std::string_view::npos ? lo : parse_decimal(item.substr(dash + 1));
        // CPU numbers stay far below 2^31 (the kernel's NR_CPUS_MAX is 8192).
        if (!lo || !hi || *hi < *lo || *hi >= (1u << 31) || int64_t(*lo) <= last)
            return std::nullopt;
        n += size_t(*hi - *lo + 1);
        last = int64_t(*hi);
        pos = comma + 1;
    }
    return n;
}

std::optional<uint64_t> kconfig_number(std::string_view config, std::string_view name)
{
    std::optional<uint64_t> found;
    bool twice = false;
    for_each_line(config, [&](std::string_view line) {
        if (line.size() <= name.size() || line.substr(0, name.size()) != name ||
            line[name.size()] != '=')
            return;
        twice = twice || found.has_value();
        found = parse_decimal(line.substr(name.size() + 1));
        twice = twice || !found;
    });
    if (twice)
        return std::nullopt;
    return found;
}

bool kconfig_enabled(std::string_view config, std::string_view name)
{
    bool on = false;
    for_each_line(config, [&](std::string_view line) {
        if (line.size() == name.size() + 2 && line.substr(0, name.size()) == name &&
            line.substr(name.size()) == "=y")
            on = true;
    });
    return on;
}

std::optional<bool> has_capability(std::string_view proc_status, unsigned cap)
{
    std::optional<bool> out;
    for_each_line(proc_status, [&](std::string_view line) {
        if (line.substr(0, 7) != "CapEff:" || cap >= 64)
            return;
        uint64_t v;
        if (parse_hex(line.substr(7), v))
            out = (v >> cap) & 1;
    });
    return out;
}

std::string lockdown_mode(std::string_view text)
{
    const size_t open = text.find('['), close = text.find(']');
    if (open == std::string_view::npos || close == std::string_view::npos || close < open)
        return "";
    return std::string(text.substr(open + 1, close - open - 1));
}

}  // namespace baton::cli
