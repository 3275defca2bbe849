package cli

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// parseDir parses a package's non-test files.
func parseDir(t *testing.T, dir string) []*ast.File {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var files []*ast.File
	fset := token.NewFileSet()
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".go") || strings.HasSuffix(e.Name(), "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, filepath.Join(dir, e.Name()), nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	return files
}

// Dependencies point one way: the command line and configuration wire the
// libraries; no library imports them, and the console never imports the
// configuration or the emulator.
func TestDependenciesPointOneWay(t *testing.T) {
	forbidden := map[string][]string{
		"keys":             {"aliauth/"},
		"gateway":          {"aliauth/cli", "aliauth/config", "aliauth/history", "aliauth/ui", "aliauth/gateway/emulator"},
		"gateway/emulator": {"aliauth/cli", "aliauth/config", "aliauth/history", "aliauth/ui"},
		"history":          {"aliauth/cli", "aliauth/config", "aliauth/ui", "aliauth/gateway/emulator"},
		"doctor":           {"aliauth/cli", "aliauth/config", "aliauth/ui", "aliauth/history", "aliauth/gateway/emulator"},
		"ui":               {"aliauth/cli", "aliauth/config", "aliauth/gateway/emulator"},
		"config":           {"aliauth/cli", "aliauth/ui"},
	}
	for dir, bad := range forbidden {
		for _, f := range parseDir(t, filepath.Join("..", dir)) {
			for _, imp := range f.Imports {
				path, _ := strconv.Unquote(imp.Path.Value)
				for _, b := range bad {
					if strings.HasPrefix(path, b) && !(b == "aliauth/" && path == "aliauth/internal/atomicfile") {
						t.Errorf("%s imports %s", dir, path)
					}
				}
			}
		}
	}
}

// Only the command line and the configuration know flag and variable
// names: the libraries' errors say what is wrong, and cli/config say which
// flag, variable or setting fixes it.
func TestLibrariesNameNoFlagInAnError(t *testing.T) {
	flagName := regexp.MustCompile(`(^|[\s(])--[a-z]|ALIAUTH_[A-Z]`)
	for _, dir := range []string{"keys", "gateway", "gateway/emulator", "history", "doctor", "ui"} {
		for _, f := range parseDir(t, filepath.Join("..", dir)) {
			ast.Inspect(f, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok {
					return true
				}
				sel, ok := call.Fun.(*ast.SelectorExpr)
				if !ok {
					return true
				}
				pkg, _ := sel.X.(*ast.Ident)
				if pkg == nil || !(pkg.Name == "errors" && sel.Sel.Name == "New" || pkg.Name == "fmt" && sel.Sel.Name == "Errorf") {
					return true
				}
				for _, arg := range call.Args {
					if lit, ok := arg.(*ast.BasicLit); ok && lit.Kind == token.STRING && flagName.MatchString(lit.Value) {
						t.Errorf("%s: error names a flag or variable: %s", dir, lit.Value)
					}
				}
				return true
			})
		}
	}
}
