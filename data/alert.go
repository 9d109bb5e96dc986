package data

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// AlertFrequency is how often an alert profile's digest is mailed.
type AlertFrequency string

const (
	// AlertImmediate: at each run of the scheduler (every few minutes).
	AlertImmediate AlertFrequency = "immediate"
	// AlertDaily: once a day.
	AlertDaily AlertFrequency = "daily"
	// AlertWeekly: once a week.
	AlertWeekly AlertFrequency = "weekly"
)

// AlertFrequencies lists the frequencies in the order forms show them.
func AlertFrequencies() []AlertFrequency {
	return []AlertFrequency{AlertImmediate, AlertDaily, AlertWeekly}
}

// Label is the French name of a frequency.
func (f AlertFrequency) Label() string {
	switch f {
	case AlertImmediate:
		return "dès la publication"
	case AlertDaily:
		return "chaque jour"
	case AlertWeekly:
		return "chaque semaine"
	}
	return string(f)
}

// AlertCPV is a CPV code of an alert profile: the code alone, or the code
// and every code under it (its children in the CPV tree).
type AlertCPV struct {
	Code         string `json:"code"` // 8 digits
	WithChildren bool   `json:"with_children,omitempty"`
}

// Prefix is the CPV prefix the code selects: the 8 digits alone, or
// without their trailing zeros (at least the 2 digits of the division)
// with its children.
func (c AlertCPV) Prefix() string {
	if !c.WithChildren {
		return c.Code
	}
	p := strings.TrimRight(c.Code, "0")
	if len(p) < 2 {
		p = c.Code[:2]
	}
	return p
}

// AlertProfile is a saved search of tenders that mails its new results
// (and feeds them) to the account that owns it. Criteria of different
// kinds combine with AND, values of one kind with OR.
type AlertProfile struct {
	ID        string `json:"id"`
	AccountID string `json:"account_id"`
	// Name is the user's French label of the profile.
	Name string `json:"name"`
	// Keywords must all match (French analysis, like the tenders page);
	// "double quotes" keep a phrase together.
	Keywords string `json:"keywords,omitempty"`
	// Exclude drops a tender whose text has one of these words.
	Exclude      []string   `json:"exclude,omitempty"`
	CPV          []AlertCPV `json:"cpv,omitempty"`
	Departements []string   `json:"departements,omitempty"`
	Regions      []string   `json:"regions,omitempty"`
	// Near and RadiusKm keep tenders performed within RadiusKm of Near
	// (for example the company's site).
	Near     *Place  `json:"near,omitempty"`
	RadiusKm float64 `json:"radius_km,omitempty"`
	// ValueMin and ValueMax bound the estimated value in euros excl. VAT;
	// 0 leaves a side open.
	ValueMin float64 `json:"value_min,omitempty"`
	ValueMax float64 `json:"value_max,omitempty"`
	// Procedures are NormalizeProcedure kinds.
	Procedures []string `json:"procedures,omitempty"`
	// LotsOnly keeps tenders divided into lots (« uniquement les lots »).
	LotsOnly  bool           `json:"lots_only,omitempty"`
	Frequency AlertFrequency `json:"frequency"`
	// Active is false once the profile was unsubscribed from.
	Active    bool      `json:"active"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// SameAs reports whether p and q are the same alert: the same account,
// name, criteria and frequency, whatever their ids, dates and state. Both
// are expected normalised (Normalize).
func (p AlertProfile) SameAs(q AlertProfile) bool {
	a, errA := p.settings()
	b, errB := q.settings()
	return errA == nil && errB == nil && bytes.Equal(a, b)
}

// settings encodes what SameAs compares; JSON, as the store keeps a
// profile, so that a nil and an empty list are alike.
func (p AlertProfile) settings() ([]byte, error) {
	p.ID, p.CreatedAt, p.UpdatedAt, p.Active = "", time.Time{}, time.Time{}, false
	return json.Marshal(p)
}

// Limits of an alert profile.
const (
	MaxAlertName      = 120 // runes
	MaxAlertKeywords  = 300 // runes
	MaxAlertWord      = 60  // runes per excluded word
	MaxAlertList      = 30  // values per list (words, codes, areas)
	MaxAlertRadiusKm  = 500
	MaxAlertsPerOwner = 50 // profiles per account, checked by the store
)

// Normalize trims and deduplicates the profile's values and checks them;
// an invalid value fails with a French *ValidationError wrapping
// ErrInvalid. An empty frequency becomes AlertDaily.
func (p *AlertProfile) Normalize() error {
	p.AccountID = strings.TrimSpace(p.AccountID)
	if p.AccountID == "" {
		return invalid("account", "", "le compte de l'alerte est obligatoire")
	}
	p.Name = strings.Join(strings.Fields(p.Name), " ")
	if p.Name == "" {
		return invalid("name", "", "donnez un nom à cette alerte")
	}
	if n := utf8.RuneCountInString(p.Name); n > MaxAlertName {
		return invalid("name", p.Name, fmt.Sprintf("nom trop long (%d caractères, %d au plus)", n, MaxAlertName))
	}
	if err := p.normalizeWords(); err != nil {
		return err
	}
	if err := p.normalizeCPV(); err != nil {
		return err
	}
	if err := p.normalizeAreas(); err != nil {
		return err
	}
	if err := p.normalizeValues(); err != nil {
		return err
	}
	procs, err := normalizeList("procedures", p.Procedures, func(v string) (string, error) {
		if ProcedureLabel(v) == "" {
			return "", invalid("procedures", v, "procédure inconnue : "+strings.Join(ProcedureKinds(), ", "))
		}
		return v, nil
	})
	if err != nil {
		return err
	}
	p.Procedures = procs
	if p.Frequency == "" {
		p.Frequency = AlertDaily
	}
	if !slices.Contains(AlertFrequencies(), p.Frequency) {
		return invalid("frequency", string(p.Frequency), "fréquence inconnue : immediate, daily ou weekly")
	}
	if p.Keywords == "" && len(p.CPV) == 0 && len(p.Departements) == 0 && len(p.Regions) == 0 && p.Near == nil {
		return invalid("keywords", "", "indiquez au moins des mots-clés, un code CPV ou un lieu (département, région ou rayon)")
	}
	return nil
}

func (p *AlertProfile) normalizeWords() error {
	p.Keywords = strings.Join(strings.Fields(p.Keywords), " ")
	if n := utf8.RuneCountInString(p.Keywords); n > MaxAlertKeywords {
		return invalid("keywords", p.Keywords, fmt.Sprintf("mots-clés trop longs (%d caractères, %d au plus)", n, MaxAlertKeywords))
	}
	if strings.Count(p.Keywords, `"`)%2 != 0 {
		return invalid("keywords", p.Keywords, "guillemet non fermé : une expression s'écrit entre deux guillemets droits (\"…\")")
	}
	ex, err := normalizeList("exclude", p.Exclude, func(v string) (string, error) {
		v = strings.Join(strings.Fields(strings.Trim(v, `"`)), " ")
		if utf8.RuneCountInString(v) > MaxAlertWord {
			return "", invalid("exclude", v, fmt.Sprintf("mot exclu trop long (%d caractères au plus)", MaxAlertWord))
		}
		return v, nil
	})
	p.Exclude = ex
	return err
}

