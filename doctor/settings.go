package doctor

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"unicode"

	"aliauth/gateway"
	"aliauth/keys"
)

// A setting is one configured value found in the user's code or
// configuration file, before it is known what it configures.
type setting struct {
	name  string // as written: "PrivateKey" (of a setter), "privateKey", "ALIPAY_PRIVATE_KEY"
	value value
	line  int
	// how says how it was set, for the report; name when empty.
	how string
}

// valueKind says how much of a value is known.
type valueKind int

const (
	valueText    valueKind = iota // the value itself
	valueFile                     // text is the path of a file the program reads
	valueEnv                      // text is the name of an environment variable
	valueUnknown                  // text is the expression, which cannot be followed
)

type value struct {
	kind valueKind
	text string
	// line is where the value is written, when that is not where it is
	// used (a constant defined above the call).
	line int
}

// target is what a setting configures.
type target struct {
	field string // one of the field names below, or "" for a slot
	slot  Slot
	// path marks names whose value is a file path (appCertPath).
	path bool
}

// Fields a setting can configure besides the slots.
const (
	fieldAppID       = "app id"
	fieldGateway     = "gateway"
	fieldEndpoint    = "endpoint"
	fieldGatewayHost = "gateway host"
	fieldURL         = "url"
	fieldSignType    = "sign type"
	fieldCharset     = "charset"
	fieldKeyType     = "key type"
)

// settingNames map the names the official SDKs, their demos and common
// configuration files give each setting, lower-cased with punctuation
// removed, to what they configure. Java: AlipayConfig and CertAlipayRequest
// setters and DefaultAlipayClient's arguments; Node: AlipaySdkConfig;
// alipay-easysdk: Config; environment and Spring property names.
var settingNames = map[string]target{
	"appid": {field: fieldAppID},

	"privatekey": {slot: SlotPrivateKey}, "appprivatekey": {slot: SlotPrivateKey}, "merchantprivatekey": {slot: SlotPrivateKey},
	"rsaprivatekey": {slot: SlotPrivateKey}, "apprsaprivatekey": {slot: SlotPrivateKey}, "privatekeystr": {slot: SlotPrivateKey},
	"appprikey": {slot: SlotPrivateKey}, "prikey": {slot: SlotPrivateKey},

	"alipaypublickey": {slot: SlotAlipayPublicKey}, "publickey": {slot: SlotAlipayPublicKey}, "alipaypubkey": {slot: SlotAlipayPublicKey},
	"alipaykey": {slot: SlotAlipayPublicKey}, "alipayrsapublickey": {slot: SlotAlipayPublicKey}, "alipaypublickeystr": {slot: SlotAlipayPublicKey},

	"apppublickey": {slot: SlotAppPublicKey}, "merchantpublickey": {slot: SlotAppPublicKey}, "apprsapublickey": {slot: SlotAppPublicKey},

	"appcertpath": {slot: SlotAppCert, path: true}, "certpath": {slot: SlotAppCert, path: true}, "merchantcertpath": {slot: SlotAppCert, path: true},
	"appcertpublickeypath": {slot: SlotAppCert, path: true}, "appcertfile": {slot: SlotAppCert, path: true},
	"appcertcontent": {slot: SlotAppCert}, "appcert": {slot: SlotAppCert}, "appcertpublickey": {slot: SlotAppCert},

	"alipaypubliccertpath": {slot: SlotAlipayCert, path: true}, "alipaycertpath": {slot: SlotAlipayCert, path: true},
	"alipaycertpublickeypath": {slot: SlotAlipayCert, path: true},
	"alipaypubliccertcontent": {slot: SlotAlipayCert}, "alipaycertcontent": {slot: SlotAlipayCert}, "alipaypubliccert": {slot: SlotAlipayCert},
	"alipaycert": {slot: SlotAlipayCert}, "alipaycertpublickey": {slot: SlotAlipayCert},

	"alipayrootcertpath": {slot: SlotRootCert, path: true}, "rootcertpath": {slot: SlotRootCert, path: true},
	"alipayrootcertcontent": {slot: SlotRootCert}, "rootcertcontent": {slot: SlotRootCert}, "alipayrootcert": {slot: SlotRootCert},
	"rootcert": {slot: SlotRootCert},

	"encryptkey": {slot: SlotEncryptKey}, "aeskey": {slot: SlotEncryptKey}, "contentkey": {slot: SlotEncryptKey},
	"aesencryptkey": {slot: SlotEncryptKey}, "encryptkeystr": {slot: SlotEncryptKey},

	"serverurl": {field: fieldGateway}, "gateway": {field: fieldGateway}, "gatewayurl": {field: fieldGateway},
	"alipaygateway": {field: fieldGateway}, "gatewayaddress": {field: fieldGateway},
	"endpoint": {field: fieldEndpoint}, "basepath": {field: fieldEndpoint},
	"gatewayhost": {field: fieldGatewayHost},
	"url":         {field: fieldURL},
	"signtype":    {field: fieldSignType},
	"charset":     {field: fieldCharset},
	"keytype":     {field: fieldKeyType},
}

