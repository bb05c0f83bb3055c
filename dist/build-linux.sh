#!/usr/bin/env bash
# Builds Ferry's Linux installers, in one command:
#
#   dist/build-linux.sh            → target/packages/ferry_<version>_<arch>.deb
#                                    target/packages/ferry-<version>-<machine>-linux.tar.gz
#
# Options (environment):
#   FERRY_DIST_PROFILE=NAME   cargo profile to build (default: dist, release with thin LTO and one
#                             codegen unit: slower to build, for packages). CI's check uses dev,
#                             whose build `cargo test` has just made (the binary is stripped
#                             when packed either way).
#   FERRY_DIST_OUT=DIR        where the packages go (default: target/packages in the repo).
#   CARGO_TARGET_DIR          honoured as usual.
#
# Installs cargo-deb (pinned below) with `cargo install` when it is missing or another version,
# and dpkg-dev (dpkg-shlibdeps, for the .deb's $auto dependencies) with apt-get when running as
# root on Debian/Ubuntu. Downloads nothing else.
set -euo pipefail

CARGO_DEB_VERSION=3.8.0

cd "$(dirname "${BASH_SOURCE[0]}")/.."
REPO=$PWD
PROFILE=${FERRY_DIST_PROFILE:-dist}
OUT=${FERRY_DIST_OUT:-$REPO/target/packages}
TARGET_DIR=${CARGO_TARGET_DIR:-$REPO/target}
case "$TARGET_DIR" in /*) ;; *) TARGET_DIR=$REPO/$TARGET_DIR ;; esac
# cargo puts the dev profile in target/debug, every other profile in target/<name>.
PROFILE_DIR=$PROFILE
[ "$PROFILE" = dev ] && PROFILE_DIR=debug

VERSION=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -1)
DEB_ARCH=$(dpkg --print-architecture 2>/dev/null || echo amd64)
MACHINE=$(uname -m)
DEB="$OUT/ferry_${VERSION}_${DEB_ARCH}.deb"
TAR_NAME="ferry-${VERSION}-${MACHINE}-linux"
TARBALL="$OUT/$TAR_NAME.tar.gz"

say() { echo "--- build-linux: $*"; }

# ---- tools ------------------------------------------------------------------------------------
if ! cargo deb --version 2>/dev/null | grep -qF "$CARGO_DEB_VERSION"; then
  say "installing cargo-deb $CARGO_DEB_VERSION"
  cargo install --locked --version "$CARGO_DEB_VERSION" cargo-deb
fi
if ! command -v dpkg-shlibdeps >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    say "installing dpkg-dev (dpkg-shlibdeps)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends dpkg-dev ||
      { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends dpkg-dev; }
  else
    echo "build-linux: dpkg-shlibdeps missing (apt-get install dpkg-dev)" >&2
    exit 1
  fi
fi

# ---- the binary -------------------------------------------------------------------------------
say "cargo build --profile $PROFILE (version $VERSION)"
if [ "$PROFILE" = dev ]; then
  # CI's packaging check packs the binary `cargo test` has just built. Naming the tests as well
  # builds it with the same features (the window tests' dev-dependencies add eframe's wgpu), so
  # cargo finds it up to date instead of rebuilding the window stack without them.
  cargo build --locked --profile dev --bin ferry --tests
else
  cargo build --locked --profile "$PROFILE" --bin ferry
fi
BIN="$TARGET_DIR/$PROFILE_DIR/ferry"
[ -x "$BIN" ] || { echo "build-linux: no binary at $BIN" >&2; exit 1; }
"$BIN" --version
mkdir -p "$OUT"

# ---- .deb -------------------------------------------------------------------------------------
say "cargo deb → $DEB"
rm -f "$DEB"
cargo deb --no-build --locked --profile "$PROFILE" --strip --output "$DEB"
dpkg-deb --info "$DEB" | sed -n '/Package:/,$p'
dpkg-deb --contents "$DEB"

# ---- .tar.gz: a prefix (bin/, share/) that unpacks into /usr/local or ~/.local --------------------
say "tar → $TARBALL"
STAGE=$(mktemp -d)
trap 'rm -rf "$STAGE"' EXIT
ROOT="$STAGE/$TAR_NAME"
install -Dsm755 "$BIN" "$ROOT/bin/ferry"
install -Dm644 dist/linux/ferry.desktop "$ROOT/share/applications/ferry.desktop"
install -Dm644 dist/linux/io.github.ferryftp.Ferry.metainfo.xml \
  "$ROOT/share/metainfo/io.github.ferryftp.Ferry.metainfo.xml"
install -Dm644 assets/icons/ferry.svg "$ROOT/share/icons/hicolor/scalable/apps/ferry.svg"
for png in assets/icons/hicolor/*/apps/ferry.png; do
  install -Dm644 "$png" "$ROOT/share/${png#assets/}"
done
install -Dm644 README.md "$ROOT/README.md"
# The same bytes for the same commit: fixed owner, order and times.
MTIME=$(git log -1 --format=%cI 2>/dev/null || date -u +%Y-%m-%dT%H:%M:%SZ)
rm -f "$TARBALL"
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="$MTIME" \
  -C "$STAGE" -cf - "$TAR_NAME" | gzip -9n > "$TARBALL"
tar tzvf "$TARBALL"

say "done"
ls -l "$BIN" "$DEB" "$TARBALL"
(cd "$OUT" && sha256sum "$(basename "$DEB")" "$(basename "$TARBALL")" | tee SHA256SUMS)
