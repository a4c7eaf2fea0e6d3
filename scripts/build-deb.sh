#!/usr/bin/env bash
# Builds the Debian package dist/barman-dotnet_<version>_amd64.deb (docs/operations.md, "Debian package").
#
#   scripts/build-deb.sh [--binary PATH] [--output DIR]
#
# Without --binary it publishes the NativeAOT binary first (dotnet publish src/Barman.Cli -c Release
# -o out: needs the .NET SDK and a C toolchain). --binary packages an already built executable
# instead (the tests package their build's apphost this way). The version is <Version> of
# Directory.Build.props; packaging/deb/changelog must start with that version. Needs only dpkg-deb,
# gzip and objdump (binutils); no root, no fakeroot (every file in the package is root's).
set -euo pipefail
cd "$(dirname "$0")/.."
export LC_ALL=C   # sort order, and so the package's bytes, must not depend on the locale

die() { echo "build-deb.sh: $*" >&2; exit 1; }

binary="" output=dist
while [ $# -gt 0 ]; do
  case $1 in
    --binary) [ $# -ge 2 ] || die "--binary needs a path"; binary=$2; shift 2 ;;
    --output) [ $# -ge 2 ] || die "--output needs a directory"; output=$2; shift 2 ;;
    -h|--help) sed -n '2,10s/^# \{0,1\}//p' "$0"; exit 0 ;;
    *) die "unknown argument '$1' (see --help)" ;;
  esac
done
for tool in dpkg-deb gzip objdump; do
  command -v "$tool" >/dev/null || die "$tool not found (Debian: apt-get install dpkg binutils gzip)"
done

package=barman-dotnet
pkgdir=packaging/deb
version=$(sed -n 's|^ *<Version>\(.*\)</Version> *$|\1|p' Directory.Build.props)
[[ $version =~ ^[0-9][A-Za-z0-9.+~]*$ ]] || die "no usable <Version> in Directory.Build.props: '$version'"
changelog_version=$(sed -n "1s/^$package (\([^)]*\)).*/\1/p" "$pkgdir/changelog")
[ "$changelog_version" = "$version" ] \
  || die "$pkgdir/changelog starts with version '$changelog_version', Directory.Build.props says '$version': add a changelog entry"
# Reproducible: every timestamp in the package is the date of the newest changelog entry.
changelog_date=$(sed -n '0,/^ -- /s/^ -- .*>  //p' "$pkgdir/changelog")
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(date -d "$changelog_date" +%s)}

if [ -z "$binary" ]; then
  dotnet publish src/Barman.Cli -c Release -o out
  binary=out/barman
fi
[ -f "$binary" ] || die "binary '$binary' not found"
objdump -f "$binary" 2>/dev/null | grep -q 'file format elf64-x86-64' || die "'$binary' is not an x86-64 ELF executable"

# Depends from what the binary links: each library's Debian package (libc6 at least at the newest
# GLIBC_ symbol version it uses). A library not in this table stops the build rather than
# producing a package that lacks a dependency.
declare -A depends=()
while read -r library; do
  case $library in
    libc.so.6|libm.so.6|libdl.so.2|libpthread.so.0|librt.so.1|ld-linux-x86-64.so.2) depends[libc6]=1 ;;
    libstdc++.so.6) depends[libstdc++6]=1 ;;
    libgcc_s.so.1) depends[libgcc-s1]=1 ;;
    libz.so.1) depends[zlib1g]=1 ;;
    *) die "$binary links $library: add its Debian package to the table in scripts/build-deb.sh" ;;
  esac
done < <(objdump -p "$binary" | awk '$1 == "NEEDED" { print $2 }')
[ -n "${depends[libc6]:-}" ] || die "$binary does not link libc.so.6: not a dynamically linked Linux executable?"
glibc=$(objdump -T "$binary" | grep -o 'GLIBC_[0-9][0-9.]*' | sed 's/GLIBC_//' | sort -Vu | tail -1)
depends_field="libc6 (>= $glibc)"
for dependency in $(printf '%s\n' "${!depends[@]}" | grep -vx libc6 | sort); do
  depends_field+=", $dependency"
