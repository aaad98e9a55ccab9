# interop/cases: sourced by interop/run, in order of name (see docs/testing.md).
# Faults with real peers: sshd's session or the FTP server's session killed mid-transfer, the client
# host's link cut for 20 s, sshd restarted, sshd's session hung, a slow reader beside fast transfers,
# 300 idle SOCKS connections (then their SSH connections killed), and what all that leaves in the
# broker. Each case ends with the client seeing a failure or the exact bytes, in bounded time; a
# client exit 0 with other bytes (a truncated success) fails it. Each line gives its numbers. Before
# 90-fallback.sh, which kills sshd for good. Helpers here start with f (fbg, fend, fverdict...).

# ---- helpers -------------------------------------------------------------------------------------
MIB=1048576
# fbg NAME URL [curl options]: curl through the broker (SOCKS 5) in the background, its output in
# $W/out/NAME, its stderr in NAME.err; FPID is curl's pid (ip netns exec runs it in its own place).
fbg() {
    local name=$1 url=$2
    shift 2
    rm -f "$W/out/$name"
    ip netns exec "$NS_C" curl -sS --max-time "${FMAX:-150}" -x "$S5" -u "$TEST_USER:$PASSWORD" \
        -o "$W/out/$name" "$@" "$url" </dev/null 2>"$W/out/$name.err" &
    FPID=$!
}
fsize() { stat -c %s "$1" 2>/dev/null || echo 0; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }
secs() { printf '%d.%01d' $(($1 / 1000)) $(($1 % 1000 / 100)); } # milliseconds as seconds
# fwait_size FILE BYTES SECONDS: true once FILE holds BYTES or more, within SECONDS
fwait_size() {
    local i
    for ((i = 0; i < $3 * 10; i++)); do
        [ "$(fsize "$1")" -ge "$2" ] && return 0
        sleep 0.1
    done
    return 1
}
# fstart NAME FILE URL [curl options]: fbg, then true once FILE (what curl writes, or the server's copy
# of an upload) holds 2 MiB; else the case fails (curl killed) and fstart is false.
fstart() {
    local name=$1 file=$2
    shift 2
    fbg "$name" "$@"
    fwait_size "$file" $((2 * MIB)) 30 && return 0
    kill -KILL "$FPID" 2>/dev/null || true
    fend "$FPID" 5
    fail "$name" "no 2 MiB reached ${file##*/} in 30 s (curl exit $FRC: $(grep '^curl:' "$W/out/$name.err" | tr '\n' ' '))"
    return 1
}
# fend PID SECONDS: waits at most SECONDS for PID to end; FRC is its exit code, or 'hang' when it had
# not ended (it is killed then).
fend() {
    local i
    for ((i = 0; i < $2 * 10; i++)); do
        kill -0 "$1" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$1" 2>/dev/null; then
        disown "$1" 2>/dev/null || true # no "Killed" from bash
        kill -KILL "$1" 2>/dev/null || true
        FRC=hang
        return
    fi
    FRC=0
    { wait "$1"; } 2>/dev/null || FRC=$?
}
# Processes of the SSH host whose command is $1 and whose parent's command is $1 too: sshd's
# per-connection processes (the [priv] monitor and its child), not the listener; vsftpd's session
# processes, not the listener. $2, if given, must be in the command line (which vsftpd).
children_of_same() {
    local nspids
    nspids=" $(ns_pids "$NS_S" | tr '\n' ' ') "
    # One ps for all (a ps per process takes seconds beside 300 vsftpd sessions)
    ps -e -o pid=,ppid=,comm= | awk -v want="$1" -v nspids="$nspids" '
        { comm[$1] = $3; ppid[$1] = $2; n++; pid[n] = $1 }
        END { for (i = 1; i <= n; i++) { p = pid[i]; if (comm[p] == want && comm[ppid[p]] == want && index(nspids, " " p " ")) print p } }' |
        while read -r p; do
            [ -z "${2:-}" ] || tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | grep -qF -- "$2" || continue
            echo "$p"
        done
    return 0
}
# The broker's SSH connections (its source ports), as the client host sees them
broker_ssh_ports() {
    in_ns "$NS_C" ss -Htn state established '( dport = :22 )' | awk '{print $3}' | sed 's/.*://' | sort -n | tr '\n' ' '
}
# fverdict NAME WANT RC DETAIL: a download's end after a fault: PASS when curl failed, or ended 0 with
# exactly WANT's bytes; FAIL on a truncated success or a hang.
fverdict() {
    local name=$1 want=$2 rc=$3 detail=$4 got
    got=$(fsize "$W/out/$name")
    if [ "$rc" = hang ]; then fail "$name" "curl had not ended ($detail; $got bytes): a hang"
    elif [ "$rc" = 0 ]; then
        if [ "$(sha "$W/out/$name")" = "$(sha "$want")" ]; then pass "$name (exact bytes: $got; $detail)"
        else fail "$name" "a truncated success: curl exit 0 with $got bytes, SHA-256 $(sha "$W/out/$name"), want $(fsize "$want") bytes ($detail)"; fi
    elif [ "$got" -ge "$(fsize "$want")" ] && [ "$(sha "$W/out/$name")" = "$(sha "$want")" ]; then
        pass "$name (curl exit $rc with all $got bytes; $detail)"
    else pass "$name (curl failed: exit $rc after $got of $(fsize "$want") bytes; $detail)"; fi
}
# fkill NAME WHAT PIDS [DETAIL]: the fault under the download NAME running (fstart): kill -9 of PIDS, the
# processes of WHAT, then the download's end judged (fverdict); the case fails when PIDS is empty.
fkill() {
    local name=$1 what=$2 pids=$3 detail=${4:-} at t0
    if [ -z "$pids" ]; then
        kill -KILL "$FPID" 2>/dev/null || true
        fend "$FPID" 5
        fail "$name" "no $what process to kill"
        return
    fi
    at=$(fsize "$W/out/$name")
    # shellcheck disable=SC2086
    kill -KILL $pids
    t0=$(now_ms)
    fend "$FPID" 30
    fverdict "$name" "$HOME_DIR/big.bin" "$FRC" "killed $what $(echo $pids)$detail at $at bytes; curl ended $(secs $(($(now_ms) - t0))) s after; its last reply: $(grep -E '^< [0-9]{3} ' "$W/out/$name.err" | tail -n 1 | tr -d '\r')"
}
# ffresh NAME SECONDS: a fresh download of small.bin, tried again until it arrives exact or SECONDS
# pass; FTOOK is how long it took (ms) and FTRIES the tries, or FTOOK is empty.
ffresh() {
    local name=$1 t0 deadline rc
    t0=$(now_ms) deadline=$(($(now_ms) + $2 * 1000)) FTRIES=0 FTOOK=''
    while [ "$(now_ms)" -lt "$deadline" ]; do
        FTRIES=$((FTRIES + 1)) rc=0
        rm -f "$W/out/$name"
        in_ns "$NS_C" curl -sS --max-time 20 -x "$S5" -u "$TEST_USER:$PASSWORD" -o "$W/out/$name" \
            ftp://127.0.0.1/small.bin 2>>"$W/out/$name.err" || rc=$?
        if [ "$rc" = 0 ] && [ "$(sha "$W/out/$name")" = "$(sha "$HOME_DIR/small.bin")" ]; then
            FTOOK=$(($(now_ms) - t0))
            return 0
        fi
        sleep 1
    done
    return 1
}

