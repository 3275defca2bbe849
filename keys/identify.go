package keys

import (
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"
)

// Identity is everything known about a piece of key material: what Inspect
// says it is, how it is written, and what is wrong with it. It is what a
// diagnosis of a whole setup reads, slot by slot; like Info it never holds
// private key material.
type Identity struct {
	Info
	// Structure is the DER structure of the first block: "PKCS#8", "PKCS#1",
	// "PKIX", "PKCS#1 public", "X.509 certificate", "PKCS#10 certificate
	// request", "AES-128", ...; "" when nothing could be read.
	Structure string `json:"structure,omitempty"`
	// Wrap is how it was written: "PEM", "base64" or "DER".
	Wrap string `json:"wrap,omitempty"`
	// Label is the PEM type of the first block ("PRIVATE KEY"), "" when the
	// material is not PEM.
	Label string `json:"label,omitempty"`
	// LabelMismatch is set when the PEM type names another structure than
	// the block holds (a PKCS#1 key between "BEGIN PRIVATE KEY" lines): aliauth
	// reads it, other tools refuse it.
	LabelMismatch string `json:"label_mismatch,omitempty"`
	// Problem says why the material cannot be used at all: it is damaged,
	// cut short, encrypted, a container, an AES key. Nil when it reads.
	Problem error `json:"-"`
	// Tolerated lists damage aliauth read past but other tools may not.
	Tolerated []string `json:"tolerated,omitempty"`
}

// Identify says what data is and what is wrong with it. Unlike Inspect it
// never fails: material that cannot be read is described by Problem.
func Identify(data []byte) Identity {
	id := Identity{Info: Info{Kind: KindUnknown}, Tolerated: tolerated(data)}
	items, err := parseItems(data)
	if err != nil {
		id.Problem = err
		return id
	}
	head := items[0]
	id.Structure, id.Wrap, id.Label, id.LabelMismatch = head.structure, head.wrap, head.label, head.labelMismatch
	info, err := Inspect(data)
	id.Info = info
	switch {
	case err != nil:
		id.Problem = err
	case head.problem != nil && head.kind != KindCertificate:
		id.Problem = head.problem
	case head.kind == KindCertificate && head.cert == nil:
		id.Problem = certProblem(head, items)
	}
	return id
}

// unicodeSpaceNames name the spaces beyond ASCII that pasted key text
// carries.
var unicodeSpaceNames = map[rune]string{
	'\u00a0': "no-break space",
	'\u3000': "full-width space",
	'\u200b': "zero-width space",
	'\ufeff': "zero-width no-break space",
	'\u202f': "narrow no-break space",
}

// tolerated describes the damage in data that reading skips over.
func tolerated(data []byte) []string {
	data = dropBOM(data)
	counts := map[rune]int{}
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r >= utf8.RuneSelf && isUnicodeSpace(r) {
			counts[r]++
		}
		i += size
	}
	var out []string
	for r, n := range counts {
		name, ok := unicodeSpaceNames[r]
		if !ok {
			name = "Unicode space"
		}
		if n > 1 {
			name += "s"
		}
		out = append(out, fmt.Sprintf("it holds %d %s (U+%04X), which copying from a web page, a chat or a document adds; aliauth skips them, other tools may not: remove them",
			n, name, r))
	}
	sort.Strings(out)
	return out
}

// Describe names the material in a few words: "a private key (PKCS#8
// base64)", "an AES key (AES-128 base64)", "damaged key material".
func (id Identity) Describe() string {
	switch {
	case id.Kind == KindUnknown && id.Problem != nil:
		return "unreadable key material"
	case id.Kind == KindCertificateBundle:
		return fmt.Sprintf("a certificate bundle (%d certificates, %s)", len(id.Certificates)+len(id.Skipped), id.Format)
	}
	alg := ""
	if id.Algorithm != "" && id.Algorithm != "RSA" && id.Kind != KindAESKey {
		alg = id.Algorithm + " "
	}
	bits := ""
	if id.Bits > 0 && id.Kind != KindAESKey {
		bits = fmt.Sprintf(", %d bits", id.Bits)
	}
	phrase := alg + string(id.Kind)
	return article(phrase) + " " + phrase + " (" + strings.TrimSpace(string(id.Format)) + bits + ")"
}
