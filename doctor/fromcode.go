package doctor

import (
	"path"
	"strings"
)

// dirMarker stands for the code's own directory (Node's __dirname) at the
// start of a path.
const dirMarker = "\x00dir/"

// code reads settings out of Java or JavaScript tokens.
type code struct {
	toks []token
	// consts map a name to where the expression assigned to it starts;
	// values keeps each one's value once evaluated, and evaluating marks the
	// ones under way, so that constants defined by each other end.
	consts     map[string]int
	values     map[string]value
	evaluating map[string]bool
}

func newCode(src string) *code {
	c := &code{toks: lex(src), consts: map[string]int{}, values: map[string]value{}, evaluating: map[string]bool{}}
	for i := 0; i+2 < len(c.toks); i++ {
		t := c.toks[i]
		if t.kind == tokIdent && c.is(i+1, "=") && !c.is(i+2, "=") && !c.is(i-1, ".") {
			if _, ok := c.consts[t.text]; !ok {
				c.consts[t.text] = i + 2
			}
		}
	}
	return c
}

func (c *code) is(i int, punct string) bool {
	return i >= 0 && i < len(c.toks) && c.toks[i].kind == tokPunct && c.toks[i].text == punct
}

func (c *code) ident(i int) string {
	if i >= 0 && i < len(c.toks) && c.toks[i].kind == tokIdent {
		return c.toks[i].text
	}
	return ""
}

// javaSettings finds AlipayConfig-style setter calls (x.setPrivateKey(...))
// and DefaultAlipayClient's positional arguments.
func (c *code) javaSettings() []setting {
	var out []setting
	for i := 0; i < len(c.toks); i++ {
		name := c.ident(i)
		switch {
		case len(name) > 3 && strings.HasPrefix(name, "set") && c.is(i-1, ".") && c.is(i+1, "("):
			v, _ := c.expr(i + 2)
			out = append(out, setting{name: name[3:], value: v, line: c.toks[i].line, how: name + "(…)"})
		case name == "DefaultAlipayClient" && c.ident(i-1) == "new" && c.is(i+1, "("):
			out = append(out, c.constructorArgs(i+2)...)
		}
	}
	return out
}

// defaultClientArgs name DefaultAlipayClient's positional arguments (the
// Java SDK's constructors take them in this order).
var defaultClientArgs = []string{"serverUrl", "appId", "privateKey", "format", "charset", "alipayPublicKey", "signType"}

func (c *code) constructorArgs(i int) []setting {
	var out []setting
	for n := 0; i < len(c.toks) && !c.is(i, ")"); n++ {
		line := c.toks[i].line
		v, next := c.expr(i)
		if n < len(defaultClientArgs) {
			out = append(out, setting{name: defaultClientArgs[n], value: v, line: line, how: "DefaultAlipayClient's " + defaultClientArgs[n]})
		}
		i = c.skipTo(next, ",", ")")
		if c.is(i, ",") {
			i++
		}
	}
	if len(out) < 3 {
		return nil // DefaultAlipayClient(config): the setters say it all
	}
	return out
}

// skipTo moves past an unparsed rest of an argument to the next of the
// given punctuation at the same depth.
func (c *code) skipTo(i int, stops ...string) int {
	depth := 0
	for ; i < len(c.toks); i++ {
		t := c.toks[i]
		if t.kind != tokPunct {
			continue
		}
		switch t.text {
		case "(", "[", "{":
			depth++
			continue
		case ")", "]", "}":
			if depth > 0 {
				depth--
				continue
			}
		}
		if depth == 0 {
			for _, s := range stops {
				if t.text == s {
					return i
				}
			}
		}
	}
	return i
}

// objectSettings finds object literals that configure an SDK (new
// AlipaySdk({...}), an options object assigned to a name): those holding an
// appId or privateKey property.
func (c *code) objectSettings() []setting {
	var out []setting
	for i := 0; i < len(c.toks); i++ {
		if !c.is(i, "{") {
			continue
		}
		props, end := c.object(i)
		configures := false
		for _, p := range props {
			if t, ok := targetOf(p.name); ok && (t.field == fieldAppID || t.slot == SlotPrivateKey) {
				configures = true
			}
		}
		if configures {
			out = append(out, props...)
			i = end
		}
	}
	return out
}

// object reads the properties of the object literal opening at i: key:
// value pairs and shorthand names. Nested objects are skipped.
func (c *code) object(i int) ([]setting, int) {
	var out []setting
	i++
	for i < len(c.toks) && !c.is(i, "}") {
		t := c.toks[i]
		key := ""
		if t.kind == tokIdent || t.kind == tokString {
			key = t.text
		}
		switch {
		case key != "" && c.is(i+1, ":"):
			v, next := c.expr(i + 2)
			out = append(out, setting{name: key, value: v, line: t.line})
			i = next
		case t.kind == tokIdent && (c.is(i+1, ",") || c.is(i+1, "}")):
			v, _ := c.term(i)
			out = append(out, setting{name: key, value: v, line: t.line})
			i++
		}
		i = c.skipTo(i, ",", "}")
		if c.is(i, ",") {
			i++
		}
	}
	return out, i
}

// expr evaluates an expression: terms joined by +; a || or ?? default
// keeps its first term.
func (c *code) expr(i int) (value, int) {
	v, i := c.term(i)
	for c.is(i, "+") {
		next, j := c.term(i + 1)
		switch {
		case v.kind == valueText && next.kind == valueText:
			v.text += next.text
		case v.kind == valueFile && next.kind == valueText:
			v.text += next.text // a path built by concatenation
		default:
			v = value{kind: valueUnknown, text: v.text + " + " + next.text}
		}
		i = j
	}
	return v, i
}

