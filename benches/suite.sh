#!/usr/bin/env bash
# Ferry's benchmark suite: Ferry, curl and lftp on the same local servers, interleaved, in one
# command, with the physical limits of the machine (loopback TCP, disk) as rows of their own.
#
#   benches/suite.sh [ROUNDS] [--json FILE]      (ROUNDS: default 5, after one warm-up round)
#   FERRY_BIN=path/to/ferry benches/suite.sh      (default: cargo build --release, target/release/ferry)
#   FERRY_SUITE_ONLY=FTPS benches/suite.sh        (only the cases whose name contains the text,
#                                                  case-insensitive: download, upload, plain, FTPS,
#                                                  pure-ftpd, files, listing, segmented, limit, ...)
#   FERRY_SUITE_QUICK=1 benches/suite.sh          (small sizes, 1 round, no warm-up: checks the script)
#   FERRY_SUITE_PIN=1 benches/suite.sh            (servers on CPU 0, clients on CPU 1; see
#                                                  compare_builds.sh: on 2 cores this removes most
#                                                  of the run-to-run spread)
#   FERRY_SUITE_CMD_TIMEOUT=300 (s, any one run; quick: 60)  FERRY_SUITE_TIMEOUT=5400 (s, the whole
#   suite; quick: 900; once reached, the remaining runs are skipped and the report says so)
#
# Needs: root on Debian 12 (the interop servers: tests/interop/servers.sh installs and starts
# vsftpd on 21210 and pure-ftpd on 21220; this script adds a proftpd limited to 20 MB/s per
# connection on 21212, passive ports 31400-31499, and stops it again), hyperfine, curl, lftp,
# python3, GNU time (/usr/bin/time), coreutils timeout; missing ones are apt-get installed.
# Disk: ~1.5 GiB of fixtures under the interop root (kept for reruns: bench/1G.bin,
# bench/200M.bin, bench/small/, many100k/; quick mode: bench-quick/, many5k/) and ~1 GiB of
# downloads at a time under target/bench-suite/ (a real disk, removed at the end).
# Time: a full 5-round run (6 rounds with the warm-up, 15 cases, ~270 timed runs) takes about
# 10-15 minutes on the 2-core CI machine (estimated from the quick runs and the figures in
# BENCHMARKS.md: the 1 GiB cases ~5 min, the 20 MB/s case ~2.5 min, small files ~2 min), plus
# ~1 minute the first time for the fixtures; each extra round adds ~2 minutes. The quick mode
# takes 15-25 seconds.
#
# Cases (every client runs the same work on the same server; curl has no recursion, so the
# folder cases are Ferry against lftp mirror):
#   limit: TCP copy (sendfile -> recv, loopback, to nowhere) and disk write (dd + fdatasync)
#   download / upload 1 GiB, plain and FTPS (explicit TLS), on vsftpd and pure-ftpd
#   download / upload 2,000 files of 4 KiB in 200 folders, 4 connections, both servers
#   listing of a 100,000-entry folder, both servers (Ferry ls --json, curl LIST, lftp cls -1), and
#   again as ls -l lines (Ferry ls, curl LIST, lftp cls -l)
#   segmented download of 200 MiB from the 20 MB/s-per-connection proftpd (Ferry --segments 4,
#   lftp pget -n 4, curl one connection)
#
# How it runs: each round runs every client once, in an order that turns from round to round
# (A B C, B C A, C A B, ...), each run timed alone by hyperfine after its untimed preparation
# (the target removed, `sync`), so whatever the machine does at one moment does not land on one
# client only. The warm-up round (or, in quick mode, the only round) also checks the bytes:
# sizes and cmp for files, file count, bytes and diff -r for folders, entry count for listings;
# every other round checks sizes. A run that fails (exit status, timeout, wrong bytes) is left
# out of the figures and reported in the notes and under "Failures"; it is never timed as if it
# had worked. (vsftpd 3.0.3 over TLS 1.3 sometimes loses the tail of an upload when the client
# closes the data connection early, which curl does about half the time: see
# tests/interop/servers.sh. Such a run shows here as a failure of that client.)
#
# How to read it (stdout, and target/bench-suite/results.md + results.json):
#   median / min / max   wall time of the measured rounds, seconds
#   throughput           MiB/s (files/s, entries/s) at the median
#   CPU                  user+sys of the client's whole process tree (median), per GiB moved for
#                        the byte cases, per run for files and listings; the server's CPU is
#                        not counted
#   Ferry ÷ best peer    Ferry's throughput over the best peer's (the faster median of curl and
#                        lftp): above 1, Ferry is faster
#   of TCP copy          the client's throughput as a share of the loopback TCP copy of the same
#                        size (the "limit" row): how much of what the machine can do is used
#   Ferry peak RSS       the largest maximum resident set size over the measured rounds
#                        (/usr/bin/time -f %M around the ferry command)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
repo=$PWD

die() { echo "suite: ERROR: $*" >&2; exit 1; }
say() { echo "suite: $*" >&2; }

# ---------------------------------------------------------------------------------------------
# options

rounds=""
extra_json=""
while [ $# -gt 0 ]; do
  case $1 in
    --json) extra_json=${2:?--json needs a file}; shift 2 ;;
    --json=*) extra_json=${1#--json=}; shift ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    [0-9]*) rounds=$1; shift ;;
    *) die "unknown argument $1 (usage: benches/suite.sh [ROUNDS] [--json FILE])" ;;
  esac
done
quick=${FERRY_SUITE_QUICK:-0}
only=${FERRY_SUITE_ONLY:-}
if [ "$quick" = 1 ]; then
  rounds=${rounds:-1}; warmup=0
  cmd_timeout=${FERRY_SUITE_CMD_TIMEOUT:-60}; total_timeout=${FERRY_SUITE_TIMEOUT:-900}
