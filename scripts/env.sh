# Sourced by the other scripts: create (once) and activate .venv with nn-opt
# installed in editable mode with the extras named in $NNOPT_EXTRAS.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PYTHON="${PYTHON:-python3.11}"
command -v "$PYTHON" >/dev/null 2>&1 || PYTHON=python3
VENV="${NNOPT_VENV:-$ROOT/.venv}"
if [ ! -x "$VENV/bin/python" ]; then
  "$PYTHON" -m venv "$VENV"
fi
# shellcheck disable=SC1091
source "$VENV/bin/activate"
STAMP="$VENV/.nnopt-installed-${NNOPT_EXTRAS:-base}"
if [ ! -f "$STAMP" ] || [ "$ROOT/pyproject.toml" -nt "$STAMP" ]; then
  python -m pip install --quiet --upgrade pip
  python -m pip install --quiet -e "$ROOT${NNOPT_EXTRAS:+[$NNOPT_EXTRAS]}"
  touch "$STAMP"
fi
cd "$ROOT"
