package observatory

import (
	"time"

	"fabrique/data"
)

// Snapshot takes the day's key figures from the facts, unfiltered.
func (f *Facts) Snapshot(day time.Time) data.StatsSnapshot {
	c := f.Coverage(Filter{}, day)
	tc := f.TenderCoverage(Filter{}, day)
	as := f.AwardShare(Filter{})
	s := data.StatsSnapshot{Day: data.SnapshotDay(day), TakenAt: day.UTC(), Suppliers: c.Suppliers, Holding: c.Holding,
		Labels: map[data.LabelType]data.LabelStateCounts{}, Claimed: c.Claims.Claimed,
		OpenTenders: tc.Open, EvaluatedTenders: tc.Evaluated, TendersAtLeast3: tc.AtLeast3, TendersNone: tc.None,
		Awards: as.All.Count, AwardsLabelled: as.Labelled.Count, AmountAll: as.All.Amount, AmountLabelled: as.Labelled.Amount}
	for _, lc := range c.Labels {
		if lc.Total > 0 {
			s.Labels[lc.Type] = lc.Counts()
		}
	}
	return s
}

// Counts returns the companies of the label by state.
func (lc *LabelCoverage) Counts() data.LabelStateCounts {
	var n data.LabelStateCounts
	for _, st := range lc.States {
		switch st.State {
		case data.LabelValid:
			n.Valid = st.Count
		case data.LabelExpiring:
			n.Expiring = st.Count
		case data.LabelExpired:
			n.Expired = st.Count
		case data.LabelNotRefound:
			n.NotRefound = st.Count
		case data.LabelNotYet:
			n.NotYet = st.Count
		}
	}
	return n
}
