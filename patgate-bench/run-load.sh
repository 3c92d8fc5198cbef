#!/usr/bin/env bash
# Load harness: wrk against an nginx upstream directly, through an nginx reverse proxy (the peer
# people compare with) and through PATgate (good token, bad-checksum token, unknown token), and
# over HTTPS through both (same certificate, generated for the run), on loopback only, interleaved
# rounds, medians and ratios written to docs/benchmarks.md.
#
#   patgate-bench/run-load.sh [--quick] [--rounds N] [--duration SECONDS] [--warmup SECONDS]
#                             [--connections "16 64"] [--cases "..."] [--jfr FILE] [--no-write] [--no-install]
#
#   --quick        1 round of 1 s per case, 2 s warm-up (smoke test; numbers are meaningless)
#   --rounds N     rounds of A B C D ... (default 3, or env ROUNDS)
#   --duration S   seconds per wrk run (default 10, or env DURATION)
#   --warmup S     seconds of PATgate warm-up (JIT) before measuring (default 10, or env WARMUP)
#   --connections  wrk connection counts (default "16 64", or env CONNECTIONS)
#   --cases        which cases to run (default "direct nginx patgate patgate-deny patgate-unknown netty
#                  netty-auto netty-deny nginx-tls netty-tls nginx-check"; netty and netty-deny run a
#                  second PATgate with listen.dataPlane: netty and listen.eventLoops: 1 (one I/O thread,
#                  as nginx's one worker; every Netty instance here has one but netty-auto's, which has
#                  the default, one per core); nginx-tls and netty-tls run nginx and a third PATgate
#                  (Netty) with TLS 1.3 only and a self-signed certificate made with openssl for the run;
#                  nginx-check is nginx asking the second PATgate about each request (auth_request to
#                  /.patgate/check, kept alive) before it forwards the request itself)
#   --jfr FILE     record a JFR profile of PATgate for the whole run into FILE
#   --baseline-jar JAR  also run this PATgate jar (e.g. an older build) as case patgate-baseline,
#                  on the Netty plane with one I/O thread like netty, interleaved with the others:
#                  a before/after comparison under the same conditions
#   --no-write     print the report only; by default the "load" section of docs/benchmarks.md is rewritten
#   --no-install   never apt-get; exit 3 if wrk or nginx is missing
#
# Installs wrk and nginx with apt-get when missing (needs root). Exit status 3: tools unavailable.
# Every process it starts is stopped on exit. Needs a JDK 21+ (JAVA_HOME or java on PATH), and
# openssl for the TLS cases (left out, with a warning, without it).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
# shellcheck source=bench-lib.sh
. "$here/bench-lib.sh"

rounds="${ROUNDS:-3}" duration="${DURATION:-10}" warmup="${WARMUP:-10}" connections="${CONNECTIONS:-16 64}"
cases_option="" jfr="" baseline_jar="" write=1 install=1 quick=0 invocation="patgate-bench/run-load.sh${*:+ $*}"
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1; rounds=1; duration=1; warmup=2 ;;
    --rounds) rounds="$2"; shift ;;
    --duration) duration="$2"; shift ;;
    --warmup) warmup="$2"; shift ;;
    --connections) connections="$2"; shift ;;
    --cases) cases_option="$2"; shift ;;
    --jfr) jfr="$(cd "$(dirname "$2")" && pwd)/$(basename "$2")"; shift ;;
    --baseline-jar) baseline_jar="$(cd "$(dirname "$2")" && pwd)/$(basename "$2")"; shift ;;
    --no-write) write=0 ;;
    --no-install) install=0 ;;
    -h|--help) sed -n '2,31p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run-load.sh: unknown option $1 (try --help)" >&2; exit 2 ;;
  esac
  shift
done

log() { echo "run-load: $*" >&2; }
random_alnum() { # N: N random letters and digits (no pipe into head: SIGPIPE would trip pipefail)
  local chars
  chars="$(head -c 2000 /dev/urandom | LC_ALL=C tr -dc 'A-Za-z0-9')"
  echo "${chars:0:$1}"
}

