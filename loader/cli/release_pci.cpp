// SPDX-License-Identifier: GPL-2.0
// What `release` and `handover` share: B's time to take a request, and one PCI function
// handed to B with its fence (or back to A's driver when B does not take it).
#include <cerrno>

#include "cli.h"

namespace baton::cli {

// --timeout-ms of release and handover: how long B has to take a request (default 5 s).
Expected<unsigned long> release_timeout_ms(const Args& a)
{
    return number_option(a, "timeout-ms", 5000, 1, 600000);
}

// A PCI function is fenced (driver_override) so nothing in A binds it again, baton.ko unbinds
// A's driver and B adopts it.  If B does not, it goes back to A's driver.  0 or an errno.
int release_pci(const Device& dev, const PciFunction& f, const baton_release_args& r,
                std::string* back)
{
    if (auto e = pci_fence_for_b(f)) {
        *back = " (" + e->what + ")";
        return EBUSY;
    }
    const ExpeditedRcu fast_teardown;
    const int err = dev.release(r);
    if (err && err != EIO)
        if (auto e = pci_give_back(f))
            *back = " (but: " + e->what + ")";
    return err;
}

}  // namespace baton::cli
