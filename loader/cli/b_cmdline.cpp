#include "b_cmdline.h"

#include <array>

#include "../../include/baton/ledger.h"
#include "text_split.h"

namespace {

// IPIs by mask only (never A's CPUs); B where the trampoline put it (a distribution kernel
// randomises its own placement, inside memory the e820 gives it); the memory B adopts online
// in ZONE_MOVABLE, so that B can set the next kernel's partition aside from it later (the
// chain).  Then core- and package-wide state of bare metal that B must leave to A and no
// platform hook reaches in time (design.md, "what B's built-in drivers could touch"):
// corrected MCE polling and CMCI, early microcode, HWP, package C-states, the split lock
// MSR; and 4-level paging, so that a CPU B takes offline can walk back into limbo.
constexpr std::string_view kBase = "no_ipi_broadcast=1 nokaslr memhp_default_state=online_movable "
                                   "mce=ignore_ce dis_ucode_ldr intel_pstate=disable "
                                   "intel_idle.max_cstate=0 split_lock_detect=off no5lvl";

constexpr std::array<uint16_t, BATON_NR_UARTS> kUartPorts = BATON_UART_PORTS;

// A's parameters that set core- or package-scoped mitigation MSRs.
constexpr std::array<std::string_view, 4> kFromA = {"mitigations=", "tsx=", "srbds=",
                                                    "gather_data_sampling="};

}  // namespace

std::string b_cmdline(std::string_view a_cmdline, std::string_view a_clocksource,
                      uint16_t console_port, std::string_view append)
{
    // B's console: ttyS<n> for UART n, the 8250 driver's legacy numbering.
    size_t tty = 1;
    for (size_t n = 0; n < kUartPorts.size(); n++)
        if (kUartPorts[n] == console_port)
            tty = n;
    std::string out = "console=ttyS" + std::to_string(tty) + ",115200 ";
    out.append(kBase);
    // The TSC is the machine's, and A has watched it against the HPET or the PM timer since
    // boot.  B has neither before its fs_initcalls, only jiffies, which lose ticks when B's
    // CPUs are slow to take them (under a loaded host, say): its watchdog would condemn a
    // TSC that A trusts, or trust one that A found unsynchronised.  So B takes A's verdict.
    while (!a_clocksource.empty() && (a_clocksource.back() == '\n' || a_clocksource.back() == ' '))
        a_clocksource.remove_suffix(1);
    out.append(a_clocksource == "tsc" ? " tsc=reliable" : " tsc=unstable");
    baton::cli::for_each_word(a_cmdline, [&](std::string_view word) {
        for (std::string_view p : kFromA)
            if (word.size() > p.size() && word.starts_with(p))
                out.append(" ").append(word);
    });
    if (!append.empty())
        out.append(" ").append(append);
    return out;
}
