package config

import (
	"fmt"
	"strings"

	"aliauth/doctor"
	"aliauth/gateway"
	"aliauth/keys"
)

// Setup reads what the named profile configures ("" for the active one),
// with the variables and flags laid over it, into what the doctor audits:
// every key and certificate as it was read, and where each came from, in
// the names of the setting, variable or flag that gave it. Unlike Open it
// does not refuse a broken profile: the doctor is for saying what is wrong.
// The built-in emulator is started (and kept, like Open's sessions) so that
// its keys and address can be checked.
func (l *Loader) Setup(name string) (doctor.Setup, error) {
	flags := l.flags
	if name != "" {
		flags.Profile = name
	}
	p, err := Resolve(l.File, l.env, flags)
	if err != nil {
		return doctor.Setup{}, err
	}
	if p.Emulator {
		s, err := l.Open(p.Name)
		if err != nil {
			return doctor.Setup{}, fmt.Errorf("profile %s: %w", p.Name, err)
		}
		return emulatorSetup(s)
	}
	o := origins{profile: p.Name, env: l.env, flags: flags, file: l.File.Profile(p.Name)}
	protocol := gateway.Protocol(strings.ToLower(p.Protocol))
	if protocol == "" {
		protocol = gateway.V2
	}
	s := doctor.Setup{
		Name:     "profile " + p.Name,
		Protocol: protocol,
		AppID:    p.AppID, AppIDSource: o.of("app_id", "ALIAUTH_APP_ID", "--app-id", l.env.AppID, flags.AppID),
		SignType: p.SignType,
		Charset:  p.Charset,
		Reader:   doctor.ReaderAliauth,
	}
	switch {
	case protocol == gateway.V3 && p.Endpoint != "":
		s.URL, s.URLSource = p.Endpoint, o.of("endpoint", "ALIAUTH_ENDPOINT", "--endpoint", l.env.Endpoint, flags.Endpoint)
	case protocol == gateway.V3:
		s.URL, s.URLSource = gateway.ProductionEndpoint, "not set: production"
	case p.Gateway != "":
		s.URL, s.URLSource = p.Gateway, o.of("gateway", "ALIAUTH_GATEWAY", "--gateway", l.env.Gateway, flags.Gateway)
	default:
		s.URL, s.URLSource = gateway.ProductionGateway, "not set: production"
	}
	slots := []struct {
		slot                 doctor.Slot
		source               string
		setting, varName, fl string
		envValue, flagValue  string
	}{
		{doctor.SlotPrivateKey, p.PrivateKey, "private_key", "ALIAUTH_PRIVATE_KEY", "--private-key", l.env.PrivateKey, flags.PrivateKey},
		{doctor.SlotAlipayPublicKey, p.AlipayPublicKey, "alipay_public_key", "ALIAUTH_ALIPAY_PUBLIC_KEY", "--alipay-public-key", l.env.AlipayPublicKey, flags.AlipayPublicKey},
		{doctor.SlotAppCert, p.AppCert, "app_cert", "ALIAUTH_APP_CERT", "--app-cert", l.env.AppCert, flags.AppCert},
		{doctor.SlotAlipayCert, p.AlipayCert, "alipay_cert", "ALIAUTH_ALIPAY_CERT", "--alipay-cert", l.env.AlipayCert, flags.AlipayCert},
		{doctor.SlotRootCert, p.AlipayRootCert, "alipay_root_cert", "ALIAUTH_ALIPAY_ROOT_CERT", "--alipay-root-cert", l.env.AlipayRootCert, flags.AlipayRootCert},
	}
	for _, x := range slots {
		if x.source == "" {
			continue
		}
		s.Material = append(s.Material, ReadMaterial(x.slot, x.source, o.of(x.setting, x.varName, x.fl, x.envValue, x.flagValue)))
	}
	return s, nil
}

// ReadMaterial reads one slot's source (a path, env:VAR or key text) for the
// doctor; given says how it was configured.
func ReadMaterial(slot doctor.Slot, source, given string) doctor.Material {
	data, describe, err := keys.ReadSource(ExpandHome(source))
	m := doctor.Material{Slot: slot, Data: data, Err: err, Source: describe}
	if describe == "" {
		m.Source = SourceName(source)
	}
	if given != "" {
		m.Source += ", " + given
	}
	return m
}

// origins say which of the flag, the variable and the profile gave a value.
type origins struct {
	profile string
	env     Settings
	flags   Settings
	file    *Profile
}

func (o origins) of(setting, variable, flag, envValue, flagValue string) string {
	switch {
	case flagValue != "":
		return "from " + flag
	case envValue != "":
		return "from " + variable
	case o.file != nil:
		return setting + " of profile " + o.profile
	}
	return ""
}

// emulatorSetup is what the doctor checks of a profile on the built-in
// emulator: the keys it made, the app public key it registered for the demo
// app, its address and, in certificate mode, the certificates it issued.
func emulatorSetup(s *Session) (doctor.Setup, error) {
	p := s.Client.Profile()
	setup := doctor.Setup{
		Name:     "profile " + s.Config.Name + " (the built-in emulator)",
		Emulator: true, Protocol: p.Protocol, URL: p.URL(), URLSource: "the built-in emulator",
		AppID: p.AppID, AppIDSource: "the emulator's demo app",
		SignType: string(p.SignType), Charset: p.Charset, Reader: doctor.ReaderAliauth,
		Material: []doctor.Material{
			{Slot: doctor.SlotPrivateKey, Source: "the emulator's demo app key", Data: keys.EncodePrivatePKCS8PEM(p.PrivateKey)},
			{Slot: doctor.SlotAppPublicKey, Source: "the emulator's record of its demo app", Data: keys.EncodePublicPEM(s.Server.DemoApp().PublicKey)},
			{Slot: doctor.SlotAlipayPublicKey, Source: p.AlipayKeySource, Data: keys.EncodePublicPEM(s.Server.AlipayPublicKey())},
		},
	}
	if paths, ok := s.Server.CertPaths(p.AppID); ok {
		setup.Material = append(setup.Material,
			ReadMaterial(doctor.SlotAppCert, paths.AppCert, "issued by the emulator"),
			ReadMaterial(doctor.SlotAlipayCert, paths.AlipayCert, "issued by the emulator"),
			ReadMaterial(doctor.SlotRootCert, paths.AlipayRootCert, "issued by the emulator"))
	}
	return setup, nil
}
