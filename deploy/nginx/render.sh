#!/usr/bin/env bash
# Renders nginx.conf.template into <run-dir>/nginx.conf and prints that file's path.
#   render.sh <run-dir> <listen> <gateway>...
# e.g. render.sh /var/lib/emporium-nginx 80 10.0.0.11:3000 10.0.0.12:3000
# <run-dir> holds the pid file, temporary files, logs and the cache: any user that can write
# there can run `nginx -p <run-dir> -e <run-dir>/error.log -c <run-dir>/nginx.conf`. Started as
# root, nginx runs its workers as NGINX_USER (default: who renders), who is given <run-dir>.
set -euo pipefail
if [ $# -lt 3 ]; then
  echo "usage: $0 <run-dir> <listen> <gateway host:port>..." >&2
  exit 2
fi
run_dir=$(mkdir -p "$1" && cd "$1" && pwd)
user=${NGINX_USER:-$(id -un)}
if [ "$(id -u)" = 0 ]; then chown "$user" "$run_dir"; fi
listen=$2
shift 2
servers=''
for gateway in "$@"; do
  servers+="        server ${gateway} max_fails=3 fail_timeout=10s;"$'\n'
done
template="$(dirname "$0")/nginx.conf.template"
conf="${run_dir}/nginx.conf"
while IFS= read -r line || [ -n "$line" ]; do
  if [ "$line" = '{{GATEWAYS}}' ]; then
    printf '%s' "$servers"
  else
    line=${line//'{{RUN_DIR}}'/$run_dir}
    line=${line//'{{USER}}'/$user}
    printf '%s\n' "${line//'{{LISTEN}}'/$listen}"
  fi
done <"$template" >"$conf"
echo "$conf"
