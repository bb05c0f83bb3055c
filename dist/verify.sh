#!/usr/bin/env bash
# Checks Ferry's Linux packages the way a person would use them, on this machine (as root):
#
#   .deb     dpkg -i (runtime dependencies from apt when missing) → `ferry --version` from PATH
#            names the version and this commit → desktop-file-validate and appstreamcli validate
#            accept the installed metadata → ftp://, ftpes:// and ftps:// are registered to ferry.desktop →
#            the installed binary opens its window under Xvfb (screenshot, window icon set) →
#            dpkg -r removes every file it installed.
#   .tar.gz  unpacks → bin/ferry --version → its window under Xvfb (screenshot).
#
# Usage: dist/verify.sh              builds the packages first (dist/build-linux.sh)
#        FERRY_VERIFY_NO_BUILD=1 dist/verify.sh     takes the ones already in target/packages
# FERRY_DIST_PROFILE and FERRY_DIST_OUT are passed on to build-linux.sh.
# Screenshots: target/packages/installed-screenshot.png, target/packages/tarball-screenshot.png.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
REPO=$PWD
OUT=${FERRY_DIST_OUT:-$REPO/target/packages}
VERSION=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -1)
COMMIT=$(git rev-parse --short=7 HEAD 2>/dev/null || echo unknown)
DEB="$OUT/ferry_${VERSION}_$(dpkg --print-architecture).deb"
TARBALL="$OUT/ferry-${VERSION}-$(uname -m)-linux.tar.gz"

APT_PACKAGES="xvfb xauth xdotool x11-utils imagemagick desktop-file-utils appstream dpkg-dev
  libgl1-mesa-dri libegl1 libgl1 libxkbcommon-x11-0 libxcursor1 libxrandr2 libxi6"

say() { echo "--- verify: $*"; }
fail() {
  echo "verify: FAILED: $*" >&2
  exit 1
}

[ "$(id -u)" = 0 ] || fail "run as root (dpkg -i / dpkg -r)"

WORK=$(mktemp -d)
XVFB_PID=""
APP_PID=""
INSTALLED_BY_US=0
cleanup() {
  local rc=$?
  stop_pid "$APP_PID"
  stop_pid "$XVFB_PID"
  if [ "$INSTALLED_BY_US" = 1 ] && dpkg-query -W -f='${db:Status-Status}' ferry 2>/dev/null | grep -qx installed; then
    echo "verify: removing the ferry package after a failure" >&2
    dpkg -r ferry >/dev/null || true
  fi
  rm -rf "$WORK"
  exit $rc
}
trap cleanup EXIT

