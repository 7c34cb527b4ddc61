#!/usr/bin/env bash
# Runs the keycloak-twofactor demo on this machine: a stock Keycloak 26.7.3 (dev mode, H2 database kept in
# .dev/) with the provider JAR, the demo realm from realm-config/, a local mail catcher, and SMS codes
# written to the Keycloak log. Needs Java 17+, Maven, curl and tar. Nothing leaves this machine.
#
#   ./run-demo.sh          build, start, and print the URLs and demo accounts (Ctrl+C stops everything)
#   ./run-demo.sh stop     stop a demo left running in the background (e.g. after a closed terminal)
#   ./run-demo.sh reset    stop, and forget the demo database (the realm is imported afresh next time)
set -euo pipefail

KC_VERSION=26.7.3
REALM=twofactor-demo
HTTP_PORT=8080
MANAGEMENT_PORT=9000
SMTP_PORT=1025
INBOX_PORT=8025

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
DEV="$ROOT/.dev"
KC_HOME="$DEV/keycloak-$KC_VERSION"
RUN_DIR="$DEV/run"
CATCHER_JAR="$ROOT/devtools/target/keycloak-twofactor-devtools.jar"

if [ -t 1 ]; then BLUE=$'\033[1;34m' RED=$'\033[1;31m' BOLD_GREEN=$'\033[1;32m' PLAIN=$'\033[0m'
else BLUE="" RED="" BOLD_GREEN="" PLAIN=""; fi
say() { printf '%s==>%s %s\n' "$BLUE" "$PLAIN" "$*"; }
fail() { printf '%srun-demo:%s %s\n' "$RED" "$PLAIN" "$*" >&2; exit 1; }

alive() { [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null; }

# Stops the process (and its process group, when it leads one) whose id is in the given pid file.
stop_pidfile() {
  local file="$1" pid _
  [ -f "$file" ] || return 0
  pid="$(cat "$file" 2>/dev/null || true)"
  if alive "$pid"; then
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 60); do alive "$pid" || break; sleep 0.5; done
    if alive "$pid"; then
      kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  rm -f "$file"
}

stop_leftovers() {
  local found=0 f
  for f in "$RUN_DIR/keycloak.pid" "$RUN_DIR/mail-catcher.pid"; do
    if [ -f "$f" ] && alive "$(cat "$f" 2>/dev/null || true)"; then
      found=1
      say "Stopping $(basename "$f" .pid) (pid $(cat "$f"))"
    fi
    stop_pidfile "$f"
  done
  # a catcher of this checkout that lost its pid file (seen once: its pid file gone, the catcher still on 1025)
  if command -v pgrep >/dev/null 2>&1 && pgrep -f -- "$CATCHER_JAR" >/dev/null 2>&1; then
    found=1
    say "Stopping a mail catcher of this demo whose pid file was gone"
    pkill -TERM -f -- "$CATCHER_JAR" 2>/dev/null || true
    for _ in $(seq 1 30); do pgrep -f -- "$CATCHER_JAR" >/dev/null 2>&1 || break; sleep 0.5; done
    pkill -KILL -f -- "$CATCHER_JAR" 2>/dev/null || true
  fi
  [ "$found" = 1 ] || say "No demo process is running."
}

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

case "${1:-}" in
  "") ;;
  stop) stop_leftovers; exit 0 ;;
  reset)
    stop_leftovers
    rm -rf "$KC_HOME/data/h2"
    say "Demo database removed; the next ./run-demo.sh imports realm-config/ afresh."
    exit 0 ;;
  -h|--help) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  *) fail "unknown argument '$1' (try: ./run-demo.sh, ./run-demo.sh stop, ./run-demo.sh reset)" ;;
esac

cd "$ROOT"
START=$SECONDS

# ---------------------------------------------------------------------------------------------- checks
for tool in java mvn curl tar; do
  command -v "$tool" >/dev/null 2>&1 || fail "'$tool' is not installed (needed: Java 17+, Maven, curl, tar)."
done
JAVA_MAJOR="$(java -version 2>&1 | sed -n 's/.* version "\([0-9]*\).*/\1/p' | head -n1)"
if [ -n "$JAVA_MAJOR" ] && [ "$JAVA_MAJOR" -lt 17 ]; then
  fail "Java $JAVA_MAJOR found; Keycloak $KC_VERSION needs Java 17 or newer."
fi

if [ -f "$RUN_DIR/keycloak.pid" ] && alive "$(cat "$RUN_DIR/keycloak.pid" 2>/dev/null || true)"; then
  fail "The demo is already running (pid $(cat "$RUN_DIR/keycloak.pid")). Stop it first: ./run-demo.sh stop"