// fileReads are the calls that read a file whose path is their first
// argument, and pathMakers the ones that build a path from theirs.
var (
	fileReads   = map[string]bool{"readFileSync": true, "readFile": true, "readAllBytes": true, "readString": true, "readFileToString": true, "readAllLines": true}
	pathMakers  = map[string]bool{"get": true, "of": true, "join": true, "resolve": true, "File": true, "getPath": true}
	passThrough = map[string]bool{"trim": true, "toString": true, "String": true, "valueOf": true, "strip": true}
)

// term evaluates one operand: a literal, a constant, a call that reads a
// file or the environment, or something unknown.
func (c *code) term(i int) (value, int) {
	if i >= len(c.toks) {
		return value{kind: valueUnknown, text: "(nothing)"}, i
	}
	t := c.toks[i]
	switch {
	case t.kind == tokString:
		return c.suffix(value{kind: valueText, text: t.text, line: t.line}, i+1)
	case t.kind == tokTemplate:
		return value{kind: valueUnknown, text: "`" + t.text + "`"}, i + 1
	case c.is(i, "("):
		v, j := c.expr(i + 1)
		j = c.skipTo(j, ")")
		return c.suffix(v, j+1)
	case t.kind != tokIdent:
		return value{kind: valueUnknown, text: t.text}, i + 1
	}
	if t.text == "new" {
		return c.term(i + 1)
	}
	// A dotted name: process.env.X, Config.APP_ID, Paths.get.
	parts := []string{t.text}
	j := i + 1
	for c.is(j, ".") && c.ident(j+1) != "" {
		parts = append(parts, c.ident(j+1))
		j += 2
	}
	if len(parts) >= 2 && parts[0] == "process" && parts[1] == "env" {
		switch {
		case len(parts) == 3:
			return value{kind: valueEnv, text: parts[2]}, j
		case c.is(j, "[") && j+1 < len(c.toks) && c.toks[j+1].kind == tokString:
			return value{kind: valueEnv, text: c.toks[j+1].text}, c.skipTo(j+1, "]") + 1
		}
	}
	last := parts[len(parts)-1]
	if c.is(j, "(") {
		args, end := c.args(j + 1)
		return c.suffix(c.call(strings.Join(parts, "."), last, args), end)
	}
	if t.text == "__dirname" && len(parts) == 1 {
		return value{kind: valueText, text: dirMarker}, j
	}
	if v, ok := c.constant(last); ok {
		return c.suffix(v, j)
	}
	if v, ok := sdkConstants[last]; ok {
		return value{kind: valueText, text: v}, j
	}
	return value{kind: valueUnknown, text: strings.Join(parts, ".")}, j
}

// constant evaluates the constant name, once.
func (c *code) constant(name string) (value, bool) {
	at, ok := c.consts[name]
	if !ok {
		return value{}, false
	}
	if v, done := c.values[name]; done {
		return v, true
	}
	if c.evaluating[name] {
		return value{kind: valueUnknown, text: name}, true
	}
	c.evaluating[name] = true
	v, _ := c.expr(at)
	delete(c.evaluating, name)
	v.line = c.toks[at-2].line
	c.values[name] = v
	return v, true
}

// sdkConstants are the Java SDK's AlipayConstants that demos pass.
var sdkConstants = map[string]string{
	"CHARSET_UTF8": "utf-8", "CHARSET_GBK": "GBK", "SIGN_TYPE_RSA2": "RSA2", "SIGN_TYPE_RSA": "RSA", "FORMAT_JSON": "json",
}

// suffix applies the method calls that follow a value: .trim() keeps it,
// anything else makes it unknown.
func (c *code) suffix(v value, i int) (value, int) {
	for c.is(i, ".") && c.ident(i+1) != "" && c.is(i+2, "(") {
		name := c.ident(i + 1)
		_, end := c.args(i + 3)
		if !passThrough[name] {
			v = value{kind: valueUnknown, text: v.text + "." + name + "(…)"}
		}
		i = end
	}
	return v, i
}

// args evaluates the arguments of a call opening before i, and returns
// where the call ends.
func (c *code) args(i int) ([]value, int) {
	var out []value
	for i < len(c.toks) && !c.is(i, ")") {
		v, next := c.expr(i)
		out = append(out, v)
		i = c.skipTo(next, ",", ")")
		if c.is(i, ",") {
			i++
		}
	}
	return out, i + 1
}

// call evaluates the calls that configurations use to read keys: file
// reads, path building, environment lookups, conversions to string.
func (c *code) call(full, name string, args []value) value {
	first := value{kind: valueUnknown, text: full + "(…)"}
	if len(args) > 0 {
		first = args[0]
	}
	switch {
	case full == "System.getenv" && len(args) == 1 && first.kind == valueText:
		return value{kind: valueEnv, text: first.text}
	case fileReads[name] && (first.kind == valueText || first.kind == valueFile):
		return value{kind: valueFile, text: first.text}
	case pathMakers[name] && len(args) > 0:
		parts := make([]string, 0, len(args))
		for _, a := range args {
			if a.kind != valueText && a.kind != valueFile {
				return value{kind: valueUnknown, text: full + "(…)"}
			}
			parts = append(parts, a.text)
		}
		joined := path.Join(parts...)
		if strings.HasPrefix(parts[0], dirMarker) {
			joined = dirMarker + path.Join(parts[1:]...)
		}
		return value{kind: valueFile, text: joined}
	case passThrough[name] && len(args) == 1:
		return first
	case name == "String" && len(args) >= 1 && first.kind == valueFile:
		return first // new String(Files.readAllBytes(...))
	}
	return value{kind: valueUnknown, text: full + "(…)"}
}
