package doctor

import (
	"os"
	"path/filepath"
	"testing"
)

// FromCode reads whatever file a user points it at: it must never panic or
// hang, whatever the bytes.
func FuzzFromCode(f *testing.F) {
	for _, name := range []string{"AlipayDemo.java", "AlipayClientConfig.java", "alipay.js", ".env", "application.yml"} {
		data, err := os.ReadFile(filepath.Join("testdata", "code", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(name, data)
	}
	f.Add("x.js", []byte("new AlipaySdk({ appId: `a${b}`, privateKey: fs.readFileSync(path.join(__dirname, "))
	f.Add("x.java", []byte(`c.setPrivateKey(A); String A = B; String B = A;`))
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		s, err := FromCode(filepath.Base(name), data, nil)
		if err == nil && s.Name == "" {
			t.Error("a setup without a name")
		}
	})
}
