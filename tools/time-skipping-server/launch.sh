#!/usr/bin/env bash
# Runs Temporal's Java time-skipping test server (Maven artifact io.temporal:temporal-test-server).
#
#   launch.sh PORT [ARGS...]   start the server on PORT (how the Temporal SDK starts a test server)
#   launch.sh --prepare        only resolve and cache the class path (Maven downloads on first use)
#
# The class path is cached per version under ${BUREAUCRAT_CACHE_DIR:-~/.cache/bureaucrat-temporal}.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cache_root=${BUREAUCRAT_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/bureaucrat-temporal}
version=$(sed -n 's:.*<temporal.test-server.version>\(.*\)</temporal.test-server.version>.*:\1:p' "$here/pom.xml")
cp_file="$cache_root/time-skipping-server/classpath-$version.txt"

if [ ! -s "$cp_file" ]; then
  command -v java >/dev/null || { echo "launch.sh: java not found (Java 17+ is needed)" >&2; exit 127; }
  command -v mvn >/dev/null || { echo "launch.sh: mvn not found (Maven resolves the server's jars)" >&2; exit 127; }
  mkdir -p "$(dirname "$cp_file")"
  tmp="$cp_file.$$.tmp"
  mvn -q -B -Dstyle.color=never -f "$here/pom.xml" dependency:build-classpath -Dmdep.outputFile="$tmp" >&2
  mv "$tmp" "$cp_file"
fi

if [ "${1:-}" = "--prepare" ]; then
  exit 0
fi
exec java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto -cp "$(cat "$cp_file")" io.temporal.testserver.TestServer "$@"
