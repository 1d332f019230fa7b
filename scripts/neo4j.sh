#!/usr/bin/env bash
# Throwaway local Neo4j community server for tests and for machines without Docker.
#
#   scripts/neo4j.sh start|stop|restart|status|version|reset
#
# The server jars come from Maven Central (org.neo4j:neo4j, fetched with mvn via
# scripts/neo4j/pom.xml) and are cached, so only the first `start` downloads.
# The server is started exactly like the official distribution's bin/neo4j
# does (org.neo4j.server.CommunityEntryPoint), bound to 127.0.0.1, with auth.
#
# Environment (all optional):
#   NEO4J_VERSION        Neo4j version to fetch            (default 5.26.30)
#   NEO4J_PASSWORD       password of user neo4j, >= 8 chars (default policykg-test-pw)
#   NEO4J_BOLT_PORT      Bolt port on 127.0.0.1            (default 7687)
#   NEO4J_HTTP_PORT      HTTP port on 127.0.0.1            (default 7474)
#   POLICYKG_CACHE       cache root                        (default ~/.cache/policykg)
#   NEO4J_CACHE_DIR      jar cache + homes                 (default $POLICYKG_CACHE/neo4j)
#   NEO4J_HOME_DIR       server home: conf, data, logs, pid (default $NEO4J_CACHE_DIR/home-$NEO4J_BOLT_PORT)
#   NEO4J_HEAP           JVM heap, initial = max            (default 512m)
#   NEO4J_PAGECACHE      page cache size                    (default 128m)
#   NEO4J_START_TIMEOUT  seconds to wait for Bolt           (default 120)
#   NEO4J_JAVA           java binary (else $JAVA_HOME/bin/java, else java; must be 17 or 21)
#   NEO4J_PYTHON         python used for the readiness query `RETURN 1` (else repo .venv, else
#                        python3); without an importable `neo4j` driver (or NEO4J_PYTHON=none)
#                        readiness = Bolt port open + "Started." in neo4j.log
#   MVN                  maven binary                      (default mvn)
#   NEO4J_BROWSER_VERSION  Neo4j Browser (org.neo4j.client:neo4j-browser on Maven Central)
#                        put in plugins/ and served at http://127.0.0.1:$NEO4J_HTTP_PORT/browser/
#                        (default 5.24.0, the newest published; "none": no Browser)
#
# `status` exits 0 when running, 3 when not. `reset` stops the server and deletes
# its home (all data). Server output goes to $NEO4J_HOME_DIR/logs/, never stdout.
# The password is never printed (nor passed on a command line).
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$SCRIPT_DIR/.." && pwd)
POM="$SCRIPT_DIR/neo4j/pom.xml"
PW_TOOL="$SCRIPT_DIR/neo4j/SetInitialPassword.java"

NEO4J_VERSION=${NEO4J_VERSION:-5.26.30}
NEO4J_PASSWORD=${NEO4J_PASSWORD:-policykg-test-pw}
BOLT_PORT=${NEO4J_BOLT_PORT:-7687}
HTTP_PORT=${NEO4J_HTTP_PORT:-7474}
CACHE_DIR=${NEO4J_CACHE_DIR:-${POLICYKG_CACHE:-$HOME/.cache/policykg}/neo4j}
HOME_DIR=${NEO4J_HOME_DIR:-$CACHE_DIR/home-$BOLT_PORT}
HEAP=${NEO4J_HEAP:-512m}
PAGECACHE=${NEO4J_PAGECACHE:-128m}
START_TIMEOUT=${NEO4J_START_TIMEOUT:-120}
MVN=${MVN:-mvn}
BROWSER_VERSION=${NEO4J_BROWSER_VERSION:-5.24.0}
BROWSER_DIR="$CACHE_DIR/browser"

DIST_DIR="$CACHE_DIR/dist/$NEO4J_VERSION"
LIB_DIR="$DIST_DIR/lib"
PID_FILE="$HOME_DIR/run/policykg-neo4j.pid"
LOG_DIR="$HOME_DIR/logs"
MAIN_CLASS=org.neo4j.server.CommunityEntryPoint