fi
stop_pidfile "$RUN_DIR/mail-catcher.pid"   # a catcher left over from a demo that died
if command -v pgrep >/dev/null 2>&1 && pgrep -f -- "$CATCHER_JAR" >/dev/null 2>&1; then
  stop_leftovers   # ...or one of this checkout whose pid file was lost
fi

for spec in "$HTTP_PORT:Keycloak" "$MANAGEMENT_PORT:Keycloak's management interface" \
            "$SMTP_PORT:the mail catcher (SMTP)" "$INBOX_PORT:the mail catcher (inbox)"; do
  port="${spec%%:*}"
  if port_busy "$port"; then
    fail "Port $port is already in use, and the demo needs it for ${spec#*:}. Please stop whatever listens there (another Keycloak? an earlier demo: ./run-demo.sh stop) and try again."
  fi
done

# ----------------------------------------------------------------------------------------------- build
mkdir -p "$DEV" "$RUN_DIR"

provider_jar() {
  local jar
  for jar in "$ROOT"/authenticators/target/keycloak-twofactor-*.jar; do
    case "$jar" in *-sources.jar|*-javadoc.jar) continue ;; esac
    [ -f "$jar" ] && { echo "$jar"; return 0; }
  done
  return 1
}

needs_build() {
  local jar
  jar="$(provider_jar)" || return 0
  [ -f "$CATCHER_JAR" ] || return 0
  # rebuild when any source, theme or POM is newer than either jar
  for stamp in "$jar" "$CATCHER_JAR"; do
    if [ -n "$(find "$ROOT/pom.xml" "$ROOT/authenticators" "$ROOT/devtools" "$ROOT/admin-ui-theme" \
                 -type f -newer "$stamp" -not -path '*/target/*' -print -quit 2>/dev/null)" ]; then
      return 0
    fi
  done
  return 1
}

if needs_build; then
  say "Building the provider JAR and the mail catcher (mvn package)"
  # offline first (fast when ~/.m2 has everything); online if something is missing
  if ! mvn -B -q -o -DskipTests -pl authenticators,devtools -am package >"$DEV/build-offline.log" 2>&1; then
    mvn -B -q -DskipTests -pl authenticators,devtools -am package || fail "The build failed (see above)."
  fi
else
  say "Provider JAR is up to date with the sources; not rebuilding"
fi
JAR="$(provider_jar)" || fail "The build produced no authenticators/target/keycloak-twofactor-*.jar"
[ -f "$CATCHER_JAR" ] || fail "The build produced no $CATCHER_JAR"

# ------------------------------------------------------------------------------------------ Keycloak
if [ ! -x "$KC_HOME/bin/kc.sh" ]; then
  M2_REPO="${MAVEN_LOCAL_REPOSITORY:-$HOME/.m2/repository}"
  DIST="$M2_REPO/org/keycloak/keycloak-quarkus-dist/$KC_VERSION/keycloak-quarkus-dist-$KC_VERSION.tar.gz"
  if [ ! -f "$DIST" ]; then
    say "Downloading Keycloak $KC_VERSION (Maven Central, once)"
    mvn -B -q dependency:get "-Dartifact=org.keycloak:keycloak-quarkus-dist:$KC_VERSION:tar.gz" -Dtransitive=false \
      || fail "Could not download org.keycloak:keycloak-quarkus-dist:$KC_VERSION:tar.gz"
    if [ ! -f "$DIST" ]; then   # a local repository somewhere else (settings.xml)
      M2_REPO="$(mvn -B -q help:evaluate -Dexpression=settings.localRepository -DforceStdout 2>/dev/null || true)"
      DIST="$M2_REPO/org/keycloak/keycloak-quarkus-dist/$KC_VERSION/keycloak-quarkus-dist-$KC_VERSION.tar.gz"
    fi
    [ -f "$DIST" ] || fail "Keycloak $KC_VERSION was downloaded but cannot be found in the local Maven repository."
  fi
  say "Unpacking Keycloak $KC_VERSION into ${KC_HOME#"$ROOT"/} (once)"
  rm -rf "$DEV/unpack.tmp" && mkdir -p "$DEV/unpack.tmp"
  tar xzf "$DIST" -C "$DEV/unpack.tmp"
  mv "$DEV/unpack.tmp/keycloak-$KC_VERSION" "$KC_HOME"
  rm -rf "$DEV/unpack.tmp"
fi

