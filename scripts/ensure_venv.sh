# Sourced by run_development.sh and run_tests.sh (from the repository's root): creates .venv (or $VENV)
# when missing and installs requirements/development.txt whenever it or the metadata of the
# django-stockandflow package (installed editable from packages/, see requirements/base.txt) changed
# since the last install.
set -euo pipefail

VENV="${VENV:-.venv}"
PYTHON="${PYTHON:-$(command -v python3.11 || command -v python3)}"

if [ ! -x "$VENV/bin/python" ]; then
    echo "Creating virtualenv in $VENV with $PYTHON" >&2
    "$PYTHON" -m venv "$VENV"
fi

stamp="$VENV/.requirements.sha256"
wanted=$(cat requirements/*.txt packages/django-stockandflow/pyproject.toml | sha256sum | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$wanted" ]; then
    echo "Installing requirements/development.txt into $VENV (a minute or two the first time)" >&2
    # Not --quiet: pip says what it collects and installs, so a first run shows its progress.
    "$VENV/bin/pip" install --progress-bar on --disable-pip-version-check -r requirements/development.txt
    # The client library used by the contract tests needs --no-deps and an old setuptools to build.
    PIP_CONSTRAINT="$PWD/requirements/build-constraints.txt" "$VENV/bin/pip" install --quiet \
        --disable-pip-version-check --no-deps -r requirements/client-library.txt
    echo "$wanted" > "$stamp"
fi

export PATH="$PWD/$VENV/bin:$PATH"
