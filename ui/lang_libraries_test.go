package ui

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"aliauth/config"
)

// librariesSpeaking are the packages whose sentences reach the console:
// verification details, trace warnings, doctor findings, profile checks and
// the errors of keys, history and configuration.
var librariesSpeaking = []string{"../gateway", "../doctor", "../config", "../keys", "../history"}

// notOnScreen are library texts the console never shows, each with where
// it goes instead.
var notOnScreen = map[string]string{
	config.Example: "the file aliauth profiles init writes, from the command line",
}

// Every sentence the libraries write has its Chinese: each string literal
// that reads as prose is a catalog key, or the fixed part of one (a text
// the code joins from pieces).
func TestChineseCatalogCoversTheLibraries(t *testing.T) {
	zh := zhCatalog()
	keys := make([]string, 0, len(zh))
	for en := range zh {
		keys = append(keys, en)
	}
	covered := func(lit string) bool {
		lit = strings.Trim(lit, " ;:,.")
		if _, ok := zh[lit]; ok {
			return true
		}
		for _, k := range keys {
			if strings.Contains(k, lit) {
				return true
			}
		}
		return false
	}
	fset := token.NewFileSet()
	seen, missing := 0, 0
	for _, dir := range librariesSpeaking {
		files, _ := filepath.Glob(filepath.Join(dir, "*.go"))
		for _, f := range files {
			base := filepath.Base(f)
			if strings.HasSuffix(base, "_test.go") || strings.HasPrefix(base, "catalog") {
				continue // the error catalog has its own Chinese (catalog_zh.go)
			}
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			file, err := parser.ParseFile(fset, f, src, 0)
			if err != nil {
				t.Fatal(err)
			}
			ast.Inspect(file, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.ImportSpec, *ast.Field:
					return false // import paths, struct tags
				case *ast.BasicLit:
					if n.Kind != token.STRING {
						return true
					}
					s, err := strconv.Unquote(n.Value)
					if err != nil || !prose(s) {
						return true
					}
					seen++
					if _, ok := notOnScreen[s]; ok || covered(s) {
						return true
					}
					missing++
					t.Errorf("%s: %q has no Chinese", fset.Position(n.Pos()), s)
				}
				return true
			})
		}
	}
	if seen < 300 {
		t.Fatalf("only %d sentences found in the libraries; the scan is broken", seen)
	}
	if missing > 0 {
		t.Logf("%d of %d sentences have no Chinese", missing, seen)
	}
}

// A sentence and its Chinese take the same arguments, and a sentence two
// libraries share is translated the same way by both.
func TestChineseSentencesTakeTheirArguments(t *testing.T) {
	seen := map[string]string{}
	for _, m := range []map[string]string{zhCN, zhGateway, zhDoctor, zhKeys} {
		for en, zh := range m {
			if a, b := len(verb.FindAllString(en, -1)), len(verb.FindAllString(zh, -1)); a != b {
				t.Errorf("%q takes %d arguments, its Chinese %q %d", en, a, zh, b)
			}
			if prev, ok := seen[en]; ok && prev != zh {
				t.Errorf("%q is translated twice: %q and %q", en, prev, zh)
			}
			seen[en] = zh
		}
	}
}

// prose says whether a literal reads as words for a person: three or more
// words of letters, not SQL, not a URL, not a regular expression, not a
// PEM type in capitals.
func prose(s string) bool {
	if strings.HasPrefix(s, "http") || strings.HasPrefix(s, "(?") || strings.Contains(s, "\n\t") || sqlish(s) || strings.ToUpper(s) == s {
		return false
	}
	words := 0
	for w := range strings.FieldsSeq(s) {
		letters := 0
		for _, r := range w {
			if r < unicode.MaxASCII && unicode.IsLetter(r) {
				letters++
			}
		}
		if letters >= 2 {
			words++
		}
	}
	return words >= 3
}

func sqlish(s string) bool {
	for _, kw := range []string{"SELECT ", " FROM ", " JOIN ", "ORDER BY", " WHERE "} {
		if strings.Contains(s, kw) {
			return true
		}
	}
	l := strings.ToLower(strings.TrimSpace(s))
	for _, kw := range []string{"select ", "insert ", "update ", "delete from", "create ", "drop ", "pragma ", "with ", "alter ", "begin", "commit", "where ", "order by", "limit ", "from ", "and ", "or ", "on conflict"} {
		if strings.HasPrefix(l, kw) {
			return true
		}
	}
	return false
}

// englishProse is the first run of four or more English words left in a
// text meant to be Chinese, or "" when there is none. Codes, parameter
// names and what the gateway sent are single tokens, and pass.
func englishProse(s string) string {
	run := []string{}
	for w := range strings.FieldsSeq(s) {
		word := strings.Trim(w, ",.;:()\"'")
		english := word != ""
		for _, r := range word {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '\'' || r == '-') {
				english = false
				break
			}
		}
		if !english {
			run = run[:0]
			continue
		}
		if run = append(run, word); len(run) >= 4 {
			return strings.Join(run, " ")
		}
	}
	return ""
}

// speakChinese makes the console speak Chinese for the rest of a test.
func speakChinese(t *testing.T) {
	t.Helper()
	setLanguage("zh-CN")
	t.Cleanup(func() { setLanguage("") })
}
