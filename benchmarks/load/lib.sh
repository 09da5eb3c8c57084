# Shared by the scripts of benchmarks/load: a work directory whose processes stop
# when the script ends, free loopback ports, waiting for a server to answer, the settings every nginx
# here shares, a throwaway TLS certificate, and etcd members. Everything listens on 127.0.0.1.
# shellcheck shell=bash

me=$(basename "$0")

# start_work: makes $work (/tmp/gantry-$me.XXXXXX) and the trap that, when the script ends, kills every
# process in $pids and those noted with note_pid, and removes $work, unless the script failed or set
# keep_work (then its logs stay).
start_work() {
  work=$(mktemp -d "/tmp/gantry-$me.XXXXXX")
  chmod 755 "$work" # nginx workers run as another user when started by root
  echo "$me: working in $work" >&2
  pids=() keep_work=
  trap stop_work EXIT
  trap 'exit 130' INT TERM
}
stop_work() {
  local status=$? pid noted=()
  [ ! -d "$work/pids" ] || noted=($(cat "$work/pids"/* 2>/dev/null))
  for pid in "${pids[@]}" "${noted[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  for pid in "${noted[@]}"; do # not children of this shell, so polled; an etcd leader may take seconds
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then # still there after 10 s: SIGKILL, and gone within 2 s
      kill -9 "$pid" 2>/dev/null || true
      for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    fi
  done
  if [ "$status" -eq 0 ] && [ -z "$keep_work" ]; then rm -rf "$work"; fi
}

# note_pid NAME PID: PID is to be stopped when the script ends; a later note_pid NAME replaces it and
# forget_pid NAME drops it (for processes that are killed and started again, or started by a subshell,
# whose $pids the script cannot see).
note_pid() { mkdir -p "$work/pids"; echo "$2" >"$work/pids/$1"; }
forget_pid() { rm -f "$work/pids/$1"; }

# free_port: a TCP port on 127.0.0.1 that nothing answers on.
free_port() {
  local p
  while :; do
    p=$((10000 + RANDOM % 20000)) # below the ephemeral range (32768-60999), where connections take their local ports
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
  done
}

# answers_http PORT: whether http://127.0.0.1:PORT/64B answers 200 now.
answers_http() {
  [[ $( (exec 3<>"/dev/tcp/127.0.0.1/$1" && printf 'GET /64B HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n' >&3 \
    && timeout 2 head -c 12 <&3) 2>/dev/null) == *' 200' ]]
}
# wait_http PORT NAME: until http://127.0.0.1:PORT/64B answers, at most 20 s.
wait_http() {
  for _ in $(seq 1 200); do
    answers_http "$1" && return 0
    sleep 0.1
  done
  echo "$me: $2 did not answer on 127.0.0.1:$1 within 20 s (logs in $work)" >&2
  exit 1
}
# wait_https PORT NAME: until https://127.0.0.1:PORT/64B answers, at most 20 s.
wait_https() {
  for _ in $(seq 1 200); do
    [[ $(curl -ks -o /dev/null -w '%{http_code}' --max-time 1 "https://127.0.0.1:$1/64B") == 200 ]] && return 0
    sleep 0.1
  done
  echo "$me: $2 did not answer over HTTPS on 127.0.0.1:$1 within 20 s (logs in $work)" >&2
  exit 1
}

# make_www: $work/www with the files the backends serve, /64B and /64KiB.
make_www() {
  mkdir -p "$work/www"
  head -c 63 /dev/zero | tr '\0' 'x' >"$work/www/64B"; echo >>"$work/www/64B"
  head -c 65535 /dev/zero | tr '\0' 'y' >"$work/www/64KiB"; echo >>"$work/www/64KiB"
}
# nginx_common DIR: the settings every nginx here shares.
nginx_common() {
  cat <<EOF
daemon off; master_process on; pid $1/nginx.pid; error_log $1/error.log warn;
events { worker_connections 4096; }
EOF
}
# nginx_temp_paths DIR: nginx's temporary files under DIR/tmp (the defaults are not writable by all).
nginx_temp_paths() {
  echo "client_body_temp_path $1/tmp; proxy_temp_path $1/tmp; fastcgi_temp_path $1/tmp; uwsgi_temp_path $1/tmp; scgi_temp_path $1/tmp;"
}

# make_cert: a throwaway ECDSA P-256 certificate for localhost and 127.0.0.1, self-signed, valid 2 days:
# $work/tls/cert.pem and key.pem.
make_cert() {
  mkdir -p "$work/tls"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=localhost \
    -addext subjectAltName=DNS:localhost,IP:127.0.0.1 -keyout "$work/tls/key.pem" -out "$work/tls/cert.pem" \
    >"$work/tls/openssl.log" 2>&1 || { echo "$me: openssl could not make a certificate (see $work/tls/openssl.log)" >&2; exit 1; }
}

# start_etcd NAME CLIENT_PORT PEER_PORT CLUSTER STATE: one etcd member on 127.0.0.1, its data in
# $work/etcd-NAME and its log in $work/etcd-NAME.log; CLUSTER is etcd's --initial-cluster, STATE new
# or existing. Its pid is left in $etcd_pid.
start_etcd() {
  etcd --name "$1" --data-dir "$work/etcd-$1" --listen-client-urls "http://127.0.0.1:$2" \
    --advertise-client-urls "http://127.0.0.1:$2" --listen-peer-urls "http://127.0.0.1:$3" \
    --initial-advertise-peer-urls "http://127.0.0.1:$3" --initial-cluster "$4" --initial-cluster-state "$5" \
    --initial-cluster-token "gantry-$me" >>"$work/etcd-$1.log" 2>&1 & etcd_pid=$!
}
# etcd_put ENDPOINTS KEY VALUE: puts the key, retrying for at most 10 s (while etcd starts or elects).
etcd_put() {
  for _ in $(seq 1 100); do
    ETCDCTL_API=3 etcdctl --endpoints "$1" --command-timeout 2s put "$2" "$3" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "$me: could not put $2 into etcd at $1 within 10 s (logs in $work)" >&2
  exit 1
}

# tree_kib PID FIELD: a /proc/PID/status field (VmRSS, VmHWM) summed over PID and its children (nginx's
# workers), in KiB.
tree_kib() {
  local total=0 p kb
  for p in "$1" $(pgrep -P "$1" || true); do
    kb=$(awk -v f="$2:" '$1 == f {print $2}' "/proc/$p/status" 2>/dev/null || echo 0)
    total=$((total + ${kb:-0}))
  done
  echo "$total"
}

# heap_kib PID: a JVM's Java heap in use right after a full GC, in KiB (every generation's, not metaspace).
heap_kib() {
  jcmd "$1" GC.run >/dev/null 2>&1 || true
  jcmd "$1" GC.heap_info 2>/dev/null | awk '/ total [0-9]+K, used [0-9]+K/ && !/Metaspace|class space/ {
    for (i = 1; i <= NF; i++) if ($i == "used") s += $(i + 1) + 0 } END { print s + 0 }' # each generation's
}
