#!/bin/sh
# Builds the kiosk's Debian package from a bundle that `make package` built:
#
#   sh build/deb/build-deb.sh --bundle dist/kiosk [--version V] [--out DIR]
#                             [--compress xz|zstd|gzip]
#
# writes DIR/kiosk_V_amd64.deb (DIR: the bundle's folder by default; V: the bundle's own
# version, from its build_info.json; xz by default, zstd builds several times faster).
# What goes where (build/README.md, "The Debian package"):
#   /opt/kiosk/                  the bundle, owned by root (its build_info.json says V)
#   /usr/bin/kiosk               the command (build/deb/kiosk.sh)
#   /lib/systemd/system/         every unit in build/deb/units/
#   /usr/lib/kiosk/kiosk-update  the fleet updater (build/deb/kiosk-update.sh), when there is one
#   /etc/kiosk/kiosk.toml        the configuration (a conffile, from build/kiosk.example.toml)
#   /etc/pam.d/kiosk             the session's PAM service (a conffile)
# and the maintainer scripts beside this file (the account, the data folder, the units).
# Needs dpkg-deb (and no fakeroot: --root-owner-group makes every file root's).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "$here/.." && pwd)
bundle=""
version=""
out=""
compress=xz

die() { printf '%s\n' "build-deb: $*" >&2; exit 1; }

while [ $# -gt 0 ]; do
    case "$1" in
        --bundle) [ $# -ge 2 ] || die "--bundle needs a folder"; bundle=$2; shift 2 ;;
        --version) [ $# -ge 2 ] || die "--version needs a version"; version=$2; shift 2 ;;
        --out) [ $# -ge 2 ] || die "--out needs a folder"; out=$2; shift 2 ;;
        --compress) [ $# -ge 2 ] || die "--compress needs xz, zstd or gzip"; compress=$2; shift 2 ;;
        -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
        *) die "unknown option $1 (see --help)" ;;
    esac
done

[ -n "$bundle" ] || die "give --bundle DIR (dist/kiosk, built by make package)"
[ -x "$bundle/kiosk" ] || die "there is no kiosk program in $bundle: run make package"
info=$(find "$bundle/_internal" -path '*/kiosk/build_info.json' 2>/dev/null | head -n 1)
[ -n "$info" ] || die "$bundle has no _internal/kiosk/build_info.json: is it a kiosk bundle?"
case "$compress" in
    xz|zstd|gzip) ;;
    *) die "--compress takes xz, zstd or gzip, not $compress" ;;
esac
if [ -z "$version" ]; then
    version=$(sed -n 's/.*"version": *"\([^"]*\)".*/\1/p' "$info")
    [ -n "$version" ] || die "$info says no version: give --version"
fi
dpkg --validate-version "$version" 2>/dev/null \
    || die "'$version' is not a Debian version (digits first, then letters, digits and .+~-)"
[ -n "$out" ] || out=$(dirname "$bundle")
mkdir -p "$out"
out=$(cd "$out" && pwd)

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
umask 022

# The program: the whole bundle, read-only for everyone but root, saying the package's version.
mkdir -p "$stage/opt"
cp -a "$bundle" "$stage/opt/kiosk"
chmod -R u+rwX,go+rX,go-w "$stage/opt/kiosk"
# Libraries are loaded, not run; the recipes in deploy/ are run.
find "$stage/opt/kiosk" -type f \( -name '*.so' -o -name '*.so.*' \) -exec chmod 0644 {} +
find "$stage/opt/kiosk/deploy" -type f -name '*.sh' -exec chmod 0755 {} + 2>/dev/null || true
staged_info="$stage/opt/kiosk/${info#"$bundle"/}"
sed "s/\"version\": *\"[^\"]*\"/\"version\": \"$version\"/" "$info" > "$staged_info"

