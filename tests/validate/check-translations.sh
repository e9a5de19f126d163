#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Every translation listed in po/LINGUAS stays complete: extract the strings
# as they are in the sources now, merge them into each catalogue in a
# temporary folder, and fail on any untranslated or fuzzy message.
set -eu

srcdir="$1"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

cd "$srcdir"
grep -v '^#' po/POTFILES.in | grep -v '^$' > "$tmp/files"
xgettext --from-code=UTF-8 --add-comments=Translators --package-name=offload \
  --keyword=_ --keyword=N_ --keyword=C_:1c,2 --keyword=NC_:1c,2 --keyword=g_dngettext:2,3 \
  --files-from="$tmp/files" --output="$tmp/offload.pot"

status=0
for lang in $(grep -v '^#' po/LINGUAS); do
  msgmerge --quiet --no-fuzzy-matching "po/$lang.po" "$tmp/offload.pot" --output-file="$tmp/$lang.po"
  msgfmt --check --output-file=/dev/null "$tmp/$lang.po"
  untranslated="$(msgattrib --untranslated --no-obsolete "$tmp/$lang.po" | grep -c '^msgid ' || true)"
  fuzzy="$(msgattrib --only-fuzzy --no-obsolete "$tmp/$lang.po" | grep -c '^msgid ' || true)"
  # msgattrib prints the header entry (msgid "") as well when it prints anything.
  [ "$untranslated" -gt 0 ] && untranslated=$((untranslated - 1))
  [ "$fuzzy" -gt 0 ] && fuzzy=$((fuzzy - 1))
  echo "$lang: $untranslated untranslated, $fuzzy fuzzy"
  if [ "$untranslated" -ne 0 ] || [ "$fuzzy" -ne 0 ]; then
    msgattrib --untranslated --no-obsolete "$tmp/$lang.po" | grep '^msgid ' | tail -n +2 | head -20
    status=1
  fi
done
exit $status
