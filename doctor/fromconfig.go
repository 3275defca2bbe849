package doctor

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"
)

// FromCode reads the Alipay configuration of the user's own code or
// configuration file into a Setup: a new AlipaySdk({...}) object (Node),
// AlipayConfig or CertAlipayRequest setters and DefaultAlipayClient(...)
// arguments (Java), a .env or .properties file, YAML or JSON. Keys written
// in the code are checked as written; files it names are read (relative
// paths from the code's directory); environment variables it reads are
// looked up with getenv (nil: none are). name is how the report calls the
// file.
func FromCode(name string, data []byte, getenv func(string) (string, bool)) (Setup, error) {
	dir := filepath.Dir(name)
	kind := sniff(name, data)
	switch kind {
	case kindJava:
		a := newAssembler(name, dir, ReaderJava, getenv)
		c := newCode(string(data))
		for _, s := range c.javaSettings() {
			a.add(s)
		}
		if strings.Contains(string(data), "com.alipay.v3") || strings.Contains(string(data), "setBasePath") {
			a.url.endpoint, a.url.gateway = firstNonEmpty(a.url.endpoint, a.url.gateway), ""
		}
		return a.done("Java code for " + string(ReaderJava))
	case kindJS:
		a := newAssembler(name, dir, ReaderNode, getenv)
		for _, s := range newCode(string(data)).objectSettings() {
			a.add(s)
		}
		return a.done("JavaScript code for " + string(ReaderNode))
	case kindYAML:
		settings, err := yamlSettings(data)
		if err != nil {
			return Setup{Name: name}, fmt.Errorf("%s is not YAML aliauth can read: %w", name, err)
		}
		return fromSettings(name, dir, "YAML", settings, getenv)
	case kindJSON:
		settings, err := jsonSettings(data)
		if err != nil {
			return Setup{Name: name}, fmt.Errorf("%s is not JSON aliauth can read: %w", name, err)
		}
		return fromSettings(name, dir, "JSON", settings, getenv)
	}
	return fromSettings(name, dir, "a .env or .properties file", envSettings(data), getenv)
}

func fromSettings(name, dir, kind string, settings []setting, getenv func(string) (string, bool)) (Setup, error) {
	a := newAssembler(name, dir, ReaderUnknown, getenv)
	for _, s := range settings {
		a.add(s)
	}
	return a.done(kind)
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

const (
	kindJava = "java"
	kindJS   = "js"
	kindYAML = "yaml"
	kindJSON = "json"
	kindEnv  = "env"
)

// sniff tells what a file is by its name, else by its content.
func sniff(name string, data []byte) string {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".java", ".kt", ".groovy", ".scala":
		return kindJava
	case ".js", ".mjs", ".cjs", ".ts", ".mts", ".cts", ".jsx", ".tsx":
		return kindJS
	case ".yml", ".yaml":
		return kindYAML
	case ".json":
		return kindJSON
	case ".env", ".properties", ".ini", ".conf":
		return kindEnv
	}
	s := string(data)
	switch {
	case strings.Contains(s, "AlipaySdk") || strings.Contains(s, "require(") || strings.Contains(s, "import {"):
		return kindJS
	case strings.Contains(s, "AlipayConfig") || strings.Contains(s, "DefaultAlipayClient") || strings.Contains(s, "CertAlipayRequest"):
		return kindJava
	case strings.HasPrefix(strings.TrimSpace(s), "{"):
		return kindJSON
	}
	return kindEnv
}

// envLine is one assignment of a .env or .properties file.
var envLine = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.\-]*)\s*[=:]\s*(.*)$`)
})

// envSettings reads KEY=value lines: quotes removed, a double-quoted
// value's \n read as a line break, ${VAR} as the variable.
func envSettings(data []byte) []setting {
	var out []setting
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	line := 0
	for sc.Scan() {
		line++
		text := sc.Text()
		if t := strings.TrimSpace(text); t == "" || strings.HasPrefix(t, "#") || strings.HasPrefix(t, "!") {
			continue
		}
		m := envLine().FindStringSubmatch(text)
		if m == nil {
			continue
		}
		out = append(out, setting{name: m[1], value: envValue(m[2]), line: line})
	}
	return out
}

// placeholder is a variable reference: ${VAR} or ${VAR:default}.
var placeholder = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^\$\{([A-Za-z_][A-Za-z0-9_.]*)(?::[^}]*)?\}$`)
})

func envValue(raw string) value {
	v := strings.TrimSpace(raw)
	switch {
	case len(v) >= 2 && v[0] == '"' && v[len(v)-1] == '"':
		v = strings.ReplaceAll(v[1:len(v)-1], `\n`, "\n")
	case len(v) >= 2 && v[0] == '\'' && v[len(v)-1] == '\'':
		v = v[1 : len(v)-1]
	default:
		if i := strings.Index(v, " #"); i >= 0 {
			v = strings.TrimSpace(v[:i])
		}
	}
	if m := placeholder().FindStringSubmatch(v); m != nil {
		return value{kind: valueEnv, text: strings.ReplaceAll(strings.ToUpper(m[1]), ".", "_")}
	}
	return value{kind: valueText, text: v}
}

// yamlSettings flattens a YAML document into dotted names with the line of
// each scalar.
func yamlSettings(data []byte) ([]setting, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	var out []setting
	var walk func(n *yaml.Node, prefix string)
	walk = func(n *yaml.Node, prefix string) {
		switch n.Kind {
		case yaml.DocumentNode:
			for _, c := range n.Content {
				walk(c, prefix)
			}
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				walk(n.Content[i+1], joinName(prefix, n.Content[i].Value))
			}
		case yaml.ScalarNode:
			v := value{kind: valueText, text: n.Value}
			if m := placeholder().FindStringSubmatch(strings.TrimSpace(n.Value)); m != nil {
				v = value{kind: valueEnv, text: strings.ReplaceAll(strings.ToUpper(m[1]), ".", "_")}
			}
			out = append(out, setting{name: prefix, value: v, line: n.Line})
		}
	}
	walk(&doc, "")
	return out, nil
}

// jsonSettings flattens a JSON object into dotted names, in name order.
func jsonSettings(data []byte) ([]setting, error) {
	var doc any
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	var out []setting
	var walk func(v any, prefix string)
	walk = func(v any, prefix string) {
		switch x := v.(type) {
		case map[string]any:
			names := make([]string, 0, len(x))
			for k := range x {
				names = append(names, k)
			}
			sort.Strings(names)
			for _, k := range names {
				walk(x[k], joinName(prefix, k))
			}
		case string:
			out = append(out, setting{name: prefix, value: envValue(`"` + x + `"`), line: lineOf(data, x)})
		}
	}
	walk(doc, "")
	return out, nil
}

// lineOf finds the line a JSON string value sits on, for the report.
func lineOf(data []byte, s string) int {
	quoted, _ := json.Marshal(s)
	i := bytes.Index(data, quoted)
	if i < 0 {
		return 0
	}
	return bytes.Count(data[:i], []byte("\n")) + 1
}

func joinName(prefix, name string) string {
	if prefix == "" {
		return name
	}
	return prefix + "." + name
}
