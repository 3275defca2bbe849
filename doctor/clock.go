package doctor

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"time"
)

// Clock thresholds. Alipay checks a request's timestamp against its own
// clock, and a machine a minute or more off is drifting; ten minutes is far
// enough for the gateway to refuse requests (isv.invalid-timestamp).
const (
	skewSlack   = 2 * time.Second // the Date header's resolution, and the round trip
	skewWarn    = time.Minute
	skewFail    = 10 * time.Minute
	zoneSlack   = 2 * time.Minute
	chinaOffset = 8 * 60 * 60
)

func clockCheck(subject string, status Status, finding, fix string) Check {
	return Check{Group: GroupClock, Subject: subject, Status: status, Finding: finding, Fix: fix}
}

// checkClock compares this machine's clock with the gateway's Date header,
// in one request, and says what the machine's zone means for timestamps.
func checkClock(ctx context.Context, r *Report, s *Setup, o Options) {
	checkSkew(ctx, r, s, o)
	checkZone(r, s, o)
}

func checkSkew(ctx context.Context, r *Report, s *Setup, o Options) {
	if o.Offline {
		r.add(clockCheck("skew", Skipped, "not checked: offline, and the clock is compared with the gateway's Date header", ""))
		return
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodHead, s.URL, nil)
	if err != nil {
		r.add(clockCheck("skew", Skipped, "not checked: the gateway address cannot be used", ""))
		return
	}
	before := time.Now()
	resp, err := o.httpClient().Do(req)
	after := time.Now()
	if err != nil {
		r.add(clockCheck("skew", Skipped, fmt.Sprintf("not checked: the gateway did not answer (%v); the clock is compared with its Date header", err), ""))
		return
	}
	resp.Body.Close()
	date, err := http.ParseTime(resp.Header.Get("Date"))
	if err != nil {
		r.add(clockCheck("skew", Skipped, "not checked: the gateway's answer carries no Date header", ""))
		return
	}
	local := before.Add(after.Sub(before) / 2)
	judgeSkew(r, date.Sub(local), after.Sub(before))
}

// judgeSkew says what a skew (the gateway's clock minus this machine's)
// means.
func judgeSkew(r *Report, skew, roundTrip time.Duration) {
	abs := skew.Abs()
	direction := "behind"
	if skew < 0 {
		direction = "ahead of"
	}
	hours := math.Round(skew.Hours())
	offHours := time.Duration(hours) * time.Hour
	switch {
	case abs <= skewSlack+roundTrip:
		r.add(clockCheck("skew", OK, "this machine's clock agrees with the gateway's Date header (within a second or two)", ""))
	case hours != 0 && (skew-offHours).Abs() < zoneSlack:
		r.add(clockCheck("skew", Failed, fmt.Sprintf("this machine's clock is %d hours %s the gateway's: a clock set in the wrong time zone (local time kept as UTC, or the reverse)", int(math.Abs(hours)), direction),
			"set the machine's clock in UTC and its zone separately, and keep it synchronised (timedatectl set-ntp true)"))
	case abs < skewWarn:
		r.add(clockCheck("skew", OK, fmt.Sprintf("this machine's clock is %s %s the gateway's", abs.Round(time.Second), direction), ""))
	case abs < skewFail:
		r.add(clockCheck("skew", Warning, fmt.Sprintf("this machine's clock is %s %s the gateway's: it is drifting", abs.Round(time.Second), direction),
			"keep the clock synchronised (timedatectl set-ntp true)"))
	default:
		r.add(clockCheck("skew", Failed, fmt.Sprintf("this machine's clock is %s %s the gateway's: requests are refused with isv.invalid-timestamp", abs.Round(time.Second), direction),
			"set the clock right and keep it synchronised (timedatectl set-ntp true)"))
	}
}

// checkZone explains the zone trap: Alipay's timestamps are China Standard
// Time whatever the machine's zone, and a program that formats local time
// sends a time hours off.
func checkZone(r *Report, s *Setup, o Options) {
	name, offset := o.now().In(o.local()).Zone()
	zone := fmt.Sprintf("%s (UTC%+d)", name, offset/3600)
	if offset%3600 != 0 {
		zone = fmt.Sprintf("%s (UTC%+.1f)", name, float64(offset)/3600)
	}
	switch {
	case offset == chinaOffset:
		r.add(clockCheck("zone", OK, "this machine's zone is "+zone+", China Standard Time, the zone of Alipay's timestamps", ""))
	case s.Reader == ReaderNode && s.Protocol != "v3":
		// alipay-sdk 4.x signs timestamp: YYYYMMDDHHmmss() from the package
		// utility, which formats the machine's local time (src/util.ts).
		r.add(clockCheck("zone", Warning, "the Node SDK writes the v2 timestamp in the machine's own zone, and this machine's zone is "+zone+", not China Standard Time (UTC+8): its timestamps are off by the difference",
			"run the program with TZ=Asia/Shanghai"))
	default:
		r.add(clockCheck("zone", OK, "this machine's zone is "+zone+"; Alipay's timestamps are China Standard Time (UTC+8), which aliauth and the Java SDK convert to, and any code of your own must too", ""))
	}
}
