#!/usr/bin/env bash
# nginx in front of `sm-app serve --workers N`: sticky sessions and websocket upgrade, as the current user.
#
#   scripts/nginx-proxy.sh LISTEN_PORT FIRST_WORKER_PORT WORKERS [PREFIX]
#
# Writes PREFIX/nginx.conf (PREFIX defaults to a new temporary directory; logs in PREFIX/logs) and runs nginx in
# the foreground (stop it with SIGTERM or Ctrl-C). Listens on 127.0.0.1:LISTEN_PORT (SM_PROXY_HOST to change it)
# and passes to 127.0.0.1:FIRST_WORKER_PORT .. +WORKERS-1 (SM_WORKER_HOST to change it).
#
# Sticky sessions: NiceGUI keeps every open page (its elements, its socket, the sign-in hand-off) in the memory of
# the process that built it, so every request of one browser must reach the same process. The proxy gives each new
# browser a random `sm_route` cookie (nginx's request id) and hashes on it (consistent hashing); the first request
# is hashed on the same value it hands out, so the page and its socket land on the same process. Not ip_hash: a
# clinic behind one NAT address would all land on one process. A worker that is down is skipped
# (proxy_next_upstream): its people reload onto another and sign in stays valid (sessions live in the database).
# TLS: terminate it here in production (add `listen 443 ssl` and certificates) and set SM_BASE_URL to https://...
set -eu
if [ $# -lt 3 ]; then
  echo "usage: $0 LISTEN_PORT FIRST_WORKER_PORT WORKERS [PREFIX]" >&2
  exit 2
fi
LISTEN_PORT=$1
FIRST=$2
WORKERS=$3
PREFIX=${4:-$(mktemp -d "${TMPDIR:-/tmp}/sm-nginx-XXXXXX")}
NGINX="${SM_NGINX:-/usr/sbin/nginx}"
PROXY_HOST=${SM_PROXY_HOST:-127.0.0.1}
WORKER_HOST=${SM_WORKER_HOST:-127.0.0.1}
if [ ! -x "$NGINX" ]; then
  echo "error: nginx not found at $NGINX (scripts/ensure-nginx.sh installs Debian's)" >&2
  exit 1
fi
mkdir -p "$PREFIX/logs" "$PREFIX/temp"
SERVERS=""
for i in $(seq 0 $((WORKERS - 1))); do
  SERVERS="$SERVERS    server $WORKER_HOST:$((FIRST + i)) max_fails=1 fail_timeout=5s;
"
done
# As root nginx would hand its workers to `nobody`; as anyone else the user directive is ignored with a warning.
USER_LINE=""
if [ "$(id -u)" = "0" ]; then USER_LINE="user root;"; fi
cat > "$PREFIX/nginx.conf" <<CONF
# Written by scripts/nginx-proxy.sh; edit the script, not this file.
$USER_LINE
worker_processes 1;
pid $PREFIX/nginx.pid;
error_log $PREFIX/logs/error.log warn;
events { worker_connections 4096; }
http {
    log_format sticky '\$time_iso8601 \$cookie_sm_route \$upstream_addr \$status "\$request"';
    access_log $PREFIX/logs/access.log sticky;
    client_body_temp_path $PREFIX/temp/body;
    proxy_temp_path $PREFIX/temp/proxy;
    fastcgi_temp_path $PREFIX/temp/fastcgi;
    uwsgi_temp_path $PREFIX/temp/uwsgi;
    scgi_temp_path $PREFIX/temp/scgi;
    server_tokens off;

    map \$http_upgrade \$connection_upgrade { default upgrade; '' close; }
    # The browser's route: its sm_route cookie, or for a browser without one the id of this request, which is
    # then handed out as its cookie.
    map \$cookie_sm_route \$sm_route { '' \$request_id; default \$cookie_sm_route; }
    map \$cookie_sm_route \$sm_route_cookie { '' "sm_route=\$request_id; Path=/; HttpOnly; SameSite=Strict"; default ''; }

    upstream sm_app {
        hash \$sm_route consistent;
$SERVERS    }

    server {
        listen $PROXY_HOST:$LISTEN_PORT;
        # Attachments: the app answers 413 itself past one file's limit, before reading the body (upload_limit.py).
        client_max_body_size 0;
        proxy_request_buffering off;
        location / {
            proxy_pass http://sm_app;
            proxy_http_version 1.1;
            proxy_set_header Upgrade \$http_upgrade;
            proxy_set_header Connection \$connection_upgrade;
            proxy_set_header Host \$http_host;
            # The client's address for sign-in throttling: uvicorn trusts these from 127.0.0.1 (the proxy) only.
            proxy_set_header X-Forwarded-For \$remote_addr;
            proxy_set_header X-Forwarded-Proto \$scheme;
            proxy_read_timeout 1h;   # an open page's websocket
            proxy_send_timeout 1h;
            proxy_buffering off;
            proxy_next_upstream error timeout;
            add_header Set-Cookie \$sm_route_cookie always;
        }
    }
}
CONF
echo "nginx on http://$PROXY_HOST:$LISTEN_PORT -> $WORKERS workers from port $FIRST (config $PREFIX/nginx.conf)"
exec "$NGINX" -p "$PREFIX" -c "$PREFIX/nginx.conf" -e "$PREFIX/logs/error.log" -g "daemon off;"
