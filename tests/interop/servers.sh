#!/usr/bin/env bash
# Real FTP servers on loopback for Ferry's interop tests (Debian 12, run as root).
#
#   servers.sh setup    install packages, create the test user, data tree, certificate, configs
#   servers.sh start    setup, then start every server not already running (idempotent)
#   servers.sh stop     stop the servers this script started (by PID file; nothing else)
#   servers.sh restart  stop, then start
#   servers.sh status   show each server's state; exit 0 only when all three are running
#   servers.sh env      print `export FERRY_...=...` lines: eval "$(tests/interop/servers.sh env)"
#   servers.sh reset    put the data tree back to its fixture state (removes whatever tests made)
#   servers.sh check    smoke-test the running servers with curl (LIST, STOR/RETR, active, TLS)
#   servers.sh versions print the servers' versions
#
# Server (127.0.0.1 only)  Control  Passive       Notes
# vsftpd 3.0.3             21210    31000-31099   optional explicit TLS (AUTH TLS), require_ssl_reuse=YES;
#                                                 no MLSD/MLST
# vsftpd-implicit          21211    31300-31399   the same vsftpd with implicit TLS (implicit_ssl=YES; TLS
#                                                 from the first byte, as on port 990)
# pure-ftpd 1.0.50         21220    31100-31199   optional explicit TLS (-Y 1); MLSD/MLST
# proftpd 1.3.8            21230    31200-31299   plain FTP only (proftpd-core has no mod_tls); MLSD/MLST
# Active mode (PORT/EPRT) is allowed on all three.
#
# vsftpd 3.0.3 speaks TLS 1.3, and then loses the tail of an upload when the client closes the
# data connection with the server's unread session tickets still in its receive buffer (the
# kernel sends RST): 426 and a truncated file. curl does this about half the time. A client
# should close_notify, shut down its write side and read to EOF before closing. To run vsftpd
# with TLS 1.2 at most instead: FERRY_INTEROP_VSFTPD_TLS_MAX=1.2 servers.sh restart
# pure-ftpd answers `USER anonymous` with 230 at once (no PASS step); vsftpd and proftpd want PASS.
#
# Users: ferrytest / ferrytest: a unix user whose home and chroot is $ROOT; may read, write,
#        mkdir, delete and rename anywhere under it (including upload/).
#        anonymous (any password; PASS is required): read-only, same root.
# State: ${FERRY_INTEROP_DIR:-/tmp/ferry-interop}
#        root/                 the data tree (README.txt, sub/inner.txt, sub/nested/deep.txt,
#                              "file with spaces.txt", "naïve café.txt", data.bin (1 MiB random),
#                              upload/ (empty, writable))
#        tls/cert.pem key.pem  self-signed certificate, CN=localhost, SAN DNS:localhost, IP:127.0.0.1
#        opt/ debs/            pure-ftpd and proftpd-core unpacked with dpkg -x
#        conf/ run/ log/       configs, PID files, server output
#
# vsftpd, pure-ftpd and proftpd-core all conflict on `ftp-server` in apt, so only vsftpd is
# apt-installed; the other two are `apt-get download`ed and unpacked, and their runtime libraries
# apt-installed. The system user `ftp` gets $ROOT as home, because that is where pure-ftpd puts
# anonymous users.
set -euo pipefail

