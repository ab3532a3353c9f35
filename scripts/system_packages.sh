#!/usr/bin/env bash
# Debian packages the platform uses, installed when missing (root or sudo needed):
#   fonts    — a CJK font so PDFs (guide, certificates) embed real Chinese glyphs
#   chromium — Debian's chromium for the browser tests (never a downloaded browser)
# Without apt or rights it warns and goes on: PDFs fall back to a built-in CID font and the
# browser tests skip themselves.
set -uo pipefail
want=()
for what in "$@"; do
  case "$what" in
    fonts) fc-list 2>/dev/null | grep -qi 'wqy\|noto sans cjk\|notosanscjk' || \
             [ -e /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || want+=(fonts-wqy-microhei) ;;
    chromium) [ -x /usr/bin/chromium ] || want+=(chromium) ;;
  esac
done
[ ${#want[@]} -eq 0 ] && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
  echo "note: apt-get not found; please install: ${want[*]}" >&2; exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then SUDO="sudo -n"; else
    echo "note: not root; please install: ${want[*]}" >&2; exit 0; fi
fi
echo "Installing Debian packages: ${want[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get install -y -qq --no-install-recommends "${want[@]}" >/dev/null 2>&1 || {
  $SUDO apt-get update -qq >/dev/null 2>&1
  $SUDO apt-get install -y -qq --no-install-recommends "${want[@]}" >/dev/null 2>&1 || \
    echo "note: could not install ${want[*]}" >&2
}
exit 0
