#!/usr/bin/env bash
# CI for validation/: installs the Debian packages pytest needs (PyPI is not reachable) and runs the
# python tests on CPU with Debian's interpreter.  Debian 12 ships torch 1.13 (python3-torch), which
# runs the gloo/--spawn DDP end-to-end test; the GPU paths are covered by fixture-driven unit tests.
# The last line of output is pytest's summary line.
set -euo pipefail

cd "$(dirname "$0")/.."
PY=/usr/bin/python3 # not pyenv's python3: the Debian packages live in /usr/lib/python3/dist-packages

need=()
for pkg in python3-pytest python3-numpy python3-torch; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2> /dev/null | grep -q "install ok installed"; then
    need+=("$pkg")
  fi
done
if [ "${#need[@]}" -gt 0 ]; then
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  avail=()
  $SUDO apt-get update -qq > /dev/null
  for pkg in "${need[@]}"; do
    if apt-cache show "$pkg" > /dev/null 2>&1; then
      avail+=("$pkg")
    else
      echo "validation.sh: $pkg not available from apt; tests needing it will be skipped" >&2
    fi
  done
  if [ "${#avail[@]}" -gt 0 ]; then
    echo "validation.sh: apt-get install ${avail[*]}" >&2
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends "${avail[@]}" > /dev/null
  fi
fi

"$PY" -c 'import torch; print("validation.sh: torch", torch.__version__, "cuda available:", torch.cuda.is_available())' >&2 ||
  echo "validation.sh: torch not importable; torch-dependent tests will be skipped" >&2

export PYTHONDONTWRITEBYTECODE=1
exec "$PY" -m pytest validation/tests -q -p no:cacheprovider