done

stage=$(mktemp -d "${TMPDIR:-/tmp}/build-deb.XXXXXX")
trap 'rm -rf "$stage"' EXIT
root=$stage/root
doc=$root/usr/share/doc/$package
put() { # put MODE SOURCE DEST: copy one file into the package tree
  install -D -m "$1" "$2" "$root/$3"
}

put 0755 "$binary" usr/bin/barman
# /etc: conffiles. The cron job and units call the packaged /usr/bin/barman (the samples assume
# a manual install in /usr/local/bin).
to_usr_bin() { sed -e 's|/usr/local/bin/barman|/usr/bin/barman|g' -e 's|^PATH=/usr/local/bin:|PATH=|' "$1"; }
put 0644 "$pkgdir/barman.conf" etc/barman.conf
for format in conf toml; do
  comment=';'; [ $format = toml ] && comment='#'
  { echo "$comment Template of a streaming server: copy it to /etc/barman.d/<name>.$format, rename the"
    echo "$comment section to <name> and edit it. Only *.conf and *.toml files in /etc/barman.d are read."
    cat "samples/barman.d/pg.$format"; } > "$stage/template"
  put 0644 "$stage/template" "etc/barman.d/streaming-server.$format-template"
done
to_usr_bin samples/cron.d/barman > "$stage/cron"
put 0644 "$stage/cron" etc/cron.d/barman
put 0644 samples/logrotate.d/barman etc/logrotate.d/barman

# /usr/share: docs (gzip -9n above 4 KiB, Debian policy 12.3), changelog, copyright, man page,
# lintian overrides.
put 0644 README.md "usr/share/doc/$package/README.md"
for file in docs/*.md; do
  put 0644 "$file" "usr/share/doc/$package/$file"
done
for unit in samples/systemd/*; do
  to_usr_bin "$unit" > "$stage/unit"
  put 0644 "$stage/unit" "usr/share/doc/$package/examples/systemd/${unit##*/}"
done
put 0644 "$pkgdir/lintian-overrides" "usr/share/lintian/overrides/$package"
put 0644 "$pkgdir/copyright" "usr/share/doc/$package/copyright"
put 0644 "$pkgdir/changelog" "usr/share/doc/$package/changelog"
man_date=$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y-%m-%d)
sed "s|^\.TH BARMAN 1 .*|.TH BARMAN 1 \"$man_date\" \"barman-dotnet $version\" \"User Commands\"|" docs/barman.1 > "$stage/barman.1"
put 0644 "$stage/barman.1" usr/share/man/man1/barman.1
find "$doc" -type f ! -name copyright ! -name changelog -size +4k -exec gzip -9n {} +
gzip -9n "$doc/changelog" "$root/usr/share/man/man1/barman.1"

# DEBIAN/: control, conffiles, maintainer scripts, md5sums.
install -d -m 0755 "$root/DEBIAN"
(cd "$root" && find etc -type f | sort | sed 's|^|/|') > "$root/DEBIAN/conffiles"
(cd "$root" && find usr -type f -print0 | sort -z | xargs -0 md5sum) > "$root/DEBIAN/md5sums"
installed_size=$(du -sk --apparent-size --exclude=DEBIAN "$root" | cut -f1)
sed -e "s|@VERSION@|$version|" -e "s|@DEPENDS@|$depends_field|" -e "s|@INSTALLED_SIZE@|$installed_size|" \
  "$pkgdir/control" > "$root/DEBIAN/control"
install -m 0755 "$pkgdir/postinst" "$pkgdir/postrm" "$root/DEBIAN/"
chmod 0644 "$root/DEBIAN/control" "$root/DEBIAN/conffiles" "$root/DEBIAN/md5sums"
find "$root" -type d -exec chmod 0755 {} +
find "$root" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +

mkdir -p "$output"
deb=$output/${package}_${version}_amd64.deb
dpkg-deb --root-owner-group -Zxz --build "$root" "$deb.tmp" >/dev/null
mv "$deb.tmp" "$deb"
echo "$deb"
