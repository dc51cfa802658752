#!/usr/bin/env bash
# Assemble, start and stop a real Neo4j 5.26 LTS Community server built only from
# Maven Central artifacts (there is no server tarball on Central, so lib/ is the
# dependency closure of org.neo4j:neo4j and the server is launched with plain `java`).
#
#   scripts/neo4j-server.sh fetch          resolve jars into $EVGRAPH_NEO4J_HOME (idempotent)
#   scripts/neo4j-server.sh start          start on 127.0.0.1:$NEO4J_BOLT_PORT, wait for Bolt, print the URI
#   scripts/neo4j-server.sh stop           SIGTERM, wait up to 60 s, then SIGKILL
#   scripts/neo4j-server.sh status         exit 0 if running, 3 if not
#   scripts/neo4j-server.sh restart        stop + start
#   scripts/neo4j-server.sh admin ARGS...  neo4j-admin (org.neo4j.cli.AdminTool) against the same home
#   scripts/neo4j-server.sh query CYPHER [DATABASE]   run one statement over Bolt (default: the default database)
#   scripts/neo4j-server.sh uri            print the Bolt URI
#   scripts/neo4j-server.sh wipe [--all]   delete data/ and logs/ (with --all: the whole home)
#
# Environment (all optional):
#   EVGRAPH_NEO4J_HOME      server home, outside the repo   (default ~/.cache/evgraph/neo4j-5.26)
#   NEO4J_BOLT_PORT         Bolt port on 127.0.0.1           (default 7687)
#   NEO4J_AUTH_ENABLED      true|false                       (default true)
#   NEO4J_PASSWORD          password of user neo4j, >= 8 chars (default evgraph-test-pw);
#                           applied only when the store is created (first start after fetch/wipe)
#   EVGRAPH_NEO4J_PLUGINS   plugins to install: "apoc gds", "apoc", "gds" or "none" (default "apoc gds")
#   EVGRAPH_NEO4J_VERSION / EVGRAPH_APOC_VERSION / EVGRAPH_GDS_VERSION   override the pinned versions
#   EVGRAPH_NEO4J_HEAP      JVM heap, -Xms = -Xmx            (default 1g)
#   EVGRAPH_NEO4J_PAGECACHE page cache                       (default 512m)
#   EVGRAPH_NEO4J_ADMIN_HEAP heap of `admin` commands        (default 1g)
#   EVGRAPH_NEO4J_START_TIMEOUT seconds to wait for Bolt     (default 240)
#   EVGRAPH_NEO4J_JAVA      java binary (17 or 21)           (default $JAVA_HOME/bin/java, else java)
#   EVGRAPH_MVN_ARGS        extra Maven arguments, e.g. -Dmaven.repo.local=/path
#   NEO4J_DEFAULT_DATABASE  default database (initial.dbms.default_database; default neo4j)
#   EVGRAPH_APOC_FILE_IO    true: APOC may read/write files under $EVGRAPH_NEO4J_HOME/import (default false)
# Use the same EVGRAPH_NEO4J_* values for every call: a different version or plugin set
# makes `start`/`admin` re-assemble lib/ and plugins/ (data/ is kept).
#
# neo4j-admin import in Community Edition (CREATE DATABASE is Enterprise-only, and only the
# default database can be online):
#   * into `neo4j`: stop the server, then
#       neo4j-server.sh admin database import full neo4j --overwrite-destination \
#           --nodes=/abs/nodes.csv --relationships=/abs/rels.csv
#     and start again. While the server runs this fails with "The database is in use".
#   * into a new name (works while the server runs, `neo4j` stays intact):
#       neo4j-server.sh admin database import full evgraphimport --nodes=... --relationships=...
#       neo4j-server.sh stop; NEO4J_DEFAULT_DATABASE=evgraphimport neo4j-server.sh start
#     Without NEO4J_DEFAULT_DATABASE the next start makes `neo4j` the default again.
#   Put the database name BEFORE --nodes/--relationships: those options take several
#   files, so a trailing name is read as one more CSV file.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
POM="$SCRIPT_DIR/neo4j/pom.xml"
CLIENT_SRC="$SCRIPT_DIR/neo4j/Neo4jCiClient.java"

