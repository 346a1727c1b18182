# The machine's images: baton.ko for A, B and C, the link module, the test fault, and the
# initramfs of every kernel (the standard pair and the chain's).  Included by CMakeLists.txt
# unless BATON_HOST_ONLY.

# --- baton.ko against A's headers (resolved by kernel/fetch-a.sh) -------------------------
if(NOT EXISTS ${BATON_BUILD_ROOT}/kernel-a/headers)
  message(FATAL_ERROR "kernel A not resolved: run kernel/fetch-a.sh ${BATON_BUILD_ROOT} (make does)")
endif()
file(STRINGS ${BATON_BUILD_ROOT}/kernel-a/headers BATON_A_HEADERS LIMIT_COUNT 1)
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${BATON_BUILD_ROOT}/kernel-a/headers)
add_custom_target(module ALL
  COMMAND ${CMAKE_SOURCE_DIR}/loader/module/build.sh
          ${BATON_A_HEADERS} ${CMAKE_BINARY_DIR}/module ${BATON_VERSION}
  COMMENT "baton.ko for kernel A"
  VERBATIM)
set(BATON_MODULE ${CMAKE_BINARY_DIR}/module/baton.ko)

# The same module for B: the kernel that took the machine over hosts the next one.
add_custom_target(module-b ALL
  COMMAND ${CMAKE_SOURCE_DIR}/loader/module/build.sh --b
          ${BATON_BUILD_ROOT}/kernel-b ${CMAKE_BINARY_DIR}/module-b ${BATON_VERSION}
  COMMENT "baton.ko for kernel B"
  VERBATIM)
set(BATON_MODULE_B ${CMAKE_BINARY_DIR}/module-b/baton.ko)

# A test fault for A (scenario faults): hangs A's CPU 0.  Staged into A's initramfs only.
add_custom_target(test-hang-module ALL
  COMMAND ${CMAKE_SOURCE_DIR}/qemu/workload/hang/build.sh ${BATON_A_HEADERS} ${CMAKE_BINARY_DIR}/hang
  COMMENT "baton_test_hang.ko (a fault for kernel A)"
  VERBATIM)

# --- baton_link.ko against B's object tree (kernel/build-b.sh) ------------------------------
add_custom_target(link-module ALL
  COMMAND ${CMAKE_SOURCE_DIR}/link/build.sh ${BATON_BUILD_ROOT}/kernel-b ${CMAKE_BINARY_DIR}/link
  COMMENT "baton_link.ko for kernel B"
  VERBATIM)
set(BATON_LINK_MODULE ${CMAKE_BINARY_DIR}/link/baton_link.ko)

# --- initramfs for both kernels ------------------------------------------------------------
# A's carries everything `baton` needs to split off B: the CLI, the trampoline, B's kernel and
# initramfs and their published digests under /usr/lib/baton.  A kernel baton launched carries
# the same tools, its own baton.ko and link module, and (in the chain below) the next kernel.
set(BATON_LIB_DIR ${CMAKE_BINARY_DIR}/usr-lib-baton)
# B runs the hotplug selftests of its own source tree after a handover.
set(BATON_SELFTESTS ${BATON_BUILD_ROOT}/kernel-b/src/tools/testing/selftests)

# The fleet's SSH keys, made once per build folder (the images stay reproducible): the
# machine's host key (every kernel of a VM has it) and the orchestration's login key.
set(BATON_FLEET_KEYS ${CMAKE_BINARY_DIR}/fleet)
add_custom_command(OUTPUT ${BATON_FLEET_KEYS}/host_ed25519 ${BATON_FLEET_KEYS}/id_ed25519.pub
  COMMAND ${CMAKE_COMMAND} -E make_directory ${BATON_FLEET_KEYS}
  COMMAND rm -f ${BATON_FLEET_KEYS}/host_ed25519 ${BATON_FLEET_KEYS}/id_ed25519
          ${BATON_FLEET_KEYS}/id_ed25519.pub
  COMMAND dropbearkey -t ed25519 -f ${BATON_FLEET_KEYS}/host_ed25519
  COMMAND ssh-keygen -q -t ed25519 -N "" -C baton-fleet -f ${BATON_FLEET_KEYS}/id_ed25519
  COMMENT "the fleet's SSH keys"
  VERBATIM)
