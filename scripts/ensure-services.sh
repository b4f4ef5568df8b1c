#!/usr/bin/env bash
# Makes sure the services the tests talk to are up on this machine, starting them with the
# machine's usual commands when they are down. PostgreSQL is required; NATS is started when
# installed (the integration runtime's tests use it).
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
  if [ -x /usr/sbin/nats-server ]; then
    echo "NATS is down: starting it"
    start-stop-daemon --start --oknodo --background --exec /usr/sbin/nats-server -- -a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server -l /var/log/nats-server.log || true
    wait_port 4222 || echo "warning: NATS did not start on 127.0.0.1:4222" >&2
  else
    echo "note: nats-server is not installed; nothing in the suite needs it yet"
  fi
else
  echo "NATS: up on 127.0.0.1:4222"
fi
