package keys

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// addSeeds adds every fixture and the real certificates to the corpus (the
// files of testdata/fuzz/ are added by the fuzzing engine itself).
func addSeeds(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*"))
	real, _ := filepath.Glob(filepath.Join(realCertDir, "*.crt"))
	for _, name := range append(files, real...) {
		if strings.HasSuffix(name, ".sh") {
			continue
		}
		if data, err := os.ReadFile(name); err == nil {
			f.Add(data)
		}
	}
	for _, s := range []string{"", "\ufeff", "-----BEGIN", "-----BEGIN X-----\n-----END X-----", "MII", "0\x82\xff\xff", "env:X", "=="} {
		f.Add([]byte(s))
	}
}

// checkError fails on an error that is not a usable sentence.
func checkError(t *testing.T, err error) {
	t.Helper()
	msg := err.Error()
	if msg == "" || !utf8.ValidString(msg) || strings.Contains(msg, "panic") {
		t.Fatalf("bad error message %q", msg)
	}
}

func FuzzParsePrivateKey(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		key, format, err := ParsePrivateKey(data)
		if err != nil {
			checkError(t, err)
			if key != nil || format != "" {
				t.Fatal("a key and an error")
			}
			return
		}
		if key == nil || format == "" || key.N.BitLen() < minUsableBits {
			t.Fatalf("key %v, format %q", key != nil, format)
		}
	})
}

func FuzzParsePublicKey(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		key, format, err := ParsePublicKey(data)
		if err != nil {
			checkError(t, err)
			return
		}
		if key == nil || format == "" || Fingerprint(key) == "" {
			t.Fatalf("key %v, format %q", key != nil, format)
		}
	})
}

func FuzzInspect(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		info, err := Inspect(data)
		if err != nil {
			checkError(t, err)
			return
		}
		if info.Kind == "" || info.Format == "" {
			t.Fatalf("Inspect gave %+v", info)
		}
		for _, s := range info.Skipped {
			if s.Index < 1 || s.Reason == "" {
				t.Fatalf("skipped %+v", s)
			}
		}
	})
}

func FuzzParseCertificates(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		certs, skipped, err := ParseCertificates(data)
		if err != nil {
			checkError(t, err)
		} else if len(certs) == 0 {
			t.Fatal("no certificates and no error")
		}
		for _, c := range certs {
			if len(CertSN(c)) != 32 {
				t.Fatalf("CertSN %q", CertSN(c))
			}
		}
		for _, s := range skipped {
			if s.Index < 1 || s.Reason == "" {
				t.Fatalf("skipped %+v", s)
			}
		}
		if sn, err := RootCertSN(data); err != nil {
			checkError(t, err)
		} else if sn == "" || len(sn)%33 != 32 {
			t.Fatalf("root SN %q", sn)
		}
	})
}