# ---- 1. sshd's session killed mid-download -------------------------------------------------------
# A slow download; once bytes flow, kill -9 sshd's processes of the broker's connection (not the
# listener). curl must fail, or have the exact bytes; then a fresh download (a new SSH connection).
name=fault-sshd-session-killed-mid-download
if fstart $name "$W/out/$name" ftp://127.0.0.1/big.bin --limit-rate 4M; then
    ports=$(broker_ssh_ports)
    fkill $name sshd "$(children_of_same sshd)" " of the broker's connection from port(s) ${ports% }"
fi
# The next session needs a new SSH connection: at once, no retry
case_get fault-sshd-session-killed-then-fresh-download "$S5" ftp://127.0.0.1/small.bin "$HOME_DIR/small.bin"

# ---- 2. sshd's session killed mid-upload ---------------------------------------------------------
name=fault-sshd-session-killed-mid-upload
up=$HOME_DIR/fault-up.bin
rm -f "$up"
if fstart $name "$up" ftp://127.0.0.1/fault-up.bin -T "$HOME_DIR/big.bin" --limit-rate 4M; then
    pids=$(children_of_same sshd)
    at=$(fsize "$up")
    # shellcheck disable=SC2086
    [ -z "$pids" ] || kill -KILL $pids
    t0=$(now_ms)
    fend "$FPID" 30
    took=$(secs $(($(now_ms) - t0)))
    sleep 1 # the server's end of the file
    got=$(fsize "$up")
    if [ -z "$pids" ]; then fail $name "no sshd session process to kill"
    elif [ "$FRC" = hang ]; then fail $name "curl had not ended 30 s after the kill (server file $got bytes): a hang"
    elif [ "$FRC" = 0 ] && [ "$(sha "$up")" != "$(sha "$HOME_DIR/big.bin")" ]; then
        fail $name "a truncated success: curl exit 0, the server's file has $got of $(fsize "$HOME_DIR/big.bin") bytes"
    elif [ "$FRC" = 0 ]; then pass "$name (curl exit 0, the server's file exact: $got bytes)"
    else pass "$name (curl failed: exit $FRC, $took s after the kill at $at bytes; the server's file: $got of $(fsize "$HOME_DIR/big.bin") bytes)"; fi