DIR="${FERRY_INTEROP_DIR:-/tmp/ferry-interop}"
case "$DIR" in /*) ;; *) DIR="$PWD/$DIR" ;; esac
ROOT="$DIR/root"
RUN="$DIR/run"
LOG="$DIR/log"
CONF="$DIR/conf"
TLS="$DIR/tls"
OPT="$DIR/opt"
EMPTY="$DIR/vsftpd-empty"
TEST_USER=ferrytest
TEST_PASS=ferrytest
SERVERS="vsftpd vsftpd-implicit pure-ftpd proftpd"

# Runtime libraries of the unpacked pure-ftpd and proftpd-core (from their Depends).
RUNTIME_LIBS="libc6 libcap2 libcrypt1 libpam0g libsodium23 libssl3 libacl1 libhiredis0.14
  libidn2-0 libmemcached11 libmemcachedutil2 libncursesw6 libtinfo6 libpcre2-8-0 libpcre2-posix3
  zlib1g"
APT_PKGS="vsftpd openssl iproute2 procps passwd $RUNTIME_LIBS"

log() { echo "[servers] $*" >&2; }
die() { echo "[servers] ERROR: $*" >&2; exit 1; }

port() { case $1 in vsftpd) echo 21210 ;; vsftpd-implicit) echo 21211 ;; pure-ftpd) echo 21220 ;; proftpd) echo 21230 ;; esac; }
pasv() { case $1 in vsftpd) echo "31000 31099" ;; vsftpd-implicit) echo "31300 31399" ;; pure-ftpd) echo "31100 31199" ;; proftpd) echo "31200 31299" ;; esac; }
binary() {
  case $1 in
    vsftpd | vsftpd-implicit) echo /usr/sbin/vsftpd ;;
    pure-ftpd) echo "$OPT/pure-ftpd/usr/sbin/pure-ftpd" ;;
    proftpd) echo "$OPT/proftpd/usr/sbin/proftpd" ;;
  esac
}

need_root() { [ "$(id -u)" = 0 ] || die "must run as root (installs packages, creates a user, binds as root)"; }

# ---------------------------------------------------------------------------------------------
# setup

apt_missing() {
  local p missing=""
  for p in "$@"; do
    dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null | grep -qx installed || missing="$missing $p"
  done
  echo "$missing"
}

apt_fresh_enough() {
  [ -n "$(find /var/lib/apt/lists -maxdepth 1 -name '*_Packages*' -mmin -1440 2>/dev/null | head -1)" ]
}

apt_install() {
  local missing; missing=$(apt_missing "$@")
  [ -z "$missing" ] && return 0
  log "apt-get install$missing"
  apt_fresh_enough || apt-get update -q >/dev/null
  # policy-rc.d returning 101 stops vsftpd's postinst from starting the system daemon on :21.
  local made_policy=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    made_policy=1
  fi
  local rc=0
  # shellcheck disable=SC2086
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing >"$DIR/apt.log" 2>&1 || rc=$?
  if [ $rc != 0 ]; then   # stale lists (a package moved on): update once and retry
    apt-get update -q >/dev/null
    rc=0
    # shellcheck disable=SC2086
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing >"$DIR/apt.log" 2>&1 || rc=$?
  fi
  [ $made_policy = 1 ] && rm -f /usr/sbin/policy-rc.d
  [ $rc = 0 ] || { tail -20 "$DIR/apt.log" >&2; die "apt-get install failed"; }
}

unpack() {   # unpack <package> <dir>
  local pkg=$1 dest=$2
  [ -x "$dest/usr/sbin/${pkg%-core}" ] && return 0
  log "apt-get download + dpkg -x $pkg"
  mkdir -p "$DIR/debs"
  rm -f "$DIR/debs/${pkg}"_*.deb
  if ! (cd "$DIR/debs" && apt-get download -q -o APT::Sandbox::User=root "$pkg" >/dev/null 2>&1); then
    apt-get update -q >/dev/null
    (cd "$DIR/debs" && apt-get download -q -o APT::Sandbox::User=root "$pkg" >/dev/null)
  fi
  rm -rf "$dest"
  mkdir -p "$dest"
  dpkg -x "$DIR/debs/${pkg}"_*.deb "$dest"
}

install_pkgs() {
  # shellcheck disable=SC2086
  apt_install $APT_PKGS
  unpack pure-ftpd "$OPT/pure-ftpd"
  unpack proftpd-core "$OPT/proftpd"
  local b missing
  for b in "$(binary pure-ftpd)" "$(binary proftpd)"; do
    missing=$(ldd "$b" 2>&1 | grep 'not found' || true)
    [ -z "$missing" ] || die "$b lacks libraries: $missing"
  done
}

# Every directory above $DIR must be searchable by the servers' unprivileged processes.
check_path_access() {
  local d="$DIR"
  while [ "$d" != / ] && [ -n "$d" ]; do
    d=$(dirname "$d")
    if [ -d "$d" ] && [ $((0$(stat -c %a "$d") & 1)) = 0 ]; then
      die "$d is not searchable by other users (mode $(stat -c %a "$d")); the FTP servers' unprivileged processes could not reach $ROOT. Pick another FERRY_INTEROP_DIR."
    fi
  done
}

make_user() {
  # A login shell from /etc/shells: vsftpd's PAM stack (pam_shells) requires one.
  if ! id "$TEST_USER" >/dev/null 2>&1; then
    useradd -M -d "$ROOT" -s /bin/bash -c "Ferry interop tests" "$TEST_USER"
  fi
  [ "$(getent passwd "$TEST_USER" | cut -d: -f6)" = "$ROOT" ] || usermod -d "$ROOT" "$TEST_USER"
  [ "$(getent passwd "$TEST_USER" | cut -d: -f7)" = /bin/bash ] || usermod -s /bin/bash "$TEST_USER"
  echo "$TEST_USER:$TEST_PASS" | chpasswd
  # Anonymous users land in the home of `ftp` (pure-ftpd has no other setting for it).
  if ! id ftp >/dev/null 2>&1; then
    useradd --system -M -d "$ROOT" -s /usr/sbin/nologin -g nogroup ftp
  fi
  [ "$(getent passwd ftp | cut -d: -f6)" = "$ROOT" ] || usermod -d "$ROOT" ftp
}

fixture_file() {   # fixture_file <path> <content>
  [ -f "$ROOT/$1" ] && [ "$(cat "$ROOT/$1")" = "$2" ] && return 0
  mkdir -p "$(dirname "$ROOT/$1")"
  printf '%s\n' "$2" > "$ROOT/$1"
}

make_tree() {
  mkdir -p "$DIR" "$ROOT" "$RUN" "$LOG" "$CONF" "$TLS" "$OPT"
  chmod 755 "$DIR" "$OPT"
  chmod 700 "$RUN" "$CONF" "$TLS"
  fixture_file README.txt "Ferry interop test server. This file is served by vsftpd, pure-ftpd and proftpd."
  fixture_file sub/inner.txt "inner"
  fixture_file sub/nested/deep.txt "deep"
  fixture_file "file with spaces.txt" "spaces"
  fixture_file "naïve café.txt" "utf-8 name"
  mkdir -p "$ROOT/upload"
  if [ "$(stat -c %s "$ROOT/data.bin" 2>/dev/null || echo 0)" != 1048576 ]; then
    head -c 1048576 /dev/urandom > "$ROOT/data.bin"
  fi
  # ferrytest owns its whole home (so tests can mkdir/delete/rename anywhere in it); everyone
  # else can only read.
  chown -R "$TEST_USER:$TEST_USER" "$ROOT"
  chmod -R u+rwX,go+rX,go-w "$ROOT"
  # vsftpd's secure_chroot_dir: root-owned, empty, not writable.
  mkdir -p "$EMPTY"
  chown root:root "$EMPTY"
  chmod 555 "$EMPTY"
}

reset_tree() {
  # Everything the tests made goes; data.bin stays (same bytes), the other fixtures are rewritten.
  find "${ROOT:?}" -mindepth 1 -maxdepth 1 ! -name data.bin -exec rm -rf {} +
  make_tree
}

make_cert() {
  [ -s "$TLS/combined.pem" ] && [ -s "$TLS/cert.pem" ] && [ -s "$TLS/key.pem" ] && return 0
  log "self-signed certificate"
  openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 3650 \
    -keyout "$TLS/key.pem" -out "$TLS/cert.pem" -subj "/CN=localhost" \
    -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" 2>/dev/null
  cat "$TLS/key.pem" "$TLS/cert.pem" > "$TLS/combined.pem"
  chmod 600 "$TLS/key.pem" "$TLS/combined.pem"
  chmod 644 "$TLS/cert.pem"
}

write_configs() {
  local lo hi
  read -r lo hi <<<"$(pasv vsftpd)"
  cat > "$CONF/vsftpd.conf" <<EOF
listen=YES
listen_ipv6=NO
listen_address=127.0.0.1
listen_port=$(port vsftpd)
background=NO
# vsftpd's seccomp sandbox gets it killed (SIGSYS) on this kernel: every LIST/RETR/STOR dies.
seccomp_sandbox=NO
secure_chroot_dir=$EMPTY
anonymous_enable=YES
anon_root=$ROOT
no_anon_password=NO
anon_upload_enable=NO
anon_mkdir_write_enable=NO
anon_other_write_enable=NO
local_enable=YES
write_enable=YES
local_umask=022
chroot_local_user=YES
allow_writeable_chroot=YES
pam_service_name=vsftpd
pasv_enable=YES
pasv_min_port=$lo
pasv_max_port=$hi
pasv_address=127.0.0.1
port_enable=YES
connect_from_port_20=NO
utf8_filesystem=YES
use_localtime=NO
dirmessage_enable=NO
xferlog_enable=YES
xferlog_file=$LOG/vsftpd-xfer.log
vsftpd_log_file=$LOG/vsftpd.log
max_clients=64
max_per_ip=64
ftpd_banner=vsftpd (Ferry interop)
ssl_enable=YES
allow_anon_ssl=YES
force_local_logins_ssl=NO
force_local_data_ssl=NO
force_anon_logins_ssl=NO
force_anon_data_ssl=NO
require_ssl_reuse=YES
ssl_ciphers=HIGH
rsa_cert_file=$TLS/cert.pem
rsa_private_key_file=$TLS/key.pem
EOF
  chmod 600 "$CONF/vsftpd.conf"
  read -r lo hi <<<"$(pasv vsftpd-implicit)"
  sed -e "s/^listen_port=.*/listen_port=$(port vsftpd-implicit)/" \
    -e "s/^pasv_min_port=.*/pasv_min_port=$lo/" -e "s/^pasv_max_port=.*/pasv_max_port=$hi/" \
    -e "s|^xferlog_file=.*|xferlog_file=$LOG/vsftpd-implicit-xfer.log|" \
    -e "s|^vsftpd_log_file=.*|vsftpd_log_file=$LOG/vsftpd-implicit.log|" \
    "$CONF/vsftpd.conf" > "$CONF/vsftpd-implicit.conf"
  echo "implicit_ssl=YES" >> "$CONF/vsftpd-implicit.conf"
  chmod 600 "$CONF/vsftpd-implicit.conf"

  cat > "$CONF/openssl-tls12.cnf" <<'EOF'