add_custom_target(fleet-keys DEPENDS ${BATON_FLEET_KEYS}/host_ed25519 ${BATON_FLEET_KEYS}/id_ed25519.pub)
set(BATON_SSH_FILES
  ${BATON_FLEET_KEYS}/host_ed25519:etc/dropbear/dropbear_ed25519_host_key
  ${BATON_FLEET_KEYS}/id_ed25519.pub:root/.ssh/authorized_keys)

# The next kernel's files, staged in DIR as a package would install them (stage-baton.sh).
function(baton_stage var dir next_bz next_rd next_config)
  set(${var} COMMAND ${CMAKE_SOURCE_DIR}/qemu/initramfs/stage-baton.sh ${dir} ${next_bz}
      ${next_rd} ${CMAKE_BINARY_DIR}/trampoline/trampoline.bin ${next_config} PARENT_SCOPE)
endfunction()
# What an initramfs copies from a staging folder into /usr/lib/baton.
function(baton_staged_files var dir)
  set(files)
  foreach(f bzImage bzImage.config initramfs.cpio.gz trampoline.bin SHA256SUMS)
    list(APPEND files ${dir}/${f}:usr/lib/baton/${f})
  endforeach()
  set(${var} ${files} PARENT_SCOPE)
endfunction()
# Kernel A's initramfs, its next kernel's files from STAGE_DIR.
function(baton_initramfs_a var out stage_dir)
  baton_staged_files(staged ${stage_dir})
  set(${var} COMMAND ${CMAKE_COMMAND} -E env BATON_MODULES=${BATON_BUILD_ROOT}/kernel-a/modules
      ${CMAKE_SOURCE_DIR}/qemu/initramfs/build.sh a ${out}
      ${BATON_MODULE}:lib/modules/baton.ko
      ${CMAKE_BINARY_DIR}/hang/baton_test_hang.ko:lib/modules/baton_test_hang.ko
      $<TARGET_FILE:health>:usr/bin/health
      $<TARGET_FILE:netprobe>:usr/bin/netprobe
      $<TARGET_FILE:baton>:usr/bin/baton
      ${BATON_SSH_FILES}
      ${staged} PARENT_SCOPE)
endfunction()
# A guest's initramfs (KERNEL_DIR's modules, its baton.ko and link module); with STAGE_DIR,
# the next kernel of the chain too.
function(baton_initramfs_guest var out kdir baton_ko link_ko)
  set(staged)
  if(ARGC GREATER 5)
    baton_staged_files(staged ${ARGV5})
  endif()
  set(${var} COMMAND ${CMAKE_COMMAND} -E env BATON_MODULES=${kdir}/modules
      ${CMAKE_SOURCE_DIR}/qemu/initramfs/build.sh b ${out}
      ${link_ko}:lib/modules/baton_link.ko
      ${baton_ko}:lib/modules/baton.ko
      $<TARGET_FILE:health>:usr/bin/health
      $<TARGET_FILE:netprobe>:usr/bin/netprobe
      $<TARGET_FILE:baton>:usr/bin/baton
      ${BATON_SELFTESTS}/cpu-hotplug/cpu-on-off-test.sh:usr/lib/kselftest/cpu-hotplug/cpu-on-off-test.sh
      ${BATON_SELFTESTS}/memory-hotplug/mem-on-off-test.sh:usr/lib/kselftest/memory-hotplug/mem-on-off-test.sh
      ${BATON_SSH_FILES}
      ${staged} PARENT_SCOPE)
endfunction()

baton_initramfs_guest(b_rd ${CMAKE_BINARY_DIR}/initramfs-b.cpio.gz ${BATON_BUILD_ROOT}/kernel-b
  ${BATON_MODULE_B} ${BATON_LINK_MODULE})