# --- tools -------------------------------------------------------------------------------------
nginx_bin="$(command -v nginx || true)"; [ -z "$nginx_bin" ] && [ -x /usr/sbin/nginx ] && nginx_bin=/usr/sbin/nginx
if ! command -v wrk >/dev/null 2>&1 || [ -z "$nginx_bin" ]; then
  if [ "$install" = 0 ] || ! command -v apt-get >/dev/null 2>&1 || [ "$(id -u)" != 0 ]; then
    log "wrk and nginx are needed; install them (apt-get install wrk nginx) and run again"; exit 3
  fi
  log "installing wrk and nginx with apt-get ..."
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get install -y -q wrk nginx-light >/dev/null 2>&1 && ! apt-get install -y -q wrk nginx >/dev/null 2>&1; then
    log "apt-get install failed; running apt-get update first"
    { apt-get update -q && { apt-get install -y -q wrk nginx-light || apt-get install -y -q wrk nginx; }; } >/dev/null 2>&1 || {
      log "could not install wrk and nginx"; exit 3; }
  fi
  nginx_bin="$(command -v nginx || echo /usr/sbin/nginx)"
fi

# --- build -------------------------------------------------------------------------------------
# BENCH_CLASSPATH (set by the smoke test) runs the report classes from there and never builds.
if [ -n "${BENCH_CLASSPATH:-}" ]; then
  classpath="$BENCH_CLASSPATH"
  [ -f "$root/patgate-server/target/patgate.jar" ] || { log "patgate-server/target/patgate.jar is missing"; exit 1; }
else
  bench_build
  classpath="$here/target/benchmarks.jar"
fi
java_cmd="$(bench_java)"

# --- processes and cleanup ---------------------------------------------------------------------
work="$(mktemp -d "${TMPDIR:-/tmp}/patgate-load.XXXXXX")"
pids=()
cleanup() {
  local status=$?
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A free loopback port: one nothing answers on (the race with other programs is acceptable here).
free_port() {
  local port
  for _ in $(seq 1 50); do
    port=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return; fi
  done
  log "no free port found"; exit 1
}

wait_http() { # URL SECONDS: until the URL answers at all
  local deadline=$((SECONDS + $2))
  until curl -sk -o /dev/null --max-time 1 "$1"; do
    [ "$SECONDS" -lt "$deadline" ] || { log "$1 did not answer within $2 s"; return 1; }
    sleep 0.2
  done
}

start_nginx() { # NAME PORT SERVER-BLOCK [HTTP-EXTRA] [ssl]
  local dir="$work/$1" scheme=http listen_extra=""
  [ "${5:-}" = ssl ] && scheme=https listen_extra=" ssl"
  mkdir -p "$dir/tmp"
  cat >"$dir/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;
  client_body_temp_path $dir/tmp/body; proxy_temp_path $dir/tmp/proxy; fastcgi_temp_path $dir/tmp/fastcgi;
  uwsgi_temp_path $dir/tmp/uwsgi; scgi_temp_path $dir/tmp/scgi;
  ${4:-}
  server {
    listen 127.0.0.1:$2$listen_extra;
    $3
  }
}
CONF
  "$nginx_bin" -p "$dir" -e "$dir/error.log" -c "$dir/nginx.conf" >"$dir/stdout.log" 2>&1 &
  pids+=($!)
  server_pid["$1"]=$!
  wait_http "$scheme://127.0.0.1:$2/" 15 || { cat "$dir/error.log" >&2; exit 1; }
}

declare -A server_pid=()
upstream_port="$(free_port)"
# A small fixed JSON body, the size of Jira's /myself answer trimmed down.
start_nginx upstream "$upstream_port" \
  "location / { default_type application/json; return 200 '{\"name\":\"bench\",\"displayName\":\"Bench User\",\"active\":true,\"timeZone\":\"UTC\"}'; }"
proxy_port="$(free_port)"
start_nginx proxy "$proxy_port" \
  "location / { proxy_pass http://backend; proxy_http_version 1.1; proxy_set_header Connection \"\"; }" \
  "upstream backend { server 127.0.0.1:$upstream_port; keepalive 64; }"
log "nginx upstream on 127.0.0.1:$upstream_port, nginx proxy on 127.0.0.1:$proxy_port"

# shellcheck disable=SC2206
cases=(${cases_option:-direct nginx patgate patgate-deny patgate-unknown netty netty-auto netty-deny nginx-tls netty-tls nginx-check${baseline_jar:+ patgate-baseline}})
netty_cases=0 tls_cases=0 check_cases=0 auto_cases=0
for case in "${cases[@]}"; do
  case "$case" in
    netty|netty-deny) netty_cases=1 ;;
    nginx-check) netty_cases=1 check_cases=1 ;;
    netty-auto) auto_cases=1 ;;
    nginx-tls|netty-tls) tls_cases=1 ;;
  esac
