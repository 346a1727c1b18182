// SPDX-License-Identifier: GPL-2.0
// `baton`: runs in kernel A and splits off kernel B.
//   baton plan | load | launch | release | handover | status | abort | unload
//   (each with --help and --json)
// Here: the command table and the argument parser; the commands in cmd_*.cpp.

#include <cstdio>
#include <cstring>
#include <string>

#include "cli.h"

namespace baton::cli {

namespace {

struct Command {
    const char* name;
    int (*run)(const Args&);
    size_t npos;          // positional arguments it takes
    const char* options;  // the --options it takes, space separated
    const char* usage;
};

const Command kCommands[] = {
    {"plan", cmd_plan, 0, " cpus partition pci dir kernel initrd ",
     "baton plan [--cpus N,N] [--partition BASE+SIZE] [--pci BB:DD.F,...] [--dir DIR]\n"
     "           [--kernel FILE] [--initrd FILE] [--json]\n"
     "  Computes B's partition from /proc/iomem, /sys/firmware/memmap and the CPU list:\n"
     "  B's CPUs (A's numbers; default the last two, never 0), B's RAM (default the whole\n"
     "  crashkernel region), the low window, B's UART and PCI allow-list, B's e820.\n"
     "  Refuses a machine beyond what the ledger, B's partition record or B (its\n"
     "  CONFIG_NR_CPUS, from KERNEL.config next to B's bzImage) can hold.\n"
     "  Saves it in /run/baton/state for load and launch."},
    {"load", cmd_load, 0, " dir trampoline kernel initrd digests append ",
     "baton load [--dir DIR] [--trampoline FILE] [--kernel FILE] [--initrd FILE]\n"
     "           [--digests SHA256SUMS] [--append \"B cmdline\"] [--json]\n"
     "  Places the trampoline, B's bzImage and initramfs and the launch block with\n"
     "  kexec_load(KEXEC_ON_CRASH) at their final addresses in the partition, and records\n"
     "  the plan in the ledger.  DIR defaults to /usr/lib/baton.  From then until baton\n"
     "  unloads it, baton holds the crash slot: every other kexec crash load or unload and\n"
     "  every write to /sys/kernel/kexec_crash_size fails (EBUSY, logged by baton.ko)."},
    {"launch", cmd_launch, 0, " timeout ",
     "baton launch [--timeout SECONDS] [--json]\n"
     "  Offlines B's CPUs in A, guards them, INIT-SIPIs the first into the trampoline and\n"
     "  waits for B's heartbeat.  If the trampoline refuses, B's CPUs return to A."},
    {"status", cmd_status, 0, " ledger ",
     "baton status [--ledger FILE] [--json]\n"
     "  The ledger: loaded / launched / B running / failed (with the reason), B's\n"
     "  heartbeat and its age, who owns each CPU, memory range and the partition, and the\n"
     "  timeline of the handover, and whether baton holds the crash slot (its guard armed,\n"
     "  B's image intact).  --ledger reads a ledger file instead of asking baton.ko: in B\n"
     "  after the handover, /sys/kernel/baton/ledger."},
    {"release", cmd_release, 2, " timeout-ms ",
     "baton release cpu N | mem BASE+SIZE | pci BB:DD.F | irq GSI [--timeout-ms MS] [--json]\n"
     "  One step of the handover.  cpu: A offlines its CPU N and parks it in limbo, B adopts\n"
     "  it through its ledger mailbox and brings it online.  mem: A offlines and hot-removes\n"
     "  whole memory blocks, B hot-adds and onlines them.  pci: A unbinds its driver (and\n"
     "  fences the function with driver_override), clears bus mastering, B rescans and binds\n"
     "  its own.  irq: an IOAPIC pin no handler of A uses; A masks it and never requests it\n"
     "  again, B owns it with A's trigger and polarity.  If B does not take it within MS\n"
     "  (default 5000), A takes it back.  CPU 0 leaves last, with the handover."},
    {"handover", cmd_handover, 0, " timeout-ms ",
     "baton handover [--timeout-ms MS] [--json]\n"
     "  The whole handover, one resource at a time, each adopted by B before the next: A's\n"
     "  PCI functions with a driver (NICs; bridges stay), its CPUs other than 0, its movable\n"
     "  memory blocks, then A stops: it gives up its UARTs\n"
     "  (COM1 becomes B's, with its interrupt), CPU 0 masks A's IOAPIC pins and walks into\n"
     "  limbo, B adopts it.  One line per step; A does not return from the last one."},
    {"abort", cmd_abort, 0, " ",
     "baton abort [--json]\n"
     "  Stops B (INIT to its CPUs), returns every CPU and memory block to A (online again),\n"
     "  unloads B."},
    {"unload", cmd_unload, 0, " ",
     "baton unload [--json]\n"
     "  Removes a loaded, not launched B from the crashkernel region and frees the crash\n"
     "  slot.  A crash kernel baton did not load is left alone."},
};

void usage(FILE* f)
{
    fprintf(f, "usage: baton COMMAND [options]   (baton COMMAND --help)\n\n");
    for (const Command& c : kCommands)
        fprintf(f, "%s\n\n", c.usage);
}

}  // namespace

int run(int argc, char** argv)
{
    Args a;
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    a.command = argv[1];
    if (a.command == "--help" || a.command == "-h" || a.command == "help") {
        usage(stdout);
        return 0;
    }
    for (int i = 2; i < argc; i++) {
        std::string s = argv[i];
        if (s == "--json")
            a.json = true;
        else if (s == "--help" || s == "-h")
            a.help = true;
        else if (s.rfind("--", 0) == 0 && i + 1 < argc)
            a.opts[s.substr(2)] = argv[++i];
        else if (s.rfind("--", 0) != 0)
            a.pos.push_back(s);
        else
            return refuse("unexpected argument '" + s + "' (see baton " + a.command + " --help)", a.json);
    }
    for (const Command& c : kCommands)
        if (a.command == c.name) {
            if (a.help) {
                printf("%s\n", c.usage);
                return 0;
            }
            for (const auto& [k, v] : a.opts)
                if (!strstr(c.options, (" " + k + " ").c_str()))
                    return refuse("baton " + a.command + " takes no --" + k + " (see --help)",
                                  a.json);
            if (a.pos.size() != c.npos)
                return refuse("baton " + a.command + " takes " +
                                  (c.npos ? std::to_string(c.npos) : std::string("no")) +
                                  " argument" + (c.npos == 1 ? "" : "s") + ", got '" +
                                  (a.pos.empty() ? std::string() : a.pos[0]) + "'" +
                                  (a.pos.size() > 1 ? " ..." : "") + " (see --help)",
                              a.json);
            // A ledger file is only read: that needs nobody's permission (B's, after A).
            if (!(a.command == "status" && a.opts.count("ledger")))
                if (auto why = privilege_refusal(a.command))
                    return refuse(*why, a.json);
            return c.run(a);
        }
    return refuse("unknown command '" + a.command + "' (see baton --help)", a.json);
}

}  // namespace baton::cli

int main(int argc, char** argv) { return baton::cli::run(argc, argv); }
