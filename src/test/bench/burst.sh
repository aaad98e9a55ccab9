#!/bin/bash
# burst.sh SOCKSPORT PID [N [K]]: starts N curl sessions at once (default 1000) through the SOCKS proxy
# at 127.0.0.1:SOCKSPORT, every K-th (default 10) fetching mid.bin (4 MiB), the others small.txt
# (12 bytes), from the FTP server at 127.0.0.1:$FTP_PORT (default 13021) as $FTP_USER:$FTP_PASS; samples
# process PID's VmRSS and Threads every 0.1 s. Prints sessions intact, wall time, peak RSS and threads.
# RATE=20k makes every client a slow reader (curl --limit-rate); MAXT=40 cuts sessions off after 40 s.
# docs/performance.md ("Memory and threads: 1,000 sessions") gives the set-up and the figures.
set -u
PORT=$1 PID=$2 N=${3:-1000} K=${4:-10}
FTP_PORT=${FTP_PORT:-13021} FTP_USER=${FTP_USER:-ftbtest} FTP_PASS=${FTP_PASS:-ftb-Interop-1}
ulimit -n 65536 2>/dev/null || true
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
( while kill -0 "$PID" 2>/dev/null && [ ! -f "$out/done" ]; do
    awk '/^VmRSS/{r=$2} /^Threads/{t=$2} END{print r, t}' "/proc/$PID/status"; sleep 0.1
  done > "$out/samples" ) &
sampler=$!
t0=$(date +%s.%N)
pids=()
for i in $(seq "$N"); do
  if [ $((i % K)) -eq 0 ]; then f=mid.bin; else f=small.txt; fi
  curl -sS --max-time "${MAXT:-300}" ${RATE:+--limit-rate "$RATE"} --socks5-hostname "127.0.0.1:$PORT" \
       "ftp://$FTP_USER:$FTP_PASS@127.0.0.1:$FTP_PORT/$f" -o /dev/null -w '%{size_download}\n' \
       > "$out/$i.size" 2> "$out/$i.err" &
  pids+=($!)
done
wait "${pids[@]}"
t1=$(date +%s.%N)
touch "$out/done"; wait "$sampler"
ok=0
for i in $(seq "$N"); do
  if [ $((i % K)) -eq 0 ]; then want=4194304; else want=12; fi
  [ "$(cat "$out/$i.size")" = "$want" ] && ok=$((ok + 1))
done
cat "$out"/*.err | sort | uniq -c | sort -rn | head -5
echo "sessions=$N intact=$ok wall_s=$(echo "$t1 - $t0" | bc) peak_rss_mib=$(sort -n "$out/samples" | tail -1 | awk '{printf "%.0f", $1/1024}') peak_threads=$(awk '{print $2}' "$out/samples" | sort -n | tail -1)"
