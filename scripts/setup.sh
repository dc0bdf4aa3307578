#!/usr/bin/env bash
# Set up everything jj123 needs: system packages (Debian, as root) and .venv.
# Elsewhere it prints exactly what to install and stops. A second run on a set-up
# machine installs nothing: no apt-get, and no pip while .venv/.installed is newer than pyproject.toml.
# Sourcing it (tests do) defines the functions without running anything.
set -euo pipefail

SYSTEM_PACKAGES=(chromium fonts-noto-cjk fonts-arphic-ukai fonts-arphic-uming poppler-utils libreoffice-calc-nogui
                 libreoffice-writer-nogui)
STAMP=.venv/.installed
# Stand-ins for the GB fonts the Word documents name (仿宋_GB2312, 方正小标宋简体, 楷体_GB2312, 黑体).
GB_FONTS_CONF=scripts/fonts/65-jj123-gb-fonts.conf

# The Debian packages whose tools are missing, one per line (nothing when all are there).
# No pipes: `fc-list | grep -q` fails now and then under pipefail when grep exits first (SIGPIPE).
missing_system_packages() {
  command -v "${JJ123_CHROMIUM:-chromium}" >/dev/null 2>&1 || echo chromium
  local fonts
  fonts=$(fc-list "Noto Sans CJK SC" family 2>/dev/null) || fonts=""
  [ -n "$fonts" ] || echo fonts-noto-cjk
  fonts=$(fc-list "AR PL UKai CN" family 2>/dev/null) || fonts=""
  [ -n "$fonts" ] || echo fonts-arphic-ukai
  fonts=$(fc-list "AR PL UMing CN" family 2>/dev/null) || fonts=""
  [ -n "$fonts" ] || echo fonts-arphic-uming
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
                the Noto Sans CJK SC and Noto Serif CJK SC fonts, AR PL UKai/UMing (or FangSong/KaiTi),
                poppler-utils (pdftotext, pdffonts)
                and LibreOffice Calc and Writer (soffice).
MSG
}

# The GB font stand-ins for fontconfig (LibreOffice): /etc/fonts/conf.d as root, else the user's own
# fontconfig folder. Silent when already in place.
install_font_stand_ins() {
  [ -f "$GB_FONTS_CONF" ] || return 0
  local target
  if [ "$(id -u)" = 0 ] && [ -d /etc/fonts/conf.d ]; then
    target=/etc/fonts/conf.d/$(basename "$GB_FONTS_CONF")
  else
    target=${XDG_CONFIG_HOME:-$HOME/.config}/fontconfig/conf.d/$(basename "$GB_FONTS_CONF")
  fi
  if ! cmp -s "$GB_FONTS_CONF" "$target"; then
    echo "==> fontconfig: GB font stand-ins -> $target"
    mkdir -p "$(dirname "$target")"
    cp "$GB_FONTS_CONF" "$target"
  fi
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

  install_font_stand_ins

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
