package gateway

import (
	"bytes"
	"crypto/rsa"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"

	"aliauth/keys"
)

// VerifyResponse takes a raw v2 body apart and verifies it: ParseEnvelope,
// then VerifyEnvelope, with the signed content filled in for people to read.
func VerifyResponse(body []byte, method string, key *rsa.PublicKey, signType SignType) (*Envelope, *Verification, error) {
	env, err := ParseEnvelope(body, method)
	if err != nil {
		return nil, nil, err
	}
	v := VerifyEnvelope(env, key, signType)
	if v.SignedContent == "" {
		v.SignedContent = displayText(env.Content)
	}
	return env, v, nil
}

// DetectMethod finds the method from the one <method>_response node a body
// holds, so a user-info response verifies without naming its method; it is
// the token method when there is none.
func DetectMethod(body []byte) string {
	members, err := scanObject(body)
	if err == nil {
		for _, m := range members {
			if m.key != ErrorNode && strings.HasSuffix(m.key, "_response") {
				return strings.ReplaceAll(strings.TrimSuffix(m.key, "_response"), "_", ".")
			}
		}
	}
	return MethodOAuthToken
}

// VerifyOffline verifies a raw v2 body received elsewhere (a log, a capture,
// a paste) and returns it as a trace with no request, as the client records
// its own calls: the verification, the decoded result or error, and the
// outcome. keySource says where the key came from, for the trace.
func VerifyOffline(body []byte, method string, key *rsa.PublicKey, keySource string, signType SignType) (*Trace, error) {
	env, v, err := VerifyResponse(body, method, key, signType)
	if err != nil {
		return nil, err
	}
	if err := malformedAt(env.Start, env.Content); err != nil {
		return nil, err
	}
	v.Key = describeKey(key, keySource)
	t := &Trace{
		Time:         time.Now(),
		Protocol:     V2,
		Method:       method,
		SignType:     signType,
		Response:     &Response{Body: body},
		Verification: v,
	}
	decodeNode(t, env.Content, env.Node == ErrorNode)
	t.settle()
	return t, nil
}

// describeKey names the key responses are verified with: its fingerprint
// and where it came from.
func describeKey(key *rsa.PublicKey, source string) string {
	if key == nil {
		return ""
	}
	desc := "Alipay public key " + keys.Fingerprint(key)
	if source != "" {
		desc += " from " + source
	}
	return desc
}

// VerifyEnvelope checks the sign of a v2 response over the node's raw bytes
// with the Alipay public key, then, as the spec allows, over the content with
// `\/` read as `/`, then over the compacted content, then over the content
// re-encoded between GBK and UTF-8. key nil means no Alipay key is
// configured: the result is Skipped, never a pass.
//
// SignedContent is set only when the bytes that verified differ from the
// node as written (unescaped or normalized); otherwise the content is
// body[Start:End], and VerifyResponse copies it out for display, work that
// verification itself does not need.
func VerifyEnvelope(env *Envelope, key *rsa.PublicKey, signType SignType) *Verification {
	v := &Verification{
		Node:   env.Node,
		Start:  env.Start,
		End:    env.End,
		Sign:   env.Sign,
		CertSN: env.CertSN,
	}
	algo := signType.Algorithm()
	switch {
	case env.Conflict != "":
		v.Status = VerifyFailed
		v.Detail = env.Conflict
	case !env.HasSign:
		v.Status = Unsigned
		v.Detail = "the body carries no sign, so nothing vouches for it"
	case key == nil:
		v.Status = Skipped
		v.Detail = "no Alipay public key is configured, so the response was NOT verified; configure the Alipay public key (or the Alipay certificate in certificate mode)"
	case VerifyBytes(key, signType, env.Content, env.Sign) == nil:
		v.Status = Verified
		v.Detail = fmt.Sprintf("%s matches the raw bytes of %s (%d bytes)", algo, env.Node, len(env.Content))
	default:
		verifyFallbacks(v, env, key, signType)
	}
	return v
}

