// SPDX-License-Identifier: GPL-2.0
// The ledger ABI header must compile as C as well (baton.ko and B's patches include it);
// its static assertions run here in C mode.
#include <stddef.h>

#include "../include/baton/ledger.h"

const unsigned baton_test_ledger_c_size = sizeof(struct baton_ledger);
