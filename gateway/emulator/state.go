package emulator

import (
	"bytes"
	"crypto/rand"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"time"

	"aliauth/internal/atomicfile"
)

// grant is what a user authorized an app to do.
type grant struct {
	AppID  string `json:"app"`
	UserID string `json:"user"`
	OpenID string `json:"open"`
	Scope  string `json:"scope"`
	// OpenIDOnly is the app's flag when the code was minted: the answers
	// about this grant leave user_id out.
	OpenIDOnly bool `json:"openid_only,omitempty"`
}

type authCode struct {
	grant
	Expires time.Time `json:"exp"`
	Used    bool      `json:"used,omitempty"`
}

type token struct {
	grant
	Access         string    `json:"access"`
	Refresh        string    `json:"refresh"`
	AccessExpires  time.Time `json:"access_exp"`
	RefreshExpires time.Time `json:"refresh_exp"`
	AuthStart      time.Time `json:"start"`
	// Refreshed is set once the refresh token was used: it rotates.
	Refreshed bool `json:"refreshed,omitempty"`
}

// event is one line of the state log. The log is append-only so that each
// change costs one small write, and a restart replays it.
type event struct {
	Op    string    `json:"op"` // code, use, token, refreshed
	Code  string    `json:"code,omitempty"`
	Auth  *authCode `json:"auth,omitempty"`
	Token *token    `json:"token,omitempty"`
	// Refresh names the refresh token that was used, for "refreshed".
	Refresh string `json:"refresh,omitempty"`
	// AppCode and AppToken are third-party app authorization's, for
	// "appcode" and "apptoken"; "appuse" names the app code in Code.
	AppCode  *appAuthCode `json:"app_code,omitempty"`
	AppToken *appToken    `json:"app_token,omitempty"`
}

// state holds codes and tokens; the caller holds the emulator's lock.
type state struct {
	codes   map[string]*authCode
	access  map[string]*token
	refresh map[string]*token
	apps    appAuthState
	// log is the state log, nil when the emulator keeps no directory.
	// Several processes may share it (a console and a script both running
	// the demo emulator), so each change locks it, first reads what others
	// appended since offset, then appends.
	log    *os.File
	path   string
	offset int64
}

func newState() *state {
	return &state{codes: map[string]*authCode{}, access: map[string]*token{}, refresh: map[string]*token{}, apps: newAppAuthState()}
}

const stateLog = "state.jsonl"

// loadState replays the log in dir, drops what has expired, and rewrites
// the log compactly so it does not grow without bound across restarts.
func loadState(dir string, now time.Time) (*state, error) {
	s := newState()
	s.path = filepath.Join(dir, stateLog)
	old, err := openLocked(s.path)
	if err != nil {
		return nil, err
	}
	defer func() {
		_ = unlockFile(old)
		old.Close()
	}()
	if _, err := s.catchUp(old); err != nil {
		return nil, err
	}
	s.expire(now)
	if err := s.rewrite(s.path); err != nil {
		return nil, err
	}
	// Open the compacted log before releasing the old one's lock: a process
	// waiting on that lock then finds the file replaced and reloads it.
	if s.log, err = os.OpenFile(s.path, os.O_RDWR|os.O_APPEND, 0o600); err != nil {
		return nil, fmt.Errorf("open emulator state %s: %w", s.path, err)
	}
	info, err := s.log.Stat()
	if err != nil {
		return nil, err
	}
	s.offset = info.Size()
	return s, nil
}

// openLocked opens and locks the log at path, retrying when another process
// replaced the file while this one waited for the lock.
func openLocked(path string) (*os.File, error) {
	for {
		f, err := os.OpenFile(path, os.O_RDWR|os.O_APPEND|os.O_CREATE, 0o600)
		if err != nil {
			return nil, fmt.Errorf("open emulator state %s: %w", path, err)
		}
		if err := lockFile(f); err != nil {
			f.Close()
			return nil, fmt.Errorf("lock emulator state %s: %w", path, err)
		}
		if current(f, path) {
			return f, nil
		}
		_ = unlockFile(f)
		f.Close()
	}
}

// current reports whether f is still the file at path.
func current(f *os.File, path string) bool {
	held, err1 := f.Stat()
	named, err2 := os.Stat(path)
	return err1 == nil && err2 == nil && os.SameFile(held, named)
}

