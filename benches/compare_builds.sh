#!/usr/bin/env bash
# Two builds of Ferry side by side (interleaved by hyperfine) with curl and lftp, on the interop
# vsftpd: 1 GiB down and up, 1 GiB down over FTPS, 2,000 files of 4 KiB with 4 connections, and
# a 100,000-entry listing. For "no case slower" checks when the engine changes.
#   benches/compare_builds.sh BEFORE_BINARY AFTER_BINARY [RUNS]
# Needs root (the interop servers); prints each case's medians and the after/before ratio.
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
host=${FERRY_VSFTPD#ftp://}
user=$FERRY_INTEROP_USER
pass=$FERRY_INTEROP_PASS
export FERRY_PASSWORD=$pass
export FERRY_CONFIG_DIR=$(mktemp -d /tmp/ferry-compare-config.XXXXXX)
fp=$(openssl x509 -in "$FERRY_INTEROP_CERT" -noout -fingerprint -sha256 | cut -d= -f2)
out=$(mktemp -d /tmp/ferry-compare.XXXXXX)
json=$(mktemp -d /tmp/ferry-compare-json.XXXXXX)
trap 'rm -rf "$out" "$json" "$FERRY_CONFIG_DIR"' EXIT

report() { # json file: medians of wall time, and mean CPU time (user + system, steadier here)
  python3 - "$1" <<'PY'
import json, sys
results = json.load(open(sys.argv[1]))["results"]
wall = {x["command"]: x["median"] for x in results}
# hyperfine keeps CPU time as a mean per command (not per run).
cpu = {x["command"]: x["user"] + x["system"] for x in results if "user" in x}
line = ", ".join(f"{k} {v:.3f} s" for k, v in wall.items())
print(f"  wall medians: {line}; after/before = {wall['after'] / wall['before']:.3f}")
if "before" in cpu and "after" in cpu:
    print(f"  CPU means: before {cpu['before']:.3f} s, after {cpu['after']:.3f} s; "
          f"after/before = {cpu['after'] / cpu['before']:.3f}")
PY
}

hf() { hyperfine --runs "$runs" --warmup 1 --style basic "$@"; }

echo "== 1 GiB download"
hf --export-json "$json/down.json" --prepare "rm -f $out/1G.bin $out/1G.bin.part" \
  -n curl "curl -s -o $out/1G.bin ftp://$user:$pass@$host/bench/1G.bin" \
  -n before "$before get --tls off ftp://$user@$host/bench/1G.bin $out/1G.bin" \
  -n after "$after get --tls off ftp://$user@$host/bench/1G.bin $out/1G.bin"
report "$json/down.json"

echo "== 1 GiB download over FTPS (explicit TLS)"
hf --export-json "$json/tls.json" --prepare "rm -f $out/1G.bin $out/1G.bin.part" \
  -n curl "curl -s --ssl-reqd -k -o $out/1G.bin ftp://$user:$pass@$host/bench/1G.bin" \
  -n before "$before get --tls explicit --trust-fingerprint $fp ftp://$user@$host/bench/1G.bin $out/1G.bin" \
  -n after "$after get --tls explicit --trust-fingerprint $fp ftp://$user@$host/bench/1G.bin $out/1G.bin"
report "$json/tls.json"

echo "== 1 GiB upload"
head -c 1073741824 /dev/urandom > "$out/up.bin"
hf --export-json "$json/up.json" --prepare "rm -f $FERRY_INTEROP_ROOT/upload/up.bin" \
  -n curl "curl -s -T $out/up.bin ftp://$user:$pass@$host/upload/up.bin" \
  -n before "$before put --tls off --on-conflict overwrite $out/up.bin ftp://$user@$host/upload/up.bin" \
  -n after "$after put --tls off --on-conflict overwrite $out/up.bin ftp://$user@$host/upload/up.bin"
report "$json/up.json"
rm -f "$out/up.bin" "$FERRY_INTEROP_ROOT/upload/up.bin"

echo "== 2,000 files of 4 KiB, 4 connections"
hf --export-json "$json/small.json" --prepare "rm -rf $out/small" \
  -n lftp "lftp -u $user,$pass -e 'set cmd:fail-exit yes; set ftp:ssl-allow no; mirror --parallel=4 /bench/small $out/small; quit' ftp://$host" \
  -n before "$before get --tls off -r --parallel 4 ftp://$user@$host/bench/small $out" \
  -n after "$after get --tls off -r --parallel 4 ftp://$user@$host/bench/small $out"
report "$json/small.json"

echo "== 100,000-entry listing"
hf --export-json "$json/ls.json" \
  -n curl "curl -s ftp://$user:$pass@$host/many100k/ > /dev/null" \
  -n before "$before ls --tls off --json ftp://$user@$host/many100k > /dev/null" \
  -n after "$after ls --tls off --json ftp://$user@$host/many100k > /dev/null"
report "$json/ls.json"
