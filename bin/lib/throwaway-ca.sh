# bin/demo's HTTPS certificate: a CA made for one run, and a server certificate it signs.
# shellcheck shell=bash

# throwaway_certificate DIR NAME...  writes, with the openssl CLI, into DIR:
#   ca.pem       a new CA certificate (ECDSA P-256, valid 7 days): what a browser or curl is told to trust
#   server.pem   the server's certificate for the NAMEs (DNS names or IP addresses, as subjectAltNames),
#                signed by that CA (ECDSA P-256, valid 7 days)
#   server.key   its private key (PKCS#8 PEM)
# The CA's own key is deleted as soon as it has signed: trusting ca.pem trusts this one certificate and
# nothing else anyone could sign later.
throwaway_certificate() {
  local dir=$1 name sans="" log
  shift
  for name in "$@"; do
    if [[ $name =~ ^[0-9.]+$ || $name == *:* ]]; then sans+=",IP:$name"; else sans+=",DNS:$name"; fi
  done
  sans=${sans#,}
  mkdir -p "$dir"
  log=$dir/openssl.log
  # A self-signed CA, restricted to signing end-entity certificates (pathlen:0).
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -sha256 -days 7 \
    -subj "/O=Gantry demo/CN=Gantry demo throwaway CA $(date -u +%Y-%m-%dT%H:%M:%SZ)" \
    -addext "basicConstraints=critical,CA:TRUE,pathlen:0" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -keyout "$dir/ca.key" -out "$dir/ca.pem" >"$log" 2>&1 || { cat "$log" >&2; return 1; }
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/O=Gantry demo/CN=$1" \
    -keyout "$dir/server.key" -out "$dir/server.csr" >>"$log" 2>&1 || { cat "$log" >&2; return 1; }
  cat >"$dir/server.ext" <<EXT
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = $sans
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
EXT
  openssl x509 -req -in "$dir/server.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" -set_serial "0x$(openssl rand -hex 16)" \
    -sha256 -days 7 -extfile "$dir/server.ext" -out "$dir/server.pem" >>"$log" 2>&1 || { cat "$log" >&2; return 1; }
  rm -f "$dir/ca.key" "$dir/server.csr" "$dir/server.ext"
  openssl verify -CAfile "$dir/ca.pem" "$dir/server.pem" >>"$log" 2>&1 || { cat "$log" >&2; return 1; }
}
