#!/usr/bin/env bash
# Ferry against curl and lftp on the same vsftpd (loopback), side by side, interleaved by
# hyperfine, with the medians as ratios:
#   1. one 1 GiB download to a file, and one 1 GiB upload (Ferry vs curl);
#   2. 2,000 files of 4 KiB in 200 nested folders (Ferry get -r --parallel 4 vs
#      lftp mirror --parallel=4, the same number of connections).
# Needs the interop servers (tests/interop/servers.sh, root). Usage: benches/transfers_vs_curl_lftp.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

tests/interop/servers.sh start >/dev/null
eval "$(tests/interop/servers.sh env)"
bench="$FERRY_INTEROP_ROOT/bench"
mkdir -p "$bench/small"
if [ "$(stat -c %s "$bench/1G.bin" 2>/dev/null || echo 0)" != 1073741824 ]; then
  echo "making 1 GiB of random data..." >&2
  head -c 1073741824 /dev/urandom > "$bench/1G.bin"
fi
if [ "$(find "$bench/small" -type f | wc -l)" != 2000 ]; then
  echo "making 2,000 files of 4 KiB..." >&2
  rm -rf "$bench/small"; mkdir -p "$bench/small"
  head -c 4096 /dev/urandom > /tmp/ferry-4k.bin
  for a in $(seq -w 0 19); do for b in $(seq 0 9); do
    mkdir -p "$bench/small/d$a/s$b"
    for c in $(seq 0 9); do cp /tmp/ferry-4k.bin "$bench/small/d$a/s$b/f$c.bin"; done
  done; done
fi
chown -R "$FERRY_INTEROP_USER:" "$bench"
cargo build --release -q
# Plain FTP for every client: vsftpd here also offers TLS, which Ferry would take by default.
ferry="$PWD/target/release/ferry"
host=${FERRY_VSFTPD#ftp://}
user=$FERRY_INTEROP_USER
pass=$FERRY_INTEROP_PASS
export FERRY_PASSWORD=$pass
out=$(mktemp -d /tmp/ferry-bench.XXXXXX)
trap 'rm -rf "$out"' EXIT
json=/tmp/ferry-bench-json; mkdir -p $json

ratio() { # file, name-a, name-b: median(a)/median(b)
  python3 - "$@" <<'PY'
import json, sys
r = {x["command"]: x["median"] for x in json.load(open(sys.argv[1]))["results"]}
a, b = sys.argv[2], sys.argv[3]
print(f"  medians: {a} {r[a]:.3f} s, {b} {r[b]:.3f} s; {a}/{b} time = {r[a]/r[b]:.2f}")
PY
}

echo "== 1 GiB download to a file"
hyperfine --runs 5 --warmup 1 --style basic --export-json $json/download.json \
  --prepare "rm -f $out/1G.bin $out/1G.bin.part" \
  -n curl "curl -s -o $out/1G.bin ftp://$user:$pass@$host/bench/1G.bin" \
  -n ferry "$ferry get --tls off ftp://$user@$host/bench/1G.bin $out/1G.bin"
ratio $json/download.json ferry curl
cmp "$out/1G.bin" "$bench/1G.bin" && echo "  (bytes identical)"

echo "== 1 GiB upload"
head -c 1073741824 /dev/urandom > "$out/up.bin"
hyperfine --runs 5 --warmup 1 --style basic --export-json $json/upload.json \
  --prepare "rm -f $FERRY_INTEROP_ROOT/upload/up.bin" \
  -n curl "curl -s -T $out/up.bin ftp://$user:$pass@$host/upload/up.bin" \
  -n ferry "$ferry put --tls off --on-conflict overwrite $out/up.bin ftp://$user@$host/upload/up.bin"
ratio $json/upload.json ferry curl
cmp "$out/up.bin" "$FERRY_INTEROP_ROOT/upload/up.bin" && echo "  (bytes identical)"
rm -f "$out/up.bin" "$FERRY_INTEROP_ROOT/upload/up.bin"

# Into a folder on disk, and into tmpfs: on this machine's disk, creating 2,000 files dominates
# both clients' time; tmpfs shows the protocol side.
for target in "$out" /dev/shm/ferry-bench; do
  echo "== 2,000 files of 4 KiB, 4 connections, into $target"
  mkdir -p "$target"
  hyperfine --runs 8 --warmup 1 --style basic --export-json $json/small.json \
    --prepare "rm -rf $target/small" \
    -n lftp "lftp -u $user,$pass -e 'set cmd:fail-exit yes; set ftp:ssl-allow no; mirror --parallel=4 /bench/small $target/small; quit' ftp://$host" \
    -n ferry "$ferry get --tls off -r --parallel 4 ftp://$user@$host/bench/small $target"
  ratio $json/small.json ferry lftp
  python3 - $json/small.json <<'PY'
import json, sys
r = {x["command"]: x["median"] for x in json.load(open(sys.argv[1]))["results"]}
print(f"  files/s: lftp {2000/r['lftp']:.0f}, ferry {2000/r['ferry']:.0f}; ferry/lftp = {r['lftp']/r['ferry']:.2f}x")
PY
  [ "$(find "$target/small" -type f | wc -l)" = 2000 ] && echo "  (2000 files)"
done
rm -rf /dev/shm/ferry-bench