// namePrefixes are namespaces configuration files put before the names:
// ALIPAY_APP_ID, alipay.app-id, zfb.appId.
var namePrefixes = []string{"alipay", "zfb", "ali", "pay", "sandbox", "prod"}

// targetOf finds what a setting's name configures: the name itself, else
// with namespace prefixes removed.
func targetOf(name string) (target, bool) {
	n := normalizeName(name)
	for n != "" {
		if t, ok := settingNames[n]; ok {
			return t, true
		}
		trimmed := false
		for _, p := range namePrefixes {
			if rest, ok := strings.CutPrefix(n, p); ok && rest != "" {
				n, trimmed = rest, true
				break
			}
		}
		if !trimmed {
			break
		}
	}
	return target{}, false
}

func normalizeName(name string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// assembler turns settings into a Setup.
type assembler struct {
	setup  Setup
	dir    string // the code's directory, where relative paths start
	getenv func(string) (string, bool)
	seen   map[string]int // what was set, and on which line
	found  []string       // what was found, for the summary
	url    struct {
		gateway, endpoint, host string
		source                  string
	}
}

func newAssembler(name, dir string, reader Reader, getenv func(string) (string, bool)) *assembler {
	if getenv == nil {
		getenv = func(string) (string, bool) { return "", false }
	}
	a := &assembler{dir: dir, getenv: getenv, seen: map[string]int{}}
	a.setup = Setup{Name: name, Reader: reader, Protocol: gateway.V2}
	return a
}

func (a *assembler) finding(status Status, line int, text, fix string) {
	subject := "configuration"
	if line > 0 {
		subject = fmt.Sprintf("line %d", line)
	}
	a.setup.Findings = append(a.setup.Findings, Check{Group: GroupCode, Subject: subject, Status: status, Finding: text, Fix: fix})
}

// add applies one setting; names that configure nothing Alipay are
// ignored.
func (a *assembler) add(s setting) {
	t, ok := targetOf(s.name)
	if !ok {
		return
	}
	what := t.field
	if what == "" {
		what = string(t.slot)
	}
	if t.field == fieldURL && !looksLikeGateway(s.value) {
		return
	}
	if s.value.line > 0 {
		s.line = s.value.line
	}
	if s.how == "" {
		s.how = s.name
	}
	text, ok := a.resolve(s, what)
	if !ok {
		return
	}
	if first, dup := a.seen[what]; dup {
		a.finding(Warning, s.line, fmt.Sprintf("%s is set again (first on line %d); the first is checked", what, first), "")
		return
	}
	a.seen[what] = s.line
	a.found = append(a.found, fmt.Sprintf("%s (line %d)", what, s.line))
	source := fmt.Sprintf("line %d, %s", s.line, s.how)
	switch t.field {
	case fieldAppID:
		a.setup.AppID, a.setup.AppIDSource = strings.TrimSpace(text), source
	case fieldGateway, fieldURL:
		a.url.gateway, a.url.source = strings.TrimSpace(text), source
	case fieldEndpoint:
		a.url.endpoint = strings.TrimSpace(text)
		if a.url.source == "" {
			a.url.source = source
		}
	case fieldGatewayHost:
		a.url.host, a.url.source = strings.TrimSpace(text), source
	case fieldSignType:
		a.setup.SignType = strings.TrimSpace(text)
	case fieldCharset:
		a.setup.Charset = strings.TrimSpace(text)
	case fieldKeyType:
		a.setup.NodeKeyType = strings.TrimSpace(text)
	default:
		a.material(t, s, text, source)
	}
}

// resolve finds the text of a value: itself, or the environment variable it
// names. File values are resolved by material.
func (a *assembler) resolve(s setting, what string) (string, bool) {
	switch s.value.kind {
	case valueUnknown:
		a.finding(Warning, s.line, fmt.Sprintf("%s comes from %s, which aliauth cannot follow from the code", what, abbreviate(s.value.text)),
			"check that value on its own with aliauth keys inspect, or run the doctor on the configuration that holds it")
		return "", false
	case valueEnv:
		v, ok := a.getenv(s.value.text)
		if !ok || strings.TrimSpace(v) == "" {
			a.finding(Warning, s.line, fmt.Sprintf("%s comes from the environment variable %s, which is not set here", what, s.value.text),
				"run the doctor with the same environment as the program")
			return "", false
		}
		return v, true
	}
	return s.value.text, true
}

// material reads a slot's value: key text as it is, a file the code names.
func (a *assembler) material(t target, s setting, text, source string) {
	m := Material{Slot: t.slot, Source: source}
	isPath := s.value.kind == valueFile || t.path || (!looksLikeKeyText(text) && looksLikePath(text))
	if !isPath {
		m.Data = []byte(text)
		a.setup.Material = append(a.setup.Material, m)
		return
	}
	path := a.resolvePath(text)
	m.Source = fmt.Sprintf("%s: file %q", source, path)
	data, _, err := keys.ReadSource(path)
	if err != nil {
		m.Err = err
	}
	m.Data = data
	a.setup.Material = append(a.setup.Material, m)
}

// resolvePath finds a file the code names: from the code's directory, else
// from the working directory.
func (a *assembler) resolvePath(p string) string {
	p = strings.TrimPrefix(strings.TrimSpace(p), "classpath:")
	if strings.HasPrefix(p, dirMarker) {
		return filepath.Join(a.dir, strings.TrimPrefix(p, dirMarker))
	}
	if filepath.IsAbs(p) || strings.HasPrefix(p, "~/") {
		return p
	}
	near := filepath.Join(a.dir, p)
	if _, err := os.Stat(near); err == nil {
		return near
	}
	if _, err := os.Stat(p); err == nil {
		return p
	}
	return near
}

// done finishes the setup: the address and protocol, the summary of what
// was found.
func (a *assembler) done(kind string) (Setup, error) {
	s := &a.setup
	if len(a.found) == 0 {
		return *s, fmt.Errorf("no Alipay configuration found in %s: aliauth reads new AlipaySdk({...}), Java's AlipayConfig setters and DefaultAlipayClient(...) arguments, .env and .properties files, YAML and JSON", s.Name)
	}
	source := a.url.source
	switch {
	case a.url.gateway != "":
		s.URL, s.URLSource = a.url.gateway, source
	case a.url.endpoint != "":
		s.URL, s.URLSource, s.Protocol = a.url.endpoint, source, gateway.V3
	case a.url.host != "":
		s.URL, s.URLSource = "https://"+strings.TrimSuffix(a.url.host, "/")+"/gateway.do", source
	default:
		s.URL, s.URLSource = gateway.ProductionGateway, "not set: the SDKs' default, production"
	}
	sort.SliceStable(s.Material, func(i, j int) bool { return slotRank(s.Material[i].Slot) < slotRank(s.Material[j].Slot) })
	summary := Check{Group: GroupCode, Subject: "configuration", Status: OK,
		Finding: "read as " + kind + ": " + strings.Join(a.found, ", ")}
	s.Findings = append([]Check{summary}, s.Findings...)
	return *s, nil
}

func slotRank(s Slot) int {
	for i, x := range slotOrder {
		if x == s {
			return i
		}
	}
	return len(slotOrder)
}

// looksLikeGateway keeps a setting named only "url" when it holds an Alipay
// gateway address.
func looksLikeGateway(v value) bool {
	return v.kind != valueText || strings.Contains(v.text, "alipay") || strings.Contains(v.text, "gateway.do")
}

// looksLikeKeyText tells key text from a path: a PEM header, or a long run
// of base64.
func looksLikeKeyText(s string) bool {
	t := strings.TrimSpace(s)
	if strings.Contains(t, "-----BEGIN") {
		return true
	}
	if len(t) < 20 || strings.ContainsAny(t, "\\.") {
		return false
	}
	for _, c := range t {
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || strings.ContainsRune("+/=_- \n\r\t", c)) {
			return false
		}
	}
	return true
}

// looksLikePath recognises a file name with the extensions keys and
// certificates are kept in.
func looksLikePath(s string) bool {
	t := strings.ToLower(strings.TrimSpace(s))
	for _, ext := range []string{".pem", ".crt", ".cer", ".key", ".txt", ".der", ".p12"} {
		if strings.HasSuffix(t, ext) {
			return true
		}
	}
	return strings.HasPrefix(t, "classpath:")
}

func abbreviate(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len([]rune(s)) > 60 {
		return string([]rune(s)[:59]) + "…"
	}
	return s
}
