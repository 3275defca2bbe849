package doctor

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// The configuration of the user's own code is read from Java and JavaScript
// source without parsing either language: a small lexer turns the source
// into tokens, and extractors look for the few shapes Alipay SDK
// configuration takes (setter calls, constructor arguments, object
// literals) and evaluate the expressions given to them when they are
// literals, constants, concatenations, file reads or environment lookups.

type tokenKind int

const (
	tokIdent tokenKind = iota
	tokString
	tokNumber
	tokPunct
	// tokTemplate is a JavaScript template literal with substitutions,
	// whose value cannot be known.
	tokTemplate
)

type token struct {
	kind tokenKind
	text string // an identifier, a punctuation mark, or a string's value
	line int
}

// lex splits Java or JavaScript source into tokens, dropping whitespace and
// comments. It never fails: what it does not understand becomes
// punctuation.
func lex(src string) []token {
	var toks []token
	line := 1
	for i := 0; i < len(src); {
		c := src[i]
		switch {
		case c == '\n':
			line++
			i++
		case c == ' ' || c == '\t' || c == '\r' || c == '\f':
			i++
		case strings.HasPrefix(src[i:], "//"):
			for i < len(src) && src[i] != '\n' {
				i++
			}
		case strings.HasPrefix(src[i:], "/*"):
			end := strings.Index(src[i+2:], "*/")
			if end < 0 {
				end = len(src) - i - 2
			}
			line += strings.Count(src[i:i+2+end], "\n")
			i += end + 4
		case strings.HasPrefix(src[i:], `"""`):
			// A Java text block: its value is its lines, indentation and all;
			// keys ignore whitespace.
			end := strings.Index(src[i+3:], `"""`)
			if end < 0 {
				end = len(src) - i - 3
			}
			body := src[i+3 : i+3+end]
			toks = append(toks, token{tokString, unescape(body), line})
			line += strings.Count(body, "\n")
			i += end + 6
		case c == '"' || c == '\'' || c == '`':
			j, value, lines, template := scanString(src, i)
			kind := tokString
			if template {
				kind = tokTemplate
			}
			toks = append(toks, token{kind, value, line})
			line += lines
			i = j
		case c == '_' || c == '$' || c < utf8.RuneSelf && unicode.IsLetter(rune(c)):
			j := i + 1
			for j < len(src) && (src[j] == '_' || src[j] == '$' || src[j] < utf8.RuneSelf && (unicode.IsLetter(rune(src[j])) || unicode.IsDigit(rune(src[j])))) {
				j++
			}
			toks = append(toks, token{tokIdent, src[i:j], line})
			i = j
		case c >= '0' && c <= '9':
			j := i + 1
			for j < len(src) && (src[j] >= '0' && src[j] <= '9' || src[j] == '.' || src[j] == 'L' || src[j] == 'x') {
				j++
			}
			toks = append(toks, token{tokNumber, src[i:j], line})
			i = j
		default:
			_, size := utf8.DecodeRuneInString(src[i:])
			toks = append(toks, token{tokPunct, src[i : i+size], line})
			i += size
		}
	}
	return toks
}

// scanString reads the string literal that starts at src[i], returning
// where it ends, its value, how many line breaks it spans, and whether it is
// a template literal with substitutions.
func scanString(src string, i int) (end int, value string, lines int, template bool) {
	quote := src[i]
	var b strings.Builder
	j := i + 1
	for j < len(src) {
		c := src[j]
		switch {
		case c == quote:
			return j + 1, unescape(b.String()), lines, template
		case c == '\\' && j+1 < len(src):
			b.WriteByte(c)
			b.WriteByte(src[j+1])
			if src[j+1] == '\n' {
				lines++
			}
			j += 2
			continue
		case c == '\n' && quote != '`':
			// An unterminated string ends at the line's end.
			return j, unescape(b.String()), lines, template
		case c == '\n':
			lines++
		case quote == '`' && c == '$' && j+1 < len(src) && src[j+1] == '{':
			template = true
		}
		b.WriteByte(c)
		j++
	}
	return j, unescape(b.String()), lines, template
}

// unescape reads the escapes of a string literal that matter in keys and
// addresses.
func unescape(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' || i+1 == len(s) {
			b.WriteByte(s[i])
			continue
		}
		i++
		switch s[i] {
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		case '\n':
		default:
			b.WriteByte(s[i])
		}
	}
	return b.String()
}
