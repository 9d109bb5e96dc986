package notice

import "fabrique/data"

// repairTexts passes the tender's texts through data.RepairText: text
// decoded with the wrong charset upstream ("matÃ©riels") is restored, and
// what cannot be ("mat�riels") is kept as it is. Either way the tender
// records it in TextDefects and the import report gets a warning.
func repairTexts(o *noticeOut) {
	t := &o.tender
	type field struct {
		name string
		s    *string
	}
	fields := []field{
		{"intitulé", &t.Title},
		{"description", &t.Description},
		{"acheteur", &t.Buyer.Name},
	}
	for i := range t.Lots {
		l := &t.Lots[i]
		fields = append(fields, field{"intitulé du lot " + l.ID, &l.Title},
			field{"description du lot " + l.ID, &l.Description})
	}
	for _, f := range fields {
		fixed, defect := data.RepairText(*f.s)
		if defect == data.TextClean {
			continue
		}
		*f.s = fixed
		msg := f.name + " : " + defect.French()
		if !contains(t.TextDefects, msg) {
			t.TextDefects = append(t.TextDefects, msg)
		}
		o.notef("%s", msg)
	}
}