fi
rm -f "$up"
case_get fault-sshd-session-killed-then-fresh-upload-download "$S5" ftp://127.0.0.1/mid.bin "$HOME_DIR/mid.bin"

# ---- 3. the FTP server's session process killed mid-download -------------------------------------
# vsftpd's processes of the session (not its listener) get kill -9: the server's sockets end, with a
# FIN, which the SSH channel carries as a clean end: the client must still fail or have every byte.
# Twice: curl as it is (it knows the size, from the 150 reply), and with --ignore-content-length (it
# does not: the broker's 421 for the reply still due is all that tells it).
for variant in size-known: size-unknown:--ignore-content-length; do
    name=fault-ftp-session-killed-mid-download-${variant%%:*}
    # shellcheck disable=SC2086
    fstart $name "$W/out/$name" ftp://127.0.0.1/big.bin --limit-rate 4M -v ${variant#*:} || continue
    fkill $name vsftpd "$(children_of_same vsftpd /vsftpd-ssh.conf)"
done
case_get fault-ftp-session-killed-then-fresh-download "$S5" ftp://127.0.0.1/small.bin "$HOME_DIR/small.bin"

# ---- 4. the client host's link cut for 20 s --------------------------------------------------------
# A download under way while the link to the SSH host is down for 20 s (ip link set down in the client
# namespace): it must fail or complete exactly. After link-up a fresh download must arrive exact
# within 60 s (tried again until then).
name=fault-link-cut-20s-during-download
if fstart $name "$W/out/$name" ftp://127.0.0.1/big.bin --limit-rate 4M; then
    in_ns "$NS_C" ip link set "$V_CS_C" down
    down_ms=$(now_ms)
    running=$FPID
    at=$(fsize "$W/out/$name")
    # A session begun 3 s into the cut: a failure within twice CONNECTTIMEOUT (the bound of a tunnel's
    # opening) and some slack, or the exact bytes once the link is back
    sleep 3
    FMAX=60 fbg fault-link-cut-new-session ftp://127.0.0.1/mid.bin
    begun=$FPID
    sleep 17
    during=$(fsize "$W/out/$name")
    in_ns "$NS_C" ip link set "$V_CS_C" up
    up_ms=$(now_ms)
    ffresh fault-link-cut-then-fresh-download 60 || true
    fend "$running" 90
    fverdict $name "$HOME_DIR/big.bin" "$FRC" "link down at $at bytes, $during after 20 s; curl ended $(secs $(($(now_ms) - up_ms))) s after link-up"
    fend "$begun" 40
    took=$(($(now_ms) - down_ms - 3000)) # at most; its end is seen after the fresh download
    n=fault-link-cut-new-session
    if [ "$FRC" = hang ]; then fail $n "a session begun during the cut had not ended $(secs $took) s later"
    elif [ "$FRC" = 0 ] && [ "$(sha "$W/out/$n")" = "$(sha "$HOME_DIR/mid.bin")" ]; then pass "$n (exact bytes after link-up)"
    elif [ "$FRC" = 0 ]; then fail $n "a truncated success: $(fsize "$W/out/$n") bytes"
    elif [ "$(fsize "$W/out/$n")" != 0 ]; then pass "$n (curl failed: exit $FRC after $(fsize "$W/out/$n") bytes)"
    else pass "$n (curl failed: exit $FRC: $(tr '\n' ' ' <"$W/out/$n.err"))"; fi
    if [ -n "$FTOOK" ]; then pass "fault-link-cut-then-fresh-download ($(secs "$FTOOK") s after link-up, try $FTRIES)"
    else fail fault-link-cut-then-fresh-download "no exact download within 60 s of link-up ($FTRIES tries: $(tail -n 3 "$W/out/fault-link-cut-then-fresh-download.err" | tr '\n' ' '))"; fi