done
if [ "$tls_cases" = 1 ] && ! command -v openssl >/dev/null 2>&1; then
  log "openssl is missing: the TLS cases are left out"
  tls_cases=0
  for i in "${!cases[@]}"; do case "${cases[$i]}" in *-tls) unset 'cases[i]' ;; esac; done
  cases=("${cases[@]}")
fi
if [ "$tls_cases" = 1 ]; then
  # A throw-away self-signed certificate and key for this run only (in $work, removed on exit):
  # EC P-256, the usual choice for a new server certificate, served by nginx and PATgate alike.
  tls_cert="$work/tls/cert.pem" tls_key="$work/tls/key.pem"
  mkdir -p "$work/tls"
  (umask 077 && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
    -subj /CN=localhost -addext 'subjectAltName=DNS:localhost,IP:127.0.0.1' \
    -keyout "$tls_key" -out "$tls_cert") >"$work/tls/openssl.log" 2>&1 || {
    cat "$work/tls/openssl.log" >&2; log "openssl could not make the certificate"; exit 1; }
  # Same upstream, keep-alive and worker settings as the plain nginx proxy; TLS 1.3 only, as PATgate.
  proxy_tls_port="$(free_port)"
  start_nginx proxy-tls "$proxy_tls_port" \
    "ssl_certificate $tls_cert; ssl_certificate_key $tls_key; ssl_protocols TLSv1.3;
    location / { proxy_pass http://backend; proxy_http_version 1.1; proxy_set_header Connection \"\"; }" \
    "upstream backend { server 127.0.0.1:$upstream_port; keepalive 64; }" ssl
  # The library nginx runs with (it may differ from the one it was built with).
  nginx_tls_engine="$("$nginx_bin" -V 2>&1 | grep -o 'running with OpenSSL [^ )]*' | head -1 | sed 's/.* with //')"
  [ -n "$nginx_tls_engine" ] || nginx_tls_engine="$("$nginx_bin" -V 2>&1 | grep -o 'with OpenSSL [^ )]*' | head -1 \
    | sed 's/.* with //')"
  log "nginx TLS proxy on 127.0.0.1:$proxy_tls_port (${nginx_tls_engine:-TLS library unknown})"
fi

# The protocol and cipher suite a default OpenSSL client (as wrk is) agrees with HOST:PORT.
tls_cipher() { # HOST:PORT
  { timeout 10 openssl s_client -connect "$1" </dev/null 2>/dev/null || true; } \
    | grep -o 'TLSv1\.[0-9], Cipher is [A-Z0-9_-]*' | head -1 | sed 's/, Cipher is / /'
}

# Starts a PATgate from JAR as NAME without waiting for it (patgate_ready does); sets server_pid[NAME].
# With "tls" it listens with TLS 1.3 only, on the run's certificate. The instances start side by
# side: on a busy machine each start takes many seconds.
declare -A admin_password_of=()
start_patgate() { # NAME JAR JAVA-OPTS [DATA-PLANE] [tls|check] [EVENT-LOOPS]
  local name="$1" dir="$work/$1" admin_password tls_env=()
  # The Netty plane on one I/O thread, as nginx runs one worker here (netty-auto: one per core).
  [ "${4:-}" = netty ] && tls_env+=(PATGATE_LISTEN_EVENTLOOPS="${6:-1}")
  [ "${5:-}" = tls ] && tls_env+=(PATGATE_LISTEN_TLS_CERTIFICATE="$tls_cert" PATGATE_LISTEN_TLS_KEY="$tls_key"
    PATGATE_LISTEN_TLS_PROTOCOLS=TLSv1.3)
  # The check endpoint answers only proxies in trustedProxies: here nginx on loopback.
  [ "${5:-}" = check ] && tls_env+=(PATGATE_TRUSTEDPROXIES=127.0.0.1/32)
  admin_password="$(random_alnum 24)"
  admin_password_of[$name]="$admin_password"
  mkdir -p "$dir/data"
  (
    cd "$dir"
    # Only PATgate's own keys: an unknown PATGATE_ variable would be refused at start.
    exec env PATGATE_HEAP=256m PATGATE_JAVA_OPTS="$3" PATGATE_JAR="$2" JAVA_HOME="$(dirname "$(dirname "$java_cmd")")" \
      PATGATE_LISTEN_HOST=127.0.0.1 PATGATE_LISTEN_PORT=0 PATGATE_LISTEN_DATAPLANE="${4:-jetty}" \
      PATGATE_UPSTREAM_URL="http://127.0.0.1:$upstream_port" \
      PATGATE_DATABASE_URL="jdbc:h2:file:$dir/data/patgate" \
      PATGATE_TOKENS_PEPPERFILE="$dir/data/pepper" \
      PATGATE_BOOTSTRAP_ADMINUSERNAME=admin PATGATE_BOOTSTRAP_ADMINPASSWORD="$admin_password" \
      ${tls_env[@]+"${tls_env[@]}"} "$root/bin/patgate" serve
  ) >"$dir/patgate.log" 2>&1 &
  pids+=($!)
  server_pid[$name]=$!
}

# Waits for the PATgate started as NAME, creates a user and a read-write token through the
# management API; sets url_NAME and token_NAME (NAME without dashes).
patgate_ready() { # NAME
  local name="$1" dir="$work/$1" admin_password="${admin_password_of[$1]}" user_password token_json url token
  local deadline=$((SECONDS + 90))
  until grep -q 'listening on http' "$dir/patgate.log"; do
    if [ "$SECONDS" -ge "$deadline" ] || ! kill -0 "${server_pid[$name]}" 2>/dev/null; then
      tail -30 "$dir/patgate.log" >&2; log "$name did not start"; exit 1
    fi
    sleep 0.2
  done
  url="$(grep -o 'listening on https\{0,1\}://[^ ]*' "$dir/patgate.log" | head -1 | sed 's/listening on //')"
  log "$name on $url"
  user_password="$(random_alnum 24)"
  curl -skf -u "admin:$admin_password" -H 'Content-Type: application/json' -o /dev/null "$url/.patgate/api/v1/users" \
    -d "{\"username\":\"loadtest\",\"password\":\"$user_password\",\"displayName\":\"Load Test\",\"email\":\"loadtest@example.invalid\",\"groups\":[]}" \
    || { log "creating the user on $name failed"; exit 1; }
  token_json="$(curl -skf -u "loadtest:$user_password" -H 'Content-Type: application/json' "$url/.patgate/api/v1/tokens" \
    -d '{"name":"load test","scope":"read-write"}')" || { log "creating the token on $name failed"; exit 1; }
  token="$(printf '%s' "$token_json" | grep -o '"token" *: *"[^"]*"' | sed 's/.*"\([^"]*\)"$/\1/')"
  [ -n "$token" ] || { log "no token in the answer of $name"; exit 1; }
  printf -v "url_${name//-/}" '%s' "$url"
  printf -v "token_${name//-/}" '%s' "$token"
}