baton_stage(b_stage ${BATON_LIB_DIR} ${BATON_B_BZIMAGE} ${CMAKE_BINARY_DIR}/initramfs-b.cpio.gz
  ${BATON_BUILD_ROOT}/kernel-b/obj/.config)
baton_initramfs_a(a_rd ${CMAKE_BINARY_DIR}/initramfs-a.cpio.gz ${BATON_LIB_DIR})
add_custom_target(initramfs ALL ${b_rd} ${b_stage} ${a_rd}
  DEPENDS module module-b link-module test-hang-module trampoline baton health netprobe fleet-keys
  COMMENT "initramfs for A (with baton, the trampoline and B) and for B")

# --- the chain of upgrades: A -> B -> C -> D (= B's kernel) in one boot ---------------------
# Each kernel's initramfs stages the next kernel's files under /usr/lib/baton, as a package
# would install them: D's initramfs is B's own (the last of the chain), C's carries D, B's
# carries C, A's carries B.  C is B's tree built again as another release
# (kernel/config/c.config), with its own modules, baton.ko and link module.
add_custom_target(module-c ALL
  COMMAND ${CMAKE_SOURCE_DIR}/loader/module/build.sh --b
          ${BATON_BUILD_ROOT}/kernel-c ${CMAKE_BINARY_DIR}/module-c ${BATON_VERSION}
  COMMENT "baton.ko for kernel C"
  VERBATIM)
add_custom_target(link-module-c ALL
  COMMAND ${CMAKE_SOURCE_DIR}/link/build.sh ${BATON_BUILD_ROOT}/kernel-c ${CMAKE_BINARY_DIR}/link-c
  COMMENT "baton_link.ko for kernel C"
  VERBATIM)
set(BATON_CHAIN ${CMAKE_BINARY_DIR}/chain)
baton_stage(c_stage ${BATON_CHAIN}/next-of-c ${BATON_B_BZIMAGE}
  ${CMAKE_BINARY_DIR}/initramfs-b.cpio.gz ${BATON_BUILD_ROOT}/kernel-b/obj/.config)
baton_initramfs_guest(c_rd ${BATON_CHAIN}/initramfs-c.cpio.gz ${BATON_BUILD_ROOT}/kernel-c
  ${CMAKE_BINARY_DIR}/module-c/baton.ko ${CMAKE_BINARY_DIR}/link-c/baton_link.ko
  ${BATON_CHAIN}/next-of-c)
baton_stage(bc_stage ${BATON_CHAIN}/next-of-b ${BATON_BUILD_ROOT}/kernel-c/bzImage
  ${BATON_CHAIN}/initramfs-c.cpio.gz ${BATON_BUILD_ROOT}/kernel-c/obj/.config)
baton_initramfs_guest(bc_rd ${BATON_CHAIN}/initramfs-b.cpio.gz ${BATON_BUILD_ROOT}/kernel-b
  ${BATON_MODULE_B} ${BATON_LINK_MODULE} ${BATON_CHAIN}/next-of-b)
# And Debian's stock 6.1 with its configuration: a "downgrade" that baton must refuse (it has
# no partition-guest platform).
list(APPEND bc_rd ${BATON_BUILD_ROOT}/kernel-a/vmlinuz:usr/lib/baton/debian-6.1/vmlinuz
  ${BATON_A_HEADERS}/.config:usr/lib/baton/debian-6.1/vmlinuz.config)
baton_stage(ab_stage ${BATON_CHAIN}/next-of-a ${BATON_B_BZIMAGE} ${BATON_CHAIN}/initramfs-b.cpio.gz
  ${BATON_BUILD_ROOT}/kernel-b/obj/.config)
baton_initramfs_a(ab_rd ${BATON_CHAIN}/initramfs-a.cpio.gz ${BATON_CHAIN}/next-of-a)
add_custom_target(initramfs-chain ALL ${c_stage} ${c_rd} ${bc_stage} ${bc_rd} ${ab_stage} ${ab_rd}
  DEPENDS initramfs module-c link-module-c
  COMMENT "the chain's initramfs: A's carries B, B's carries C, C's carries D (B's kernel)")
