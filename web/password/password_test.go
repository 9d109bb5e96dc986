package password

import (
	"errors"
	"strings"
	"testing"
)

func TestHashAndCheck(t *testing.T) {
	h, err := Hash("une phrase de passe assez longue")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Errorf("hash %q lacks the OWASP argon2id parameters", h)
	}
	h2, _ := Hash("une phrase de passe assez longue")
	if h == h2 {
		t.Errorf("two hashes of one password are equal: no random salt")
	}
	tests := []struct {
		name, pw string
		want     bool
	}{
		{"right", "une phrase de passe assez longue", true},
		{"wrong", "une phrase de passe assez longuE", false},
		{"empty", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, err := Check(tt.pw, h); got != tt.want || err != nil {
				t.Errorf("Check = %v, %v; want %v", got, err, tt.want)
			}
		})
	}
	// Parameters are read from the hash: a hash made with others checks.
	cheap, _ := HashWith("x", Parameters{Memory: 64, Time: 1, Threads: 1})
	if ok, err := Check("x", cheap); !ok || err != nil {
		t.Errorf("hash with other parameters: %v, %v", ok, err)
	}
}

func TestCheckMalformed(t *testing.T) {
	for _, h := range []string{"", "plain", "$argon2i$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$a2V5a2V5a2V5a2V5a2V5",
		"$argon2id$v=18$m=19456,t=2,p=1$c2FsdHNhbHQ$a2V5a2V5a2V5a2V5a2V5", "$argon2id$v=19$m=99999999,t=2,p=1$c2FsdHNhbHQ$a2V5a2V5a2V5a2V5a2V5",
		"$argon2id$v=19$m=19456,t=2,p=1$!!$a2V5a2V5a2V5a2V5a2V5"} {
		if ok, err := Check("x", h); ok || !errors.Is(err, ErrMalformed) {
			t.Errorf("Check(%q) = %v, %v; want ErrMalformed", h, ok, err)
		}
	}
}

func TestWeakness(t *testing.T) {
	tests := []struct {
		name, pw, email string
		weak            bool
	}{
		{"long phrase", "une phrase de passe assez longue", "a@b.fr", false},
		{"too short", "court123", "a@b.fr", true},
		{"11 characters", "abcdéfghijk", "a@b.fr", true},
		{"12 accented characters", "éèàùçôîêâûëï", "a@b.fr", false},
		{"common", "motdepasse123", "a@b.fr", true},
		{"common, other case", "PASSWORD1234", "a@b.fr", true},
		{"the address", "claire.martin@atelier.test", "Claire.Martin@atelier.test", true},
		{"the local part", "claire.martin.du.nord", "claire.martin.du.nord@atelier.test", true},
		{"one repeated character", "zzzzzzzzzzzzzzz", "a@b.fr", true},
		{"too long", strings.Repeat("a1", 600), "a@b.fr", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Weakness(tt.pw, tt.email); (got != "") != tt.weak {
				t.Errorf("Weakness(%q) = %q, want weak %v", tt.pw, got, tt.weak)
			}
		})
	}
}

// BenchmarkCheck measures one sign-in's password check with the OWASP
// parameters.
func BenchmarkCheck(b *testing.B) {
	h, err := Hash("une phrase de passe assez longue")
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if ok, _ := Check("une phrase de passe assez longue", h); !ok {
			b.Fatal("no match")
		}
	}
}