func (p *AlertProfile) normalizeCPV() error {
	var out []AlertCPV
	for _, c := range p.CPV {
		if strings.TrimSpace(c.Code) == "" {
			continue
		}
		code, err := NormalizeCPV(c.Code)
		var ve *ValidationError
		if errors.As(err, &ve) { // named as the profile's field, like the others
			return invalid("cpv", ve.Value, "code CPV « "+strings.TrimSpace(c.Code)+" » : "+ve.Message)
		}
		if err != nil {
			return err
		}
		c.Code = code
		if i := slices.IndexFunc(out, func(o AlertCPV) bool { return o.Code == code }); i >= 0 {
			out[i].WithChildren = out[i].WithChildren || c.WithChildren
			continue
		}
		out = append(out, c)
	}
	if len(out) > MaxAlertList {
		return invalid("cpv", "", fmt.Sprintf("trop de codes CPV (%d au plus)", MaxAlertList))
	}
	p.CPV = out
	return nil
}

func (p *AlertProfile) normalizeAreas() error {
	deps, err := normalizeList("departements", p.Departements, func(v string) (string, error) {
		v = strings.ToUpper(v)
		if len(v) == 1 && v[0] >= '1' && v[0] <= '9' {
			v = "0" + v
		}
		if _, ok := LookupDepartement(v); !ok {
			return "", invalid("departements", v, "département inconnu (code attendu : 01 à 95, 2A, 2B, 971 à 976)")
		}
		return v, nil
	})
	if err != nil {
		return err
	}
	p.Departements = deps
	regs, err := normalizeList("regions", p.Regions, func(v string) (string, error) {
		if r, ok := LookupRegion(v); ok {
			return r.Code, nil
		}
		if r, ok := RegionByName(v); ok {
			return r.Code, nil
		}
		return "", invalid("regions", v, "région inconnue")
	})
	if err != nil {
		return err
	}
	p.Regions = regs
	if p.Near == nil {
		if p.RadiusKm != 0 {
			return invalid("radius_km", "", "un rayon demande un lieu autour duquel chercher")
		}
		return nil
	}
	near := ResolvePlace(*p.Near)
	if near.Lat == 0 && near.Lon == 0 {
		return invalid("near", near.Commune+" "+near.Postcode, "lieu introuvable : indiquez une commune ou un code postal connus")
	}
	p.Near = &near
	if math.IsNaN(p.RadiusKm) || p.RadiusKm <= 0 || p.RadiusKm > MaxAlertRadiusKm {
		return invalid("radius_km", fmt.Sprint(p.RadiusKm), fmt.Sprintf("rayon attendu entre 1 et %d km", MaxAlertRadiusKm))
	}
	return nil
}