openssl_conf = default_conf
[default_conf]
ssl_conf = ssl_sect
[ssl_sect]
system_default = system_default_sect
[system_default_sect]
MaxProtocol = TLSv1.2
EOF

  read -r lo hi <<<"$(pasv proftpd)"
  cat > "$CONF/proftpd.conf" <<EOF
ServerName              "proftpd (Ferry interop)"
ServerType              standalone
DefaultServer           on
DefaultAddress          127.0.0.1
SocketBindTight         on
Port                    $(port proftpd)
UseIPv6                 off
User                    nobody
Group                   nogroup
Umask                   022
MaxInstances            64
PidFile                 $RUN/proftpd.own.pid
ScoreboardFile          $RUN/proftpd.scoreboard
DelayTable              $RUN/proftpd.delay
SystemLog               $LOG/proftpd.log
TransferLog             $LOG/proftpd-xfer.log
WtmpLog                 off
UseReverseDNS           off
AuthPAM                 off
AuthOrder               mod_auth_unix.c
RequireValidShell       off
DefaultRoot             ~
PassivePorts            $lo $hi
MasqueradeAddress       127.0.0.1
AllowOverwrite          on
TimesGMT                on
UseSendfile             on
<Anonymous $ROOT>
  User                  ftp
  Group                 nogroup
  UserAlias             anonymous ftp
  RequireValidShell     off
  MaxClients            32
  <Limit WRITE>
    DenyAll
  </Limit>
