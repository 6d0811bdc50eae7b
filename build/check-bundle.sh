#!/bin/sh
# Checks a bundle built by `make package` as IT would receive it: its size, that every library
# in it loads on this system, and that `kiosk self-test` passes with no Python around it (an
# empty PATH: no python3, no virtual environment, and an environment of nothing else).
# Usage: sh build/check-bundle.sh [dist/kiosk]
set -eu
bundle=${1:-dist/kiosk}
program="$bundle/kiosk"
limit_mb=150

[ -x "$program" ] || { echo "check-bundle: $program is missing: run make package" >&2; exit 1; }

bytes=$(du -sb "$bundle" | cut -f1)
mb=$((bytes / 1000000))
echo "bundle: $bundle, $mb MB ($bytes bytes; limit $limit_mb MB)"
if [ "$mb" -ge "$limit_mb" ]; then
    echo "check-bundle: the bundle is $mb MB, over $limit_mb MB" >&2
    exit 1
fi

dangling=$(find "$bundle" -xtype l)
if [ -n "$dangling" ]; then
    echo "check-bundle: links to files that are not in the bundle: $dangling" >&2
    exit 1
fi

# Every library and extension module finds what it links to (in the bundle, or the system's
# own display, font, printing and sound libraries that build/trim.py leaves to the system).
missing=$(find "$bundle" -type f \( -name '*.so' -o -name '*.so.*' \) -print | while read -r library; do
    LD_LIBRARY_PATH="$bundle/_internal" ldd "$library" 2>/dev/null | grep "not found" \
        | sed "s|^|$library: |"
done)
if [ -n "$missing" ]; then
    echo "check-bundle: libraries not found:" >&2
    echo "$missing" >&2
    exit 1
fi

empty=$(mktemp -d)
home=$(mktemp -d)
trap 'rm -rf "$empty" "$home"' EXIT
if PATH="$empty" command -v python3 >/dev/null 2>&1 || PATH="$empty" command -v python >/dev/null 2>&1; then
    echo "check-bundle: python is still on the PATH the self-test gets" >&2
    exit 1
fi
echo "version: $(env -i PATH="$empty" HOME="$home" "$program" --version)"
env -i PATH="$empty" HOME="$home" LANG=C.UTF-8 QT_QPA_PLATFORM=offscreen "$program" self-test

# The kiosk's session as build/linux/kiosk.service starts it: cage with the kiosk as its one
# Wayland client (a headless output here), as an account that is not root (cage refuses root).
if command -v cage >/dev/null 2>&1 && command -v Xwayland >/dev/null 2>&1; then
    runtime=$(mktemp -d)
    session=$(mktemp -d)
    absolute=$(cd "$(dirname "$program")" && pwd)/kiosk
    as_user=""
    if [ "$(id -u)" = 0 ]; then
        chown 65534:65534 "$runtime" "$session"
        as_user="setpriv --reuid=65534 --regid=65534 --clear-groups"
    fi
    chmod 700 "$runtime"
    # shellcheck disable=SC2086 # as_user is a command and its options, or nothing
    painted=$($as_user env -i PATH=/usr/bin:/bin HOME="$session" XDG_RUNTIME_DIR="$runtime" \
        WLR_BACKENDS=headless WLR_RENDERER=pixman WLR_LIBINPUT_NO_DEVICES=1 \
        timeout 60 cage -d -- env QT_QPA_PLATFORM=wayland LANG=C.UTF-8 \
        KIOSK_DATA_DIR="$session/data" "$absolute" run --report-first-paint --quit-after 5 \
        2>/dev/null || true)
    started=$(grep -c "started: site" "$session/data/logs/kiosk.log" 2>/dev/null || true)
    rm -rf "$runtime" "$session"
    if [ "$painted" != "painted" ] || [ "$started" != 1 ]; then
        echo "check-bundle: the kiosk did not start in a cage session (painted: '$painted')" >&2
        exit 1
    fi
    echo "cage session: the kiosk painted its attract screen over Wayland and logged its start"
else
    echo "cage session: not tried (install cage and xwayland to try it)"
fi
echo "check-bundle: passed"
