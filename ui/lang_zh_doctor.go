package ui

// zhDoctor is the doctor's findings and fixes, and the configuration's
// checks and errors, in simplified Chinese, keyed by the format that makes
// each.
var zhDoctor = map[string]string{}
