#!/usr/bin/env bash
# Starts the servers TopologyComparison measures, runs it, and stops them: a single redis-server, a cluster of three
# primaries, and a cluster of three primaries with a replica each (its store waits for one replica per write). Every
# server is on 127.0.0.1, in a temporary directory, with AOF appendfsync everysec like .ci/redis.sh.
#
#   bash benchmarks/JwtSessions.Benchmarks.Redis/topologies.sh [--seconds 3]
set -euo pipefail
cd "$(dirname "$0")/../.."
server=$(command -v redis-server) || { echo "topologies.sh: redis-server is needed (apt-get install redis-server)" >&2; exit 1; }
cli=$(command -v redis-cli) || { echo "topologies.sh: redis-cli is needed (it comes with redis-server)" >&2; exit 1; }
dir=$(mktemp -d "${TMPDIR:-/tmp}/jwtsessions-topologies.XXXXXX")
base=$(( (RANDOM % 10000) + 30000 ))
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$dir"
}
trap cleanup EXIT

start() { # port [cluster]
  mkdir -p "$dir/$1"
  local extra=()
  if [ "${2:-}" = cluster ]; then extra=(--cluster-enabled yes --cluster-config-file nodes.conf --cluster-node-timeout 5000); fi
  "$server" --port "$1" --bind 127.0.0.1 --dir "$dir/$1" --appendonly yes --appendfsync everysec --save '' \
    --logfile "$dir/$1/redis.log" "${extra[@]}" &
  pids+=($!)
  for _ in $(seq 1 100); do
    [ "$("$cli" -p "$1" ping 2>/dev/null)" = PONG ] && return 0
    sleep 0.1
  done
  echo "topologies.sh: redis-server on port $1 did not start" >&2
  return 1
}

nodes() { # first count
  local list=()
  for i in $(seq 0 $(($2 - 1))); do list+=("127.0.0.1:$(($1 + i))"); done
  echo "${list[@]}"
}

ready() { # first count
  for i in $(seq 0 $(($2 - 1))); do
    for _ in $(seq 1 300); do
      "$cli" -p $(($1 + i)) cluster info | grep -q 'cluster_state:ok' && break
      sleep 0.1
    done
  done
}

start "$base"
for i in 1 2 3; do start $((base + i)) cluster; done
for i in 11 12 13 14 15 16; do start $((base + i)) cluster; done
# shellcheck disable=SC2046
"$cli" --cluster create $(nodes $((base + 1)) 3) --cluster-replicas 0 --cluster-yes >/dev/null
# shellcheck disable=SC2046
"$cli" --cluster create $(nodes $((base + 11)) 6) --cluster-replicas 1 --cluster-yes >/dev/null
ready $((base + 1)) 3
ready $((base + 11)) 6
for i in $(seq 0 5); do # every replica in sync with its primary
  for _ in $(seq 1 300); do
    "$cli" -p $((base + 11 + i)) info replication | grep -Eq 'role:master|master_link_status:up' && break
    sleep 0.1
  done
done

cluster=$(nodes $((base + 1)) 3 | tr ' ' ',')
replicated=$(nodes $((base + 11)) 6 | tr ' ' ',')
echo "redis-server $("$server" --version | awk '{print $3}'): single 127.0.0.1:$base, cluster $cluster, cluster with replicas $replicated" >&2
dotnet run -c Release --project benchmarks/JwtSessions.Benchmarks.Redis -- --compare "127.0.0.1:$base" "$cluster" "$replicated" "$@"
