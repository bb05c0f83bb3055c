#!/usr/bin/env bash
# The window's pictures in assets/, taken the way a new user meets Ferry: `ferry --demo` on a
# virtual X display, a home folder with a few files, then browsing with the mouse, dragging a
# folder down and a file up, going through both panes with the keyboard only, and resizing.
#
#   assets/make-screenshots.sh [path/to/ferry]      (default: target/release/ferry)
#
# Needs Xvfb, xdotool and ImageMagick (`import`). Writes assets/window-800x600.png,
# window-1200x800.png (the README's picture), window-1920x1080.png and window-2560x1440.png.
# Positions below are for the default layout; after a layout change, look at the pictures.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
FERRY=${1:-target/release/ferry}

# As root, a /tmp of its own (a private mount namespace), so that the local tree in the pictures
# shows the way to this script's folder and not whatever else this machine keeps in /tmp.
if [ -z "${FERRY_SCREENS_CLEAN_TMP:-}" ] && [ "$(id -u)" = 0 ] && command -v unshare >/dev/null \
  && [[ "$PWD" != /tmp/* ]]; then
  FERRY=$(realpath "$FERRY")
  exec env FERRY_SCREENS_CLEAN_TMP=1 unshare --mount --propagation private \
    bash -c 'mount -t tmpfs tmpfs /tmp && exec "$@"' - "$PWD/assets/make-screenshots.sh" "$FERRY"
fi
OUT=assets
DISPLAY_NUMBER=${DISPLAY_NUMBER:-93}

work=$(mktemp -d /tmp/ferry-screens.XXXX)
cleanup() {
  [ -n "${APP:-}" ] && kill "$APP" 2>/dev/null || true
  [ -n "${XVFB:-}" ] && kill "$XVFB" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# A home of its own: the local pane opens ~/Downloads, which has a few everyday files.
export HOME=$work/you
downloads=$HOME/Downloads
mkdir -p "$downloads/Projects" "$downloads/Music" "$work/config"
head -c 350000 /dev/urandom >"$downloads/holiday-plan.pdf"
head -c 1200000 /dev/urandom >"$downloads/camera-roll.zip"
head -c 64000 /dev/urandom >"$downloads/invoice 2026-11.pdf"
printf 'Shopping list\n- milk\n' >"$downloads/notes.txt"
printf '# Ideas\n' >"$downloads/Projects/readme.md"
touch -d "2026-11-20 09:14:05" "$downloads"/*
# A download limit, so that a transfer is still moving when the picture is taken.
printf '[transfers]\ndownload_limit_kib = 400\n' >"$work/config/settings.toml"
export FERRY_CONFIG_DIR=$work/config

Xvfb ":$DISPLAY_NUMBER" -screen 0 2560x1440x24 >/dev/null 2>&1 &
XVFB=$!
export DISPLAY=":$DISPLAY_NUMBER"
for _ in $(seq 50); do xdpyinfo >/dev/null 2>&1 && break; sleep 0.1; done

"$FERRY" --demo >"$work/ferry.log" 2>&1 &
APP=$!
window=""
for _ in $(seq 100); do
  window=$(xdotool search --name '^Ferry$' 2>/dev/null | head -1 || true)
  [ -n "$window" ] && break
  sleep 0.1
done
[ -n "$window" ] || { echo "no Ferry window"; cat "$work/ferry.log"; exit 1; }

size() { xdotool windowsize "$window" "$1" "$2"; xdotool windowmove "$window" 0 0; sleep 1.5; }
shot() { import -window root -crop "${1}x${2}+0+0" "$OUT/window-${1}x${2}.png"; }
click() { xdotool mousemove "$1" "$2"; sleep 0.3; xdotool click 1; sleep 0.5; }
double_click() { xdotool mousemove "$1" "$2"; sleep 0.3; xdotool click --repeat 2 --delay 80 1; sleep 1; }
# A person's drag: press, a short wait, then small steps (egui decides what is dragged from
# where the pointer is in the frame it moves).
drag() {
  xdotool mousemove "$1" "$2"; sleep 0.3; xdotool mousedown 1; sleep 0.3
  for i in $(seq 1 12); do
    xdotool mousemove $(($1 + ($3 - $1) * i / 12)) $(($2 + ($4 - $2) * i / 12)); sleep 0.05
  done
  sleep 0.3; xdotool mouseup 1; sleep 0.8
}
keys() { xdotool key --delay 200 "$@"; sleep 0.6; }

size 1200 800
xdotool windowfocus --sync "$window" 2>/dev/null || true
sleep 2 # logged in, both folders listed

# Browse with the mouse: into Documents and back up.
double_click 844 287
keys BackSpace
# Upload: a local file dragged onto the server's list.
drag 250 383 900 560
sleep 1
# Download: the Software folder (a 2 MiB installer) dragged onto the local list; the limit
# keeps it moving for a few seconds.
drag 837 407 300 540
# Keyboard only: Tab to the local pane, down to Projects, in and out, back to the server.
keys Tab Down Down Return
keys BackSpace
keys Tab End Home
sleep 0.5
shot 1200 800

for wh in "800 600" "1920 1080" "2560 1440"; do
  set -- $wh
  size "$1" "$2"
  shot "$1" "$2"
done
echo "wrote $OUT/window-*.png"
