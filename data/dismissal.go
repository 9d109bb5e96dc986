package data

import "time"

// TenderDismissal records that a company set a tender aside (« pas pour
// nous »): the tender no longer shows among the company's tenders, and
// the Alliance counts such signals per tender.
type TenderDismissal struct {
	SupplierID string    `json:"supplier_id"`
	TenderID   string    `json:"tender_id"`
	AccountID  string    `json:"account_id"` // the member who set it aside
	At         time.Time `json:"at"`
}
