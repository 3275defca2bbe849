package emulator

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"

	"aliauth/gateway"
	"aliauth/keys"
)

// Server is an emulator listening on a real socket.
type Server struct {
	*Emulator
	// URL is the base address, http://127.0.0.1:PORT.
	URL  string
	srv  *http.Server
	done chan error

	closeOnce sync.Once
	closeErr  error
}

// Listen serves the emulator on addr (127.0.0.1:0 picks a free port) until
// Close. It listens on loopback unless addr names another interface.
func Listen(e *Emulator, addr string) (*Server, error) {
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("emulator: listen on %s: %w", addr, err)
	}
	s := &Server{
		Emulator: e,
		URL:      "http://" + ln.Addr().String(),
		srv:      &http.Server{Handler: e.Handler(), ReadHeaderTimeout: 10 * time.Second},
		done:     make(chan error, 1),
	}
	go func() { s.done <- s.srv.Serve(ln) }()
	return s, nil
}

// Gateway is the v2 gateway.do address.
func (s *Server) Gateway() string { return s.URL + "/gateway.do" }

// Endpoint is the v3 base address.
func (s *Server) Endpoint() string { return s.URL }

// AuthCodeURL mints auth codes, standing in for my.getAuthCode.
func (s *Server) AuthCodeURL() string { return s.URL + "/emulator/authcode" }

// Close stops serving, waiting briefly for answers under way, and closes
// the emulator's state. Later calls return what the first returned.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		err := s.srv.Shutdown(ctx)
		if serveErr := <-s.done; !errors.Is(serveErr, http.ErrServerClosed) && err == nil {
			err = serveErr
		}
		if cerr := s.Emulator.Close(); err == nil {
			err = cerr
		}
		s.closeErr = err
	})
	return s.closeErr
}

// ReadyLine is what the standalone emulator prints when it is ready: all a
// client needs to talk to it.
type ReadyLine struct {
	Emulator        string `json:"emulator"`
	Gateway         string `json:"gateway"`
	Endpoint        string `json:"endpoint"`
	AppID           string `json:"app_id"`
	AppPrivateKey   string `json:"app_private_key,omitempty"`
	AppPublicKey    string `json:"app_public_key"`
	AlipayPublicKey string `json:"alipay_public_key"`
	AuthCodeURL     string `json:"authcode_url"`
	FaultURL        string `json:"fault_url"`
	// AESKey is the app's 接口内容加密方式 key, which decrypts PhoneURL's
	// payloads; the emulator made it, so it is no secret of the user's.
	AESKey          string `json:"aes_key"`
	AuthorizeURL    string `json:"authorize_url"`
	PhoneURL        string `json:"phone_url"`
	OpenUserInfoURL string `json:"openuserinfo_url"`
	*CertPaths
}

// Ready describes the server for app appID: the demo app carries its
// private key; a user's registered app carries only its public key.
func (s *Server) Ready(appID string) (ReadyLine, error) {
	app, ok := s.App(appID)
	if !ok {
		return ReadyLine{}, fmt.Errorf("app id %q is not registered with the emulator", appID)
	}
	r := ReadyLine{
		Emulator:        "aliauth emulator: a local stand-in for the Alipay gateway, not Alipay",
		Gateway:         s.Gateway(),
		Endpoint:        s.Endpoint(),
		AppID:           app.ID,
		AppPublicKey:    keys.EncodePublicBase64(app.PublicKey),
		AlipayPublicKey: keys.EncodePublicBase64(s.AlipayPublicKey()),
		AuthCodeURL:     s.AuthCodeURL(),
		FaultURL:        s.URL + "/emulator/fault",
	}
	if app.PrivateKey != nil {
		r.AppPrivateKey = keys.EncodePrivatePKCS8Base64(app.PrivateKey)
	}
	aes, err := s.AESKey(app.ID)
	if err != nil {
		return ReadyLine{}, err
	}
	r.AESKey = aes.Reveal()
	r.AuthorizeURL = s.URL + gateway.AuthorizePagePath
	r.PhoneURL = s.URL + "/emulator/phone"
	r.OpenUserInfoURL = s.URL + "/emulator/openuserinfo"
	if paths, ok := s.CertPaths(appID); ok {
		r.CertPaths = &paths
	}
	return r, nil
}
