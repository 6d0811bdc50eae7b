#!/bin/sh
# The kiosk's root updater (/usr/lib/kiosk/kiosk-update), started by kiosk-update.path when
# the kiosk asks, between visits, for the update it downloaded and verified. As root:
#
#   1. copies the staged package and its signature where the kiosk account cannot change them,
#      and checks the signature again against the release key pinned in /etc/kiosk/kiosk.toml
#      (the kiosk's own check is not trusted: its account could have swapped the file);
#   2. refuses anything that is not newer than the installed version;
#   3. keeps the installed version as a package (dpkg-repack), to put it back;
#   4. stops the kiosk and its sync, installs the update with apt (its new dependencies come
#      too; IT's /etc/kiosk/kiosk.toml is kept), without starting anything;
#   5. runs the new version's self-test as the kiosk account, before it ever opens the
#      database: when it fails, the previous version goes back (the database was not touched,
#      so that downgrade is safe), and the fleet view says "rolled back";
#   6. starts the kiosk and its sync again, and records what happened for the next heartbeat.
#
# Every path can be moved for tests with KIOSK_UPDATE_* variables; the defaults are the
# package's.
set -eu

data=${KIOSK_UPDATE_DATA:-/var/lib/kiosk/data}
config=${KIOSK_CONFIG:-/etc/kiosk/kiosk.toml}
program=${KIOSK_UPDATE_PROGRAM:-/opt/kiosk/kiosk}
cache=${KIOSK_UPDATE_CACHE:-/var/cache/kiosk}
account=${KIOSK_UPDATE_ACCOUNT:-kiosk}
self_test_seconds=${KIOSK_UPDATE_SELF_TEST_SECONDS:-600}
staged="$data/updates"
request="$staged/install-request"

say() { printf 'kiosk-update: %s\n' "$*"; }

[ "$(id -u)" = 0 ] || { say "run it as root (kiosk-update.service does)"; exit 2; }
if [ ! -f "$request" ]; then
    say "nothing was asked for"
    exit 0
fi
version=$(head -c 64 "$request" | tr -d '\n')
# The request is the kiosk account's: answered once, whatever happens next (the path unit
# would otherwise start this again and again).
rm -f "$request"
case "$version" in
    ''|*[!0-9A-Za-z.+~-]*) say "the request does not name a version; nothing done"; exit 1 ;;
esac

as_kiosk() { runuser -u "$account" -- env KIOSK_CONFIG="$config" "$@"; }
note() {  # state, version, message: what the next heartbeat reports
    as_kiosk "$program" update note "$1" "$2" --message "${3:-}" || say "could not record: $1 $2"
}
have_systemd() { [ -d /run/systemd/system ]; }
units="kiosk.service kiosk-sync.service"
start_units() {
    if have_systemd; then
        # shellcheck disable=SC2086 # one word per unit
        systemctl start $units || say "the kiosk did not start: journalctl -u kiosk"
    fi
}

umask 077
incoming="$cache/incoming"
rm -rf "$incoming"
mkdir -p "$incoming" "$cache/rollback"
package="$incoming/kiosk_${version}_amd64.deb"
if ! cp "$staged/kiosk_${version}_amd64.deb" "$package" \
    || ! cp "$staged/kiosk_${version}_amd64.deb.sig" "$package.sig"; then
    say "the staged package for $version is missing"
    note rejected "$version" "the staged package was missing when it was to be installed"
    exit 1
fi

if ! checked=$("$program" update verify --config "$config" "$package" --signature "$package.sig" 2>&1); then
    say "$checked"
    note rejected "$version" "the root updater refused it: ${checked#kiosk update verify: refused: }"
    rm -rf "$incoming"
    exit 1
fi
say "$checked"

installed=$(dpkg-query -W -f='${Version}' kiosk 2>/dev/null || true)
if [ -n "$installed" ] && ! dpkg --compare-versions "$version" gt "$installed"; then
    say "$version is not newer than the installed $installed: not installed"
    note rejected "$version" "not newer than the installed version $installed"
    rm -rf "$incoming"
    exit 1
fi

# The way back: the installed version as a package, unless it is kept already.
previous=""
if [ -n "$installed" ]; then
    previous="$cache/rollback/kiosk_${installed}_amd64.deb"
    if [ ! -f "$previous" ]; then
        rm -f "$cache"/rollback/kiosk_*.deb
        if ! (cd "$cache/rollback" && dpkg-repack --deb-option=-Zzstd kiosk >/dev/null 2>&1) || [ ! -f "$previous" ]; then
            say "could not keep version $installed to roll back to (dpkg-repack failed): not installed"
            note rejected "$version" "the installed version could not be kept for a rollback"
            rm -rf "$incoming"
            exit 1
        fi
    fi
fi

note installing "$version"
if have_systemd; then
    # shellcheck disable=SC2086 # one word per unit
    systemctl stop $units || true
fi

apt_install() {  # the package file, then apt's options
    file=$1
    shift
    DEBIAN_FRONTEND=noninteractive KIOSK_UPDATE_NO_RESTART=1 apt-get install -y -q \
        --no-install-recommends -o Dpkg::Options::=--force-confold \
        -o Dpkg::Options::=--force-confdef "$@" "$file"
}

roll_back() {  # why
    say "$1: putting $installed back"
    if [ -n "$previous" ] && KIOSK_ROLLBACK=1 apt_install "$previous" --allow-downgrades; then
        note rolled_back "$version" "$1; version $installed runs again"
    else
        say "the rollback failed too: IT must reinstall the kiosk package"
        note rolled_back "$version" "$1; and putting $installed back failed: IT must reinstall"
    fi
    rm -rf "$incoming"
    start_units
    exit 1
}

if ! apt_install "$package"; then
    roll_back "the package did not install"
fi

# The self-test of the version now in place: one whole visit through the real screens into a
# throwaway database (never the kiosk's own), receipts, sealing, a form import.
home=$(mktemp -d)
chown "$account" "$home"
if ! result=$(runuser -u "$account" -- env -i PATH=/usr/bin:/bin HOME="$home" LANG=C.UTF-8 \
        QT_QPA_PLATFORM=offscreen timeout "$self_test_seconds" "$program" self-test 2>&1); then
    rm -rf "$home"
    why=$(printf '%s\n' "$result" | tail -n 3 | tr '\n' ' ' | cut -c 1-300)
    roll_back "version $version failed its self-test ($why)"
fi
rm -rf "$home"

say "version $version installed and passed its self-test"
note installed "$version"
# This package is the way back from the next update: no repacking then.
rm -f "$cache"/rollback/kiosk_*.deb
mv "$package" "$cache/rollback/"
rm -rf "$incoming"
start_units
