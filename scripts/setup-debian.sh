#!/usr/bin/env bash
# Installs everything qsweep needs to build, test and render reports on Debian 12 (or Ubuntu
# 24.04). Runs apt-get through sudo when not root.
set -euo pipefail
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends \
  ca-certificates g++ cmake ninja-build pkg-config \
  libcli11-dev libtomlplusplus-dev nlohmann-json3-dev libfmt-dev \
  libgtest-dev libgmock-dev libbenchmark-dev \
  chromium python3
