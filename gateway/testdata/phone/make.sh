#!/usr/bin/env bash
# Makes phone_vectors.json: my.getPhoneNumber contents encrypted and signed
# by openssl alone, as Alipay does: AES-128-CBC with a zero IV and PKCS#5
# padding under the app's AES key, then SHA256withRSA with the Alipay
# private key over the ciphertext in quotes, and, for the mistake, without.
# Run from this directory; the test checks aliauth against the output.
set -euo pipefail
key_b64='ZpQaZt0Hb4mo0kcrLkP3Sg=='
key_hex=$(printf %s "$key_b64" | openssl base64 -d -A | od -An -tx1 | tr -d ' \n')
alipay_key=../alipay_private_key.pem
first=1
echo '['
while IFS='|' read -r name plaintext; do
	ciphertext=$(printf %s "$plaintext" | openssl enc -aes-128-cbc -K "$key_hex" -iv 00000000000000000000000000000000 -base64 -A)
	quoted=$(printf '"%s"' "$ciphertext" | openssl dgst -sha256 -sign "$alipay_key" | openssl base64 -A)
	unquoted=$(printf '%s' "$ciphertext" | openssl dgst -sha256 -sign "$alipay_key" | openssl base64 -A)
	[ $first = 1 ] || echo ','
	first=0
	jq -n --arg name "$name" --arg key "$key_b64" --arg plaintext "$plaintext" --arg ciphertext "$ciphertext" \
		--arg quoted "$quoted" --arg unquoted "$unquoted" \
		'{name:$name, aes_key:$key, plaintext:$plaintext, ciphertext:$ciphertext, sign_quoted:$quoted, sign_unquoted:$unquoted}'
done <<'VECTORS'
success|{"code":"10000","msg":"Success","mobile":"15967671905"}
no authorization|{"code":"40003","msg":"Insufficient Conditions","subCode":"isv.invalid-auth-relations","subMsg":"无效的授权关系"}
no permission|{"code":"40006","msg":"Insufficient Permissions","subCode":"isv.insufficient-isv-permissions","subMsg":"ISV权限不足，建议在开发者中心检查对应功能是否已经添加，解决办法详见：https:\/\/docs.open.alipay.com\/common\/isverror"}
one block exactly|{"code":"10000"}
VECTORS
echo ']'
