package config

import (
	"errors"
	"fmt"
	"strings"

	"aliauth/gateway"
)

// explain words a library's error with the ways a user can supply what is
// missing: the flag, the ALIAUTH_* variable and the profile setting.
func explain(err error) error {
	var certs *gateway.MissingCertificatesError
	switch {
	case errors.Is(err, gateway.ErrNoURL):
		return fmt.Errorf("%w: pass --gateway (v2) or --endpoint (v3), set ALIAUTH_GATEWAY or ALIAUTH_ENDPOINT, or gateway/endpoint in the profile, e.g. %s", err, gateway.ProductionGateway)
	case errors.Is(err, gateway.ErrNoAppID):
		return fmt.Errorf("%w: pass --app-id, set ALIAUTH_APP_ID, or app_id in the profile (the app id the Alipay console shows, 2021...)", err)
	case errors.Is(err, gateway.ErrNoPrivateKey):
		return fmt.Errorf("%w: pass --private-key FILE, set ALIAUTH_PRIVATE_KEY, or private_key in the profile (the 应用私钥 Alipay's key tool saved)", err)
	case errors.Is(err, gateway.ErrV3NeedsRSA2):
		return fmt.Errorf("%w: use --sign-type RSA2 (sign_type in the profile) or --protocol v2", err)
	case errors.Is(err, gateway.ErrAppKeyAsAlipayKey):
		return fmt.Errorf("%w (--alipay-public-key, ALIAUTH_ALIPAY_PUBLIC_KEY or alipay_public_key in the profile)", err)
	case errors.As(err, &certs):
		var how []string
		if certs.AppCert {
			how = append(how, "--app-cert (app_cert)")
		}
		if certs.AlipayCert {
			how = append(how, "--alipay-cert (alipay_cert)")
		}
		if certs.AlipayRootCert {
			how = append(how, "--alipay-root-cert (alipay_root_cert)")
		}
		return fmt.Errorf("%w; give %s, or leave certificate mode by dropping the others", err, strings.Join(how, ", "))
	}
	return err
}