# Ends a process this script started: TERM, up to 5 s, then KILL.
stop_pid() {
  local pid=$1 i
  [ -n "$pid" ] || return 0
  kill -0 "$pid" 2>/dev/null || return 0
  kill "$pid" 2>/dev/null || true
  for i in $(seq 50); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

# ---- tools ------------------------------------------------------------------------------------
missing=""
for p in $APT_PACKAGES; do
  dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null | grep -qx installed || missing="$missing $p"
done
if [ -n "$missing" ]; then
  say "apt-get install$missing"
  export DEBIAN_FRONTEND=noninteractive
  # shellcheck disable=SC2086
  apt-get install -y -q --no-install-recommends $missing ||
    { apt-get update -q && apt-get install -y -q --no-install-recommends $missing; }
fi

# ---- packages ---------------------------------------------------------------------------------
if [ "${FERRY_VERIFY_NO_BUILD:-0}" != 1 ]; then
  T=$(date +%s)
  dist/build-linux.sh
  say "packages built in $(($(date +%s) - T)) s"
fi
[ -f "$DEB" ] || fail "no $DEB"
[ -f "$TARBALL" ] || fail "no $TARBALL"

# Checks `$1 --version` against this tree's version and commit.
check_version() {
  local line
  line=$("$1" --version) || fail "$1 --version exited $?"
  say "$1 --version: $line"
  [ "$line" = "ferry $VERSION ($COMMIT)" ] || fail "expected \"ferry $VERSION ($COMMIT)\", got \"$line\""
}

# Starts binary $1 with --demo on a fresh Xvfb, waits (bounded) for its window, checks the window
# has Ferry's icon, writes a screenshot to $2, then ends both.
check_window() {
  local bin=$1 shot=$2 display="" wid="" i
  # Xvfb picks a free display and writes its number once it accepts connections.
  # -noreset: by default an X server resets when its last client leaves, and closes every
  # connection it accepted meanwhile. The readiness probe (xdpyinfo) is such a last client, so
  # Ferry connecting just as the probe left failed now and then with "Failed to open connection to
  # X server" (seen once in CI; 4 of 1,200 back-to-back connections here, none with -noreset).
  Xvfb -displayfd 3 -screen 0 1200x800x24 -nolisten tcp -noreset 3>"$WORK/display" >"$WORK/xvfb.log" 2>&1 &
  XVFB_PID=$!
  for i in $(seq 100); do
    display=$(cat "$WORK/display" 2>/dev/null || true)
    [ -n "$display" ] && DISPLAY=":$display" xdpyinfo >/dev/null 2>&1 && break
    kill -0 "$XVFB_PID" 2>/dev/null || { cat "$WORK/xvfb.log" >&2; fail "Xvfb exited"; }
    [ "$i" = 100 ] && fail "Xvfb not ready after 10 s"
    sleep 0.1
  done
  display=":$display"
  say "Xvfb on $display"
  # A home of its own: no settings or window layout from earlier runs, none left behind.
  # And a temporary folder of its own, where the demo's files go (and must go away from).
  mkdir -p "$WORK/home" "$WORK/tmp"
  HOME="$WORK/home" XDG_CONFIG_HOME="$WORK/home/.config" XDG_DATA_HOME="$WORK/home/.local/share" \
    TMPDIR="$WORK/tmp" DISPLAY=$display "$bin" --demo >"$WORK/app.log" 2>&1 &
  APP_PID=$!
  for i in $(seq 150); do
    kill -0 "$APP_PID" 2>/dev/null || { cat "$WORK/app.log" "$WORK/xvfb.log" >&2; fail "$bin exited before its window showed"; }
    wid=$(DISPLAY=$display xdotool search --name '^Ferry' 2>/dev/null | head -1 || true)
    [ -n "$wid" ] && break
    [ "$i" = 150 ] && { cat "$WORK/app.log" >&2; fail "no Ferry window after 30 s"; }
    sleep 0.2
  done
  say "window $wid: $(DISPLAY=$display xdotool getwindowname "$wid") ($(DISPLAY=$display xdotool getwindowgeometry "$wid" | tr -s ' \n' ' '))"
  local icon
  # The first 8 bytes of _NET_WM_ICON are the width and height of the first icon.
  icon=$(DISPLAY=$display xprop -id "$wid" -notype -len 8 _NET_WM_ICON 2>/dev/null | tr -s '\t\n' ' ' || true)
  case "$icon" in
    *"Icon (256 x 256)"*) ;;
    *) fail "the window has no 256x256 icon (_NET_WM_ICON: ${icon:-none})" ;;
  esac
  say "window icon: 256x256 (_NET_WM_ICON)"
  # Let the demo connect and the first listing draw (the process must stay up meanwhile).
  for i in $(seq 30); do
    kill -0 "$APP_PID" 2>/dev/null || { cat "$WORK/app.log" >&2; fail "$bin exited after opening its window"; }
    sleep 0.1
  done
  DISPLAY=$display import -window root "$shot"
  say "screenshot $shot"
  compgen -G "$WORK/tmp/ferry-demo-*" >/dev/null || fail "the demo's folder is not in TMPDIR ($WORK/tmp)"
  # SIGTERM closes the window as its close button does: the demo's folder goes with it.
  stop_pid "$APP_PID"
  APP_PID=""
  if compgen -G "$WORK/tmp/ferry-demo-*" >/dev/null; then
    cat "$WORK/app.log" >&2
    fail "the demo's folder was left in TMPDIR after SIGTERM"
  fi
  say "SIGTERM: window closed, the demo's folder removed"
  stop_pid "$XVFB_PID"
  XVFB_PID=""
}