fi

# ---- 5. sshd restarted -----------------------------------------------------------------------------
# With an SSH connection in the broker's pool (a download just before), every sshd process goes
# (listener and sessions, kill -9) and sshd starts again: a new session must arrive exact within 60 s.
name=fault-sshd-restarted
ffresh fault-sshd-restarted-before 20 || true
ports=$(broker_ssh_ports)
for p in $(ns_pids "$NS_S"); do
    [ "$(ps -o comm= -p "$p" 2>/dev/null)" = sshd ] && kill -KILL "$p" 2>/dev/null
done
for ((i = 0; i < 50; i++)); do port_open "$NS_C" 10.254.1.2 22 || break; sleep 0.1; done
start_sshd
disown -a
if [ -z "$ports" ]; then fail $name "the broker had no SSH connection before the restart: the case proves nothing"
elif ffresh $name 60; then pass "$name (a new session arrived exact $(secs "$FTOOK") s after sshd started again, try $FTRIES; the pool held port(s) ${ports% })"
else fail $name "no exact download within 60 s of sshd's restart ($FTRIES tries: $(tail -n 3 "$W/out/$name.err" | tr '\n' ' '))"; fi

# ---- 5b. sshd's session hung (SIGSTOP), sshd itself still there ---------------------------------------
# The pooled SSH connection goes silent (its sshd processes stopped: a hung server, or a route that
# drops its packets), while sshd still takes new connections. A session begun then must fail within
# twice CONNECTTIMEOUT (20 s) and some slack, or succeed; the broker must then send new sessions to a
# new SSH connection: the next download arrives exact within 10 s (before Fault80's fix every session
# failed, 20 s each, until the keepalives gave the connection up, 100 s later).
name=fault-sshd-session-hung
ffresh fault-sshd-session-hung-before 20 || true
ports=$(broker_ssh_ports)
pids=$(children_of_same sshd)
if [ -z "$pids" ]; then fail $name "no sshd session process to stop"
else
    # shellcheck disable=SC2086
    kill -STOP $pids
    t0=$(now_ms) rc=0
    in_ns "$NS_C" curl -sS --max-time 40 -x "$S5" -u "$TEST_USER:$PASSWORD" -o "$W/out/$name" \
        ftp://127.0.0.1/small.bin 2>"$W/out/$name.err" || rc=$?
    first=$(($(now_ms) - t0))
    if [ "$rc" = 0 ] && [ "$(sha "$W/out/$name")" = "$(sha "$HOME_DIR/small.bin")" ]; then first_is="exact"
    elif [ "$rc" = 0 ]; then first_is="a truncated success"
    else first_is="curl exit $rc"; fi
    ffresh fault-sshd-session-hung-then-fresh-download 10 || true
    # shellcheck disable=SC2086
    kill -KILL $pids 2>/dev/null || true
    numbers="stopped sshd $(echo $pids) of the connection(s) from port(s) ${ports% }; the session begun then: $first_is after $(secs $first) s; the next: ${FTOOK:+exact after $(secs "$FTOOK") s, try $FTRIES}"
    if [ "$first_is" = "a truncated success" ]; then fail $name "$numbers"
    elif [ "$first" -gt 30000 ]; then fail $name "the session begun on the silent connection took too long: $numbers"
    elif [ -z "$FTOOK" ]; then fail $name "no exact download within 10 s after that (new sessions still go to the silent connection?): $numbers"
    else pass "$name ($numbers)"; fi
