// SPDX-License-Identifier: GPL-2.0
#include "plan.h"

namespace baton {

namespace {

Error plan_error(Str key, Str what, Str value = Str())
{
    Error e{Errc::plan, {}};
    e.msg << "plan: " << key;
    if (value.len > 48)
        e.msg << "=" << value.sub(0, 40) << "...";
    else if (!value.empty())
        e.msg << "=" << value;
    e.msg << ": " << what;
    return e;
}

constexpr bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// The value of one hex digit, or -1.
constexpr int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

Result<uint32_t> parse_u32(Str key, Str s, uint32_t max)
{
    const char last = s.len ? s[s.len - 1] : 0;
    const bool suffixed = last == 'K' || last == 'k' || last == 'M' || last == 'm' ||
                          last == 'G' || last == 'g';
    auto v = parse_size(s);
    if (!v.ok() || v.value() > max || suffixed)
        return plan_error(key, "not a number in range", s);
    return uint32_t(v.value());
}

}  // namespace

Result<uint64_t> parse_size(Str s)
{
    Error bad{Errc::plan, {}};
    bad.msg << "bad number '" << s << "'";
    if (s.empty())
        return bad;
    uint64_t mult = 1;
    switch (s[s.len - 1]) {
    case 'K': case 'k': mult = KiB; break;
    case 'M': case 'm': mult = MiB; break;
    case 'G': case 'g': mult = GiB; break;
    default: break;
    }
    if (mult != 1)
        s = s.sub(0, s.len - 1);
    unsigned base = 10;
    if (s.starts_with("0x") || s.starts_with("0X")) {
        base = 16;
        s = s.sub(2);
    }
    if (s.empty())
        return bad;
    uint64_t v = 0;
    for (size_t i = 0; i < s.len; i++) {
        const int digit = hex_digit(s[i]);
        if (digit < 0 || unsigned(digit) >= base)
            return bad;
        const unsigned d = unsigned(digit);
        if (v > (UINT64_MAX - d) / base)
            return bad;
        v = v * base + d;
    }
    if (v > UINT64_MAX / mult)
        return bad;
    return v * mult;
}

Result<uint32_t> parse_bdf(Str s)
{
    // BB:DD.F, hex; bus 0-ff, device 0-1f, function 0-7.
    Error bad{Errc::plan, {}};
    bad.msg << "bad PCI address '" << s << "'";
    if (s.len != 7 || s[2] != ':' || s[5] != '.')
        return bad;
    const int b1 = hex_digit(s[0]), b0 = hex_digit(s[1]), d1 = hex_digit(s[3]),
              d0 = hex_digit(s[4]), f = hex_digit(s[6]);
    if (b1 < 0 || b0 < 0 || d1 < 0 || d0 < 0 || f < 0 || f > 7 || d1 * 16 + d0 > 0x1f)
        return bad;
    return uint32_t((b1 * 16 + b0) << 8 | (d1 * 16 + d0) << 3 | f);
}

Result<Digest> parse_digest(Str hex)
{
    Digest d{};
    Error bad{Errc::plan, {}};
    bad.msg << "sha256 must be 64 hex digits, got '" << hex << "'";
    if (hex.len != 64)
        return bad;
    for (size_t i = 0; i < 64; i++) {
        const int digit = hex_digit(hex[i]);
        if (digit < 0)
            return bad;
        const unsigned n = unsigned(digit);
        d.bytes[i / 2] = uint8_t(d.bytes[i / 2] | (i % 2 ? n : n << 4));
    }
    return d;
}

namespace {

Result<PhysRange> parse_range(Str key, Str val)
{
    const size_t plus = val.find('+');
    if (plus == SIZE_MAX)
        return plan_error(key, "expected BASE+SIZE", val);
    auto base = parse_size(val.sub(0, plus));
    auto size = parse_size(val.sub(plus + 1));
    if (!base.ok())
        return plan_error(key, base.error().msg.str(), val);
    if (!size.ok())
        return plan_error(key, size.error().msg.str(), val);
    const PhysRange r(PhysAddr(base.value()), size.value());
    if (r.wraps())
        return plan_error(key, "range wraps past 2^64", val);
    return r;
}

// late= / hot=: up to BATON_MAX_LATE page-aligned ranges, comma separated.
Status parse_ranges(Str key, Str val, PhysRange* out, size_t& n)
{
    for (size_t p = 0; p <= val.len;) {
        size_t comma = val.find(',', p);
        if (comma == SIZE_MAX)
            comma = val.len;
        auto r = parse_range(key, val.sub(p, comma - p));
        if (!r.ok())
            return r.error();
        if (r.value().empty() || !r.value().base().aligned(kPageSize) ||
            r.value().size() % kPageSize)
            return plan_error(key, "ranges must be whole pages", val);
        if (n == BATON_MAX_LATE)
            return plan_error(key, "more ranges than the record holds", val);
        for (size_t i = 0; i < n; i++)
            if (out[i].overlaps(r.value()))
                return plan_error(key, "ranges overlap", val);
        out[n++] = r.value();
        p = comma + 1;
    }
    return Ok{};
}

// One item of cpus=: an APIC ID, or an inclusive range FIRST-LAST of them (a machine's CPUs
// are mostly consecutive IDs, and the plan has to fit BATON_PLAN_MAX with all of them).
Status add_cpus(Plan& plan, Str key, Str val, Str item)
{
    const size_t dash = item.find('-');
    const Str first_text = dash == SIZE_MAX ? item : item.sub(0, dash);
    const Str last_text = dash == SIZE_MAX ? item : item.sub(dash + 1);
    // x2APIC IDs are 32 bits; all ones is the broadcast destination.
    auto first = parse_u32(key, first_text, 0xfffffffe);
    auto last = parse_u32(key, last_text, 0xfffffffe);
    if (!first.ok() || !last.ok())
        return plan_error(key, "APIC IDs are numbers 0-4294967294", val);
    if (last.value() < first.value())
        return plan_error(key, "a range FIRST-LAST must not go down", val);
    for (uint64_t id = first.value(); id <= last.value(); id++) {
        if (plan.owns_cpu(uint32_t(id)))
            return plan_error(key, "APIC ID listed twice", val);
        if (plan.ncpus == BATON_MAX_CPUS)
            return plan_error(key, "more CPUs than the ledger holds", val);
        plan.cpus[plan.ncpus++] = uint32_t(id);
    }
    return Ok{};
}

}  // namespace

PartitionMemory partition_memory(const Plan& plan)
{
    PartitionMemory m{plan.b_ram(), plan.low, plan.resident()};
    static_assert(kMaxLate == BATON_MAX_LATE);
    for (size_t i = 0; i < plan.nlate; i++)
        m.late[i] = plan.late[i];
    m.nlate = plan.nlate;
    return m;
}

Result<Plan> parse_plan(Str text)
{
    Plan plan;
    bool seen_partition = false, seen_cpus = false, seen_low = false, seen_console = false,
         seen_tsc = false, seen_pci = false, seen_late = false, seen_hot = false,
         seen_window = false;

    size_t i = 0;
    while (i < text.len) {
        while (i < text.len && is_space(text[i]))
            i++;
        if (i == text.len)
            break;
        size_t start = i;
        while (i < text.len && !is_space(text[i]))
            i++;
        const Str tok = text.sub(start, i - start);
        const size_t eq = tok.find('=');
        if (eq == SIZE_MAX || eq == 0)
            return plan_error(tok, "expected key=value");
        const Str key = tok.sub(0, eq), val = tok.sub(eq + 1);
        if (val.empty())
            return plan_error(key, "empty value");

        auto once = [&](bool& seen) -> bool {
            if (seen)
                return false;
            seen = true;
            return true;
        };

        if (key == "partition" || key == "low") {
            if (!once(key == "low" ? seen_low : seen_partition))
                return plan_error(key, "given twice");
            auto parsed = parse_range(key, val);
            if (!parsed.ok())
                return parsed.error();
            const PhysRange r = parsed.value();
            if (key == "low") {
                if (r.size() < 28 * KiB || r.end() > 1 * MiB || !r.base().aligned(kPageSize) ||
                    (r.size() % kPageSize))
                    return plan_error(key, "needs >= 28K of whole pages below 1 MiB", val);
                plan.low = r;
            } else {
                if (!r.base().aligned(2 * MiB) || r.size() % (2 * MiB))
                    return plan_error(key, "base and size must be 2 MiB aligned", val);
                if (r.size() < kMinPartition)
                    return plan_error(key, "smaller than the 32 MiB minimum", val);
                if (r.begin() < 1 * MiB)
                    return plan_error(key, "must start above 1 MiB", val);
                // The trampoline runs there, entered in 32-bit mode, and writes B's kernel
                // through its identity map of the low 4 GiB.
                if (r.end() > 4 * GiB)
                    return plan_error(key, "must end below 4 GiB, where the trampoline runs",
                                      val);
                plan.partition = r;
            }
        } else if (key == "cpus") {
            if (!once(seen_cpus))
                return plan_error(key, "given twice");
            for (size_t p = 0; p <= val.len;) {
                size_t comma = val.find(',', p);
                if (comma == SIZE_MAX)
                    comma = val.len;
                Status s = add_cpus(plan, key, val, val.sub(p, comma - p));
                if (!s.ok())
                    return s.error();
                p = comma + 1;
            }
        } else if (key == "window") {
            if (!once(seen_window))
                return plan_error(key, "given twice");
            auto n = parse_u32(key, val, BATON_NR_WINDOWS - 1);
            if (!n.ok())
                return plan_error(key, "not a low window (0 or 1)", val);
            plan.window = n.value();
        } else if (key == "console") {
            if (!once(seen_console))
                return plan_error(key, "given twice");
            auto port = parse_u32(key, val, 0xffff);
            if (!port.ok() || (port.value() != 0x3f8 && port.value() != 0x2f8 &&
                               port.value() != 0x3e8 && port.value() != 0x2e8))
                return plan_error(key, "not a legacy UART port (0x3f8 0x2f8 0x3e8 0x2e8)", val);
            plan.console_port = uint16_t(port.value());
        } else if (key == "tsc_khz") {
            if (!once(seen_tsc))
                return plan_error(key, "given twice");
            auto khz = parse_u32(key, val, 100000000);
            if (!khz.ok())
                return khz.error();
            plan.tsc_khz = khz.value();
        } else if (key == "pci") {
            if (!once(seen_pci))
                return plan_error(key, "given twice");
            for (size_t p = 0; p <= val.len;) {
                size_t comma = val.find(',', p);
                if (comma == SIZE_MAX)
                    comma = val.len;
                auto bdf = parse_bdf(val.sub(p, comma - p));
                if (!bdf.ok())
                    return plan_error(key, "expected BB:DD.F (hex bus, device, function)", val);
                for (size_t i = 0; i < plan.npci; i++)
                    if (plan.pci[i] == bdf.value())
                        return plan_error(key, "PCI function listed twice", val);
                if (plan.npci == BATON_MAX_PCI)
                    return plan_error(key, "more PCI functions than the record holds", val);
                plan.pci[plan.npci++] = bdf.value();
                p = comma + 1;
            }
        } else if (key == "late" || key == "hot") {
            const bool late = key == "late";
            if (!once(late ? seen_late : seen_hot))
                return plan_error(key, "given twice");
            Status s = late ? parse_ranges(key, val, plan.late, plan.nlate)
                            : parse_ranges(key, val, plan.hot, plan.nhot);
            if (!s.ok())
                return s.error();
        } else if (key == "kernel.sha256" || key == "initrd.sha256") {
            const bool k = key == "kernel.sha256";
            if (!once(k ? plan.has_kernel_digest : plan.has_initrd_digest))
                return plan_error(key, "given twice");
            auto d = parse_digest(val);
            if (!d.ok())
                return plan_error(key, d.error().msg.str());
            (k ? plan.kernel_digest : plan.initrd_digest) = d.value();
        } else {
            return plan_error(key, "unknown key");
        }
    }

    if (!seen_partition)
        return plan_error("partition", "missing (e.g. partition=0x40000000+512M)");
    if (!seen_cpus)
        return plan_error("cpus", "missing (APIC IDs of B's CPUs, e.g. cpus=0,1)");
    if (!seen_low)
        plan.low = window_low_ram(plan.window);
    if (plan.low.overlaps(plan.partition))
        return plan_error("low", "overlaps the partition");
    // The windows' SIPI pages, ledgers and page tables are baton's, never B's RAM (the other
    // window's may be the running host's own).
    for (uint32_t n = 0; n < BATON_NR_WINDOWS; n++)
        if (plan.low.overlaps(PhysRange(PhysAddr(window_base(n)), BATON_WINDOW_LOW_RAM)))
            return plan_error("low", "overlaps a low window's SIPI page, ledger or page tables");
    // The other kernel's RAM is neither B's nor each other's.
    for (size_t i = 0; i < plan.nlate + plan.nhot; i++) {
        const PhysRange r = i < plan.nlate ? plan.late[i] : plan.hot[i - plan.nlate];
        const Str key = i < plan.nlate ? Str("late") : Str("hot");
        if (r.overlaps(plan.partition) || r.overlaps(plan.low))
            return plan_error(key, "overlaps B's partition or low RAM");
        for (size_t j = 0; j < plan.nhot && i < plan.nlate; j++)
            if (r.overlaps(plan.hot[j]))
                return plan_error(key, "a late range overlaps a hot one");
    }
    return plan;
}

}  // namespace baton