install -D -m 0755 "$here/kiosk.sh" "$stage/usr/bin/kiosk"
install -d -m 0755 "$stage/usr/share/man/man1"
gzip -9n < "$here/kiosk.1" > "$stage/usr/share/man/man1/kiosk.1.gz"
chmod 0644 "$stage/usr/share/man/man1/kiosk.1.gz"
for unit in "$here"/units/*; do
    install -D -m 0644 "$unit" "$stage/lib/systemd/system/$(basename "$unit")"
done
if [ -f "$here/kiosk-update.sh" ]; then
    install -D -m 0755 "$here/kiosk-update.sh" "$stage/usr/lib/kiosk/kiosk-update"
fi

# The configuration: never readable by others (it will hold the central's token); the
# postinst gives it to the kiosk's group.
install -D -m 0640 "$build/kiosk.example.toml" "$stage/etc/kiosk/kiosk.toml"
grep -q '^data_dir = "/var/lib/kiosk/data"$' "$stage/etc/kiosk/kiosk.toml" \
    || die "build/kiosk.example.toml no longer says data_dir = \"/var/lib/kiosk/data\""
install -D -m 0644 "$build/linux/kiosk.pam" "$stage/etc/pam.d/kiosk"

doc="$stage/usr/share/doc/kiosk"
install -D -m 0644 "$here/copyright" "$doc/copyright"
install -m 0644 "$build/README.md" "$doc/README.md"
date=$(date -R)
# Policy 12.7: a native version (no Debian revision) has changelog.gz, others changelog.Debian.gz.
case "$version" in
    *-*) changelog=changelog.Debian.gz ;;
    *) changelog=changelog.gz ;;
esac
{
    printf 'kiosk (%s) stable; urgency=medium\n\n' "$version"
    printf '  * Release %s of the public-service kiosk: see CHANGELOG.md in the source.\n\n' \
        "$version"
    printf ' -- Public-service kiosk maintainers <kiosk@council.example>  %s\n' "$date"
} | gzip -9n > "$doc/$changelog"
chmod 0644 "$doc/$changelog"
install -D -m 0644 "$here/lintian-overrides" "$stage/usr/share/lintian/overrides/kiosk"

mkdir -p "$stage/DEBIAN"
for script in preinst postinst prerm postrm; do
    sed "s/@VERSION@/$version/" "$here/$script" > "$stage/DEBIAN/$script"
    chmod 0755 "$stage/DEBIAN/$script"
done
printf '%s\n' /etc/kiosk/kiosk.toml /etc/pam.d/kiosk > "$stage/DEBIAN/conffiles"
size=$(du -sk --exclude=DEBIAN "$stage" | cut -f1)
# The newest C library version any program or library in the bundle asks for.
glibc=$(find "$stage/opt/kiosk" -type f \( -name '*.so' -o -name '*.so.*' -o -perm -u+x \) -print0 \
    | xargs -0 objdump -T 2>/dev/null | grep -o 'GLIBC_[0-9][0-9.]*' | sed 's/GLIBC_//' \
    | sort -uV | tail -n 1)
[ -n "$glibc" ] || die "objdump found no C library version in the bundle (install binutils)"
sed -e "s/@VERSION@/$version/" -e "s/@SIZE@/$size/" -e "s/@LIBC@/libc6 (>= $glibc)/" \
    "$here/control" > "$stage/DEBIAN/control"
(cd "$stage" && find . -path ./DEBIAN -prune -o -type f -print | sed 's|^\./||' | LC_ALL=C sort \
    | xargs -d '\n' md5sum) > "$stage/DEBIAN/md5sums"
chmod 0644 "$stage/DEBIAN/control" "$stage/DEBIAN/conffiles" "$stage/DEBIAN/md5sums"

package="$out/kiosk_${version}_amd64.deb"
dpkg-deb --root-owner-group -Z"$compress" --build "$stage" "$package" >/dev/null
echo "build-deb: $package ($(du -k "$package" | cut -f1) KB, $compress; installed: $size KB)"
