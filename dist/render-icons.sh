#!/usr/bin/env bash
# Renders assets/icons/ferry.svg to the PNG sizes every installer uses:
#   assets/icons/hicolor/<N>x<N>/apps/ferry.png  for N in 16 32 48 64 128 256 512
#   dist/windows/ferry.ico                      (16 to 256, for the Windows installer)
# The PNGs are committed, so a build never needs this; run it after editing the SVG.
# Needs rsvg-convert (Debian: librsvg2-bin) and ImageMagick for the .ico.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
command -v rsvg-convert >/dev/null || { echo "rsvg-convert missing: apt-get install librsvg2-bin" >&2; exit 1; }
for n in 16 32 48 64 128 256 512; do
  out="assets/icons/hicolor/${n}x${n}/apps/ferry.png"
  mkdir -p "$(dirname "$out")"
  rsvg-convert -w "$n" -h "$n" assets/icons/ferry.svg -o "$out"
  echo "$out"
done

# The Windows installer's icon (several sizes in one .ico), with ImageMagick.
im=$(command -v convert-im6 || command -v magick || true)
if [ -n "$im" ]; then
  "$im" assets/icons/hicolor/{16x16,32x32,48x48,64x64,128x128,256x256}/apps/ferry.png dist/windows/ferry.ico
  echo dist/windows/ferry.ico
else
  echo "ImageMagick missing (apt-get install imagemagick): dist/windows/ferry.ico not updated" >&2
fi
