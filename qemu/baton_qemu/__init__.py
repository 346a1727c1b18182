"""baton's QEMU harness: the machine as data, serial ports as logs, scenarios with reports."""
