#!/usr/bin/env bash
# Builds the "previous release" database for the upgrade test (anju/operations/tests/test_upgrade.py):
# a small demo county made by Anju as of commit $PREVIOUS, saved compressed under tests/fixtures/.
# Run again (with PREVIOUS set to the last release) whenever a release is cut.
set -euo pipefail
PREVIOUS=${PREVIOUS:-8394fb2}
HOUSEHOLDS=${HOUSEHOLDS:-120}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PYTHON=${PYTHON:-$ROOT/.venv/bin/python}
OUT=$ROOT/tests/fixtures/previous-release.sqlite3.xz

# Published keys of this test database only (its people are made up); the test reads them
# from the .env file beside it, as a county reads its keys from /etc/anju/anju.env.
KEYS=$ROOT/tests/fixtures/previous-release.env
cat > "$KEYS" <<'KEYS'
ANJU_SECRET_KEY=upgrade-fixture-secret-key-not-for-any-real-county-0000000000
ANJU_FIELD_KEYS=dXBncmFkZS1maXh0dXJlLWZpZWxkLWtleS0wMDAwMDA=
ANJU_LOOKUP_KEY=upgrade-fixture-lookup-key-000000000000
KEYS
set -a; . "$KEYS"; set +a

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
git -C "$ROOT" archive "$PREVIOUS" src | tar -x -C "$work"
# The old source comes first on the path, so the same venv runs the previous release's code.
ANJU_DATA_DIR=$work/data PYTHONPATH=$work/src ANJU_REQUIRE_TOTP=false \
    "$PYTHON" -c "from anju.cli import main; main()" demo --no-serve --households "$HOUSEHOLDS"
sqlite3_db=$work/data/anju.sqlite3
"$PYTHON" - "$sqlite3_db" <<'PY'
import sqlite3, sys
con = sqlite3.connect(sys.argv[1])
con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
con.execute("PRAGMA journal_mode=DELETE")
con.execute("VACUUM")
con.close()
PY
xz -9 -c "$sqlite3_db" > "$OUT.tmp"
mv "$OUT.tmp" "$OUT"
echo "$PREVIOUS" > "$ROOT/tests/fixtures/previous-release.commit"
ls -l "$OUT"
