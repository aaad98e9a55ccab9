# interop/cases: sourced by interop/run, in order of name (see docs/testing.md).
# Other FTP clients than curl: lftp under proxychains4 (ProFTPD on the third host), Python's ftplib through
# SOCKS 5 (vsftpd), and a z/OS-like client through SOCKS 4 that ignores the 227's address (ProFTPD).

# ---- lftp through proxychains4 -----------------------------------------------------------------
# proxychains hooks connect(): lftp's control connection and each passive data connection (to the
# address lftp takes from the 227) become SOCKS 5 CONNECTs to the broker. Not quiet: its log of every
# connection is checked, so a data connection that went around SOCKS is seen.
cat >"$W/proxychains.conf" <<EOF
# interop/run: lftp's proxychains4 configuration
strict_chain
tcp_read_time_out 15000
tcp_connect_time_out 8000
[ProxyList]
socks5 127.0.0.1 1080
EOF
# lftp_run name commands: lftp logged in to ProFTPD on 10.254.2.2 (THIRDHOST) through proxychains4
lftp_run() {
    local name=$1 cmds=$2
    LFTP_PASSWORD=$PASSWORD in_ns "$NS_C" timeout 60 proxychains4 -f "$W/proxychains.conf" \
        lftp --norc --env-password -u "$TEST_USER" \
        -e "set net:timeout 10; set net:max-retries 1; set net:reconnect-interval-base 1; set cmd:fail-exit yes; $cmds; bye" \
        ftp://10.254.2.2 >"$W/out/$name.out" 2>"$W/out/$name.err"
}
# The proxychains log: SOCKS requests for the control connection (10.254.2.2:21) and at least one other
# (the data connection), all OK.
lftp_socks_checked() { # name: prints why not
    local err=$W/out/$1.err ctl data
    ctl=$(grep -c '127.0.0.1:1080.*10\.254\.2\.2:21 .*OK' "$err" || true)
    data=$(grep -E '127.0.0.1:1080.*:[0-9]+ .*OK' "$err" | grep -vc ':21 .*OK' || true)
    if [ "$ctl" -lt 1 ]; then printf 'no SOCKS CONNECT to 10.254.2.2:21 in proxychains log'
    elif [ "$data" -lt 1 ]; then printf 'no SOCKS CONNECT for a data connection in proxychains log'
    elif grep -q 'timeout\|denied' "$err"; then printf 'proxychains reports a failure'
    fi
}
lftp_result() { # name rc: prints why not, from lftp's exit status and proxychains' log
    if [ "$2" != 0 ]; then printf 'lftp exit %s: %s' "$2" "$(grep -v '^\[proxychains\]' "$W/out/$1.err" | tr '\n' ' ' | head -c 400)"
    else lftp_socks_checked "$1"; fi
}

# lftp_copy name commands got want: a transfer by lftp, GOT checked against WANT by SHA-256
lftp_copy() {
    local name=$1 rc=0 why
    rm -f "$3"
    lftp_run "$name" "$2" || rc=$?
    why=$(lftp_result "$name" $rc)
    [ -n "$why" ] || why=$(differs "$3" "$4")
    if [ -n "$why" ]; then fail "$name" "$why"; else pass "$name"; fi
}
lftp_copy lftp-proxychains-get "get mid.bin -o $W/out/lftp-get.bin" "$W/out/lftp-get.bin" "$HOME_DIR/mid.bin"
lftp_copy lftp-proxychains-put "put $W/upload.bin -o lftp-up.bin" "$HOME_DIR/lftp-up.bin" "$W/upload.bin"

