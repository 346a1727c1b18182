// SPDX-License-Identifier: GPL-2.0
// One firmware ACPI table as bytes, wherever it was read: through the trampoline's ACPI
// root, or from /sys/firmware/acpi/tables by the CLI.  The parsers of the tables baton reads
// (madt.h, srat.h, mcfg.h) take these, so both check a machine with the same code.
#pragma once

#include "phys.h"

namespace baton {

inline constexpr size_t kSdtHeaderLen = 36;

struct AcpiTable {
    const uint8_t* bytes = nullptr;  // nullptr: the firmware has no such table
    size_t len = 0;

    [[nodiscard]] bool present() const { return bytes != nullptr; }
};

uint8_t acpi_checksum(const uint8_t* p, size_t len);

// The table is whole: signature `sig` (4 characters), a header whose length is `len`, and
// a checksum that holds.  The error names the table.
Status check_acpi_table(const AcpiTable& t, const char* sig);

}  // namespace baton
