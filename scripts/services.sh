#!/usr/bin/env bash
# Makes sure the PostgreSQL and Redis servers on loopback answer, starting them if they do not.
# Usage: scripts/services.sh [postgres] [redis]   (both when no argument is given)
set -u
wanted=("$@")
[ ${#wanted[@]} -gt 0 ] || wanted=(postgres redis)

wait_for() {  # wait_for NAME COMMAND...
  local name=$1; shift
  for _ in $(seq 1 30); do
    if "$@" >/dev/null 2>&1; then echo "$name answers."; return 0; fi
    sleep 1
  done
  echo "$name does not answer." >&2
  return 1
}

status=0
for service in "${wanted[@]}"; do
  case "$service" in
    postgres)
      if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
        echo "Starting PostgreSQL..."
        pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start || true
      fi
      wait_for PostgreSQL pg_isready -h 127.0.0.1 -p 5432 || status=1
      ;;
    redis)
      if ! redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG; then
        echo "Starting Redis..."
        mkdir -p /var/lib/redis /var/log/redis
        redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" \
          --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log || true
      fi
      wait_for Redis sh -c 'redis-cli -h 127.0.0.1 -p 6379 ping | grep -q PONG' || status=1
      ;;
    *) echo "Unknown service: $service" >&2; status=1 ;;
  esac
done
exit $status
