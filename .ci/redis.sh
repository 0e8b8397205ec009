#!/usr/bin/env bash
# Starts a throw-away redis-server for the Redis store tests and exports its address.
#
#   source .ci/redis.sh        # .ci/run does this; exports JWTSESSIONS_REDIS=127.0.0.1:<port>
#   bash .ci/redis.sh          # starts one and prints the export line to copy into your shell
#
# The server listens on 127.0.0.1 only, on a free port, in a temporary directory, with AOF on (appendfsync everysec) and no
# RDB snapshots; it runs in the background until killed (its pid is in $JWTSESSIONS_REDIS_DIR/redis.pid). redis-server is
# installed from the distribution's packages when missing. JWTSESSIONS_REDIS_SERVER is exported too: the tests that stop and
# restart Redis start their own servers with that binary, and the cluster tests start a Redis Cluster of three of them,
# joined with the redis-cli beside it (the redis-server package brings it).
# Written to be sourced under `set -euo pipefail`: it changes no shell option and fails with a message, not silently.

jwtsessions_start_redis() {
  local server cli dir port attempt
  server=$(command -v redis-server || true)
  if [ -z "$server" ]; then
    echo "redis.sh: installing redis-server" >&2
    if ! { apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null; }; then
      echo "redis.sh: could not install redis-server" >&2
      return 1
    fi
    server=$(command -v redis-server)
  fi
  cli=$(command -v redis-cli || true)

  dir=$(mktemp -d "${TMPDIR:-/tmp}/jwtsessions-redis.XXXXXX")
  for attempt in 1 2 3 4 5; do
    port=$(( (RANDOM % 20000) + 20000 ))
    # Skip ports something already listens on.
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      continue
    fi
    "$server" --port "$port" --bind 127.0.0.1 --dir "$dir" --appendonly yes --appendfsync everysec --save '' \
      --daemonize yes --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" || continue
    for _ in $(seq 1 100); do
      if [ -n "$cli" ]; then
        if [ "$("$cli" -h 127.0.0.1 -p "$port" ping 2>/dev/null)" = "PONG" ]; then
          export JWTSESSIONS_REDIS="127.0.0.1:$port" JWTSESSIONS_REDIS_SERVER="$server" JWTSESSIONS_REDIS_DIR="$dir"
          echo "redis.sh: redis-server $("$server" --version | awk '{print $3}') at $JWTSESSIONS_REDIS (dir $dir)" >&2
          return 0
        fi
      elif (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
        export JWTSESSIONS_REDIS="127.0.0.1:$port" JWTSESSIONS_REDIS_SERVER="$server" JWTSESSIONS_REDIS_DIR="$dir"
        echo "redis.sh: redis-server at $JWTSESSIONS_REDIS (dir $dir)" >&2
        return 0
      fi
      sleep 0.1
    done
    # Did not come up on this port (taken meanwhile?): stop it if it runs, try another.
    if [ -f "$dir/redis.pid" ]; then kill "$(cat "$dir/redis.pid")" 2>/dev/null || true; rm -f "$dir/redis.pid"; fi
  done
  echo "redis.sh: redis-server did not start; last log lines:" >&2
  tail -n 20 "$dir/redis.log" >&2 2>/dev/null || true
  return 1
}

if jwtsessions_start_redis; then
  unset -f jwtsessions_start_redis
  if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    echo "export JWTSESSIONS_REDIS=$JWTSESSIONS_REDIS JWTSESSIONS_REDIS_SERVER=$JWTSESSIONS_REDIS_SERVER"
  fi
else
  unset -f jwtsessions_start_redis
  # Fail the caller: `return` when sourced, `exit` when run.
  return 1 2>/dev/null || exit 1
fi
