# interop/cases: sourced by interop/run, in order of name (see docs/testing.md).
# AUTH(FTPLOGIN), a wrong password, refused host keys, the third host and the canary file.

# sshd's log lines that match (LogLevel VERBOSE): how the broker logged in to it, seen from the server
ssh_lines() { grep -c -- "$1" "$W/sshd.log" 2>/dev/null || true; }

# AUTH(FTPLOGIN): the FTP USER/PASS log in to SSH (vsftpd on the SSH host's 127.0.0.1:2121). sshd must
# log a password login: the file alone would come as well through a login with the SSHHOST's KEY.
n0=$(ssh_lines "Accepted password for $TEST_USER from 10.254.1.1 ")
case_get socks5-ftplogin-download "$S5" ftp://127.0.0.1:2121/small.bin "$HOME_DIR/small.bin"
sleep 0.2
[ "$(ssh_lines "Accepted password for $TEST_USER from 10.254.1.1 ")" -gt "$n0" ] ||
    fail socks5-ftplogin-download-logged "no new 'Accepted password for $TEST_USER' in sshd's log: the SSH login did not use the FTP password"

# AUTH(FTPLOGIN) with a wrong password: a failure (curl 67, login denied) in bounded time, no hang
# sshd must log the refusal: vsftpd's own 530 would give curl the same 67 after a login with the KEY.
name=socks5-ftplogin-wrong-password
n0=$(ssh_lines "Failed password for $TEST_USER from 10.254.1.1 ")
t1=$(date +%s) rc=0
in_ns "$NS_C" curl -sS --max-time 40 -x "$S5" -u "$TEST_USER:wrong-$PASSWORD" \
    -o "$W/out/$name" ftp://127.0.0.1:2121/small.bin 2>"$W/out/$name.err" || rc=$?
t2=$(date +%s)
sleep 0.2
if [ "$rc" = 0 ]; then fail $name "curl succeeded with a wrong password"
elif [ $((t2 - t1)) -ge 30 ]; then fail $name "curl took $((t2 - t1)) s (a hang), exit $rc"
elif [ "$rc" != 67 ]; then fail $name "curl exit $rc, want 67 (login denied): $(tr '\n' ' ' <"$W/out/$name.err")"
elif [ "$(ssh_lines "Failed password for $TEST_USER from 10.254.1.1 ")" -le "$n0" ]; then
    fail $name "curl exit 67, but no new 'Failed password for $TEST_USER' in sshd's log: the wrong password never reached the SSH login"
else pass $name; fi

# A refused host key (KNOWNHOSTS names the SSH host with another key, STRICT): a failure in bounded
# time, no byte of the file, and the refusal in the broker's log. AUTH(KEY): the SOCKS request is
# refused (FTB0222E); AUTH(FTPLOGIN): the client gets 421 after its PASS (FTB0234E). curl reports a 421
# as exit 28, "Timeout was reached", at once (no ':' in the patterns: it parts the fields): a hang is told by the time taken, not by that code.
for case in 2198:FTB0222E:'\(97\) Can.t complete SOCKS5':socks5-key-refused-host-key \
    2199:FTB0234E:'^< 421 .*host key not trusted':socks5-ftplogin-refused-host-key; do
    IFS=: read -r port msgid want name <<<"$case"
    t1=$(date +%s) rc=0
    ccurl "$S5" "ftp://127.0.0.1:$port/small.bin" -o "$W/out/$name" -v 2>"$W/out/$name.err" || rc=$?
    t2=$(date +%s)
    sleep 0.2 # the broker's log line
    if [ "$rc" = 0 ]; then fail $name "curl succeeded through an SSH host whose key is not trusted"
    elif [ $((t2 - t1)) -ge 30 ]; then fail $name "curl took $((t2 - t1)) s (a hang), exit $rc"
    elif [ -s "$W/out/$name" ]; then fail $name "curl got $(stat -c %s "$W/out/$name") bytes"
    elif ! grep -Eq "$want" "$W/out/$name.err"; then
        fail $name "curl exit $rc, its trace lacks /$want/: $(grep -E '^(< |curl:)' "$W/out/$name.err" | tr '\n' ' ')"
    elif ! grep -q "$msgid.*127.0.0.1:$port" "$W/broker.log"; then
        fail $name "curl exit $rc, but no $msgid for 127.0.0.1:$port in the broker's log"
    else pass $name; fi
done

# The third host, through the SSH host: reachable only from there
case_get socks5-key-third-host "$S5" ftp://10.254.2.2/small.bin "$HOME_DIR/small.bin"
# The canary file, through the client link (encrypted) and, from the third host, on a last leg in clear
case_get socks5-key-canary-file "$S5" ftp://127.0.0.1/canary.txt "$HOME_DIR/canary.txt"
case_get socks5-key-third-host-canary-file "$S5" ftp://10.254.2.2/canary.txt "$HOME_DIR/canary.txt"