log() { printf 'neo4j.sh: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# ---------------------------------------------------------------- helpers

java_major() { # $1 = java binary -> prints major version (17, 21, ...)
    "$1" -version 2>&1 | awk -F'"' '/version/ {split($2, v, "."); print (v[1] == "1" ? v[2] : v[1]); exit}'
}

find_java() {
    local cand m
    for cand in ${NEO4J_JAVA:+"$NEO4J_JAVA"} ${JAVA_HOME:+"$JAVA_HOME/bin/java"} "$(command -v java || true)" \
                /usr/lib/jvm/*21*/bin/java /usr/lib/jvm/*17*/bin/java; do
        [ -n "$cand" ] && [ -x "$cand" ] || continue
        m=$(java_major "$cand" || true)
        if [ "$m" = 17 ] || [ "$m" = 21 ]; then echo "$cand"; return 0; fi
        if [ -n "${NEO4J_JAVA:-}" ] && [ "$cand" = "$NEO4J_JAVA" ]; then
            die "NEO4J_JAVA=$NEO4J_JAVA is Java $m; Neo4j ${NEO4J_VERSION} needs Java 17 or 21"
        fi
    done
    die "no Java 17 or 21 found (Neo4j ${NEO4J_VERSION} supports only those); set NEO4J_JAVA or JAVA_HOME"
}

read_pid() { [ -f "$PID_FILE" ] && tr -dc '0-9' <"$PID_FILE" || true; }

# True if $1 is a live process that is *our* server (guards against pid reuse).
is_our_server() {
    local pid=$1 cmd
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
    cmd=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) || return 1
    [[ $cmd == *"$MAIN_CLASS"* && $cmd == *"--home-dir=$HOME_DIR"* ]]
}

running_pid() {
    local pid; pid=$(read_pid)
    if is_our_server "$pid"; then echo "$pid"; fi
}