</Anonymous>
EOF
}

setup() {
  need_root
  check_path_access
  mkdir -p "$DIR"
  chmod 755 "$DIR"
  install_pkgs
  make_user
  make_tree
  make_cert
  write_configs
}

# ---------------------------------------------------------------------------------------------
# start / stop

# A PID file names a server we launched; trust it only while that process still runs that binary.
alive() {
  local f="$RUN/$1.pid" pid
  [ -s "$f" ] || return 1
  pid=$(cat "$f")
  # (By executable: pure-ftpd and proftpd rewrite their command lines.)
  kill -0 "$pid" 2>/dev/null && [ "$(readlink "/proc/$pid/exe" 2>/dev/null)" = "$(binary "$1")" ]
}

# A process that exists and is not a zombie (an exited server whose parent has not reaped it).
running() { [ -e "/proc/$1" ] && [ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" != Z ]; }

listening() { ss -Hltn "sport = :$1" 2>/dev/null | grep -q .; }

launch() {
  local name=$1; shift
  local p; p=$(port "$name")
  if listening "$p"; then
    ss -Hltnp "sport = :$p" >&2 || true
    die "port $p is already taken by a process this script did not start"
  fi
  # setsid: the server leads its own process group, so `stop` can end its session children too.
  setsid "$@" >"$LOG/$name.out" 2>&1 </dev/null &
  echo $! >"$RUN/$name.pid"
  for _ in $(seq 1 50); do   # up to 10 s
    if listening "$p"; then
      log "$name up on 127.0.0.1:$p (pid $(cat "$RUN/$name.pid"))"
      return 0
    fi
    running "$(cat "$RUN/$name.pid")" || break
    sleep 0.2
  done
  log "$name did not come up on 127.0.0.1:$p; last lines of its logs:"
  tail -n 20 "$LOG/$name.out" >&2 2>/dev/null || true
  [ "$name" = vsftpd ] && { tail -n 5 "$LOG/vsftpd.log" >&2 2>/dev/null || true; }
  [ "$name" = proftpd ] && { tail -n 10 "$LOG/proftpd.log" >&2 2>/dev/null || true; }
  stop_one "$name"
  return 1
}

start_one() {
  local name=$1 lo hi
  if alive "$name"; then
    log "$name already running (pid $(cat "$RUN/$name.pid"))"
    return 0
  fi
  rm -f "$RUN/$name.pid"
  read -r lo hi <<<"$(pasv "$name")"
  case $name in
    vsftpd)
      if [ "${FERRY_INTEROP_VSFTPD_TLS_MAX:-}" = 1.2 ]; then
        # vsftpd 3.0.3 has no protocol-version setting; cap it through OpenSSL's own config.
        log "vsftpd: TLS capped at 1.2 (FERRY_INTEROP_VSFTPD_TLS_MAX)"
        launch vsftpd env OPENSSL_CONF="$CONF/openssl-tls12.cnf" /usr/sbin/vsftpd "$CONF/vsftpd.conf"
      else
        launch vsftpd /usr/sbin/vsftpd "$CONF/vsftpd.conf"
      fi ;;
    vsftpd-implicit)
      launch vsftpd-implicit /usr/sbin/vsftpd "$CONF/vsftpd-implicit.conf" ;;
    pure-ftpd)
      # -A chroot everyone; -l unix; -H no DNS; -i no anonymous uploads; -u 1000 no system users;
      # -L 200000:16 or listings stop at 10,000 entries; -Y 1 optional TLS.
      launch pure-ftpd "$(binary pure-ftpd)" -S "127.0.0.1,$(port pure-ftpd)" -p "$lo:$hi" \
        -P 127.0.0.1 -A -l unix -H -i -u 1000 -L 200000:16 -c 64 -C 64 -U 022:022 \
        -Y 1 -2 "$TLS/combined.pem" ;;
    proftpd)
      launch proftpd "$(binary proftpd)" -n -c "$CONF/proftpd.conf" ;;
  esac
}

