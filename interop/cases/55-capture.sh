# interop/cases: sourced by interop/run, in order of name (see docs/testing.md).
# The captures started by interop/run, checked, and the topology's isolation: after every case with the
# links up (10-50: curl, lftp, ftplib, the z/OS-like client, ftb gateway), before the fault cases, which
# cut the client host's link (tcpdump ends when its interface goes down).

# ---- the captures: no FTP command, password or file content in clear on the client host's link; and
# the same check finds all of them on the SSH host -> third host leg, which is clear text by design
# (HOST names another SSH server than the FTP host), so the check is shown to catch clear text.
sleep 1
kill -TERM "$CAP_C_PID" "$CAP_S_PID" 2>/dev/null || true # (SIGINT: ignored by a background job)
for ((i = 0; i < 50; i++)); do kill -0 "$CAP_C_PID" 2>/dev/null || kill -0 "$CAP_S_PID" 2>/dev/null || break; sleep 0.1; done
clear_text_in() { # pcap: prints what of the secrets it holds in clear
    local f=$1 found=''
    grep -aqF "$PASSWORD" "$f" && found+=" the password;"
    grep -aqF "USER $TEST_USER" "$f" && found+=" 'USER $TEST_USER';"
    grep -aqE 'RETR (small|canary)' "$f" && found+=" 'RETR';"
    grep -aqF "$CANARY" "$f" && found+=" the canary file's content;"
    printf '%s' "$found"
}
name=capture-client-link-no-clear-text
f=$W/client-link.pcap
if [ ! -s "$f" ] || ! grep -aq 'SSH-2.0-' "$f"; then fail $name "the capture on $V_CS_C holds no SSH traffic ($(stat -c %s "$f" 2>/dev/null || echo no) bytes): it proves nothing"
else
    found=$(clear_text_in "$f")
    if [ -n "$found" ]; then fail $name "clear text on the client host's link:${found%;}"
    elif ! whole_capture "$f.out"; then
        fail $name "the capture is not whole: $(grep packets "$f.out" | tr '\n' ' ')"
    else pass $name; fi
fi
name=capture-check-detects-clear-text
f=$W/ssh-ftp-link.pcap
found=$(clear_text_in "$f")
if [ "$found" != " the password; 'USER $TEST_USER'; 'RETR'; the canary file's content;" ]; then
    fail $name "on the clear-text last leg to the third host the check found only:${found:- nothing} ($(grep packets "$f.out" | tr '\n' ' '))"
else pass $name; fi

# Topology: the client host reaches neither the SSH host's FTP server nor the third host itself
name=topology-isolation
why=''
port_open "$NS_C" 10.254.2.2 21 && why+=" the client host reaches 10.254.2.2:21 directly;"
port_open "$NS_C" 127.0.0.1 21 && why+=" an FTP server listens on the client host's 127.0.0.1:21;"
port_open "$NS_C" 10.254.1.2 21 && why+=" the SSH host's FTP server is reachable from the client host;"
port_open "$NS_S" 10.254.2.2 21 || why+=" the SSH host does not reach the third host's FTP server;"
if [ -n "$why" ]; then fail $name "${why%;}"; else pass $name; fi
