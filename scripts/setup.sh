#!/usr/bin/env bash
# Installs what Aftercare needs and is missing: npm packages, Debian's redis-server, Java and Maven,
# the mongo-java-server jars, the Noto CJK fonts (service report PDFs); with --test also Debian's
# chromium (browser tests), poppler-utils (pdftotext), docker-compose (checks docker-compose.yml),
# dovecot-imapd (the IMAP tests), redis-server even with REDIS_URL set (the Redis Cluster and
# Sentinel tests start their own) and the API fuzzer (schemathesis from PyPI into .tmp/venv); with --npm only the npm packages
# (what `npm run build` needs). Stores given by MONGODB_URI / REDIS_URL need nothing installed.
set -euo pipefail
cd "$(dirname "$0")/.."
want_test=0; [ "${1:-}" = "--test" ] && want_test=1
only_npm=0; [ "${1:-}" = "--npm" ] && only_npm=1
say() { echo "[setup] $*" >&2; }
fail() { echo "[setup] $*" >&2; exit 1; }
# a command's own output goes to a log file; shown only when it fails, so the start banner stays clean
quiet() {
  local log; log=$(mktemp)
  if ! "$@" >"$log" 2>&1; then cat "$log" >&2; rm -f "$log"; return 1; fi
  rm -f "$log"
}

# The packages are installed exactly as the committed lock says, and the lock is never rewritten:
# `npm ci` on a fresh clone, `npm install --no-save` when the lock changed since the last install
# (a stamp of its hash kept in node_modules; mtimes say nothing after a clone or checkout).
lock_hash=$(cat package.json package-lock.json | sha256sum | cut -c1-64)
stamp=node_modules/.aftercare-lock
if [ ! -d node_modules ]; then
  say "installing npm packages (npm ci)"
  quiet npm ci --no-audit --no-fund --loglevel=error || fail "npm ci failed"
  echo "$lock_hash" > "$stamp"
elif [ "$(cat "$stamp" 2>/dev/null)" != "$lock_hash" ]; then
  say "updating npm packages to package-lock.json"
  quiet npm install --no-save --no-audit --no-fund --loglevel=error || fail "npm install failed"
  echo "$lock_hash" > "$stamp"
fi
[ "$only_npm" = 1 ] && exit 0

apt_pkgs=()
if [ -z "${REDIS_URL:-}" ] && ! command -v redis-server >/dev/null; then apt_pkgs+=(redis-server); fi
if [ -z "${MONGODB_URI:-}" ]; then
  command -v java >/dev/null || apt_pkgs+=(default-jre-headless)
  [ -d scripts/mongo/lib ] || command -v mvn >/dev/null || apt_pkgs+=(maven)
fi
# the CJK font the service report PDFs embed (PDF_FONT); pdftotext reads them back in the tests
[ -f /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc ] || apt_pkgs+=(fonts-noto-cjk)
if [ "$want_test" = 1 ]; then
  command -v pdftotext >/dev/null || apt_pkgs+=(poppler-utils)
  command -v chromium >/dev/null || apt_pkgs+=(chromium)
  command -v docker-compose >/dev/null || apt_pkgs+=(docker-compose)
  # the IMAP tests start a throwaway Dovecot (tests/helpers/dovecot.ts)
  command -v dovecot >/dev/null || apt_pkgs+=(dovecot-imapd)
  command -v redis-server >/dev/null || [[ " ${apt_pkgs[*]} " == *" redis-server "* ]] || apt_pkgs+=(redis-server)
fi
if [ ${#apt_pkgs[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
    fail "missing: ${apt_pkgs[*]} — install them (apt-get install ${apt_pkgs[*]}), or set MONGODB_URI / REDIS_URL to existing servers"
  fi
  say "installing Debian packages: ${apt_pkgs[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2 || fail "apt-get update failed — install ${apt_pkgs[*]} by hand, or set MONGODB_URI / REDIS_URL"
  apt-get install -y -qq --no-install-recommends "${apt_pkgs[@]}" >&2 || fail "apt-get install ${apt_pkgs[*]} failed"
fi

if [ -z "${MONGODB_URI:-}" ]; then
  if [ ! -f scripts/mongo/lib/mongo-java-server-1.47.0.jar ]; then
    say "fetching mongo-java-server jars from Maven Central"
    (cd scripts/mongo && mvn -q -B dependency:copy-dependencies -DoutputDirectory=lib >&2) || fail "Maven could not fetch mongo-java-server — or set MONGODB_URI to an existing MongoDB"
  fi
  # Compiled once for a fast start; with only a JRE the launcher runs in Java's source-file mode.
  if command -v javac >/dev/null && { [ ! -f scripts/mongo/build/Launcher.class ] || [ scripts/mongo/Launcher.java -nt scripts/mongo/build/Launcher.class ]; }; then
    mkdir -p scripts/mongo/build
    javac -nowarn -cp 'scripts/mongo/lib/*' -d scripts/mongo/build scripts/mongo/Launcher.java >&2 || fail "javac failed on scripts/mongo/Launcher.java"
  fi
fi

# The API fuzzer (npm run fuzz, and its short run in npm test): schemathesis from PyPI in a venv of
# the project's own, pinned, so the system Python stays untouched.
SCHEMATHESIS_VERSION=4.32.5
if [ "$want_test" = 1 ] && ! .tmp/venv/bin/schemathesis --version 2>/dev/null | grep -q "$SCHEMATHESIS_VERSION"; then
  py=$(command -v python3.11 || command -v python3 || true)
  [ -n "$py" ] || fail "python3 is missing — apt-get install python3-venv (needed for the API fuzzer)"
  say "installing schemathesis $SCHEMATHESIS_VERSION into .tmp/venv"
  mkdir -p .tmp
  { [ -x .tmp/venv/bin/pip ] || quiet "$py" -m venv .tmp/venv; } || fail "python3 -m venv failed — apt-get install python3-venv"
  quiet .tmp/venv/bin/pip install --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION" || fail "pip could not install schemathesis from PyPI"
fi
