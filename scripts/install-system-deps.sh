#!/usr/bin/env bash
# Debian packages the tests use (cross compilers and qemu for the ARM and RISC-V
# targets). Installs only what is missing; needs root and apt-get, else says what
# is missing and carries on (those tests then report the missing tools).
set -uo pipefail
need=()
command -v gcc >/dev/null || need+=(gcc)
command -v aarch64-linux-gnu-gcc >/dev/null || need+=(gcc-aarch64-linux-gnu libc6-dev-arm64-cross libgomp1-arm64-cross)
command -v clang-16 >/dev/null || need+=(clang-16)
command -v riscv64-linux-gnu-gcc >/dev/null || need+=(gcc-riscv64-linux-gnu libc6-dev-riscv64-cross)
command -v qemu-aarch64 >/dev/null || need+=(qemu-user)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "installing: ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
else
  echo "warning: missing system packages: ${need[*]} (cross-target tests will fail)" >&2
fi