port_in_use() { # $1 = port
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Line counts of the logs when this start began, so failures show only new lines.
LOG_SKIP_CONSOLE=0
LOG_SKIP_NEO4J=0

show_log_tail() {
    local f skip
    for f in console.log neo4j.log; do
        [ "$f" = console.log ] && skip=$LOG_SKIP_CONSOLE || skip=$LOG_SKIP_NEO4J
        [ -s "$LOG_DIR/$f" ] || continue
        log "---- last lines of $LOG_DIR/$f (this start) ----"
        tail -n +"$((skip + 1))" "$LOG_DIR/$f" | tail -n 40 >&2
    done
    log "(full logs: $LOG_DIR/neo4j.log, $LOG_DIR/debug.log, $LOG_DIR/console.log)"
}

pw_fingerprint() { printf 'policykg:%s' "$NEO4J_PASSWORD" | sha256sum | cut -c1-64; }

# ---------------------------------------------------------------- install

install_dist() {
    [ -f "$DIST_DIR/.complete" ] && return 0
    command -v "$MVN" >/dev/null || die "maven ('$MVN') not found; needed once to fetch Neo4j jars"
    mkdir -p "$DIST_DIR"
    local tmp="$DIST_DIR/lib.tmp.$$" mvnlog="$DIST_DIR/mvn.log" t0=$SECONDS
    rm -rf "$tmp"
    log "fetching Neo4j $NEO4J_VERSION jars from Maven Central (once; log: $mvnlog)"
    if ! "$MVN" -B -q -f "$POM" -Dneo4j.version="$NEO4J_VERSION" \
            dependency:copy-dependencies -DincludeScope=runtime \
            -DoutputDirectory="$tmp" >"$mvnlog" 2>&1; then
        tail -n 30 "$mvnlog" >&2
        rm -rf "$tmp"
        die "maven could not fetch org.neo4j:neo4j:$NEO4J_VERSION (see $mvnlog)"
    fi
    [ -f "$tmp/neo4j-$NEO4J_VERSION.jar" ] || die "org.neo4j:neo4j:$NEO4J_VERSION jar missing after download"
    rm -rf "$LIB_DIR"
    mv "$tmp" "$LIB_DIR"
    echo "$NEO4J_VERSION" >"$DIST_DIR/.complete"
    log "fetched $(ls "$LIB_DIR" | wc -l) jars, $(du -sh "$LIB_DIR" | cut -f1) in $((SECONDS - t0))s"
}

# Neo4j Browser: the same jar the official distribution ships in its lib/, published on
# Maven Central as org.neo4j.client:neo4j-browser; on the classpath it serves /browser/.
install_browser() {
    [ "$BROWSER_VERSION" = none ] && return 0
    local jar="$BROWSER_DIR/neo4j-browser-$BROWSER_VERSION.jar" mvnlog="$BROWSER_DIR/mvn.log"
    if [ ! -f "$jar" ]; then
        command -v "$MVN" >/dev/null || die "maven ('$MVN') not found; needed once to fetch Neo4j Browser"
        mkdir -p "$BROWSER_DIR"
        log "fetching Neo4j Browser $BROWSER_VERSION from Maven Central (once; log: $mvnlog)"
        if ! "$MVN" -B -q -f "$POM" dependency:copy \
                -Dartifact="org.neo4j.client:neo4j-browser:$BROWSER_VERSION" \
                -DoutputDirectory="$BROWSER_DIR" >"$mvnlog" 2>&1 || [ ! -f "$jar" ]; then
            tail -n 30 "$mvnlog" >&2
            die "maven could not fetch org.neo4j.client:neo4j-browser:$BROWSER_VERSION (see $mvnlog; NEO4J_BROWSER_VERSION=none skips it)"
        fi
    fi
}

# plugins/ holds exactly the Browser version asked for (or none).
link_browser() {
    rm -f "$HOME_DIR"/plugins/neo4j-browser-*.jar
    [ "$BROWSER_VERSION" = none ] && return 0
    ln -s "$BROWSER_DIR/neo4j-browser-$BROWSER_VERSION.jar" "$HOME_DIR/plugins/"
}

# ---------------------------------------------------------------- home / config

write_conf() {
    mkdir -p "$HOME_DIR"/{conf,data,logs,run,plugins,import}
    cat >"$HOME_DIR/conf/neo4j.conf" <<EOF
# Generated by scripts/neo4j.sh on every start; edits are overwritten.
server.default_listen_address=127.0.0.1
server.default_advertised_address=127.0.0.1
server.bolt.enabled=true
server.bolt.listen_address=127.0.0.1:$BOLT_PORT
server.bolt.advertised_address=127.0.0.1:$BOLT_PORT
server.bolt.tls_level=DISABLED
server.http.enabled=true
server.http.listen_address=127.0.0.1:$HTTP_PORT
server.http.advertised_address=127.0.0.1:$HTTP_PORT
server.https.enabled=false
dbms.security.auth_enabled=true
server.memory.heap.initial_size=$HEAP
server.memory.heap.max_size=$HEAP
server.memory.pagecache.size=$PAGECACHE
dbms.usage_report.enabled=false
# Neo4j Browser on an offline office machine: no usage telemetry.
client.allow_telemetry=false
db.tx_log.rotation.retention_policy=1 files
server.directories.import=import
dbms.security.allow_csv_import_from_file_urls=true
# Bolt's netty waits a 5 s quiet period on shutdown by default; not useful here.
internal.dbms.bolt.netty_server_shutdown_quiet_period=0
EOF
}

# Sets the initial password on a fresh home. If the home was initialised with a
# different password, its data is wiped (it is a throwaway server).
init_auth() {
    local java=$1 fp marker="$HOME_DIR/data/.policykg-password-sha256"
    fp=$(pw_fingerprint)
    if [ -f "$marker" ] && [ "$(cat "$marker")" = "$fp" ]; then return 0; fi
    if [ -d "$HOME_DIR/data/databases" ] || [ -f "$marker" ]; then
        log "NEO4J_PASSWORD differs from the one this home was created with: wiping $HOME_DIR/data"
    fi
    rm -rf "$HOME_DIR/data"
    mkdir -p "$HOME_DIR/data"
    if ! NEO4J_HOME="$HOME_DIR" NEO4J_CONF="$HOME_DIR/conf" NEO4J_PASSWORD="$NEO4J_PASSWORD" \
            "$java" -cp "$LIB_DIR/*" "$PW_TOOL" >"$LOG_DIR/set-initial-password.log" 2>&1; then
        cat "$LOG_DIR/set-initial-password.log" >&2
        die "set-initial-password failed"
    fi
    [ -f "$HOME_DIR/data/dbms/auth.ini" ] || die "set-initial-password did not write data/dbms/auth.ini"
    echo "$fp" >"$marker"
}

# ---------------------------------------------------------------- readiness

pick_python() {
    local p cands=("$REPO_DIR/.venv/bin/python" "$(command -v python3 || true)")
    [ -n "${NEO4J_PYTHON:-}" ] && cands=("$NEO4J_PYTHON")   # e.g. NEO4J_PYTHON=none: TCP + log check only
    for p in "${cands[@]}"; do
        [ -n "$p" ] && [ -x "$p" ] || continue
        if "$p" -c 'import neo4j' >/dev/null 2>&1; then echo "$p"; return 0; fi
    done
    return 1
}

bolt_query_ok() { # $1 = python with the neo4j driver
    NEO4J_PASSWORD="$NEO4J_PASSWORD" NEO4J_BOLT_PORT="$BOLT_PORT" "$1" - <<'EOF' >/dev/null 2>&1
import os
from neo4j import GraphDatabase
uri = "bolt://127.0.0.1:%s" % os.environ["NEO4J_BOLT_PORT"]
with GraphDatabase.driver(uri, auth=("neo4j", os.environ["NEO4J_PASSWORD"]), connection_timeout=5) as d:
    recs, _, _ = d.execute_query("RETURN 1 AS x")
    assert recs[0]["x"] == 1
EOF
}

wait_ready() { # $1 = server pid, $2 = "nolog" to skip the neo4j.log "Started." check
    local pid=$1 check_log=${2:-log} py="" deadline=$((SECONDS + START_TIMEOUT))
    py=$(pick_python || true)
    while :; do
        if ! kill -0 "$pid" 2>/dev/null; then
            show_log_tail
            rm -f "$PID_FILE"
            die "Neo4j exited during startup"
        fi
        if port_in_use "$BOLT_PORT" && { [ "$check_log" = nolog ] || tail -n +"$((LOG_SKIP_NEO4J + 1))" "$LOG_DIR/neo4j.log" 2>/dev/null | grep -q 'INFO  Started\.'; }; then
            if [ -z "$py" ]; then echo "tcp+log"; return 0; fi
            if bolt_query_ok "$py"; then echo "bolt query"; return 0; fi
        fi
        if [ $SECONDS -ge $deadline ]; then
            show_log_tail
            die "Neo4j did not answer on bolt://127.0.0.1:$BOLT_PORT within ${START_TIMEOUT}s (server pid $pid still running; run '$0 stop')"
        fi
        sleep 0.5
    done
}

# ---------------------------------------------------------------- commands

cmd_start() {
    mkdir -p "$CACHE_DIR"
    exec 9>"$CACHE_DIR/.lock-$BOLT_PORT"
    flock -w 600 9 || die "could not get lock $CACHE_DIR/.lock-$BOLT_PORT"

    [ ${#NEO4J_PASSWORD} -ge 8 ] || die "NEO4J_PASSWORD must be at least 8 characters (Neo4j 5 rule)"
    local pid how; pid=$(running_pid)
    if [ -n "$pid" ]; then
        [ "$(cat "$HOME_DIR/data/.policykg-password-sha256" 2>/dev/null)" = "$(pw_fingerprint)" ] ||
            die "already running (pid $pid) but with a different NEO4J_PASSWORD; run '$0 stop' first"
        how=$(wait_ready "$pid" nolog)   # it may still be starting up
        log "already running (pid $pid) on bolt://127.0.0.1:$BOLT_PORT ($how)"
        return 0
    fi
    rm -f "$PID_FILE"
    for p in "$BOLT_PORT" "$HTTP_PORT"; do
        port_in_use "$p" && die "port 127.0.0.1:$p is already in use by another process (set NEO4J_BOLT_PORT / NEO4J_HTTP_PORT)"
    done

    local t0=$SECONDS java
    java=$(find_java)
    install_dist
    install_browser
    write_conf
    link_browser
    init_auth "$java"

    [ -f "$LOG_DIR/neo4j.log" ] && LOG_SKIP_NEO4J=$(wc -l <"$LOG_DIR/neo4j.log")
    [ -f "$LOG_DIR/console.log" ] && LOG_SKIP_CONSOLE=$(wc -l <"$LOG_DIR/console.log")
    # JVM flags as in the distribution's default neo4j.conf (server.jvm.additional).
    local -a jvm=(
        "-Xms$HEAP" "-Xmx$HEAP"
        -XX:+UseG1GC -XX:-OmitStackTraceInFastThrow
        -XX:+UnlockExperimentalVMOptions -XX:+TrustFinalNonStaticFields -XX:+DisableExplicitGC
        -Djdk.nio.maxCachedBufferSize=1024 -Dio.netty.tryReflectionSetAccessible=true
        -Djdk.tls.ephemeralDHKeySize=2048 -Djdk.tls.rejectClientInitiatedRenegotiation=true
        --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED
        --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --enable-native-access=ALL-UNNAMED
        -Dlog4j2.disable.jmx=true -Dlog4j.layout.jsonTemplate.maxStringLength=32768
        -XX:+ExitOnOutOfMemoryError
    )
    log "starting Neo4j $NEO4J_VERSION community (home $HOME_DIR, heap $HEAP, pagecache $PAGECACHE)"
    # setsid: own session, so the server survives the caller's shell/terminal;
    # exec: the recorded pid is the JVM itself.
    (
        exec 9>&-   # do not hand the start lock to the server
        cd "$HOME_DIR"
        exec setsid "$java" "${jvm[@]}" \
            -cp "$HOME_DIR/plugins/*:$HOME_DIR/conf/*:$LIB_DIR/*" \
            "$MAIN_CLASS" --home-dir="$HOME_DIR" --config-dir="$HOME_DIR/conf" \
            </dev/null >>"$LOG_DIR/console.log" 2>&1
    ) &
    pid=$!
    echo "$pid" >"$PID_FILE"
    how=$(wait_ready "$pid")
    log "Neo4j ready after $((SECONDS - t0))s ($how): bolt://127.0.0.1:$BOLT_PORT http://127.0.0.1:$HTTP_PORT user neo4j (pid $pid)"
    [ "$BROWSER_VERSION" = none ] || log "Neo4j Browser $BROWSER_VERSION: http://127.0.0.1:$HTTP_PORT/browser/ (connect to bolt://127.0.0.1:$BOLT_PORT)"
}

cmd_stop() {
    local pid; pid=$(read_pid)
    if ! is_our_server "$pid"; then
        rm -f "$PID_FILE"
        log "not running"
        return 0
    fi
    log "stopping Neo4j (pid $pid)"
    kill -TERM "$pid"
    local i
    for i in $(seq 1 120); do   # up to 60 s for a clean shutdown
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.5
    done
    if kill -0 "$pid" 2>/dev/null; then
        log "still alive after 60s, sending SIGKILL to pid $pid"
        kill -KILL "$pid" 2>/dev/null || true
        sleep 1
    fi
    rm -f "$PID_FILE"
    log "stopped"
}

cmd_status() {
    local pid; pid=$(running_pid)
    if [ -n "$pid" ]; then
        local http
        http=$(sed -n 's/^server\.http\.listen_address=//p' "$HOME_DIR/conf/neo4j.conf" 2>/dev/null || true)
        echo "running (pid $pid) bolt://127.0.0.1:$BOLT_PORT http://${http:-127.0.0.1:$HTTP_PORT} home $HOME_DIR"
        return 0
    fi
    echo "not running (home $HOME_DIR)"
    return 3
}

cmd_version() {
    if [ -f "$LIB_DIR/neo4j-$NEO4J_VERSION.jar" ]; then
        echo "Neo4j $NEO4J_VERSION community"
    else
        echo "Neo4j $NEO4J_VERSION community (not downloaded yet)"
    fi
}

cmd_reset() {
    cmd_stop
    case "$HOME_DIR" in ""|/|"$HOME") die "refusing to delete '$HOME_DIR'";; esac
    rm -rf "$HOME_DIR"
    log "deleted $HOME_DIR"
}

case "${1:-}" in
    start) cmd_start ;;
    stop) cmd_stop ;;
    restart) cmd_stop; cmd_start ;;
    status) cmd_status ;;
    version) cmd_version ;;
    reset) cmd_reset ;;
    *) echo "usage: $0 start|stop|restart|status|version|reset" >&2; exit 2 ;;
esac
