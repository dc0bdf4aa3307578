#!/usr/bin/env bash
# Set up everything jj123 needs: system packages (Debian, as root) and .venv.
# Elsewhere it prints exactly what to install and stops.
set -euo pipefail
cd "$(dirname "$0")/.."

SYSTEM_PACKAGES=(chromium fonts-noto-cjk poppler-utils)
PYTHON=${PYTHON:-python3}

have_system_deps() {
  command -v "${JJ123_CHROMIUM:-chromium}" >/dev/null 2>&1 &&
    command -v pdftotext >/dev/null 2>&1 &&
    { fc-list 2>/dev/null | grep -q "Noto Sans CJK"; }
}

if ! have_system_deps; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "==> apt-get install ${SYSTEM_PACKAGES[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${SYSTEM_PACKAGES[@]}" python3-venv >/dev/null
  else
    cat >&2 <<MSG
缺少系统软件包 / missing system packages.
Debian/Ubuntu:  sudo apt-get install ${SYSTEM_PACKAGES[*]}
Other systems:  install Chromium (or set JJ123_CHROMIUM to a Chrome/Chromium binary),
                the Noto Sans CJK SC font, and poppler-utils (pdftotext, pdffonts).
MSG
    exit 1
  fi
fi

if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "需要 Python 3.11 或更高版本 / Python >= 3.11 is required (set PYTHON=...)." >&2
  exit 1
fi

if [ ! -x .venv/bin/python ]; then
  echo "==> creating .venv"
  "$PYTHON" -m venv .venv
fi
echo "==> pip install -e .[dev] into .venv"
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e '.[dev]'
