package data

import "time"

// Award is a contract a buyer awarded, as published in the DECP
// ("données essentielles de la commande publique") or an award notice.
// Awards make a supplier's public-contract track record and let the
// matcher be measured against real winners.
type Award struct {
	// ID is "<source>:<id in source>", unique across sources.
	ID string `json:"id"`
	// UID is the contract's identifier in the DECP (the buyer's SIRET
	// followed by its own number for the contract): the same in every
	// publication of the contract, its modifications included, whatever
	// amount or date they give. "" when the source has none.
	UID            string    `json:"uid,omitempty"`
	Source         string    `json:"source"` // "decp-2019-aife", "boamp", "ted"…
	Buyer          Buyer     `json:"buyer"`
	Nature         Nature    `json:"nature,omitempty"`
	Object         string    `json:"object,omitempty"`
	CPV            string    `json:"cpv,omitempty"` // 8 digits
	Procedure      string    `json:"procedure,omitempty"`
	Place          Place     `json:"place"`
	DurationMonths int       `json:"duration_months,omitempty"`
	NotifiedAt     time.Time `json:"notified_at,omitzero"`
	Amount         float64   `json:"amount,omitempty"`
	OffersReceived int       `json:"offers_received,omitempty"`
	Winners        []Winner  `json:"winners"`
	// Defects lists what was wrong in the source row (an impossible date,
	// a CPV without check digit…), in French.
	Defects []string `json:"defects,omitempty"`
}
