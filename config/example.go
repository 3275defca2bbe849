package config

// Example is the commented example config file `aliauth profiles init`
// writes.
const Example = `# aliauth profiles. Check them with: aliauth profiles
# Pick one with --profile NAME or ALIAUTH_PROFILE; ALIAUTH_* variables and flags
# override a profile's settings, in that order.
# Keys and certificates: a file path (~ allowed), or "env:VAR" to read the key
# text from an environment variable. Keep private keys out of this file.

# The profile plain "aliauth" uses. "demo" is the built-in emulator, which
# works as is; once the sandbox keys below are in place: default = "sandbox".
default = "demo"

# Alipay's sandbox (沙箱环境), v2 gateway, public-key mode.
[profiles.sandbox]
protocol = "v2"
gateway = "https://openapi-sandbox.dl.alipaydev.com/gateway.do"
app_id = "9021000000000000"
private_key = "~/alipay/sandbox/app_private_key.txt"       # 应用私钥, as the key tool saved it
alipay_public_key = "~/alipay/sandbox/alipay_public_key.txt" # 支付宝公钥, from the console
sign_type = "RSA2"
charset = "utf-8"
# aliauth authorize: the app's 授权回调地址 as the console shows it. Alipay
# sends the code only to its domain; a tunnel to this machine (cloudflared,
# ngrok) serves it, forwarding to listen, where aliauth catches the code.
# redirect_uri = "https://your-tunnel.example.com/callback"
# listen = "127.0.0.1:8080"
# aliauth phone: the 接口内容加密方式 AES key that decrypts my.getPhoneNumber.
# aes_key = "env:ALIPAY_AES_KEY"
# A third-party app acting for a merchant: every call carries this token.
# app_auth_token = "env:ALIPAY_APP_AUTH_TOKEN"

# Production in certificate mode (公钥证书模式) over the v3 REST protocol.
[profiles.production]
protocol = "v3"
endpoint = "https://openapi.alipay.com"
app_id = "2021000000000000"
private_key = "env:ALIPAY_APP_PRIVATE_KEY"
app_cert = "~/alipay/prod/appCertPublicKey_2021000000000000.crt"
alipay_cert = "~/alipay/prod/alipayCertPublicKey_RSA2.crt"
alipay_root_cert = "~/alipay/prod/alipayRootCert.crt"
store_secrets = false # history keeps token fingerprints, not tokens
auto_refresh = true   # the console refreshes the tokens before they expire

# The built-in emulator over v3, in certificate mode. ("demo" is built in: v2.)
[profiles.emulator-v3]
emulator = true
protocol = "v3"
cert_mode = true

# The built-in emulator as an app created after the OpenID migration:
# tokens carry open_id and no user_id.
[profiles.emulator-openid]
emulator = true
openid_only = true
`
