package web

import (
	"strconv"
	"time"

	"fabrique/data"
)

// paris is the time zone deadlines are shown in: French buyers count days
// on the French calendar (data.Paris).
func paris() *time.Location { return data.Paris() }

// countdown says in French how long a tender still accepts offers at now:
// « clôture dans 3 jours », « clôture demain à 12 h 00 », « clôturé »; of
// a purchase only announced, that it cannot be answered yet.
// Days are calendar days in Paris, as a buyer counts them.
func countdown(t *data.Tender, now time.Time) string {
	presumed := t.DeadlinePresumed()
	switch st := t.StatusAt(now); {
	case st == data.StatusAnnounced: // beside the badge « pré-information »
		return "achat annoncé : pas encore d'appel à la concurrence"
	case st == data.StatusClosed && presumed: // beside the badge « clôturé »
		return "date limite non précisée, présumée passée : publié il y a plus de " + strconv.Itoa(data.PresumedOpenDays) + " jours"
	case st != data.StatusOpen:
		return st.Label()
	case presumed:
		return "date limite non précisée, présumée au " + frenchDate(t.OpenUntil().In(paris()))
	case t.Deadline.IsZero():
		return "date limite non précisée"
	}
	return "clôture " + deadlineDistance(t.Deadline, now)
}

// deadlineDistance is « aujourd'hui à 16 h 00 », « demain à 12 h 00 » or
// « dans N jours », for a deadline after now.
func deadlineDistance(deadline, now time.Time) string {
	d, n := deadline.In(paris()), now.In(paris())
	days := calendarDays(n, d)
	switch days {
	case 0:
		return "aujourd'hui à " + frenchClock(d)
	case 1:
		return "demain à " + frenchClock(d)
	}
	return "dans " + strconv.Itoa(days) + " jours"
}

// calendarDays counts the midnights between a and b (same location).
func calendarDays(a, b time.Time) int {
	da := time.Date(a.Year(), a.Month(), a.Day(), 0, 0, 0, 0, time.UTC)
	db := time.Date(b.Year(), b.Month(), b.Day(), 0, 0, 0, 0, time.UTC)
	return int(db.Sub(da).Hours() / 24)
}

// frenchClock writes a time of day the French way: « 16 h 00 ».
func frenchClock(t time.Time) string { return t.Format("15 h 04") }

// soonDays is how close a deadline must be for the list to flag it.
const soonDays = 7

// closesSoon reports whether an open tender closes within soonDays.
func closesSoon(t *data.Tender, now time.Time) bool {
	return t.Open(now) && !t.Deadline.IsZero() && t.Deadline.Sub(now) <= soonDays*24*time.Hour
}

// stateBadge is the badge of a tender's state: its CSS class and French
// word.
type stateBadge struct {
	Class, Text string
}

// tenderBadge tells where a tender stands at now (data.Tender.StatusAt):
// ouvert (rectifié when a correction changed it), clôturé, attribué or
// annulé.
func tenderBadge(t *data.Tender, now time.Time) stateBadge {
	st := t.StatusAt(now)
	if st == data.StatusOpen && t.Corrected() {
		return stateBadge{"corrected", "rectifié"}
	}
	return stateBadge{string(st), st.Label()}
}

// frenchDateTime writes « 24 juin 2019 à 18 h 00 » in Paris time; "" for
// the zero time.
func frenchDateTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	p := t.In(paris())
	return frenchDate(p) + " à " + frenchClock(p)
}

// natureText is the French name of a contract's nature.
func natureText(n data.Nature) string { return n.Label() }

// tenderSourceName is the French name of where a tender comes from.
func tenderSourceName(src string) string {
	switch src {
	case "boamp":
		return "BOAMP"
	case "ted":
		return "TED (Journal officiel de l'Union européenne)"
	case "ocds":
		return "OCDS"
	case "besoin":
		return "besoin saisi sur Fabrique"
	case "manual":
		return "saisie manuelle"
	}
	return src
}
