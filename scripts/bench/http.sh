#!/usr/bin/env bash
# HTTP benchmark: our hand-rolled server (`batch-openai bench-server`) side by side with a
# Hummingbird 2 peer (Benchmarks/HummingbirdPeer) serving the same routes with the same bytes, and
# `batch-openai serve --sim` as a user starts it (its default middleware and its access log, written to
# a file) on GET /healthz, beside the same `serve` with `--log-level warning` (no access log).
#
# Prints figures and ratios (ours / peer) beside the targets of issue 2; asserts nothing.
# Runs are interleaved (ours, peer, ours, peer, ...) so that drift from other work on the machine
# hits both servers alike. Traffic goes to 127.0.0.1 only; only PIDs started here are killed.
#
# Usage: scripts/bench/http.sh [--peer-only] [--no-build] [--rounds N] [--duration SECONDS]
#                              [--upload-mb N]
#   --peer-only      measure only the Hummingbird peer (our binary is neither built nor run)
#   --no-build       use the release binaries already built
#   --rounds N       rounds per scenario and server (default 3); each round restarts both servers
#   --duration S     seconds per wrk run (default 10)
#   --upload-mb N    size of the upload file in MB (default 200)
# Environment:
#   BENCH_OURS_CMD   command that starts our server, to which `--host 127.0.0.1 --port P` is appended
#                    (default: .build/release/batch-openai bench-server). Pointing it at the peer
#                    binary checks the script without our server.
#   BENCH_SERVE_BIN  the batch-openai binary whose `serve --sim` is measured (default:
#                    .build/release/batch-openai; another build's binary measures a before/after).
#   BENCH_PORT_OURS, BENCH_PORT_PEER   ports (default: free ports picked at random)
set -euo pipefail

SCRIPT=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/$(basename "${BASH_SOURCE[0]}")
cd "$(dirname "$SCRIPT")/../.."
ROOT=$PWD

PEER_ONLY=0
BUILD=1
ROUNDS=3
UPLOAD_REPEATS=3     # uploads per round and server: each takes about a second
DURATION=10
UPLOAD_MB=200
while [ $# -gt 0 ]; do
    case "$1" in
        --peer-only) PEER_ONLY=1 ;;
        --no-build) BUILD=0 ;;
        --rounds) ROUNDS=${2:?--rounds needs a number}; shift ;;
        --duration) DURATION=${2:?--duration needs seconds}; shift ;;
        --upload-mb) UPLOAD_MB=${2:?--upload-mb needs a number}; shift ;;
        -h|--help) sed -n '2,26p' "$SCRIPT" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "http.sh: unknown argument '$1' (try --help)" >&2; exit 64 ;;
    esac
    shift
done
for n in "$ROUNDS" "$DURATION" "$UPLOAD_MB"; do
    case "$n" in ''|*[!0-9]*|0) echo "http.sh: '$n' is not a positive integer" >&2; exit 64 ;; esac
done

HOST=127.0.0.1
CONNECTIONS=64
THREADS=2
BUILD_TIMEOUT=2400   # seconds per build; release builds take minutes on 2 shared cores
START_TIMEOUT=30     # seconds for a server to answer /healthz
WRK_TIMEOUT=$((DURATION + 30))
CURL_TIMEOUT=300
JSON_FILE=$ROOT/Benchmarks/bench-json.txt
PEER_PKG=$ROOT/Benchmarks/HummingbirdPeer
PEER_BIN=$PEER_PKG/.build/release/hummingbird-peer
read -r -a OURS_CMD <<< "${BENCH_OURS_CMD:-$ROOT/.build/release/batch-openai bench-server}"
SERVE_BIN=${BENCH_SERVE_BIN:-$ROOT/.build/release/batch-openai}

