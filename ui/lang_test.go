package ui

import (
	"context"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/language"

	"aliauth/gateway"
	"aliauth/gateway/emulator"
)

// Every message the console writes in code has its Chinese in the
// catalog, with the same verbs in the same order.
func TestChineseCatalogIsComplete(t *testing.T) {
	files, _ := filepath.Glob("*.go")
	fset := token.NewFileSet()
	seen := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") || f == "lang_zh.go" || f == "sdkcode.go" {
			continue
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
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) == 0 {
				return true
			}
			name := ""
			switch fn := call.Fun.(type) {
			case *ast.Ident:
				name = fn.Name
			}
			arg := 0
			switch name {
			case "tr", "word":
			case "b":
				arg = 2 // b(keys, help, desc)
			case "withDesc":
				arg = 1
			default:
				return true
			}
			if len(call.Args) <= arg {
				return true
			}
			lit, ok := call.Args[arg].(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			key, _ := strconv.Unquote(lit.Value)
			seen++
			zh, ok := zhCN[key]
			if !ok {
				t.Errorf("%s: %q has no Chinese", fset.Position(lit.Pos()), key)
				return true
			}
			if strings.Count(key, "%s") != strings.Count(zh, "%s") || strings.Count(zh, "%") != strings.Count(key, "%") {
				t.Errorf("%q and its Chinese %q have different verbs", key, zh)
			}
			return true
		})
	}
	if seen < 200 {
		t.Fatalf("only %d messages found in the code; the scan is broken", seen)
	}
	for en, zh := range zhCN {
		if strings.Count(en, "%s") != strings.Count(zh, "%s") {
			t.Errorf("%q and its Chinese %q have different verbs", en, zh)
		}
	}
}

// The language comes from ALIAUTH_LANG or the locale: any Chinese locale
// written in simplified characters is Chinese, everything else English.
func TestChooseLanguage(t *testing.T) {
	for name, want := range map[string]language.Tag{
		"zh-CN": language.SimplifiedChinese, "zh_CN.UTF-8": language.SimplifiedChinese, "zh": language.SimplifiedChinese,
		"zh_SG.UTF-8": language.SimplifiedChinese, "zh-Hans": language.SimplifiedChinese,
		"zh_TW.UTF-8": language.English, "zh-Hant": language.English, "en_US.UTF-8": language.English,
		"C": language.English, "POSIX": language.English, "": language.English, "fr_FR": language.English, "zh_CN.GB18030@latn": language.SimplifiedChinese,
	} {
		if got := chooseLanguage(name); got != want {
			t.Errorf("%q speaks %v, want %v", name, got, want)
		}
	}
}

// In Chinese every label, hint and explanation on the exchange screen is
// Chinese, Alipay's own Chinese message is shown as it is, and English
// stays the default.
func TestConsoleInChinese(t *testing.T) {
	p := newPeer(t)
	h := newHarness(t, Options{Session: p.session(t, "default"), Lang: "zh_CN.UTF-8"}, 100, 40)
	defer setLanguage("")
	h.mustSee("模拟器 — 不是支付宝", "尚未换取任何令牌", "m 生成授权码")
	h.exchange()
	h.mustSee("请求", "响应 · 成功", "签名已验证", "令牌", "过期", "还剩")
	code, err := p.emu.MintCode("2021000000000001", "auth_user", "")
	if err != nil {
		t.Fatal(err)
	}
	h.send(pasteMsg(code))
	h.key("enter")
	h.send(pasteMsg(code))
	h.key("enter")
	tr := h.m.current.trace
	if tr.Error == nil || tr.Error.SubCode != "isv.code-invalid" {
		t.Fatalf("second use of a code: %+v", tr.Error)
	}
	zh, _ := gateway.ExplainZH(tr.Error.Code, tr.Error.SubCode)
	h.mustSee("错误", "怎么办", zh.Meaning[:12], tr.Error.SubMsg)
	h.mustNotSee("What to do", "what to do", "the auth code is not valid")
	if !strings.Contains(h.status(), "网关返回 isv.code-invalid") {
		t.Errorf("status %q", h.status())
	}
	h.key("?")
	h.mustSee("aliauth 按键", "输入授权码时", "退出")
	// The panels the console opens speak Chinese too.
	h.key("esc", "P")
	h.mustSee("小程序加密数据", "在此粘贴 res.response")
	h.key("esc", "T")
	h.mustSee("应用授权 · 第三方应用")
	h.key("esc", "@")
	h.mustSee("消息", "最新的在最后")

	en := newHarness(t, Options{Session: p.session(t, "default")}, 100, 40)
	en.mustSee("EMULATOR — not Alipay", "Nothing exchanged yet")
}

