#!/bin/sh
# /usr/bin/kiosk, from the kiosk package: the program in /opt/kiosk with the kiosk's
# configuration (/etc/kiosk/kiosk.toml unless KIOSK_CONFIG says otherwise).
# Run as root, it runs as the kiosk account (runuser), so that root never makes files in the
# data folder that the kiosk could then not change. What touches no data runs as whoever
# started it: `self-test` (a throwaway database), `--version`, `--help`, `forms check` and
# `forms import` (files IT names), and the release tools `update keygen|sign|verify`.
: "${KIOSK_CONFIG:=/etc/kiosk/kiosk.toml}"
export KIOSK_CONFIG
if [ "$(/usr/bin/id -u)" = 0 ]; then
    case "${1:-} ${2:-}" in
        "self-test "*|"--version "*|"-h "*|"--help "*) ;;
        "forms check"|"forms import"|"update keygen"|"update sign"|"update verify") ;;
        *) exec /usr/sbin/runuser -u kiosk -- /opt/kiosk/kiosk "$@" ;;
    esac
fi
exec /opt/kiosk/kiosk "$@"
