# interop/cases: sourced by interop/run, in order of name (see docs/testing.md).
# `ftb gateway` as the SSH server (10.254.1.2:2222 on the SSH host): a key login, a password login
# (AUTH(FTPLOGIN)), and a destination its PERMIT does not hold.

# gw_logged name pattern: the gateway's log has a new line matching pattern (since the case began)
gw_lines() { grep -c -- "$1" "$W/gateway.log" 2>/dev/null || true; }

# AUTH(KEY): the broker logs in to the gateway with the SSHHOST's key; control and data channels go to
# the vsftpd on 127.0.0.1:2123 (PERMIT holds it and its passive ports).
n0=$(gw_lines "FTB0509I.*$TEST_USER.*publickey")
case_get gateway-key-download "$S5" ftp://127.0.0.1:2123/mid.bin "$HOME_DIR/mid.bin"
sleep 0.2
[ "$(gw_lines "FTB0509I.*$TEST_USER.*publickey")" -gt "$n0" ] ||
    fail gateway-key-download-logged "no new FTB0509I (publickey login of $TEST_USER) in the gateway's log"

# AUTH(FTPLOGIN): the FTP USER/PASS log in to the gateway (its USERS file), then to vsftpd on :2124.
# The client names the server `localhost`: the gateway gets that name and matches it by its address
# against PERMIT.
n0=$(gw_lines "FTB0509I.*$TEST_USER.*password")
case_get gateway-ftplogin-download "$S5H" ftp://localhost:2124/small.bin "$HOME_DIR/small.bin"
sleep 0.2
[ "$(gw_lines "FTB0509I.*$TEST_USER.*password")" -gt "$n0" ] ||
    fail gateway-ftplogin-download-logged "no new FTB0509I (password login of $TEST_USER) in the gateway's log"

# A destination the gateway does not permit (127.0.0.1:2125, where a vsftpd does listen, so only the
# gateway's refusal stops it): the client gets a SOCKS refusal in bounded time, no byte, and the gateway
# logs FTB0502W.
name=gateway-not-permitted-refused
n0=$(gw_lines "FTB0502W.*:2125")
t1=$(date +%s) rc=0
ccurl "$S5" ftp://127.0.0.1:2125/small.bin -o "$W/out/$name" 2>"$W/out/$name.err" || rc=$?
t2=$(date +%s)
sleep 0.2
if [ "$rc" = 0 ]; then fail $name "curl got the file through the gateway from a destination outside PERMIT"
elif [ $((t2 - t1)) -ge 30 ]; then fail $name "curl took $((t2 - t1)) s (a hang), exit $rc"
elif [ -s "$W/out/$name" ]; then fail $name "curl got $(stat -c %s "$W/out/$name") bytes"
elif [ "$rc" != 97 ]; then fail $name "curl exit $rc, want 97 (SOCKS refusal): $(tr '\n' ' ' <"$W/out/$name.err")"
elif [ "$(gw_lines "FTB0502W.*:2125")" -le "$n0" ]; then
    fail $name "curl exit $rc, but no new FTB0502W (not in PERMIT) for port 2125 in the gateway's log"
else pass $name; fi
