#!/bin/sh
# A base backup of the NIX database: pg_basebackup (tar, compressed, with the WAL it needs to be consistent on its own
# and a backup manifest), into NIX_BACKUP_DIR/base-<UTC time>, owner-only. With the WAL archive it is the starting
# point of a restore to any later moment (deploy/postgres/restore.sh). Run it daily (cron, a Kubernetes CronJob).
#   PGHOST=… PGUSER=nix_backup PGPASSWORD=… deploy/postgres/base-backup.sh [NIX_BACKUP_DIR]
# The role needs REPLICATION (CREATE ROLE nix_backup WITH LOGIN REPLICATION PASSWORD '…'), and pg_hba.conf a
# "replication" line for it.
set -eu
dir="${1:-${NIX_BACKUP_DIR:-/var/backups/nix}}"
bin="${PG_BIN:-}"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
umask 077
mkdir -p "$dir"
target="$dir/base-$stamp"
start=$(date +%s)
"${bin:+$bin/}pg_basebackup" --pgdata="$target" --format=tar --gzip --wal-method=stream --checkpoint=fast \
  --label="nix-base-$stamp" --manifest-checksums=SHA256 --no-password
echo "base backup $target: $(du -sh "$target" | cut -f1) in $(( $(date +%s) - start )) s"
