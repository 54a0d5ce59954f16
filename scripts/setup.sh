#!/usr/bin/env bash
# Installs what Aftercare needs and is missing: npm packages, Debian's redis-server, Java and Maven,
# the mongo-java-server jars; with --test also Debian's chromium (browser tests) and docker-compose
# (checks docker-compose.yml). Stores given by MONGODB_URI / REDIS_URL need nothing installed.
set -euo pipefail
cd "$(dirname "$0")/.."
want_test=0; [ "${1:-}" = "--test" ] && want_test=1
say() { echo "[setup] $*" >&2; }
fail() { echo "[setup] $*" >&2; exit 1; }

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm packages"
  # `npm install` with the committed lock (npm ci refuses locks without other platforms' optional packages)
  npm install --no-audit --no-fund --loglevel=error >&2
fi

apt_pkgs=()
if [ -z "${REDIS_URL:-}" ] && ! command -v redis-server >/dev/null; then apt_pkgs+=(redis-server); fi
if [ -z "${MONGODB_URI:-}" ]; then
  command -v java >/dev/null || apt_pkgs+=(default-jre-headless)
  [ -d scripts/mongo/lib ] || command -v mvn >/dev/null || apt_pkgs+=(maven)
fi
if [ "$want_test" = 1 ]; then
  command -v chromium >/dev/null || apt_pkgs+=(chromium)
  command -v docker-compose >/dev/null || apt_pkgs+=(docker-compose)
  # the webhook tests verify signatures with the Python reference library (standardwebhooks) in a venv
  python3 -c 'import ensurepip, venv' 2>/dev/null || apt_pkgs+=(python3-venv)
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

if [ "$want_test" = 1 ] && ! .cache/venv-test/bin/python -c 'import standardwebhooks' 2>/dev/null; then
  say "installing the Python standardwebhooks package (PyPI) into .cache/venv-test for the webhook tests"
  python3 -m venv .cache/venv-test >&2 || fail "python3 -m venv failed (apt-get install python3-venv)"
  .cache/venv-test/bin/pip install -q --disable-pip-version-check 'standardwebhooks==1.1.0' >&2 || fail "pip could not install standardwebhooks from PyPI"
fi
