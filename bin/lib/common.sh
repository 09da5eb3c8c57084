# Shared by bin/test and bin/demo: making sure the Debian packages Gantry runs with are installed.
# shellcheck shell=bash

# Debian's nginx and etcd live in /usr/sbin and /usr/bin; a non-login shell may lack /usr/sbin.
export PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"

# ensure_packages PACKAGE:COMMAND ...  installs the packages whose command is missing (as root, with
# apt-get), or names them and exits non-zero. A COMMAND of py:MODULE is a module Debian's python3
# must import instead; one of /PATH is a file the package installs.
ensure_packages() {
  local missing=() pair pkg cmd
  for pair in "$@"; do
    pkg=${pair%%:*}
    cmd=${pair#*:}
    if [ "${cmd#py:}" != "$cmd" ]; then
      /usr/bin/python3 -c "import ${cmd#py:}" >/dev/null 2>&1 || missing+=("$pkg")
    elif [ "${cmd#/}" != "$cmd" ]; then
      [ -e "$cmd" ] || missing+=("$pkg")
    else
      command -v "$cmd" >/dev/null 2>&1 || missing+=("$pkg")
    fi
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    echo "$(basename "$0"): missing Debian packages: ${missing[*]}" >&2
    echo "  install them with: sudo apt-get install ${missing[*]}" >&2
    exit 1
  fi
  echo "$(basename "$0"): installing ${missing[*]} ..." >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
  # Debian starts the packaged nginx on port 80; Gantry's tests and demo run their own.
  if printf '%s\n' "${missing[@]}" | grep -qx nginx; then
    service nginx stop >/dev/null 2>&1 || pkill -x nginx 2>/dev/null || true
  fi
}

# The build tools and the programs the tests and demo start.
GANTRY_BUILD_PACKAGES=(openjdk-17-jdk-headless:javac maven:mvn)
GANTRY_RUNTIME_PACKAGES=(etcd-server:etcd etcd-client:etcdctl nginx:nginx openssl:openssl)
GANTRY_TEST_PACKAGES=(docker.io:dockerd wrk:wrk haproxy:haproxy chromium:chromium curl:curl sslscan:sslscan gcc:cc
  nghttp2-client:h2load python3-h2:py:h2
  libnginx-mod-http-echo:/usr/lib/nginx/modules/ngx_http_echo_module.so)

# ensure_dockerd: starts the Docker engine when it is installed but not answering (as root only), and
# waits for it. An engine elsewhere (DOCKER_HOST) is left alone; one already starting is waited for.
ensure_dockerd() {
  command -v docker >/dev/null 2>&1 || return 0
  docker info >/dev/null 2>&1 && return 0
  [ -n "${DOCKER_HOST:-}" ] && return 0
  if ! pgrep -x dockerd >/dev/null 2>&1; then
    if [ "$(id -u)" -ne 0 ] || ! command -v dockerd >/dev/null 2>&1; then
      echo "$(basename "$0"): the Docker engine is not running (start it with: sudo dockerd)" >&2
      return 0
    fi
    echo "$(basename "$0"): starting dockerd (log: /tmp/gantry-dockerd.log)" >&2
    nohup dockerd >/tmp/gantry-dockerd.log 2>&1 &
  fi
  for _ in $(seq 1 60); do
    docker info >/dev/null 2>&1 && return 0
    sleep 0.5
  done
  echo "$(basename "$0"): dockerd did not come up; see /tmp/gantry-dockerd.log" >&2
}

# build_if_stale JAR: builds the reactor (without tests) when JAR is missing or older than any source.
build_if_stale() {
  local jar=$1
  if [ -f "$jar" ] && [ -z "$(find . \( -path ./.git -o -name target \) -prune -o \( -name '*.java' -o -name pom.xml -o -name '*.properties' \) -newer "$jar" -print -quit)" ]; then
    return 0
  fi
  echo "$(basename "$0"): building (mvn -q -DskipTests package) ..." >&2
  mvn -B -q -DskipTests package >&2
}
