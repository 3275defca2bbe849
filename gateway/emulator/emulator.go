// Package emulator is a faithful local Alipay gateway: the built-in demo and
// the test peer. It speaks v2 (gateway.do) and v3 (REST) for
// alipay.system.oauth.token and alipay.user.info.share, checks every request
// the way the real gateway does, answers with the real codes, and signs
// every response over the exact bytes it writes. It shares its signing and
// verification code with package gateway: one implementation of the
// protocol, used from both sides.
package emulator

import (
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"

	"aliauth/gateway"
	"aliauth/internal/atomicfile"
	"aliauth/keys"
)

// DemoAppID is the app the emulator registers for itself, with a key pair it
// makes, so it can be used with no configuration at all.
const DemoAppID = "2021000000000001"

// Defaults as the real gateway behaves.
const (
	DefaultCodeTTL    = 5 * time.Minute
	DefaultAccessTTL  = 1296000 * time.Second // 15 days, the expires_in Alipay sends
	DefaultRefreshTTL = 2592000 * time.Second // 30 days, the re_expires_in Alipay sends
)

// Config sets up an emulator. Zero values take the defaults above.
type Config struct {
	// Dir keeps the emulator's keys, apps, codes and tokens so a restart
	// keeps them. Empty means nothing is kept.
	Dir string
	// Now is the emulator's clock; nil means time.Now.
	Now        func() time.Time
	CodeTTL    time.Duration
	AccessTTL  time.Duration
	RefreshTTL time.Duration
	// TimestampWindow, when positive, is the opt-in strict mode: a request
	// whose timestamp is further than this from the emulator's clock (v2 read
	// as China Standard Time), or whose v3 expired_seconds has run out, is
	// refused with isv.invalid-timestamp. Zero, the default, accepts any
	// well-formed timestamp and only notes the skew
	// (gateway.EmulatorNoteHeader): no Alipay document states a window for
	// v2 (the 15-minute rule belongs to Alibaba Cloud's POP APIs), the
	// official Node SDK sends the machine's local time (util.ts sign,
	// YYYYMMDDHHmmss()), and clients that send local times report no
	// failures.
	TimestampWindow time.Duration
	// AlipayKey and DemoAppKey, when set, are used instead of the keys in Dir
	// or fresh ones (tests share keys to avoid generating them each time).
	AlipayKey  *rsa.PrivateKey
	DemoAppKey *rsa.PrivateKey
	// CertMode makes the emulator require and send certificate SNs, with
	// certificates it issues itself (kept in Dir).
	CertMode bool
	// OpenIDOnly makes the demo app one created after the OpenID migration:
	// its tokens carry open_id and no user_id (see SetOpenIDOnly).
	OpenIDOnly bool
}

// App is an app registered with the emulator.
type App struct {
	ID        string
	PublicKey *rsa.PublicKey
	// PrivateKey is known only for the demo app, whose keys the emulator made.
	PrivateKey *rsa.PrivateKey
	SignType   gateway.SignType
	// CertSN is the SN of the app certificate, in certificate mode.
	CertSN string
	// OpenIDOnly: the app answers with open_id only (see SetOpenIDOnly).
	OpenIDOnly bool
}

// Emulator is a local Alipay gateway. It is safe for concurrent use.
type Emulator struct {
	cfg       Config
	alipayKey *rsa.PrivateKey
	certs     *certSet

	mu    sync.Mutex
	apps  map[string]*App
	state *state

	faults faultQueue
	aes    aesKeys
}

// New loads the emulator's state from cfg.Dir, creating keys on first use.
func New(cfg Config) (*Emulator, error) {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	cfg.CodeTTL = orDefault(cfg.CodeTTL, DefaultCodeTTL)
	cfg.AccessTTL = orDefault(cfg.AccessTTL, DefaultAccessTTL)
	cfg.RefreshTTL = orDefault(cfg.RefreshTTL, DefaultRefreshTTL)
	cfg.TimestampWindow = max(cfg.TimestampWindow, 0)
	e := &Emulator{cfg: cfg, apps: map[string]*App{}}
	if cfg.Dir != "" {
		if err := os.MkdirAll(cfg.Dir, 0o700); err != nil {
			return nil, fmt.Errorf("emulator directory %s: %w", cfg.Dir, err)
		}
	}
	var err error
	if e.alipayKey, err = e.privateKey(cfg.AlipayKey, "alipay_private_key.pem"); err != nil {
		return nil, err
	}
	demoKey, err := e.privateKey(cfg.DemoAppKey, "app_private_key.pem")
	if err != nil {
		return nil, err
	}
	e.apps[DemoAppID] = &App{ID: DemoAppID, PublicKey: &demoKey.PublicKey, PrivateKey: demoKey, SignType: gateway.RSA2, OpenIDOnly: cfg.OpenIDOnly}
	if err := e.loadApps(); err != nil {
		return nil, err
	}
	if cfg.CertMode {
		if err := e.issueCertificates(); err != nil {
			return nil, err
		}
	}
	if cfg.Dir == "" {
		e.state = newState()
	} else if e.state, err = loadState(cfg.Dir, cfg.Now()); err != nil {
		return nil, err
	}
	return e, nil
}

