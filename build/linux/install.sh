#!/bin/sh
# Makes a Debian or Ubuntu machine a kiosk that starts by itself: a dedicated account, the
# kiosk as the only application in a cage session on tty1 (systemd signs the account in: the
# autologin), started again by systemd whenever it stops and after every power cut.
#
#   sudo sh deploy/linux/install.sh                      (from the unpacked bundle)
#   sudo sh build/linux/install.sh --bundle dist/kiosk   (from the source tree)
#   sh build/linux/install.sh --bundle dist/kiosk --root /tmp/staging
#                        (writes every file under /tmp/staging and changes nothing else:
#                         no packages, no account, no systemctl; for review and tests)
#
# Running it again upgrades the program and keeps /etc/kiosk/kiosk.toml and the data.
# build/README.md explains each step.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
bundle=""
root=""
account=kiosk

say() { printf '%s\n' "install: $*"; }
die() { printf '%s\n' "install: $*" >&2; exit 1; }

while [ $# -gt 0 ]; do
    case "$1" in
        --bundle) [ $# -ge 2 ] || die "--bundle needs a folder"; bundle=$2; shift 2 ;;
        --root) [ $# -ge 2 ] || die "--root needs a folder"; root=$2; shift 2 ;;
        -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
        *) die "unknown option $1 (see --help)" ;;
    esac
done

# In a bundle this script is deploy/linux/install.sh: the program is two folders up.
[ -n "$bundle" ] || bundle=$(cd "$here/../.." && pwd)
[ -x "$bundle/kiosk" ] || die "there is no kiosk program in $bundle: give --bundle DIR (dist/kiosk)"
example="$here/../kiosk.example.toml"
[ -f "$example" ] || die "kiosk.example.toml is missing beside $here"
if [ -z "$root" ] && [ "$(id -u)" != 0 ]; then
    die "run it as root (sudo), or with --root DIR to stage the files"
fi
staging=false
[ -n "$root" ] && staging=true

run() {  # a command that changes the machine itself: only when not staging
    if $staging; then say "(staging, not run) $*"; else "$@"; fi
}

# 1. What the kiosk needs from the system: the compositor, the libraries Qt takes from the
#    system (display, fonts, D-Bus), printing, speech, and fonts for every language.
run apt-get update -qq
run env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    cage xwayland libpam-systemd dbus-user-session \
    libwayland-client0 libwayland-cursor0 libwayland-egl1 libegl1 libgl1 \
    libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libglib2.0-0 libdbus-1-3 \
    libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxcb-xinerama0 \
    libxcb-randr0 libxcb-render-util0 libxcb-image0 \
    fonts-dejavu-core fonts-noto-core \
    cups libcups2 speech-dispatcher speech-dispatcher-espeak-ng espeak-ng libpulse0

# 2. A dedicated account: no password, no shell, in the groups for the screen, touch, sound
#    and printers.
if ! $staging && ! id "$account" >/dev/null 2>&1; then
    useradd --system --user-group --create-home --home-dir /var/lib/kiosk \
        --shell /usr/sbin/nologin --comment "Public-service kiosk" "$account"
fi
for group in video input render audio lp; do
    if ! $staging && getent group "$group" >/dev/null 2>&1; then
        usermod -a -G "$group" "$account"
    fi
done
$staging && say "(staging) the account $account would be created, home /var/lib/kiosk"

# 3. The program: the whole bundle, owned by root, read-only for the kiosk.
mkdir -p "$root/opt"
rm -rf "$root/opt/kiosk.new"
cp -a "$bundle" "$root/opt/kiosk.new"
rm -rf "$root/opt/kiosk"
mv "$root/opt/kiosk.new" "$root/opt/kiosk"
say "program in $root/opt/kiosk"

# 4. The one configuration file (kept when it exists: an upgrade never overwrites it), readable
#    by the kiosk's account only (it holds the central service's token).
mkdir -p "$root/etc/kiosk"
if [ ! -f "$root/etc/kiosk/kiosk.toml" ]; then
    cp "$example" "$root/etc/kiosk/kiosk.toml"
    say "configuration $root/etc/kiosk/kiosk.toml made from the example: edit it"
fi
chmod 640 "$root/etc/kiosk/kiosk.toml"
$staging || chown "root:$account" "$root/etc/kiosk/kiosk.toml"

# 5. The data folder: the database, the install key and the log.
mkdir -p "$root/var/lib/kiosk/data"
chmod 700 "$root/var/lib/kiosk/data"
$staging || chown -R "$account:$account" "$root/var/lib/kiosk"

# 6. The session: the PAM service and the systemd unit.
mkdir -p "$root/etc/pam.d" "$root/etc/systemd/system"
cp "$here/kiosk.pam" "$root/etc/pam.d/kiosk"
cp "$here/kiosk.service" "$root/etc/systemd/system/kiosk.service"
chmod 644 "$root/etc/pam.d/kiosk" "$root/etc/systemd/system/kiosk.service"

# 7. Printing keeps no copy of a receipt: CUPS otherwise keeps job files for a day.
cups="$root/etc/cups/cupsd.conf"
if [ -f "$cups" ]; then
    for setting in PreserveJobFiles PreserveJobHistory; do
        if grep -q "^$setting " "$cups"; then
            sed -i "s/^$setting .*/$setting No/" "$cups"
        else
            printf '%s No\n' "$setting" >> "$cups"
        fi
    done
    run systemctl restart cups.service
fi

# 8. Started at every boot, on tty1 instead of the login prompt.
run systemctl daemon-reload
run systemctl mask getty@tty1.service
run systemctl set-default graphical.target
run systemctl enable kiosk.service

say "done. Next: edit /etc/kiosk/kiosk.toml, then check everything with"
say "  sudo -u $account KIOSK_CONFIG=/etc/kiosk/kiosk.toml /opt/kiosk/kiosk doctor"
say "and reboot (or: systemctl start kiosk). In the firmware (BIOS/UEFI) set"
say "'power on after AC power loss' so that the kiosk comes back after a power cut."
