#!/usr/bin/env bash
# Installs the real parts the tests use, from Debian's packages, when missing:
# nginx, redis-server, chromium, clang (libFuzzer), python3-websockets (interop),
# prometheus (promtool). Idempotent: does nothing when everything is present.
set -euo pipefail
need=()
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || need+=(nginx)
command -v redis-server >/dev/null || need+=(redis-server)
[ -x /usr/bin/chromium ] || need+=(chromium)
command -v clang >/dev/null || need+=(clang)
[ -d /usr/lib/llvm-14/lib/clang ] && ls /usr/lib/llvm-14/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a >/dev/null 2>&1 || need+=(libclang-rt-14-dev)
/usr/bin/python3 -c 'import websockets' 2>/dev/null || need+=(python3-websockets)
command -v promtool >/dev/null || need+=(prometheus)
if [ ${#need[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" != 0 ]; then
  echo "test-setup: missing ${need[*]}; run as root or install them with apt-get" >&2
  exit 1
fi
echo "test-setup: installing ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
# The Debian packages start their services; the tests run their own instances.
for svc in nginx redis-server prometheus; do
  (service "$svc" stop || systemctl stop "$svc") >/dev/null 2>&1 || true
done