# Versions. Neo4j 5.26.24 is what OpenGDS 2.13.9 (the only 2.13.x of the needed modules on
# Central) was built against; APOC 5.26.19 is the newest 5.26 APOC on Central.
NEO4J_VERSION="${EVGRAPH_NEO4J_VERSION:-5.26.24}"
APOC_VERSION="${EVGRAPH_APOC_VERSION:-5.26.19}"
GDS_VERSION="${EVGRAPH_GDS_VERSION:-2.13.9}"

HOME="${HOME:-$(getent passwd "$(id -u)" | cut -d: -f6)}"
H="$(realpath -m "${EVGRAPH_NEO4J_HOME:-$HOME/.cache/evgraph/neo4j-5.26}")"
[[ "$H" != "/" ]] || { echo "EVGRAPH_NEO4J_HOME must not be /" >&2; exit 1; }
PORT="${NEO4J_BOLT_PORT:-7687}"
AUTH_ENABLED="${NEO4J_AUTH_ENABLED:-true}"
export NEO4J_USER=neo4j
export NEO4J_PASSWORD="${NEO4J_PASSWORD:-evgraph-test-pw}"
export NEO4J_AUTH_ENABLED="$AUTH_ENABLED"
HEAP="${EVGRAPH_NEO4J_HEAP:-1g}"
PAGECACHE="${EVGRAPH_NEO4J_PAGECACHE:-512m}"
ADMIN_HEAP="${EVGRAPH_NEO4J_ADMIN_HEAP:-1g}"
START_TIMEOUT="${EVGRAPH_NEO4J_START_TIMEOUT:-240}"
STOP_TIMEOUT=60
URI="bolt://127.0.0.1:$PORT"
PIDFILE="$H/run/evgraph-neo4j.pid"
URIFILE="$H/run/evgraph-neo4j.uri"
STAMP="$H/.assembled"

if [[ -n "${EVGRAPH_NEO4J_JAVA:-}" ]]; then
  JAVA="$EVGRAPH_NEO4J_JAVA"
elif [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then
  JAVA="$JAVA_HOME/bin/java"
else
  JAVA="$(command -v java || true)"
fi
JAVAC="$(dirname "$(readlink -f "${JAVA:-/nonexistent}")")/javac"

log() { echo "[neo4j-server] $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

normalize_plugins() {
  local p="${EVGRAPH_NEO4J_PLUGINS-apoc gds}" out=()
  p="${p//,/ }"
  for x in $p; do
    case "$x" in
      apoc|gds) out+=("$x") ;;
      none|"") ;;
      *) die "unknown plugin '$x' in EVGRAPH_NEO4J_PLUGINS (use apoc, gds or none)" ;;
    esac
  done
  # stable order
  local res=""
  for want in apoc gds; do
    for x in "${out[@]:-}"; do [[ "$x" == "$want" ]] && { res+="$want "; break; }; done
  done
  echo "${res% }"
}
PLUGINS="$(normalize_plugins)"

