package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"aliauth/config"
	"aliauth/doctor"
)

func (a *app) runDoctor(ctx context.Context, args []string) error {
	var o options
	fs := a.newFlagSet("doctor", "[--profile P] [--probe] [--offline] [--from FILE] [--json]",
		"Audit a whole setup: every key and certificate in its slot, the environment, the clock against the\n"+
			"gateway's, and with --probe one call that must fail harmlessly. --from FILE checks the configuration\n"+
			"of your own code instead: new AlipaySdk({...}), Java's AlipayConfig or DefaultAlipayClient(...),\n"+
			"a .env, .properties, YAML or JSON file.\n"+
			"Exit status 0 when every check passes, 1 when some warn, 2 when some fail.")
	o.profileFlags(fs)
	probe := fs.Bool("probe", false, "make one call that must fail harmlessly (user info with a dummy token): proves the gateway accepts this app's signature")
	offline := fs.Bool("offline", false, "make no request: the clock and the probe are skipped")
	from := fs.String("from", "", "check the configuration of your own code or configuration file instead of a profile")
	appPublic := fs.String("app-public-key", "", "the app public key uploaded in the Alipay console (FILE, env:VAR or text), to check it belongs to the private key")
	fs.BoolVar(&o.jsonOut, "json", false, "print the report as JSON")
	args, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if err := wantArgs(fs, args, 0, 0, "no arguments"); err != nil {
		return err
	}
	var setup doctor.Setup
	if *from != "" {
		if o.Profile != "" {
			return usageError("--from checks a file of code, --profile a profile: give one of them")
		}
		data, err := os.ReadFile(*from)
		if err != nil {
			return usageError("--from: %v; check the path", err)
		}
		if setup, err = doctor.FromCode(*from, data, os.LookupEnv); err != nil {
			return usage(err)
		}
	} else {
		l, err := a.loader(&o)
		if err != nil {
			return err
		}
		defer l.Close()
		if setup, err = l.Setup(""); err != nil {
			return usage(err)
		}
	}
	if *appPublic != "" {
		setup.Material = append(setup.Material, config.ReadMaterial(doctor.SlotAppPublicKey, *appPublic, "from --app-public-key"))
	}
	r := doctor.Run(ctx, setup, doctor.Options{Probe: *probe, Offline: *offline, Now: now})
	if o.jsonOut {
		if err := writeJSON(a.stdout, r); err != nil {
			return err
		}
	} else {
		printReport(a.stdout, r, *probe, *offline)
	}
	if status := doctorStatus(r); status != ExitOK {
		return silentExit(status)
	}
	return nil
}

// groupTitles name the groups of a report's checks.
var groupTitles = map[string]string{
	doctor.GroupCode:        "your code",
	doctor.GroupKeys:        "keys and certificates",
	doctor.GroupEnvironment: "environment",
	doctor.GroupClock:       "clock",
	doctor.GroupProbe:       "live probe",
}

// printReport writes the doctor's report: the checks by group, each with its
// mark, what was found, where the material came from and what to do, then
// the count.
func printReport(w io.Writer, r *doctor.Report, probed, offline bool) {
	say(w, "aliauth doctor · "+oneLine(r.Subject))
	width := 14
	for _, c := range r.Checks {
		width = max(width, 2+len([]rune(c.Subject)))
	}
	group := ""
	shown := map[string]bool{}
	for _, c := range r.Checks {
		if c.Group != group {
			group = c.Group
			section(w, groupTitles[group])
		}
		printCheck(w, c, width, !shown[c.Subject+"\x00"+c.Source])
		shown[c.Subject+"\x00"+c.Source] = true
	}
	fmt.Fprintln(w)
	say(w, r.Worst().Mark()+" "+r.Summary())
	if !probed && !offline {
		fmt.Fprintln(w, "  --probe also makes one call that must fail harmlessly, to prove the gateway accepts this app's signature")
	}
}

// printCheck writes one check, its label padded to width. Findings can quote
// what the gateway answered the probe, so they go through the same printing
// as a trace.
func printCheck(w io.Writer, c doctor.Check, width int, withSource bool) {
	label := c.Status.Mark() + " " + c.Subject
	label += strings.Repeat(" ", width-len([]rune(label)))
	indent := strings.Repeat(" ", width-14)
	field(w, label, c.Finding)
	if withSource && c.Source != "" {
		field(w, "", indent+"from "+strings.TrimPrefix(c.Source, "from "))
	}
	if c.Fix != "" {
		field(w, "", indent+"→ "+c.Fix)
	}
}
