package ui

import (
	"cmp"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode"
)

// Texts made outside the console — a verification's detail, a trace
// warning, a doctor's finding, a library's error — arrive finished and in
// English, and a history entry keeps them so. To word one in another
// language the console reads it back into the format that made it: every
// catalog key with verbs ("%s matches the raw bytes of %s (%d bytes)") is
// also a pattern in which each verb matches any text, and the arguments it
// matched, worded in turn, fill the key's translation. A text joined from
// several ("…; …") is worded part by part. The English format stays the
// key, so the code that writes a sentence and the catalog that translates
// it name the same text, and a test holds every sentence of the libraries
// to having one.

// sentences reads finished texts back into a catalog's formats. It is
// built on first use, since English never needs it and Chinese needs it
// only once a sentence from outside is drawn.
type sentences struct {
	entries map[string]string

	once     sync.Once
	patterns []sentence

	mu   sync.Mutex
	said map[string]string // texts already worded: a frame draws the same ones again
}

// sentence is one catalog format read as a pattern.
type sentence struct {
	re *regexp.Regexp
	// anchor is the format's longest run of fixed text: a text without it
	// cannot match, and the pattern is skipped for the price of a search.
	anchor string
	// args maps each group of re to the argument it fills (0-based).
	args []int
	// format is the translation with every verb written %[n]s, as the
	// arguments arrive as text.
	format string
	// fixed is how much fixed text the format has: the most specific
	// format that matches is the one that made the text.
	fixed int
}

// verb is a fmt verb, with its optional argument index, flags, width and
// precision.
var verb = regexp.MustCompile(`%(?:\[(\d+)\])?[-+# 0]*\d*(?:\.\d+)?([a-zA-Z%])`)

// maxSaid bounds the texts remembered; past it the memory starts again.
const maxSaid = 4096

func newSentences(entries map[string]string) *sentences {
	return &sentences{entries: entries, said: map[string]string{}}
}

func (s *sentences) build() {
	for en, tr := range s.entries {
		if p, ok := compileSentence(en, tr); ok {
			s.patterns = append(s.patterns, p)
		}
	}
	slices.SortFunc(s.patterns, func(a, b sentence) int {
		return cmp.Or(cmp.Compare(b.fixed, a.fixed), strings.Compare(a.format, b.format))
	})
}

// compileSentence reads a format and its translation as a pattern; a
// format without verbs, or with too little fixed text to say what made a
// text ("%s: %s"), is no pattern.
func compileSentence(en, tr string) (sentence, bool) {
	var re strings.Builder
	var p sentence
	re.WriteString(`(?s)^`)
	next, last := 0, 0
	fixed := func(lit string) {
		re.WriteString(regexp.QuoteMeta(lit))
		p.fixed += len(lit)
		if len(lit) > len(p.anchor) {
			p.anchor = lit
		}
	}
	for _, m := range verb.FindAllStringSubmatchIndex(en, -1) {
		lit := en[last:m[0]]
		last = m[1]
		if en[m[4]:m[5]] == "%" {
			fixed(lit + "%")
			continue
		}
		fixed(lit)
		n := next
		if m[2] >= 0 {
			i, _ := strconv.Atoi(en[m[2]:m[3]])
			n = i - 1
		}
		next = n + 1
		p.args = append(p.args, n)
		if en[m[4]:m[5]] == "d" {
			re.WriteString(`(-?[0-9][0-9,]*)`)
		} else {
			re.WriteString(`(.*?)`)
		}
	}
	if len(p.args) == 0 || letters(en) < 5 {
		return sentence{}, false
	}
	fixed(en[last:])
	re.WriteString(`$`)
	compiled, err := regexp.Compile(re.String())
	if err != nil {
		return sentence{}, false
	}
	p.re = compiled
	// The translation's verbs take their arguments by position, as text.
	n := 0
	p.format = verb.ReplaceAllStringFunc(tr, func(v string) string {
		sub := verb.FindStringSubmatch(v)
		if sub[2] == "%" {
			return v
		}
		if sub[1] != "" {
			i, _ := strconv.Atoi(sub[1])
			n = i
		} else {
			n++
		}
		return "%[" + strconv.Itoa(n) + "]s"
	})
	return p, true
}

// letters counts the letters of a format outside its verbs.
func letters(format string) int {
	n := 0
	for _, r := range verb.ReplaceAllString(format, "") {
		if unicode.IsLetter(r) {
			n++
		}
	}
	return n
}

// say words a finished text in the catalog's language, or returns it as
// it is.
func (s *sentences) say(text string) string {
	s.mu.Lock()
	w, ok := s.said[text]
	s.mu.Unlock()
	if ok {
		return w
	}
	s.once.Do(s.build)
	w = s.word(text, 6)
	s.mu.Lock()
	if len(s.said) >= maxSaid {
		clear(s.said)
	}
	s.said[text] = w
	s.mu.Unlock()
	return w
}

// word words text, reading its arguments back in turn up to depth deep.
func (s *sentences) word(text string, depth int) string {
	if w, ok := s.entries[text]; ok {
		return w
	}
	if depth == 0 || text == "" {
		return text
	}
	if w, ok := s.match(text, depth); ok {
		return w
	}
	// A text joined from sentences is worded part by part.
	for _, sep := range []struct{ en, tr string }{{"; ", "；"}, {". ", "。"}} {
		parts := strings.Split(text, sep.en)
		if len(parts) == 1 {
			continue
		}
		changed := false
		for i, part := range parts {
			if w := s.word(part, depth-1); w != part {
				parts[i], changed = w, true
			}
		}
		if changed {
			return strings.Join(parts, sep.tr)
		}
	}
	return text
}

func (s *sentences) match(text string, depth int) (string, bool) {
	for _, p := range s.patterns {
		if !strings.Contains(text, p.anchor) {
			continue
		}
		m := p.re.FindStringSubmatch(text)
		if m == nil {
			continue
		}
		args := make([]any, slices.Max(p.args)+1)
		for i := range args {
			args[i] = ""
		}
		for g, n := range p.args {
			// An argument of one word is a name (a node, a code, a file),
			// never translated; one of several may be a phrase.
			arg := m[g+1]
			if strings.ContainsRune(arg, ' ') {
				arg = s.word(arg, depth-1)
			}
			args[n] = arg
		}
		return fmt.Sprintf(p.format, args...), true
	}
	return "", false
}