// verifyFallbacks tries the forms the official SDKs tolerate once the raw
// bytes have failed.
func verifyFallbacks(v *Verification, env *Envelope, key *rsa.PublicKey, signType SignType) {
	algo := signType.Algorithm()
	slash := []byte(`\/`)
	if bytes.Contains(env.Content, slash) {
		unescaped := bytes.ReplaceAll(env.Content, slash, []byte("/"))
		if VerifyBytes(key, signType, unescaped, env.Sign) == nil {
			v.Status = VerifiedUnescaped
			v.SignedContent = displayText(unescaped)
			v.Detail = fmt.Sprintf(`%s matches %s once \/ is read as / (the gateway signed the unescaped text; the official Java SDK retries the same way)`, algo, env.Node)
			return
		}
	}
	var compact bytes.Buffer
	if json.Compact(&compact, env.Content) == nil && !bytes.Equal(compact.Bytes(), env.Content) {
		forms := [][]byte{compact.Bytes(), bytes.ReplaceAll(compact.Bytes(), slash, []byte("/"))}
		for _, form := range forms {
			if VerifyBytes(key, signType, form, env.Sign) == nil {
				v.Status = VerifiedNormalized
				v.SignedContent = displayText(form)
				v.Detail = fmt.Sprintf("verified after whitespace normalization: this is not the raw body. %s matches %s only once its whitespace is compacted, so the body was reformatted after it left the gateway; verify the body exactly as received", algo, env.Node)
				return
			}
		}
	}
	if form, from, to, ok := transcoded(env.Content); ok {
		for _, f := range [][]byte{form, bytes.ReplaceAll(form, slash, []byte("/"))} {
			if VerifyBytes(key, signType, f, env.Sign) == nil {
				v.Status = VerifiedNormalized
				v.SignedContent = displayText(f)
				v.Detail = charsetDetail(algo, env.Node, from, to)
				return
			}
		}
	}
	v.Status = VerifyFailed
	v.Detail = fmt.Sprintf("%s does not match %s with the configured Alipay public key: either the body was altered, or the key is not the Alipay public key (支付宝公钥) of this app and environment (sandbox and production keys differ)", algo, env.Node)
}

// Algorithm names the signature algorithm as Alipay's documents do.
func (s SignType) Algorithm() string {
	if s == RSA {
		return "SHA1withRSA"
	}
	return "SHA256withRSA"
}

// displayText is content as a person reads it: GBK is decoded for display,
// verification always runs over the raw bytes.
func displayText(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	return decodeGBK(b)
}

// transcoded is content re-encoded between UTF-8 and GBK: the gateway signs
// the bytes of the request's charset, and a body that was re-encoded on its
// way (a JVM whose file.encoding is not the request charset, a proxy, a log)
// verifies only once it is turned back. ok is false for ASCII content,
// which reads the same in both, and for text one of them cannot hold.
func transcoded(content []byte) (out []byte, from, to string, ok bool) {
	ascii := true
	for _, b := range content {
		if b >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		return nil, "", "", false
	}
	if utf8.Valid(content) {
		gbk, err := simplifiedchinese.GBK.NewEncoder().Bytes(content)
		return gbk, "UTF-8", "GBK", err == nil
	}
	u, err := simplifiedchinese.GBK.NewDecoder().Bytes(content)
	return u, "GBK", "UTF-8", err == nil && utf8.Valid(u)
}

// charsetDetail says that a signature matched only after re-encoding, and
// what is known to cause it. The official Java SDK signs and verifies with
// String.getBytes(charset), and with the JVM's file.encoding when no charset
// is set (RSAEncryptor.doVerify), which is how such a mismatch arises.
func charsetDetail(algo, node, from, to string) string {
	return fmt.Sprintf("verified only after re-encoding the content from %s to %s: a charset mismatch, not a forgery. %s matches %s once its text is written in %s, so the gateway signed %s bytes and this body holds %s: something re-encoded it after it left the gateway, or read it in another charset than the request's. A JVM whose file.encoding differs from the charset parameter (the official Java SDK falls back to it when no charset is set) and a charset parameter that differs from how the body is read are the known causes; read the body as bytes, in the request's charset",
		from, to, algo, node, to, to, from)
}

// summaryOf is the first sentence of a detail: what a warning repeats.
func summaryOf(detail string) string {
	s, _, _ := strings.Cut(detail, ". ")
	return s
}