check_java() {
  [[ -n "$JAVA" && -x "$JAVA" ]] || die "no java found (set EVGRAPH_NEO4J_JAVA or JAVA_HOME; Neo4j 5.26 needs Java 17 or 21)"
  local v
  v="$("$JAVA" -version 2>&1 | head -1)"
  [[ "$v" =~ \"(17|21)[.\"] ]] || die "Neo4j 5.26 needs Java 17 or 21, $JAVA is: $v"
}

stamp_text() {
  echo "neo4j=$NEO4J_VERSION apoc=$APOC_VERSION gds=$GDS_VERSION plugins=[$PLUGINS] pom=$(sha256sum "$POM" | cut -c1-12)"
}

is_assembled() {
  [[ -f "$STAMP" && "$(cat "$STAMP")" == "$(stamp_text)" && -d "$H/lib" ]]
}

# (Re)compile the small Bolt client when its source changed.
ensure_client() {
  local sha
  sha="$(sha256sum "$CLIENT_SRC" | cut -c1-16)"
  if [[ -f "$H/classes/Neo4jCiClient.class" && "$(cat "$H/classes/.sha" 2>/dev/null)" == "$sha" ]]; then
    return 0
  fi
  [[ -x "$JAVAC" ]] || die "javac not found next to $JAVA (a JDK, not a JRE, is needed)"
  rm -rf "$H/classes"
  mkdir -p "$H/classes"
  "$JAVAC" -nowarn -d "$H/classes" -cp "$H/lib/*" "$CLIENT_SRC" || die "could not compile $CLIENT_SRC"
  echo "$sha" >"$H/classes/.sha"
}

running_pid() {
  [[ -f "$PIDFILE" ]] || return 1
  local pid
  pid="$(cat "$PIDFILE" 2>/dev/null || true)"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  # make sure the pid was not recycled by an unrelated process
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "--home-dir=$H " || return 1
  echo "$pid"
}

# URI of the running server (its port may differ from this shell's NEO4J_BOLT_PORT)
current_uri() {
  if running_pid >/dev/null && [[ -s "$URIFILE" ]]; then cat "$URIFILE"; else echo "$URI"; fi
}

with_lock() {
  mkdir -p "$H/run"
  exec 9>"$H/run/.lock"
  if command -v flock >/dev/null; then
    flock -w 600 9 || die "could not lock $H/run/.lock"
  fi
}

# ---------------------------------------------------------------------------------------
cmd_fetch() {
  check_java
  mkdir -p "$H"
  if is_assembled; then
    ensure_client
    log "already assembled in $H ($(stamp_text)); skipping"
    return 0
  fi
  if pid="$(running_pid)"; then
    die "a server (pid $pid) is running from $H; stop it before re-assembling"
  fi
  command -v mvn >/dev/null || die "mvn not found"
  local t0 tmp profiles="" p
  t0=$(date +%s)
  for p in $PLUGINS; do profiles+="${profiles:+,}$p"; done
  log "assembling Neo4j $NEO4J_VERSION (plugins: ${PLUGINS:-none}) into $H"
  tmp="$H/.fetch.tmp"
  rm -rf "$tmp"
  mkdir -p "$tmp/lib" "$tmp/plugins"
  local dep=org.apache.maven.plugins:maven-dependency-plugin:3.6.1
  # shellcheck disable=SC2206
  local mvn=(mvn -B -q -Dstyle.color=never -f "$POM" ${EVGRAPH_MVN_ARGS:-}
             -Dneo4j.version="$NEO4J_VERSION" -Dapoc.version="$APOC_VERSION" -Dgds.version="$GDS_VERSION")
  [[ -n "$profiles" ]] && mvn+=(-P "$profiles")
  # Server and every third-party library (including the plugins' ones, resolved in the same
  # run so that exactly one version of each library ends up on the classpath) -> lib/
  "${mvn[@]}" "$dep:copy-dependencies" -DincludeScope=runtime -DexcludeTypes=pom \
      -DexcludeGroupIds=org.neo4j.gds,org.neo4j.procedure -DoutputDirectory="$tmp/lib" \
      >"$tmp/mvn.log" 2>&1 || { tail -n 40 "$tmp/mvn.log" >&2; die "maven could not resolve the server jars"; }
  # The plugins' own jars -> plugins/ (Neo4j scans this folder for procedures)
  if [[ -n "$profiles" ]]; then
    "${mvn[@]}" "$dep:copy-dependencies" -DincludeScope=runtime -DexcludeTypes=pom \
        -DincludeGroupIds=org.neo4j.gds,org.neo4j.procedure -DoutputDirectory="$tmp/plugins" \
        >"$tmp/mvn.log" 2>&1 || { tail -n 40 "$tmp/mvn.log" >&2; die "maven could not resolve the plugin jars"; }
  fi
  [[ -f "$tmp/lib/neo4j-$NEO4J_VERSION.jar" ]] || die "lib/ lacks neo4j-$NEO4J_VERSION.jar"
  rm -rf "${H:?}/lib" "${H:?}/plugins" "${H:?}/classes" "$STAMP"
  mv "$tmp/lib" "$tmp/plugins" "$H/"
  rm -rf "$tmp"
  mkdir -p "$H"/{conf,data,logs,run,import}
  ensure_client
  stamp_text >"$STAMP"
  log "assembled in $(( $(date +%s) - t0 )) s: $(find "$H/lib" -name '*.jar' | wc -l) jars in lib/," \
      "$(find "$H/plugins" -name '*.jar' | wc -l) in plugins/"
}

write_conf() {
  mkdir -p "$H"/{conf,data,logs,run,import,plugins}
  local unrestricted=""
  [[ " $PLUGINS " == *" apoc "* ]] && unrestricted+="apoc.*,"
  [[ " $PLUGINS " == *" gds "* ]] && unrestricted+="gds.*,"
  cat >"$H/conf/neo4j.conf" <<EOF
# Generated by scripts/neo4j-server.sh on every start/admin call; edits are overwritten.
server.default_listen_address=127.0.0.1
server.default_advertised_address=127.0.0.1
server.bolt.enabled=true
server.bolt.listen_address=127.0.0.1:$PORT
server.bolt.advertised_address=127.0.0.1:$PORT
server.http.enabled=false
server.https.enabled=false
dbms.security.auth_enabled=$AUTH_ENABLED
server.directories.data=$H/data
server.directories.logs=$H/logs
server.directories.run=$H/run
server.directories.plugins=$H/plugins
server.directories.import=$H/import
server.memory.heap.initial_size=$HEAP
server.memory.heap.max_size=$HEAP
server.memory.pagecache.size=$PAGECACHE
dbms.usage_report.enabled=false
# no 256 MB preallocated transaction log per database (keeps a test store small)
db.tx_log.preallocate=false
# Bolt's netty shutdown waits a 5 s quiet period per event-loop group (about 10 s per stop)
internal.dbms.bolt.netty_server_shutdown_quiet_period=0
EOF
  if [[ -n "${NEO4J_DEFAULT_DATABASE:-}" ]]; then
    echo "initial.dbms.default_database=$NEO4J_DEFAULT_DATABASE" >>"$H/conf/neo4j.conf"
  fi
  if [[ -n "$unrestricted" ]]; then
    echo "dbms.security.procedures.unrestricted=${unrestricted%,}" >>"$H/conf/neo4j.conf"
  fi
  # APOC reads its own settings from apoc.conf in the config dir (never from neo4j.conf).
  # File paths stay confined to $H/import (apoc.import.file.use_neo4j_config defaults to true).
  local fileio="${EVGRAPH_APOC_FILE_IO:-false}"
  cat >"$H/conf/apoc.conf" <<EOF
apoc.import.file.enabled=$fileio
apoc.export.file.enabled=$fileio
EOF
}

port_busy() {
  (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null
}

dump_logs() {
  local f
  for f in console.out neo4j.log debug.log; do
    if [[ -f "$H/logs/$f" ]]; then
      log "---- last lines of $H/logs/$f ----"
      tail -n 40 "$H/logs/$f" >&2 || true
    fi
  done
}

cmd_start() {
  check_java
  with_lock
  local pid
  if pid="$(running_pid)"; then
    log "already running (pid $pid)"
    current_uri
    return 0
  fi
  is_assembled || cmd_fetch
  ensure_client
  if port_busy; then
    die "127.0.0.1:$PORT is already in use by another process (set NEO4J_BOLT_PORT)"
  fi
  write_conf
  if [[ ! -d "$H/data/databases/system" ]]; then
    # First start of a fresh store: the password of user neo4j can only be set before the
    # system database exists. Done even with auth off, so that auth can be turned on later.
    if [[ ${#NEO4J_PASSWORD} -ge 8 ]]; then
      run_admin dbms set-initial-password "$NEO4J_PASSWORD" >/dev/null \
        || die "could not set the initial password"
    elif [[ "$AUTH_ENABLED" == "true" ]]; then
      die "NEO4J_PASSWORD must have at least 8 characters"
    fi
  fi
  local t0
  t0=$(date +%s.%N)
  rm -f "$H/logs/console.out"
  # JVM flags = the server.jvm.additional defaults of the 5.x tarball's neo4j.conf
  # (minus profiling flags and AlwaysPreTouch); -Xms/-Xmx replace server.memory.heap.*.
  (
    exec 9>&-   # do not hand the lock to the server
    ulimit -n 65536 2>/dev/null || true
    cd "$H"
    exec setsid "$JAVA" -cp "$H/plugins/*:$H/conf/*:$H/lib/*" \
      -XX:+UseG1GC -XX:-OmitStackTraceInFastThrow -XX:+UnlockExperimentalVMOptions \
      -XX:+TrustFinalNonStaticFields -XX:+DisableExplicitGC -XX:+ExitOnOutOfMemoryError \
      -Djdk.nio.maxCachedBufferSize=1024 -Dio.netty.tryReflectionSetAccessible=true \
      -Djdk.tls.ephemeralDHKeySize=2048 -Djdk.tls.rejectClientInitiatedRenegotiation=true \
      --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED \
      --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --enable-native-access=ALL-UNNAMED \
      -Dlog4j2.disable.jmx=true -Dfile.encoding=UTF-8 -Xms"$HEAP" -Xmx"$HEAP" \
      org.neo4j.server.CommunityEntryPoint --home-dir="$H" --config-dir="$H/conf" \
      </dev/null >"$H/logs/console.out" 2>&1
  ) &
  pid=$!
  echo "$pid" >"$PIDFILE"
  echo "$URI" >"$URIFILE"
  log "started pid $pid, waiting up to ${START_TIMEOUT}s for $URI"
  local rc=0
  "$JAVA" -Xmx64m -XX:TieredStopAtLevel=1 -cp "$H/classes:$H/lib/*" Neo4jCiClient wait "$URI" "$START_TIMEOUT" "$pid" || rc=$?
  if [[ $rc -ne 0 ]]; then
    if [[ $rc -eq 2 ]]; then
      log "the store in $H/data was initialised with another password; run '$0 wipe' or set NEO4J_PASSWORD"
    else
      dump_logs
    fi
    cmd_stop_nolock >/dev/null 2>&1 || true
    die "Neo4j did not come up on $URI"
  fi
  log "ready in $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}') s"
  echo "$URI"
}

cmd_stop_nolock() {
  local pid i
  if ! pid="$(running_pid)"; then
    log "not running"
    rm -f "$PIDFILE"
    return 0
  fi
  log "stopping pid $pid (SIGTERM)"
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < STOP_TIMEOUT * 2; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.5
  done
  if kill -0 "$pid" 2>/dev/null; then
    log "still alive after ${STOP_TIMEOUT}s, sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    for ((i = 0; i < 20; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  fi
  rm -f "$PIDFILE" "$URIFILE"
  log "stopped"
}

cmd_stop() {
  with_lock
  cmd_stop_nolock
}

cmd_status() {
  local pid
  echo "home:    $H"
  echo "jars:    $( [[ -f "$STAMP" ]] && cat "$STAMP" || echo "not assembled")"
  if pid="$(running_pid)"; then
    echo "status:  running (pid $pid)"
    echo "bolt:    $(current_uri)"
    return 0
  fi
  echo "status:  stopped"
  return 3
}

run_admin() {
  NEO4J_HOME="$H" NEO4J_CONF="$H/conf" "$JAVA" -Xmx"$ADMIN_HEAP" \
    --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED \
    -Dfile.encoding=UTF-8 -cp "$H/plugins/*:$H/conf/*:$H/lib/*" org.neo4j.cli.AdminTool "$@"
}

cmd_admin() {
  check_java
  is_assembled || cmd_fetch
  local pid
  if pid="$(running_pid)"; then
    log "note: the server is running (pid $pid); commands on a database it has open fail with" \
        "'The database is in use' (import into a new database name works; see '$0 help')"
  fi
  write_conf
  run_admin "$@"
}

cmd_query() {
  [[ $# -ge 1 ]] || die "usage: $0 query CYPHER [DATABASE]"
  is_assembled || die "not assembled; run '$0 fetch' first"
  ensure_client
  "$JAVA" -Xmx128m -XX:TieredStopAtLevel=1 -cp "$H/classes:$H/lib/*" Neo4jCiClient query "$(current_uri)" "${2:-}" "$1"
}

cmd_wipe() {
  with_lock
  cmd_stop_nolock
  if [[ "${1:-}" == "--all" ]]; then
    log "removing $H"
    exec 9>&-
    rm -rf "$H"
  else
    log "removing $H/data and $H/logs"
    rm -rf "${H:?}/data" "${H:?}/logs"
    mkdir -p "$H/data" "$H/logs"
  fi
}

usage() {
  awk 'NR == 1 { next } /^#/ { sub(/^# ?/, ""); print; next } { exit }' "$0"
}

main() {
  local cmd="${1:-}"
  [[ $# -gt 0 ]] && shift
  case "$cmd" in
    fetch)   cmd_fetch ;;
    start)   cmd_start ;;
    stop)    cmd_stop ;;
    restart) cmd_stop; cmd_start ;;
    status)  cmd_status ;;
    admin)   cmd_admin "$@" ;;
    query)   cmd_query "$@" ;;
    uri)     current_uri ;;
    wipe)    cmd_wipe "$@" ;;
    -h|--help|help) usage ;;
    *) usage >&2; exit 64 ;;
  esac
}

main "$@"
