package web

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"strings"
	"testing"

	"fabrique/data"
)

// testImage is a w×h image with a gradient, so that encoders cannot
// shrink it to nothing.
func testImage(w, h int) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.SetNRGBA(x, y, color.NRGBA{R: uint8(x), G: uint8(y), B: uint8(x ^ y), A: 255})
		}
	}
	return img
}

func encodePNG(t testing.TB, img image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// pngBomb is a valid small PNG whose header announces w×h pixels.
func pngBomb(t testing.TB, w, h uint32) []byte {
	t.Helper()
	b := encodePNG(t, testImage(1, 1))
	// signature (8), IHDR length (4), "IHDR" (4), width (4), height (4)…
	binary.BigEndian.PutUint32(b[16:], w)
	binary.BigEndian.PutUint32(b[20:], h)
	binary.BigEndian.PutUint32(b[29:], crc32.ChecksumIEEE(b[12:29]))
	return b
}

func TestProcessLogo(t *testing.T) {
	var jpg, gf bytes.Buffer
	if err := jpeg.Encode(&jpg, testImage(800, 200), nil); err != nil {
		t.Fatal(err)
	}
	if err := gif.Encode(&gf, testImage(40, 30), nil); err != nil {
		t.Fatal(err)
	}
	pngOK := encodePNG(t, testImage(120, 60))
	tests := []struct {
		name    string
		in      []byte
		wantW   int
		wantH   int
		wantErr error
		msg     string
	}{
		{"small png kept at its size", pngOK, 120, 60, nil, ""},
		{"large jpeg scaled to fit", jpg.Bytes(), 400, 100, nil, ""},
		{"gif re-encoded", gf.Bytes(), 40, 30, nil, ""},
		{"empty", nil, 0, 0, data.ErrInvalid, "choisissez"},
		{"text file", []byte("bonjour, ceci n'est pas une image"), 0, 0, data.ErrInvalid, "n'est pas une image"},
		{"html named logo.png", []byte("<html><script>alert(1)</script></html>"), 0, 0, data.ErrInvalid, "n'est pas une image"},
		{"svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`), 0, 0, data.ErrInvalid, "n'est pas une image"},
		{"too many bytes", append(bytes.Clone(pngOK), make([]byte, maxLogoUpload)...), 0, 0, data.ErrTooLarge, "Ko"},
		{"decompression bomb", pngBomb(t, 50000, 50000), 0, 0, data.ErrTooLarge, "50\u202f000 × 50\u202f000"},
		{"too many pixels", pngBomb(t, 3999, 3999), 0, 0, data.ErrTooLarge, "pixels"},
		{"truncated png", pngOK[:len(pngOK)/2], 0, 0, data.ErrInvalid, "illisible"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := processLogo(tt.in)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) || !strings.Contains(logoMessage(err), tt.msg) {
					t.Fatalf("processLogo = %v (%q), want %v with %q", err, logoMessage(err), tt.wantErr, tt.msg)
				}
				return
			}
			if err != nil {
				t.Fatalf("processLogo: %v", err)
			}
			if bytes.Equal(out, tt.in) {
				t.Error("the upload is stored as sent, not re-encoded")
			}
			cfg, format, err := image.DecodeConfig(bytes.NewReader(out))
			if err != nil || format != "png" || cfg.Width != tt.wantW || cfg.Height != tt.wantH {
				t.Errorf("output: %s %d×%d (%v), want png %d×%d", format, cfg.Width, cfg.Height, err, tt.wantW, tt.wantH)
			}
		})
	}
}

// FuzzProcessLogo: no upload makes processLogo panic, and what it accepts
// is a PNG that fits logoSide.
func FuzzProcessLogo(f *testing.F) {
	f.Add(encodePNG(f, testImage(3, 2)))
	f.Add(pngBomb(f, 70000, 2))
	var g bytes.Buffer
	_ = gif.Encode(&g, testImage(5, 5), nil)
	f.Add(g.Bytes())
	f.Add([]byte("GIF89a"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		out, err := processLogo(raw)
		if err != nil {
			return
		}
		cfg, format, err := image.DecodeConfig(bytes.NewReader(out))
		if err != nil || format != "png" || cfg.Width > logoSide || cfg.Height > logoSide {
			t.Fatalf("accepted upload gave %s %d×%d (%v)", format, cfg.Width, cfg.Height, err)
		}
	})
}
