package cli

import (
	"errors"
	"fmt"

	"aliauth/doctor"
	"aliauth/gateway"
)

// Exit statuses, as SPEC section 8 fixes them. This is the only place they
// are defined.
const (
	ExitOK          = 0
	ExitGateway     = 1 // the gateway answered with an error (verified, or unsigned)
	ExitUsage       = 2 // usage or configuration error
	ExitTransport   = 3 // no answer, a timeout, a body that is not the gateway's JSON
	ExitUntrusted   = 4 // the answer failed verification, or a success came unsigned
	ExitInterrupted = 130
)

// outcomeStatus is the exit status of a call's outcome.
func outcomeStatus(o gateway.Outcome) int {
	switch o {
	case gateway.OutcomeGatewayError:
		return ExitGateway
	case gateway.OutcomeTransportError:
		return ExitTransport
	case gateway.OutcomeUntrusted:
		return ExitUntrusted
	}
	return ExitOK
}

// payloadStatus is the exit status of reading a mini program payload: 0 a
// verified answer, 1 its content is an error code, 2 bad input or an AES
// key that does not open it, 4 a signature that failed, is missing, or
// covers the unquoted ciphertext.
func payloadStatus(err error) int {
	var untrusted *gateway.VerificationError
	var answered *gateway.APIError
	switch {
	case err == nil:
		return ExitOK
	case errors.As(err, &untrusted):
		return ExitUntrusted
	case errors.As(err, &answered):
		return ExitGateway
	}
	return ExitUsage
}

// exitError carries the status a failure exits with.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// usageError is a bad command line or configuration: exit 2.
func usageError(format string, args ...any) error {
	return &exitError{code: ExitUsage, err: fmt.Errorf(format, args...)}
}

// noAnswer is a wait that ended with nothing to show: exit 3.
func noAnswer(format string, args ...any) error {
	return &exitError{code: ExitTransport, err: fmt.Errorf(format, args...)}
}

// usage wraps err as a usage or configuration error: exit 2.
func usage(err error) error {
	return &exitError{code: ExitUsage, err: err}
}

// silentExit exits with a status after the command has already said why.
type silentExit int

func (s silentExit) Error() string { return fmt.Sprintf("exit status %d", int(s)) }

// Exit statuses of aliauth doctor: the worst of its checks. Errors share
// the status of configuration errors, since that is what they are.
const (
	ExitDoctorWarnings = 1 // some check warned, none failed
	ExitDoctorErrors   = 2 // some check failed
)

// doctorStatus is the exit status of a doctor's report.
func doctorStatus(r *doctor.Report) int {
	switch r.Worst() {
	case doctor.Failed:
		return ExitDoctorErrors
	case doctor.Warning:
		return ExitDoctorWarnings
	}
	return ExitOK
}