else
  rounds=${rounds:-5}; warmup=1
  cmd_timeout=${FERRY_SUITE_CMD_TIMEOUT:-300}; total_timeout=${FERRY_SUITE_TIMEOUT:-5400}
fi
[[ $rounds =~ ^[1-9][0-9]*$ ]] || die "ROUNDS must be a positive number"
[ "$quick" = 1 ] || [ "$rounds" -ge 5 ] || say "only $rounds rounds: medians of fewer than 5 are not worth much"
deadline=$((SECONDS + total_timeout))
case "$repo" in *[[:space:]\'\"\\\$\;\&\|\<\>\(\)\*\?]*) die "the repository path '$repo' has characters the generated command lines don't quote" ;; esac

# ---------------------------------------------------------------------------------------------
# what it needs

[ "$(id -u)" = 0 ] || die "must run as root (the interop servers; see tests/interop/servers.sh)"
missing=""
for need in hyperfine:hyperfine curl:curl lftp:lftp python3:python3 /usr/bin/time:time \
  timeout:coreutils cmp:diffutils openssl:openssl ss:iproute2 taskset:util-linux setsid:util-linux; do
  command -v "${need%%:*}" >/dev/null 2>&1 || missing="$missing ${need#*:}"
done
if [ -n "$missing" ]; then
  say "needs:$missing; installing with apt-get"
  timeout 600 apt-get update -q >/dev/null
  # shellcheck disable=SC2086
  DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y -q --no-install-recommends $missing >/dev/null \
    || die "apt-get install$missing failed"
fi

if [ -n "${FERRY_BIN:-}" ]; then
  ferry=$(realpath "$FERRY_BIN")
else
  say "cargo build --release"
  timeout 3600 cargo build --release -q
  ferry=$repo/target/release/ferry
fi
[ -x "$ferry" ] || die "no ferry binary at $ferry"
if "$ferry" get --help 2>/dev/null | grep -q -- '--segments'; then has_segments=1; else has_segments=0; fi

# ---------------------------------------------------------------------------------------------
# temp space (a real disk: downloads are written as they would be), cleanup

results=$repo/target/bench-suite
mkdir -p "$results"
for old in "$results"/run.*; do   # left by a run that was killed (its pid no longer runs)
  if [ -d "$old" ] && ! kill -0 "$(cat "$old/pid" 2>/dev/null || echo 0)" 2>/dev/null; then rm -rf "$old"; fi
done
tmp=$(mktemp -d "$results/run.XXXXXX")
echo $$ >"$tmp/pid"
out=$tmp/out     # downloads (out/d), listing output of the checking round
runs=$tmp/runs   # hyperfine JSON, stderr and peak RSS of every run
mkdir -p "$out/d" "$runs"
[ "$(stat -f -c %T "$tmp")" != tmpfs ] || say "warning: $tmp is on tmpfs; downloads should go to a disk"
[ "$(stat -c %d "$tmp")" = "$(stat -c %d /work 2>/dev/null || stat -c %d "$tmp")" ] \
  || say "warning: $tmp is not on the same filesystem as /work"
export FERRY_CONFIG_DIR=$tmp/config
mkdir -p "$FERRY_CONFIG_DIR"

started_interop=""   # the interop servers this run started (stopped again at the end)
limited_pid=""       # the rate-limited proftpd (always ours)
pinned_pids=""
interop_dir=""
root=""

# A process that exists and is not a zombie.
running() { [ -e "/proc/$1" ] && [ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" != Z ]; }
stop_group() {   # stop_group PID: a server we started with setsid (it leads its process group)
  local pid=$1
  [ -n "$pid" ] && running "$pid" || return 0
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do running "$pid" || break; sleep 0.1; done
  if running "$pid"; then kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true; fi
}

cleanup() {
  set +e
  local p s
  for p in $pinned_pids; do taskset -p -c "0-$(($(nproc) - 1))" "$p" >/dev/null 2>&1; done
  if [ -n "$limited_pid" ]; then
    stop_group "$limited_pid"
    rm -f "$limited_pidf"
    say "stopped the rate-limited proftpd"
  fi
  if [ "$started_interop" = " vsftpd vsftpd-implicit pure-ftpd proftpd" ]; then
    tests/interop/servers.sh stop 2>/dev/null
  else
    for s in $started_interop; do   # the same as servers.sh's stop, for these only
      stop_group "$(cat "$interop_dir/run/$s.pid" 2>/dev/null)"
      rm -f "$interop_dir/run/$s.pid"
      say "stopped $s"
    done
  fi
  [ -n "$root" ] && rm -rf "$root/upload/suite-up.bin" "$root/upload/suite-small" "$root/upload/suite-trash"
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------------------------------------
# servers

servers_before=$(timeout 30 tests/interop/servers.sh status 2>/dev/null || true)
timeout 900 tests/interop/servers.sh start >/dev/null
for s in vsftpd vsftpd-implicit pure-ftpd proftpd; do
  grep -qx "$s: running.*" <<<"$servers_before" || started_interop="$started_interop $s"
done
eval "$(tests/interop/servers.sh env)"
root=$FERRY_INTEROP_ROOT
interop_dir=$(dirname "$root")
limited_pidf=$interop_dir/run/proftpd-limited.pid
user=$FERRY_INTEROP_USER
pass=$FERRY_INTEROP_PASS
export FERRY_PASSWORD=$pass
fp=$(openssl x509 -in "$FERRY_INTEROP_CERT" -noout -fingerprint -sha256 | cut -d= -f2)
vsftpd_host=${FERRY_VSFTPD#ftp://}
pureftpd_host=${FERRY_PUREFTPD#ftp://}
limited_port=21212
limited_host=127.0.0.1:$limited_port
limited_rate=20000000

listening() { ss -Hltn "sport = :$1" 2>/dev/null | grep -q .; }
# The pid listening on a port, if any.
listener() { ss -Hltnp "sport = :$1" 2>/dev/null | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2; }

# The per-connection limit is proftpd's TransferRate, not vsftpd's local_max_rate (which this
# case used until 2026-12-03). vsftpd 3.0.3 computes a chunk's rate as an `unsigned int` from
# its 64 KiB and the time the chunk took (ftpdataio.c, handle_io): once a chunk goes in less
# than 15 us (64 KiB / 2^32 B/s), which `sendfile` on loopback often does on a quick machine,
# the rate wraps around, the pause comes out a small fraction of what it should be, and the
# "20 MB/s" server sent curl 125 MB/s (2026-12-03: 1.6 s for 200 MiB; under strace, whose
# slower syscalls keep every chunk above 15 us, 11 s). proftpd's throttle sleeps until the bytes
# sent so far fit the rate since the transfer began (throttle.c), whatever the chunk's timing.
start_limited() {
  if [ -n "$limited_pid" ] || out_of_time; then return 0; fi
  local conf=$interop_dir/conf/proftpd-limited.conf old
  # One left over from a run that was killed: ours (its pid file names what listens), so it goes.
  old=$(cat "$limited_pidf" 2>/dev/null || true)
  if [ -n "$old" ] && [ "$(listener $limited_port)" = "$old" ]; then stop_group "$old"; fi
  listening $limited_port && die "port $limited_port is taken by a process this suite did not start"
  sed -e "s/^Port .*/Port $limited_port/" \
    -e "s/^PassivePorts .*/PassivePorts 31400 31499/" \
    -e "s|^PidFile .*|PidFile $interop_dir/run/proftpd-limited.own.pid|" \
    -e "s|^ScoreboardFile .*|ScoreboardFile $interop_dir/run/proftpd-limited.scoreboard|" \
    -e "s|^DelayTable .*|DelayTable $interop_dir/run/proftpd-limited.delay|" \
    -e "s|^SystemLog .*|SystemLog $interop_dir/log/proftpd-limited.log|" \
    -e "s|^TransferLog .*|TransferLog $interop_dir/log/proftpd-limited-xfer.log|" \
    -e "s/^ServerName .*/ServerName \"proftpd (Ferry suite, $limited_rate B\/s per connection)\"/" \
    "$interop_dir/conf/proftpd.conf" >"$conf"
  # In KiB/s (proftpd's unit), for every download command; each session throttles itself.
  echo "TransferRate RETR $(awk -v r=$limited_rate 'BEGIN { printf "%.2f", r / 1024 }')" >>"$conf"
  chmod 600 "$conf"
  setsid "$interop_dir/opt/proftpd/usr/sbin/proftpd" -n -c "$conf" >"$interop_dir/log/proftpd-limited.out" 2>&1 </dev/null &
  limited_pid=$!
  echo "$limited_pid" >"$limited_pidf"
  for _ in $(seq 1 50); do listening $limited_port && break; sleep 0.2; done
  listening $limited_port || { tail -5 "$interop_dir/log/proftpd-limited.out" >&2; die "the rate-limited proftpd did not start"; }
  say "rate-limited proftpd up on $limited_host (pid $limited_pid, $limited_rate B/s per connection)"
  pin_server "$limited_pid"
}

pin=""
pin_server() {
  [ "${FERRY_SUITE_PIN:-0}" = 1 ] && [ -n "$1" ] && [ -e "/proc/$1" ] || return 0
  # Sessions are forked from the listening process and inherit its CPU.
  taskset -p -c 0 "$1" >/dev/null && pinned_pids="$pinned_pids $1"
}
if [ "${FERRY_SUITE_PIN:-0}" = 1 ]; then
  [ "$(nproc)" -ge 2 ] || die "FERRY_SUITE_PIN needs 2 CPUs"
  pin_server "$(cat "$interop_dir/run/vsftpd.pid" 2>/dev/null)"
  pin_server "$(cat "$interop_dir/run/pure-ftpd.pid" 2>/dev/null)"
  pin="taskset -c 1 "
  say "pinned: servers on CPU 0, clients on CPU 1"
fi

# The rate-limited server's port must be free (or held by one this suite left behind): found
# out now, not after twenty minutes of other cases.
if listening $limited_port; then
  old_limited=$(cat "$limited_pidf" 2>/dev/null || true)
  if ! { [ -n "$old_limited" ] && [ "$(listener $limited_port)" = "$old_limited" ]; }; then
    case "${FERRY_SUITE_ONLY:-}" in
      "") die "port $limited_port is taken by a process this suite did not start (the rate-limited case needs it)" ;;
    esac
  fi
fi

# ---------------------------------------------------------------------------------------------
# fixtures (made once, kept for reruns; the full-size names are the ones compare_builds.sh uses)

if [ "$quick" = 1 ]; then
  fixdir=bench-quick; big=$((32 << 20)); big_h="32 MiB"; lim=$((8 << 20)); lim_h="8 MiB"
  small_tops=2; many=5000; many_dir=many5k
else
  fixdir=bench; big=$((1 << 30)); big_h="1 GiB"; lim=$((200 << 20)); lim_h="200 MiB"
  small_tops=20; many=100000; many_dir=many100k
fi
small_n=$((small_tops * 100)); small_bytes=$((small_n * 4096))
big_name=$((big >> 20))M.bin; [ "$big" = $((1 << 30)) ] && big_name=1G.bin
lim_name=$((lim >> 20))M.bin
big_src=$root/$fixdir/$big_name
lim_src=$root/$fixdir/$lim_name
small_src=$root/$fixdir/small
many_src=$root/$many_dir

# Past the overall bound, nothing more is made or started (the runs are skipped and reported).
out_of_time() { [ $((deadline - SECONDS)) -le 20 ]; }
random_file() {   # random_file PATH BYTES
  out_of_time && return 0
  [ "$(stat -c %s "$1" 2>/dev/null || echo 0)" = "$2" ] && return 0
  say "making $1 ($2 random bytes)"
  mkdir -p "$(dirname "$1")"
  timeout 900 head -c "$2" /dev/urandom >"$1.tmp" && mv "$1.tmp" "$1"
  chown -R "$user:" "$root/$fixdir"
}
ensure_big() { random_file "$big_src" "$big"; }
ensure_lim() { random_file "$lim_src" "$lim"; }
ensure_small() {
  out_of_time && return 0
  [ "$(find "$small_src" -type f 2>/dev/null | wc -l)" = "$small_n" ] && return 0
  say "making $small_src ($small_n files of 4 KiB in $((small_tops * 10)) folders)"
  rm -rf "$small_src"; mkdir -p "$small_src"
  head -c 4096 /dev/urandom >"$tmp/4k.bin"
  local a b c
  for a in $(seq -w 0 $((small_tops - 1))); do for b in $(seq 0 9); do
    mkdir -p "$small_src/d$a/s$b"
    for c in $(seq 0 9); do cp "$tmp/4k.bin" "$small_src/d$a/s$b/f$c.bin"; done
  done; done
  chown -R "$user:" "$root/$fixdir"
}
ensure_many() {
  out_of_time && return 0
  [ "$(find "$many_src" -maxdepth 1 -type f 2>/dev/null | wc -l)" = "$many" ] && return 0
  say "making $many_src ($many empty files)"
  rm -rf "$many_src"; mkdir -p "$many_src"
  (cd "$many_src" && seq -f 'entry_%06g.txt' 1 "$many" | timeout 900 xargs touch)
  chown -R "$user:" "$many_src"
}

# ---------------------------------------------------------------------------------------------
# checks: run after every run (outside the timing); $verify=1 on the checking round

verify=0
check_file() {   # check_file PATH SIZE [SOURCE]: size always, the bytes on the checking round
  [ -f "$1" ] || { echo "no file $1"; return 1; }
  local s; s=$(stat -c %s "$1")
  [ "$s" = "$2" ] || { echo "$1 has $s bytes, expected $2"; return 1; }
  if [ "$verify" = 1 ] && [ -n "${3:-}" ]; then
    timeout 300 cmp -s "$1" "$3" || { echo "$1 differs from $3"; return 1; }
  fi
  return 0
}
check_tree() {   # check_tree DIR COUNT BYTES [SOURCE]
  [ -d "$1" ] || { echo "no folder $1"; return 1; }
  local n b
  read -r n b < <(find "$1" -type f -printf '%s\n' | awk '{n++; b+=$1} END {print n+0, b+0}')
  [ "$n $b" = "$2 $3" ] || { echo "$1 has $n files, $b bytes; expected $2 files, $3 bytes"; return 1; }
  if [ "$verify" = 1 ] && [ -n "${4:-}" ]; then
    timeout 300 diff -rq "$1" "$4" >/dev/null || { echo "$1 differs from $4"; return 1; }
  fi
  return 0
}
check_entries() {   # check_entries SINK COUNT: on the checking round, the listing's entries
  [ "$verify" = 1 ] || return 0
  local n; n=$(grep -c 'entry_[0-9]*\.txt' "$1" || true)
  [ "$n" = "$2" ] || { echo "listing has $n entries, expected $2"; return 1; }
}
check_text() {   # check_text FILE CONTENT
  [ "$(cat "$1" 2>/dev/null)" = "$2" ] || { echo "$1 says '$(cat "$1" 2>/dev/null)', expected '$2'"; return 1; }
}

# ---------------------------------------------------------------------------------------------
# running a case

selected() {
  local n=${1,,} o=${only,,}
  [[ $n == *"$o"* ]]
}

# The interpreter itself (not a pyenv shim, which is a shell script), without site: its start
# is part of the timing.
python=$(python3 -c 'import sys; print(sys.executable)')
# The loopback TCP limit: the parent sends the file with sendfile (as vsftpd does), a child
# receives it into one buffer and throws it away, writing the byte count to COUNTFILE.
cat >"$tmp/tcp_copy.py" <<'PY'
import os, socket, sys
path, countfile = sys.argv[1], sys.argv[2]
size = os.path.getsize(path)
listener = socket.socket()
listener.bind(("127.0.0.1", 0))
listener.listen(1)
port = listener.getsockname()[1]
child = os.fork()
if child == 0:
    listener.close()
    s = socket.create_connection(("127.0.0.1", port))
    view, n = memoryview(bytearray(1 << 20)), 0
    while True:
        k = s.recv_into(view)
        if not k:
            break
        n += k
    with open(countfile, "w") as f:
        f.write(str(n))
    os._exit(0)
conn, _ = listener.accept()
with open(path, "rb") as f:
    off = 0
    while off < size:
        sent = os.sendfile(conn.fileno(), f.fileno(), off, size - off)
        if sent == 0:
            break
        off += sent
conn.shutdown(socket.SHUT_WR)
conn.close()
_, status = os.waitpid(child, 0)
sys.exit(0 if status == 0 and off == size else 1)
PY

printf '' >"$tmp/cases.tsv"; printf '' >"$tmp/cmds.tsv"; printf '' >"$tmp/runs.tsv"
cid=0
skipped=0
commas() { sed ':a;s/\B[0-9]\{3\}\>/,&/;ta' <<<"$1"; }
one_line() { tr '\t\n\r' '   ' | sed 's/  */ /g; s/^ //; s/ $//' | cut -c1-300; }

# run_one CID ROUND LABEL PREPARE COMMAND CHECK: one timed run, checked, recorded in runs.tsv.
run_one() {
  local id=$1 round=$2 label=$3 prepare=$4 cmd=$5 check=$6
  local base=$runs/$id.$round.$label sink=/dev/null rss="" t remaining rc status=ok msg="" code wall cpu
  remaining=$((deadline - SECONDS - 15))
  if [ "$remaining" -le 5 ]; then
    skipped=$((skipped + 1))
    printf '%s\t%s\t%s\tskipped\t%s\t\t\n' "$id" "$round" "$label" "overall time bound reached" >>"$tmp/runs.tsv"
    return 0
  fi
  t=$cmd_timeout; [ "$remaining" -lt "$t" ] && t=$remaining
  [ "$verify" = 1 ] && sink=$out/sink.$label
  cmd=${cmd//@SINK@/$sink}
  if [ "$label" = ferry ]; then rss=$base.rss; cmd="/usr/bin/time -f %M -o $rss $cmd"; fi
  local p=$pin
  case $label in tcp-copy | dd) p="" ;; esac
  rc=0
  timeout -k 10 $((t + 120)) hyperfine --runs 1 --style none --shell bash -i \
    --prepare "$prepare" -n "$label" --export-json "$base.json" \
    "${p}timeout -k 5 $t $cmd 2>$base.err" >"$base.hyperfine" 2>&1 || rc=$?
  if [ "$rc" != 0 ] || [ ! -s "$base.json" ]; then
    status=failed; msg="hyperfine failed (exit $rc): $(tail -n 3 "$base.hyperfine" | one_line)"
  else
    read -r code wall cpu < <(python3 -c 'import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
print((r.get("exit_codes") or [0])[0], r["times"][0], r["user"] + r["system"])' "$base.json")
    if [ "$code" = 124 ] || [ "$code" = 137 ]; then
      status=failed; msg="timed out after $t s"
    elif [ "$code" != 0 ]; then
      status=failed; msg="exit $code: $(tail -n 3 "$base.err" | one_line)"
    elif ! msg=$(eval "$check" 2>&1); then
      status=failed; msg="wrong result: $(one_line <<<"$msg")"
    else
      msg=""
    fi
  fi
  local tag="r$round"; [ "$round" = 0 ] && tag=warm
  if [ "$status" = ok ]; then
    printf '  %-4s %-8s %8.3f s  CPU %.3f s\n' "$tag" "$label" "$wall" "$cpu" >&2
  else
    printf '  %-4s %-8s FAILED: %s\n' "$tag" "$label" "$msg" >&2
  fi
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$id" "$round" "$label" "$status" "$msg" "$base.json" "$rss" >>"$tmp/runs.tsv"
}

# case_ NAME UNIT AMOUNT BYTES REF NOTE PREPARE  LABEL COMMAND CHECK  LABEL COMMAND CHECK ...
#   UNIT bytes|files|entries; AMOUNT how many of them; BYTES the bytes moved; REF "tcp" when the
#   TCP copy of the same size is this case's limit; CHECK a shell line run after each run.
case_() {
  local name=$1 unit=$2 amount=$3 bytes=$4 ref=$5 note=$6 prepare=$7; shift 7
  selected "$name" || return 0
  local labels=() commands=() checks=()
  while [ $# -gt 0 ]; do labels+=("$1"); commands+=("$2"); checks+=("$3"); shift 3; done
  local n=${#labels[@]} first=1 round k i
  cid=$((cid + 1))
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$cid" "$name" "$unit" "$amount" "$bytes" "$ref" "$note" \
    "$(IFS=,; echo "${labels[*]}")" >>"$tmp/cases.tsv"
  for i in $(seq 0 $((n - 1))); do
    printf '%s\t%s\t%s\n' "$cid" "${labels[$i]}" "${commands[$i]}" >>"$tmp/cmds.tsv"
  done
  echo "== $name" >&2
  [ "$warmup" = 1 ] && first=0
  for round in $(seq "$first" "$rounds"); do
    verify=0; [ "$round" = "$first" ] && verify=1
    for k in $(seq 0 $((n - 1))); do
      i=$(((k + round) % n))
      run_one "$cid" "$round" "${labels[$i]}" "$prepare" "${commands[$i]}" "${checks[$i]}"
    done
  done
  verify=0
  if [ "$unit" = files ]; then eval "$aside_d"; else rm -rf "$out/d"; mkdir -p "$out/d"; fi
}

# ---------------------------------------------------------------------------------------------
# the cases

lftp_plain="set cmd:fail-exit yes; set net:max-retries 1; set net:timeout 30; set ftp:ssl-allow no"
lftp_tls="set cmd:fail-exit yes; set net:max-retries 1; set net:timeout 30; set ftp:ssl-force true; set ftp:ssl-protect-data true; set ssl:verify-certificate no"
clean_d="rm -rf $out/d && mkdir -p $out/d && sync"
# Trees of small files are set aside between runs and deleted at the end, not deleted between
# runs: ext4 skips an inode freed in the last minute (five while its block is dirty) and reads
# its inode table block to find that out, for every new file. Deleting one round's 2,000 files
# made each create of the next round scan past them; `perf` showed 80% of a client's CPU in
# ext4's recently_deleted(), whichever client ran. The suite measured the file system's inode
# allocator then, not the clients. aside_cmd DIR TRASH [mkdir]: moves DIR into TRASH (on the
# same file system), and makes DIR again when asked.
aside_cmd() {
  local again=""; [ "${3:-}" = mkdir ] && again=" && mkdir -p $1"
  echo "mkdir -p $2 && { [ ! -e $1 ] || mv $1 \$(mktemp -d -p $2)/; }$again && sync"
}
aside_d=$(aside_cmd "$out/d" "$tmp/trash" mkdir)
up=$root/upload/suite-up.bin
up_dir=$root/upload/suite-small
up_trash=$root/upload/suite-trash

name="limit: TCP copy over loopback, $big_h"
if selected "$name"; then
  ensure_big
  case_ "$name" bytes "$big" "$big" "" "sendfile -> recv into one buffer, Python; both ends on this machine" \
    "rm -f $out/tcp.count" \
    tcp-copy "$python -S $tmp/tcp_copy.py $big_src $out/tcp.count" "check_text $out/tcp.count $big"
fi
name="limit: disk write, $big_h + fdatasync"
if selected "$name"; then
  # 16 KiB writes, as Ferry's: larger ones take larger page-cache folios, which on a VM with
  # free page reporting fault on the host once another file's pages were freed
  # (src/engine/local_io.rs, WRITE_PIECE).
  case_ "$name" bytes "$big" "$big" "" "dd if=/dev/zero bs=16K conv=fdatasync, into the download folder" \
    "$clean_d" \
    dd "dd if=/dev/zero of=$out/d/dd.bin bs=16K count=$((big >> 14)) conv=fdatasync status=none" "check_file $out/d/dd.bin $big"
fi

for tls in plain FTPS; do
  for server in vsftpd pure-ftpd; do
    host=$vsftpd_host; [ $server = pure-ftpd ] && host=$pureftpd_host
    if [ $tls = plain ]; then
      fopt="--tls off"; copt=""; lset=$lftp_plain
    else
      fopt="--tls explicit --trust-fingerprint $fp"; copt="--ssl-reqd -k "; lset=$lftp_tls
    fi
    name="download $big_h, $tls, $server"
    if selected "$name"; then
      ensure_big
      dst=$out/d/$big_name
      case_ "$name" bytes "$big" "$big" tcp "" "$clean_d" \
        ferry "$ferry get $fopt ftp://$user@$host/$fixdir/$big_name $dst" "check_file $dst $big $big_src" \
        curl "curl -sS $copt-o $dst ftp://$user:$pass@$host/$fixdir/$big_name" "check_file $dst $big $big_src" \
        lftp "lftp -u $user,$pass -e '$lset; get /$fixdir/$big_name -o $dst; quit' ftp://$host" "check_file $dst $big $big_src"
    fi
    name="upload $big_h, $tls, $server"
    if selected "$name"; then
      ensure_big
      case_ "$name" bytes "$big" "$big" tcp "" "rm -f $up && sync" \
        ferry "$ferry put $fopt --on-conflict overwrite $big_src ftp://$user@$host/upload/suite-up.bin" "check_file $up $big $big_src" \
        curl "curl -sS $copt-T $big_src ftp://$user:$pass@$host/upload/suite-up.bin" "check_file $up $big $big_src" \
        lftp "lftp -u $user,$pass -e '$lset; put $big_src -o /upload/suite-up.bin; quit' ftp://$host" "check_file $up $big $big_src"
      rm -f "$up"
    fi
  done
done

for server in vsftpd pure-ftpd; do
  host=$vsftpd_host; [ $server = pure-ftpd ] && host=$pureftpd_host
  files_h="$(commas "$small_n") files of 4 KiB"
  name="download $files_h, 4 connections, $server"
  if selected "$name"; then
    ensure_small
    dst=$out/d/small
    case_ "$name" files "$small_n" "$small_bytes" "" "curl has no recursion" "$aside_d" \
      ferry "$ferry get --tls off -r --parallel 4 ftp://$user@$host/$fixdir/small $out/d" "check_tree $dst $small_n $small_bytes $small_src" \
      lftp "lftp -u $user,$pass -e '$lftp_plain; mirror --parallel=4 /$fixdir/small $dst; quit' ftp://$host" "check_tree $dst $small_n $small_bytes $small_src"
  fi
  name="upload $files_h, 4 connections, $server"
  if selected "$name"; then
    ensure_small
    case_ "$name" files "$small_n" "$small_bytes" "" "curl has no recursion" "$(aside_cmd "$up_dir" "$up_trash")" \
      ferry "$ferry put --tls off -r --parallel 4 --on-conflict overwrite $small_src ftp://$user@$host/upload/suite-small" "check_tree $up_dir $small_n $small_bytes $small_src" \
      lftp "lftp -u $user,$pass -e '$lftp_plain; mirror -R --parallel=4 $small_src /upload/suite-small; quit' ftp://$host" "check_tree $up_dir $small_n $small_bytes $small_src"
    eval "$(aside_cmd "$up_dir" "$up_trash")"
  fi
  # Twice: `ls --json` (what a script reads; lftp `cls -1`), and `ferry ls`'s own `ls -l`-like
  # lines (what a person types, a third of the bytes; lftp's long listing, `cls -l`).
  for style in json long; do
    if [ $style = json ]; then
      name="listing $(commas "$many") entries, $server"; fls="--json"; cls="-1"
    else
      name="listing $(commas "$many") entries as ls -l lines, $server"; fls=""; cls="-l"
    fi
    selected "$name" || continue
    ensure_many
    case_ "$name" entries "$many" 0 "" "output to /dev/null (to a file on the checking round)" "true" \
      ferry "$ferry ls --tls off $fls ftp://$user@$host/$many_dir > @SINK@" "check_entries $out/sink.ferry $many" \
      curl "curl -sS ftp://$user:$pass@$host/$many_dir/ > @SINK@" "check_entries $out/sink.curl $many" \
      lftp "lftp -u $user,$pass -e '$lftp_plain; cls $cls /$many_dir; quit' ftp://$host > @SINK@" "check_entries $out/sink.lftp $many"
  done
done

name="segmented download $lim_h, 20 MB/s per connection, proftpd-limited"
if selected "$name"; then
  ensure_lim
  start_limited
  dst=$out/d/$lim_name
  if [ "$has_segments" = 1 ]; then seg="--segments 4 "; note="ferry --segments 4, lftp pget -n 4, curl one connection"
  else seg=""; note="ferry (no --segments in this build): one connection; lftp pget -n 4; curl one connection"; fi
  case_ "$name" bytes "$lim" "$lim" "" "$note" "$clean_d" \
    ferry "$ferry get --tls off ${seg}ftp://$user@$limited_host/$fixdir/$lim_name $dst" "check_file $dst $lim $lim_src" \
    curl "curl -sS -o $dst ftp://$user:$pass@$limited_host/$fixdir/$lim_name" "check_file $dst $lim $lim_src" \
    lftp "lftp -u $user,$pass -e '$lftp_plain; pget -n 4 /$fixdir/$lim_name -o $dst; quit' ftp://$limited_host" "check_file $dst $lim $lim_src"
fi

[ "$cid" -gt 0 ] || die "no case matches FERRY_SUITE_ONLY='$only'"

# ---------------------------------------------------------------------------------------------
# the report

{
  printf 'date\t%s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  printf 'commit\t%s\n' "$(git -C "$repo" describe --always --dirty 2>/dev/null || echo '?')"
  printf 'ferry\t%s\n' "$("$ferry" --version 2>/dev/null | head -1) ($ferry)"
  printf 'curl\t%s\n' "$(curl --version | head -1 | cut -d' ' -f1-2)"
  printf 'lftp\t%s\n' "$(lftp --version | head -1 | sed 's/.*Version \([^ ]*\).*/lftp \1/')"
  printf 'servers\t%s\n' "$(tests/interop/servers.sh versions 2>/dev/null | grep -E '^(vsftpd|pure-ftpd):' \
    | sed 's/ (.*//; s/^vsftpd: vsftpd: version/vsftpd/; s/^pure-ftpd:/pure-ftpd/' | paste -sd, | sed 's/,/, /g')"
  printf 'hyperfine\t%s\n' "$(hyperfine --version)"
  printf 'machine\t%s\n' "$(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo), Linux $(uname -r)"
  printf 'rounds\t%s\n' "$rounds"
  printf 'warmup\t%s\n' "$warmup"
  printf 'quick\t%s\n' "$quick"
  printf 'pinned\t%s\n' "${FERRY_SUITE_PIN:-0}"
  printf 'only\t%s\n' "$only"
  printf 'skipped\t%s\n' "$skipped"
  printf 'total_timeout\t%s\n' "$total_timeout"
  printf 'elapsed\t%s\n' "$SECONDS"
} >"$tmp/meta.tsv"

python3 - "$tmp" "$results" "$extra_json" <<'PY'
import json, os, statistics, sys

tmp, results, extra_json = sys.argv[1], sys.argv[2], sys.argv[3]
meta = dict(l.rstrip("\n").split("\t", 1) for l in open(f"{tmp}/meta.tsv"))
cases, commands = [], {}
for l in open(f"{tmp}/cmds.tsv"):
    cid, label, cmd = l.rstrip("\n").split("\t", 2)
    commands[(cid, label)] = cmd
runs = {}
for l in open(f"{tmp}/runs.tsv"):
    cid, rnd, label, status, msg, jpath, rss = l.rstrip("\n").split("\t")
    run = {"round": int(rnd), "warmup": rnd == "0", "status": status, "error": msg or None}
    if jpath and os.path.exists(jpath):
        r = json.load(open(jpath))["results"][0]
        run.update(wall_s=r["times"][0], user_s=r["user"], system_s=r["system"],
                   exit_code=(r.get("exit_codes") or [0])[0])
    if rss and os.path.exists(rss):
        lines = [x for x in open(rss).read().split() if x.isdigit()]
        if lines:
            run["peak_rss_kib"] = int(lines[-1])
    runs.setdefault((cid, label), []).append(run)

GiB = 1 << 30
for l in open(f"{tmp}/cases.tsv"):
    cid, name, unit, amount, nbytes, ref, note, labels = l.rstrip("\n").split("\t")
    case = {"name": name, "unit": unit, "amount": int(amount), "bytes": int(nbytes),
            "note": note or None, "limit_reference": ref or None, "clients": {}}
    for label in labels.split(","):
        rs = runs.get((cid, label), [])
        ok = [r for r in rs if r["status"] == "ok" and not r["warmup"]]
        c = {"command": commands[(cid, label)], "runs": rs, "ok_rounds": len(ok),
             "failed_runs": sum(r["status"] == "failed" for r in rs),
             "skipped_runs": sum(r["status"] == "skipped" for r in rs)}
        if ok:
            wall = [r["wall_s"] for r in ok]
            cpu = [r["user_s"] + r["system_s"] for r in ok]
            med = statistics.median(wall)
            c.update(median_s=med, min_s=min(wall), max_s=max(wall),
                     cpu_median_s=statistics.median(cpu),
                     throughput=case["amount"] / med if med > 0 else None,
                     throughput_unit={"bytes": "B/s", "files": "files/s", "entries": "entries/s"}[unit])
            if unit == "bytes":
                c["cpu_s_per_gib"] = c["cpu_median_s"] / (case["bytes"] / GiB)
            rss = [r["peak_rss_kib"] for r in ok if "peak_rss_kib" in r]
            if rss:
                c["peak_rss_kib"] = max(rss)
        case["clients"][label] = c
    cl = case["clients"]
    peers = {k: v for k, v in cl.items() if k in ("curl", "lftp") and "median_s" in v}
    if peers:
        best = min(peers, key=lambda k: peers[k]["median_s"])
        case["best_peer"] = best
        if "median_s" in cl.get("ferry", {}):
            case["ferry_vs_best_peer"] = peers[best]["median_s"] / cl["ferry"]["median_s"]
    cases.append(case)

# The TCP copy of the same size is the limit of the byte cases that name it.
tcp = next((c for c in cases if c["name"].startswith("limit: TCP")), None)
tcp_thr = tcp["clients"]["tcp-copy"].get("throughput") if tcp else None
for c in cases:
    for v in c["clients"].values():
        if c["limit_reference"] == "tcp" and tcp_thr and v.get("throughput") and tcp["bytes"] == c["bytes"]:
            v["share_of_tcp_copy"] = v["throughput"] / tcp_thr

def thr(c, v):
    t = v.get("throughput")
    if t is None:
        return ""
    if c["unit"] == "bytes":
        return f"{t / (1 << 20):,.0f} MiB/s"
    if c["unit"] == "files":
        return f"{t:,.0f} files/s"
    return f"{t / 1000:,.0f}k entries/s"

rounds = int(meta["rounds"])
lines = ["# Ferry benchmark suite", ""]
lines.append(f"{meta['date']}, commit {meta['commit']}; {meta['ferry']}; {meta['curl']}; {meta['lftp']}; "
             f"servers: {meta['servers']}; {meta['hyperfine']}.  ")
lines.append(f"Machine: {meta['machine']}.  ")
lines.append(f"{rounds} measured round(s), interleaved (order turning each round)"
             + (", after one warm-up round" if meta["warmup"] == "1" else ", no warm-up")
             + (", servers on CPU 0 and clients on CPU 1" if meta["pinned"] == "1" else "")
             + (" — QUICK MODE (small sizes; checks the script, not a measurement)" if meta["quick"] == "1" else "")
             + (f"; only cases matching '{meta['only']}'" if meta["only"] else "")
             + f"; took {int(meta['elapsed']) // 60} min {int(meta['elapsed']) % 60} s.")
if meta["skipped"] != "0":
    lines.append(f"**Stopped early**: the overall bound of {meta['total_timeout']} s was reached; "
                 f"{meta['skipped']} run(s) skipped.")
lines += ["", "| case | client | median | min | max | throughput | CPU (user+sys) | Ferry ÷ best peer | of TCP copy | Ferry peak RSS | notes |",
          "|---|---|---|---|---|---|---|---|---|---|---|"]
failures = []
for c in cases:
    first = True
    for label, v in c["clients"].items():
        notes = []
        if first and c["note"]:
            notes.append(c["note"])
        bad = [r for r in v["runs"] if r["status"] == "failed"]
        for r in bad:
            failures.append(f"- {c['name']}, {label}, {'warm-up' if r['warmup'] else 'round ' + str(r['round'])}: {r['error']}")
        if bad:
            notes.append(f"**{len(bad)} run(s) FAILED**: {bad[0]['error']}")
        if v["skipped_runs"]:
            notes.append(f"{v['skipped_runs']} run(s) skipped (time bound)")
        if "median_s" in v:
            if v["ok_rounds"] < rounds:
                notes.append(f"{v['ok_rounds']} of {rounds} rounds")
            cpu = (f"{v['cpu_s_per_gib']:.2f} s/GiB" if "cpu_s_per_gib" in v
                   else f"{v['cpu_median_s']:.2f} s per run")
            cells = [f"{v['median_s']:.3f} s", f"{v['min_s']:.3f}", f"{v['max_s']:.3f}", thr(c, v), cpu]
        else:
            cells = ["**FAILED**" if bad else "not run", "", "", "", ""]
        ratio = f"**{c['ferry_vs_best_peer']:.2f}×** ({c['best_peer']})" if label == "ferry" and "ferry_vs_best_peer" in c else ""
        share = f"{v['share_of_tcp_copy']:.0%}" if "share_of_tcp_copy" in v else ""
        rss = f"{v['peak_rss_kib'] / 1024:.1f} MiB" if label == "ferry" and "peak_rss_kib" in v else ""
        lines.append("| " + " | ".join([c["name"] if first else "", label, *cells, ratio, share, rss,
                                         "; ".join(notes).replace("|", "\\|")]) + " |")
        first = False
if failures:
    lines += ["", "## Failures", ""] + failures
md = "\n".join(lines) + "\n"
print(md, end="")
doc = {"meta": meta, "cases": cases}
for path in [f"{results}/results.json"] + ([extra_json] if extra_json else []):
    with open(path, "w") as f:
        json.dump(doc, f, indent=2)
        f.write("\n")
with open(f"{results}/results.md", "w") as f:
    f.write(md)
print(f"\n(written to {results}/results.md and results.json"
      + (f", and {extra_json}" if extra_json else "") + ")", file=sys.stderr)
PY