# ---- .deb -------------------------------------------------------------------------------------
say "installing $DEB"
if dpkg-query -W -f='${db:Status-Status}' ferry 2>/dev/null | grep -qx installed; then
  say "ferry already installed: removing it first"
  dpkg -r ferry
fi
INSTALLED_BY_US=1
if ! dpkg -i "$DEB"; then
  say "dpkg -i left dependencies missing: apt-get -f install"
  DEBIAN_FRONTEND=noninteractive apt-get install -f -y -q --no-install-recommends ||
    { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -f -y -q --no-install-recommends; }
fi
dpkg-query -W -f='${db:Status-Status}' ferry | grep -qx installed || fail "ferry is not installed"
dpkg -L ferry | sort > "$WORK/installed-paths"

[ "$(command -v ferry)" = /usr/bin/ferry ] || fail "ferry on PATH is $(command -v ferry || echo nothing), not /usr/bin/ferry"
check_version ferry

desktop-file-validate /usr/share/applications/ferry.desktop || fail "desktop-file-validate"
say "desktop-file-validate: ok"
appstreamcli validate --no-net /usr/share/metainfo/io.github.ferryftp.Ferry.metainfo.xml ||
  fail "appstreamcli validate"
grep -qx 'Exec=ferry %u' /usr/share/applications/ferry.desktop || fail "Exec line is not 'ferry %u'"
# desktop-file-utils' dpkg trigger ran update-desktop-database for the new .desktop file.
for scheme in ftp ftpes ftps; do
  grep -q "^x-scheme-handler/$scheme=.*ferry.desktop" /usr/share/applications/mimeinfo.cache ||
    fail "x-scheme-handler/$scheme is not registered to ferry.desktop"
done
say "x-scheme-handler/ftp, ftpes and ftps → ferry.desktop (mimeinfo.cache)"
for n in 16 32 48 64 128 256 512; do
  [ -f "/usr/share/icons/hicolor/${n}x${n}/apps/ferry.png" ] || fail "no ${n}x${n} icon installed"
done

check_window /usr/bin/ferry "$OUT/installed-screenshot.png"

say "dpkg -r ferry"
dpkg -r ferry
INSTALLED_BY_US=0
if dpkg-query -W -f='${db:Status-Status}' ferry 2>/dev/null | grep -qvx not-installed; then
  fail "ferry still known to dpkg: $(dpkg-query -W -f='${db:Status-Status}' ferry)"
fi
left=0
while read -r path; do
  [ "$path" = "/." ] && continue
  if [ -d "$path" ] && [ ! -L "$path" ]; then
    # A folder may stay only when something else still uses it: another package owns it, or
    # it holds other files.
    if [ -z "$(ls -A "$path")" ] && ! dpkg -S "$path" >/dev/null 2>&1; then
      echo "left behind: empty folder $path" >&2
      left=1
    fi
  elif [ -e "$path" ] || [ -L "$path" ]; then
    echo "left behind: $path" >&2
    left=1
  fi
done < "$WORK/installed-paths"
[ $left = 0 ] || fail "dpkg -r left files behind"
say "dpkg -r removed all $(wc -l < "$WORK/installed-paths") paths it had installed (shared folders stay)"

# ---- .tar.gz ----------------------------------------------------------------------------------
say "unpacking $TARBALL"
mkdir -p "$WORK/tar"
tar xzf "$TARBALL" -C "$WORK/tar"
ROOT="$WORK/tar/ferry-${VERSION}-$(uname -m)-linux"
for f in bin/ferry README.md share/applications/ferry.desktop \
  share/metainfo/io.github.ferryftp.Ferry.metainfo.xml share/icons/hicolor/scalable/apps/ferry.svg \
  share/icons/hicolor/256x256/apps/ferry.png; do
  [ -e "$ROOT/$f" ] || fail "the tarball has no $f"
done
desktop-file-validate "$ROOT/share/applications/ferry.desktop" || fail "desktop-file-validate (tarball)"
check_version "$ROOT/bin/ferry"
check_window "$ROOT/bin/ferry" "$OUT/tarball-screenshot.png"

say "all checks passed"
