package ui

// The example configuration file that aliauth profiles init writes
// (config.Example), with its comments in Chinese; the settings stay as
// they are.
const (
	exampleConfigEN = `# aliauth profiles. Check them with: aliauth profiles
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
	exampleConfigZH = `# aliauth 的配置。用 aliauth profiles 检查它们。
# 用 --profile NAME 或 ALIAUTH_PROFILE 选择一个配置；ALIAUTH_* 环境变量和命令行参数
# 依次覆盖配置中的设置。
# 密钥和证书：写文件路径（可用 ~），或写 "env:VAR" 从环境变量读取密钥文本。
# 不要把私钥直接写在这个文件里。

# 直接运行 "aliauth" 时使用的配置。"demo" 是内置模拟器，无需设置即可使用；
# 配好下面的沙箱密钥后，可改为 default = "sandbox"。
default = "demo"

# 支付宝沙箱（沙箱环境），v2 网关，公钥模式。
[profiles.sandbox]
protocol = "v2"
gateway = "https://openapi-sandbox.dl.alipaydev.com/gateway.do"
app_id = "9021000000000000"
private_key = "~/alipay/sandbox/app_private_key.txt"       # 应用私钥，密钥工具保存的原样
alipay_public_key = "~/alipay/sandbox/alipay_public_key.txt" # 支付宝公钥，来自开放平台
sign_type = "RSA2"
charset = "utf-8"
# aliauth authorize：开放平台上显示的应用授权回调地址。支付宝只把授权码
# 发到该域名；用隧道（cloudflared、ngrok）把它转发到本机的 listen 地址，
# 由 aliauth 接收授权码。
# redirect_uri = "https://your-tunnel.example.com/callback"
# listen = "127.0.0.1:8080"
# aliauth phone：解密 my.getPhoneNumber 所用的接口内容加密方式 AES 密钥。
# aes_key = "env:ALIPAY_AES_KEY"
# 代商家调用的第三方应用：每次调用都带上这个令牌。
# app_auth_token = "env:ALIPAY_APP_AUTH_TOKEN"

# 正式环境，证书模式（公钥证书模式），使用 v3 REST 协议。
[profiles.production]
protocol = "v3"
endpoint = "https://openapi.alipay.com"
app_id = "2021000000000000"
private_key = "env:ALIPAY_APP_PRIVATE_KEY"
app_cert = "~/alipay/prod/appCertPublicKey_2021000000000000.crt"
alipay_cert = "~/alipay/prod/alipayCertPublicKey_RSA2.crt"
alipay_root_cert = "~/alipay/prod/alipayRootCert.crt"
store_secrets = false # 历史记录只保存令牌指纹，不保存令牌
auto_refresh = true   # 控制台在令牌过期前自动刷新

# 内置模拟器，v3 协议，证书模式。（"demo" 已内置：v2。）
[profiles.emulator-v3]
emulator = true
protocol = "v3"
cert_mode = true

# 内置模拟器，模拟 OpenID 升级后创建的应用：
# 令牌中带 open_id，不带 user_id。
[profiles.emulator-openid]
emulator = true
openid_only = true
`
)