java_opts="${PATGATE_JAVA_OPTS:-}"
[ -n "$jfr" ] && java_opts="$java_opts -XX:StartFlightRecording=filename=$jfr,settings=profile,dumponexit=true"
start_patgate patgate "$root/patgate-server/target/patgate.jar" "$java_opts"
[ "$netty_cases" = 0 ] || start_patgate patgate-netty "$root/patgate-server/target/patgate.jar" "${PATGATE_JAVA_OPTS:-}" netty \
  "$([ "$check_cases" = 1 ] && echo check || true)"
[ "$tls_cases" = 0 ] || start_patgate patgate-tls "$root/patgate-server/target/patgate.jar" "${PATGATE_JAVA_OPTS:-}" netty tls
[ "$auto_cases" = 0 ] || start_patgate patgate-auto "$root/patgate-server/target/patgate.jar" "${PATGATE_JAVA_OPTS:-}" netty "" 0
# The baseline runs as the netty case does (the default plane, one I/O thread): before/after like for like.
[ -z "$baseline_jar" ] || start_patgate patgate-baseline "$baseline_jar" "${PATGATE_JAVA_OPTS:-}" netty
patgate_ready patgate
patgate_url="$url_patgate" token="$token_patgate"
if [ "$netty_cases" = 1 ]; then
  patgate_ready patgate-netty
  netty_url="$url_patgatenetty" netty_token="$token_patgatenetty"
