package ui

// zhGateway is the gateway's sentences: verification details, trace
// warnings, errors, in simplified Chinese, keyed by the format that makes
// each.
var zhGateway = map[string]string{}
