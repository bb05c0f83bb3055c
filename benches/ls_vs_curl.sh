#!/usr/bin/env bash
# `ferry ls --json` against curl's raw LIST of the same 100,000-entry folder on vsftpd (loopback),
# run side by side by hyperfine. Needs the interop servers (tests/interop/servers.sh start, root).
#   benches/ls_vs_curl.sh            # prints hyperfine's table and the ratio
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

tests/interop/servers.sh start >/dev/null
eval "$(tests/interop/servers.sh env)"
many="$FERRY_INTEROP_ROOT/many100k"
if [ "$(find "$many" -maxdepth 1 -type f 2>/dev/null | wc -l)" != 100000 ]; then
  echo "making $many (100,000 empty files)..." >&2
  rm -rf "$many"; mkdir -p "$many"
  (cd "$many" && seq -f 'entry_%06g.txt' 1 100000 | xargs touch)
  chown -R "$FERRY_INTEROP_USER:" "$many"
fi
cargo build --release -q
# Plain FTP for both: vsftpd here also offers TLS, which Ferry would take by default.
ferry="$PWD/target/release/ferry"
host=${FERRY_VSFTPD#ftp://}
user=$FERRY_INTEROP_USER
export FERRY_PASSWORD=$FERRY_INTEROP_PASS

# Both must see the whole folder before timing means anything.
n_ferry=$("$ferry" ls --tls off --json "ftp://$user@$host/many100k" | wc -l)
n_curl=$(curl -s "ftp://$user:$FERRY_PASSWORD@$host/many100k/" | wc -l)
echo "entries: ferry $n_ferry, curl $n_curl" >&2
[ "$n_ferry" = 100000 ] && [ "$n_curl" = 100000 ]

hyperfine --warmup 3 --runs 20 --style basic --export-json /tmp/ferry-ls-vs-curl.json \
  -n curl "curl -s ftp://$user:\$FERRY_PASSWORD@$host/many100k/ > /dev/null" \
  -n ferry "$ferry ls --tls off --json ftp://$user@$host/many100k > /dev/null"
python3 - <<'PY'
import json
r = {x["command"]: x for x in json.load(open("/tmp/ferry-ls-vs-curl.json"))["results"]}
c, f = r["curl"]["median"], r["ferry"]["median"]
print(f"median: curl {c*1000:.0f} ms, ferry {f*1000:.0f} ms, ferry/curl = {f/c:.2f}")
PY