# pget: big.bin (64 MiB) in parts on up to 4 sessions at once, each a RETR from its REST offset,
# ended by lftp with ABOR when its part is in
name=lftp-proxychains-pget
rm -f "$W/out/$name.bin"
n0=$(grep -c 'XFER .*cmd=RETR path=big\.bin ' "$W/broker.log" || true)
rc=0
lftp_run $name "pget -n 4 big.bin -o $W/out/$name.bin" || rc=$?
sleep 0.2
n1=$(grep -c 'XFER .*cmd=RETR path=big\.bin ' "$W/broker.log" || true)
why=$(lftp_result $name $rc)
if [ -n "$why" ]; then fail $name "$why"
elif [ $((n1 - n0)) -lt 2 ]; then fail $name "the broker saw $((n1 - n0)) RETR of big.bin, not parts on 2 sessions or more"
elif why=$(differs "$W/out/$name.bin" "$HOME_DIR/big.bin"); [ -n "$why" ]; then fail $name "$why"
else pass $name; fi

name=lftp-proxychains-ls
rc=0
lftp_run $name "cls -1" || rc=$?
why=$(lftp_result $name $rc)
if [ -n "$why" ]; then fail $name "$why"
else
    miss=''
    for f in small.bin mid.bin canary.txt sub; do grep -Eq "^$f/?\$" "$W/out/$name.out" || miss+=" $f"; done
    if [ -n "$miss" ]; then fail $name "listing lacks$miss: $(head -c 300 "$W/out/$name.out" | tr '\n' '|')"
    else pass $name; fi
fi

# Active mode: lftp told not to use passive mode sends PORT; the broker answers 502 itself (no data
# connection can come back through SOCKS CONNECT), and lftp fails at once with that reply, no byte.
name=lftp-proxychains-active-refused
rm -f "$W/out/$name.bin"
t1=$(date +%s) rc=0
lftp_run $name "set ftp:passive-mode off; get mid.bin -o $W/out/$name.bin" || rc=$?
t2=$(date +%s)
if [ "$rc" = 0 ]; then fail $name "lftp got mid.bin in active mode through the broker"
elif [ $((t2 - t1)) -ge 30 ]; then fail $name "lftp took $((t2 - t1)) s (a hang), exit $rc"
elif [ -s "$W/out/$name.bin" ]; then fail $name "lftp wrote $(stat -c %s "$W/out/$name.bin") bytes"
elif ! grep -q '502 Active mode (PORT) is not available' "$W/out/$name.err"; then
    fail $name "lftp exit $rc without the broker's 502 for PORT: $(grep -v '^\[proxychains\]' "$W/out/$name.err" | tr '\n' ' ' | head -c 400)"
else pass $name; fi

# ---- Python's ftplib through SOCKS 5 (vsftpd on the SSH host's 127.0.0.1:21, KEYFTP) ----------------
# ftplib ignores the 227's address and connects to its control socket's peer, here the proxy, at the
# 227's port: that too goes through SOCKS 5 (see interop/ftplib_socks5.py).
py_ftp() { # name op args...
    local name=$1
    shift
    FTP_PASSWORD=$PASSWORD in_ns "$NS_C" timeout 60 python3 "$ROOT/interop/ftplib_socks5.py" \
        --proxy 127.0.0.1:1080 --host 127.0.0.1 --port 21 --user "$TEST_USER" "$@" \
        >"$W/out/$name.out" 2>"$W/out/$name.err"
}
name=python-ftplib-socks5-get
rm -f "$W/out/$name.bin"
rc=0
py_ftp $name get mid.bin "$W/out/$name.bin" || rc=$?
if [ "$rc" != 0 ]; then fail $name "exit $rc: $(tr '\n' ' ' <"$W/out/$name.err" | tail -c 400)"
elif [ "$(grep -c 'socks5: CONNECT .* granted' "$W/out/$name.err")" -lt 2 ]; then
    fail $name "not two SOCKS 5 CONNECTs (control and data): $(tr '\n' ' ' <"$W/out/$name.err" | head -c 400)"
elif why=$(differs "$W/out/$name.bin" "$HOME_DIR/mid.bin"); [ -n "$why" ]; then fail $name "$why"
else pass $name; fi

