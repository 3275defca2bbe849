package emulator

import "fmt"

// SetOpenIDOnly makes an app one created after Alipay's OpenID migration, or
// turns it back: such an app's tokens and profiles carry open_id (the user's
// id within this app) and no user_id. Codes minted from then on follow the
// flag; those already minted keep the app's state when they were minted, as
// a user's authorization does across the real migration. Registered apps
// keep the flag in the state directory; the demo app takes it from
// Config.OpenIDOnly at each start.
//
// Alipay: new apps get open_id as the user identifier and apps can upgrade
// to it; open_id differs across apps for one user, and union_id links them
// only within an app group (https://opendocs.alipay.com/mini/0ai2i6,
// OpenID 简介; https://opendocs.alipay.com/common/0ai4nj, OpenID 升级).
func (e *Emulator) SetOpenIDOnly(appID string, on bool) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	app, ok := e.apps[appID]
	if !ok {
		return fmt.Errorf("app id %q is not registered with the emulator", appID)
	}
	app.OpenIDOnly = on
	if appID == DemoAppID {
		return nil
	}
	return e.saveApps()
}

// userIDShown is the user_id an answer about the grant carries: none for an
// app that has only open ids.
func (g grant) userIDShown() string {
	if g.OpenIDOnly {
		return ""
	}
	return g.UserID
}