func orDefault(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

// privateKey returns the given key, or the one kept in the directory, or a
// new one (kept when there is a directory).
func (e *Emulator) privateKey(given *rsa.PrivateKey, name string) (*rsa.PrivateKey, error) {
	if given != nil {
		return given, nil
	}
	if e.cfg.Dir == "" {
		return keys.Generate()
	}
	path := filepath.Join(e.cfg.Dir, name)
	k, _, err := keys.LoadPrivateKey(path)
	if err == nil {
		return k, nil
	}
	if _, statErr := os.Stat(path); !errors.Is(statErr, fs.ErrNotExist) {
		return nil, fmt.Errorf("emulator key: %w", err)
	}
	if k, err = keys.Generate(); err != nil {
		return nil, err
	}
	if err := atomicfile.WriteFile(path, keys.EncodePrivatePKCS8PEM(k), 0o600); err != nil {
		return nil, err
	}
	return k, nil
}

// storedApp is an app as apps.json keeps it: no private key, ever.
type storedApp struct {
	ID         string `json:"app_id"`
	PublicKey  string `json:"public_key"`
	SignType   string `json:"sign_type"`
	OpenIDOnly bool   `json:"openid_only,omitempty"`
}

const appsFile = "apps.json"

func (e *Emulator) loadApps() error {
	if e.cfg.Dir == "" {
		return nil
	}
	path := filepath.Join(e.cfg.Dir, appsFile)
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read emulator apps %s: %w", path, err)
	}
	var stored []storedApp
	if err := json.Unmarshal(data, &stored); err != nil {
		return fmt.Errorf("emulator apps %s is damaged (%v); remove it to start over", path, err)
	}
	for _, a := range stored {
		pub, _, err := keys.ParsePublicKey([]byte(a.PublicKey))
		if err != nil {
			return fmt.Errorf("emulator apps %s, app %s: %w", path, a.ID, err)
		}
		e.apps[a.ID] = &App{ID: a.ID, PublicKey: pub, SignType: gateway.SignType(a.SignType), OpenIDOnly: a.OpenIDOnly}
	}
	return nil
}

func (e *Emulator) saveApps() error {
	if e.cfg.Dir == "" {
		return nil
	}
	var stored []storedApp
	for _, a := range e.apps {
		if a.ID == DemoAppID {
			continue
		}
		stored = append(stored, storedApp{ID: a.ID, PublicKey: keys.EncodePublicBase64(a.PublicKey), SignType: string(a.SignType), OpenIDOnly: a.OpenIDOnly})
	}
	data, err := json.MarshalIndent(stored, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.WriteFile(filepath.Join(e.cfg.Dir, appsFile), data, 0o600)
}

// RegisterApp registers an app by its public key, so requests signed with
// the matching private key are accepted: this is how a user tests their
// real key pair against the emulator.
func (e *Emulator) RegisterApp(appID string, pub *rsa.PublicKey, signType gateway.SignType) error {
	if appID == "" || pub == nil {
		return errors.New("register an app: the app id and its public key are required")
	}
	if signType == "" {
		signType = gateway.RSA2
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if appID == DemoAppID {
		return fmt.Errorf("app id %s is the emulator's own demo app; pick another app id", DemoAppID)
	}
	e.apps[appID] = &App{ID: appID, PublicKey: pub, SignType: signType}
	if e.certs != nil {
		sn, err := e.certs.issueAppCert(appID, pub)
		if err != nil {
			return err
		}
		e.apps[appID].CertSN = sn
	}
	return e.saveApps()
}

// App returns a registered app.
func (e *Emulator) App(appID string) (*App, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	a, ok := e.apps[appID]
	return a, ok
}

// DemoApp is the emulator's own app, whose private key it knows.
func (e *Emulator) DemoApp() *App {
	a, _ := e.App(DemoAppID)
	return a
}

// AlipayPublicKey is the key clients verify the emulator's responses with.
func (e *Emulator) AlipayPublicKey() *rsa.PublicKey { return &e.alipayKey.PublicKey }

// Close flushes and closes the state log, and removes the certificates of
// a certificate-mode emulator that keeps no directory.
func (e *Emulator) Close() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	err := e.state.close()
	if e.certs != nil && e.certs.temp {
		if rerr := os.RemoveAll(e.certs.dir); err == nil {
			err = rerr
		}
	}
	return err
}

// Handler serves the gateway (v2 at /gateway.do, v3 under /v3/) and the
// emulator's own controls under /emulator/.
func (e *Emulator) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/gateway.do", e.withFaults(e.serveV2))
	mux.HandleFunc(gateway.V3PathOAuthToken, e.withFaults(e.serveV3))
	mux.HandleFunc(gateway.V3PathUserInfo, e.withFaults(e.serveV3))
	mux.HandleFunc("POST /emulator/authcode", e.serveAuthCode)
	mux.HandleFunc("POST /emulator/fault", e.serveFault)
	mux.HandleFunc("GET /{$}", e.serveIndex)
	e.routeLogin(mux)
	return mux
}
