# Sourced by the scripts that check a running server (openapi-check.sh, openapi-fuzz.sh).
#
# start_serve_sim NAME BINARY WORK [ARGS...]
#   Starts `BINARY serve --sim --port 0 ARGS...` in the folder WORK (its output in WORK/stdout.log and
#   WORK/stderr.log), without the caller's token or folders, and waits for the address it announces. Sets
#   `pid` and `url`; at exit the server is stopped and WORK removed. NAME prefixes the error messages.
start_serve_sim() {
  local name=$1 binary=$2 work=$3
  shift 3
  (cd "$work" && exec env -u BATCH_OPENAI_TOKEN -u BATCH_OPENAI_OUTPUTS -u BATCH_OPENAI_INPUTS \
    "$binary" serve --sim --port 0 "$@" >stdout.log 2>stderr.log) &
  pid=$!
  # shellcheck disable=SC2064  # the values are fixed now, on purpose
  trap "kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -rf '$work'" EXIT
  url=""
  for _ in $(seq 1 100); do
    url="$(grep -o 'http://[^ ]*' "$work/stdout.log" | head -n 1 || true)"
    [ -n "$url" ] && return 0
    kill -0 "$pid" 2>/dev/null || { cat "$work/stderr.log"; echo "$name: the server did not start" >&2; exit 1; }
    sleep 0.1
  done
  cat "$work/stderr.log"
  echo "$name: no address from the server" >&2
  exit 1
}