name=python-ftplib-socks5-put
rm -f "$HOME_DIR/py-up.bin"
rc=0
py_ftp $name put "$W/upload.bin" py-up.bin || rc=$?
if [ "$rc" != 0 ]; then fail $name "exit $rc: $(tr '\n' ' ' <"$W/out/$name.err" | tail -c 400)"
elif why=$(differs "$HOME_DIR/py-up.bin" "$W/upload.bin"); [ -n "$why" ]; then fail $name "$why"
else pass $name; fi

# ftplib's abort(): ABOR with its last byte sent as TCP urgent data, after the client closed the data
# connection of a 64 MiB RETR; the broker must pass the whole line on (426, then 225), and the session
# goes on: a RETR after it arrives exact.
name=python-ftplib-socks5-abort
rm -f "$W/out/$name.bin"
rc=0
py_ftp $name abort-get big.bin small.bin "$W/out/$name.bin" || rc=$?
if [ "$rc" != 0 ]; then fail $name "exit $rc: $(tr '\n' ' ' <"$W/out/$name.err" | tail -c 400)"
elif ! grep -q '^abort: then 22[56] ' "$W/out/$name.err"; then
    fail $name "no 225 or 226 for the ABOR: $(grep '^abort' "$W/out/$name.err" | tr '\n' ' ')"
elif why=$(differs "$W/out/$name.bin" "$HOME_DIR/small.bin"); [ -n "$why" ]; then fail $name "the RETR after the ABOR: $why"
else pass $name; fi

# ---- a z/OS-like client through SOCKS 4 (ProFTPD on the third host, THIRDHOST) ----------------------
# It ignores the 227's address (the broker's data listener, 127.0.0.1) and asks SOCKS 4 for the control
# host, 10.254.2.2, at the 227's port, as z/OS FTP with PASSIVEIGNOREADDR does.
name=zos-like-socks4-ignores-227-address
rm -f "$W/out/$name.bin"
rc=0
FTP_PASSWORD=$PASSWORD in_ns "$NS_C" timeout 60 python3 "$ROOT/interop/zos_like_client.py" \
    --proxy 127.0.0.1:1080 --host 10.254.2.2 --port 21 --user "$TEST_USER" mid.bin "$W/out/$name.bin" \
    >"$W/out/$name.out" 2>"$W/out/$name.err" || rc=$?
pasv=$(grep '^pasv: ' "$W/out/$name.err" || true)
if [ "$rc" != 0 ]; then fail $name "exit $rc: $(tr '\n' ' ' <"$W/out/$name.err" | tail -c 400)"
elif ! [[ $pasv =~ ^pasv:\ 227\ names\ ([0-9.]+):([0-9]+)\;\ connecting\ to\ 10\.254\.2\.2:([0-9]+)$ ]] ||
    [ "${BASH_REMATCH[1]}" = 10.254.2.2 ] || [ "${BASH_REMATCH[2]}" != "${BASH_REMATCH[3]}" ]; then
    fail $name "the data connection did not go to the control host at the 227's port, with the 227 naming another address: ${pasv:-no pasv line}"
elif ! grep -q "socks4: CONNECT 10.254.2.2:${BASH_REMATCH[3]} granted" "$W/out/$name.err"; then
    fail $name "no granted SOCKS 4 CONNECT to 10.254.2.2:${BASH_REMATCH[3]}"
elif why=$(differs "$W/out/$name.bin" "$HOME_DIR/mid.bin"); [ -n "$why" ]; then fail $name "$why"
else pass $name; fi

# ---- ProFTPD really served the third host's transfers above ----------------------------------------
name=proftpd-third-host-transfers-logged
sleep 0.2
xfer=$W/proftpd-ftp.xferlog
miss=''
grep -Eq " $HOME_DIR/mid\.bin b _ o r $TEST_USER " "$xfer" 2>/dev/null || miss+=" mid.bin sent;"
grep -Eq " $HOME_DIR/lftp-up\.bin b _ i r $TEST_USER " "$xfer" 2>/dev/null || miss+=" lftp-up.bin received;"
if [ -n "$miss" ]; then fail $name "ProFTPD's transfer log lacks:${miss%;}"
else pass $name; fi
