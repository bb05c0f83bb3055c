#!/usr/bin/env bash
# Two builds of Ferry side by side, interleaved round by round, with curl and lftp, on the interop
# vsftpd: 1 GiB down and up, 1 GiB down over FTPS, 2,000 files of 4 KiB with 4 connections, and
# a 100,000-entry listing. For "no case slower" checks when the engine changes.
#   benches/compare_builds.sh BEFORE_BINARY AFTER_BINARY [ROUNDS]
#   FERRY_COMPARE_ONLY=FTPS benches/compare_builds.sh ...   (only the cases named so)
#   FERRY_COMPARE_PIN=1 benches/compare_builds.sh ...        (server on CPU 0, clients on CPU 1)
# Pinning: on a 2-core machine the server, the client's network thread and its disk thread are
# three busy threads on two cores, and where the scheduler happens to put them moves a 1 GiB
# FTPS download between 1.6 s and 3.0 s for the same binary. With the server on one core and the
# client on the other, the spread is a few percent, and a difference between builds is theirs.
# Needs root (the interop servers); prints each case's medians, min/max, CPU, and after/before.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
before=$(realpath "$1")
after=$(realpath "$2")
runs=${3:-5}

tests/interop/servers.sh start >/dev/null
eval "$(tests/interop/servers.sh env)"
bench="$FERRY_INTEROP_ROOT/bench"
mkdir -p "$bench"
if [ "$(stat -c %s "$bench/1G.bin" 2>/dev/null || echo 0)" != 1073741824 ]; then
  head -c 1073741824 /dev/urandom > "$bench/1G.bin"
fi
if [ "$(find "$bench/small" -type f 2>/dev/null | wc -l)" != 2000 ]; then
  rm -rf "$bench/small"; mkdir -p "$bench/small"
  head -c 4096 /dev/urandom > /tmp/ferry-4k.bin
  for a in $(seq -w 0 19); do for b in $(seq 0 9); do
    mkdir -p "$bench/small/d$a/s$b"
    for c in $(seq 0 9); do cp /tmp/ferry-4k.bin "$bench/small/d$a/s$b/f$c.bin"; done
  done; done
fi
many="$FERRY_INTEROP_ROOT/many100k"
if [ "$(find "$many" -maxdepth 1 -type f 2>/dev/null | wc -l)" != 100000 ]; then
  rm -rf "$many"; mkdir -p "$many"
  (cd "$many" && seq -f 'entry_%06g.txt' 1 100000 | xargs touch)
fi
chown -R "$FERRY_INTEROP_USER:" "$bench" "$many"
pin=""
vsftpd_pid=$(pgrep -f 'vsftpd .*/vsftpd.conf' | head -1 || true)
if [ "${FERRY_COMPARE_PIN:-0}" = 1 ] && [ -n "$vsftpd_pid" ]; then
  # Sessions are forked from this process and inherit its CPU.
  taskset -p -c 0 "$vsftpd_pid" >/dev/null
  pin="taskset -c 1 "
  echo "(pinned: vsftpd on CPU 0, clients on CPU 1)"
