#!/usr/bin/env bash
# Installs the Debian packages vrouterd needs to build and test. Idempotent: quiet and fast when
# everything is already there; otherwise one apt-get update and one install of what is missing.
set -euo pipefail

packages=(
  build-essential python3 pkg-config   # node-gyp builds the libyang addon
  libyang2-dev libyang2-tools          # the YANG engine and yanglint, the oracle in tests
  libyuma-base                         # the IETF modules (ietf-ip, ietf-routing, iana-if-type ...)
  frr                                  # FRR's YANG models (and ietf-interfaces@2018-02-20)
  iproute2 iputils-ping                # the kernel driven for real; ping proves the path
  procps                               # sysctl (forwarding) and ps (crash-recovery test); not in minimal images
  openssh-client python3-paramiko       # real SSH clients in the transport tests
  python3-ncclient yangcli ansible      # real NETCONF clients in the integration tests
  netconfd openssh-server               # yuma123 netconfd behind its own sshd, for bench/
  docker.io busybox-static              # a Docker engine the container tests start themselves
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: missing Debian packages: ${missing[*]}" >&2
  echo "install-deps: run as root (or: sudo apt-get install ${missing[*]})" >&2
  exit 1
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# policy-rc.d keeps the packaged FRR service from being started: tests run their own daemons.
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
  chmod +x /usr/sbin/policy-rc.d
  trap 'rm -f /usr/sbin/policy-rc.d' EXIT
fi
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
