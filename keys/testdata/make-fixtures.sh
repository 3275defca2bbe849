#!/bin/sh
# Regenerates the key fixtures of this directory with OpenSSL 3. They are
# throwaway keys made for tests only. Run from keys/testdata.
set -eu

b64() { openssl base64 -A -in "$1"; echo; }

# The main RSA pair in every format Alipay's tools and OpenSSL write.
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out rsa2048_pkcs8.pem
openssl rsa -in rsa2048_pkcs8.pem -traditional -out rsa2048_pkcs1.pem
openssl pkcs8 -topk8 -nocrypt -in rsa2048_pkcs8.pem -outform DER -out rsa2048_pkcs8.der
openssl rsa -in rsa2048_pkcs8.pem -traditional -outform DER -out rsa2048_pkcs1.der
b64 rsa2048_pkcs8.der > rsa2048_pkcs8.txt
b64 rsa2048_pkcs1.der > rsa2048_pkcs1.txt
openssl rsa -in rsa2048_pkcs8.pem -pubout -out rsa2048_public.pem
openssl rsa -in rsa2048_pkcs8.pem -pubout -outform DER -out rsa2048_public.der
b64 rsa2048_public.der > rsa2048_public.txt
openssl rsa -in rsa2048_pkcs8.pem -RSAPublicKey_out -out rsa2048_public_pkcs1.pem
openssl rsa -in rsa2048_pkcs8.pem -RSAPublicKey_out -outform DER -out rsa2048_public_pkcs1.der
b64 rsa2048_public_pkcs1.der > rsa2048_public_pkcs1.txt
openssl req -new -x509 -key rsa2048_pkcs8.pem -subj "/C=CN/O=aliauth test/OU=keys/CN=app 2021000000000000" -days 3650 -out rsa2048_cert.pem
openssl x509 -in rsa2048_cert.pem -outform DER -out rsa2048_cert.der
openssl req -new -key rsa2048_pkcs8.pem -subj "/C=CN/O=aliauth test/CN=app 2021000000000000" -out rsa2048_csr.pem

# A second, unrelated pair, for mismatches.
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out other2048_pkcs8.pem
openssl rsa -in other2048_pkcs8.pem -pubout -out other2048_public.pem

# Encrypted keys (passphrase "secret").
openssl pkcs8 -topk8 -in rsa2048_pkcs8.pem -v2 aes-256-cbc -passout pass:secret -out encrypted_pkcs8.pem
openssl rsa -in rsa2048_pkcs8.pem -traditional -aes256 -passout pass:secret -out encrypted_pkcs1.pem

# Short RSA keys.
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1024 -out rsa1024_pkcs8.pem
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:512 -out rsa512_pkcs8.pem

# Keys that are not RSA.
openssl ecparam -name prime256v1 -genkey -out ec_p256_sec1.pem
openssl pkcs8 -topk8 -nocrypt -in ec_p256_sec1.pem -out ec_p256_pkcs8.pem
openssl ec -in ec_p256_sec1.pem -pubout -out ec_p256_public.pem
openssl req -new -x509 -key ec_p256_sec1.pem -subj "/C=CN/O=aliauth test/CN=ec" -days 3650 -out ec_p256_cert.pem
openssl genpkey -algorithm SM2 -out sm2_pkcs8.pem
openssl pkey -in sm2_pkcs8.pem -pubout -out sm2_public.pem
openssl genpkey -algorithm ED25519 -out ed25519_pkcs8.pem
openssl pkey -in ed25519_pkcs8.pem -pubout -out ed25519_public.pem

# Containers this package recognises but does not open.
openssl crl2pkcs7 -nocrl -certfile rsa2048_cert.pem -out rsa2048_cert.p7b
openssl pkcs12 -export -inkey rsa2048_pkcs8.pem -in rsa2048_cert.pem -passout pass:secret -out rsa2048.p12

# Real-world damage and mix-ups, made from the main pair.
# A PKCS#1 key pasted between PKCS#8's "BEGIN PRIVATE KEY" lines.
sed -e 's/BEGIN RSA PRIVATE KEY/BEGIN PRIVATE KEY/' -e 's/END RSA PRIVATE KEY/END PRIVATE KEY/' rsa2048_pkcs1.pem > pkcs1_labelled_pkcs8.pem
# The key tool's base64 after URL or form decoding turned every '+' into a space.
tr '+' ' ' < rsa2048_pkcs8.txt > rsa2048_pkcs8_plus_as_space.txt
# The AES key of content encryption (接口内容加密), 16 random bytes.
openssl rand -base64 16 > aes128.txt