fi

# ---- 6. a slow reader beside two fast transfers ------------------------------------------------------
# One client reads big.bin at 100 KB/s through the broker's SSH connection while two fast downloads of
# big.bin run: they must end exact in a time comparable to one alone (no head-of-line blocking).
name=fault-slow-reader-beside-two-fast
t0=$(now_ms)
rc=0
in_ns "$NS_C" curl -sS --max-time 60 -x "$S5" -u "$TEST_USER:$PASSWORD" -o "$W/out/$name-solo" \
    ftp://127.0.0.1/big.bin 2>"$W/out/$name-solo.err" || rc=$?
solo=$(($(now_ms) - t0))
if [ "$rc" != 0 ] || [ "$(sha "$W/out/$name-solo")" != "$(sha "$HOME_DIR/big.bin")" ]; then
    fail $name "the download alone failed: exit $rc, $(fsize "$W/out/$name-solo") bytes"
else
    # The slow reader: curl writes into a pipe that Python empties at 10 KiB every 0.1 s (curl 7.88's own
    # --limit-rate 100K read 3 MB/s), so curl, then the broker, then the SSH channel are held back.
    rm -f "$W/out/$name-slow"
    ip netns exec "$NS_C" curl -sS --max-time 300 -x "$S5" -u "$TEST_USER:$PASSWORD" -o - \
        ftp://127.0.0.1/big.bin </dev/null 2>"$W/out/$name-slow.err" |
        ip netns exec "$NS_C" python3 -c 'import sys, time
out = open(sys.argv[1], "wb")
while True:
    chunk = sys.stdin.buffer.read(10240)
    if not chunk:
        break
    out.write(chunk)
    out.flush()
    time.sleep(0.1)' "$W/out/$name-slow" &
    slow=$! slow_t0=$(now_ms)
    disown "$slow" # killed at the end (curl then ends on the broken pipe): no "Killed" from bash
    # 2 s more: every buffer on its way (the pipe, sockets, the broker, the SSH channel's window) is full by then
    if ! fwait_size "$W/out/$name-slow" 100000 30 || ! sleep 2; then
        fail $name "the slow reader got no 100000 bytes in 30 s"
    else
        conns=$(broker_ssh_ports)
        t0=$(now_ms)
        FMAX=120 fbg $name-fast1 ftp://127.0.0.1/big.bin
        f1=$FPID
        FMAX=120 fbg $name-fast2 ftp://127.0.0.1/big.bin
        f2=$FPID
        fend "$f1" 130; rc1=$FRC
        fend "$f2" 130; rc2=$FRC
        both=$(($(now_ms) - t0))
        bound=$((solo * 5 > 30000 ? solo * 5 : 30000))
        slow_at=$(fsize "$W/out/$name-slow")
        slow_rate=$((slow_at * 1000 / ($(now_ms) - slow_t0) / 1000))
        slow_alive=no
        kill -0 "$slow" 2>/dev/null && slow_alive=yes
        numbers="alone $(secs $solo) s, the two beside the slow reader $(secs $both) s (bound $(secs $bound) s); the slow reader at $slow_at bytes, $slow_rate KB/s; SSH connection(s) from port(s) ${conns% }"
        if [ "$rc1" != 0 ] || [ "$rc2" != 0 ]; then fail $name "the fast downloads ended $rc1 and $rc2 ($numbers)"
        elif [ "$(sha "$W/out/$name-fast1")" != "$(sha "$HOME_DIR/big.bin")" ] ||
            [ "$(sha "$W/out/$name-fast2")" != "$(sha "$HOME_DIR/big.bin")" ]; then
            fail $name "a fast download differs: $(fsize "$W/out/$name-fast1") and $(fsize "$W/out/$name-fast2") bytes ($numbers)"
        elif [ "$both" -gt "$bound" ]; then fail $name "head-of-line blocking: $numbers"
        elif [ "$slow_alive" != yes ]; then fail $name "the slow reader had ended before the fast ones ($(tr '\n' ' ' <"$W/out/$name-slow.err")): it was not beside them ($numbers)"
        elif ! cmp -s -n "$slow_at" "$W/out/$name-slow" "$HOME_DIR/big.bin"; then fail $name "the slow reader's $slow_at bytes are not big.bin's first ($numbers)"
        else pass "$name ($numbers)"; fi
    fi
    kill -KILL "$slow" 2>/dev/null || true
