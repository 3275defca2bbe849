package keys

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// maxSourceSize bounds what ReadSource reads: key and certificate files are a
// few kilobytes, so anything past this is the wrong file.
const maxSourceSize = 1 << 20

// describeInline is what error messages call key text given as the source
// string itself.
const describeInline = "inline key"

// ReadSource reads key material from a source string:
//
//   - "env:NAME": the environment variable NAME holds the key text itself
//     (if it holds the path of an existing file instead, that file is read);
//   - the key text itself, when it is clearly key text: it contains a PEM
//     header ("-----BEGIN"), or a line break, or it is base64 of 64
//     characters or more starting with "MI" (how every base64 key starts);
//   - otherwise a file path; a leading "~/" is the home directory.
//
// describe is what error messages call the source: `file "app.key"`,
// `environment variable ALIAUTH_PRIVATE_KEY`, `inline key`. It never contains
// key material. Errors name the source and say what to do; a missing file
// matches fs.ErrNotExist, an unset variable ErrEnvNotSet.
func ReadSource(source string) (data []byte, describe string, err error) {
	data, describe, err = readSource(source)
	if err != nil {
		return nil, describe, within("", describe, err)
	}
	return data, describe, nil
}

// readSource is ReadSource with errors that do not yet name the source, so
// that callers can say what they were reading: "read private key file ...".
func readSource(source string) ([]byte, string, error) {
	if strings.TrimSpace(source) == "" {
		return nil, "", newError(ErrNotKey,
			"no key given; pass a file path, env:NAME for an environment variable holding the key, or the key text itself")
	}
	if name, ok := strings.CutPrefix(source, "env:"); ok {
		return readEnv(name)
	}
	if looksLikeKeyText(source) {
		return []byte(source), describeInline, nil
	}
	if _, err := os.Stat(expandHome(source)); err != nil {
		// An AES key is too short to look like key text, but pasted in
		// place of a path it should be named for what it is.
		if _, ok := aesKey([]byte(source)); ok {
			return []byte(source), describeInline, nil
		}
	}
	return readFile(source)
}

func readEnv(name string) ([]byte, string, error) {
	describe := "environment variable " + name
	if name == "" || strings.ContainsAny(name, "= \t\n") {
		return nil, describe, newError(ErrEnvNotSet,
			"%q is not an environment variable name; write env:NAME, as in env:ALIPAY_APP_PRIVATE_KEY", name)
	}
	value, ok := os.LookupEnv(name)
	if !ok {
		return nil, describe, newError(ErrEnvNotSet,
			"it is not set; export %s with the key text itself (base64 or PEM), or pass a file path instead", name)
	}
	if strings.TrimSpace(value) == "" {
		return nil, describe, newError(ErrEnvNotSet,
			"it is set but empty; export %s with the key text itself (base64 or PEM), or pass a file path instead", name)
	}
	// A variable holding a path is a common slip; read the file it names.
	if !looksLikeKeyText(value) && !strings.ContainsAny(value, "\r\n") {
		if st, err := os.Stat(expandHome(value)); err == nil && st.Mode().IsRegular() {
			data, fileDescribe, err := readFile(value)
			return data, fileDescribe + " (named by " + describe + ")", err
		}
	}
	return []byte(value), describe, nil
}

func readFile(path string) ([]byte, string, error) {
	describe := fmt.Sprintf("file %q", path)
	f, err := os.Open(expandHome(path))
	if err != nil {
		return nil, describe, fileError(path, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, describe, fileError(path, err)
	}
	if st.IsDir() {
		return nil, describe, newError(ErrNotKey, "it is a directory; pass the key or certificate file inside it")
	}
	data, err := io.ReadAll(io.LimitReader(f, maxSourceSize+1))
	if err != nil {
		return nil, describe, fileError(path, err)
	}
	if len(data) > maxSourceSize {
		return nil, describe, newError(ErrNotKey,
			"the file is larger than %d bytes, and key and certificate files are a few kilobytes; check that this is the right file", maxSourceSize)
	}
	return data, describe, nil
}

// fileError turns an error from opening or reading path into a sentence that
// says what to check, still matching the io/fs error underneath.
func fileError(path string, err error) error {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		where := ""
		if !filepath.IsAbs(expandHome(path)) {
			if wd, werr := os.Getwd(); werr == nil {
				where = " (relative paths start from " + wd + ")"
			}
		}
		return &keyError{msg: "no such file; check the path" + where, kind: err}
	case errors.Is(err, fs.ErrPermission):
		return &keyError{msg: "permission denied; make the file readable by this user (for a private key: chmod 600, owned by you)", kind: err}
	default:
		var pathErr *fs.PathError
		if errors.As(err, &pathErr) {
			return &keyError{msg: fmt.Sprintf("the file cannot be read (%v); check that it is a regular, readable file", pathErr.Err), kind: err}
		}
		return &keyError{msg: fmt.Sprintf("the file cannot be read (%v); check that it is a regular, readable file", err), kind: err}
	}
}

// expandHome replaces a leading "~/" with the home directory, for paths written
// in configuration files where no shell expands them.
func expandHome(path string) string {
	rest, ok := strings.CutPrefix(path, "~/")
	if !ok {
		return path
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return path
	}
	return filepath.Join(home, rest)
}

// looksLikeKeyText reports whether a source string is key text rather than a
// path: a PEM header, a line break, or long base64 starting as DER does.
func looksLikeKeyText(s string) bool {
	if strings.Contains(s, "-----BEGIN") || strings.ContainsAny(s, "\r\n") {
		return true
	}
	t := strings.Trim(strings.TrimSpace(s), `"'`)
	if len(t) < 64 || !strings.HasPrefix(t, "MI") {
		return false
	}
	for i := 0; i < len(t); i++ {
		if !isBase64Char(t[i]) && !isSpace(t[i]) {
			return false
		}
	}
	return true
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}

func isBase64Char(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
		c == '+' || c == '/' || c == '=' || c == '-' || c == '_'
}