// begin locks the log against other processes and catches up with what
// they appended. Every read-check-write of codes and tokens runs between
// begin and end, so a code is never spent twice, even across processes.
func (s *state) begin() error {
	if s.log == nil {
		return nil
	}
	if err := lockFile(s.log); err != nil {
		return fmt.Errorf("lock emulator state: %w", err)
	}
	if !current(s.log, s.path) {
		// Another process compacted the log: start over from the new file.
		_ = unlockFile(s.log)
		s.log.Close()
		f, err := openLocked(s.path)
		if err != nil {
			s.log = nil
			return err
		}
		fresh := newState()
		s.codes, s.access, s.refresh, s.apps = fresh.codes, fresh.access, fresh.refresh, fresh.apps
		s.log, s.offset = f, 0
	}
	n, err := s.catchUp(s.log)
	s.offset += n
	if err != nil {
		s.end()
	}
	return err
}

// catchUp applies the whole lines of f after s.offset and says how many
// bytes they took; a line still being written is read next time.
func (s *state) catchUp(f *os.File) (int64, error) {
	info, err := f.Stat()
	if err != nil || info.Size() <= s.offset {
		return 0, err
	}
	buf := make([]byte, info.Size()-s.offset)
	if n, err := f.ReadAt(buf, s.offset); n < len(buf) {
		return 0, fmt.Errorf("read emulator state: %w", err)
	}
	complete := bytes.LastIndexByte(buf, '\n') + 1
	for line := range bytes.Lines(buf[:complete]) {
		var ev event
		// A torn line (a process killed mid-write) is skipped: the lines
		// around it are intact.
		if json.Unmarshal(line, &ev) == nil {
			s.apply(ev)
		}
	}
	return int64(complete), nil
}

// end releases the lock taken by begin.
func (s *state) end() {
	if s.log != nil {
		_ = unlockFile(s.log)
	}
}

func (s *state) apply(ev event) {
	switch ev.Op {
	case "code":
		if ev.Auth != nil {
			s.codes[ev.Code] = ev.Auth
		}
	case "use":
		if c := s.codes[ev.Code]; c != nil {
			c.Used = true
		}
	case "token":
		if t := ev.Token; t != nil {
			s.access[t.Access] = t
			s.refresh[t.Refresh] = t
		}
	case "refreshed":
		if t := s.refresh[ev.Refresh]; t != nil {
			t.Refreshed = true
		}
	default:
		s.apps.apply(ev)
	}
}

// expire forgets codes and tokens that can no longer be used.
func (s *state) expire(now time.Time) {
	for k, c := range s.codes {
		if c.Used || now.After(c.Expires) {
			delete(s.codes, k)
		}
	}
	for k, t := range s.refresh {
		if now.After(t.RefreshExpires) && now.After(t.AccessExpires) {
			delete(s.refresh, k)
			delete(s.access, t.Access)
		}
	}
	s.apps.expire(now)
}

// rewrite writes the live state as a fresh log, atomically.
func (s *state) rewrite(path string) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	for k, c := range s.codes {
		_ = enc.Encode(event{Op: "code", Code: k, Auth: c})
	}
	for _, t := range s.refresh {
		_ = enc.Encode(event{Op: "token", Token: t})
	}
	s.apps.rewrite(enc)
	return atomicfile.WriteFile(path, buf.Bytes(), 0o600)
}

// record appends an event to the log. A failed write is returned so the
// request fails loudly rather than silently losing state.
func (s *state) record(ev event) error {
	if s.log == nil {
		s.apply(ev)
		return nil
	}
	line, err := json.Marshal(ev)
	if err != nil {
		return err
	}
	line = append(line, '\n')
	// The lock is held, so bytes past the last whole line are no one's write
	// in progress but the torn line of a process that died: end it first, or
	// this line would be glued to it and lost to every later reader.
	if info, err := s.log.Stat(); err == nil && info.Size() > s.offset {
		line = append([]byte{'\n'}, line...)
		s.offset = info.Size()
	}
	if _, err := s.log.Write(line); err != nil {
		return fmt.Errorf("write emulator state: %w", err)
	}
	s.offset += int64(len(line))
	s.apply(ev)
	return nil
}

func (s *state) close() error {
	if s.log == nil {
		return nil
	}
	return s.log.Close()
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	return hex.EncodeToString(b)
}

// newUserID makes a user id the way Alipay's look: 2088 and twelve digits.
func newUserID() string {
	n, _ := rand.Int(rand.Reader, big.NewInt(1e12))
	return fmt.Sprintf("2088%012d", n)
}

// openID derives the user's open id for an app: stable for the pair, and
// different across apps, as Alipay's are.
func openID(appID, userID string) string {
	sum := sha512.Sum512([]byte("open_id\x00" + appID + "\x00" + userID))
	enc := base64.RawURLEncoding.EncodeToString(sum[:])
	enc = strings.NewReplacer("-", "a", "_", "b").Replace(enc)
	return "0" + enc[:45]
}