say "Installing $(basename "$JAR") and the realm files"
INSTALLED="$KC_HOME/providers/$(basename "$JAR")"
for old in "$KC_HOME"/providers/keycloak-twofactor-*.jar; do
  [ "$old" = "$INSTALLED" ] || rm -f "$old"
done
if ! cmp -s "$JAR" "$INSTALLED"; then
  cp -p "$JAR" "$INSTALLED"   # an unchanged JAR keeps its timestamp, so Keycloak can skip its re-build
fi
mkdir -p "$KC_HOME/data/import"
rm -f "$KC_HOME"/data/import/*.json
if compgen -G "$ROOT/realm-config/*.json" >/dev/null; then
  cp "$ROOT"/realm-config/*.json "$KC_HOME/data/import/"
else
  printf 'run-demo: warning: realm-config/ holds no realm file; only the master realm will exist.\n' >&2
fi

# ---------------------------------------------------------------------------------------------- start
KC_PID=""
CATCHER_PID=""
# shellcheck disable=SC2317  # invoked through the EXIT trap
cleanup() {
  trap - EXIT INT TERM HUP
  if alive "$KC_PID" || alive "$CATCHER_PID"; then
    printf '\n'
    say "Stopping Keycloak and the mail catcher"
  fi
  stop_pidfile "$RUN_DIR/keycloak.pid"
  stop_pidfile "$RUN_DIR/mail-catcher.pid"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

# Each in its own session (when setsid exists), so that stopping the group stops every child process.
background() {
  if command -v setsid >/dev/null 2>&1; then setsid "$@" & else "$@" & fi
}

say "Starting the mail catcher (SMTP 127.0.0.1:$SMTP_PORT, inbox http://localhost:$INBOX_PORT)"
background java -jar "$CATCHER_JAR" --host 127.0.0.1 --smtp-port "$SMTP_PORT" --http-port "$INBOX_PORT" </dev/null
CATCHER_PID=$!
echo "$CATCHER_PID" >"$RUN_DIR/mail-catcher.pid"
for _ in $(seq 1 60); do
  curl -fsS -o /dev/null "http://127.0.0.1:$INBOX_PORT/api/messages" 2>/dev/null && break
  alive "$CATCHER_PID" || fail "The mail catcher did not start (see above)."
  sleep 0.25
done

say "Starting Keycloak $KC_VERSION (dev mode; its log follows)"
export KC_BOOTSTRAP_ADMIN_USERNAME=admin KC_BOOTSTRAP_ADMIN_PASSWORD=admin
background "$KC_HOME/bin/kc.sh" start-dev \
  --http-port="$HTTP_PORT" \
  --health-enabled=true \
  --import-realm \
  --spi-twofactor-sms--provider=log </dev/null
KC_PID=$!
echo "$KC_PID" >"$RUN_DIR/keycloak.pid"

READY=""
for _ in $(seq 1 600); do
  if curl -fsS -o /dev/null "http://127.0.0.1:$MANAGEMENT_PORT/health/ready" 2>/dev/null; then READY=1; break; fi
  alive "$KC_PID" || fail "Keycloak stopped during startup; its log above says why."
  sleep 0.5
done
[ -n "$READY" ] || fail "Keycloak did not become ready within 5 minutes; its log above says why."

BASE="http://localhost:$HTTP_PORT"
row() { printf '  %-17s %-62s %s\n' "$1" "$2" "$3"; }
printf '\n%skeycloak-twofactor demo is ready%s (started in %s s)\n\n' "$BOLD_GREEN" "$PLAIN" "$((SECONDS - START))"
row "Admin console"   "$BASE/admin/"                            "admin / admin (master realm)"
row "Security page"   "$BASE/realms/$REALM/twofactor-admin/"    "realm-admin / realm-admin"
row "Account console" "$BASE/realms/$REALM/account/"            "agent / agent, employee / employee"
row "Mail inbox"      "http://localhost:$INBOX_PORT"            "every email Keycloak sends lands here"
row "SMS codes"       "printed in the Keycloak log below"       "(SMS provider \"log\"; nothing is really texted)"
cat <<EOF

  Realm "$REALM": realm-admin / realm-admin (manages the realm), agent / agent, employee / employee.
  Data is kept in .dev/ between runs; ./run-demo.sh reset starts over with a freshly imported realm.
  Stop: Ctrl+C (stops Keycloak and the mail catcher). Leftovers after a closed terminal: ./run-demo.sh stop

EOF

# Keycloak keeps running in the foreground of this script until it stops or Ctrl+C.
set +e
wait "$KC_PID"
STATUS=$?
set -e
exit "$STATUS"
