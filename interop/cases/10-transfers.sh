# interop/cases: sourced by interop/run, in order of name (see docs/testing.md).
# curl through every SOCKS version: downloads (0 bytes to 64 MiB), PASV and EPSV, upload, listing.

# The name goes to the SSH host as it is, and is resolved there: sshd (LogLevel DEBUG1) logs the
# direct-tcpip channel's target. The file alone would come as well were the broker to resolve it.
direct_tcpip_to() { grep -c -- "server_request_direct_tcpip: .*, target $1 port $2[[:space:]]*$" "$W/sshd.log" 2>/dev/null || true; }
n0=$(direct_tcpip_to localhost 21)
case_get socks5h-key-download "$S5H" ftp://localhost/small.bin "$HOME_DIR/small.bin"
sleep 0.2
[ "$(direct_tcpip_to localhost 21)" -gt "$n0" ] ||
    fail socks5h-key-download-name-resolved-on-ssh-host "sshd logged no new direct-tcpip channel to 'localhost port 21': the broker did not pass the name on"
case_get socks5h-key-empty-file "$S5H" ftp://localhost/empty.bin "$HOME_DIR/empty.bin"
case_get socks5-key-download-1MiB "$S5" ftp://127.0.0.1/mid.bin "$HOME_DIR/mid.bin"
case_get socks5-key-download-64MiB "$S5" ftp://127.0.0.1/big.bin "$HOME_DIR/big.bin"
case_get socks4-key-download "$S4" ftp://127.0.0.1/small.bin "$HOME_DIR/small.bin"
case_get socks4a-key-download "$S4A" ftp://localhost/small.bin "$HOME_DIR/small.bin"
# PASV and EPSV, each checked in curl's trace: the broker's rewritten 227 and 229 replies
TRACE_WANT='^< 227 ' TRACE_NOT='^> EPSV' case_get socks5-key-download-pasv "$S5" ftp://127.0.0.1/small.bin \
    "$HOME_DIR/small.bin" --disable-epsv -v
TRACE_WANT='^< 229 ' TRACE_NOT='^> PASV' case_get socks5-key-download-epsv "$S5" ftp://127.0.0.1/small.bin \
    "$HOME_DIR/small.bin" --ftp-pasv -v

# upload (STOR), checked on the server's side
name=socks5-key-upload
rm -f "$HOME_DIR/up.bin"
rc=0
ccurl "$S5" ftp://127.0.0.1/up.bin -T "$W/upload.bin" 2>"$W/out/$name.err" || rc=$?
if [ "$rc" != 0 ]; then fail $name "curl exit $rc: $(tr '\n' ' ' <"$W/out/$name.err")"
elif why=$(differs "$HOME_DIR/up.bin" "$W/upload.bin"); [ -n "$why" ]; then fail $name "$why"
else pass $name; fi

# directory listing (LIST)
name=socks5-key-list
rc=0
ccurl "$S5" ftp://127.0.0.1/ -o "$W/out/$name" 2>"$W/out/$name.err" || rc=$?
if [ "$rc" != 0 ]; then fail $name "curl exit $rc: $(tr '\n' ' ' <"$W/out/$name.err")"
else
    miss=''
    for f in small.bin empty.bin mid.bin sub; do
        grep -Eq " $f\$" "$W/out/$name" || miss+=" $f"
    done
    if [ -n "$miss" ]; then fail $name "listing lacks$miss: $(head -c 300 "$W/out/$name" | tr '\n' '|')"
    else pass $name; fi
fi
