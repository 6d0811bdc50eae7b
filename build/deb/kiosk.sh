#!/bin/sh
# /usr/bin/kiosk, from the kiosk package: the program in /opt/kiosk with the kiosk's
# configuration (/etc/kiosk/kiosk.toml unless KIOSK_CONFIG says otherwise).
# Run as root, it runs as the kiosk account (runuser), so that root never makes files in the
# data folder that the kiosk could then not change; `self-test`, `--version` and `--help`
# touch no data and run as whoever started them.
: "${KIOSK_CONFIG:=/etc/kiosk/kiosk.toml}"
export KIOSK_CONFIG
if [ "$(/usr/bin/id -u)" = 0 ]; then
    case "${1:-}" in
        self-test|--version|-h|--help) ;;
        *) exec /usr/sbin/runuser -u kiosk -- /opt/kiosk/kiosk "$@" ;;
    esac
fi
exec /opt/kiosk/kiosk "$@"
