#!/usr/bin/env bash
# Runs sqlmap against the search, product, order and login endpoints of a shop started on the real
# profile (PostgreSQL, Redis, RabbitMQ) and fails when any parameter is reported injectable.
# Everything the run creates (database, Redis keys, broker names, files) is removed on exit.
set -euo pipefail
cd "$(dirname "$0")/.."

pg_admin=${TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}
redis_url=${TEST_REDIS_URL:-redis://127.0.0.1:6379}
amqp_url=${TEST_AMQP_URL:-amqp://guest:guest@127.0.0.1:5672}

run="sqlmap_$$_$(date +%s)"
work=$(mktemp -d)
port=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
base="http://127.0.0.1:$port"
database_url="${pg_admin%/*}/$run"
server_pid=

cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  psql "$pg_admin" -qAtc "drop database if exists \"$run\" with (force)" >/dev/null || true
  npx tsx scripts/remove-run-data.ts "$redis_url" "$run:" "$amqp_url" "$run" || true
  rm -rf "$work"
}
trap cleanup EXIT

psql "$pg_admin" -qAtc "create database \"$run\"" >/dev/null
admin_email="admin-$run@example.com" admin_password="sqlmap admin password"
# The scan sends thousands of requests, and guesses at one password, from one address: both
# limits are raised for this run only. Metrics take any free port.
env PORT="$port" HOST=127.0.0.1 METRICS_PORT=0 DATA_DIR="$work/data" LOG_LEVEL=warn SEED_DEMO_DATA=false \
  DATABASE_URL="$database_url" REDIS_URL="$redis_url" REDIS_KEY_PREFIX="$run:" AMQP_URL="$amqp_url" AMQP_PREFIX="$run" \
  RATE_LIMIT_PER_HOUR=1000000 LOGIN_FAILURE_LIMIT=1000000 ADMIN_EMAIL="$admin_email" ADMIN_PASSWORD="$admin_password" \
  node --import tsx src/apps/cli.ts start >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 60); do
  curl -fsS "$base/health/ready" >/dev/null 2>&1 && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log"; echo "sqlmap: the shop did not start" >&2; exit 1; }
  sleep 1
done

api() { # method, path, body (may be empty), token (may be empty): prints the JSON answer
  curl -fsS -X "$1" "$base$2" -H 'Content-Type: application/json' ${4:+-H "Authorization: Bearer $4"} \
    -H "Idempotency-Key: $run-$RANDOM$RANDOM" ${3:+--data "$3"}
}
field() { node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{let v=JSON.parse(s);for(const k of process.argv[1].split("."))v=v[k];console.log(v)})' "$1"; }

admin_token=$(api POST /api/v1/auth/login "{\"email\":\"$admin_email\",\"password\":\"$admin_password\"}" | field accessToken)
api POST /api/v1/categories '{"slug":"lamps","name":"Lamps"}' "$admin_token" >/dev/null
for sku in LAMP-1 LAMP-2; do
  product_id=$(api POST /api/v1/products "{\"sku\":\"$sku\",\"name\":\"Desk lamp $sku\",\"description\":\"A lamp.\",\"price\":{\"amount\":2500},\"categories\":[\"lamps\"],\"stock\":10}" "$admin_token" | field id)
done
customer_email="customer-$run@example.com" customer_password="sqlmap customer password"
customer_token=$(api POST /api/v1/auth/register "{\"email\":\"$customer_email\",\"password\":\"$customer_password\",\"name\":\"Customer\"}" | field accessToken)
api POST /api/v1/cart/items "{\"productId\":\"$product_id\",\"quantity\":1}" "$customer_token" >/dev/null
order_id=$(api POST /api/v1/checkout '{"shippingAddress":{"name":"Customer","line1":"1 Main St","city":"Town","postalCode":"1000","country":"GB"},"payment":{"token":"tok_visa"}}' "$customer_token" | field order.id)
cursor=$(api GET '/api/v1/products?category=lamps&sort=price_asc&limit=1' | field nextCursor)

tested=0
scan() { # name, seconds at most, sqlmap arguments...
  local name=$1 seconds=$2; shift 2
  local status=0
  timeout "$seconds" sqlmap --batch --level=2 --risk=1 --time-sec=2 --threads=4 --disable-coloring \
    --output-dir="$work/sqlmap" "$@" >"$work/$name.log" 2>&1 || status=$?
  local done
  done=$(grep -oE "parameter '[^']+' (does not seem to be injectable|is vulnerable)" "$work/$name.log" | sort -u | wc -l)
  tested=$((tested + done))
  echo "sqlmap $name: $done parameters tested$([ "$status" = 124 ] && echo ", stopped after ${seconds} s")"
  cat "$work/$name.log" >>"$work/all.log"
}

scan search 60 -u "$base/api/v1/products?q=lamp&category=lamps&sort=price_asc&minPrice=1&cursor=$cursor" -p q,category,sort,minPrice,cursor \
  --ignore-code=400
scan product 25 -u "$base/api/v1/products/$product_id*" --ignore-code=400,404
scan order 25 -u "$base/api/v1/orders/$order_id*" -H "Authorization: Bearer $customer_token" --ignore-code=400,404
# Every answer to a good login carries new tokens: true is told from false by the status alone.
scan login 90 -u "$base/api/v1/auth/login" --method POST -H 'Content-Type: application/json' \
  --data "{\"email\":\"$customer_email\",\"password\":\"$customer_password\"}" --code=200 --ignore-code=400,401,429

echo "sqlmap: $tested parameters tested"
if grep -qE "identified the following injection point|parameter '[^']+' is vulnerable|appears to be .* injectable" "$work/all.log"; then
  grep -E "identified the following injection point|is vulnerable|appears to be .* injectable" "$work/all.log" >&2
  echo "sqlmap: injectable parameter found" >&2
  exit 1
fi
[ "$tested" -gt 0 ] || { echo "sqlmap: no parameter was tested" >&2; exit 1; }
