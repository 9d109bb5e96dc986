#!/bin/sh
# vendor.sh copies the front-end files installed by `npm ci` into
# web/static/vendor, which the Go binary embeds. The list of files is
# vendor-files.txt; web/vendor_test.go checks the copies byte for byte.
# Usage: npm ci --prefix web/js --ignore-scripts && sh web/js/vendor.sh
set -eu
here=$(cd "$(dirname "$0")" && pwd)
dest="$here/../static/vendor"

if [ ! -d "$here/node_modules" ]; then
  echo "vendor.sh: $here/node_modules is missing: run npm ci --prefix web/js --ignore-scripts first" >&2
  exit 1
fi

# Start from an empty folder so that a file dropped by an update goes away.
mkdir -p "$dest"
find "$dest" -maxdepth 1 -type f -delete

grep -v '^[[:space:]]*#' "$here/vendor-files.txt" | while read -r pkg file name; do
  [ -n "$pkg" ] || continue
  cp "$here/node_modules/$pkg/$file" "$dest/$name"
  echo "vendored $pkg/$file -> web/static/vendor/$name"
done
