package ui

// zhKeys is the errors and notes of keys and history, in simplified Chinese,
// keyed by the format that makes each.
var zhKeys = map[string]string{}
