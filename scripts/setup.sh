#!/usr/bin/env bash
# Set up everything jj123 needs: system packages (Debian, as root) and .venv.
# Elsewhere it prints exactly what to install and stops. A second run on a set-up
# machine installs nothing: no apt-get, and no pip while .venv/.installed is newer than pyproject.toml.
# Sourcing it (tests do) defines the functions without running anything.
set -euo pipefail

SYSTEM_PACKAGES=(chromium fonts-noto-cjk poppler-utils libreoffice-calc-nogui libreoffice-writer-nogui)
STAMP=.venv/.installed

# The Debian packages whose tools are missing, one per line (nothing when all are there).
# No pipes: `fc-list | grep -q` fails now and then under pipefail when grep exits first (SIGPIPE).
missing_system_packages() {
  command -v "${JJ123_CHROMIUM:-chromium}" >/dev/null 2>&1 || echo chromium
  local fonts
  fonts=$(fc-list "Noto Sans CJK SC" family 2>/dev/null) || fonts=""
  [ -n "$fonts" ] || echo fonts-noto-cjk
  command -v pdftotext >/dev/null 2>&1 || echo poppler-utils
  command -v soffice >/dev/null 2>&1 || printf '%s\n' libreoffice-calc-nogui libreoffice-writer-nogui
}

# How system packages get installed here: "none" (all present), "apt" (root with apt-get) or "manual".
system_install_plan() {
  if [ -z "$(missing_system_packages)" ]; then
    echo none
  elif [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo apt
  else
    echo manual
  fi
}

manual_install_message() {
  local missing
  missing=$(missing_system_packages | tr '\n' ' ')
  cat <<MSG
缺少系统软件包 / missing system packages: ${missing% }
Debian/Ubuntu:  sudo apt-get install ${SYSTEM_PACKAGES[*]}
Other systems:  install Chromium (or set JJ123_CHROMIUM to a Chrome/Chromium binary),
                the Noto Sans CJK SC font, poppler-utils (pdftotext, pdffonts)
                and LibreOffice Calc and Writer (soffice).
MSG
}

venv_is_current() {
  [ -x .venv/bin/python ] && [ -f "$STAMP" ] && [ "$STAMP" -nt pyproject.toml ]
}

main() {
  cd "$(dirname "${BASH_SOURCE[0]}")/.."
  local python=${PYTHON:-python3}

  case "$(system_install_plan)" in
    apt)
      echo "==> apt-get install ${SYSTEM_PACKAGES[*]}"
      export DEBIAN_FRONTEND=noninteractive
      apt-get update -qq
      apt-get install -y -qq --no-install-recommends "${SYSTEM_PACKAGES[@]}" python3-venv >/dev/null
      ;;
    manual)
      manual_install_message >&2
      exit 1
      ;;
  esac

  if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    echo "需要 Python 3.11 或更高版本 / Python >= 3.11 is required (set PYTHON=...)." >&2
    exit 1
  fi

  if venv_is_current; then
    echo "==> .venv is up to date"
    return 0
  fi
  if [ ! -x .venv/bin/python ]; then
    echo "==> creating .venv"
    "$python" -m venv .venv
  fi
  echo "==> pip install -e .[dev] into .venv"
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e '.[dev]'
  touch "$STAMP"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  main "$@"
fi
