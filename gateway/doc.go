// Package gateway speaks Alipay's OpenAPI for "log in with Alipay": the v2
// gateway.do protocol and the v3 REST protocol, for alipay.system.oauth.token
// (an auth code or a refresh token traded for tokens) and
// alipay.user.info.share (the user's profile).
//
// A Client is made from a Profile — where to send, as which app, with which
// keys — and each call returns a Trace: every step of the call recorded as
// it happened. The parameters and the exact string that was signed, the
// signature, the request as sent, the raw response, what was verified over
// which bytes with which key, the decoded tokens with their expiry, and, on
// failure, what the error means and what to do. The trace is returned
// whatever happens once a request was built, so a failed call can still be
// shown and kept:
//
//	client, err := gateway.NewClient(profile)
//	trace, err := client.Exchange(ctx, code)
//	switch trace.Outcome { ... }
//
// The error is nil on success, an *APIError when the gateway answered an
// error, a *VerificationError when the answer cannot be trusted, and a
// *TransportError when no usable answer arrived.
//
// Nothing here prints or reads a terminal, and timeouts are the caller's:
// set them on the context or on Client.HTTPClient. The describe.go names
// (CallName, Outcome.Phrase, VerifyStatus.Verdict, Expiry) are the words
// every renderer of a trace uses.
package gateway
