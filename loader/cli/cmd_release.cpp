// SPDX-License-Identifier: GPL-2.0
// `baton release`: one resource to B (a CPU, memory blocks, a PCI function, an IOAPIC pin).
#include <cerrno>
#include <chrono>

#include "cli.h"
#include "errors.h"
#include "json.h"

namespace baton::cli {

// The handover's step command: one resource from A to B, acknowledged by B.
int cmd_release(const Args& a)
{
    const std::string what = a.pos[0];
    const std::string id = a.pos[1];
    baton_release_args r{};
    const auto num = decimal(id, 4);
    const unsigned long n = num.value_or(0);
    if (what == "cpu") {
        if (!num || n > 4095)
            return refuse(Error("release cpu: '" + id + "' is not a CPU number", Exit::usage),
                          a.json);
        r.resource = BATON_RES_CPU;
        r.arg = n;
    } else if (what == "mem") {
        // BASE+SIZE, e.g. 0x8000000+128M: whole memory blocks of A's RAM.
        const size_t plus = id.find('+');
        const std::string bad = "release mem: '" + id + "' is not BASE+SIZE (e.g. 0x8000000+128M)";
        if (plus == std::string::npos)
            return refuse(Error(bad, Exit::usage), a.json);
        auto base = parse_size(Str(id.data(), plus));
        auto size = parse_size(Str(id.data() + plus + 1, id.size() - plus - 1));
        if (!base.ok() || !size.ok() || size.value() == 0)
            return refuse(Error(bad, Exit::usage), a.json);
        r.resource = BATON_RES_MEM;
        r.arg = base.value();
        r.size = size.value();
    } else if (what == "pci") {
        auto bdf = parse_bdf(Str(id.data(), id.size()));
        if (!bdf.ok())
            return refuse(Error("release pci: '" + id + "' is not a PCI address BB:DD.F",
                                Exit::usage), a.json);
        r.resource = BATON_RES_PCI;
        r.arg = bdf.value();
    } else if (what == "irq") {
        if (!num || n > 255)
            return refuse(Error("release irq: '" + id + "' is not an IOAPIC pin's GSI (0-255)",
                                Exit::usage), a.json);
        r.resource = BATON_RES_IRQ;
        r.arg = n;
    } else {
        return refuse(Error("release: unknown resource '" + what +
                                "' (baton release cpu N | mem BASE+SIZE | pci BB:DD.F | irq GSI)",
                            Exit::usage), a.json);
    }
    const auto t = release_timeout_ms(a);
    if (!t)
        return refuse(t.error, a.json);
    r.timeout_ms = uint32_t(*t.value);

    auto session = open_session();
    if (!session)
        return refuse(session.error, a.json);
    Session& ses = *session.value;
    if (ses.state != BATON_STATE_B_RUNNING)
        return refuse("B is " + state_name(ses.state) + ", not running: nothing to release to",
                      a.json);
    const std::string name = what + " " + id;
    std::string back;
    std::optional<PciFunction> pci;
    if (r.resource == BATON_RES_PCI) {
        auto f = pci_function(uint32_t(r.arg));
        if (!f)
            return refuse("release " + name + ": " + f.error.what, a.json);
        if ((f.value->pci_class >> 16) == 0x06)
            return refuse("release " + name + ": a bridge stays with the machine", a.json);
        pci = *f.value;
    }
    const auto t0 = std::chrono::steady_clock::now();
    const int err = pci ? release_pci(ses.dev, *pci, r, &back) : ses.dev.release(r);
    // Memory that came back to A (B refused it, or did not take it) is added to A offline.
    if (r.resource == BATON_RES_MEM && err && err != EIO)
        if (auto e = online_offline_memory())
            back = " (but: " + e->what + ")";
    if (err)
        return refuse("release " + name + ": " + release_error(r.resource, err, r.timeout_ms) + back,
                      a.json);
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    if (a.json) {
        Json j;
        j.obj().kv("ok", true).kv("released", name).kv("ms", ms).end();
        printf("%s\n", j.str().c_str());
    } else {
        printf("release: %s now belongs to B (%.1f ms)\n", name.c_str(), ms);
    }
    return 0;
}

}  // namespace baton::cli
