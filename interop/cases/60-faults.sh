# interop/cases: sourced by interop/run, in order of name (see docs/testing.md).
# Faults with real peers: sshd's session or the FTP server's session killed mid-transfer, the client
# host's link cut for 20 s, sshd restarted, a slow reader beside fast transfers, 300 idle SOCKS
# connections. Each case ends with the client seeing a failure or the exact bytes, in bounded time; a
# client exit 0 with other bytes (a truncated success) fails it. Before 90-fallback.sh, which kills
# sshd for good.

# ---- helpers -------------------------------------------------------------------------------------
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
# fend PID SECONDS: waits at most SECONDS for PID to end; FRC is its exit code, or 'hang' when it had
# not ended (it is killed then).
fend() {
    local i
    for ((i = 0; i < $2 * 10; i++)); do
        kill -0 "$1" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$1" 2>/dev/null; then
        kill -KILL "$1" 2>/dev/null
        { wait "$1"; } 2>/dev/null || true
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
    local p pp
    for p in $(ns_pids "$NS_S"); do
        [ "$(ps -o comm= -p "$p" 2>/dev/null)" = "$1" ] || continue
        [ -z "${2:-}" ] || tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | grep -qF -- "$2" || continue
        pp=$(ps -o ppid= -p "$p" 2>/dev/null | tr -d ' ')
        [ -n "$pp" ] && [ "$(ps -o comm= -p "$pp" 2>/dev/null)" = "$1" ] && echo "$p"
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
MIB=1048576

# ---- 1. sshd's session killed mid-download -------------------------------------------------------
# A slow download; once bytes flow, kill -9 sshd's processes of the broker's connection (not the
# listener). curl must fail, or have the exact bytes; then a fresh download (a new SSH connection).
name=fault-sshd-session-killed-mid-download
fbg $name ftp://127.0.0.1/big.bin --limit-rate 4M
if ! fwait_size "$W/out/$name" $((2 * MIB)) 30; then
    kill -KILL "$FPID" 2>/dev/null || true; fend "$FPID" 5
    fail $name "no 2 MiB flowed in 30 s (exit $FRC: $(tr '\n' ' ' <"$W/out/$name.err"))"
else
    ports=$(broker_ssh_ports)
    pids=$(children_of_same sshd)
    if [ -z "$pids" ]; then
        kill -KILL "$FPID" 2>/dev/null || true; fend "$FPID" 5
        fail $name "no sshd session process to kill"
    else
        at=$(fsize "$W/out/$name")
        # shellcheck disable=SC2086
        kill -KILL $pids
        t0=$(now_ms)
        fend "$FPID" 30
        fverdict $name "$HOME_DIR/big.bin" "$FRC" "killed sshd $(echo $pids) of the broker's connection from port(s) ${ports% } at $at bytes; curl ended $(secs $(($(now_ms) - t0))) s after"
    fi
fi
# The next session needs a new SSH connection: at once, no retry
case_get fault-sshd-session-killed-then-fresh-download "$S5" ftp://127.0.0.1/small.bin "$HOME_DIR/small.bin"

# ---- 2. sshd's session killed mid-upload ---------------------------------------------------------
name=fault-sshd-session-killed-mid-upload
up=$HOME_DIR/fault-up.bin
rm -f "$up"
fbg $name ftp://127.0.0.1/fault-up.bin -T "$HOME_DIR/big.bin" --limit-rate 4M
if ! fwait_size "$up" $((2 * MIB)) 30; then
    kill -KILL "$FPID" 2>/dev/null || true; fend "$FPID" 5
    fail $name "no 2 MiB reached the server in 30 s (exit $FRC: $(tr '\n' ' ' <"$W/out/$name.err"))"
else
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
name=fault-ftp-session-killed-mid-download
fbg $name ftp://127.0.0.1/big.bin --limit-rate 4M
if ! fwait_size "$W/out/$name" $((2 * MIB)) 30; then
    kill -KILL "$FPID" 2>/dev/null || true; fend "$FPID" 5
    fail $name "no 2 MiB flowed in 30 s (exit $FRC: $(tr '\n' ' ' <"$W/out/$name.err"))"
else
    pids=$(children_of_same vsftpd /vsftpd-ssh.conf)
    if [ -z "$pids" ]; then
        kill -KILL "$FPID" 2>/dev/null || true; fend "$FPID" 5
        fail $name "no vsftpd session process to kill"
    else
        at=$(fsize "$W/out/$name")
        # shellcheck disable=SC2086
        kill -KILL $pids
        t0=$(now_ms)
        fend "$FPID" 30
        fverdict $name "$HOME_DIR/big.bin" "$FRC" "killed vsftpd $(echo $pids) at $at bytes; curl ended $(secs $(($(now_ms) - t0))) s after"
    fi
fi
case_get fault-ftp-session-killed-then-fresh-download "$S5" ftp://127.0.0.1/small.bin "$HOME_DIR/small.bin"
