#!/usr/bin/env bash
# Make sure a Docker daemon answers on this machine (idempotent; run as root).
# Installs Debian's docker.io (and debootstrap, for scripts/offline-images.sh) when missing,
# clears the pid/socket files a killed dockerd leaves behind, and starts dockerd detached.
set -euo pipefail

LOG=${ASYM_DOCKERD_LOG:-/var/log/asym-dockerd.log}
WAIT_SECS=60

if docker info >/dev/null 2>&1; then
  echo "install-docker: daemon already answers"
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "install-docker: must run as root" >&2
  exit 1
fi

missing=()
command -v dockerd >/dev/null || missing+=(docker.io)
command -v debootstrap >/dev/null || missing+=(debootstrap)
if [ ${#missing[@]} -gt 0 ]; then
  echo "install-docker: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q "${missing[@]}" ||
    { apt-get update -q && apt-get install -y -q "${missing[@]}"; }
fi

if ! pgrep -x dockerd >/dev/null; then
  # A dockerd killed uncleanly leaves these behind and the next one refuses to start.
  rm -f /var/run/docker.pid /var/run/docker.sock
  pgrep -x containerd >/dev/null || rm -f /var/run/docker/containerd/containerd.pid
  echo "install-docker: starting dockerd (log: $LOG)"
  mkdir -p "$(dirname "$LOG")"
  nohup setsid dockerd >>"$LOG" 2>&1 </dev/null &
  started=$!
  disown
else
  echo "install-docker: dockerd is running but not answering yet; waiting"
fi

for ((i = 0; i < WAIT_SECS * 2; i++)); do
  if docker info >/dev/null 2>&1; then
    echo "install-docker: daemon ready after $((i / 2))s ($(docker version -f '{{.Server.Version}}'))"
    exit 0
  fi
  if [ -n "${started:-}" ] && ! kill -0 "$started" 2>/dev/null; then break; fi
  sleep 0.5
done
echo "install-docker: dockerd did not answer (gave up after $((i / 2))s); log tail:" >&2
tail -n 40 "$LOG" >&2 || true
exit 1
