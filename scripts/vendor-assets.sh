#!/usr/bin/env bash
# Re-vendors the front-end assets from the npm registry into static/vendor/. Run by hand when
# upgrading; the result is committed, so nothing is built or fetched when the portal runs.
set -euo pipefail
DKFDS_VERSION=11.2.0
HTMX_VERSION=2.0.4
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "dkfds@$DKFDS_VERSION" "htmx.org@$HTMX_VERSION" >/dev/null)
mkdir -p "$work/dkfds" "$work/htmx"
tar -xzf "$work/dkfds-$DKFDS_VERSION.tgz" -C "$work/dkfds"
tar -xzf "$work/htmx.org-$HTMX_VERSION.tgz" -C "$work/htmx"
src="$work/dkfds/package/dist"
dst=static/vendor/dkfds
rm -rf "$dst" && mkdir -p "$dst/css" "$dst/js" "$dst/img" "$dst/fonts/IBMPlexSans/complete/woff2"
# Only the woff2 fonts are shipped; the other formats' url()s are removed from the stylesheet so the
# manifest storage finds every file it references.
python3 - "$src/css/dkfds.min.css" "$dst/css/dkfds.min.css" <<'PY'
import re, sys
css = open(sys.argv[1], encoding="utf-8").read()
css = re.sub(r'url\(\.\./fonts/IBMPlexSans/complete/(eot|ttf|woff)/[^)]*\)( format\("[^"]*"\))?,?', "", css)
css = css.replace(",}", "}").replace("src:,", "src:").replace(",;", ";")
css = re.sub(r"src:([^;}]*?),\s*}", r"src:\1}", css)
css = re.sub(r"/\*# sourceMappingURL=[^*]*\*/", "", css)
open(sys.argv[2], "w", encoding="utf-8").write(css)
PY
grep -o 'woff2/IBMPlexSans-[A-Za-z]*\.woff2' "$dst/css/dkfds.min.css" | sort -u | while read -r font; do
  cp "$src/fonts/IBMPlexSans/complete/$font" "$dst/fonts/IBMPlexSans/complete/woff2/"
done
# PDFs (WeasyPrint) get TrueType files: woff2 is decompressed in pure Python on every render.
mkdir -p "$dst/fonts/IBMPlexSans/complete/ttf"
for weight in Regular Italic SemiBold Bold; do
  cp "$src/fonts/IBMPlexSans/complete/ttf/IBMPlexSans-$weight.ttf" "$dst/fonts/IBMPlexSans/complete/ttf/"
done
cp "$src/fonts/IBMPlexSans/complete/woff2/license.txt" "$dst/fonts/IBMPlexSans/LICENSE-OFL.txt" 2>/dev/null || true
sed 's|//# sourceMappingURL=.*||' "$src/js/dkfds.min.js" > "$dst/js/dkfds.min.js"
cp "$src/img/all-svg-icons.svg" "$dst/img/"
cp -r "$src/img/svg-icons" "$dst/img/"
cp "$src/img/logo-placeholder.png" "$src/img/logo-header-placeholder.png" "$dst/img/" 2>/dev/null || true
cp "$work/dkfds/package/LICENSE.md" "$dst/LICENSE.md"
mkdir -p static/vendor/htmx
cp "$work/htmx/package/dist/htmx.min.js" static/vendor/htmx/htmx.min.js
cp "$work/htmx/package/LICENSE" static/vendor/htmx/LICENSE
echo "dkfds $DKFDS_VERSION and htmx $HTMX_VERSION vendored into static/vendor/"
