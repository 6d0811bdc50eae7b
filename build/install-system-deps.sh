#!/bin/sh
# The system packages the kiosk needs on Debian/Ubuntu, in three sets:
#   --run      what running the kiosk needs (`make run`): the libraries Qt needs, fonts for
#              every language the kiosk speaks, the speech engine for read-aloud;
#   (default)  that and what the tests use (`make test`, `make system-deps`): PostgreSQL,
#              Chromium with its driver and nginx for the central service (issue 22), gettext
#              (msgfmt: the status page's catalogues are checked against their .po), zbar and poppler
#              for the receipts, shellcheck and cage with XWayland for the deployment recipes
#              (systemd-analyze checks the kiosk's unit against the real program), Xvfb and
#              xdotool for the real-input tests (a real X server, real taps and drags), a Java
#              JDK for the conformance test (tests/conformance: ODK Collect's engine, JavaRosa,
#              from pyxform's ODK Validate jar, driven by a harness compiled with javac);
#              lintian and the kiosk package's own dependencies for tests/deb, which installs
#              the package on this machine (so that apt installs nothing more for it);
#   --package  that and the tools `make package` uses.
# Installs the missing ones when run as root with apt-get; otherwise prints the exact command.
RUN_PACKAGES="libgl1 libegl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libglib2.0-0 \
libdbus-1-3 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxcb-xinerama0 \
libxcb-randr0 libxcb-render-util0 libxcb-image0 fonts-dejavu-core fonts-noto-core \
libpulse0 speech-dispatcher speech-dispatcher-espeak-ng espeak-ng"
TEST_PACKAGES="zbar-tools poppler-utils shellcheck cage xwayland xvfb xdotool default-jdk-headless \
postgresql chromium chromium-driver nginx-light gettext \
lintian dpkg-repack libpam-systemd dbus-user-session libcups2 libwayland-client0 \
libwayland-cursor0 libwayland-egl1"
# npm installs axe-core for the browser tests' accessibility check (tests/e2e/axe): Debian's
# package, unless a Node.js that brings its own npm is already there.
command -v npm >/dev/null 2>&1 || TEST_PACKAGES="$TEST_PACKAGES npm"
case "${1:-}" in
    --run) PACKAGES="$RUN_PACKAGES" ;;
    *) PACKAGES="$RUN_PACKAGES $TEST_PACKAGES" ;;
esac
# `make package` also needs binutils (PyInstaller reads the libraries), ICU's own tools with
# a C compiler to build the bundle's smaller ICU data library (build/icu_trim.py), and the
# Wayland client libraries the bundle's Wayland plugin takes from the system (so that the
# bundle's check can load every library in it, as a kiosk in a cage session does);
# `make deb` needs objdump (binutils) for the package's C library dependency.
if [ "${1:-}" = "--package" ]; then
    PACKAGES="$PACKAGES binutils gcc icu-devtools libwayland-client0 libwayland-cursor0 \
libwayland-egl1"
fi

command -v dpkg-query >/dev/null 2>&1 || exit 0   # not a Debian-family system: nothing to do

missing=""
for package in $PACKAGES; do
    status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null)
    case "$status" in
        *"install ok installed"*) ;;
        *) missing="$missing $package" ;;
    esac
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing the system packages the kiosk needs:$missing"
    # shellcheck disable=SC2086 # one word per package
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
else
    echo "The kiosk needs these system packages. Install them with:"
    echo "  sudo apt-get install -y$missing"
    exit 1
fi