fi
if [ "$check_cases" = 1 ]; then
  # nginx in front, PATgate as its external authorizer (docs/integrations.md, trimmed to what the
  # benchmark needs): the same worker, keep-alive and upstream settings as the plain nginx proxy.
  proxy_check_port="$(free_port)"
  start_nginx proxy-check "$proxy_check_port" \
    "location / { auth_request /.patgate-check; auth_request_set \$patgate_user \$upstream_http_x_forwarded_user;
      proxy_pass http://backend; proxy_http_version 1.1; proxy_set_header Connection \"\";
      proxy_set_header X-Forwarded-User \$patgate_user; proxy_set_header Authorization \"\"; }
    location = /.patgate-check { internal; proxy_pass http://patgate/.patgate/check; proxy_http_version 1.1;
      proxy_set_header Connection \"\"; proxy_pass_request_body off; proxy_set_header Content-Length \"\";
      proxy_set_header X-Original-Method \$request_method; proxy_set_header X-Original-URI \$request_uri; }" \
    "upstream backend { server 127.0.0.1:$upstream_port; keepalive 64; }
  upstream patgate { server ${netty_url#http://}; keepalive 64; }"
  log "nginx asking PATgate (auth_request) on 127.0.0.1:$proxy_check_port"
fi
if [ "$tls_cases" = 1 ]; then
  patgate_ready patgate-tls
  tls_url="$url_patgatetls" tls_token="$token_patgatetls"
  # Which TLS implementation PATgate chose (OpenSSL from netty-tcnative, or the JDK's), as health shows it.
  patgate_tls_engine="$(curl -sk "$tls_url/.patgate/health" | grep -o '"provider" *: *"[^"]*"' | head -1 \
    | sed 's/.*"\([^"]*\)"$/\1/')"
  # Health says openssl for the BoringSSL that netty-tcnative-boringssl-static ships: say so, next to nginx's OpenSSL.
  case "$patgate_tls_engine" in
    openssl) patgate_tls_engine="openssl/BoringSSL via netty-tcnative" ;;
    jdk) patgate_tls_engine="jdk/JSSE" ;;
  esac
  log "PATgate's TLS engine: ${patgate_tls_engine:-unknown}"
fi
if [ "$auto_cases" = 1 ]; then
  patgate_ready patgate-auto
  auto_url="$url_patgateauto" auto_token="$token_patgateauto"
fi
[ -z "$baseline_jar" ] || patgate_ready patgate-baseline
prefix="${token%%_*}_"
# Right prefix and length, garbage body and checksum: refused by the checksum, before any HMAC.
bad_token="$prefix$(random_alnum $((${#token} - ${#prefix})))"
# Well-formed but never issued: one HMAC, then the negative cache.
unknown_token="$("$java_cmd" -cp "$classpath" org.patgate.bench.cli.BenchCommand token-sample "$prefix")"

path=/rest/api/2/myself
check_status() { # EXPECTED URL [HEADER]
  local got
  got="$(curl -sk -o /dev/null -w '%{http_code}' ${3:+-H "$3"} "$2")"
  [ "$got" = "$1" ] || { log "expected $1 from $2 but got $got"; exit 1; }
}
check_status 200 "http://127.0.0.1:$upstream_port$path"
check_status 200 "http://127.0.0.1:$proxy_port$path"
check_status 200 "$patgate_url$path" "Authorization: Bearer $token"
check_status 401 "$patgate_url$path" "Authorization: Bearer $bad_token"
check_status 401 "$patgate_url$path" "Authorization: Bearer $unknown_token"
[ -z "$baseline_jar" ] || check_status 200 "$url_patgatebaseline$path" "Authorization: Bearer $token_patgatebaseline"
if [ "$netty_cases" = 1 ]; then
  check_status 200 "$netty_url$path" "Authorization: Bearer $netty_token"
  check_status 401 "$netty_url$path" "Authorization: Bearer $bad_token"
fi
[ "$auto_cases" = 0 ] || check_status 200 "$auto_url$path" "Authorization: Bearer $auto_token"
if [ "$check_cases" = 1 ]; then
  check_status 200 "http://127.0.0.1:$proxy_check_port$path" "Authorization: Bearer $netty_token"
  check_status 401 "http://127.0.0.1:$proxy_check_port$path" "Authorization: Bearer $bad_token"
fi
if [ "$tls_cases" = 1 ]; then
  check_status 200 "https://127.0.0.1:$proxy_tls_port$path"
  check_status 200 "$tls_url$path" "Authorization: Bearer $tls_token"
  check_status 401 "$tls_url$path" "Authorization: Bearer $bad_token"
