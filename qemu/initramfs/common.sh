# Shared by both kernels' /init: mount the pseudo filesystems.
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mkdir -p /dev/pts && mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /tmp
mount -t tmpfs tmpfs /run
hostname "$1"
# Kernel messages stay in dmesg: on the console they would cut into logins and commands.
dmesg -n 1
# SSH for the fleet's orchestration (keys only): the machine's host key, whichever kernel
# runs; on every address this kernel has or gets.
key=/etc/dropbear/dropbear_ed25519_host_key
[ -f $key ] && [ -x /usr/sbin/dropbear ] && /usr/sbin/dropbear -r $key -s -p 22 -P /run/dropbear.pid