log() { printf '[http.sh %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# --- temp files and clean-up -------------------------------------------------------------------
TMP=$(mktemp -d "${TMPDIR:-/tmp}/bench-http.XXXXXX")
declare -A PID=()
stop_server() {  # side: TERM, wait up to 5 s, then KILL; only the PID this script started
    local side=$1 pid=${PID[$1]:-}
    [ -n "$pid" ] || return 0
    if kill -0 "$pid" 2>/dev/null; then
        kill -TERM "$pid" 2>/dev/null || true
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
    PID[$side]=""
}
cleanup() {
    local side
    for side in "${!PID[@]}"; do stop_server "$side"; done
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- tools and builds --------------------------------------------------------------------------
missing=()
command -v wrk >/dev/null || missing+=(wrk)
command -v curl >/dev/null || missing+=(curl)
if [ ${#missing[@]} -gt 0 ]; then
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
    log "installing ${missing[*]} with apt-get"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if [ "$BUILD" -eq 1 ]; then
    if [ "$PEER_ONLY" -eq 0 ] && [ -z "${BENCH_OURS_CMD:-}" ]; then
        log "building batch-openai (release)"
        timeout "$BUILD_TIMEOUT" swift build -c release --product batch-openai >&2 \
            || die "release build of batch-openai failed"
    fi
    log "building the Hummingbird peer (release; the first build takes several minutes)"
    timeout "$BUILD_TIMEOUT" swift build -c release --package-path "$PEER_PKG" >&2 \
        || die "release build of the peer failed"
fi
[ -x "$PEER_BIN" ] || die "no peer binary at $PEER_BIN (run without --no-build)"
if [ "$PEER_ONLY" -eq 0 ]; then
    [ -x "${OURS_CMD[0]}" ] || command -v "${OURS_CMD[0]}" >/dev/null \
        || die "no binary '${OURS_CMD[0]}' (run without --no-build, or set BENCH_OURS_CMD)"
fi
[ -s "$JSON_FILE" ] || die "missing $JSON_FILE"

SIDES=(ours peer)
[ "$PEER_ONLY" -eq 1 ] && SIDES=(peer)
# `serve` as a user starts it, and the same without its access log; GET /healthz only (its other routes are the API).
SERVE_SIDES=(serve quiet)
if [ "$PEER_ONLY" -eq 1 ]; then
    SERVE_SIDES=()
elif [ ! -x "$SERVE_BIN" ]; then
    log "WARNING: no $SERVE_BIN: serve is not measured"
    SERVE_SIDES=()
fi

# --- ports -------------------------------------------------------------------------------------
port_in_use() { (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null; }
pick_port() {
    local p
    for _ in $(seq 50); do
        # Below the kernel's range for outgoing connections (ip_local_port_range, 32768 on), so
        # the load generator's own sockets cannot take the port between the check and the bind.
        p=$((20000 + RANDOM % 12000))
        port_in_use "$p" || { echo "$p"; return; }
    done
    die "no free port found"
}
declare -A PORT=()
PORT[ours]=${BENCH_PORT_OURS:-$(pick_port)}
PORT[peer]=${BENCH_PORT_PEER:-$(pick_port)}
[ "${PORT[ours]}" != "${PORT[peer]}" ] || PORT[peer]=$(pick_port)
PORT[serve]=$(pick_port)
PORT[quiet]=$(pick_port)

# --- servers -----------------------------------------------------------------------------------
start_server() {
    local side=$1 port=${PORT[$1]}
    port_in_use "$port" && die "port $port ($side) is already in use by another process"
    # Our /upload streams to a temp file: keep those in $TMP so they are removed with it.
    if [ "$side" = ours ]; then
        TMPDIR=$TMP "${OURS_CMD[@]}" --host "$HOST" --port "$port" >"$TMP/$side.log" 2>&1 &
    elif [ "$side" = serve ] || [ "$side" = quiet ]; then
        # In a folder of its own (outputs/, .env), without the caller's token or folders; the access log
        # (stderr) goes to a file opened for appending, so it can be emptied between runs.
        local level=info
        [ "$side" = quiet ] && level=warning
        mkdir -p "$TMP/$side-root"
        : >"$TMP/$side.access.log"
        (cd "$TMP/$side-root" && TMPDIR=$TMP exec env -u BATCH_OPENAI_TOKEN -u BATCH_OPENAI_OUTPUTS -u BATCH_OPENAI_INPUTS \
            "$SERVE_BIN" serve --sim --host "$HOST" --port "$port" --log-level "$level" \
            >"$TMP/$side.log" 2>>"$TMP/$side.access.log") &
    else
        LOG_LEVEL=error "$PEER_BIN" --host "$HOST" --port "$port" >"$TMP/$side.log" 2>&1 &
    fi
    PID[$side]=$!
}
wait_healthy() {
    local side=$1 url="http://$HOST:${PORT[$1]}/healthz" deadline=$((SECONDS + START_TIMEOUT))
    while [ $SECONDS -lt $deadline ]; do
        if ! kill -0 "${PID[$side]}" 2>/dev/null; then
            log "$side server (pid ${PID[$side]}) exited during start-up; its output:"
            tail -n 20 "$TMP/$side.log" >&2 || true
            die "$side server failed to start"
        fi
        curl -sf --max-time 1 -o /dev/null "$url" && return 0
        sleep 0.2
    done
    tail -n 20 "$TMP/$side.log" >&2 || true
    die "$side server did not answer $url within ${START_TIMEOUT}s"
}
proc_kb() {  # proc_kb side VmRSS|VmHWM -> kB, or n/a once the process is gone
    awk -v k="$2:" '$1 == k { print $2; found = 1 } END { if (!found) print "n/a" }' \
        "/proc/${PID[$1]}/status" 2>/dev/null || echo n/a
}
check_alive() {  # a server that died mid-run is reported, its figures become n/a, the run goes on
    if ! kill -0 "${PID[$1]}" 2>/dev/null; then
        log "WARNING: $1 server (pid ${PID[$1]}) is no longer running; the end of its output:"
        tail -n 20 "$TMP/$1.log" >&2 || true
    fi
}
mb_of_kb() { [ "$1" = n/a ] && echo n/a || awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }

check_bodies() {  # same bytes on both sides; prints a warning, asserts nothing
    local side=$1 base="http://$HOST:${PORT[$1]}"
    curl -s --max-time 5 -o "$TMP/json.body" "$base/json" || true
    cmp -s "$TMP/json.body" "$JSON_FILE" \
        || log "WARNING: $side GET /json body differs from Benchmarks/bench-json.txt"
    [ "$(curl -s --max-time 5 "$base/healthz" || true)" = '{"status":"ok"}' ] \
        || log "WARNING: $side GET /healthz body is not {\"status\":\"ok\"}"
}
warm_up_serve() {
    local base="http://$HOST:${PORT[$1]}" i
    for i in $(seq 20); do curl -s --max-time 5 -o /dev/null "$base/healthz" || true; done
}
warm_up() {
    local side=$1 base="http://$HOST:${PORT[$1]}" i
    for i in $(seq 20); do
        curl -s --max-time 5 -o /dev/null -o /dev/null "$base/healthz" "$base/json" || true
    done
    head -c 65536 /dev/zero | curl -s --max-time 5 -o /dev/null -H 'Expect:' \
        --data-binary @- "$base/discard" || true
}

# --- measurements: each appends one value per round to R[side:metric] ---------------------------
declare -A R=()
record() { R[$1:$2]="${R[$1:$2]:-} $3"; }

to_ms() {  # wrk latency (e.g. 812.00us, 5.38ms, 1.02s) -> ms
    awk -v v="$1" 'BEGIN {
        if (v ~ /us$/) { sub(/us$/, "", v); printf "%.3f", v / 1000 }
        else if (v ~ /ms$/) { sub(/ms$/, "", v); printf "%.3f", v }
        else if (v ~ /m$/) { sub(/m$/, "", v); printf "%.3f", v * 60000 }
        else if (v ~ /s$/) { sub(/s$/, "", v); printf "%.3f", v * 1000 }
        else print "n/a" }'
}
run_wrk() {  # run_wrk side name path [wrk args...]
    local side=$1 name=$2 path=$3 out="$TMP/wrk.$1.$2.txt"; shift 3
    timeout "$WRK_TIMEOUT" wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency "$@" \
        "http://$HOST:${PORT[$side]}$path" >"$out" 2>&1 || log "wrk exited non-zero ($side $name)"
    local rps p99 errors requests
    rps=$(awk '/^Requests\/sec:/ { print $2 }' "$out")
    requests=$(awk '$2 == "requests" && $3 == "in" { print $1 }' "$out")
    p99=$(awk '$1 == "99%" { print $2 }' "$out")
    errors=$(grep -E 'Socket errors|Non-2xx' "$out" | tr -s ' ' | paste -sd ';' - || true)
    if [ -n "$errors" ]; then log "note: $side $name: $errors"; fi
    record "$side" "$name.rps" "${rps:-n/a}"
    record "$side" "$name.p99" "$([ -n "$p99" ] && to_ms "$p99" || echo n/a)"
    log "$side $name: ${rps:-n/a} req/s, p99 ${p99:-n/a}"
    check_alive "$side"
    if [ -f "$TMP/$side.access.log" ]; then
        # The access log is part of what is measured; its lines are counted (one per request is expected) and
        # the file emptied so that the disk does not fill over the rounds.
        sleep 0.5
        local lines
        lines=$(grep -cE ' path=/healthz| GET /healthz 200 ' "$TMP/$side.access.log" || true)  # this format or the earlier one
        record "$side" "$name.loglines" "${lines:-0}/${requests:-n/a}"
        [ "$side" = serve ] && log "$side $name: $lines access-log lines for ${requests:-n/a} requests"
        : >"$TMP/$side.access.log"
    fi
}
run_upload() {  # run_upload side name path multipart|raw
    local side=$1 name=$2 url="http://$HOST:${PORT[$1]}$3" kind=$4 out result code speed
    out="$TMP/upload.$side.$name.json"
    # 'Expect:' drops curl's Expect: 100-continue (sent above 1 MB): Hummingbird never answers it,
    # so curl would sit out its 1 s expect timeout and the figure would measure that wait.
    local args=(-s --max-time "$CURL_TIMEOUT" -o "$out" -H 'Expect:' -w '%{http_code} %{speed_upload}')
    if [ "$kind" = multipart ]; then
        args+=(-F "file=@$UPLOAD_FILE;type=application/octet-stream")
    else
        args+=(-H 'Content-Type: application/octet-stream' --data-binary "@$UPLOAD_FILE")
    fi
    result=$(curl "${args[@]}" "$url" || echo "000 0")
    code=${result%% *}; speed=${result#* }
    if [ "$code" = 200 ]; then
        record "$side" "$name.mbps" "$(awk -v s="$speed" 'BEGIN { printf "%.1f", s / 1e6 }')"
        grep -q "\"bytes\":$UPLOAD_BYTES\b" "$out" \
            || log "note: $side $name answered $(head -c 200 "$out"), expected {\"bytes\":$UPLOAD_BYTES}"
    else
        record "$side" "$name.mbps" n/a
        log "note: $side $name: HTTP $code, $(head -c 200 "$out" 2>/dev/null || true)"
    fi
    log "$side $name: HTTP $code, $(awk -v s="$speed" 'BEGIN { printf "%.1f", s / 1e6 }') MB/s"
    check_alive "$side"
}

UPLOAD_FILE=$TMP/bench-${UPLOAD_MB}mb.bin
log "writing a ${UPLOAD_MB} MB upload file"
head -c "$((UPLOAD_MB * 1000 * 1000))" /dev/urandom >"$UPLOAD_FILE"
UPLOAD_BYTES=$(stat -c %s "$UPLOAD_FILE")

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
log "ports: ours ${PORT[ours]}, peer ${PORT[peer]}; ${ROUNDS} rounds, ${DURATION}s per wrk run"
for round in $(seq "$ROUNDS"); do
    # Alternate which server goes first in each pair, so neither always runs on a warmer machine.
    order=("${SIDES[@]}")
    if [ ${#SIDES[@]} -eq 2 ] && [ $((round % 2)) -eq 0 ]; then order=(peer ours); fi
    log "round $round of $ROUNDS (order: ${order[*]})"

    for side in "${order[@]}" "${SERVE_SIDES[@]}"; do start_server "$side"; done
    for side in "${order[@]}" "${SERVE_SIDES[@]}"; do wait_healthy "$side"; done
    for side in "${order[@]}"; do
        if [ "$round" -eq 1 ]; then check_bodies "$side"; fi
        warm_up "$side"
    done
    sleep 1
    for side in "${order[@]}"; do record "$side" idle.rss "$(mb_of_kb "$(proc_kb "$side" VmRSS)")"; done

    for side in "${order[@]}"; do run_wrk "$side" healthz-ka /healthz; done
    # serve and serve without its log, alternating which goes first like the other pairs.
    serve_order=("${SERVE_SIDES[@]}")
    if [ ${#SERVE_SIDES[@]} -eq 2 ] && [ $((round % 2)) -eq 0 ]; then serve_order=(quiet serve); fi
    for side in "${serve_order[@]}"; do warm_up_serve "$side"; run_wrk "$side" healthz-ka /healthz; done
    for side in "${order[@]}"; do run_wrk "$side" json-ka /json; done
    # VmHWM is the process's peak so far: start-up, warm-up and the keep-alive runs.
    for side in "${order[@]}"; do record "$side" ka.hwm "$(mb_of_kb "$(proc_kb "$side" VmHWM)")"; done

    for side in "${order[@]}"; do run_wrk "$side" healthz-close /healthz -H 'Connection: close'; done

    for _ in $(seq "$UPLOAD_REPEATS"); do
        for side in "${order[@]}"; do
            if [ "$side" = ours ]; then run_upload ours upload /upload multipart; fi
            run_upload "$side" discard /discard raw
        done
    done
    for side in "${order[@]}"; do
        record "$side" upload.hwm "$(mb_of_kb "$(proc_kb "$side" VmHWM)")"
        record "$side" upload.rss "$(mb_of_kb "$(proc_kb "$side" VmRSS)")"
    done

    for side in "${order[@]}" "${SERVE_SIDES[@]}"; do stop_server "$side"; done
done

# --- report ------------------------------------------------------------------------------------
# Of the rounds: the best for throughput (max) and latency (min), since interference from other
# work on the machine only ever makes them worse; the worst (max) for memory.
pick() {  # pick side metric max|min
    local values=${R[$1:$2]:-}
    awk -v mode="$3" -v list="$values" 'BEGIN {
        n = split(list, v, " "); best = ""
        for (i = 1; i <= n; i++) {
            if (v[i] == "n/a") continue
            if (best == "" || (mode == "max" && v[i] + 0 > best + 0) || (mode == "min" && v[i] + 0 < best + 0)) best = v[i]
        }
        print (best == "" ? "n/a" : best) }'
}
spread() {  # largest (max - min) / max over the rounds of either side, in percent
    local lists="${R[ours:$1]:-}|${R[peer:$1]:-}"
    awk -v lists="$lists" 'BEGIN {
        m = split(lists, side, "|"); worst = -1
        for (s = 1; s <= m; s++) {
            n = split(side[s], v, " "); lo = ""; hi = ""
            for (i = 1; i <= n; i++) {
                if (v[i] == "n/a") continue
                if (lo == "" || v[i] + 0 < lo + 0) lo = v[i]
                if (hi == "" || v[i] + 0 > hi + 0) hi = v[i]
            }
            if (hi != "" && hi + 0 > 0 && (hi - lo) / hi > worst) worst = (hi - lo) / hi
        }
        if (worst < 0) print "n/a"; else printf "%.0f%%", worst * 100 }'
}
ratio() {
    awk -v a="$1" -v b="$2" 'BEGIN {
        if (a == "n/a" || b == "n/a" || a == "" || b == "" || b + 0 == 0) print "n/a"; else printf "%.2f", a / b }'
}
fmt() { [ "$1" = n/a ] && echo n/a || awk -v x="$1" 'BEGIN { printf (x >= 1000 ? "%.0f" : "%.2f"), x }'; }

row_of() {  # row_of side label metric max|min target: another of our servers against the peer
    local value peer
    value=$(pick "$1" "$3" "$4")
    peer=$(pick peer "$3" "$4")
    printf '%-36s %10s %10s %7s %7s   %s\n' "$2" "$(fmt "$value")" "$(fmt "$peer")" "$(ratio "$value" "$peer")" \
        "$(spread_of "$1" "$3")" "$5"
}
spread_of() {  # like spread, for one side against the peer
    local saved_ours=${R[ours:$2]:-}
    R[ours:$2]=${R[$1:$2]:-}
    spread "$2"
    R[ours:$2]=$saved_ours
}
row() {  # row label metric max|min target
    local ours=n/a peer
    [ "$PEER_ONLY" -eq 0 ] && ours=$(pick ours "$2" "$3")
    peer=$(pick peer "$2" "$3")
    printf '%-36s %10s %10s %7s %7s   %s\n' "$1" "$(fmt "$ours")" "$(fmt "$peer")" "$(ratio "$ours" "$peer")" \
        "$(spread "$2")" "$4"
}

echo
echo "HTTP benchmark: ours = batch-openai bench-server ($([ "$PEER_ONLY" -eq 1 ] && echo 'not run' || echo "${OURS_CMD[*]}")), peer = Hummingbird 2"
echo "wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s; ${ROUNDS} interleaved rounds, servers restarted each round;"
echo "req/s and MB/s: best of rounds (higher is better); p99: best of rounds (lower is better);"
echo "RSS: worst of rounds (lower is better). ratio = ours / peer. spread = largest (max-min)/max"
echo "over the rounds of either server: how much the machine's other load moved the figure."
echo "load average: $LOAD_BEFORE before, $(cut -d' ' -f1-3 /proc/loadavg) after (2 cores)."
echo
printf '%-36s %10s %10s %7s %7s   %s\n' metric ours peer ratio spread "target (issue 2)"
printf '%s\n' "$(printf '%.0s-' $(seq 100))"
row "idle RSS, MB (VmRSS)"                idle.rss        max "ratio <= 0.75 (lower is better)"
row "GET /healthz keep-alive, req/s"      healthz-ka.rps  max "ratio >= 1.0"
row "GET /healthz keep-alive, p99 ms"     healthz-ka.p99  min "ratio <= 1.0 (lower is better)"
if [ ${#SERVE_SIDES[@]} -gt 0 ]; then
    row_of serve "serve --sim /healthz k-a, req/s"  healthz-ka.rps max "ratio >= 1.0 (issue 11 §22, access log on)"
    row_of serve "serve --sim /healthz k-a, p99 ms" healthz-ka.p99 min "ratio <= 1.0 (lower is better)"
    row_of quiet "  same, --log-level warning, req/s" healthz-ka.rps max "(no access log; for comparison)"
    row_of quiet "  same, --log-level warning, p99 ms" healthz-ka.p99 min "(lower is better)"
fi
row "GET /json keep-alive, req/s"         json-ka.rps     max "ratio >= 1.0"
row "GET /json keep-alive, p99 ms"        json-ka.p99     min "ratio <= 1.0 (lower is better)"
row "peak RSS under keep-alive, MB"       ka.hwm          max "ratio <= 1.0 (lower is better)"
row "GET /healthz new conn., req/s"       healthz-close.rps max "ratio >= 0.95"
row "GET /healthz new conn., p99 ms"      healthz-close.p99 min "(no target; lower is better)"
row "POST /discard ${UPLOAD_MB} MB body, MB/s" discard.mbps max "(no target; the sink)"
row "peak RSS incl. uploads, MB (VmHWM)"  upload.hwm      max "ours < 64 MB (lower is better)"
row "RSS after uploads, MB (VmRSS)"       upload.rss      max "ours < 64 MB (lower is better)"
echo
if [ ${#SERVE_SIDES[@]} -gt 0 ]; then
    echo "serve = $SERVE_BIN serve --sim, access log (stderr) to a file; serve with / without its log:" \
        "$(ratio "$(pick serve healthz-ka.rps max)" "$(pick quiet healthz-ka.rps max)") (req/s)"
    echo "  access-log lines / wrk requests per round: ${R[serve:healthz-ka.loglines]:-n/a}"
    echo
fi
if [ "$PEER_ONLY" -eq 0 ]; then
    up=$(pick ours upload.mbps max)
    own_sink=$(pick ours discard.mbps max)
    peer_sink=$(pick peer discard.mbps max)
    echo "multipart upload of ${UPLOAD_MB} MB to our /upload (to a temp file): $(fmt "$up") MB/s"
    echo "  ÷ our  /discard sink ($(fmt "$own_sink") MB/s) = $(ratio "$up" "$own_sink")   target >= 0.5"
    echo "  ÷ peer /discard sink ($(fmt "$peer_sink") MB/s) = $(ratio "$up" "$peer_sink")   target >= 0.5"
    echo "  (best of $((ROUNDS * UPLOAD_REPEATS)) each; curl -F file=@... to /upload, --data-binary @... to /discard;"
    echo "   both without Expect: 100-continue)"
fi
echo
echo "wrk's Connection: close runs count about one read error per request on both servers: wrk's"
echo "read after the server's close; the requests themselves succeed."
echo
echo "per-round values:"
for key in $(printf '%s\n' "${!R[@]}" | sort); do printf '  %-24s%s\n' "$key" "${R[$key]}"; done
