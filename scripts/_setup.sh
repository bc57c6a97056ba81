# Shared by scripts/run and scripts/test: find Python >= 3.12, create the
# virtual environment, install Alliance into it. Sourced, not executed.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
die() { printf '\033[31mError:\033[0m %s\n' "$*" >&2; exit 1; }

python_is_recent() { "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null; }

find_python() {
    local candidate
    if [ -n "${ALLIANCE_PYTHON:-}" ]; then
        python_is_recent "$ALLIANCE_PYTHON" || die "ALLIANCE_PYTHON=$ALLIANCE_PYTHON is not Python 3.12 or newer."
        echo "$ALLIANCE_PYTHON"; return
    fi
    for candidate in python3.14 python3.13 python3.12 python3; do
        if command -v "$candidate" >/dev/null && python_is_recent "$(command -v "$candidate")"; then
            command -v "$candidate"; return
        fi
    done
    # pyenv installs interpreters whose shims only work once selected.
    for candidate in "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.1[2-9]*/bin/python3; do
        if [ -x "$candidate" ] && python_is_recent "$candidate"; then echo "$candidate"; return; fi
    done
    die "Alliance needs Python 3.12 or newer, and none was found.
  Debian/Ubuntu: sudo apt-get install python3.12 python3.12-venv (or a newer one)
  macOS: brew install python@3.12
  Or point ALLIANCE_PYTHON at an interpreter: ALLIANCE_PYTHON=/path/to/python3.12 $0"
}

ensure_venv() {
    local extras="$1" stamp="$VENV/.installed-${1:-app}"
    if [ ! -x "$VENV/bin/python" ] || ! python_is_recent "$VENV/bin/python"; then
        local python; python="$(find_python)"
        say "Creating the virtual environment with $("$python" --version)"
        rm -rf "$VENV"
        "$python" -m venv "$VENV" || die "Could not create a virtual environment. On Debian/Ubuntu: sudo apt-get install python3-venv"
    fi
    if [ ! -f "$stamp" ] || [ "$ROOT/pyproject.toml" -nt "$stamp" ]; then
        say "Installing Alliance and its dependencies (first time only)"
        "$VENV/bin/python" -m pip install --quiet --upgrade pip \
            || die "pip could not reach the package index. Check your network or proxy."
        local target="$ROOT"; [ -n "$extras" ] && target="$ROOT[$extras]"
        "$VENV/bin/python" -m pip install --quiet -e "$target" \
            || die "Installing the dependencies failed (see above)."
        touch "$stamp"
    fi
}

