package gateway

// The catalog in simplified Chinese, entry for entry beside the English
// one (catalog.go, appauth.go), for interfaces that speak Chinese. A code
// missing here falls back to its English explanation.

var subCodesZH = map[string]Explanation{
	"isv.code-invalid": {
		Meaning: "授权码无效：已被使用、已过期，或签发给了其他应用",
		Hint:    "用 my.getAuthCode 重新获取授权码，立即且只换取一次，并使用小程序所属应用的 app id；授权码一次有效且很快过期",
	},
	"isv.refresh-token-invalid": {
		Meaning: "刷新令牌无效：已被使用过（刷新会轮换令牌），或属于其他应用",
		Hint:    "使用最近一次换取或刷新得到的 refresh_token；如果都已失效，请用户重新授权",
	},
	"isv.refresh-token-time-out": {
		Meaning: "刷新令牌已过期（已超过 re_expires_in）",
		Hint:    "用户需要重新授权：调用 my.getAuthCode 并换取新的授权码",
	},
	"isv.refreshed-token-invalid": {
		Meaning: "该令牌已被刷新过，这份是旧的",
		Hint:    "使用最近一次刷新返回的 refresh_token",
	},
	"isv.invalid-signature": {
		Meaning: "网关用该应用登记的应用公钥无法验证请求的签名",
		Hint:    "对比下方的待签名字符串：若完全相同，说明私钥与支付宝开放平台上登记的应用公钥不匹配（可用 aliauth keys check 检查）；若不同，修正不同之处（字符集、某个参数或其编码）",
	},
	"isv.invalid-app-id": {
		Meaning: "该 app id 在此环境中不存在，或应用未上线",
		Hint:    "核对开放平台上的 app id，并确认沙箱 app id 发往沙箱网关、正式 app id 发往正式网关",
	},
	"isv.invalid-timestamp": {
		Meaning: "网关不接受该时间戳：格式不是 yyyy-MM-dd HH:mm:ss（v3 为自纪元起的毫秒数），或在启用时间窗口时与网关时钟相差太远",
		Hint:    "发送中国标准时间（UTC+8）的当前时间，每个字段两位数；服务器处于 UTC 却按本地时间格式化会慢八小时，这是经典陷阱（aliauth 会显示它所用的时钟）",
	},
	"isv.missing-timestamp": {
		Meaning: "网关未找到时间戳：v2 没有发送 timestamp 参数，或 v3 没有 authorization 头、或头中没有 timestamp=",
		Hint:    "发送 timestamp（v2）或 authorization 头 ALIPAY-SHA256withRSA app_id=...,nonce=...,timestamp=...,sign=...（v3）；检查是否有代理去掉了该头",
	},
	"isv.missing-signature": {
		Meaning: "请求中没有 sign 参数",
		Hint:    "对请求签名：除 sign 外的所有参数排序后按 key=value&... 拼接；配置了私钥时 aliauth 会自动签名",
	},
	"isv.invalid-signature-type": {
		Meaning: "sign_type 不是该应用配置的签名类型",
		Hint:    "使用 RSA2（SHA256withRSA），除非应用用的是旧版 RSA 密钥；开放平台上会显示应用使用的类型",
	},
	"isv.missing-signature-type": {
		Meaning: "请求中没有 sign_type",
		Hint:    "发送 sign_type=RSA2",
	},
	"isv.missing-signature-config": {
		Meaning: "应用未配置对应签名算法的公钥或者证书",
		Hint:    "在支付宝开放平台的 开发设置 → 接口加签方式 上传应用公钥（aliauth keys gen 会生成），或发送应用已配置的 sign_type",
	},
	"isv.missing-app-id": {
		Meaning: "请求中没有 app id",
		Hint:    "发送 app_id（v2）或在 authorization 头中带上 app_id=（v3）；aliauth 会发送配置中的 app id",
	},
	"isv.missing-version": {
		Meaning: "请求中没有 version",
		Hint:    "发送 version=1.0",
	},
	"isv.invalid-version": {
		Meaning: "version 不是网关认识的版本",
		Hint:    "发送 version=1.0",
	},
	"isv.invalid-format": {
		Meaning: "format 不是 JSON",
		Hint:    "发送 format=JSON，或不发送该参数",
	},
	"isv.invalid-parameter": {
		Meaning: "有参数无法解析",
		Hint:    "看消息中指出的是哪个参数；检查中间的代理改动了什么",
	},
	"isv.missing-alipay-root-cert-sn": {
		Meaning: "应用处于证书模式，但请求中没有 alipay_root_cert_sn",
		Hint:    "配置支付宝根证书，即从开放平台下载的 alipayRootCert.crt",
	},
	"isv.app-call-limited": {
		Meaning: "应用调用网关的次数超过了限额",
		Hint:    "降低调用频率，稍后重试",
	},
	"isv.method-call-limited": {
		Meaning: "该接口的调用次数超过了应用在此接口上的限额",
		Hint:    "降低调用频率，稍后重试",
	},
	"isv.insufficient-isv-permissions": {
		Meaning: "应用没有开通该接口的权限",
		Hint:    "在支付宝开放平台为应用添加相应产品（获取用户信息需添加「获取会员信息」），并确认应用版本已上线",
	},
	"isv.invalid-charset": {
		Meaning: "不支持该 charset 参数",
		Hint:    "使用 charset utf-8（旧应用可用 GBK）",
	},
	"isv.missing-method": {
		Meaning: "请求中没有 method 参数",
		Hint:    "发送 method=alipay.system.oauth.token",
	},
	"isv.invalid-method": {
		Meaning: "method 不是已知的接口",
		Hint:    "检查拼写：alipay.system.oauth.token 或 alipay.user.info.share",
	},
	"isv.grant-type-invalid": {
		Meaning: "grant_type 既不是 authorization_code 也不是 refresh_token",
		Hint:    "发送 grant_type=authorization_code 并带上 code，或 grant_type=refresh_token 并带上 refresh_token",
	},
	"isv.unmatched-app-id": {
		Meaning: "授权码或令牌签发给了其他应用",
		Hint:    "用调用 my.getAuthCode 的小程序所属应用的 app id 换取授权码",
	},
	"isv.app-cert-not-exist": {
		Meaning: "该应用没有登记此 app_cert_sn 对应的应用公钥证书（应用公钥证书不存在）",
		Hint:    "使用从开放平台为此应用下载的 appCertPublicKey_*.crt；aliauth keys inspect 会显示它的 SN",
	},
	"isv.invalid-alipay-root-cert-sn": {
		Meaning: "alipay_root_cert_sn 与支付宝根证书不匹配",
		Hint:    "使用从开放平台下载的 alipayRootCert.crt；aliauth keys inspect 会显示它的 SN",
	},
	"isv.missing-app-cert-sn": {
		Meaning: "应用处于证书模式，但请求中没有 app_cert_sn",
		Hint:    "配置三个证书（应用公钥证书、alipayCertPublicKey_RSA2.crt 和 alipayRootCert.crt），或将应用改回公钥模式",
	},
	"aop.invalid-auth-token": {
		Meaning: "访问令牌无效：输错、属于其他应用，或已被刷新替换",
		Hint:    "使用最近一次换取或刷新得到的 access_token",
	},
	"aop.auth-token-time-out": {
		Meaning: "访问令牌已过期（已超过 expires_in）",
		Hint:    "用刷新令牌刷新，或请用户重新授权",
	},
	"isv.invalid-auth-token": {
		Meaning: "访问令牌对此调用无效",
		Hint:    "使用同一应用最近一次换取或刷新得到的 access_token",
	},
	"isv.invalid-auth-relations": {
		Meaning: "令牌的授权范围不包含此接口（auth_base 只提供用户 id）",
		Hint:    "调用 my.getAuthCode 时使用 scopes: 'auth_user' 才能读取用户信息",
	},
	"isp.unknow-error": {
		Meaning: "网关内部出错",
		Hint:    "稍后重试；若持续出现，把 trace id 提供给支付宝",
	},
	"aop.invalid-app-auth-token": {
		Meaning: "app_auth_token 对此应用无效：输错、被商户撤销，或签发给了其他第三方应用",
		Hint:    "用 alipay.open.auth.token.app.query 查询；若无效，请商户在 appToAppAuth.htm 重新授权",
	},
	"aop.app-auth-token-time-out": {
		Meaning: "app_auth_token 已过期",
		Hint:    "用 alipay.open.auth.token.app 和 app_refresh_token 续期，或请商户重新授权",
	},
	"aop.invalid-app-auth-token-no-api": {
		Meaning: "商户未授权当前接口",
		Hint:    "请商户重新授权并包含此接口；alipay.open.auth.token.app.query 会列出令牌可调用的方法",
	},
	"isv.missing-biz-content": {
		Meaning: "请求中没有 biz_content，而该方法的参数要放在其中",
		Hint:    "以 JSON 的 biz_content 发送参数，例如 {\"grant_type\":\"authorization_code\",\"code\":\"...\"}",
	},
}

