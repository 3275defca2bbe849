package ui

import (
	"fmt"
	"strings"
	"sync/atomic"

	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/message/catalog"

	"aliauth/gateway"
)

// The console speaks English unless told otherwise (Options.Lang, which the
// command line takes from ALIAUTH_LANG or the locale). Every message is
// written in English in the code, and the English text is its key in each
// other language's catalog: one file per language (lang_zh.go), read with
// golang.org/x/text/message. What the gateway sends — Alipay's own Chinese
// messages, codes, ids — is shown as it is, never translated.

// speaking is the console's language for one run; nil is English, which
// needs no catalog. It is set when the console starts (New) and read when
// it draws, from any goroutine.
var speaking atomic.Pointer[tongue]

// tongue is a language the console speaks: its catalog as written, and as
// x/text formats it.
type tongue struct {
	words   map[string]string
	printer *message.Printer
	// sentences reads texts made outside the console back into their
	// format and arguments, to word them in this language.
	sentences *sentences
}

// catalogs are the languages besides English, each built the first time
// it is chosen, so English pays nothing to start.
var catalogs = map[language.Tag]func() map[string]string{
	language.SimplifiedChinese: zhCatalog,
}

// chooseLanguage reads a language or locale name ("zh-CN", "zh_CN.UTF-8",
// "en_US", "C") and picks the console's language: Chinese for any Chinese
// locale written in simplified characters, English otherwise.
func chooseLanguage(name string) language.Tag {
	name, _, _ = strings.Cut(name, ".") // zh_CN.UTF-8
	name, _, _ = strings.Cut(name, "@") // a locale modifier
	tag, err := language.Parse(strings.ReplaceAll(name, "_", "-"))
	if err != nil {
		return language.English
	}
	matcher := language.NewMatcher([]language.Tag{language.English, language.SimplifiedChinese})
	_, i, conf := matcher.Match(tag)
	if i == 1 && conf >= language.High {
		return language.SimplifiedChinese
	}
	return language.English
}

// setLanguage makes the console speak the language name names.
func setLanguage(name string) {
	tag := chooseLanguage(name)
	build, ok := catalogs[tag]
	if !ok {
		speaking.Store(nil)
		return
	}
	entries := build()
	b := catalog.NewBuilder(catalog.Fallback(language.English))
	for en, text := range entries {
		// The catalog holds fixed texts; a bad entry is a bug the tests
		// catch, not something a user can cause.
		_ = b.SetString(tag, en, text)
	}
	speaking.Store(&tongue{words: entries, printer: message.NewPrinter(tag, message.Catalog(b)), sentences: newSentences(entries)})
}

// tr is a message in the console's language: format is its English text,
// which args fill as fmt.Sprintf does. Counts are passed formatted, as
// strings, so every language writes them the same way.
func tr(format string, args ...any) string {
	t := speaking.Load()
	switch {
	case t == nil && len(args) == 0:
		return format
	case t == nil:
		return fmt.Sprintf(format, args...)
	case len(args) == 0:
		return word(format)
	}
	return t.printer.Sprintf(format, args...)
}

// word is a text made elsewhere (a verdict, a hint, a call's name, a
// verification's detail, a warning, a doctor's finding, an error) in the
// console's language: looked up as it is, else read back into the format
// that made it (see sentences); never itself read as a format. A text no
// catalog knows is shown as it is.
func word(s string) string {
	t := speaking.Load()
	if t == nil || s == "" {
		return s
	}
	if w, ok := t.words[s]; ok {
		return w
	}
	return t.sentences.say(s)
}

// explanation is what the catalog says of a gateway error, in the
// console's language: the Chinese catalog when the console speaks Chinese
// and it knows the code, else the trace's own words.
func explanation(e *gateway.APIError) (meaning, hint string) {
	if speaking.Load() == nil {
		return e.Meaning, e.Hint
	}
	// The trace may explain this error more closely than the catalog does
	// (a user-info call with an auth_base token, an app's own code); its
	// own words, worded again, then win over the catalog's.
	if en, ok := gateway.Explain(e.Code, e.SubCode); ok && en.Meaning == e.Meaning && en.Hint == e.Hint {
		if x, ok := gateway.ExplainZH(e.Code, e.SubCode); ok {
			return x.Meaning, x.Hint
		}
	}
	return word(e.Meaning), word(e.Hint)
}