// In Chinese, what the console says of an answer — the verdict's reason,
// the warnings, the verification's detail, the transport's hint and
// details — is Chinese whatever went wrong, down to the raw body, which is
// the gateway's and shown as it is.
func TestConsoleExplainsEveryFaultInChinese(t *testing.T) {
	p := newPeer(t)
	h := newHarness(t, Options{Session: p.session(t, "default"), Lang: "zh-CN"}, 100, 40)
	defer setLanguage("")
	for _, kind := range []emulator.FaultKind{"", emulator.FaultBadSign, emulator.FaultNoSign, emulator.FaultEscapedSlash,
		emulator.FaultHTML, emulator.FaultTruncate, emulator.FaultStatus, emulator.FaultReset} {
		t.Run(string(kind), func(t *testing.T) {
			if kind != "" {
				p.emu.Arm(emulator.Fault{Kind: kind})
			}
			h.exchange()
			c := &drawContext{now: time.Now(), styles: &h.m.styles, width: 100}
			req := requestDoc(h.m.current.shown, &h.m.styles, 100)
			for i := range req.lineCount() {
				if line := req.plainLine(i, c); englishProse(line) != "" {
					t.Errorf("English %q left in the request pane's %q", englishProse(line), line)
				}
			}
			d := responseDoc(h.m.current, &h.m.styles, 100)
			// A broken connection's details are Go's own words, like the
			// gateway's, once aliauth has said what happened.
			goWords := h.m.current.trace.TransportError
			if word(goWords) != goWords {
				goWords = ""
			}
			for i := range d.lineCount() {
				line := d.plainLine(i, c)
				if strings.Contains(line, "原始报文") || strings.Contains(line, "请求头") {
					break // the gateway's own bytes follow
				}
				if v := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(line), tr("details"))); goWords != "" && strings.Contains(goWords, v) {
					continue
				}
				if e := englishProse(line); e != "" {
					t.Errorf("English %q left in %q", e, line)
				}
			}
		})
	}
}

// Where the trace explains an error more closely than the catalog — the
// profile asked for with an auth_base token — a Chinese console says so
// too, rather than the catalog's general words for the code.
func TestChineseKeepsTheTracesCloserExplanation(t *testing.T) {
	p := newPeer(t)
	client := p.session(t, "default").Client
	ctx := context.Background()
	code, err := p.emu.MintCode(emulator.DemoAppID, emulator.ScopeAuthBase, "")
	if err != nil {
		t.Fatal(err)
	}
	ex, err := client.Exchange(ctx, code)
	if err != nil || ex.Tokens == nil {
		t.Fatalf("exchange: %v", err)
	}
	info, _ := client.UserInfo(ctx, ex.Tokens.AccessToken)
	if info == nil || info.Error == nil {
		t.Fatal("an auth_base token read the profile")
	}
	speakChinese(t)
	meaning, hint := explanation(info.Error)
	general, _ := gateway.ExplainZH(info.Error.Code, info.Error.SubCode)
	if meaning == general.Meaning || !strings.Contains(meaning, "auth_base") || !strings.Contains(hint, "auth_user") {
		t.Errorf("meaning %q, hint %q: the trace's explanation of the auth_base token was lost", meaning, hint)
	}
	for _, s := range []string{meaning, hint} {
		if e := englishProse(s); e != "" {
			t.Errorf("English %q left in %q", e, s)
		}
	}
	// Where the trace has nothing closer, the catalog's Chinese stands.
	code, _ = p.emu.MintCode(emulator.DemoAppID, emulator.ScopeAuthUser, "")
	client.Exchange(ctx, code)
	again, _ := client.Exchange(ctx, code)
	if m, _ := explanation(again.Error); m != mustExplainZH(t, again.Error).Meaning {
		t.Errorf("isv.code-invalid: %q", m)
	}
}

func mustExplainZH(t *testing.T, e *gateway.APIError) gateway.Explanation {
	t.Helper()
	x, ok := gateway.ExplainZH(e.Code, e.SubCode)
	if !ok {
		t.Fatalf("no Chinese for %s %s", e.Code, e.SubCode)
	}
	return x
}