fi
url_of() {
  case "$1" in
    direct) echo "http://127.0.0.1:$upstream_port$path" ;;
    nginx) echo "http://127.0.0.1:$proxy_port$path" ;;
    nginx-tls) echo "https://127.0.0.1:$proxy_tls_port$path" ;;
    nginx-check) echo "http://127.0.0.1:$proxy_check_port$path" ;;
    netty-auto) echo "$auto_url$path" ;;
    netty-tls) echo "$tls_url$path" ;;
    patgate-baseline) echo "$url_patgatebaseline$path" ;;
    netty*) echo "$netty_url$path" ;;
    *) echo "$patgate_url$path" ;;
  esac
}
header_of() {
  case "$1" in
    patgate) echo "Authorization: Bearer $token" ;;
    patgate-deny) echo "Authorization: Bearer $bad_token" ;;
    patgate-unknown) echo "Authorization: Bearer $unknown_token" ;;
    patgate-baseline) echo "Authorization: Bearer $token_patgatebaseline" ;;
    netty) echo "Authorization: Bearer $netty_token" ;;
    netty-deny) echo "Authorization: Bearer $bad_token" ;;
    netty-tls) echo "Authorization: Bearer $tls_token" ;;
    nginx-check) echo "Authorization: Bearer $netty_token" ;;
    netty-auto) echo "Authorization: Bearer $auto_token" ;;
    *) echo "Accept: application/json" ;;
  esac
}
# CPU time (user + system, in clock ticks) of processes and their children (nginx's workers).
cpu_ticks() { # PID...
  local total=0 pid fields
  for pid in "$@" $(for parent in "$@"; do pgrep -P "$parent" 2>/dev/null || true; done); do
    # Fields 14 and 15 of /proc/PID/stat, counted after the ")" that ends the command name.
    fields="$(sed 's/.*) //' "/proc/$pid/stat" 2>/dev/null | awk '{print $12 + $13}')" || fields=0
    total=$((total + ${fields:-0}))
  done
  echo "$total"
}
proxy_pid_of() { # CASE: the processes that do the work being measured (the upstream itself for direct)
  case "$1" in
    nginx-check) echo "${server_pid[proxy-check]} ${server_pid[patgate-netty]}" ;;
    netty-auto) echo "${server_pid[patgate-auto]}" ;;
    direct) echo "${server_pid[upstream]}" ;;
    nginx) echo "${server_pid[proxy]}" ;;
    nginx-tls) echo "${server_pid[proxy-tls]}" ;;
    netty-tls) echo "${server_pid[patgate-tls]}" ;;
    patgate-baseline) echo "${server_pid[patgate-baseline]}" ;;
    netty*) echo "${server_pid[patgate-netty]}" ;;
    *) echo "${server_pid[patgate]}" ;;
  esac
}
ticks_per_second="$(getconf CLK_TCK)"
run_wrk() { # CASE CONNECTIONS SECONDS OUTPUT
  local pid before after
  pid="$(proxy_pid_of "$1")"
  # shellcheck disable=SC2086 # one or two PIDs
  before="$(cpu_ticks $pid)"
  timeout $(($3 + 30)) wrk -t2 -c"$2" -d"$3"s --latency -H "$(header_of "$1")" "$(url_of "$1")" >"$4" 2>&1 || {
    cat "$4" >&2; log "wrk failed for $1 -c$2"; exit 1; }
  # shellcheck disable=SC2086
  after="$(cpu_ticks $pid)"
  # CPU per request is steadier than requests/s on a shared machine: it does not count waiting.
  echo "Proxy CPU ms: $(( (after - before) * 1000 / ticks_per_second ))" >>"$4"
  case "$1" in
    netty-tls) echo "TLS engine: ${patgate_tls_engine:-unknown}" >>"$4" ;;
    nginx-tls) echo "TLS engine: ${nginx_tls_engine:-unknown}" >>"$4" ;;
  esac
}