fi
host=${FERRY_VSFTPD#ftp://}
user=$FERRY_INTEROP_USER
pass=$FERRY_INTEROP_PASS
export FERRY_PASSWORD=$pass
export FERRY_CONFIG_DIR=$(mktemp -d /tmp/ferry-compare-config.XXXXXX)
fp=$(openssl x509 -in "$FERRY_INTEROP_CERT" -noout -fingerprint -sha256 | cut -d= -f2)
out=$(mktemp -d /tmp/ferry-compare.XXXXXX)
json=$(mktemp -d /tmp/ferry-compare-json.XXXXXX)
unpin() { if [ -n "$pin" ]; then taskset -p -c "0-$(($(nproc) - 1))" "$vsftpd_pid" >/dev/null; fi; }
trap 'unpin; rm -rf "$out" "$json" "$FERRY_CONFIG_DIR"' EXIT

# One case: `case NAME PREPARE  LABEL COMMAND  LABEL COMMAND ...`. hyperfine alone runs every
# round of one command before the next command's, so whatever the machine does during that
# block (page-cache writeback after the previous 1 GiB, another job) lands on one command only.
# Here each round runs every command once, in an order that turns each round, and hyperfine
# times each single run (after its PREPARE, untimed).
case_() {
  local name=$1 prepare=$2; shift 2
  local labels=() commands=()
  while [ $# -gt 0 ]; do labels+=("$1"); commands+=("$2"); shift 2; done
  local n=${#labels[@]}
  # FERRY_COMPARE_ONLY=TEXT runs only the cases whose name contains TEXT.
  case "$name" in *"${FERRY_COMPARE_ONLY:-}"*) ;; *) return 0 ;; esac
  echo "== $name"
  for round in $(seq 1 "$runs"); do
    for k in $(seq 0 $((n - 1))); do
      local i=$(( (k + round) % n ))
      hyperfine --runs 1 --style none --prepare "$prepare" -n "${labels[$i]}" \
        --export-json "$json/$name.$round.${labels[$i]}.json" "$pin${commands[$i]}" >/dev/null
    done
  done
  python3 - "$json" "$name" <<'PY'
import glob, json, statistics, sys
folder, name = sys.argv[1], sys.argv[2]
wall, cpu = {}, {}
for path in sorted(glob.glob(f"{folder}/{glob.escape(name)}.*.json")):
    for r in json.load(open(path))["results"]:
        wall.setdefault(r["command"], []).append(r["times"][0])
        cpu.setdefault(r["command"], []).append(r["user"] + r["system"])
med = {k: statistics.median(v) for k, v in wall.items()}
for k, v in wall.items():
    print(f"  {k:7} wall median {med[k]:.3f} s (min {min(v):.3f}, max {max(v):.3f}), "
          f"CPU median {statistics.median(cpu[k]):.3f} s, {len(v)} rounds")
if "before" in med and "after" in med:
    c = {k: statistics.median(cpu[k]) for k in ("before", "after")}
    print(f"  after/before: wall {med['after'] / med['before']:.3f}, "
          f"CPU {c['after'] / c['before']:.3f}")
PY
}

case_ "1 GiB download" "rm -f $out/1G.bin $out/1G.bin.part" \
  curl "curl -s -o $out/1G.bin ftp://$user:$pass@$host/bench/1G.bin" \
  before "$before get --tls off ftp://$user@$host/bench/1G.bin $out/1G.bin" \
  after "$after get --tls off ftp://$user@$host/bench/1G.bin $out/1G.bin"

case_ "1 GiB download over FTPS (explicit TLS)" "rm -f $out/1G.bin $out/1G.bin.part" \
  curl "curl -s --ssl-reqd -k -o $out/1G.bin ftp://$user:$pass@$host/bench/1G.bin" \
  before "$before get --tls explicit --trust-fingerprint $fp ftp://$user@$host/bench/1G.bin $out/1G.bin" \
  after "$after get --tls explicit --trust-fingerprint $fp ftp://$user@$host/bench/1G.bin $out/1G.bin"

head -c 1073741824 /dev/urandom > "$out/up.bin"
case_ "1 GiB upload" "rm -f $FERRY_INTEROP_ROOT/upload/up.bin" \
  curl "curl -s -T $out/up.bin ftp://$user:$pass@$host/upload/up.bin" \
  before "$before put --tls off --on-conflict overwrite $out/up.bin ftp://$user@$host/upload/up.bin" \
  after "$after put --tls off --on-conflict overwrite $out/up.bin ftp://$user@$host/upload/up.bin"
rm -f "$out/up.bin" "$FERRY_INTEROP_ROOT/upload/up.bin"

case_ "2,000 files of 4 KiB, 4 connections" "rm -rf $out/small" \
  lftp "lftp -u $user,$pass -e 'set cmd:fail-exit yes; set ftp:ssl-allow no; mirror --parallel=4 /bench/small $out/small; quit' ftp://$host" \
  before "$before get --tls off -r --parallel 4 ftp://$user@$host/bench/small $out" \
  after "$after get --tls off -r --parallel 4 ftp://$user@$host/bench/small $out"

case_ "100,000-entry listing" "true" \
  curl "curl -s ftp://$user:$pass@$host/many100k/ > /dev/null" \
  before "$before ls --tls off --json ftp://$user@$host/many100k > /dev/null" \
  after "$after ls --tls off --json ftp://$user@$host/many100k > /dev/null"
