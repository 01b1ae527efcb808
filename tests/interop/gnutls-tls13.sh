#!/bin/sh
# A GnuTLS TLS 1.3 handshake whose server key is an ECDSA P-256 key in our
# token, named by a pkcs11: URI (issue 2).  certtool makes a self-signed
# certificate with that key (signature by the token), gnutls-serv serves with
# the key URI (every handshake's CertificateVerify is signed by the token),
# gnutls-cli connects with TLS 1.3 only and checks the certificate.
# gnutls-serv has no listen-address option: it listens on all addresses of a
# free port; the client connects to 127.0.0.1.
. "${MCXHSM_SRCDIR:-$(dirname "$0")/../..}/tests/p11env.sh"

p11env_require_prog pkcs11-tool certtool gnutls-serv gnutls-cli
PY=${SYSTEM_PYTHON3:-/usr/bin/python3}
p11env_require_prog "$PY"
p11env_setup
p11env_module_ready || p11env_fail "C_GetFunctionList/C_Initialize"

LABEL=interop-tls
PIN=123456
p11env_init_token "$LABEL" 12345678 "$PIN"
p11env_tool --token-label "$LABEL" --login --pin "$PIN" --keypairgen \
	--key-type EC:prime256v1 --id 7a --label tls-server >/dev/null ||
	p11env_fail "EC P-256 key pair generation"
KEY="pkcs11:token=$LABEL;object=tls-server;type=private"
GNUTLS_PIN=$PIN
export GNUTLS_PIN
PRIO=NORMAL:-VERS-ALL:+VERS-TLS1.3

cat >"$P11_DIR/cert.tmpl" <<TMPL
cn = "mcxhsm interop TLS server"
dns_name = "localhost"
ip_address = "127.0.0.1"
serial = 1
expiration_days = 2
ca
signing_key
cert_signing_key
tls_www_server
TMPL
echo "== certtool --generate-self-signed --load-privkey $KEY"
# With the ASan runtime preloaded, programs linked with libp11-kit deadlock
# in its destructor's freelocale() at exit (glibc's setlocale lock is left
# with an underflowed reader count; SoftHSMv2 does the same), after their
# work is done.  So certtool runs in the background and, once it has written
# the whole certificate and closed the file, a certtool stuck in exit is
# killed; the certificate is then checked by the handshake itself.
p11env_spawn certtool --provider "$P11_MODULE" --generate-self-signed \
	--load-privkey "$KEY" --template "$P11_DIR/cert.tmpl" \
	--outfile "$P11_DIR/cert.pem" >"$P11_DIR/certtool.log" 2>&1
CERTTOOL_PID=$P11ENV_PID
rc=running
i=0
while [ $i -lt 300 ]; do
	if ! kill -0 "$CERTTOOL_PID" 2>/dev/null; then
		rc=0
		wait "$CERTTOOL_PID" || rc=$?
		break
	fi
	if [ "${MCXHSM_SANITIZERS:-}" = 1 ] && [ $i -ge 20 ] &&
		grep -q "END CERTIFICATE" "$P11_DIR/cert.pem" 2>/dev/null; then
		kill -KILL -- "-$CERTTOOL_PID" 2>/dev/null
		wait "$CERTTOOL_PID" 2>/dev/null
		rc="0 (ASan: killed in its exit deadlock)"
		break
	fi
	sleep 0.1
	i=$((i + 1))
done
echo "certtool: exit status $rc"
if [ "$rc" = running ]; then
	kill -KILL -- "-$CERTTOOL_PID" 2>/dev/null
	rc=timeout
fi
case $rc in
0*) ;;
*)
	cat "$P11_DIR/certtool.log"
	p11env_fail "certtool could not self-sign with the token's key ($rc)"
	;;
esac
grep -q "END CERTIFICATE" "$P11_DIR/cert.pem" || p11env_fail "no certificate"

SERVER_PID=
stop_server()
{
	if [ -n "$SERVER_PID" ]; then
		# KILL: under ASan gnutls-serv would deadlock in exit (above).
		kill -KILL -- "-$SERVER_PID" 2>/dev/null
		wait "$SERVER_PID" 2>/dev/null
		SERVER_PID=
	fi
}
trap 'stop_server; p11env_cleanup' EXIT

# A free port: bind port 0, read it back, release it.  Another process may
# take it before gnutls-serv binds, so try a few times.
attempt=1
started=no
while [ $attempt -le 3 ] && [ $started = no ]; do
	PORT=$("$PY" -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])')
	: >"$P11_DIR/serv.log"
	p11env_spawn gnutls-serv --provider "$P11_MODULE" --echo -p "$PORT" \
		--priority "$PRIO" --x509certfile "$P11_DIR/cert.pem" \
		--x509keyfile "$KEY;pin-value=$PIN" >"$P11_DIR/serv.log" 2>&1
	SERVER_PID=$P11ENV_PID
	i=0
	while [ $i -lt 100 ]; do
		if grep -q "listening on IPv4.*done" "$P11_DIR/serv.log"; then
			started=yes
			break
		fi
		kill -0 "$SERVER_PID" 2>/dev/null || break
		sleep 0.1
		i=$((i + 1))
	done
	[ $started = yes ] || stop_server
	attempt=$((attempt + 1))
done
if [ $started = no ]; then
	cat "$P11_DIR/serv.log"
	p11env_fail "gnutls-serv did not start with the token's key"
fi

echo "== gnutls-cli TLS 1.3 to 127.0.0.1:$PORT"
rc=0
echo "hello from mcxhsm interop" | timeout -k 5 20 gnutls-cli --priority "$PRIO" \
	--x509cafile "$P11_DIR/cert.pem" -p "$PORT" 127.0.0.1 \
	>"$P11_DIR/cli.log" 2>&1 || rc=$?
stop_server
cat "$P11_DIR/cli.log"
[ "$rc" -eq 0 ] || {
	cat "$P11_DIR/serv.log"
	p11env_fail "gnutls-cli: exit status $rc"
}
grep -q "Description: (TLS1.3-X.509)-.*-(ECDSA-SECP256R1-SHA256)" "$P11_DIR/cli.log" ||
	p11env_fail "not a TLS 1.3 handshake with an ECDSA P-256 server signature"
grep -q "Status: The certificate is trusted" "$P11_DIR/cli.log" ||
	p11env_fail "server certificate not verified"
grep -q "^hello from mcxhsm interop" "$P11_DIR/cli.log" ||
	p11env_fail "no echo over the TLS session"
echo "PASS"
