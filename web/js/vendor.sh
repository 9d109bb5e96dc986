#!/bin/sh
# vendor.sh copies the front-end files installed by `npm ci` into
# web/static/vendor, which the Go binary embeds, and web/testdata/vendor,
# which only the tests read. The list of files is vendor-files.txt;
# web/vendor_test.go checks the copies byte for byte.
# Usage: npm ci --prefix web/js --ignore-scripts && sh web/js/vendor.sh
set -eu
here=$(cd "$(dirname "$0")" && pwd)
web="$here/.."

if [ ! -d "$here/node_modules" ]; then
  echo "vendor.sh: $here/node_modules is missing: run npm ci --prefix web/js --ignore-scripts first" >&2
  exit 1
fi

# Start from empty folders so that a file dropped by an update goes away.
for dir in static/vendor testdata/vendor; do
  mkdir -p "$web/$dir"
  find "$web/$dir" -maxdepth 1 -type f -delete
done

grep -v '^[[:space:]]*#' "$here/vendor-files.txt" | while read -r pkg file dest; do
  [ -n "$pkg" ] || continue
  case "$dest" in
  static/vendor/*/* | testdata/vendor/*/*) echo "vendor.sh: $dest: one file name after the folder" >&2; exit 1 ;;
  static/vendor/?* | testdata/vendor/?*) ;;
  *) echo "vendor.sh: $dest: want static/vendor/NAME or testdata/vendor/NAME" >&2; exit 1 ;;
  esac
  cp "$here/node_modules/$pkg/$file" "$web/$dest"
  echo "vendored $pkg/$file -> web/$dest"
done
