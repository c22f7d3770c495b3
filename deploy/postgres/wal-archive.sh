#!/bin/sh
# archive_command of the NIX database: copies one WAL segment into NIX_WAL_ARCHIVE (default /var/lib/postgresql/wal-archive).
#   archive_command = '/usr/local/bin/nix-wal-archive %p %f'
# Exit 0 only once the copy is on disk; PostgreSQL keeps the segment and retries on anything else. A segment already
# archived is never overwritten: the same bytes are accepted (a retry after a crash), different ones are an error.
set -eu
path="$1"
name="$2"
archive="${NIX_WAL_ARCHIVE:-/var/lib/postgresql/wal-archive}"
umask 077
mkdir -p "$archive"
target="$archive/$name"
if [ -f "$target" ]; then
  cmp -s "$path" "$target" && exit 0
  echo "nix-wal-archive: $target exists with other content; refusing to overwrite" >&2
  exit 1
fi
cp "$path" "$target.partial"
sync "$target.partial" 2>/dev/null || sync
mv "$target.partial" "$target"