fi

# ---- 7. 300 idle SOCKS connections beside a transfer -------------------------------------------------
# 300 connections complete SOCKS 5 CONNECT to the FTP server (127.0.0.1:21, FTPTUNNEL: each one an SSH
# channel and a vsftpd session), then sit idle, not logged in, while a 64 MiB download runs. The broker
# is configured for them (MAXSESSIONS(1000), so MAXPRELOGIN 500; LOGINTIMEOUT(60) is longer than the
# case): all 300 are granted and still open at the end, the download arrives exact, and once they are
# closed the broker counts no session and serves another download.
name=fault-300-idle-socks-beside-a-transfer
fctl() { in_ns "$NS_C" java -jar "$JAR" ctl --endpoint "$W/ctl/broker" "$@" 2>&1 || true; }
sessions_now() { fctl DISPLAY | sed -n 's/^ *SESSIONS *\([0-9]*\) OF.*/\1/p'; }
# fsessions_drop SECONDS: left is the broker's count of sessions once 0, or after SECONDS
fsessions_drop() {
    local i
    left=x
    for ((i = 0; i < $1; i++)); do
        left=$(sessions_now)
        [ "$left" = 0 ] && break
        sleep 1
    done
}
# fidle_open NAME: interop/idle_socks.py opens 300 idle SOCKS 5 sessions to 127.0.0.1:21 (idle is its
# pid; touching $W/idle.release ends them); opened is its line about them once all are open (90 s at most)
fidle_open() {
    local i
    rm -f "$W/idle.release"
    ip netns exec "$NS_C" python3 "$ROOT/interop/idle_socks.py" 127.0.0.1 1080 127.0.0.1 21 300 \
        "$W/idle.release" 150 >"$W/out/$1.idle" 2>&1 </dev/null &
    idle=$!
    for ((i = 0; i < 900; i++)); do grep -q '^opened' "$W/out/$1.idle" && break; kill -0 $idle 2>/dev/null || break; sleep 0.1; done
    opened=$(grep '^opened' "$W/out/$1.idle" || echo "opened nothing in 90 s: $(tail -n 2 "$W/out/$1.idle" | tr '\n' ' ')")
}
fidle_open $name
during=$(sessions_now)
t0=$(now_ms) rc=0
in_ns "$NS_C" curl -sS --max-time 60 -x "$S5" -u "$TEST_USER:$PASSWORD" -o "$W/out/$name" \
    ftp://127.0.0.1/big.bin 2>"$W/out/$name.err" || rc=$?
