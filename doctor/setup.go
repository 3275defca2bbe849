package doctor

import "aliauth/gateway"

// Slot is the place a piece of key material is configured in.
type Slot string

// The slots of a setup.
const (
	SlotPrivateKey      Slot = "app private key"
	SlotAppPublicKey    Slot = "app public key"
	SlotAlipayPublicKey Slot = "Alipay public key"
	SlotAppCert         Slot = "app certificate"
	SlotAlipayCert      Slot = "Alipay certificate"
	SlotRootCert        Slot = "Alipay root certificate"
	SlotEncryptKey      Slot = "content encryption key"
)

// slotOrder is the order a report lists the slots in.
var slotOrder = []Slot{SlotPrivateKey, SlotAppPublicKey, SlotAlipayPublicKey, SlotAppCert, SlotAlipayCert, SlotRootCert, SlotEncryptKey}

// Material is what one slot was configured with.
type Material struct {
	Slot Slot
	// Source says where it came from and how it was configured, as the
	// caller words it: `file "app.key" (private_key of profile sandbox)`.
	Source string
	// Data is what was read; Err why nothing could be.
	Data []byte
	Err  error
}

// Reader is the program that reads the material, since programs differ in
// the key formats they take.
type Reader string

// The readers a setup may be for.
const (
	ReaderAliauth Reader = "aliauth"
	ReaderJava    Reader = "the Java SDK"
	ReaderNode    Reader = "the Node SDK"
	// ReaderUnknown: a configuration file whose program is not known.
	ReaderUnknown Reader = "your program"
)

// Setup is everything configured for one app, already read: what the
// doctor audits.
type Setup struct {
	// Name says what is being checked: "profile sandbox", "App.java".
	Name string
	// Emulator marks aliauth's built-in emulator, which stands in for
	// Alipay with its own keys.
	Emulator bool
	Protocol gateway.Protocol
	// URL is the gateway (v2) or endpoint (v3) as configured; URLSource
	// says where it came from ("" for a default).
	URL, URLSource     string
	AppID, AppIDSource string
	// SignType and Charset as configured; empty means the default.
	SignType string
	Charset  string
	Material []Material
	Reader   Reader
	// NodeKeyType is the Node SDK's keyType setting ("PKCS1", "PKCS8"),
	// empty when not set.
	NodeKeyType string
	// Findings are checks made while reading the setup (from code: what was
	// found, what could not be resolved).
	Findings []Check
}

// material returns what a slot was configured with, or nil.
func (s *Setup) material(slot Slot) *Material {
	for i := range s.Material {
		if s.Material[i].Slot == slot {
			return &s.Material[i]
		}
	}
	return nil
}
