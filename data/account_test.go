package data

import "testing"

func TestRoleLabel(t *testing.T) {
	tests := []struct {
		role  Role
		teams int
		want  string
	}{
		{RoleBuyer, 0, "acheteur"},
		{RoleBuyer, 2, "entreprise"},
		{RoleSupplier, 0, "entreprise"},
		{RoleAlliance, 1, "équipe de l'Alliance"},
		{RoleAdmin, 0, "administrateur de l'Alliance"},
		{"", 0, "acheteur"},
	}
	for _, tt := range tests {
		if got := tt.role.Label(tt.teams); got != tt.want {
			t.Errorf("Role(%q).Label(%d) = %q, want %q", tt.role, tt.teams, got, tt.want)
		}
	}
}
