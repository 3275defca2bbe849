package gateway

import (
	"bytes"
	"crypto"
	"crypto/rsa"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"aliauth/keys"
)

// BundleVersion is the version of the bundle format this package writes.
const BundleVersion = 1

// Bundle is a trace made safe to attach to an issue: the auth code and every
// token are replaced by their fingerprints, keys are named by fingerprint
// only, and the digest of the exact bytes the response's signature covers is
// kept, so that its verification can be replayed offline even though the
// body shown is redacted. Its JSON is the trace's, with a "bundle" member.
type Bundle struct {
	Info BundleInfo `json:"bundle"`
	*Trace
}

// BundleInfo is what a bundle adds to its trace.
type BundleInfo struct {
	Version int    `json:"version"`
	Note    string `json:"note"`
	// Redacted names what was replaced by fingerprints.
	Redacted []string `json:"redacted,omitempty"`
	// SignedDigest is the hex digest (DigestAlgorithm) of the bytes the
	// response's signature was checked over, computed before redaction.
	SignedDigest    string `json:"signed_digest,omitempty"`
	DigestAlgorithm string `json:"digest_algorithm,omitempty"`
	// AlipayKey is the fingerprint of the Alipay public key the response was
	// verified with when it was recorded.
	AlipayKey string `json:"alipay_key,omitempty"`
}

const bundleNote = "made by aliauth history bundle: the auth code and tokens are replaced by sha256 fingerprints and keys are named by fingerprint; " +
	"the signature is replayed over signed_digest, the digest of the exact bytes signed, so aliauth verify can check it without the secrets"

// NewBundle makes the shareable form of a trace. The trace is not changed.
func NewBundle(t *Trace) *Bundle {
	var extra, redacted []string
	if code := t.Request.Params["code"]; code != "" {
		extra = append(extra, code)
		redacted = append(redacted, "auth code")
	}
	if len(t.Secrets()) > 0 {
		redacted = append(redacted, "tokens")
	}
	shared := t.redact(extra, Fingerprint)
	b := &Bundle{Info: BundleInfo{Version: BundleVersion, Note: bundleNote, Redacted: redacted}, Trace: shared}
	if v := shared.Verification; v != nil {
		b.Info.AlipayKey = keyFingerprint(v.Key)
		if b.Info.AlipayKey != "" {
			v.Key = "Alipay public key " + b.Info.AlipayKey
		}
		if content, ok := signedBytes(t); ok {
			h, digest := t.responseSignType().hash(content)
			b.Info.SignedDigest, b.Info.DigestAlgorithm = hex.EncodeToString(digest), h.String()
		}
	}
	return b
}

// ParseBundle reads a bundle; ok is false when data is not one (a plain
// trace, a raw response).
func ParseBundle(data []byte) (b *Bundle, ok bool, err error) {
	var probe struct {
		Info *BundleInfo `json:"bundle"`
	}
	if json.Unmarshal(data, &probe) != nil || probe.Info == nil {
		return nil, false, nil
	}
	if probe.Info.Version > BundleVersion {
		return nil, true, fmt.Errorf("the bundle has format version %d, newer than this aliauth reads (%d); upgrade aliauth", probe.Info.Version, BundleVersion)
	}
	b = &Bundle{}
	if err := json.Unmarshal(data, b); err != nil {
		return nil, true, fmt.Errorf("the bundle is damaged: %w", err)
	}
	if b.Trace == nil || b.Verification == nil {
		return nil, true, errors.New("the bundle holds no verified response: it was made from a call that got no answer")
	}
	return b, true, nil
}