stop_one() {
  local name=$1 f="$RUN/$1.pid" pid
  if alive "$name"; then
    pid=$(cat "$f")
    # The group exists only because we started its leader with setsid.
    if [ "$(ps -o pgid= -p "$pid" | tr -d ' ')" = "$pid" ]; then
      kill -TERM -- "-$pid" 2>/dev/null || true
    else
      kill -TERM "$pid" 2>/dev/null || true
    fi
    for _ in $(seq 1 50); do
      running "$pid" || break
      sleep 0.1
    done
    if running "$pid"; then
      kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
    fi
    log "stopped $name (pid $pid)"
  fi
  rm -f "$f"
}

start() {
  setup
  local s failed=""
  for s in $SERVERS; do
    start_one "$s" || failed="$failed $s"
  done
  [ -z "$failed" ] || die "failed to start:$failed"
}

stop() {
  local s
  for s in $SERVERS; do stop_one "$s"; done
}

status() {
  local s rc=0
  for s in $SERVERS; do
    if alive "$s"; then
      echo "$s: running, pid $(cat "$RUN/$s.pid"), ftp://127.0.0.1:$(port "$s")"
    else
      echo "$s: stopped"
      rc=3
    fi
  done
  return $rc
}

print_env() {
  printf 'export FERRY_VSFTPD=%q\n' "ftp://127.0.0.1:$(port vsftpd)"
  printf 'export FERRY_VSFTPD_IMPLICIT=%q\n' "ftps://127.0.0.1:$(port vsftpd-implicit)"
  printf 'export FERRY_PUREFTPD=%q\n' "ftp://127.0.0.1:$(port pure-ftpd)"
  printf 'export FERRY_PROFTPD=%q\n' "ftp://127.0.0.1:$(port proftpd)"
  printf 'export FERRY_INTEROP_USER=%q\n' "$TEST_USER"
  printf 'export FERRY_INTEROP_PASS=%q\n' "$TEST_PASS"
  printf 'export FERRY_INTEROP_ROOT=%q\n' "$ROOT"
  printf 'export FERRY_INTEROP_CERT=%q\n' "$TLS/cert.pem"
}

