#!/usr/bin/env bash
# Makes sure the services the tests talk to are up on this machine, starting them with the
# machine's usual commands when they are down. PostgreSQL and NATS with JetStream are both
# required: the integration runtime's tests use a real NATS server (under CI=true they fail
# rather than skip without one).
set -uo pipefail

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_port() {
  for _ in $(seq 1 30); do port_open "$1" && return 0; sleep 1; done
  return 1
}

if ! port_open 5432; then
  echo "PostgreSQL is down: starting it"
  if command -v pg_ctlcluster >/dev/null 2>&1; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
  fi
  wait_port 5432 || { echo "PostgreSQL did not start on 127.0.0.1:5432" >&2; exit 1; }
fi
echo "PostgreSQL: up on 127.0.0.1:5432"
command -v pgbench >/dev/null 2>&1 || echo "note: pgbench is not installed (only the benchmarks need it)"

if ! port_open 4222; then
  if [ ! -x /usr/sbin/nats-server ] && command -v apt-get >/dev/null 2>&1; then
    echo "nats-server is not installed: installing Debian's package"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q nats-server >/dev/null || true
  fi
  if [ -x /usr/sbin/nats-server ]; then
    echo "NATS is down: starting it"
    mkdir -p /var/lib/nats-server
    start-stop-daemon --start --oknodo --background --exec /usr/sbin/nats-server -- -a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server -l /var/log/nats-server.log || true
    wait_port 4222 || { echo "NATS did not start on 127.0.0.1:4222" >&2; exit 1; }
  else
    echo "NATS with JetStream is needed on 127.0.0.1:4222 and could not be installed" >&2
    exit 1
  fi
fi
echo "NATS: up on 127.0.0.1:4222"

# The dashboard's browser tests drive Debian's Chromium through playwright-core: no browser is
# ever downloaded. Under CI=true they fail rather than skip without it.
if [ ! -x /usr/bin/chromium ]; then
  if command -v apt-get >/dev/null 2>&1; then
    echo "Chromium is not installed: installing Debian's package"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -q chromium >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q chromium >/dev/null; } || true
  fi
  [ -x /usr/bin/chromium ] || { echo "Chromium is needed at /usr/bin/chromium for the browser tests and could not be installed" >&2; exit 1; }
fi
echo "Chromium: $(/usr/bin/chromium --version 2>/dev/null | head -n1)"