// Replay verifies the bundle's response again, offline, with key: its
// signature over the digest the bundle kept of the signed bytes. It returns
// the bundle's trace with the replayed verification and the outcome that
// follows from it; key nil means no key, and verification is skipped.
func (b *Bundle) Replay(key *rsa.PublicKey, keySource string) (*Trace, error) {
	t := b.Trace.clone()
	v := t.Verification
	recorded := v.Status
	v.Key = describeKey(key, keySource)
	switch {
	case recorded == Unsigned || v.Sign == "":
		v.Status = Unsigned
		v.Detail = "the response carried no signature when it was recorded, so there is nothing to replay"
	case key == nil:
		v.Status = Skipped
		v.Detail = "no Alipay public key is configured, so the bundle's signature was NOT verified; give the Alipay public key of the app and environment it came from"
	case b.Info.SignedDigest == "":
		v.Status = VerifyFailed
		v.Detail = "the bundle keeps no digest of the signed bytes, so its signature cannot be checked"
	default:
		if err := verifyDigest(key, b.Info.DigestAlgorithm, b.Info.SignedDigest, v.Sign); err != nil {
			v.Status = VerifyFailed
			v.Detail = fmt.Sprintf("the signature does not match the recorded digest of the signed bytes with this key (%v)", err)
		} else {
			if !recorded.Passed() {
				v.Status = Verified
			} else {
				v.Status = recorded
			}
			v.Detail = fmt.Sprintf("%s matches the %s digest the bundle kept of the signed bytes (%s); the body shown is redacted, so the digest stands in for it",
				t.responseSignType().Algorithm(), b.Info.DigestAlgorithm, recorded)
		}
	}
	if fp := keys.Fingerprint(key); b.Info.AlipayKey != "" && fp != "" && fp != b.Info.AlipayKey {
		v.Detail += fmt.Sprintf("; the bundle was verified with Alipay public key %s when recorded, and this key is %s", b.Info.AlipayKey, fp)
	}
	t.Outcome = outcomeOf(v.Status, t.Error != nil)
	return t, nil
}

// responseSignType is the algorithm the response was signed with: v3 signs
// with SHA256withRSA only.
func (t *Trace) responseSignType() SignType {
	if t.Protocol == V3 || t.SignType == "" {
		return RSA2
	}
	return t.SignType
}

// signedBytes are the exact bytes the response's signature was checked over,
// in the form its verification status names.
func signedBytes(t *Trace) ([]byte, bool) {
	if t.Response == nil || t.Verification == nil {
		return nil, false
	}
	body := t.Response.Body
	if t.Protocol == V3 {
		h := t.Response.Headers
		return V3ResponseContent(h["alipay-timestamp"], h["alipay-nonce"], body), true
	}
	env, err := ParseEnvelope(body, t.Method)
	if err != nil {
		return nil, false
	}
	content := env.Content
	slash := []byte(`\/`)
	switch t.Verification.Status {
	case VerifiedUnescaped:
		content = bytes.ReplaceAll(content, slash, []byte("/"))
	case VerifiedNormalized:
		var compact bytes.Buffer
		if json.Compact(&compact, content) != nil {
			return nil, false
		}
		content = compact.Bytes()
		if bytes.Contains(content, slash) && !strings.Contains(t.Verification.SignedContent, `\/`) {
			content = bytes.ReplaceAll(content, slash, []byte("/"))
		}
	}
	return content, true
}

// verifyDigest checks a base64 PKCS#1 v1.5 signature over a hex digest.
func verifyDigest(key *rsa.PublicKey, algorithm, hexDigest, sign string) error {
	h := crypto.SHA256
	if algorithm == crypto.SHA1.String() {
		h = crypto.SHA1
	}
	digest, err := hex.DecodeString(hexDigest)
	if err != nil || len(digest) != h.Size() {
		return fmt.Errorf("the recorded digest is not a %s digest", h)
	}
	sig, err := base64.StdEncoding.DecodeString(strings.TrimSpace(sign))
	if err != nil {
		return fmt.Errorf("the signature is not base64: %w", err)
	}
	return rsa.VerifyPKCS1v15(key, h, digest, sig)
}

// keyFingerprint takes the fingerprint out of a key description ("Alipay
// public key SHA256:... from FILE"), leaving where it came from behind.
func keyFingerprint(desc string) string {
	for _, f := range strings.Fields(desc) {
		if strings.HasPrefix(f, "SHA256:") {
			return f
		}
	}
	return ""
}