# Smoke test of the running servers with curl: what each one must do for the interop tests.
check() {
  command -v curl >/dev/null || die "check needs curl"
  local tmp n url pass=0 fail=0 c="curl -sS --max-time 20"
  local u="$TEST_USER:$TEST_PASS"
  tmp=$(mktemp -d)
  head -c 200000 /dev/urandom >"$tmp/up.bin"
  t() {
    local what=$1; shift
    if "$@" >"$tmp/out" 2>&1; then pass=$((pass + 1)); else
      fail=$((fail + 1)); echo "FAIL $n: $what: $(tail -n 2 "$tmp/out" | tr '\n' ' ')"; fi
  }
  n=vsftpd-implicit
  t "implicit TLS LIST (cert verified)" bash -c "$c --cacert '$TLS/cert.pem' -u '$u' 'ftps://127.0.0.1:$(port "$n")/sub/' | grep -q nested"
  for n in $SERVERS; do
    [ "$n" = vsftpd-implicit ] && continue
    url="ftp://127.0.0.1:$(port "$n")"
    t "anonymous LIST" bash -c "$c '$url/' | grep -q README.txt"
    t "user LIST" bash -c "$c -u '$u' '$url/sub/' | grep -q inner.txt"
    t "user STOR upload/ + RETR + DELE" bash -c "$c -u '$u' -T '$tmp/up.bin' '$url/upload/check-$n.bin' &&
      $c -u '$u' '$url/upload/check-$n.bin' -o '$tmp/back' && cmp -s '$tmp/up.bin' '$tmp/back' &&
      $c -u '$u' '$url/' -Q 'DELE upload/check-$n.bin' >/dev/null"
    # curl's exit code 25: the server refused the upload.
    t "anonymous STOR refused" bash -c "$c -T '$tmp/up.bin' '$url/upload/anon-$n.bin'; [ \$? = 25 ]"
    t "active-mode LIST" bash -c "$c --ftp-port 127.0.0.1 -u '$u' '$url/' | grep -q data.bin"
    [ "$n" = proftpd ] && continue
    t "explicit TLS LIST (cert verified)" bash -c "$c --ssl-reqd --cacert '$TLS/cert.pem' -u '$u' '$url/sub/' | grep -q nested"
    t "explicit TLS anonymous LIST" bash -c "$c --ssl-reqd -k '$url/' | grep -q README.txt"
  done
  rm -rf "$tmp"
  echo "check: $pass passed, $fail failed"
  [ "$fail" = 0 ]
}

versions() {
  echo "vsftpd: $(/usr/sbin/vsftpd -v 0>&1 2>&1 | head -1 || true) (apt $(dpkg-query -W -f='${Version}' vsftpd 2>/dev/null))"
  echo "pure-ftpd: $(dpkg-deb -f "$DIR"/debs/pure-ftpd_*.deb Version 2>/dev/null || echo '?')"
  echo "proftpd: $("$(binary proftpd)" -v 2>&1 | head -1 || true) (deb $(dpkg-deb -f "$DIR"/debs/proftpd-core_*.deb Version 2>/dev/null || echo '?'))"
}

case "${1:-}" in
  setup) setup ;;
  start) start ;;
  stop) stop ;;
  restart) stop; start ;;
  status) status ;;
  env) print_env ;;
  reset) need_root; reset_tree ;;
  check) check ;;
  versions) versions ;;
  *) echo "usage: $0 setup|start|stop|restart|status|env|reset|check|versions" >&2; exit 2 ;;
esac
