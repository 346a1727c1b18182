// SPDX-License-Identifier: GPL-2.0
// The command table: each command's words, options, flags and --help text.
#include "commands.h"

namespace baton::cli {

namespace {

const CommandSpec kCommands[] = {
    {"upgrade", 0,
     " dir kernel initrd cmdline cpus partition pci ready ready-timeout timeout timeout-ms ",
     " dry-run yes no-verify ",
     "baton upgrade [--kernel BZIMAGE] [--initrd FILE] [--cmdline \"B cmdline\"] [--dir DIR]\n"
     "              [--cpus N,N] [--partition BASE+SIZE] [--pci BB:DD.F,...]\n"
     "              [--ready tcp:ADDR:PORT | udp:ADDR:PORT | cmd:COMMAND] [--ready-timeout S]\n"
     "              [--timeout S] [--timeout-ms MS] [--no-verify] [--dry-run] [--yes] [--json]\n"
     "  The whole upgrade: plan, load (each image checked against its SHA256SUMS), launch,\n"
     "  wait until B is ready, hand over.  Ready: B's heartbeat, then the --ready check\n"
     "  passes (a TCP port B accepts on, a UDP echo B answers, or a command run here that\n"
     "  exits 0), polled until --ready-timeout (default 120 s).  Any failure before the\n"
     "  handover's last step aborts B and leaves the running kernel as it was (exit 4; 1\n"
     "  for a refusal before anything changed).  --dry-run prints the plan and every step\n"
     "  and changes nothing; without --yes it asks on the terminal.  --json: one JSON\n"
     "  object per line, {\"event\":\"step\",...} before each step's own."},
    {"plan", 0, " cpus partition pci dir kernel initrd ", " ",
     "baton plan [--cpus N,N] [--partition BASE+SIZE] [--pci BB:DD.F,...] [--dir DIR]\n"
     "           [--kernel FILE] [--initrd FILE] [--json]\n"
     "  Computes B's partition from /proc/iomem, /sys/firmware/memmap and the CPU list:\n"
     "  B's CPUs (A's numbers; default the last two, never 0), B's RAM (default the whole\n"
     "  crashkernel region), the low window, B's UART and PCI allow-list, B's e820.\n"
     "  Refuses a machine beyond what the ledger, B's partition record or B (its\n"
     "  CONFIG_NR_CPUS, from KERNEL.config next to B's bzImage, or /boot/config-VERSION\n"
     "  for /boot/vmlinuz-VERSION) can hold.\n"
     "  Saves it in /run/baton/state for load and launch."},
    {"load", 0, " dir trampoline kernel initrd digests append ", " no-verify ",
     "baton load [--dir DIR] [--trampoline FILE] [--kernel FILE] [--initrd FILE]\n"
     "           [--digests SHA256SUMS] [--append \"B cmdline\"] [--no-verify] [--json]\n"
     "  Checks each image against SHA256SUMS in its own folder (or --digests) before\n"
     "  anything changes; --no-verify leaves that to the trampoline's check at launch.\n"
     "  Places the trampoline, B's bzImage and initramfs and the launch block with\n"
     "  kexec_load(KEXEC_ON_CRASH) at their final addresses in the partition, and records\n"
     "  the plan in the ledger.  DIR defaults to /usr/lib/baton.  From then until baton\n"
     "  unloads it, baton holds the crash slot: every other kexec crash load or unload and\n"
     "  every write to /sys/kernel/kexec_crash_size fails (EBUSY, logged by baton.ko)."},
    {"launch", 0, " timeout ", " ",
     "baton launch [--timeout SECONDS] [--json]\n"
     "  Offlines B's CPUs in A, guards them, INIT-SIPIs the first into the trampoline and\n"
     "  waits for B's heartbeat.  If the trampoline refuses, B's CPUs return to A."},
    {"status", 0, " ledger ", " ",
     "baton status [--ledger FILE] [--json]\n"
     "  The ledger: loaded / launched / B running / failed (with the reason), B's\n"
     "  heartbeat and its age, who owns each CPU, memory range and the partition, and the\n"
     "  timeline of the handover, and whether baton holds the crash slot (its guard armed,\n"
     "  B's image intact).  --ledger reads a ledger file instead of asking baton.ko: in B\n"
     "  after the handover, /sys/kernel/baton/ledger."},
    {"release", 2, " timeout-ms ", " ",
     "baton release cpu N | mem BASE+SIZE | pci BB:DD.F | irq GSI [--timeout-ms MS] [--json]\n"
     "  One step of the handover.  cpu: A offlines its CPU N and parks it in limbo, B adopts\n"
     "  it through its ledger mailbox and brings it online.  mem: A offlines and hot-removes\n"
     "  whole memory blocks, B hot-adds and onlines them.  pci: A unbinds its driver (and\n"
     "  fences the function with driver_override), clears bus mastering, B rescans and binds\n"
     "  its own.  irq: an IOAPIC pin no handler of A uses; A masks it and never requests it\n"
     "  again, B owns it with A's trigger and polarity.  If B does not take it within MS\n"
     "  (default 5000), A takes it back.  CPU 0 leaves last, with the handover."},
    {"handover", 0, " timeout-ms ", " dry-run ",
     "baton handover [--timeout-ms MS] [--dry-run] [--json]\n"
     "  The whole handover, one resource at a time, each adopted by B before the next: A's\n"
     "  PCI functions with a driver (NICs; bridges stay), its CPUs other than 0, its movable\n"
     "  memory blocks, then A stops: it gives up its UARTs\n"
     "  (COM1 becomes B's, with its interrupt), CPU 0 masks A's IOAPIC pins and walks into\n"
     "  limbo, B adopts it.  One line per step; A does not return from the last one.\n"
     "  --dry-run: the steps in their order and what each would do; nothing changes."},
    {"abort", 0, " ", " ",
     "baton abort [--json]\n"
     "  Stops B (INIT to its CPUs), returns every CPU and memory block to A (online again),\n"
     "  unloads B."},
    {"unload", 0, " ", " ",
     "baton unload [--json]\n"
     "  Removes a loaded, not launched B from the crashkernel region and frees the crash\n"
     "  slot.  A crash kernel baton did not load is left alone."},
};

}  // namespace

std::span<const CommandSpec> command_specs() { return kCommands; }

std::string overall_usage()
{
    std::string u = "usage: baton COMMAND [options]   (baton COMMAND --help)\n"
                    "       baton --version [--json]\n\n";
    for (const CommandSpec& c : kCommands)
        u += std::string(c.usage) + "\n\n";
    u += "Options take their value as --opt VALUE or --opt=VALUE.  Every command takes\n"
         "--json (one JSON object per line; the last says how it ended) and --help.\n\n"
         "Exit status:\n"
         "  0  done\n"
         "  1  refused or failed, nothing changed (or all of it undone)\n"
         "  2  usage: the command line is wrong, nothing was read or changed\n"
         "  3  stopped partway: the error says what remains where (baton abort returns it)\n"
         "  4  B failed: it did not come up or not become ready; A runs as before\n";
    return u;
}

}  // namespace baton::cli
