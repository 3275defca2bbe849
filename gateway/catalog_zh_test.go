package gateway

import "testing"

// Every explanation has its Chinese beside it, and the Chinese lookup
// finds what the English one finds.
func TestChineseCatalogCoversTheEnglish(t *testing.T) {
	for _, table := range []map[string]Explanation{subCodes, appAuthSubCodes} {
		for code, en := range table {
			zh, ok := subCodesZH[code]
			if !ok {
				t.Errorf("%s has no Chinese explanation", code)
				continue
			}
			if (en.Hint == "") != (zh.Hint == "") || zh.Meaning == "" {
				t.Errorf("%s: the Chinese entry lacks what the English has", code)
			}
		}
	}
	for code := range codes {
		if _, ok := codesZH[code]; !ok {
			t.Errorf("code %s has no Chinese explanation", code)
		}
	}
	for _, c := range [][2]string{{"40002", "isv.code-invalid"}, {"invalid-signature", ""}, {"40006", ""}, {"invalid-auth-token", ""}} {
		_, enOK := Explain(c[0], c[1])
		zh, zhOK := ExplainZH(c[0], c[1])
		if enOK != zhOK || zhOK && zh.Meaning == "" {
			t.Errorf("%v: English found %v, Chinese %v", c, enOK, zhOK)
		}
	}
}
