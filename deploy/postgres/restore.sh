#!/bin/sh
# Restores the NIX database from a base backup and the WAL archive into an EMPTY data directory, then replays the
# archive to its end (or to --target-time), and leaves a cluster ready to start.
#   deploy/postgres/restore.sh BASE_BACKUP_DIR WAL_ARCHIVE_DIR NEW_PGDATA [--target-time '2026-11-30 21:00:00+00']
# Then: pg_ctl -D NEW_PGDATA start (it replays, then promotes itself and opens for writes), and point DATABASE_URL at it.
set -eu
if [ $# -lt 3 ]; then
  echo "usage: $0 BASE_BACKUP_DIR WAL_ARCHIVE_DIR NEW_PGDATA [--target-time TIMESTAMP]" >&2
  exit 2
fi
base="$1"
archive="$(cd "$2" && pwd)"
pgdata="$3"
target_time=""
if [ "${4:-}" = "--target-time" ]; then target_time="${5:?--target-time needs a timestamp}"; fi
if [ -d "$pgdata" ] && [ -n "$(ls -A "$pgdata")" ]; then
  echo "$pgdata is not empty: a restore goes into an empty data directory only" >&2
  exit 1
fi
umask 077
mkdir -p "$pgdata"
chmod 700 "$pgdata"
tar -xzf "$base/base.tar.gz" -C "$pgdata"
mkdir -p "$pgdata/pg_wal"
[ -f "$base/pg_wal.tar.gz" ] && tar -xzf "$base/pg_wal.tar.gz" -C "$pgdata/pg_wal"
{
  echo "# written by deploy/postgres/restore.sh"
  echo "restore_command = 'cp \"$archive/%f\" \"%p\"'"
  [ -n "$target_time" ] && echo "recovery_target_time = '$target_time'"
  echo "recovery_target_action = 'promote'"
  # The restored cluster must not archive into the archive it is restored from until an operator says so.
  echo "archive_mode = off"
} >> "$pgdata/postgresql.auto.conf"
touch "$pgdata/recovery.signal"
echo "restored $base into $pgdata; start it (pg_ctl -D $pgdata start): it replays $archive${target_time:+ up to $target_time}, then opens"
