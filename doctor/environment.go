package doctor

import (
	"fmt"
	"net"
	"net/url"
	"strings"

	"aliauth/gateway"
)

// environment says where the setup points: the emulator, the sandbox,
// production, or elsewhere.
func environment(s *Setup) string {
	if s.Emulator {
		return gateway.EnvEmulator
	}
	p := gateway.Profile{Protocol: s.Protocol, Gateway: s.URL, Endpoint: s.URL}
	return p.Environment()
}

// retiredSandboxHost is the sandbox Alipay retired; it no longer answers.
const retiredSandboxHost = "openapi.alipaydev.com"

func envCheck(subject string, status Status, finding, fix, source string) Check {
	return Check{Group: GroupEnvironment, Subject: subject, Status: status, Finding: finding, Fix: fix, Source: source}
}

// checkEnvironment checks that the address, the app id and the protocol
// agree with each other.
func checkEnvironment(r *Report, s *Setup) {
	checkURL(r, s)
	checkAppID(r, s)
	checkSignType(r, s)
}

// isAlipayHost reports a host of Alipay's own gateways.
func isAlipayHost(host string) bool {
	return host == "alipay.com" || strings.HasSuffix(host, ".alipay.com") || strings.HasSuffix(host, "alipaydev.com")
}

func checkURL(r *Report, s *Setup) {
	what, sandbox, production := "gateway", gateway.SandboxGateway, gateway.ProductionGateway
	if s.Protocol == gateway.V3 {
		what, sandbox, production = "endpoint", gateway.SandboxEndpoint, gateway.ProductionEndpoint
	}
	add := func(status Status, finding, fix string) {
		r.add(envCheck(what, status, finding, fix, s.URLSource))
	}
	if strings.TrimSpace(s.URL) == "" {
		add(Failed, "none is configured", "configure the "+what+": "+production+" (sandbox: "+sandbox+")")
		return
	}
	u, err := url.Parse(s.URL)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		add(Failed, fmt.Sprintf("%q is not an http or https URL", s.URL), "write it in full, like "+production)
		return
	}
	host := u.Hostname()
	if host == retiredSandboxHost {
		add(Failed, host+" is the retired sandbox, which no longer answers", "use "+sandbox)
		return
	}
	if u.Scheme == "http" && !loopback(host) {
		status := Warning
		if isAlipayHost(host) {
			status = Failed
		}
		add(status, s.URL+" is plain http: tokens and codes would cross the network unencrypted", "use https://"+u.Host+u.Path)
		return
	}
	path := strings.TrimRight(u.Path, "/")
	switch {
	case s.Protocol == gateway.V3 && strings.HasSuffix(path, "/gateway.do"):
		add(Failed, s.URL+" is a v2 gateway address, given as the v3 endpoint: v3 calls go to /v3/... under the host",
			"use "+u.Scheme+"://"+u.Host+" as the endpoint, or switch the protocol to v2")
		return
	case s.Protocol == gateway.V3 && strings.HasPrefix(path, "/v3"):
		add(Failed, s.URL+" already holds /v3: the endpoint is the host alone, and every call adds its own path",
			"use "+u.Scheme+"://"+u.Host)
		return
	case s.Protocol != gateway.V3 && !strings.HasSuffix(path, "/gateway.do") && (isAlipayHost(host) || path == ""):
		add(Failed, s.URL+" is not a v2 gateway address: v2 calls post to .../gateway.do (this looks like the v3 endpoint)",
			"use "+u.Scheme+"://"+u.Host+"/gateway.do, or switch the protocol to v3")
		return
	}
	env := environment(s)
	switch env {
	case gateway.EnvEmulator:
		add(OK, s.URL+", aliauth's built-in emulator (not Alipay)", "")
	case gateway.EnvCustom:
		add(OK, s.URL+", neither Alipay's production nor its sandbox (a proxy, or a stand-in)", "")
	default:
		add(OK, s.URL+", Alipay's "+env, "")
	}
}

func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func checkAppID(r *Report, s *Setup) {
	add := func(status Status, finding, fix string) {
		r.add(envCheck("app id", status, finding, fix, s.AppIDSource))
	}
	id := strings.TrimSpace(s.AppID)
	switch {
	case id == "":
		add(Failed, "none is configured", "configure the app id the Alipay console shows (2021...; sandbox 9021...)")
		return
	case s.Emulator:
		add(OK, id+", an app the emulator knows", "")
		return
	case !digits(id) || len(id) != 16:
		add(Failed, fmt.Sprintf("%q is not shaped like an app id: Alipay's are 16 digits", id), "copy the app id (APPID) from the app's page in the Alipay console")
		return
	}
	env := environment(s)
	sandboxID := gateway.IsSandboxAppID(id)
	switch {
	case sandboxID && env == gateway.EnvProduction:
		add(Failed, id+" is a sandbox app id (沙箱应用, 9021...), sent to the production gateway: production answers isv.invalid-app-id",
			"point at the sandbox ("+sandboxURL(s)+"), or use the production app's id")
	case !sandboxID && env == gateway.EnvSandbox:
		add(Warning, id+" is not a sandbox app id (those start with 9021), sent to the sandbox: the sandbox knows only its own apps",
			"use the sandbox app id from the sandbox console (沙箱应用), or point at production")
	case sandboxID:
		add(OK, id+", a sandbox app", "")
	default:
		add(OK, id, "")
	}
}

func sandboxURL(s *Setup) string {
	if s.Protocol == gateway.V3 {
		return gateway.SandboxEndpoint
	}
	return gateway.SandboxGateway
}

func digits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}

func checkSignType(r *Report, s *Setup) {
	st := strings.ToUpper(strings.TrimSpace(s.SignType))
	switch {
	case st == "" || st == string(gateway.RSA2):
	case st == string(gateway.RSA) && s.Protocol == gateway.V3:
		r.add(envCheck("sign type", Failed, "v3 signs with SHA256withRSA only, and the sign type is RSA (SHA1withRSA)", "use RSA2, or the v2 protocol", ""))
	case st == string(gateway.RSA):
		r.add(envCheck("sign type", Warning, "RSA (SHA1withRSA) is the legacy sign type; new apps use RSA2", "move the app to RSA2 with a 2048-bit key pair", ""))
	default:
		r.add(envCheck("sign type", Failed, fmt.Sprintf("%q is not a sign type Alipay knows", s.SignType), "use RSA2", ""))
	}
	if cs := strings.ToLower(strings.TrimSpace(s.Charset)); cs != "" {
		if _, err := gateway.NormalizeCharset(cs); err != nil {
			r.add(envCheck("charset", Failed, err.Error(), "use utf-8", ""))
		}
	}
}
