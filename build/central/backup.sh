#!/bin/sh
# A backup of the central service: the database (pg_dump, or SQLite's own online copy) and the
# data folder, whose key is the ONLY way to open the submissions. Run daily by
# kiosk-central-backup.timer; keeps 14 days. Usage: backup.sh [backup folder]
set -eu

DATA=${KIOSK_CENTRAL_DATA:-/var/lib/kiosk-central}
TARGET=${1:-/var/backups/kiosk-central}
KEEP_DAYS=${KIOSK_CENTRAL_BACKUP_DAYS:-14}
URL=${KIOSK_CENTRAL_DATABASE_URL:-sqlite:///$DATA/central.db}
STAMP=$(date -u +%Y%m%dT%H%M%SZ)

umask 077
mkdir -p "$TARGET"

case "$URL" in
    postgres://*|postgresql://*)
        pg_dump --format=custom --no-owner --dbname="$URL" --file="$TARGET/central-$STAMP.dump"
        ;;
    sqlite:///*)
        python3 - "${URL#sqlite://}" "$TARGET/central-$STAMP.sqlite3" <<'PYTHON'
import sqlite3, sys
source, copy = sqlite3.connect(sys.argv[1]), sqlite3.connect(sys.argv[2])
source.backup(copy)
copy.close()
source.close()
PYTHON
        ;;
    *)
        echo "backup.sh: KIOSK_CENTRAL_DATABASE_URL is neither postgresql:// nor sqlite:///" >&2
        exit 1
        ;;
esac

# The keys and forms (the SQLite file, copied above, is left out: it may be mid-write).
tar --create --gzip --file="$TARGET/data-$STAMP.tar.gz" --directory="$DATA" \
    --exclude='./central.db*' .

find "$TARGET" -maxdepth 1 -type f \( -name 'central-*' -o -name 'data-*' \) \
    -mtime +"$KEEP_DAYS" -delete
echo "backed up to $TARGET/central-$STAMP.* and $TARGET/data-$STAMP.tar.gz"
