#!/usr/bin/env bash
# Updates and compiles the message catalogues (da, nb, en).
#   scripts/messages.sh            every catalogue
#   scripts/messages.sh strategy   only apps/strategy (each app keeps its own catalogue)
#   scripts/messages.sh root       only locale/ (templates/ and strategy_portal/)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
export PYTHONPATH="$ROOT" DJANGO_SETTINGS_MODULE=tests.settings
# DJANGO_ADMIN: how to call django-admin (the catalogue test runs this on a copy with its own Python).
read -r -a django_admin <<<"${DJANGO_ADMIN:-uv run django-admin}"
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(root)
  for d in apps/*/; do targets+=("$(basename "$d")"); done
fi
for target in "${targets[@]}"; do
  if [ "$target" = root ]; then
    mkdir -p locale
    "${django_admin[@]}" makemessages -l da -l nb -l en --no-obsolete -e html,txt,py \
      --ignore=apps --ignore=tests --ignore=var --ignore=scripts --ignore=static --ignore=bench >/dev/null
    ("${django_admin[@]}" compilemessages --ignore=apps --ignore=.venv --ignore=.tools >/dev/null)
  else
    dir="apps/$target"
    [ -d "$dir" ] || { echo "no such app: $target" >&2; exit 2; }
    mkdir -p "$dir/locale"
    ignores=(--ignore=templates/*.html --ignore=templates/*.txt --ignore=strategy_portal --ignore=tests --ignore=var --ignore=scripts
             --ignore=static --ignore=bench)
    for other in apps/*/; do
      other=${other%/}
      [ "$other" = "$dir" ] || ignores+=("--ignore=$other")
    done
    "${django_admin[@]}" makemessages -l da -l nb -l en --no-obsolete -e html,txt,py "${ignores[@]}" >/dev/null
    (cd "$dir" && for po in locale/*/LC_MESSAGES/django.po; do
       msgfmt --check-format -o "${po%.po}.mo" "$po"; done)
  fi
  echo "messages: $target"
done