func (p *AlertProfile) normalizeValues() error {
	for _, v := range []float64{p.ValueMin, p.ValueMax} {
		if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
			return invalid("value", fmt.Sprint(v), "montant attendu : un nombre positif d'euros")
		}
	}
	if p.ValueMin > 0 && p.ValueMax > 0 && p.ValueMin > p.ValueMax {
		return invalid("value_max", fmt.Sprint(p.ValueMax), "le montant maximum est inférieur au minimum")
	}
	return nil
}

// normalizeList trims each value, drops empty ones, canonicalises them
// with fn and removes duplicates (case-insensitively), keeping the order.
func normalizeList(field string, in []string, fn func(string) (string, error)) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	for _, v := range in {
		v = strings.TrimSpace(v)
		if v == "" {
			continue
		}
		v, err := fn(v)
		if err != nil {
			return nil, err
		}
		k := strings.ToLower(v)
		if v == "" || seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, v)
	}
	if len(out) > MaxAlertList {
		return nil, invalid(field, "", fmt.Sprintf("trop de valeurs (%d au plus)", MaxAlertList))
	}
	return out, nil
}

// AlertTokenKind is what a token of an alert profile opens.
type AlertTokenKind string

const (
	// AlertTokenFeed opens the profile's Atom and iCalendar feeds; a new
	// one replaces the old.
	AlertTokenFeed AlertTokenKind = "feed"
	// AlertTokenUnsubscribe deactivates the profile in one click.
	AlertTokenUnsubscribe AlertTokenKind = "unsubscribe"
	// AlertTokenDigest deactivates, in one click, every profile a digest
	// mail was sent for: the link of its List-Unsubscribe header. It
	// belongs to the digest, not to one profile, and lives as long as the
	// store remembers the digest.
	AlertTokenDigest AlertTokenKind = "digest"
)

// AlertSent records that a tender went to an account in a digest: the
// tender's version (UpdatedAt) then, so that a later correction shows as
// a « rectificatif » and no tender is sent twice across profiles.
type AlertSent struct {
	TenderID string    `json:"tender_id"`
	Version  time.Time `json:"version"`
	// Revisions is len(History) then: the revisions after it are news.
	Revisions int       `json:"revisions"`
	At        time.Time `json:"at"`
	// Reminded is when the tender was shown in « clôture cette semaine »,
	// which happens once.
	Reminded time.Time `json:"reminded,omitzero"`
	// Digest is the id of the digest that carried it.
	Digest string `json:"digest"`
}

// DigestState is where a digest mail stands in its send.
type DigestState string

const (
	// DigestPending: recorded before the SMTP exchange, not known sent.
	DigestPending DigestState = "pending"
	// DigestSent: the SMTP server accepted it.
	DigestSent DigestState = "sent"
	// DigestFailed: given up after MaxDigestAttempts SMTP failures, or
	// after a second send interrupted by the end of the process. Its
	// tenders are not recorded as sent and come again in a later digest.
	DigestFailed DigestState = "failed"
)

// MaxDigestAttempts bounds the SMTP attempts of one digest.
const MaxDigestAttempts = 3

// DigestRecord is a digest mail of an account: recorded pending (with its
// Message-ID and the exact mail) before it is handed to SMTP, then marked
// sent in the same transaction that records what it carried and the
// profiles' last sends.
type DigestRecord struct {
	ID        string      `json:"id"`
	AccountID string      `json:"account_id"`
	MessageID string      `json:"message_id"`
	State     DigestState `json:"state"`
	// At is the scheduled time the digest was built for.
	At time.Time `json:"at"`
	// Profiles are the profiles whose last send the digest advances.
	Profiles []string `json:"profiles"`
	// Items are the tenders it carries, with their versions.
	Items []AlertSent `json:"items"`
	// To, Subject, Text, HTML and Headers are the mail, so that a resend
	// after a crash is the same mail.
	To       string            `json:"to"`
	Subject  string            `json:"subject"`
	Text     string            `json:"text"`
	HTML     string            `json:"html"`
	Headers  map[string]string `json:"headers,omitempty"`
	Attempts int               `json:"attempts"`
	// InFlight is set, in its own transaction, just before the mail is
	// handed to SMTP and cleared by the outcome: found set on start-up, it
	// means the process ended during the send (Interrupted counts those).
	InFlight    bool      `json:"in_flight,omitempty"`
	Interrupted int       `json:"interrupted,omitempty"`
	SentAt      time.Time `json:"sent_at,omitzero"`
	Error       string    `json:"error,omitempty"`
}
