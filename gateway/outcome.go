package gateway

// Protocol is the OpenAPI generation a profile speaks.
type Protocol string

const (
	// V2 is the gateway.do protocol: signed form parameters, signed JSON node.
	V2 Protocol = "v2"
	// V3 is the REST protocol: an authorization header, signed response headers.
	V3 Protocol = "v3"
)

// SignType is the v2 signature algorithm.
type SignType string

const (
	// RSA2 is SHA256withRSA, the one Alipay recommends.
	RSA2 SignType = "RSA2"
	// RSA is SHA1withRSA, kept for legacy apps.
	RSA SignType = "RSA"
)

// VerifyStatus is how the response's signature check came out.
type VerifyStatus string

const (
	// Verified: the signature matches the raw bytes of the signed content.
	Verified VerifyStatus = "verified"
	// VerifiedUnescaped: it matches once `\/` is read as `/`, as the official
	// Java SDK retries.
	VerifiedUnescaped VerifyStatus = "verified-unescaped"
	// VerifiedNormalized: it matches only after a faithful normalization,
	// whitespace compacted or the content re-encoded between GBK and UTF-8,
	// so the body given is not the raw body the gateway sent; the detail says
	// which.
	VerifiedNormalized VerifyStatus = "verified-normalized"
	// VerifyFailed: the signature does not match; the response cannot be trusted.
	VerifyFailed VerifyStatus = "failed"
	// Unsigned: the response carries no signature.
	Unsigned VerifyStatus = "unsigned"
	// Skipped: no Alipay public key is configured, so nothing was checked.
	Skipped VerifyStatus = "skipped"
)

// Passed reports whether the signature matched in any of its accepted forms.
func (s VerifyStatus) Passed() bool {
	return s == Verified || s == VerifiedUnescaped || s == VerifiedNormalized
}

// Outcome classifies a whole call the way a script needs it.
type Outcome string

const (
	// OutcomeSuccess: the gateway answered success and it verified (or
	// verification was skipped, which the trace warns about).
	OutcomeSuccess Outcome = "success"
	// OutcomeGatewayError: the gateway answered an error that verified, or an
	// error it left unsigned.
	OutcomeGatewayError Outcome = "gateway-error"
	// OutcomeTransportError: no usable answer: no connection, a timeout,
	// cancellation, or a body that is not the gateway's JSON.
	OutcomeTransportError Outcome = "transport-error"
	// OutcomeUntrusted: the answer failed verification, or a success came unsigned.
	OutcomeUntrusted Outcome = "untrusted"
	// OutcomeDryRun: built and signed, not sent.
	OutcomeDryRun Outcome = "dry-run"
)