var codesZH = map[string]Explanation{
	"10000": {Meaning: "成功"},
	"20000": {Meaning: "服务不可用", Hint: "稍后重试；若持续出现，把 trace id 提供给支付宝"},
	"20001": {Meaning: "令牌没有此调用的权限", Hint: "检查令牌的授权范围，以及它是否属于此应用"},
	"40001": {Meaning: "缺少必选参数", Hint: "看 sub_msg 中的参数名；aliauth 会发送所有必选参数，请检查中间的代理改动了什么"},
	"40002": {Meaning: "参数无效", Hint: "看 sub_code：它指出是哪个参数以及原因"},
	"40003": {Meaning: "调用条件不满足（Insufficient Conditions），例如应用未配置所需的密钥或证书", Hint: "看 sub_code：它指出缺少的条件"},
	"40004": {Meaning: "业务处理失败", Hint: "看 sub_code 中的原因"},
	"40005": {Meaning: "调用频率超限", Hint: "降低调用频率，稍后重试"},
	"40006": {Meaning: "应用没有此接口的权限", Hint: "在支付宝开放平台为应用添加相应产品"},
}

// ExplainZH is Explain in simplified Chinese: the same lookup over the
// Chinese table. ok is false when the code has no Chinese entry.
func ExplainZH(code, subCode string) (Explanation, bool) {
	for _, c := range []string{subCode, V2Code(code)} {
		if e, ok := subCodesZH[c]; ok {
			return e, true
		}
	}
	e, ok := codesZH[code]
	return e, ok
}