# --- warm-up and measurement -------------------------------------------------------------------
log "warming up PATgate for ${warmup} s"
half=$(( (warmup + 1) / 2 ))
run_wrk patgate 64 "$half" "$work/warmup-1.txt"
run_wrk patgate-deny 64 "$((warmup - half > 0 ? warmup - half : 1))" "$work/warmup-2.txt"
[ -z "$baseline_jar" ] || run_wrk patgate-baseline 64 "$half" "$work/warmup-3.txt"
[ "$netty_cases" = 0 ] || run_wrk netty 64 "$half" "$work/warmup-4.txt"
[ "$tls_cases" = 0 ] || run_wrk netty-tls 64 "$half" "$work/warmup-5.txt"
[ "$check_cases" = 0 ] || run_wrk nginx-check 64 "$half" "$work/warmup-6.txt"
[ "$auto_cases" = 0 ] || run_wrk netty-auto 64 "$half" "$work/warmup-7.txt"

results="$here/target/load/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$results"
total=$((rounds * ${#cases[@]} * $(wc -w <<<"$connections") * duration))
log "measuring: $rounds round(s) x ${#cases[@]} cases x connections ($connections) x ${duration} s = about ${total} s"
for round in $(seq 1 "$rounds"); do
  for conns in $connections; do
    for case in "${cases[@]}"; do
      run_wrk "$case" "$conns" "$duration" "$results/$case-c$conns-r$round.txt"
    done
  done
done
health="$(curl -s "$patgate_url/.patgate/health" || true)"

facts="$(bench_machine_facts)
- nginx: $("$nginx_bin" -v 2>&1 | sed 's/^nginx version: //'), worker_processes 1, access_log off; upstream keep-alive 64
- wrk: $(wrk -v 2>&1 | head -1 | awk '{print $1, $2}')
- PATgate: \`bin/patgate serve\`, PATGATE_HEAP=256m (G1), H2 file database, identity header on, activity recording on${jfr:+, JFR profiling on (numbers include its overhead)}
- PATgate's Netty plane: \`listen.eventLoops: 1\` (one I/O thread, like nginx's one worker) except in \`netty-auto\` (the default: one per core, $(nproc) here)
- PATgate health after the run: \`$(printf '%s' "$health" | tr -d '\n' | cut -c1-300)\`"
if [ "$tls_cases" = 1 ]; then
  nginx_cipher="$(tls_cipher "127.0.0.1:$proxy_tls_port")" patgate_cipher="$(tls_cipher "${tls_url#https://}")"
  facts="$facts
- TLS: TLS 1.3 only on both, one self-signed EC P-256 certificate made for the run; PATgate (Netty plane) with \`listen.tls.certificate\`/\`key\`, TLS engine ${patgate_tls_engine:-unknown}; nginx \`listen ... ssl\` with ${nginx_tls_engine:-its TLS library}; agreed with a default OpenSSL $(openssl version | awk '{print $2}') client: nginx ${nginx_cipher:-unknown}, PATgate ${patgate_cipher:-unknown}"
fi
tls_prose=""
[ "$tls_cases" = 0 ] || tls_prose="
The \`-tls\` cases send the same requests over HTTPS (TLS 1.3 on kept-alive connections, so they
measure the encryption of the traffic more than handshakes) to nginx and to PATgate's Netty plane,
both with the same certificate and key; each case's row names the TLS engine it ran on."
[ "$check_cases" = 0 ] || tls_prose="$tls_prose

\`nginx-check\` is nginx forwarding each request itself after asking PATgate's Netty plane about it
(\`auth_request\` to \`/.patgate/check\` over kept-alive connections, as in docs/integrations.md):
the external-authorizer mode, against nginx alone. Its CPU per request is nginx's and PATgate's
together."
report="$("$java_cmd" -cp "$classpath" org.patgate.bench.cli.BenchCommand load-report "$results")"
section="## Load test (wrk)

Generated by \`$invocation\` (rounds=$rounds, duration=${duration}s, warm-up=${warmup}s, connections: $connections);
each run is \`wrk -t2 -c<N> -d${duration}s --latency -H '<header>' <url>$path\`, cases interleaved
(${cases[*]}, then again), all on loopback on one machine: wrk, nginx and PATgate share its CPUs.
Raw wrk output: \`patgate-bench/target/load/$(basename "$results")/\`.$tls_prose

$facts

$report"
echo "$section"
if [ "$quick" = 1 ] && [ "$write" = 1 ]; then
  log "--quick numbers are not written to docs/benchmarks.md"; write=0
fi
if [ "$write" = 1 ]; then
  printf '%s\n' "$section" | "$java_cmd" -cp "$classpath" org.patgate.bench.cli.BenchCommand doc-section "$root/docs/benchmarks.md" load
  log "wrote the load section of docs/benchmarks.md"
fi