took=$(($(now_ms) - t0))
touch "$W/idle.release"
fend $idle 20
released=$(grep '^released' "$W/out/$name.idle" || echo "released: none ($FRC)")
# The broker's count back to 0 within 10 s (a session the broker did not end would be a leak)
fsessions_drop 10
numbers="${opened#opened }; broker sessions during: ${during:-?}; the download $(secs $took) s; ${released#released }; sessions after: ${left:-?}"
if [ "$rc" != 0 ]; then fail $name "the download beside them failed: curl exit $rc ($(tr '\n' ' ' <"$W/out/$name.err")); $numbers"
elif [ "$(sha "$W/out/$name")" != "$(sha "$HOME_DIR/big.bin")" ]; then fail $name "the download differs: $(fsize "$W/out/$name") bytes; $numbers"
elif ! [[ $opened == "opened granted=300 "* ]]; then fail $name "not all 300 granted: $numbers"
elif ! [[ $released == "released held=300 dropped=0" ]]; then fail $name "idle connections were ended: $numbers"
elif [ "$left" != 0 ]; then fail $name "the broker still counts ${left:-?} session(s) 10 s after all were closed: $numbers"
else pass "$name ($numbers)"; fi
case_get fault-300-idle-socks-then-fresh-download "$S5" ftp://127.0.0.1/mid.bin "$HOME_DIR/mid.bin"

# The same 300 again, then sshd's processes of every SSH connection killed: every one of them must be
# ended by the broker within 15 s (not left to an idle timeout), the broker's count back to 0, and a
# new session must arrive exact (new SSH connections).
name=fault-300-idle-socks-then-sshd-sessions-killed
fidle_open $name
ports=$(broker_ssh_ports)
pids=$(children_of_same sshd)
# shellcheck disable=SC2086
[ -z "$pids" ] || kill -KILL $pids
t0=$(now_ms)
fsessions_drop 15
took=$(($(now_ms) - t0))
touch "$W/idle.release"
fend $idle 20
released=$(grep '^released' "$W/out/$name.idle" || echo "released: none ($FRC)")
numbers="${opened#opened }; killed $(wc -w <<<"$pids") sshd processes of the connections from port(s) ${ports% }; broker sessions ${left:-?} $(secs $took) s later; ${released#released }"
if ! [[ $opened == "opened granted=300 "* ]]; then fail $name "not all 300 granted: $numbers"
elif [ -z "$pids" ]; then fail $name "no sshd session process to kill: $numbers"
elif [ "$left" != 0 ]; then fail $name "the broker still counts ${left:-?} session(s) 15 s after their SSH connections went: $numbers"
elif ! [[ $released == "released held=0 dropped=300" ]]; then fail $name "idle connections not ended with their SSH connections: $numbers"
else pass "$name ($numbers)"; fi
case_get fault-300-idle-socks-then-sshd-killed-then-fresh-download "$S5" ftp://127.0.0.1/mid.bin "$HOME_DIR/mid.bin"

# ---- 8. what the faults leave in the broker ---------------------------------------------------------
# After all of them: no session, no held upload, and every SSH connection the broker counts is an
# established TCP connection to sshd (none left over from the killed sshd).
name=fault-broker-state-after-the-faults
sleep 1
d=$(fctl DISPLAY)
sess=$(sed -n 's/^ *SESSIONS *\([0-9]*\) OF.*/\1/p' <<<"$d")
held=$(sed -n 's/.*HELD UPLOADS *\([0-9]*\).*/\1/p' <<<"$d")
ssh=$(sed -n 's/^ *SSH *\([0-9]*\) CONNECTION.*/\1/p' <<<"$d")
tcp=$(in_ns "$NS_C" ss -Htn state established '( dport = :22 )' | wc -l)
numbers="sessions ${sess:-?}, held uploads ${held:-0}, SSH connections ${ssh:-?}, TCP connections to sshd $tcp"
if [ "$sess" != 0 ] || [ "${held:-0}" != 0 ]; then fail $name "$numbers: $(tr '\n' '|' <<<"$d")"
elif [ "$ssh" != "$tcp" ]; then fail $name "the broker counts SSH connections that are not there: $numbers; $(fctl D SSH | tr '\n' '|')"
else pass "$name ($numbers)"; fi
